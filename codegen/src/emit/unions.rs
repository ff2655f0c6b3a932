//! Unions. A discriminated union reads members until it has the properties
//! that tell its variants apart (`x-okta-defined-as` keys, then the
//! discriminator), then reads the kept members and the rest straight into
//! the chosen variant, boxed; anything else is `Unknown`, whole.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::names;
use crate::names::reserved::UNKNOWN_VARIANT;

use super::{Cx, Prelude, doc_attrs, ident};
use crate::ir::{Pick, TypeDef, TypeKind, TypeRef, Union, Untagged};

pub(super) fn emit_union(cx: &Cx<'_>, def: &TypeDef, u: &Union, docs: TokenStream) -> TokenStream {
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let rt = &cx.rt;
    let Prelude { some, option, string, boxed, clone, debug, partial_eq, from, .. } = &cx.std;
    let name = ident(&def.name);
    let unknown_ty = ident(cx.api.types.name(u.unknown));
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.name)).collect();
    let types: Vec<_> = u.variants.iter().map(|v| ident(cx.api.types.name(v.ty))).collect();
    let variant_names: Vec<&str> = u.variants.iter().map(|v| crate::names::unraw(&v.name)).collect();
    let variant_docs = u.variants.iter().map(|v| {
        let values: Vec<String> = v.discriminator.iter().map(|x| format!("`{x}`")).collect();
        let by_discriminator = format!("`{}` is {}", u.property, values.join(" or "));
        if u.absent.as_ref() == Some(&v.name) {
            let or = if values.is_empty() { String::new() } else { format!(", or {}", values.join(" or ")) };
            return format!(" `{}` is absent or `null`{or}.", u.property);
        }
        match (&v.defined_as, values.is_empty()) {
            (Some(d), true) => format!(" `{}` is `{}`.", d.property, d.value),
            (Some(d), false) => format!(" `{}` is `{}`, or {by_discriminator}.", d.property, d.value),
            (None, _) => format!(" {by_discriminator}."),
        }
    });
    let unknown_doc = match u.absent {
        Some(_) => {
            format!(" Anything else: `{}` not a string, or a value this crate does not know. Kept whole.", u.property)
        }
        None => {
            format!(" Anything else: `{}` absent, `null` or a value this crate does not know. Kept whole.", u.property)
        }
    };

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

    // A variant that is a struct is read from the members as they come; one
    // that is itself a union needs the whole object first.
    let decode = |ty: crate::ir::TypeId| match cx.api.types.kind(ty) {
        Some(TypeKind::Struct(_)) | None => format_ident!("decode"),
        Some(_) => format_ident!("decode_whole"),
    };
    // Innermost: the discriminator; around it, each defined-as property in turn.
    let disc_key = &keys[position(&u.property)];
    let disc_arms =
        u.variants.iter().zip(&variants).filter(|(v, _)| !v.discriminator.is_empty()).map(|(v, variant)| {
            let values = &v.discriminator;
            let decode = decode(v.ty);
            quote!(#(#some(#values))|* => object.#decode(Self::#variant),)
        });
    let mut dispatch = quote! {
        match #disc_key.as_str() {
            #(#disc_arms)*
            _ => object.decode(Self::#unknown),
        }
    };
    for property in properties.iter().rev().filter(|p| **p != u.property) {
        let key = &keys[position(property)];
        let arms = u.variants.iter().zip(&variants).filter_map(|(v, variant)| {
            let d = v.defined_as.as_ref().filter(|d| d.property == *property)?;
            let value = &d.value;
            let decode = decode(v.ty);
            Some(quote!(#some(#value) => object.#decode(Self::#variant),))
        });
        dispatch = quote! {
            match #key.as_str() {
                #(#arms)*
                _ => #dispatch,
            }
        };
    }
    // A discriminator that is `null` (or not a string) picks nothing, even
    // where a key name would: the object is unknown, kept whole, unless a
    // variant is defined by the discriminator's absence.
    let dispatch = quote! {
        if #disc_key.is_null_or_not_text() {
            object.decode(Self::#unknown)
        } else {
            #dispatch
        }
    };
    let absent = u.absent.as_ref().and_then(|a| u.variants.iter().find(|v| &v.name == a));
    let dispatch = match absent {
        Some(v) => {
            let variant = ident(&v.name);
            let decode = decode(v.ty);
            quote! {
                if #disc_key.is_absent_or_null() {
                    object.#decode(Self::#variant)
                } else #dispatch
            }
        }
        None => dispatch,
    };
    let all: Vec<_> = variants.iter().cloned().chain([unknown.clone()]).collect();
    let serde = union_serde(cx, &name, &all, &keys, &properties, &dispatch);

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
        let mutable = a.mut_name.as_ref().map(|name| {
            let name = ident(name);
            let ty = cx.ty(&a.ty);
            let arms = a.nullable.iter().map(|(variant, _)| {
                let variant = ident(variant);
                quote!(Self::#variant(v) => &mut v.#method,)
            });
            let doc = format!(" The `{}` of whichever variant, to set, change or take.", names::unraw(&a.name));
            quote! {
                #[doc = #doc]
                pub fn #name(&mut self) -> &mut #option<#ty> {
                    match self {
                        #(#arms)*
                    }
                }
            }
        });
        quote! {
            #docs
            pub fn #method(&self) -> #option<#ret> {
                match self {
                    #(#arms)*
                }
            }
            #mutable
        }
    });

    quote! {
        #docs
        ///
        /// Each variant's object is boxed, so the enum stays small however
        /// large its variants are; build one with `From` (`.into()`).
        #[derive(#clone, #debug, #partial_eq)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants(#boxed<#types>),
            )*
            #[doc = #unknown_doc]
            #unknown(#boxed<#unknown_ty>),
        }

        impl #name {
            /// The variant's name (`Unknown` for the unknown one), e.g. for reports.
            pub fn variant_name(&self) -> &'static str {
                match self {
                    #(Self::#variants(_) => #variant_names,)*
                    Self::#unknown(_) => #UNKNOWN_VARIANT,
                }
            }

            #(#accessors)*
        }

        #(
            impl #from<#types> for #name {
                fn from(value: #types) -> Self {
                    Self::#variants(#boxed::new(value))
                }
            }
        )*

        impl #from<#unknown_ty> for #name {
            fn from(value: #unknown_ty) -> Self {
                Self::#unknown(#boxed::new(value))
            }
        }

        #serde
    }
}

