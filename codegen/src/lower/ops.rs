//! Lowering of operations: parameters (path-level and operation-level, refs
//! resolved), request bodies and every documented response.

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, StatusCode};

use super::Lower;
use super::schema::type_of;
use crate::diag::Pointer;
use crate::ir::{
    Accept, Alternative, Body, BodyKind, Encoding, FormPart, Method, Operation, Param, ParamIn, Response, Status,
    TypeRef,
};
use crate::names::{self, Scope, reserved};

const JSON: &str = "application/json";

/// The endpoint function's name: the operation's in snake case, with the
/// suffix `_operation` where the client has a method of that name.
fn method_name(type_name: &str) -> String {
    let name = names::field_name(type_name);
    let bare = names::unraw(&name);
    if reserved::CLIENT_METHODS.contains(&bare) { format!("{bare}_operation") } else { name }
}

pub(super) fn lower_operations(cx: &mut Lower<'_>) -> Vec<Operation> {
    let mut out = Vec::new();
    let mut scope = Scope::default();
    // The endpoints module's names: the client, its methods, the builders.
    let mut method_names = Scope::with_reserved(reserved::CLIENT_METHODS);
    let mut builders = Scope::with_reserved(&[reserved::CLIENT_TYPE]);
    let spec = cx.spec;
    for (path, item) in spec.paths.iter() {
        let at = Pointer::root().join("paths").join(path);
        let ReferenceOr::Item(item) = item else {
            cx.diags.warn(&at, "path-ref", "path item refs are not supported; path left out");
            continue;
        };
        for (method, op, key) in methods(item) {
            let here = at.join(key);
            let id = match &op.operation_id {
                Some(id) => id.clone(),
                None => {
                    let made = format!("{key}_{path}");
                    cx.diags.warn(
                        &here,
                        "operation-id",
                        format!("no operationId; named `{}`", names::field_name(&made)),
                    );
                    made
                }
            };
            let type_base = names::type_name(&id);
            // The operations module's own names: one request struct and one
            // response enum each.
            let type_name = scope.claim(&type_base);
            let response_name = scope.claim(&format!("{type_name}Response"));
            let method_name = method_names.claim(&method_name(&type_name));
            let builder_name = builders.claim(&format!("{type_name}{}", reserved::BUILDER_SUFFIX));
            let params = lower_params(cx, &item.parameters, &op.parameters, &type_base, &here, path);
            let body = op.request_body.as_ref().and_then(|b| lower_body(cx, b, &type_base, &here.join("requestBody")));
            let responses = lower_responses(cx, &op.responses, &type_base, &here.join("responses"));
            let docs = match (&op.summary, &op.description) {
                (Some(s), Some(d)) => Some(format!("{s}\n\n{d}")),
                (Some(s), None) => Some(s.clone()),
                (None, d) => d.clone(),
            };
            let idempotent = idempotent(cx, method, op, &here);
            let scopes = scopes(cx, op, &here);
            let success = responses.iter().position(|r| r.status.is_success());
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
                path: path.clone(),
                scopes,
                docs,
                params,
                body,
                responses,
                success,
                paged,
                accept,
                origin: here,
            });
        }
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

fn methods(item: &PathItem) -> Vec<(Method, &openapiv3::Operation, &'static str)> {
    [
        (Method::Get, &item.get, "get"),
        (Method::Put, &item.put, "put"),
        (Method::Post, &item.post, "post"),
        (Method::Delete, &item.delete, "delete"),
        (Method::Options, &item.options, "options"),
        (Method::Head, &item.head, "head"),
        (Method::Patch, &item.patch, "patch"),
        (Method::Trace, &item.trace, "trace"),
    ]
    .into_iter()
    .filter_map(|(m, op, key)| op.as_ref().map(|op| (m, op, key)))
    .collect()
}

/// Follows a `$ref` into one section of `components` (`parameters`,
/// `requestBodies`, `responses`); a ref to nothing is a located error.
fn resolve<'a, T>(
    cx: &mut Lower<'a>,
    item: &'a ReferenceOr<T>,
    section: &str,
    pick: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    at: &Pointer,
) -> Option<&'a T> {
    let reference = match item {
        ReferenceOr::Item(found) => return Some(found),
        ReferenceOr::Reference { reference } => reference,
    };
    let spec = cx.spec;
    let found =
        Pointer::component_ref(reference, section).and_then(|name| pick(spec.components.as_ref()?).get(name.as_str()));
    match found {
        Some(ReferenceOr::Item(found)) => Some(found),
        _ => {
            cx.diags.error(at, "missing-ref", format!("`{reference}` names nothing in components/{section}; left out"));
            None
        }
    }
}

