//! Operations, sans I/O: a struct per operation holding its parameters and
//! body, which builds a runtime `Request`, and an enum of its documented
//! responses with a decoder from status and body bytes.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use std::ops::Range;

use super::{Cx, Prelude, doc_attrs, ident};
use crate::ir::{Accept, BodyKind, Encoding, Method, Operation, Param, ParamIn, Status, TypeRef};
use crate::names;
use crate::names::reserved::{ACCEPT_FIELD, BODY_FIELD, CONTENT_TYPE_FIELD, OTHER_VARIANT};

/// Operations `range` of the module: one request struct and one response
/// enum each.
pub(super) fn emit(cx: &Cx<'_>, range: Range<usize>) -> TokenStream {
    let table = (range.start == 0).then(|| table(cx));
    let items = cx.api.operations[range].iter().map(|op| operation(cx, op));
    quote! { #table #(#items)* }
}

/// The module's table of every operation (id, method, path, scopes), and
/// the scopes all of them need together.
fn table(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let rows = cx.api.operations.iter().map(|op| {
        // The operation's own constants: each fact is written once.
        let name = ident(&op.type_name);
        quote! {
            #rt::OperationInfo::of::<#name>(),
        }
    });
    let all: std::collections::BTreeSet<&str> =
        cx.api.operations.iter().flat_map(|op| op.scopes.iter().map(String::as_str)).collect();
    let all = all.into_iter();
    let secrets = &cx.api.secret_members;
    quote! {
        /// The wire names of the members the spec marks secret (`format: password`,
        /// `x-okta-secret: true`), sorted: error views redact their values.
        pub const SECRET_MEMBERS: &[&str] = &[#(#secrets),*];

        /// Every operation of the spec, in spec order: what routes a request to it and reads its answers.
        pub const OPERATIONS: &[#rt::OperationInfo] = &[#(#rows)*];

        /// Every OAuth 2.0 scope the operations need, sorted.
        pub const SCOPES: &[&str] = &[#(#all),*];
    }
}

fn method(m: Method) -> TokenStream {
    let variant = format_ident!("{}", names::type_name(&m.as_str().to_ascii_lowercase()));
    quote!(#variant)
}

/// The field type of a parameter: `Option` unless required.
fn param_ty(cx: &Cx<'_>, p: &Param) -> TokenStream {
    let (ty, option) = (cx.ty(&p.ty), &cx.std.option);
    if p.required { ty } else { quote!(#option<#ty>) }
}

fn operation(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let other = ident(OTHER_VARIANT);
    let (base, response) = (op.type_name.as_str(), op.response_name.as_str());
    let rt = &cx.rt;
    let Prelude { option, none, string, into, default, clone, debug, partial_eq, result, ok, .. } = &cx.std;
    let name = ident(base);
    let response_name = ident(response);
    let id = &op.id;
    let template = &op.path;
    let idempotent = op.idempotent;
    let scopes = &op.scopes;
    let method = method(op.method);
    let summary = format!("`{} {}` (`{}`).", op.method.as_str(), op.path, op.id);
    let docs = doc_attrs(op.docs.as_deref(), Some(&summary));

    let mut fields = Vec::new();
    let mut required_args = Vec::new();
    let mut inits = Vec::new();
    for p in &op.params {
        let field = ident(&p.name);
        let ty = param_ty(cx, p);
        let where_ = match p.location {
            ParamIn::Path => "Path parameter",
            ParamIn::Query => "Query parameter",
            ParamIn::Header => "Header",
        };
        let note = format!("{where_} `{}`.", p.wire);
        let pdocs = doc_attrs(p.docs.as_deref(), Some(&note));
        fields.push(quote! { #pdocs pub #field: #ty, });
        if p.required {
            match &p.ty {
                TypeRef::String => {
                    required_args.push(quote!(#field: impl #into<#string>));
                    inits.push(quote!(#field: #field.into()));
                }
                _ => {
                    required_args.push(quote!(#field: #ty));
                    inits.push(quote!(#field));
                }
            }
        } else {
            inits.push(quote!(#field: #none));
        }
    }
    let body_field = op.body.as_ref().map(|b| (cx.body_ty(b), b.required, b));
    let body = ident(BODY_FIELD);
    if let Some((ty, required, b)) = &body_field {
        let note = match &b.kind {
            BodyKind::Form(parts) => format!(
                "The request body (`{}`), with the parts {}.",
                b.media_type,
                parts
                    .iter()
                    .map(|p| format!(
                        "`{}` ({}{})",
                        p.name,
                        if p.file { "a file" } else { "text" },
                        if p.required { ", required" } else { "" }
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("The request body (`{}`).", b.media_type),
        };
        let bdocs = doc_attrs(Some(&note), None);
        if *required {
            fields.push(quote! { #bdocs pub #body: #ty, });
            required_args.push(quote!(#body: #ty));
            inits.push(quote!(#body));
        } else {
            fields.push(quote! { #bdocs pub #body: #option<#ty>, });
            inits.push(quote!(#body: #none));
        }
    }
    for choice in media_choices(op) {
        let field = ident(choice.field);
        let docs = doc_attrs(Some(&format!("{}; `None` for the first.", choice.describe())), None);
        fields.push(quote! { #docs pub #field: #option<#string>, });
        inits.push(quote!(#field: #none));
    }
    let needs_new = !required_args.is_empty();
    let default = if needs_new { quote!() } else { quote!(#default,) };
    let constructor = needs_new.then(|| {
        let doc = format!(" A `{base}` request with its required parameters; the optional ones unset.");
        let allow = (required_args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            #[doc = #doc]
            #allow
            pub fn new(#(#required_args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    });

    let steps = request_steps(cx, op);
    let (variants, arms) = responses(cx, op, response);
    let response_doc = format!(" The documented responses of `{id}`.");

    let (success_ty, into_success) = success(cx, op);
    let paged = op.page_item().map(|item| {
        let item = cx.ty(item);
        quote! {
            impl #rt::Paged for #name {
                type Item = #item;
            }
        }
    });
    let impl_new = constructor.map(|constructor| quote!(impl #name { #constructor }));
    quote! {
        #docs
        #[derive(#clone, #debug, #partial_eq, #default)]
        pub struct #name {
            #(#fields)*
        }

        #impl_new

        impl #rt::Operation for #name {
            const OPERATION_ID: &'static str = #id;
            const METHOD: #rt::Method = #rt::Method::#method;
            const PATH: &'static str = #template;
            const IDEMPOTENT: bool = #idempotent;
            const SCOPES: &'static [&'static str] = &[#(#scopes),*];
            const SECRET_MEMBERS: &'static [&'static str] = SECRET_MEMBERS;
            type Response = #response_name;
            type Success = #success_ty;

            fn to_request(&self) -> #result<#rt::Request, #rt::RequestError> {
                let mut r = #rt::RequestBuilder::of::<Self>();
                #(#steps)*
                #ok(r.build())
            }

            fn decode_response(status: u16, body: &[u8]) -> #result<#response_name, #rt::DecodeError> {
                #arms
            }

            fn into_success(response: #response_name) -> #result<#success_ty, #response_name> {
                #into_success
            }
        }

        #paged

        #[doc = #response_doc]
        #[derive(#clone, #debug, #partial_eq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #response_name {
            #(#variants)*
            /// A status the spec does not document, or an error body that did not decode.
            #other(#rt::RawResponse),
        }
    }
}

/// The success type, and the body of `into_success`: the success variant's
/// value, `()` for one without a body, or (with no 2xx documented) any 2xx
/// the spec leaves undocumented.
fn success(cx: &Cx<'_>, op: &Operation) -> (TokenStream, TokenStream) {
    let other = ident(OTHER_VARIANT);
    let Prelude { ok, .. } = &cx.std;
    let err = quote!(::std::result::Result::Err);
    let enum_name = ident(&op.response_name);
    match op.success_response() {
        Some(success) if op.success_in_forms() => {
            let forms = std::iter::once(&success.name).chain(success.alternatives.iter().map(|a| &a.name)).map(|n| {
                let n = ident(n);
                quote!(#enum_name::#n(_))
            });
            (
                quote!(#enum_name),
                quote! {
                    match response {
                        value @ (#(#forms)|*) => #ok(value),
                        other => #err(other),
                    }
                },
            )
        }
        Some(success) => {
            // The success and every other 2xx that reads the same way.
            let same = op.same_success.iter().filter_map(|i| op.responses.get(*i));
            let variants: Vec<_> = std::iter::once(success).chain(same).map(|r| ident(&r.name)).collect();
            match &success.ty {
                Some(ty) => {
                    let ty = cx.ty(ty);
                    (
                        ty,
                        quote! {
                            match response {
                                #(#enum_name::#variants(value))|* => #ok(value),
                                other => #err(other),
                            }
                        },
                    )
                }
                None => (
                    quote!(()),
                    quote! {
                        match response {
                            #(#enum_name::#variants)|* => #ok(()),
                            other => #err(other),
                        }
                    },
                ),
            }
        }
        None => (
            quote!(()),
            quote! {
                match response {
                    #enum_name::#other(raw) if (200..300).contains(&raw.status) => #ok(()),
                    other => #err(other),
                }
            },
        ),
    }
}

/// The builder calls that make the request: path parameters (the runtime
/// puts them into the template), query pairs, headers, then the body.
fn request_steps(cx: &Cx<'_>, op: &Operation) -> Vec<TokenStream> {
    let some = &cx.std.some;
    let mut steps = Vec::new();
    for p in &op.params {
        let (field, wire) = (ident(&p.name), &p.wire);
        let value = if p.required { quote!(#some(&self.#field)) } else { quote!(self.#field.as_ref()) };
        steps.push(match (p.location, &p.ty) {
            (ParamIn::Path, _) => quote!(r.segment(#wire, &self.#field)?;),
            (ParamIn::Header, _) => quote!(r.header(#wire, #value)?;),
            (_, TypeRef::Vec(_)) => quote!(r.query_each(#wire, #value);),
            _ => quote!(r.query(#wire, #value);),
        });
    }
    if let Some(body) = &op.body {
        let field = ident(BODY_FIELD);
        let value = if body.required { quote!(#some(&self.#field)) } else { quote!(self.#field.as_ref()) };
        let media_type = &body.media_type;
        steps.push(match &body.kind {
            BodyKind::Json(_) => quote!(r.json(#value, #media_type)?;),
            BodyKind::Bytes(_) => match media_choices(op).into_iter().find(|c| c.field == CONTENT_TYPE_FIELD) {
                Some(MediaChoice { field, choices, .. }) => {
                    let field = ident(field);
                    quote!(r.bytes_as(#value, self.#field.as_deref(), &[#(#choices),*])?;)
                }
                None => quote!(r.bytes(#value, #media_type);),
            },
            BodyKind::Form(parts) => {
                let required = parts.iter().filter(|p| p.required).map(|p| &p.name);
                quote!(r.form(#value, &[#(#required),*])?;)
            }
        });
    }
    if let Some(MediaChoice { field, choices, .. }) = media_choices(op).into_iter().find(|c| c.field == ACCEPT_FIELD) {
        let field = ident(field);
        steps.push(quote!(r.accept_one_of(self.#field.as_deref(), &[#(#choices),*])?;));
    }
    // A success read as text or bytes only is asked for by its media types.
    if let Accept::Fixed(accept) = &op.accept {
        steps.push(quote!(r.accept(#accept);));
    }
    steps
}

/// A field of an operation that picks one of several documented media types.
pub(super) struct MediaChoice<'a> {
    /// The field's name.
    pub field: &'static str,
    /// What it picks, for its docs.
    what: &'static str,
    /// The media types, the default first.
    pub choices: &'a [String],
}

impl MediaChoice<'_> {
    /// "The body's media type: one of `a`, `b`".
    pub fn describe(&self) -> String {
        let choices: Vec<String> = self.choices.iter().map(|m| format!("`{m}`")).collect();
        format!("{}: one of {}", self.what, choices.join(", "))
    }
}

/// The media-type choices of an operation: the media type its bytes body is
/// sent in, and the one its success is asked in, where the spec offers
/// several. Lowering keeps parameters off these fields' names.
pub(super) fn media_choices(op: &Operation) -> Vec<MediaChoice<'_>> {
    let mut out = Vec::new();
    if let Some(BodyKind::Bytes(alternatives)) = op.body.as_ref().map(|b| &b.kind) {
        if alternatives.len() > 1 {
            out.push(MediaChoice { field: CONTENT_TYPE_FIELD, what: "The body's media type", choices: alternatives });
        }
    }
    if let Accept::Choice(choices) = &op.accept {
        out.push(MediaChoice { field: ACCEPT_FIELD, what: "The media type to answer in", choices });
    }
    out
}

/// A body read as text or bytes into `variant`.
fn read_as(rt: &TokenStream, encoding: Encoding, variant: &syn::Ident) -> TokenStream {
    match encoding {
        Encoding::Text => quote!(R::#variant(#rt::text(body)?)),
        _ => quote!(R::#variant(body.to_vec())),
    }
}

/// The response enum's variants and the status `match` that fills them.
fn responses(cx: &Cx<'_>, op: &Operation, response: &str) -> (Vec<TokenStream>, TokenStream) {
    let other = ident(OTHER_VARIANT);
    let (rt, ok) = (&cx.rt, &cx.std.ok);
    let mut variants = Vec::new();
    let mut exact = Vec::new();
    let mut ranges = Vec::new();
    let mut default_arm = None;
    for r in &op.responses {
        let variant = ident(&r.name);
        let doc = format!(
            " `{}`{}",
            r.status,
            r.docs.as_deref().map(|d| format!(": {}", d.lines().next().unwrap_or(""))).unwrap_or_default()
        );
        // A success body must decode; an error body that does not is kept raw.
        let (variant_def, value) = match (&r.ty, r.status) {
            (Some(ty), Status::Default) => {
                let t = cx.ty(ty);
                (
                    quote!(#[doc = #doc] #variant { /** The HTTP status. */ status: u16, /** The body. */ value: #t },),
                    quote!(#rt::error_body(status, body, |value| R::#variant { status, value }, R::#other)),
                )
            }
            (None, Status::Default) => (
                quote!(#[doc = #doc] #variant { /** The HTTP status. */ status: u16 },),
                quote!(R::#variant { status }),
            ),
            (Some(ty), _) => {
                let t = cx.ty(ty);
                let value = match (r.encoding, r.status.is_success()) {
                    (Encoding::Json, true) => quote!(R::#variant(#rt::from_slice(body)?)),
                    (Encoding::Json, false) => quote!(#rt::error_body(status, body, R::#variant, R::#other)),
                    (encoding, _) => read_as(rt, encoding, &variant),
                };
                let mut defs = quote!(#[doc = #doc] #variant(#t),);
                for a in &r.alternatives {
                    let (name, t) = (ident(&a.name), cx.ty(&a.ty));
                    let doc = format!(" `{}` as `{}`.", r.status, a.media_type);
                    defs.extend(quote!(#[doc = #doc] #name(#t),));
                }
                // A body that is not JSON is the (first) other form documented.
                let value = match r.alternatives.first() {
                    Some(other) => {
                        let other_form = read_as(rt, other.encoding, &ident(&other.name));
                        quote!(if #rt::is_json_body(body) { #value } else { #other_form })
                    }
                    None => value,
                };
                (defs, value)
            }
            (None, _) => (quote!(#[doc = #doc] #variant,), quote!(R::#variant)),
        };
        variants.push(variant_def);
        match r.status {
            Status::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                exact.push(quote!(#code => #value,));
            }
            Status::Range(class) => {
                let (low, high) = (Literal::u16_unsuffixed(class * 100), Literal::u16_unsuffixed(class * 100 + 99));
                ranges.push(quote!(#low..=#high => #value,));
            }
            Status::Default => default_arm = Some(quote!(_ => #value,)),
        }
    }
    let uses_body = default_arm.is_none() || op.responses.iter().any(|r| r.ty.is_some());
    let fallback = default_arm.unwrap_or_else(|| quote!(_ => R::#other(#rt::RawResponse::new(status, body)),));
    let ignore_body = (!uses_body).then(|| quote!(let _ = body;));
    let enum_name = ident(response);
    // Exact statuses first: `404` wins over `4XX`.
    let arms = quote! {
        use #enum_name as R;
        #ignore_body
        #ok(match status {
            #(#exact)*
            #(#ranges)*
            #fallback
        })
    };
    (variants, arms)
}
