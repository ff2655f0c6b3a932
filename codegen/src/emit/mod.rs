//! Stage 3: the IR to Rust token streams. Reads only the IR, never the spec.

mod enums;
mod operations;
mod structs;
mod unions;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, TypeDef, TypeKind, TypeRef};

/// What the emitted code refers to outside itself.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// The path of the runtime module (`::okta_apps::runtime`).
    pub runtime: String,
}

impl Default for EmitOptions {
    fn default() -> Self {
        Self { runtime: "::okta_apps::runtime".to_owned() }
    }
}

/// The models module: one item per named type, in name order.
pub fn models(api: &Api, options: &EmitOptions) -> TokenStream {
    let (rt, rt_text) = runtime_path(options);
    let cx = Cx { api, rt: &rt, rt_text, models: quote!() };
    let items = api.types.values().map(|def| cx.type_def(def));
    quote! { #(#items)* }
}

/// The operations module, a sibling of the models module.
pub fn operations(api: &Api, options: &EmitOptions) -> TokenStream {
    let (rt, rt_text) = runtime_path(options);
    let cx = Cx { api, rt: &rt, rt_text, models: quote!(super::models::) };
    operations::emit(&cx)
}

/// The runtime path as tokens and as text; an unparsable one falls back to the default.
fn runtime_path(options: &EmitOptions) -> (syn::Path, &str) {
    match syn::parse_str(&options.runtime) {
        Ok(path) => (path, &options.runtime),
        Err(_) => (syn::parse_quote!(::okta_apps::runtime), "::okta_apps::runtime"),
    }
}

/// Emission context: the whole IR (to look up named types) and the runtime path.
pub(crate) struct Cx<'a> {
    pub api: &'a Api,
    pub rt: &'a syn::Path,
    /// The same path as text, for serde attributes that take a string.
    pub rt_text: &'a str,
    /// The path to the models from where the code is emitted (empty inside them).
    pub models: TokenStream,
}

impl Cx<'_> {
    fn type_def(&self, def: &TypeDef) -> TokenStream {
        let docs = doc_attrs(def.docs.as_deref(), Some(&format!("From `{}`.", def.origin)));
        match &def.kind {
            TypeKind::Struct(s) => structs::emit(self, def, s, docs),
            TypeKind::Enum(e) => enums::emit_enum(self, def, e, docs),
            TypeKind::Union(u) => unions::emit_union(self, def, u, docs),
            TypeKind::Untagged(u) => unions::emit_untagged(self, def, u, docs),
        }
    }

    /// The Rust type of a field or item.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        let rt = self.rt;
        match ty {
            TypeRef::String => quote!(::std::string::String),
            TypeRef::Secret => quote!(#rt::Secret),
            TypeRef::Timestamp => quote!(#rt::Timestamp),
            TypeRef::Bool => quote!(bool),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::F32 => quote!(f32),
            TypeRef::F64 => quote!(f64),
            TypeRef::Json => quote!(::serde_json::Value),
            TypeRef::JsonObject => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
            TypeRef::Named(n) => {
                let ident = ident(n);
                let models = &self.models;
                quote!(#models #ident)
            }
            TypeRef::Boxed(n) => {
                let ident = ident(n);
                let models = &self.models;
                quote!(::std::boxed::Box<#models #ident>)
            }
            TypeRef::Vec(inner) => {
                let inner = self.ty(inner);
                quote!(::std::vec::Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.ty(inner);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
        }
    }
}

/// An identifier from a name the IR chose (`r#type` stays raw).
pub(crate) fn ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => format_ident!("r#{}", raw),
        None => format_ident!("{}", name),
    }
}

/// `#[doc]` attributes: the spec's text, then a note (the origin).
pub(crate) fn doc_attrs(text: Option<&str>, note: Option<&str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    if let Some(text) = text {
        for line in text.trim().lines() {
            lines.push(format!(" {}", sanitize_doc(line.trim_end())));
        }
    }
    if let Some(note) = note {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(" {note}"));
    }
    quote! { #(#[doc = #lines])* }
}

/// Keeps spec prose from being read as code or HTML by rustdoc: indented
/// blocks would become doctests, bare URLs and angle brackets warn.
fn sanitize_doc(line: &str) -> String {
    let line = line.trim_start();
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = rest.find(|c: char| c.is_whitespace() || c == ')' || c == '>').unwrap_or(rest.len());
            let url = &rest[..end];
            let prev = out.chars().last();
            if prev == Some('(') || prev == Some('<') {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            rest = &rest[end..];
            continue;
        }
        match c {
            '<' if !in_code => out.push_str("&lt;"),
            // A markdown quote marker at the start of a line stays.
            '>' if !in_code && out.trim().is_empty() => out.push('>'),
            '>' if !in_code => out.push_str("&gt;"),
            '[' if !in_code => out.push_str("\\["),
            ']' if !in_code => out.push_str("\\]"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_are_sanitized() {
        assert_eq!(sanitize_doc("see https://example.com/x."), "see <https://example.com/x.>");
        assert_eq!(sanitize_doc("a <b> tag"), "a &lt;b&gt; tag");
        assert_eq!(sanitize_doc("    indented"), "indented");
        assert_eq!(sanitize_doc("`a<b>`"), "`a<b>`");
        assert_eq!(sanitize_doc("[link](https://x.y)"), "\\[link\\](https://x.y)");
    }
}