fn lower_params<'a>(
    cx: &mut Lower<'a>,
    shared: &'a [ReferenceOr<Parameter>],
    own: &'a [ReferenceOr<Parameter>],
    type_base: &str,
    at: &Pointer,
    path: &str,
) -> Vec<Param> {
    // Operation-level parameters override path-level ones of the same name and place.
    let mut found: Vec<(&'a Parameter, Pointer)> = Vec::new();
    let path_at = at.parent_or_root();
    for (list, base) in [(shared, path_at.join("parameters")), (own, at.join("parameters"))] {
        for (i, p) in list.iter().enumerate() {
            let here = base.join(i.to_string());
            let Some(p) = resolve(cx, p, "parameters", |c| &c.parameters, &here) else { continue };
            let same = |q: &&Parameter| {
                q.parameter_data_ref().name == p.parameter_data_ref().name
                    && std::mem::discriminant(*q) == std::mem::discriminant(p)
            };
            found.retain(|(q, _)| !same(q));
            found.push((p, here));
        }
    }
    // The operation's fields beside the parameters, and the builder's methods.
    let fields = [reserved::BODY_FIELD, reserved::CONTENT_TYPE_FIELD, reserved::ACCEPT_FIELD];
    let mut scope = Scope::with_reserved(&fields);
    let mut setters = Scope::with_reserved(&[reserved::BUILDER_METHODS, &fields[..]].concat());
    let mut out = Vec::new();
    for (p, here) in found {
        let data = p.parameter_data_ref();
        let location = match p {
            Parameter::Path { .. } => ParamIn::Path,
            Parameter::Query { .. } => ParamIn::Query,
            Parameter::Header { .. } => ParamIn::Header,
            Parameter::Cookie { .. } => {
                cx.diags.warn(
                    &here,
                    "cookie-parameter",
                    format!("cookie parameter `{}` is not supported; left out", data.name),
                );
                continue;
            }
        };
        if location == ParamIn::Path && !path.contains(&format!("{{{}}}", data.name)) {
            cx.diags.warn(&here, "path-parameter", format!("`{}` is not in the path template; left out", data.name));
            continue;
        }
        if location == ParamIn::Path && !data.required {
            cx.diags.warn(
                &here,
                "path-parameter-required",
                format!("path parameter `{}` lacks `required: true`; treated as required", data.name),
            );
        }
        let hint = format!("{type_base}{}", names::type_name(&data.name));
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(s) => type_of(cx, s.into(), &hint, &here.join("schema")),
            ParameterSchemaOrContent::Content(_) => {
                cx.diags.warn(&here, "parameter-content", "parameter `content` is not supported; sent as a string");
                TypeRef::String
            }
        };
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
            location,
            ty,
            required: data.required || location == ParamIn::Path,
            docs: data.description.clone(),
        });
    }
    out.sort_by_key(|p| p.location);
    out
}

fn lower_body<'a>(
    cx: &mut Lower<'a>,
    body: &'a ReferenceOr<RequestBody>,
    type_base: &str,
    at: &Pointer,
) -> Option<Body> {
    let body = resolve(cx, body, "requestBodies", |c| &c.request_bodies, at)?;
    let (media_type, content) = match body.content.get_key_value(JSON) {
        Some(found) => found,
        None => {
            let Some(first) = body.content.first() else {
                cx.diags.warn(at, "body-without-content", "request body has no content; left out");
                return None;
            };
            first
        }
    };
    let json = media_type.contains("json") && !media_type.contains("merge-patch");
    let kind = match content.schema.as_ref().filter(|_| json) {
        Some(s) => BodyKind::Json(type_of(
            cx,
            s.into(),
            &format!("{type_base}Body"),
            &at.join("content").join(media_type).join("schema"),
        )),
        None if media_type == FORM => match form_parts(content.schema.as_ref()) {
            Some(parts) => BodyKind::Form(parts),
            None => {
                cx.diags.warn(
                    &at.join("content").join(media_type),
                    "form-body",
                    "a multipart body needs an inline object schema; sent as bytes",
                );
                BodyKind::Bytes(vec![media_type.clone()])
            }
        },
        None => BodyKind::Bytes(body.content.keys().cloned().collect()),
    };
    Some(Body { media_type: media_type.clone(), kind, required: body.required })
}

const FORM: &str = "multipart/form-data";

