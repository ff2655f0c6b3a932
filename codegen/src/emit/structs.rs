//! Structs: every property optional on the wire (absent stays absent), `null`
//! kept apart where the spec allows it, unknown properties kept, and a
//! constructor that takes the required ones.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, Prelude, doc_attrs, ident};
use crate::ir::{Extra, Field, Preset, PresetKind, Struct, TypeDef, TypeRef};
use crate::names::reserved::{EXTRA_FIELD, NULLS_FIELD, UNKNOWN_VARIANT};

/// Constructors with more arguments than this get clippy's lint allowed.
const CLIPPY_MAX_ARGS: usize = 7;

pub(super) fn emit(cx: &Cx<'_>, def: &TypeDef, s: &Struct, docs: TokenStream) -> TokenStream {
    let Prelude { string, clone, debug, partial_eq, default, .. } = &cx.std;
    let name = ident(&def.name);
    let fields = s.fields.iter().map(|f| field(cx, f));
    let extra_field = match &s.extra {
        Extra::Keep => {
            let extra = ident(EXTRA_FIELD);
            quote! {
                /// Properties the spec does not list, kept as sent.
                pub #extra: ::serde_json::Map<#string, ::serde_json::Value>,
            }
        }
        Extra::Typed(ty) => {
            let extra = ident(EXTRA_FIELD);
            let ty = cx.ty(ty);
            let rt = &cx.rt;
            quote! {
                /// Further properties, each of the type the spec gives.
                pub #extra: #rt::Map<#ty>,
            }
        }
        Extra::Deny => {
            let nulls = ident(NULLS_FIELD);
            let rt = &cx.rt;
            quote! {
                /// The `null`s sent where a field's type takes none, by wire name:
                /// written back in their place unless the field is set.
                pub #nulls: #rt::Nulls,
            }
        }
    };
    let needs_new = s.fields.iter().any(|f| f.required && !f.read_only) || !s.presets.is_empty();
    let default = if needs_new { quote!() } else { quote!(#default,) };
    let constructor = if needs_new { constructor(cx, def, s) } else { quote!() };
    let serde = serde_impls(cx, def, s);
    quote! {
        #docs
        #[derive(#clone, #debug, #partial_eq, #default)]
        pub struct #name {
            #(#fields)*
            #extra_field
        }
        #constructor
        #serde
    }
}

/// The stored type of a field: always an `Option`, with `Nullable` inside
/// where the server may send `null`.
fn stored_ty(cx: &Cx<'_>, f: &Field) -> TokenStream {
    let ty = cx.ty(&f.ty);
    let (rt, option) = (&cx.rt, &cx.std.option);
    if f.nullable { quote!(#option<#rt::Nullable<#ty>>) } else { quote!(#option<#ty>) }
}

fn field(cx: &Cx<'_>, f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let ty = stored_ty(cx, f);
    let mut notes: Vec<String> = Vec::new();
    // Without the spec's text, the fallback text is the wire name already.
    if f.docs.is_some() && f.wire != crate::names::unraw(&f.name) {
        notes.push(format!("Sent as `{}`.", f.wire));
    }
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
    if let Some(id) = f.ty.named() {
        notes.insert(0, format!("See [`{}`].", crate::names::unraw(cx.api.types.name(id))));
    }
    let note = (!notes.is_empty()).then(|| notes.join(" "));
    let fallback = format!("`{}`.", f.wire);
    let docs = doc_attrs(Some(f.docs.as_deref().unwrap_or(&fallback)), note.as_deref());
    quote! {
        #docs
        pub #name: #ty,
    }
}

/// `Serialize` and `Deserialize`, written by the runtime's macro from the
/// fields and their wire names and where the struct keeps what they do not
/// hold: undeclared properties, and the `null`s the runtime reads for any
/// field whose type takes none (never turned into "absent").
fn serde_impls(cx: &Cx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&def.name);
    let fields = s.fields.iter().map(|f| {
        let (field, wire) = (ident(&f.name), &f.wire);
        if f.ty.is_free_form() { quote!(#field = #wire as any) } else { quote!(#field = #wire) }
    });
    let (extra, nulls) = (ident(EXTRA_FIELD), ident(NULLS_FIELD));
    let body = match s.extra {
        Extra::Keep | Extra::Typed(_) => quote!(#(#fields,)* ..#extra),
        Extra::Deny => quote!(#(#fields),*; nulls = #nulls),
    };
    quote! {
        #rt::object_impls!(#name { #body });
    }
}

/// `new(required...)`: sets the required fields and the fixed values of a
/// union member (its discriminator or `x-okta-defined-as` key).
fn constructor(cx: &Cx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let rt = &cx.rt;
    let Prelude { string, into, some, default, .. } = &cx.std;
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut arg_docs = Vec::new();
    for f in &s.fields {
        let name = ident(&f.name);
        let value = if let Some(p) = s.presets.iter().find(|p| p.wire == f.wire) {
            Some(preset_value(cx, p, &f.ty))
        } else if f.required && !f.read_only {
            let (arg_ty, conv) = match &f.ty {
                TypeRef::String => (quote!(impl #into<#string>), quote!(#name.into())),
                TypeRef::Secret => (quote!(impl #into<#rt::Secret>), quote!(#name.into())),
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
            Some(v) if f.nullable => quote!(#name: #some(#rt::Nullable::Value(#v)),),
            Some(v) => quote!(#name: #some(#v),),
            None => continue,
        });
    }
    // Properties the spec does not declare but a fixed value names (lowering
    // makes these only for a struct that keeps undeclared properties).
    let map_inserts: Vec<TokenStream> = s
        .presets
        .iter()
        .filter(|p| p.kind == PresetKind::Extra)
        .map(|Preset { wire, value, .. }| quote!((#wire.to_owned(), ::serde_json::Value::String(#value.to_owned()))))
        .collect();
    let extra = (!map_inserts.is_empty()).then(|| {
        let extra = ident(EXTRA_FIELD);
        quote!(#extra: ::serde_json::Map::from_iter([#(#map_inserts),*]),)
    });
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
            impl #default for #name {
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
                    #(#inits)*
                    #extra
                    ..<Self as #rt::object::Object>::empty()
                }
            }
        }
        #default
    }
}

/// A fixed value, written as lowering decided for its field's type.
fn preset_value(cx: &Cx<'_>, preset: &Preset, field: &TypeRef) -> TokenStream {
    let rt = &cx.rt;
    let string = &cx.std.string;
    let value = &preset.value;
    match &preset.kind {
        PresetKind::String | PresetKind::Extra => quote!(#string::from(#value)),
        PresetKind::Secret => quote!(#rt::Secret::from(#value)),
        PresetKind::Json => quote!(::serde_json::Value::String(#string::from(#value))),
        PresetKind::Enum(Some(variant)) => {
            let (ty, variant) = (cx.ty(field), ident(variant));
            quote!(#ty::#variant)
        }
        PresetKind::Enum(None) => {
            let ty = cx.ty(field);
            let unknown = ident(UNKNOWN_VARIANT);
            quote!(#ty::#unknown(#value.to_owned()))
        }
    }
}
