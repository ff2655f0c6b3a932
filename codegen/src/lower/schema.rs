//! Lowering of schemas: primitives, enums, structs (with `allOf` merged),
//! discriminated unions and untagged unions.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::view::{Kind, View};
use super::{Lower, SchemaRef};
use crate::diag::Pointer;
use crate::ir::{
    Accessor, DefinedAs, Enum, Extra, Field, Pick, Preset, PresetKind, Struct, TypeDef, TypeKind, TypeRef, Union,
    Untagged, Variant,
};
use crate::names::{self, Scope};

use crate::names::reserved::{EXTRA_FIELD, NULLS_FIELD, UNKNOWN_VARIANT};

/// Decides, before any struct is lowered, which fixed values each union
/// member's constructor sets.
pub(super) fn plan_presets(cx: &mut Lower<'_>) {
    let parents: Vec<String> = cx.parents.keys().map(|k| (*k).to_owned()).collect();
    for parent in parents {
        let Some(ReferenceOr::Item(schema)) = cx.spec.components.as_ref().and_then(|c| c.schemas.get(&parent)) else {
            continue;
        };
        let Some(disc) = &schema.schema_data.discriminator else { continue };
        for child in members(cx, &parent, schema) {
            let defined = defined_as(cx, &child);
            let value = discriminator_values(disc, &child, defined.is_some()).into_iter().next();
            let entry = cx.presets.entry(child).or_default();
            // A child of two parents on one property gets its value once.
            for (property, value) in defined.into_iter().chain(value.map(|v| (disc.property_name.clone(), v))) {
                if !entry.iter().any(|(p, _)| *p == property) {
                    entry.push((property, value));
                }
            }
        }
    }
}

/// The component schemas that are variants of `parent`: its `oneOf` refs, or
/// its mapping targets and the components inheriting from it.
fn members(cx: &Lower<'_>, parent: &str, schema: &Schema) -> Vec<String> {
    let view = View::of(schema);
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        // A parent mapped to itself is its own unknown variant.
        if name != parent && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    };
    let listed: &[ReferenceOr<Schema>] = if view.one_of.is_empty() { view.any_of } else { view.one_of };
    for member in listed {
        if let ReferenceOr::Reference { reference } = member {
            if let Some(name) = reference.strip_prefix(super::COMPONENT_PREFIX) {
                push(name);
            }
        }
    }
    if listed.is_empty() {
        if let Some(disc) = &schema.schema_data.discriminator {
            for target in disc.mapping.values() {
                if let Some(name) = target.strip_prefix(super::COMPONENT_PREFIX) {
                    push(name);
                }
            }
        }
        if let Some(p) = cx.parents.get(parent) {
            for child in &p.children {
                push(child);
            }
        }
    }
    out
}

