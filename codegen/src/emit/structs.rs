//! Structs: every property optional on the wire (absent stays absent), `null`
//! kept apart where the spec allows it, unknown properties kept, and a
//! constructor that takes the required ones.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, doc_attrs, ident};
use crate::ir::{Extra, Field, Preset, PresetKind, Struct, TypeDef, TypeRef};
use crate::lower::EXTRA_FIELD;

/// Constructors with more arguments than this get clippy's lint allowed.
const CLIPPY_MAX_ARGS: usize = 7;

pub(super) fn emit(cx: &Cx<'_>, def: &TypeDef, s: &Struct, docs: TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let rt = cx.rt;
    let fields = s.fields.iter().map(|f| field(cx, f));
    let (extra_field, deny) = match &s.extra {
        Extra::Keep => {
            let extra = ident(EXTRA_FIELD);
            (
                quote! {
                    /// Properties the spec does not list, kept as sent.
                    #[serde(flatten)]
                    pub #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                },
                quote!(),
            )
        }
        Extra::Typed(ty) => {
            let extra = ident(EXTRA_FIELD);
            let ty = cx.ty(ty);
            (
                quote! {
                    /// Further properties, each of the type the spec gives.
                    #[serde(flatten)]
                    pub #extra: ::std::collections::BTreeMap<::std::string::String, #ty>,
                },
                quote!(),
            )
        }
        Extra::Deny => (quote!(), quote!(#[serde(deny_unknown_fields)])),
    };
    let needs_new = s.fields.iter().any(|f| f.required && !f.read_only) || !s.presets.is_empty();
    let default = if needs_new { quote!() } else { quote!(::std::default::Default,) };
    let constructor = if needs_new { constructor(cx, def, s) } else { quote!() };
    let _ = rt;
    quote! {
        #docs
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        #deny
        pub struct #name {
            #(#fields)*
            #extra_field
        }
        #constructor
    }
}

/// The stored type of a field: always an `Option`, with `Nullable` inside
/// where the server may send `null`.
fn stored_ty(cx: &Cx<'_>, f: &Field) -> TokenStream {
    let ty = cx.ty(&f.ty);
    let rt = cx.rt;
    if f.nullable { quote!(::std::option::Option<#rt::Nullable<#ty>>) } else { quote!(::std::option::Option<#ty>) }
}

fn field(cx: &Cx<'_>, f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let ty = stored_ty(cx, f);
    let mut notes: Vec<String> = Vec::new();
    if f.required {
        notes.push("Required by the spec in requests.".to_owned());
    }
    if f.read_only {
        notes.push("Set by the server; ignored in requests.".to_owned());
    }
    if f.write_only {
        notes.push("Sent in requests; never returned.".to_owned());
    }
    if f.nullable {
        notes.push("The server may send `null`, kept apart from absent.".to_owned());
    }
    if let Some(n) = f.ty.named() {
        notes.insert(0, format!("See [`{}`].", crate::names::unraw(n)));
    }
    let note = (!notes.is_empty()).then(|| notes.join(" "));
    let fallback = format!("`{}`.", f.wire);
    let docs = doc_attrs(Some(f.docs.as_deref().unwrap_or(&fallback)), note.as_deref());
    let wire = &f.wire;
    let rename = if crate::names::unraw(&f.name) == f.wire { quote!() } else { quote!(rename = #wire,) };
    // A `null` the spec does not allow is an error naming the path, never
    // silently turned into "absent".
    let helper = if f.nullable { "deserialize_nullable" } else { "deserialize_some" };
    let path = format!("{}::{helper}", cx.rt_text);
    let nullable = quote!(deserialize_with = #path,);
    quote! {
        #docs
        #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none", #nullable)]
        pub #name: #ty,
    }
}

/// `new(required...)`: sets the required fields and the fixed values of a
/// union member (its discriminator or `x-okta-defined-as` key).
fn constructor(cx: &Cx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let rt = cx.rt;
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut arg_docs = Vec::new();
    for f in &s.fields {
        let name = ident(&f.name);
        let value = if let Some(p) = s.presets.iter().find(|p| p.wire == f.wire) {
            Some(preset_value(cx, p, &f.ty))
        } else if f.required && !f.read_only {
            let (arg_ty, conv) = match &f.ty {
                TypeRef::String => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(#name.into())),
                TypeRef::Secret => (quote!(impl ::std::convert::Into<#rt::Secret>), quote!(#name.into())),
                other => {
                    let ty = cx.ty(other);
                    (quote!(#ty), quote!(#name))
                }
            };
            args.push(quote!(#name: #arg_ty));
            arg_docs.push(format!("`{}`", f.wire));
            Some(conv)
        } else {
            None
        };
        inits.push(match value {
            Some(v) if f.nullable => quote!(#name: ::std::option::Option::Some(#rt::Nullable::Value(#v))),
            Some(v) => quote!(#name: ::std::option::Option::Some(#v)),
            None => quote!(#name: ::std::option::Option::None),
        });
    }
    let extra = match &s.extra {
        Extra::Deny => quote!(),
        _ => {
            let extra = ident(EXTRA_FIELD);
            let mut map_inserts = Vec::new();
            for Preset { wire, value, .. } in s.presets.iter().filter(|p| p.kind == PresetKind::Extra) {
                map_inserts.push(quote! {
                    #extra.insert(#wire.to_owned(), ::serde_json::Value::String(#value.to_owned()));
                });
            }
            if map_inserts.is_empty() || matches!(s.extra, Extra::Typed(_)) {
                quote!(#extra: ::std::default::Default::default(),)
            } else {
                quote!(#extra: {
                    let mut #extra = ::serde_json::Map::new();
                    #(#map_inserts)*
                    #extra
                },)
            }
        }
    };
    let name = ident(&def.name);
    let mut doc = format!("A `{}` with its required fields set and everything else unset.", def.name);
    if !arg_docs.is_empty() {
        doc.push_str(&format!("\n\nRequired: {}.", arg_docs.join(", ")));
    }
    if !s.presets.is_empty() {
        let fixed: Vec<String> = s.presets.iter().map(|p| format!("`{}` = `{}`", p.wire, p.value)).collect();
        doc.push_str(&format!("\n\nSets {}.", fixed.join(", ")));
    }
    let docs = doc_attrs(Some(&doc), None);
    let allow = if args.len() > CLIPPY_MAX_ARGS { quote!(#[allow(clippy::too_many_arguments)]) } else { quote!() };
    // Nothing to pass: `Default` is the same value (with the fixed ones set).
    let default = args.is_empty().then(|| {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        impl #name {
            #docs
            #allow
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits,)*
                    #extra
                }
            }
        }
        #default
    }
}

/// A fixed value, written as lowering decided for its field's type.
fn preset_value(cx: &Cx<'_>, preset: &Preset, field: &TypeRef) -> TokenStream {
    let rt = cx.rt;
    let value = &preset.value;
    match &preset.kind {
        PresetKind::String | PresetKind::Extra => quote!(::std::string::String::from(#value)),
        PresetKind::Secret => quote!(#rt::Secret::from(#value)),
        PresetKind::Json => quote!(::serde_json::Value::String(::std::string::String::from(#value))),
        PresetKind::Enum(Some(variant)) => {
            let (ty, variant) = (cx.ty(field), ident(variant));
            quote!(#ty::#variant)
        }
        PresetKind::Enum(None) => {
            let ty = cx.ty(field);
            quote!(#ty::Unknown(#value.to_owned()))
        }
    }
}