/// The parts of a `multipart/form-data` body: its object schema's properties,
/// files where `format: binary`.
fn form_parts(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> Option<Vec<FormPart>> {
    let Some(ReferenceOr::Item(schema)) = schema else { return None };
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else { return None };
    let parts = object
        .properties
        .iter()
        .map(|(name, property)| {
            let file = matches!(
                property,
                ReferenceOr::Item(p) if matches!(
                    &p.schema_kind,
                    openapiv3::SchemaKind::Type(openapiv3::Type::String(s))
                        if matches!(s.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
                )
            );
            FormPart { name: name.clone(), file, required: object.required.contains(name) }
        })
        .collect();
    Some(parts)
}

fn lower_responses<'a>(
    cx: &mut Lower<'a>,
    responses: &'a openapiv3::Responses,
    type_base: &str,
    at: &Pointer,
) -> Vec<Response> {
    let mut out = Vec::new();
    let mut scope = Scope::with_reserved(&[crate::names::reserved::OTHER_VARIANT]);
    let all = responses
        .responses
        .iter()
        .map(|(code, r)| (status_of(code), r))
        .chain(responses.default.iter().map(|r| (Status::Default, r)));
    for (status, r) in all {
        let here = at.join(status.to_string());
        let Some(response) = resolve(cx, r, "responses", |c| &c.responses, &here) else { continue };
        let media_types: Vec<String> = response.content.keys().cloned().collect();
        let json = response.content.iter().find(|(m, _)| is_json(m)).or_else(|| {
            // No media type at all: read as JSON, as Okta's error bodies are.
            response.content.iter().next().filter(|(m, _)| m.is_empty())
        });
        let (encoding, ty) = match json {
            Some((media_type, content)) => {
                let ty = content.schema.as_ref().map(|s| {
                    let hint = format!("{type_base}{}", status_name(&status.to_string()));
                    type_of(cx, s.into(), &hint, &here.join("content").join(media_type).join("schema"))
                });
                (Encoding::Json, ty)
            }
            None if media_types.is_empty() => (Encoding::Json, None),
            None => {
                let (encoding, ty) = non_json(
                    media_types.iter().find(|m| is_text(m)).or(media_types.first()).map_or("", String::as_str),
                );
                (encoding, Some(ty))
            }
        };
        let name = scope.claim(&status_name(&status.to_string()));
        // Beside a JSON body, each other form is a variant of its own.
        let alternatives = match json {
            Some((json_type, _)) if !json_type.is_empty() => media_types
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

/// How a body that is not JSON is read: text as a string, anything else as bytes.
fn non_json(media_type: &str) -> (Encoding, TypeRef) {
    if is_text(media_type) { (Encoding::Text, TypeRef::String) } else { (Encoding::Bytes, TypeRef::Bytes) }
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

/// `application/json` and its relatives (`application/problem+json`), not
/// JSON merge patch.
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    (essence == JSON || essence.ends_with("+json")) && !essence.contains("merge-patch")
}

/// A media type read as text: `text/*` and XML.
fn is_text(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.starts_with("text/") || essence.ends_with("/xml") || essence.ends_with("+xml")
}

fn status_of(code: &StatusCode) -> Status {
    match code {
        StatusCode::Code(n) => Status::Code(*n),
        StatusCode::Range(n) => Status::Range(*n),
    }
}

/// A list is paged when its success is an array and it takes Okta's `after`
/// cursor, or declares the `Link` header its next page comes in.
fn paged(params: &[Param], responses: &[Response], success: Option<usize>) -> bool {
    let Some(success) = success.and_then(|i| responses.get(i)) else { return false };
    let cursor = params.iter().any(|p| p.location == ParamIn::Query && p.wire == "after");
    matches!(success.ty, Some(TypeRef::Vec(_))) && (cursor || success.link_header)
}

/// The variant name of a status: `200` -> `Ok`, `429` -> `TooManyRequests`.
fn status_name(status: &str) -> String {
    let known = match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "NoContent",
        "301" => "MovedPermanently",
        "302" => "Found",
        "304" => "NotModified",
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "NotFound",
        "405" => "MethodNotAllowed",
        "409" => "Conflict",
        "412" => "PreconditionFailed",
        "415" => "UnsupportedMediaType",
        "422" => "UnprocessableEntity",
        "429" => "TooManyRequests",
        "500" => "InternalServerError",
        "501" => "NotImplemented",
        "502" => "BadGateway",
        "503" => "ServiceUnavailable",
        "2XX" => "Success",
        "4XX" => "ClientError",
        "5XX" => "ServerError",
        "default" => "Default",
        _ => return format!("Status{status}"),
    };
    known.to_owned()
}