fn defined_as(cx: &Lower<'_>, component: &str) -> Option<(String, String)> {
    match cx.spec.components.as_ref()?.schemas.get(component)? {
        ReferenceOr::Item(s) => View::of(s).defined_as(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The discriminator values naming `component`: the mapping's, else its
/// name, unless it is keyed by `x-okta-defined-as` instead.
fn discriminator_values(disc: &openapiv3::Discriminator, component: &str, keyed: bool) -> Vec<String> {
    let target = format!("{}{component}", super::COMPONENT_PREFIX);
    let mapped: Vec<String> =
        disc.mapping.iter().filter(|(_, t)| **t == target || t.as_str() == component).map(|(k, _)| k.clone()).collect();
    if mapped.is_empty() && !keyed { vec![component.to_owned()] } else { mapped }
}

fn docs_of(view: &View<'_>) -> Option<String> {
    match (&view.data.title, &view.data.description) {
        (Some(t), Some(d)) if !d.starts_with(t.as_str()) => Some(format!("{t}\n\n{d}")),
        (_, Some(d)) => Some(d.clone()),
        (Some(t), None) => Some(t.clone()),
        (None, None) => None,
    }
}

/// Lowers a schema into the named type `name`.
pub(super) fn lower_named<'a>(
    cx: &mut Lower<'a>,
    name: &str,
    component: Option<&'a str>,
    schema: &'a Schema,
    at: &Pointer,
) {
    let view = View::of(schema);
    let docs = docs_of(&view);
    let kind = if let Some(disc) = &schema.schema_data.discriminator {
        lower_union(cx, name, component, schema, disc, at)
    } else if view.kind == Kind::String && !view.enumeration.is_empty() {
        TypeKind::Enum(lower_enum(cx, &view, at))
    } else if !view.has_properties() && view.all_of.is_empty() && (!view.one_of.is_empty() || !view.any_of.is_empty()) {
        lower_untagged(cx, name, &view, at)
    } else {
        TypeKind::Struct(lower_struct(cx, name, &view, at))
    };
    cx.types.insert(name.to_owned(), TypeDef { name: name.to_owned(), origin: at.clone(), docs, kind });
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
            TypeRef::Named(n) | TypeRef::Boxed(n) => {
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
        if resolved.component.is_none() || !matches!(ty, TypeRef::Named(_)) {
            docs = docs_of(&v);
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
pub(super) fn type_of<'a>(cx: &mut Lower<'a>, schema: SchemaRef<'a>, hint: &str, at: &Pointer) -> TypeRef {
    let Some(resolved) = cx.resolve(schema, at) else { return TypeRef::Json };
    if let Some(component) = resolved.component {
        if let Some(rust) = cx.components.get(component) {
            return TypeRef::Named(rust.clone());
        }
    }
    let view = View::of(resolved.schema);
    // `allOf: [$ref]` alone is that ref (with facts beside it).
    if view.all_of.len() == 1 && !view.has_properties() && view.one_of.is_empty() && view.any_of.is_empty() {
        return type_of(cx, (&view.all_of[0]).into(), hint, &resolved.pointer.join("allOf").join("0"));
    }
    if view.is_composite() || resolved.schema.schema_data.discriminator.is_some() {
        if let Some(name) = cx.inline.get(&resolved.pointer) {
            return TypeRef::Named(name.clone());
        }
        let name = cx.scope.claim(&names::type_name(hint));
        cx.inline.insert(resolved.pointer.clone(), name.clone());
        lower_named(cx, &name, None, resolved.schema, &resolved.pointer);
        return TypeRef::Named(name);
    }
    check_scalar_facts(cx, &view, &resolved.pointer);
    let format = view.format.as_deref();
    match view.kind {
        Kind::String => match format {
            Some("date-time") => TypeRef::Timestamp,
            Some("password") => TypeRef::Secret,
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

fn lower_union<'a>(
    cx: &mut Lower<'a>,
    name: &str,
    component: Option<&'a str>,
    schema: &'a Schema,
    disc: &openapiv3::Discriminator,
    at: &Pointer,
) -> TypeKind {
    let view = View::of(schema);
    let member_names = match component {
        Some(c) => members(cx, c, schema),
        None => view
            .one_of
            .iter()
            .chain(view.any_of)
            .filter_map(|m| match m {
                ReferenceOr::Reference { reference } => {
                    reference.strip_prefix(super::COMPONENT_PREFIX).map(str::to_owned)
                }
                ReferenceOr::Item(_) => None,
            })
            .collect(),
    };
    let mut scope = Scope::with_reserved(&[UNKNOWN_VARIANT]);
    let mut variants = Vec::new();
    // Variants keyed by `x-okta-defined-as` are checked first; list them first.
    let mut member_names = member_names;
    member_names.sort_by_key(|m| defined_as(cx, m).is_none());
    for member in &member_names {
        let Some(ty) = cx.components.get(member.as_str()).cloned() else {
            cx.diags.error(at, "union-member", format!("`{member}` is not an object schema; left out of the union"));
            continue;
        };
        let defined_as = defined_as(cx, member).map(|(property, value)| DefinedAs { property, value });
        let discriminator = discriminator_values(disc, member, defined_as.is_some());
        let short = ty.strip_suffix(name).or_else(|| ty.strip_prefix(name)).filter(|s| !s.is_empty()).unwrap_or(&ty);
        variants.push(Variant { name: scope.claim(short), ty, defined_as, discriminator });
    }
    for (value, target) in &disc.mapping {
        let target_name = target.strip_prefix(super::COMPONENT_PREFIX);
        let known = target_name.is_some_and(|t| member_names.iter().any(|m| m == t));
        if target_name.is_some() && target_name == component {
            cx.diags.warn(
                &at.join("discriminator").join("mapping").join(value),
                "union-self-mapping",
                format!(
                    "`{value}` maps to the union itself; it decodes as the Unknown variant, which has the same fields"
                ),
            );
        } else if !known {
            cx.diags.warn(
                &at.join("discriminator").join("mapping").join(value),
                "mapping-target",
                format!("`{target}` is not a member of the union; `{value}` decodes as Unknown"),
            );
        }
    }
    // The unknown variant: the parent's own fields, with a discriminator
    // that may be absent, null or new.
    let unknown = cx.scope.claim(&format!("Unknown{name}"));
    let own = lower_struct(cx, &unknown, &view, at);
    insert_unknown(cx, name, &unknown, own, &disc.property_name, at, at.join("discriminator"));
    TypeKind::Union(Union { property: disc.property_name.clone(), variants, unknown, accessors: Vec::new() })
}

/// Adds the struct of union `union`'s unknown variant, named `unknown`: `own`
/// fields (the parent's, if any) with the picking `property` as a nullable
/// string, keeping every other property.
pub(super) fn insert_unknown(
    cx: &mut Lower<'_>,
    union: &str,
    unknown: &str,
    mut own: Struct,
    property: &str,
    at: &Pointer,
    property_origin: Pointer,
) {
    match own.fields.iter_mut().find(|f| f.wire == property) {
        Some(f) => f.nullable = true,
        None => {
            let mut scope = Scope::with_reserved(&[EXTRA_FIELD, NULLS_FIELD]);
            for f in &own.fields {
                scope.claim(&f.name);
            }
            own.fields.push(Field {
                name: scope.claim(&names::field_name(property)),
                wire: property.to_owned(),
                ty: TypeRef::String,
                required: false,
                nullable: true,
                read_only: false,
                write_only: false,
                docs: Some("The value that picks the variant; unknown here.".to_owned()),
                origin: property_origin,
            });
        }
    }
    own.extra = Extra::Keep;
    cx.types.insert(
        unknown.to_owned(),
        TypeDef {
            name: unknown.to_owned(),
            origin: at.clone(),
            docs: Some(format!("A `{union}` of a kind this crate does not know: every field is kept.")),
            kind: TypeKind::Struct(own),
        },
    );
}

/// Gives each union member's struct its fixed values, typed by their fields,
/// once every type is lowered (an enum field needs its variants). A value no
/// field can hold is left out, with a warning.
pub(super) fn resolve_presets(cx: &mut Lower<'_>) {
    let planned: Vec<(String, Vec<(String, String)>)> = cx
        .presets
        .iter()
        .filter_map(|(schema, presets)| Some((cx.components.get(schema.as_str())?.clone(), presets.clone())))
        .collect();
    for (name, planned) in planned {
        let Some(TypeDef { kind: TypeKind::Struct(s), origin, .. }) = cx.types.get(&name) else { continue };
        let origin = origin.clone();
        let mut resolved = Vec::new();
        for (wire, value) in planned {
            let kind = match s.fields.iter().find(|f| f.wire == wire).map(|f| &f.ty) {
                None if s.extra == Extra::Keep => Some(PresetKind::Extra),
                None => None,
                Some(TypeRef::String) => Some(PresetKind::String),
                Some(TypeRef::Secret) => Some(PresetKind::Secret),
                Some(TypeRef::Json) => Some(PresetKind::Json),
                Some(TypeRef::Named(ty)) => match cx.types.get(ty) {
                    Some(TypeDef { kind: TypeKind::Enum(e), .. }) => {
                        Some(PresetKind::Enum(e.values.iter().find(|(_, w)| *w == value).map(|(v, _)| v.clone())))
                    }
                    _ => None,
                },
                Some(_) => None,
            };
            match kind {
                Some(kind) => resolved.push(Preset { wire, value, kind }),
                None => cx.diags.warn(
                    &origin,
                    "preset-type",
                    format!("`{wire}` cannot hold the string `{value}`; the constructor leaves it unset"),
                ),
            }
        }
        if let Some(TypeDef { kind: TypeKind::Struct(s), .. }) = cx.types.get_mut(&name) {
            s.presets = resolved;
        }
    }
}

/// Gives each union its accessors, once every struct is lowered.
pub(super) fn fill_accessors(cx: &mut Lower<'_>) {
    let unions: Vec<String> =
        cx.types.iter().filter(|(_, t)| matches!(t.kind, TypeKind::Union(_))).map(|(k, _)| k.clone()).collect();
    for name in unions {
        let Some(TypeDef { kind: TypeKind::Union(u), .. }) = cx.types.get(&name) else { continue };
        let Some(TypeDef { kind: TypeKind::Struct(unknown), .. }) = cx.types.get(&u.unknown) else { continue };
        let found = accessors(cx, &u.variants, unknown);
        if let Some(TypeDef { kind: TypeKind::Union(u), .. }) = cx.types.get_mut(&name) {
            u.accessors = found;
        }
    }
}

/// Fields every variant struct shares with the unknown struct, by wire name,
/// field name and type.
fn accessors(cx: &Lower<'_>, variants: &[Variant], unknown: &Struct) -> Vec<Accessor> {
    let mut out = Vec::new();
    'field: for field in &unknown.fields {
        let mut nullable = Vec::new();
        for v in variants {
            let Some(found) = struct_field(cx, &v.ty, &field.wire) else { continue 'field };
            if found.ty != field.ty || found.name != field.name {
                continue 'field;
            }
            nullable.push((v.name.clone(), found.nullable));
        }
        nullable.push(("Unknown".to_owned(), field.nullable));
        out.push(Accessor { name: field.name.clone(), ty: field.ty.clone(), docs: field.docs.clone(), nullable });
    }
    out
}

/// A field of a lowered struct.
fn struct_field(cx: &Lower<'_>, ty: &str, wire: &str) -> Option<Field> {
    if let Some(TypeDef { kind: TypeKind::Struct(s), .. }) = cx.types.get(ty) {
        return s.fields.iter().find(|f| f.wire == wire).cloned();
    }
    None
}
