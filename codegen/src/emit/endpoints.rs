//! Endpoint functions: the crate's own `Client` (a thin wrapper over
//! `okta_client::Client`, defined by its `client_type!`), and for each
//! operation an inherent method on it, named in lowering, that takes the path
//! parameters and a required body and returns a builder with one setter per
//! optional parameter, `.send()`, and `.stream()`/`.pages()` for paged lists.
//! Being inherent, nothing needs importing and nothing shadows them.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, Prelude, doc_attrs, ident};
use crate::ir::{Operation, Param, TypeRef};
use crate::names::reserved::{BODY_FIELD, CLIENT_TYPE};

/// The whole endpoints module.
pub(super) fn emit(cx: &Cx<'_>, client: &TokenStream) -> TokenStream {
    let ops = &cx.api.operations;
    let builders = ops.iter().map(|op| builder(cx, client, op));
    let functions = ops.iter().map(|op| function(cx, op));
    let name = ident(CLIENT_TYPE);
    let doc = format!(" A client for {}: the async client with every endpoint function of the API.", cx.api.title);
    quote! {
        #client::client_type! {
            #[doc = #doc]
            #name
        }

        impl #name {
            #(#functions)*
        }

        #(#builders)*
    }
}

/// An argument taking what converts into `ty`, and the conversion.
fn argument(cx: &Cx<'_>, name: &syn::Ident, ty: &TypeRef) -> (TokenStream, TokenStream) {
    let Prelude { into, string, .. } = &cx.std;
    match ty {
        TypeRef::String => (quote!(impl #into<#string>), quote!(#name.into())),
        TypeRef::Named(_) | TypeRef::Secret => {
            let ty = cx.ty(ty);
            (quote!(impl #into<#ty>), quote!(#name.into()))
        }
        other => (cx.ty(other), quote!(#name)),
    }
}

/// An endpoint function: the required parameters and body in, the builder out.
fn function(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let Prelude { default, .. } = &cx.std;
    let (builder, request) = (ident(&op.builder_name), ident(&op.type_name));
    let name = ident(&op.method_name);
    let mut args = Vec::new();
    let mut values = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let field = ident(&p.name);
        let (ty, value) = argument(cx, &field, &p.ty);
        args.push(quote!(#field: #ty));
        values.push(value);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let field = ident(BODY_FIELD);
        let (ty, value) = match body.json_type() {
            Some(ty) => argument(cx, &field, ty),
            None => (cx.body_ty(body), quote!(#field)),
        };
        args.push(quote!(#field: #ty));
        values.push(value);
    }
    let summary = format!("`{} {}` (`{}`): see [`{}`].", op.method.as_str(), op.path, op.id, op.builder_name);
    let first = op.docs.as_deref().and_then(|d| d.lines().next());
    let docs = doc_attrs(first, Some(&summary));
    let op_path = quote!(super::operations::#request);
    let new =
        if values.is_empty() { quote!(<#op_path as #default>::default()) } else { quote!(#op_path::new(#(#values),*)) };
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #allow
        pub fn #name(&self, #(#args),*) -> #builder {
            #builder { client: self.runtime().clone(), op: #new }
        }
    }
}

/// A setter `name` for an optional parameter or body: `value` is taken as
/// `arg` and stored in `field` as `conversion`.
fn setter(
    (name, field): (&str, &str),
    (arg, conversion): (TokenStream, TokenStream),
    docs: Option<&str>,
    note: &str,
    some: &TokenStream,
) -> TokenStream {
    let (name, field) = (ident(name), ident(field));
    let docs = doc_attrs(docs, Some(note));
    quote! {
        #docs
        pub fn #name(mut self, value: #arg) -> Self {
            self.op.#field = #some(#conversion);
            self
        }
    }
}

fn param_setter(cx: &Cx<'_>, p: &Param) -> TokenStream {
    let note = format!("Sets `{}`.", p.wire);
    setter((&p.setter, &p.name), argument(cx, &ident("value"), &p.ty), p.docs.as_deref(), &note, &cx.std.some)
}

/// The builder: the client, the operation, a setter per optional parameter,
/// and what sends it.
fn builder(cx: &Cx<'_>, client: &TokenStream, op: &Operation) -> TokenStream {
    let Prelude { clone, debug, .. } = &cx.std;
    let name = ident(&op.builder_name);
    let request_name = ident(&op.type_name);
    let request = quote!(super::operations::#request_name);
    let mut setters: Vec<TokenStream> = op.params.iter().filter(|p| !p.required).map(|p| param_setter(cx, p)).collect();
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        let value = ident("value");
        let argument = match body.json_type() {
            Some(ty) => argument(cx, &value, ty),
            None => (cx.body_ty(body), quote!(value)),
        };
        let note = format!("Sets the request body (`{}`).", body.media_type);
        setters.push(setter((BODY_FIELD, BODY_FIELD), argument, None, &note, &cx.std.some));
    }
    for choice in super::operations::media_choices(op) {
        let note = format!("{} (default: the first).", choice.describe());
        let argument = (quote!(impl ::std::convert::Into<::std::string::String>), quote!(value.into()));
        setters.push(setter((choice.field, choice.field), argument, None, &note, &cx.std.some));
    }
    let doc =
        format!(" A `{}` call, made by the client's `{}`: set what it needs, then send it.", op.id, op.method_name);
    let send = match op.page_item() {
        Some(item) => {
            let item = cx.ty(item);
            quote! {
                /// Fetches one page (the first, or the one `after` names).
                pub fn send(self) -> #client::Call<#client::Response<#client::Page<#item>>> {
                    self.client.call_page(self.op)
                }

                /// Every item of every page, following the `next` links.
                pub fn stream(self) -> #client::Items<#item> {
                    self.client.items(self.op)
                }

                /// Every page, with its status and rate-limit headers.
                pub fn pages(self) -> #client::Pages<#item> {
                    self.client.pages(self.op)
                }
            }
        }
        None => {
            let success = match op.success_response() {
                // Either form of the success: the response enum.
                Some(_) if op.success_in_forms() => {
                    let response = ident(&op.response_name);
                    quote!(super::operations::#response)
                }
                Some(s) => s.ty.as_ref().map_or_else(|| quote!(()), |ty| cx.ty(ty)),
                None => quote!(()),
            };
            quote! {
                /// Sends it; the success value, or the error.
                pub fn send(self) -> #client::Call<#client::Response<#success>> {
                    self.client.call(self.op)
                }
            }
        }
    };
    let must_use = if op.paged { "call .send(), .stream() or .pages()" } else { "call .send()" };
    quote! {
        #[doc = #doc]
        #[derive(#clone, #debug)]
        #[must_use = #must_use]
        pub struct #name {
            client: #client::Client,
            op: #request,
        }

        impl #name {
            #(#setters)*

            /// The request as built so far.
            pub fn operation(&self) -> &#request {
                &self.op
            }

            #send
        }
    }
}
