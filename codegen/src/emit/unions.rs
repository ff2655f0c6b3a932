//! Unions. A discriminated union reads the properties that tell its variants
//! apart first (`x-okta-defined-as` keys, then the discriminator) and decodes
//! the object once as the chosen variant; anything else is `Unknown`, whole.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Prelude, doc_attrs, ident};
use crate::ir::{TypeDef, TypeRef, Union, Untagged};

pub(super) fn emit_union(cx: &Cx<'_>, def: &TypeDef, u: &Union, docs: TokenStream) -> TokenStream {
    let rt = &cx.rt;
    let Prelude { some, option, string, clone, debug, partial_eq, from, result, .. } = &cx.std;
    let name = ident(&def.name);
    let unknown_ty = ident(&u.unknown);
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.name)).collect();
    let types: Vec<_> = u.variants.iter().map(|v| ident(&v.ty)).collect();
    let variant_names: Vec<&str> = u.variants.iter().map(|v| crate::names::unraw(&v.name)).collect();
    let variant_docs = u.variants.iter().map(|v| {
        let values: Vec<String> = v.discriminator.iter().map(|x| format!("`{x}`")).collect();
        let by_discriminator = format!("`{}` is {}", u.property, values.join(" or "));
        match (&v.defined_as, values.is_empty()) {
            (Some(d), true) => format!(" `{}` is `{}`.", d.property, d.value),
            (Some(d), false) => format!(" `{}` is `{}`, or {by_discriminator}.", d.property, d.value),
            (None, _) => format!(" {by_discriminator}."),
        }
    });
    let unknown_doc =
        format!(" Anything else: `{}` absent, `null` or a value this crate does not know. Kept whole.", u.property);

    // The properties to read before choosing: defined-as keys first, then the discriminator.
    let mut properties: Vec<&str> = Vec::new();
    for d in u.variants.iter().filter_map(|v| v.defined_as.as_ref()) {
        if !properties.contains(&d.property.as_str()) {
            properties.push(&d.property);
        }
    }
    if !properties.contains(&u.property.as_str()) {
        properties.push(&u.property);
    }
    let keys: Vec<_> = (0..properties.len()).map(|i| format_ident!("key{}", i)).collect();
    let position = |p: &str| properties.iter().position(|x| *x == p).unwrap_or(0);

    // Innermost: the discriminator; around it, each defined-as property in turn.
    let disc_key = &keys[position(&u.property)];
    let disc_arms =
        u.variants.iter().zip(&variants).filter(|(v, _)| !v.discriminator.is_empty()).map(|(v, variant)| {
            let values = &v.discriminator;
            quote!(#(#some(#values))|* => raw.decode(Self::#variant),)
        });
    let mut dispatch = quote! {
        match #disc_key.as_str() {
            #(#disc_arms)*
            _ => raw.decode(Self::Unknown),
        }
    };
    for property in properties.iter().rev().filter(|p| **p != u.property) {
        let key = &keys[position(property)];
        let arms = u.variants.iter().zip(&variants).filter_map(|(v, variant)| {
            let d = v.defined_as.as_ref().filter(|d| d.property == *property)?;
            let value = &d.value;
            Some(quote!(#some(#value) => raw.decode(Self::#variant),))
        });
        dispatch = quote! {
            match #key.as_str() {
                #(#arms)*
                _ => #dispatch,
            }
        };
    }
    // A discriminator that is `null` (or not a string) picks nothing, even
    // where a key name would: the object is unknown, kept whole.
    let dispatch = quote! {
        if #disc_key.is_null_or_not_text() {
            raw.decode(Self::Unknown)
        } else {
            #dispatch
        }
    };

    let accessors = u.accessors.iter().map(|a| {
        let method = ident(&a.name);
        let (ret, base) = match &a.ty {
            TypeRef::String => (quote!(&str), quote!(.map(#string::as_str))),
            other => {
                let ty = cx.ty(other);
                (quote!(&#ty), quote!())
            }
        };
        let arms = a.nullable.iter().map(|(variant, nullable)| {
            let variant = ident(variant);
            let read = match (*nullable, &a.ty) {
                (true, _) => quote!(v.#method.as_ref().and_then(#rt::Nullable::as_value) #base),
                (false, TypeRef::String) => quote!(v.#method.as_deref()),
                (false, _) => quote!(v.#method.as_ref()),
            };
            quote!(Self::#variant(v) => #read,)
        });
        let docs = doc_attrs(a.docs.as_deref(), Some("`None` when absent or `null`."));
        quote! {
            #docs
            pub fn #method(&self) -> #option<#ret> {
                match self {
                    #(#arms)*
                }
            }
        }
    });

    quote! {
        #docs
        #[derive(#clone, #debug, #partial_eq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants(#types),
            )*
            #[doc = #unknown_doc]
            Unknown(#unknown_ty),
        }

        impl #name {
            /// The variant's name (`Unknown` for the unknown one), e.g. for reports.
            pub fn variant_name(&self) -> &'static str {
                match self {
                    #(Self::#variants(_) => #variant_names,)*
                    Self::Unknown(_) => "Unknown",
                }
            }

            #(#accessors)*
        }

        #(
            impl #from<#types> for #name {
                fn from(value: #types) -> Self {
                    Self::#variants(value)
                }
            }
        )*

        impl #from<#unknown_ty> for #name {
            fn from(value: #unknown_ty) -> Self {
                Self::Unknown(value)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => value.serialize(serializer),)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let raw = #rt::RawObject::deserialize(deserializer)?;
                let [#(#keys),*] = raw.probe([#(#properties),*]);
                let decoded = #dispatch;
                decoded.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}

pub(super) fn emit_untagged(cx: &Cx<'_>, def: &TypeDef, u: &Untagged, docs: TokenStream) -> TokenStream {
    let Prelude { clone, debug, partial_eq, .. } = &cx.std;
    let name = ident(&def.name);
    let variants = u.variants.iter().zip(marker_list(u)).map(|((v, ty), marker)| {
        let mut doc = match ty.named() {
            Some(n) => format!(" A [`{}`]", crate::names::unraw(n)),
            None => format!(" {v}"),
        };
        match marker {
            Some(m) => doc.push_str(&format!(": the object has `{m}`.")),
            None if !u.markers.is_empty() => doc.push_str(": an object that has none of the others' properties."),
            None => doc.push('.'),
        }
        let v = ident(v);
        let ty = cx.ty(ty);
        quote!(#[doc = #doc] #v(#ty),)
    });
    if u.markers.is_empty() {
        return quote! {
            #docs
            ///
            /// Nothing in the payload names the variant: each is tried in order.
            #[derive(#clone, #debug, #partial_eq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        };
    }
    let serde = marked_serde(cx, &name, u);
    quote! {
        #docs
        ///
        /// The properties the object has pick the variant.
        #[derive(#clone, #debug, #partial_eq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
        #serde
    }
}

/// Each variant's marker, or `None` for all when there are none.
fn marker_list(u: &Untagged) -> impl Iterator<Item = Option<&str>> {
    (0..u.variants.len()).map(|i| u.markers.get(i).and_then(|m| m.as_deref()))
}

/// Decoding by marker: the object is read once as raw JSON, the markers are
/// looked up, and it is decoded once as the variant the first present one
/// names (else the variant without a marker, else the first).
fn marked_serde(cx: &Cx<'_>, name: &syn::Ident, u: &Untagged) -> TokenStream {
    let rt = &cx.rt;
    let result = &cx.std.result;
    let variants: Vec<_> = u.variants.iter().map(|(v, _)| ident(v)).collect();
    let mut keys = Vec::new();
    let mut properties = Vec::new();
    let mut checks = Vec::new();
    let mut fallback = variants.first().cloned();
    for (variant, marker) in variants.iter().zip(marker_list(u)) {
        match marker {
            Some(m) => {
                let key = format_ident!("key{}", keys.len());
                checks.push(quote!(if !#key.is_absent() { raw.decode(Self::#variant) } else));
                properties.push(m);
                keys.push(key);
            }
            None => fallback = Some(variant.clone()),
        }
    }
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => value.serialize(serializer),)*
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let raw = #rt::RawObject::deserialize(deserializer)?;
                let [#(#keys),*] = raw.probe([#(#properties),*]);
                let decoded = #(#checks)* { raw.decode(Self::#fallback) };
                decoded.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}
