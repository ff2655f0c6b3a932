//! Pass 3, lower schemas: every component that becomes a named type, and
//! every schema an operation uses, is lowered, and the inline types they
//! hold are named after where they are. Primitives, string enums, structs
//! (with `allOf` merged) and untagged unions are made whole here; a
//! discriminated schema becomes a union whose variants the unions pass
//! fills in, beside the struct of its unknown variant (the parent's own
//! fields).

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::context::{Lower, OperationSite, PendingUnion, SchemaRef};
use super::view::{Kind, View};
use crate::diag::Pointer;
use crate::ir::{Enum, Extra, Field, Pick, Struct, TypeId, TypeKind, TypeRef, Union, Untagged};
use crate::names::{self, Scope};

use crate::names::reserved::{EXTRA_FIELD, NULLS_FIELD, UNKNOWN_VARIANT};

pub(super) fn run<'a>(cx: &mut Lower<'a>, operations: &mut [OperationSite<'a>]) {
    let components: Vec<(&'a str, TypeId)> = cx.components.iter().map(|(name, id)| (*name, *id)).collect();
    for (name, id) in components {
        let Some(ReferenceOr::Item(schema)) = cx.component(name) else { continue };
        let pointer = Pointer::root().join("components").join("schemas").join(name);
        lower_named(cx, id, Some(name), schema, &pointer);
    }
    // Each operation's schemas, in the order its request and answers list them.
    for op in operations {
        for site in op.sites_mut() {
            site.ty = type_of(cx, site.schema, &site.hint, &site.at);
        }
    }
}

fn docs_of(view: &View<'_>) -> Option<String> {
    match (&view.data.title, &view.data.description) {
        (Some(t), Some(d)) if !d.starts_with(t.as_str()) => Some(format!("{t}\n\n{d}")),
        (_, Some(d)) => Some(d.clone()),
        (Some(t), None) => Some(t.clone()),
        (None, None) => None,
    }
}

/// Lowers a schema into the named type `id`.
fn lower_named<'a>(cx: &mut Lower<'a>, id: TypeId, component: Option<&'a str>, schema: &'a Schema, at: &Pointer) {
    let view = View::of(schema);
    let docs = docs_of(&view);
    let name = cx.types.name(id).to_owned();
    let kind = if let Some(disc) = &schema.schema_data.discriminator {
        // The unknown variant holds the parent's own fields; its name is
        // taken before the inline types among them.
        let unknown = cx.reserve(&format!("Unknown{name}"), at);
        let unknown_name = cx.types.name(unknown).to_owned();
        let own = lower_struct(cx, &unknown_name, &view, at);
        cx.define(unknown, None, TypeKind::Struct(own));
        cx.unions.push(PendingUnion { id, component, schema, at: at.clone() });
        TypeKind::Union(Union {
            property: disc.property_name.clone(),
            variants: Vec::new(),
            unknown,
            absent: None,
            accessors: Vec::new(),
        })
    } else if view.kind == Kind::String && !view.enumeration.is_empty() {
        TypeKind::Enum(lower_enum(cx, &view, at))
    } else if !view.has_properties() && view.all_of.is_empty() && (!view.one_of.is_empty() || !view.any_of.is_empty()) {
        lower_untagged(cx, &name, &view, at)
    } else {
        TypeKind::Struct(lower_struct(cx, &name, &view, at))
    };
    cx.define(id, docs, kind);
}

fn lower_enum(cx: &mut Lower<'_>, view: &View<'_>, at: &Pointer) -> Enum {
    let mut scope = Scope::with_reserved(&[UNKNOWN_VARIANT]);
    let mut values: Vec<(String, String)> = Vec::new();
    for (i, value) in view.enumeration.iter().enumerate() {
        let Value::String(s) = value else {
            if !value.is_null() {
                cx.diags.warn(
                    &at.join("enum").join(i.to_string()),
                    "enum-value-type",
                    format!("`{value}` is not a string; left out"),
                );
            }
            continue;
        };
        if values.iter().any(|(_, v)| v == s) {
            cx.diags.warn(
                &at.join("enum").join(i.to_string()),
                "duplicate-enum-value",
                format!("`{s}` is listed twice; kept once"),
            );
            continue;
        }
        let variant = scope.claim(&names::variant_name(s));
        values.push((variant, s.clone()));
    }
    Enum { values }
}

fn lower_untagged<'a>(cx: &mut Lower<'a>, name: &str, view: &View<'a>, at: &Pointer) -> TypeKind {
    let (list, key) = if view.one_of.is_empty() { (view.any_of, "anyOf") } else { (view.one_of, "oneOf") };
    let mut scope = Scope::default();
    let mut variants = Vec::new();
    for (i, member) in list.iter().enumerate() {
        let here = at.join(key).join(i.to_string());
        let hint = format!("{name}Variant{i}");
        let ty = type_of(cx, member.into(), &hint, &here);
        let base = match &ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => {
                let n = cx.types.name(*id);
                n.strip_prefix(name).filter(|s| !s.is_empty()).unwrap_or(n).to_owned()
            }
            other => primitive_variant_name(other),
        };
        variants.push((scope.claim(&base), ty));
    }
    TypeKind::Untagged(Untagged { variants, pick: Pick::InOrder })
}

