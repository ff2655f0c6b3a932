//! Pass 6, lower operations: each operation its refs found, its schemas
//! typed, becomes the IR's operation, with every name it brings (request
//! struct, response enum and its variants, endpoint function, builder,
//! fields and setters) chosen here, clear of what the generated code
//! reserves.

use openapiv3::ReferenceOr;

use super::context::{BodyContent, Lower, OperationSite, ParamSite, ResponseSite};
use super::media::{is_json, is_text, non_json};
use crate::diag::Pointer;
use crate::ir::{Accept, Alternative, Body, BodyKind, Encoding, Method, Operation, Param, ParamIn, Response, TypeRef};
use crate::names::{self, Scope, reserved};

/// The endpoint function's name: the operation's in snake case, with the
/// suffix `_operation` where the client has a method of that name.
fn method_name(type_name: &str) -> String {
    let name = names::field_name(type_name);
    let bare = names::unraw(&name);
    if reserved::CLIENT_METHODS.contains(&bare) { format!("{bare}_operation") } else { name }
}

pub(super) fn run(cx: &mut Lower<'_>, sites: Vec<OperationSite<'_>>) -> Vec<Operation> {
    let mut out = Vec::new();
    let mut scope = Scope::default();
    // The endpoints module's names: the client, its methods, the builders.
    let mut method_names = Scope::with_reserved(reserved::CLIENT_METHODS);
    let mut builders = Scope::with_reserved(&[reserved::CLIENT_TYPE]);
    for site in sites {
        let OperationSite { path, method, op, at: here, id, params, body, responses } = site;
        let type_base = names::type_name(&id);
        // The operations module's own names: one request struct and one
        // response enum each.
        let type_name = scope.claim(&type_base);
        let response_name = scope.claim(&format!("{type_name}Response"));
        let method_name = method_names.claim(&method_name(&type_name));
        let builder_name = builders.claim(&format!("{type_name}{}", reserved::BUILDER_SUFFIX));
        let params = lower_params(params);
        let body = body.map(|b| Body {
            media_type: b.media_type,
            required: b.required,
            kind: match b.content {
                BodyContent::Json(site) => BodyKind::Json(site.ty),
                BodyContent::Form(parts) => BodyKind::Form(parts),
                BodyContent::Bytes(media_types) => BodyKind::Bytes(media_types),
            },
        });
        let responses = lower_responses(responses);
        let docs = match (&op.summary, &op.description) {
            (Some(s), Some(d)) => Some(format!("{s}\n\n{d}")),
            (Some(s), None) => Some(s.clone()),
            (None, d) => d.clone(),
        };
        let idempotent = idempotent(cx, method, op, &here);
        let scopes = scopes(cx, op, &here);
        let success = responses.iter().position(|r| r.status.is_success());
        let same_success = same_success(&responses, success);
        let paged = paged(&params, &responses, success);
        let accept = accept(success.and_then(|i| responses.get(i)), paged);
        out.push(Operation {
            type_name,
            response_name,
            method_name,
            builder_name,
            id,
            method,
            idempotent,
            path: path.to_owned(),
            scopes,
            docs,
            params,
            body,
            responses,
            success,
            same_success,
            paged,
            accept,
            origin: here,
        });
    }
    out
}

/// Whether sending the operation twice has the effect of sending it once:
/// by its method (RFC 9110), or by `x-idempotent: true` on a POST or PATCH
/// that is (Okta's lifecycle calls).
fn idempotent(cx: &mut Lower<'_>, method: Method, op: &openapiv3::Operation, at: &Pointer) -> bool {
    let by_method = method.is_idempotent();
    match op.extensions.get(IDEMPOTENT_EXTENSION) {
        None => by_method,
        Some(serde_json::Value::Bool(marked)) => {
            if !marked && by_method {
                cx.diags.warn(
                    &at.join(IDEMPOTENT_EXTENSION),
                    "idempotent",
                    format!("{} is idempotent by definition; `false` ignored", method.as_str()),
                );
            }
            *marked || by_method
        }
        Some(_) => {
            cx.diags.warn(&at.join(IDEMPOTENT_EXTENSION), "idempotent", "not a boolean; ignored");
            by_method
        }
    }
}

/// The scopes of the first security requirement (the operation's own, else
/// the spec's) that names an OAuth 2.0 or OpenID Connect scheme. Requirements
/// are alternatives; the scopes within one are all needed.
fn scopes(cx: &mut Lower<'_>, op: &openapiv3::Operation, at: &Pointer) -> Vec<String> {
    let (requirements, at) = match &op.security {
        Some(own) => (own, at.join("security")),
        None => match &cx.spec.security {
            Some(global) => (global, Pointer::root().join("security")),
            None => return Vec::new(),
        },
    };
    let schemes = cx.spec.components.as_ref().map(|c| &c.security_schemes);
    for (i, requirement) in requirements.iter().enumerate() {
        for (name, scopes) in requirement {
            let scheme = schemes.and_then(|s| s.get(name));
            match scheme {
                Some(ReferenceOr::Item(
                    openapiv3::SecurityScheme::OAuth2 { .. } | openapiv3::SecurityScheme::OpenIDConnect { .. },
                )) => return scopes.clone(),
                Some(_) => {}
                None => cx.diags.warn(
                    &at.join(i.to_string()).join(name),
                    "security",
                    format!("no security scheme `{name}` in components; its scopes are left out"),
                ),
            }
        }
    }
    Vec::new()
}

