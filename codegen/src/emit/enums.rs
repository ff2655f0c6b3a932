//! String enums: one variant per known value and `Unknown(String)` for the
//! rest, so a value the server adds later decodes and re-encodes as sent.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, ident};
use crate::ir::{Enum, TypeDef};

pub(super) fn emit_enum(cx: &Cx<'_>, def: &TypeDef, e: &Enum, docs: TokenStream) -> TokenStream {
    let rt = &cx.rt;
    let super::Prelude { clone, debug, string, .. } = &cx.std;
    let name = ident(&def.name);
    let variants: Vec<_> = e.values.iter().map(|(v, _)| ident(v)).collect();
    let wires: Vec<&String> = e.values.iter().map(|(_, w)| w).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    // The impls (as_str, From, Display, comparisons by wire value, serde with
    // unknown values kept) are the same for every enum: the runtime's macro
    // writes them.
    quote! {
        #docs
        #[derive(#clone, #debug)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this crate does not know, kept as sent.
            Unknown(#string),
        }
        #rt::string_enum_impls!(#name { #(#variants = #wires),* });
    }
}