fn primitive_variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Timestamp => "String",
        TypeRef::Bool => "Bool",
        TypeRef::I32 | TypeRef::I64 => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::Vec(_) => "Array",
        TypeRef::Map(_) | TypeRef::JsonObject => "Object",
        _ => "Value",
    }
    .to_owned()
}

/// One property as collected from a schema and its `allOf` parts.
struct RawField<'a> {
    schema: SchemaRef<'a>,
    pointer: Pointer,
}

/// The merged object parts of a schema.
#[derive(Default)]
struct Parts<'a> {
    fields: IndexMap<String, RawField<'a>>,
    required: Vec<String>,
}

fn collect<'a>(cx: &mut Lower<'a>, view: &View<'a>, at: &Pointer, parts: &mut Parts<'a>, depth: usize) {
    if depth > 32 {
        cx.diags.error(at, "allof-depth", "allOf nests more than 32 levels; the rest is ignored");
        return;
    }
    for (i, member) in view.all_of.iter().enumerate() {
        let here = at.join("allOf").join(i.to_string());
        let Some(resolved) = cx.resolve(member.into(), &here) else { continue };
        let inner = View::of(resolved.schema);
        if (!inner.one_of.is_empty() || !inner.any_of.is_empty()) && !inner.has_properties() {
            cx.diags.warn(
                &here,
                "allof-union",
                "a union inside allOf cannot be merged into a struct; its fields are kept as unknown fields",
            );
            continue;
        }
        collect(cx, &inner, &resolved.pointer, parts, depth + 1);
    }
    for (name, schema) in &view.properties {
        let pointer = at.join("properties").join(name);
        match parts.fields.get_mut(*name) {
            Some(existing) => {
                existing.schema = (*schema).into();
                existing.pointer = pointer;
            }
            None => {
                parts.fields.insert((*name).to_owned(), RawField { schema: (*schema).into(), pointer });
            }
        }
    }
    for r in &view.required {
        if !parts.required.iter().any(|x| x == r) {
            parts.required.push((*r).to_owned());
        }
    }
}

fn lower_struct<'a>(cx: &mut Lower<'a>, name: &str, view: &View<'a>, at: &Pointer) -> Struct {
    let mut parts = Parts::default();
    collect(cx, view, at, &mut parts, 0);
    let extra = match view.additional {
        Some(AdditionalProperties::Any(false)) => Extra::Deny,
        Some(AdditionalProperties::Schema(s)) => {
            let hint = format!("{name}Value");
            match type_of(cx, s.as_ref().into(), &hint, &at.join("additionalProperties")) {
                TypeRef::Json => Extra::Keep,
                ty => Extra::Typed(ty),
            }
        }
        _ => Extra::Keep,
    };
    for r in &parts.required {
        if !parts.fields.contains_key(r) {
            cx.diags.warn(at, "required-unknown", format!("`{r}` is required but not a property; ignored"));
        }
    }
    let mut scope = Scope::with_reserved(&[EXTRA_FIELD, NULLS_FIELD]);
    let mut fields = Vec::new();
    for (wire, raw) in parts.fields {
        let hint = format!("{name}{}", names::type_name(&wire));
        fields.push(lower_field(
            cx,
            &mut scope,
            &wire,
            raw.schema,
            &hint,
            &raw.pointer,
            parts.required.contains(&wire),
        ));
    }
    Struct { fields, extra, presets: Vec::new() }
}

fn lower_field<'a>(
    cx: &mut Lower<'a>,
    scope: &mut Scope,
    wire: &str,
    schema: SchemaRef<'a>,
    hint: &str,
    at: &Pointer,
    required: bool,
) -> Field {
    let ty = type_of(cx, schema, hint, at);
    // Facts written beside the property (or on the ref's target).
    let (mut nullable, mut read_only, mut write_only, mut docs) = (false, false, false, None);
    if let Some(resolved) = cx.resolve(schema, at) {
        let v = View::of(resolved.schema);
        nullable = v.data.nullable;
        read_only = v.data.read_only;
        write_only = v.data.write_only;
        docs = docs_of(&v);
        // A field of a named type says in a line what it holds; the type's
        // page says the rest.
        if resolved.component.is_some() && matches!(ty, TypeRef::Named(_)) {
            docs = docs.and_then(|d| d.split("\n\n").next().map(str::to_owned));
        }
        // `allOf: [$ref]` with `nullable` beside it.
        for member in v.all_of {
            if let Some(inner) = cx.resolve(member.into(), at) {
                nullable |= inner.schema.schema_data.nullable;
            }
        }
    }
    Field {
        name: scope.claim(&names::field_name(wire)),
        wire: wire.to_owned(),
        ty,
        required,
        nullable,
        read_only,
        write_only,
        docs,
        origin: at.clone(),
    }
}