/// Marks an operation whose method is not idempotent as one that is.
const IDEMPOTENT_EXTENSION: &str = "x-idempotent";

/// The operation's fields for its parameters, and the builder's setters,
/// named clear of the fields and methods the generated code has.
fn lower_params(found: Vec<ParamSite<'_>>) -> Vec<Param> {
    let fields = [reserved::BODY_FIELD, reserved::CONTENT_TYPE_FIELD, reserved::ACCEPT_FIELD];
    let mut scope = Scope::with_reserved(&fields);
    let mut setters = Scope::with_reserved(&[reserved::BUILDER_METHODS, &fields[..]].concat());
    let mut out = Vec::new();
    for p in found {
        let data = p.data;
        let name = scope.claim(&names::field_name(&data.name));
        let bare = names::unraw(&name);
        let setter = setters.claim(&if reserved::BUILDER_METHODS.contains(&bare) {
            format!("set_{bare}")
        } else {
            name.clone()
        });
        out.push(Param {
            name,
            setter,
            wire: data.name.clone(),
            location: p.location,
            ty: p.schema.map_or(TypeRef::String, |site| site.ty),
            required: data.required || p.location == ParamIn::Path,
            docs: data.description.clone(),
        });
    }
    out.sort_by_key(|p| p.location);
    out
}

/// Each documented response with its variant name, how its body is read,
/// and the other forms it is documented in beside JSON.
fn lower_responses(found: Vec<ResponseSite<'_>>) -> Vec<Response> {
    let mut out = Vec::new();
    let mut scope = Scope::with_reserved(&[reserved::OTHER_VARIANT]);
    for ResponseSite { status, response, json } in found {
        let media_types: Vec<String> = response.content.keys().cloned().collect();
        let json_type = json.as_ref().map(|(media_type, _)| *media_type);
        let (encoding, ty) = match json {
            Some((_, site)) => (Encoding::Json, site.map(|site| site.ty)),
            None if media_types.is_empty() => (Encoding::Json, None),
            None => {
                let (encoding, ty) = non_json(
                    media_types.iter().find(|m| is_text(m)).or(media_types.first()).map_or("", String::as_str),
                );
                (encoding, Some(ty))
            }
        };
        let name = scope.claim(&names::status_name(&status.to_string()));
        // Beside a JSON body, each other form is a variant of its own.
        let alternatives = match json_type {
            Some(json_type) if !json_type.is_empty() => media_types
                .iter()
                .filter(|m| *m != json_type)
                .map(|m| {
                    let (encoding, ty) = non_json(m);
                    let name = scope.claim(&format!("{name}{}", names::type_name(m.rsplit('/').next().unwrap_or(m))));
                    Alternative { media_type: m.clone(), encoding, ty, name }
                })
                .collect(),
            _ => Vec::new(),
        };
        let link_header = response.headers.keys().any(|h| h.eq_ignore_ascii_case("link"));
        let docs = Some(response.description.clone()).filter(|d| !d.is_empty());
        out.push(Response { status, link_header, name, ty, encoding, media_types, alternatives, docs });
    }
    out
}

/// What an operation asks its success in: JSON; the success's media types
/// when it is text or bytes only; or a choice when it comes as JSON or in
/// other forms (not for a paged list, whose success is its items).
fn accept(success: Option<&Response>, paged: bool) -> Accept {
    match success {
        Some(r) if !paged && !r.alternatives.is_empty() => Accept::Choice(
            r.media_types
                .iter()
                .filter(|m| is_json(m))
                .chain(r.alternatives.iter().map(|a| &a.media_type))
                .cloned()
                .collect(),
        ),
        Some(r) if r.encoding != Encoding::Json => Accept::Fixed(r.media_types.join(", ")),
        _ => Accept::Json,
    }
}

/// The other 2xx responses read as the success is: the same encoding and
/// type, and no other forms.
fn same_success(responses: &[Response], success: Option<usize>) -> Vec<usize> {
    let Some(first) = success.and_then(|i| responses.get(i)) else { return Vec::new() };
    if !first.alternatives.is_empty() {
        return Vec::new();
    }
    let alike = |r: &Response| {
        r.status.is_success() && r.alternatives.is_empty() && r.encoding == first.encoding && r.ty == first.ty
    };
    responses.iter().enumerate().filter(|(i, r)| Some(*i) != success && alike(r)).map(|(i, _)| i).collect()
}

/// A list is paged when its success is an array and it takes Okta's `after`
/// cursor, or declares the `Link` header its next page comes in.
fn paged(params: &[Param], responses: &[Response], success: Option<usize>) -> bool {
    let Some(success) = success.and_then(|i| responses.get(i)) else { return false };
    let cursor = params.iter().any(|p| p.location == ParamIn::Query && p.wire == "after");
    matches!(success.ty, Some(TypeRef::Vec(_))) && (cursor || success.link_header)
}
