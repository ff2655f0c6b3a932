//! Lowering of discriminated unions (a `discriminator`, or members keyed by
//! `x-okta-defined-as`): which fixed values each member's constructor sets,
//! the union and its unknown variant, and the accessors of common fields.

use openapiv3::{ReferenceOr, Schema};

use super::Lower;
use super::schema::lower_struct;
use super::view::View;
use crate::diag::Pointer;
use crate::ir::{
    Accessor, DefinedAs, Extra, Field, Preset, PresetKind, Struct, TypeDef, TypeKind, TypeRef, Union, Variant,
};
use crate::names::reserved::{EXTRA_FIELD, NULLS_FIELD, UNKNOWN_VARIANT};
use crate::names::{self, Scope};

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
            // A member defined by a property's absence sets nothing.
            let defined = defined.and_then(|(property, value)| Some((property, value?)));
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
            if let Some(name) = super::schema_ref(reference) {
                push(&name);
            }
        }
    }
    if listed.is_empty() {
        if let Some(disc) = &schema.schema_data.discriminator {
            for target in disc.mapping.values() {
                if let Some(name) = super::schema_ref(target) {
                    push(&name);
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

/// A component's `x-okta-defined-as` key: a property and its value, `None`
/// for `null`.
fn defined_as(cx: &Lower<'_>, component: &str) -> Option<(String, Option<String>)> {
    match cx.spec.components.as_ref()?.schemas.get(component)? {
        ReferenceOr::Item(s) => View::of(s).defined_as(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The discriminator values naming `component`: the mapping's, else its
/// name, unless it is keyed by `x-okta-defined-as` instead.
fn discriminator_values(disc: &openapiv3::Discriminator, component: &str, keyed: bool) -> Vec<String> {
    let names_it = |t: &String| super::schema_ref(t).as_deref() == Some(component) || t.as_str() == component;
    let mapped: Vec<String> = disc.mapping.iter().filter(|(_, t)| names_it(t)).map(|(k, _)| k.clone()).collect();
    if mapped.is_empty() && !keyed { vec![component.to_owned()] } else { mapped }
}

pub(super) fn lower_union<'a>(
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
                ReferenceOr::Reference { reference } => super::schema_ref(reference),
                ReferenceOr::Item(_) => None,
            })
            .collect(),
    };
    let mut scope = Scope::with_reserved(&[UNKNOWN_VARIANT]);
    let mut variants = Vec::new();
    let mut absent = None;
    // Variants keyed by `x-okta-defined-as` are checked first; list them first.
    let mut member_names = member_names;
    member_names.sort_by_key(|m| defined_as(cx, m).is_none());
    for member in &member_names {
        let Some(ty) = cx.components.get(member.as_str()).cloned() else {
            cx.diags.error(at, "union-member", format!("`{member}` is not an object schema; left out of the union"));
            continue;
        };
        let defined = defined_as(cx, member);
        let discriminator = discriminator_values(disc, member, defined.is_some());
        let short = ty.strip_suffix(name).or_else(|| ty.strip_prefix(name)).filter(|s| !s.is_empty()).unwrap_or(&ty);
        let variant = scope.claim(short);
        let defined_as = match defined {
            Some((property, Some(value))) => Some(DefinedAs { property, value }),
            Some((property, None)) => {
                let marker = Pointer::root().join("components").join("schemas").join(member).join("x-okta-defined-as");
                if property != disc.property_name {
                    cx.diags.warn(
                        &marker,
                        "defined-as-null",
                        format!(
                            "`{property}: null` picks nothing: only the discriminator `{}` may be null here; \
                             the member is picked by its discriminator values alone",
                            disc.property_name
                        ),
                    );
                } else if let Some(first) = &absent {
                    cx.diags.warn(
                        &marker,
                        "defined-as-null",
                        format!("`{first}` is already the variant without `{property}`; this one is not"),
                    );
                } else {
                    absent = Some(variant.clone());
                }
                None
            }
            None => None,
        };
        variants.push(Variant { name: variant, ty, defined_as, discriminator });
    }
    for (value, target) in &disc.mapping {
        let target_name = super::schema_ref(target);
        let known = target_name.as_deref().is_some_and(|t| member_names.iter().any(|m| m == t));
        if target_name.is_some() && target_name.as_deref() == component {
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
    TypeKind::Union(Union { property: disc.property_name.clone(), variants, unknown, absent, accessors: Vec::new() })
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
/// field can hold is left out, with a warning. A member defined by a
/// property's absence does not take that property in its constructor.
pub(super) fn resolve_presets(cx: &mut Lower<'_>) {
    let absent: Vec<(String, String)> = cx
        .components
        .iter()
        .filter_map(|(component, rust)| match defined_as(cx, component)? {
            (property, None) => Some((rust.clone(), property)),
            (_, Some(_)) => None,
        })
        .collect();
    for (name, property) in absent {
        if let Some(TypeDef { kind: TypeKind::Struct(s), .. }) = cx.types.get_mut(&name) {
            s.fields.iter_mut().filter(|f| f.wire == property).for_each(|f| f.required = false);
        }
    }
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
    let mut out: Vec<Accessor> = Vec::new();
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
        let mut_name = nullable.iter().all(|(_, n)| !n).then(|| format!("{}_mut", names::unraw(&field.name)));
        out.push(Accessor {
            name: field.name.clone(),
            ty: field.ty.clone(),
            docs: field.docs.clone(),
            nullable,
            mut_name,
        });
    }
    // A `_mut` name another method of the union has already goes.
    let taken: Vec<String> =
        out.iter().map(|a| names::unraw(&a.name).to_owned()).chain(["variant_name".to_owned()]).collect();
    for accessor in &mut out {
        accessor.mut_name = accessor.mut_name.take().filter(|name| !taken.contains(name));
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