pub(super) fn emit_untagged(cx: &Cx<'_>, def: &TypeDef, u: &Untagged, docs: TokenStream) -> TokenStream {
    let Prelude { clone, debug, partial_eq, boxed, from, .. } = &cx.std;
    let name = ident(&def.name);
    let names: Vec<_> = u.variants.iter().map(|(v, _)| ident(v)).collect();
    let docs_of = u.variants.iter().enumerate().map(|(i, (v, ty))| {
        let mut doc = match (ty, ty.named().map(|id| cx.api.types.name(id))) {
            (TypeRef::Vec(_), Some(n)) => format!(" A list of [`{}`]", crate::names::unraw(n)),
            (_, Some(n)) => format!(" A [`{}`]", crate::names::unraw(n)),
            (_, None) => format!(" {v}"),
        };
        match &u.pick {
            Pick::InOrder => doc.push('.'),
            Pick::ByMarker { markers, .. } => match markers.iter().find(|(at, _)| *at == i) {
                Some((_, m)) => doc.push_str(&format!(": the object has `{m}`.")),
                None => doc.push_str(": an object that has none of the others' properties."),
            },
        }
        doc
    });
    let types: Vec<_> = u.variants.iter().map(|(_, ty)| cx.ty(ty)).collect();
    let Pick::ByMarker { markers, fallback } = &u.pick else {
        // Read once as JSON, then each variant tried on it: unlike serde's
        // buffer, a JSON value can be read again as raw text, which a union
        // among the variants needs.
        let (rt, result) = (&cx.rt, &cx.std.result);
        let name_str = crate::names::unraw(&def.name).to_owned();
        let serialize = serialize_as_variant(cx, &name, &names);
        return quote! {
            #docs
            ///
            /// Nothing in the payload names the variant: each is tried in order.
            #[derive(#clone, #debug, #partial_eq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #(#[doc = #docs_of] #names(#types),)*
            }

            #serialize

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                    #rt::deserialize_in_order(deserializer, #name_str, &[
                        #(|value| #rt::try_variant(value, Self::#names),)*
                    ])
                }
            }
        };
    };
    // Every variant is an object: read like a discriminated union, the
    // variant named by the first marker present, the fallback otherwise.
    let keys: Vec<_> = (0..markers.len()).map(|i| format_ident!("key{}", i)).collect();
    let properties: Vec<&str> = markers.iter().map(|(_, p)| p.as_str()).collect();
    let checks = markers.iter().zip(&keys).map(|((i, _), key)| {
        let variant = &names[*i];
        quote!(if !#key.is_absent() { object.decode(Self::#variant) } else)
    });
    let fallback_variant = &names[*fallback];
    let dispatch = quote!(#(#checks)* { object.decode(Self::#fallback_variant) });
    let serde = union_serde(cx, &name, &names, &keys, &properties, &dispatch);
    quote! {
        #docs
        ///
        /// The properties the object has pick the variant. Each variant's
        /// object is boxed; build one with `From` (`.into()`).
        #[derive(#clone, #debug, #partial_eq)]
        pub enum #name {
            #(#[doc = #docs_of] #names(#boxed<#types>),)*
        }

        #(
            impl #from<#types> for #name {
                fn from(value: #types) -> Self {
                    Self::#names(#boxed::new(value))
                }
            }
        )*

        #serde
    }
}

/// `Serialize` as the variant's value, and `Deserialize` in one pass: the
/// runtime reads members until it has `properties`, `dispatch` picks the
/// variant from them (`keys`), and the rest is read into it as it comes.
fn union_serde(
    cx: &Cx<'_>,
    name: &syn::Ident,
    variants: &[syn::Ident],
    keys: &[syn::Ident],
    properties: &[&str],
    dispatch: &TokenStream,
) -> TokenStream {
    let (rt, result) = (&cx.rt, &cx.std.result);
    let n = proc_macro2::Literal::usize_unsuffixed(properties.len());
    let name_str = crate::names::unraw(&name.to_string()).to_owned();
    let serialize = serialize_as_variant(cx, name, variants);
    quote! {
        #serialize

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                #rt::deserialize_union::<D, Self, #n>(deserializer)
            }
        }

        impl #rt::Union<#n> for #name {
            const NAME: &'static str = #name_str;
            const KEYS: [&'static str; #n] = [#(#properties),*];

            fn pick<'de, A: ::serde::de::MapAccess<'de>>(
                keys: [#rt::Probed; #n],
                object: #rt::Partial<'de, A>,
            ) -> #result<Self, A::Error> {
                let [#(#keys),*] = keys;
                #dispatch
            }
        }
    }
}

/// `Serialize` as the variant's value: a union has no wire form of its own.
fn serialize_as_variant(cx: &Cx<'_>, name: &syn::Ident, variants: &[syn::Ident]) -> TokenStream {
    let result = &cx.std.result;
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => value.serialize(serializer),)*
                }
            }
        }
    }
}
