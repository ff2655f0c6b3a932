//! Stage 3: the IR to Rust token streams. Reads only the IR, never the spec.

mod endpoints;
mod enums;
mod operations;
mod structs;
mod unions;

use std::collections::BTreeSet;
use std::ops::Range;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use crate::ir::{Api, TypeDef, TypeKind, TypeRef};

/// What the emitted code refers to outside itself.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// The path of the runtime crate (`::okta_runtime`).
    pub runtime: String,
    /// The path of the async client crate (`::okta_client`): its `Client`,
    /// `client_type!`, `Response`, `Page`, `Error`, `Call` and `Stream`.
    pub client: String,
}

impl Default for EmitOptions {
    fn default() -> Self {
        Self { runtime: "::okta_runtime".to_owned(), client: "::okta_client".to_owned() }
    }
}

/// A slice of one generated file: types or operations `range`, in file
/// order. Parts print independently and concatenate to the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Types of the models module, by position in name order.
    Models(Range<usize>),
    /// Operations, by position in spec order.
    Operations(Range<usize>),
    /// The endpoint functions of all operations (one part: in the trait
    /// style they form one trait).
    Endpoints,
}

impl Part {
    /// The file the part belongs to.
    pub fn file(&self) -> &'static str {
        match self {
            Part::Models(_) => "models",
            Part::Operations(_) => "operations",
            Part::Endpoints => "endpoints",
        }
    }
}