/// The type a field or item of this schema has, naming inline types after `hint`.
fn type_of<'a>(cx: &mut Lower<'a>, schema: SchemaRef<'a>, hint: &str, at: &Pointer) -> TypeRef {
    let Some(resolved) = cx.resolve(schema, at) else { return TypeRef::Json };
    if let Some(component) = resolved.component {
        if let Some(id) = cx.components.get(component) {
            return TypeRef::Named(*id);
        }
    }
    let view = View::of(resolved.schema);
    // `allOf: [$ref]` alone is that ref (with facts beside it).
    if view.all_of.len() == 1 && !view.has_properties() && view.one_of.is_empty() && view.any_of.is_empty() {
        return type_of(cx, (&view.all_of[0]).into(), hint, &resolved.pointer.join("allOf").join("0"));
    }
    if view.is_composite() || resolved.schema.schema_data.discriminator.is_some() {
        if let Some(id) = cx.inline.get(&resolved.pointer) {
            return TypeRef::Named(*id);
        }
        let id = cx.reserve(&names::type_name(hint), &resolved.pointer);
        cx.inline.insert(resolved.pointer.clone(), id);
        lower_named(cx, id, None, resolved.schema, &resolved.pointer);
        return TypeRef::Named(id);
    }
    check_scalar_facts(cx, &view, &resolved.pointer);
    let format = view.format.as_deref();
    match view.kind {
        Kind::String => match format {
            Some("date-time") => TypeRef::Timestamp,
            Some("password") => TypeRef::Secret,
            _ if view.data.extensions.get("x-okta-secret").and_then(serde_json::Value::as_bool) == Some(true) => {
                TypeRef::Secret
            }
            _ if view.data.write_only && looks_secret(at) => TypeRef::Secret,
            _ => TypeRef::String,
        },
        Kind::Integer => match format {
            Some("int32") => TypeRef::I32,
            _ => TypeRef::I64,
        },
        Kind::Number => match format {
            Some("float") => TypeRef::F32,
            _ => TypeRef::F64,
        },
        Kind::Boolean => TypeRef::Bool,
        Kind::Array => match view.items {
            Some(items) => {
                let item_hint = format!("{hint}Item");
                TypeRef::Vec(Box::new(type_of(cx, items.into(), &item_hint, &resolved.pointer.join("items"))))
            }
            None => {
                cx.diags.warn(&resolved.pointer, "array-without-items", "array has no `items`; items are any JSON");
                TypeRef::Vec(Box::new(TypeRef::Json))
            }
        },
        Kind::Object => match view.additional {
            Some(AdditionalProperties::Schema(s)) => {
                let value_hint = format!("{hint}Value");
                match type_of(cx, s.as_ref().into(), &value_hint, &resolved.pointer.join("additionalProperties")) {
                    TypeRef::Json => TypeRef::JsonObject,
                    ty => TypeRef::Map(Box::new(ty)),
                }
            }
            _ => TypeRef::JsonObject,
        },
        Kind::Unspecified => TypeRef::Json,
    }
}

/// Facts the generator does not use but a spec can get wrong: a `default` of
/// another type than the schema, a `pattern` in a regex dialect other than
/// ECMA-262. Both are tolerated with a located warning.
fn check_scalar_facts(cx: &mut Lower<'_>, view: &View<'_>, at: &Pointer) {
    if let Some(default) = &view.data.default {
        let fits = match view.kind {
            Kind::String => default.is_string(),
            Kind::Integer => default.is_i64() || default.is_u64(),
            Kind::Number => default.is_number(),
            Kind::Boolean => default.is_boolean(),
            Kind::Array => default.is_array(),
            Kind::Object => default.is_object(),
            Kind::Unspecified => true,
        };
        let null_allowed = default.is_null() && view.data.nullable;
        if !(fits || null_allowed) {
            cx.diags.warn(
                &at.join("default"),
                "default-type",
                format!("default `{default}` is not of the schema's type {:?}; ignored", view.kind),
            );
        }
    }
    if let Some(pattern) = &view.pattern {
        const NOT_ECMA: &[&str] =
            &["(?i)", "(?s)", "(?m)", "(?x)", "(?>", "\\A", "\\Z", "\\z", "++", "*+", "?+", "[[:"];
        if let Some(found) = NOT_ECMA.iter().find(|c| pattern.contains(*c)) {
            cx.diags.warn(
                &at.join("pattern"),
                "pattern-dialect",
                format!("pattern uses `{found}`, which ECMA-262 does not have; patterns are not enforced"),
            );
        }
    }
}

/// A write-only string named like a secret is treated as one.
fn looks_secret(at: &Pointer) -> bool {
    let last = at.last().unwrap_or_default().to_ascii_lowercase();
    ["secret", "password", "token", "private"].iter().any(|w| last.contains(w))
}
