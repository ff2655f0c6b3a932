//! Pass 2, resolve references: where each component schema's `$ref` chain
//! leads, and each operation with its parameters, request body and
//! responses found through their refs (`components/parameters`,
//! `requestBodies`, `responses`), path-level parameters merged in. What a
//! later pass lowers to a type is a `Site` here, with the name its inline
//! type takes.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody};

use super::context::{
    BodyContent, BodySite, Lower, OperationSite, ParamSite, RefProblem, ResponseSite, Site, Target, schema_ref,
};
use super::media::is_json;
use crate::diag::Pointer;
use crate::ir::{FormPart, Method, ParamIn, Status};
use crate::names;

use super::media::{FORM, JSON};

pub(super) fn run<'a>(cx: &mut Lower<'a>) -> Vec<OperationSite<'a>> {
    follow_component_refs(cx);
    operations(cx)
}

/// Follows each component schema's refs (and refs to refs) to the schema at
/// the end.
fn follow_component_refs(cx: &mut Lower<'_>) {
    let schemas: Vec<_> = cx.schemas().collect();
    for (name, _) in &schemas {
        let mut seen = BTreeSet::new();
        let mut current = *name;
        let target: Target<'_> = loop {
            if !seen.insert(current) {
                break Err(RefProblem::Cycle);
            }
            match cx.spec.components.as_ref().and_then(|c| c.schemas.get_key_value(current)) {
                None => break Err(RefProblem::Missing),
                Some((key, ReferenceOr::Item(schema))) => break Ok((key.as_str(), schema)),
                Some((_, ReferenceOr::Reference { reference })) => match schema_ref(reference) {
                    Some(next) => match cx.spec.components.as_ref().and_then(|c| c.schemas.get_key_value(&next)) {
                        Some((key, _)) => current = key.as_str(),
                        None => break Err(RefProblem::Missing),
                    },
                    None => break Err(RefProblem::Unsupported),
                },
            }
        };
        cx.targets.insert(name, target);
    }
}

fn operations<'a>(cx: &mut Lower<'a>) -> Vec<OperationSite<'a>> {
    let mut out = Vec::new();
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
            let params = params(cx, &item.parameters, &op.parameters, &type_base, &here, path);
            let body = op.request_body.as_ref().and_then(|b| body(cx, b, &type_base, &here.join("requestBody")));
            let responses = responses(cx, &op.responses, &type_base, &here.join("responses"));
            out.push(OperationSite { path, method, op, at: here, id, params, body, responses });
        }
    }
    out
}

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

/// The parameters an operation takes: the path item's and its own, its own
/// overriding one of the same name and place; those it cannot send are left
/// out with a warning.
fn params<'a>(
    cx: &mut Lower<'a>,
    shared: &'a [ReferenceOr<Parameter>],
    own: &'a [ReferenceOr<Parameter>],
    type_base: &str,
    at: &Pointer,
    path: &str,
) -> Vec<ParamSite<'a>> {
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
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let hint = format!("{type_base}{}", names::type_name(&data.name));
                Some(Site::new(s.into(), hint, here.join("schema")))
            }
            ParameterSchemaOrContent::Content(_) => {
                cx.diags.warn(&here, "parameter-content", "parameter `content` is not supported; sent as a string");
                None
            }
        };
        out.push(ParamSite { data, location, schema });
    }
    out
}

/// The request body, in JSON where the spec offers it, else in its first
/// media type.
fn body<'a>(
    cx: &mut Lower<'a>,
    body: &'a ReferenceOr<RequestBody>,
    type_base: &str,
    at: &Pointer,
) -> Option<BodySite<'a>> {
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
    let content = match content.schema.as_ref().filter(|_| json) {
        Some(s) => BodyContent::Json(Site::new(
            s.into(),
            format!("{type_base}Body"),
            at.join("content").join(media_type).join("schema"),
        )),
        None if media_type == FORM => match form_parts(content.schema.as_ref()) {
            Some(parts) => BodyContent::Form(parts),
            None => {
                cx.diags.warn(
                    &at.join("content").join(media_type),
                    "form-body",
                    "a multipart body needs an inline object schema; sent as bytes",
                );
                BodyContent::Bytes(vec![media_type.clone()])
            }
        },
        None => BodyContent::Bytes(body.content.keys().cloned().collect()),
    };
    Some(BodySite { media_type: media_type.clone(), required: body.required, content })
}

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

/// Every documented response (`default` last), with its JSON schema.
fn responses<'a>(
    cx: &mut Lower<'a>,
    responses: &'a openapiv3::Responses,
    type_base: &str,
    at: &Pointer,
) -> Vec<ResponseSite<'a>> {
    let mut out = Vec::new();
    let all = responses
        .responses
        .iter()
        .map(|(code, r)| (status_of(code), r))
        .chain(responses.default.iter().map(|r| (Status::Default, r)));
    for (status, r) in all {
        let here = at.join(status.to_string());
        let Some(response) = resolve(cx, r, "responses", |c| &c.responses, &here) else { continue };
        let json = response.content.iter().find(|(m, _)| is_json(m)).or_else(|| {
            // No media type at all: read as JSON, as Okta's error bodies are.
            response.content.iter().next().filter(|(m, _)| m.is_empty())
        });
        let json = json.map(|(media_type, content)| {
            let site = content.schema.as_ref().map(|s| {
                let hint = format!("{type_base}{}", names::status_name(&status.to_string()));
                Site::new(s.into(), hint, here.join("content").join(media_type).join("schema"))
            });
            (media_type.as_str(), site)
        });
        out.push(ResponseSite { status, response, json });
    }
    out
}

fn status_of(code: &openapiv3::StatusCode) -> Status {
    match code {
        openapiv3::StatusCode::Code(n) => Status::Code(*n),
        openapiv3::StatusCode::Range(n) => Status::Range(*n),
    }
}