/// One part; the first part of a file starts with the file's imports.
pub fn part(api: &Api, part: &Part, options: &EmitOptions) -> TokenStream {
    match part {
        Part::Models(range) => {
            let defs = api.types.in_name_order();
            let cx = Cx::new(api, options, defs.iter().map(|(_, def)| def.name.as_str()), quote!());
            let preamble = (range.start == 0).then_some(&cx.preamble);
            let items = defs.iter().skip(range.start).take(range.len()).map(|(_, def)| cx.type_def(def));
            quote! { #preamble #(#items)* }
        }
        Part::Operations(range) => {
            let taken = api.operations.iter().flat_map(|op| [op.type_name.as_str(), op.response_name.as_str()]);
            let cx = Cx::new(api, options, taken, quote!(super::models::));
            let preamble = (range.start == 0).then_some(&cx.preamble);
            let items = operations::emit(&cx, range.clone());
            quote! { #preamble #items }
        }
        Part::Endpoints => {
            let taken =
                api.operations.iter().map(|op| op.builder_name.as_str()).chain([crate::names::reserved::CLIENT_TYPE]);
            let cx = Cx::new(api, options, taken, quote!(super::models::));
            let client: TokenStream = syn::parse_str::<syn::Path>(&options.client)
                .unwrap_or_else(|_| syn::parse_quote!(::okta_client))
                .into_token_stream();
            let items = endpoints::emit(&cx, &client);
            let preamble = &cx.preamble;
            quote! { #preamble #items }
        }
    }
}

/// Splits the two files into parts of about equal size, about `per_file`
/// each for the models (operations get their share by size).
pub fn parts(api: &Api, per_file: usize) -> Vec<Part> {
    let type_weights: Vec<usize> = api.types.in_name_order().into_iter().map(|(_, def)| type_weight(def)).collect();
    let op_weights: Vec<usize> = api.operations.iter().map(operation_weight).collect();
    let target = (type_weights.iter().sum::<usize>() / per_file.max(1)).max(1);
    let mut parts: Vec<Part> = split(&type_weights, target).into_iter().map(Part::Models).collect();
    parts.extend(split(&op_weights, target).into_iter().map(Part::Operations));
    parts.push(Part::Endpoints);
    parts
}

/// Roughly the lines a type prints to.
fn type_weight(def: &TypeDef) -> usize {
    match &def.kind {
        TypeKind::Struct(s) => 20 + 8 * s.fields.len(),
        TypeKind::Enum(e) => 10 + 2 * e.values.len(),
        TypeKind::Union(u) => 60 + 20 * u.variants.len() + 8 * u.accessors.len() * u.variants.len(),
        TypeKind::Untagged(u) => 10 + 2 * u.variants.len(),
    }
}

/// Roughly the lines an operation prints to.
fn operation_weight(op: &crate::ir::Operation) -> usize {
    60 + 8 * op.params.len() + 10 * op.responses.len()
}

/// Consecutive ranges of about `target` weight; always at least one range.
fn split(weights: &[usize], target: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut sum) = (0, 0);
    for (i, w) in weights.iter().enumerate() {
        sum += w;
        if sum >= target {
            ranges.push(start..i + 1);
            (start, sum) = (i + 1, 0);
        }
    }
    if start < weights.len() || ranges.is_empty() {
        ranges.push(start..weights.len());
    }
    ranges
}

/// The runtime path; an unparsable one falls back to the default.
fn runtime_path(options: &EmitOptions) -> syn::Path {
    syn::parse_str(&options.runtime).unwrap_or_else(|_| syn::parse_quote!(::okta_runtime))
}

/// The name the runtime is imported as, unless a generated type has it.
const RUNTIME_ALIAS: &str = "rt";

/// Emission context: the whole IR (to look up named types) and the names of
/// what the code uses outside itself.
pub(crate) struct Cx<'a> {
    pub api: &'a Api,
    /// The runtime, by its alias (or full path where the alias is taken).
    pub rt: TokenStream,
    /// What the first part of a file starts with: the runtime's import
    /// under its alias, if it has one.
    pub preamble: TokenStream,
    /// Std items by their prelude names where the module leaves them free.
    pub std: Prelude,
    /// The path to the models from where the code is emitted (empty inside them).
    pub models: TokenStream,
}

/// What the emitted code uses from std, each by its prelude name, or by its
/// full path where the module defines a type of that name.
pub(crate) struct Prelude {
    pub option: TokenStream,
    pub some: TokenStream,
    pub none: TokenStream,
    pub result: TokenStream,
    pub ok: TokenStream,
    pub string: TokenStream,
    pub vec: TokenStream,
    pub boxed: TokenStream,
    pub default: TokenStream,
    pub clone: TokenStream,
    pub from: TokenStream,
    pub into: TokenStream,
    pub partial_eq: TokenStream,
    /// The derive macro (the trait is not in the prelude).
    pub debug: TokenStream,
}

impl Prelude {
    fn new(taken: &BTreeSet<&str>) -> Self {
        let pick = |short: &str, full: TokenStream| {
            if taken.contains(short) { full } else { ident(short).into_token_stream() }
        };
        Self {
            option: pick("Option", quote!(::std::option::Option)),
            some: pick("Some", quote!(::std::option::Option::Some)),
            none: pick("None", quote!(::std::option::Option::None)),
            result: pick("Result", quote!(::std::result::Result)),
            ok: pick("Ok", quote!(::std::result::Result::Ok)),
            string: pick("String", quote!(::std::string::String)),
            vec: pick("Vec", quote!(::std::vec::Vec)),
            boxed: pick("Box", quote!(::std::boxed::Box)),
            default: pick("Default", quote!(::std::default::Default)),
            clone: pick("Clone", quote!(::std::clone::Clone)),
            from: pick("From", quote!(::std::convert::From)),
            into: pick("Into", quote!(::std::convert::Into)),
            partial_eq: pick("PartialEq", quote!(::std::cmp::PartialEq)),
            debug: pick("Debug", quote!(::std::fmt::Debug)),
        }
    }
}

impl<'a> Cx<'a> {
    fn new<'n>(
        api: &'a Api,
        options: &EmitOptions,
        defined: impl Iterator<Item = &'n str>,
        models: TokenStream,
    ) -> Self {
        let taken: BTreeSet<&str> = defined.map(crate::names::unraw).collect();
        let path = runtime_path(options);
        let (rt, preamble) = if taken.contains(RUNTIME_ALIAS) {
            (path.into_token_stream(), TokenStream::new())
        } else {
            let alias = ident(RUNTIME_ALIAS);
            let import = quote! {
                #[allow(unused_imports)]
                use #path as #alias;
            };
            (alias.into_token_stream(), import)
        };
        Self { api, rt, preamble, std: Prelude::new(&taken), models }
    }
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

    /// The Rust type of a request body: its JSON type, the bytes, or a form.
    pub fn body_ty(&self, body: &crate::ir::Body) -> TokenStream {
        match &body.kind {
            crate::ir::BodyKind::Json(ty) => self.ty(ty),
            crate::ir::BodyKind::Bytes(_) => {
                let vec = &self.std.vec;
                quote!(#vec<u8>)
            }
            crate::ir::BodyKind::Form(_) => {
                let rt = &self.rt;
                quote!(#rt::Form)
            }
        }
    }

    /// The Rust type of a field or item.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        let rt = &self.rt;
        let Prelude { string, boxed, vec, .. } = &self.std;
        match ty {
            TypeRef::String => quote!(#string),
            TypeRef::Secret => quote!(#rt::Secret),
            TypeRef::Timestamp => quote!(#rt::Timestamp),
            TypeRef::Bool => quote!(bool),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::F32 => quote!(f32),
            TypeRef::F64 => quote!(f64),
            TypeRef::Json => quote!(::serde_json::Value),
            TypeRef::Bytes => {
                let vec = &self.std.vec;
                quote!(#vec<u8>)
            }
            TypeRef::JsonObject => quote!(::serde_json::Map<#string, ::serde_json::Value>),
            TypeRef::Named(id) => {
                let ident = ident(self.api.types.name(*id));
                let models = &self.models;
                quote!(#models #ident)
            }
            TypeRef::Boxed(id) => {
                let ident = ident(self.api.types.name(*id));
                let models = &self.models;
                quote!(#boxed<#models #ident>)
            }
            TypeRef::Vec(inner) => {
                let inner = self.ty(inner);
                quote!(#vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.ty(inner);
                quote!(#rt::Map<#inner>)
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
