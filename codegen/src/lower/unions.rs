//! Pass 5, lower unions. A discriminated union (a `discriminator`, members
//! keyed by `x-okta-defined-as`) gets its variants, its unknown variant's
//! struct is finished, and each member's constructor its fixed values. An
//! untagged union whose variants each fix one property to a value of their
//! own (a one-value enum, as `use: sig` and `use: enc` for JSON web keys)
//! becomes a union on that property, with an `Unknown` variant; of the
//! rest, a union of objects that each declare a property no other declares
//! is picked by which of those properties the object has. Only what is left
//! is tried in order. Last, every union gets accessors for the fields all
//! its variants share.

use openapiv3::ReferenceOr;

use super::context::{Lower, PendingUnion, schema_ref};
use super::view::{View, discriminator_values};
use crate::diag::Pointer;
use crate::ir::{
    Accessor, DefinedAs, Extra, Field, Pick, Preset, PresetKind, Struct, TypeId, TypeKind, TypeRef, Types, Union,
    Untagged, Variant,
};
use crate::names::reserved::{EXTRA_FIELD, NULLS_FIELD, UNKNOWN_VARIANT};
use crate::names::{self, Scope};

pub(super) fn run(cx: &mut Lower<'_>) {
    for pending in std::mem::take(&mut cx.unions) {
        fill_variants(cx, &pending);
    }
    resolve_presets(cx);
    tag_untagged(cx);
    fill_accessors(cx);
    mark_untagged(cx);
}

/// Gives a discriminated union its variants, and finishes the struct of its
/// unknown variant.
fn fill_variants<'a>(cx: &mut Lower<'a>, pending: &PendingUnion<'a>) {
    let PendingUnion { id, component, schema, at } = pending;
    let Some(disc) = &schema.schema_data.discriminator else { return };
    let name = cx.types.name(*id).to_owned();
    let view = View::of(schema);
    let mut member_names = match component {
        Some(c) => cx.parents.get(c).map(|p| p.members.clone()).unwrap_or_default(),
        None => view
            .one_of
            .iter()
            .chain(view.any_of)
            .filter_map(|m| match m {
                ReferenceOr::Reference { reference } => schema_ref(reference),
                ReferenceOr::Item(_) => None,
            })
            .collect(),
    };
    let mut scope = Scope::with_reserved(&[UNKNOWN_VARIANT]);
    let mut variants = Vec::new();
    let mut absent = None;
    // Variants keyed by `x-okta-defined-as` are checked first; list them first.
    member_names.sort_by_key(|m| cx.defined_as(m).is_none());
    for member in &member_names {
        let Some(ty) = cx.components.get(member.as_str()).copied() else {
            cx.diags.error(at, "union-member", format!("`{member}` is not an object schema; left out of the union"));
            continue;
        };
        let defined = cx.defined_as(member);
        let discriminator = discriminator_values(disc, member, defined.is_some());
        let type_name = cx.types.name(ty);
        let short = type_name.strip_suffix(&name).or_else(|| type_name.strip_prefix(&name)).filter(|s| !s.is_empty());
        let variant = scope.claim(short.unwrap_or(type_name));
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
        let target_name = schema_ref(target);
        let known = target_name.as_deref().is_some_and(|t| member_names.iter().any(|m| m == t));
        if target_name.is_some() && target_name.as_deref() == *component {
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
    let Some(TypeKind::Union(union)) = cx.types.get_mut(*id).map(|def| &mut def.kind) else { return };
    union.variants = variants;
    union.absent = absent;
    let unknown = union.unknown;
    finish_unknown(cx, &name, unknown, &disc.property_name, at.join("discriminator"));
}

/// Finishes the struct of union `union`'s unknown variant: its fields (the
/// parent's, if any) with the picking `property` as a nullable string,
/// keeping every other property.
fn finish_unknown(cx: &mut Lower<'_>, union: &str, unknown: TypeId, property: &str, property_origin: Pointer) {
    let Some(def) = cx.types.get_mut(unknown) else { return };
    def.docs = Some(format!("A `{union}` of a kind this crate does not know: every field is kept."));
    let TypeKind::Struct(own) = &mut def.kind else { return };
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
}

/// Gives each union member's struct its fixed values, typed by their fields
/// (an enum field needs its variants). A value no field can hold is left
/// out, with a warning. A member defined by a property's absence does not
/// take that property in its constructor.
fn resolve_presets(cx: &mut Lower<'_>) {
    let absent: Vec<(TypeId, String)> = cx
        .components
        .iter()
        .filter_map(|(component, id)| match cx.defined_as(component)? {
            (property, None) => Some((*id, property)),
            (_, Some(_)) => None,
        })
        .collect();
    for (id, property) in absent {
        if let Some(TypeKind::Struct(s)) = cx.types.get_mut(id).map(|def| &mut def.kind) {
            s.fields.iter_mut().filter(|f| f.wire == property).for_each(|f| f.required = false);
        }
    }
    let planned: Vec<(TypeId, Vec<(String, String)>)> = cx
        .presets
        .iter()
        .filter_map(|(schema, presets)| Some((*cx.components.get(schema.as_str())?, presets.clone())))
        .collect();
    for (id, planned) in planned {
        let Some(s) = cx.struct_of(id) else { continue };
        let origin = cx.types.get(id).map(|def| def.origin.clone()).unwrap_or_else(Pointer::root);
        let (mut resolved, mut unset) = (Vec::new(), Vec::new());
        for (wire, value) in planned {
            let kind = match s.fields.iter().find(|f| f.wire == wire).map(|f| &f.ty) {
                None if s.extra == Extra::Keep => Some(PresetKind::Extra),
                None => None,
                Some(TypeRef::String) => Some(PresetKind::String),
                Some(TypeRef::Secret) => Some(PresetKind::Secret),
                Some(TypeRef::Json) => Some(PresetKind::Json),
                Some(TypeRef::Named(ty)) => match cx.types.kind(*ty) {
                    Some(TypeKind::Enum(e)) => {
                        Some(PresetKind::Enum(e.values.iter().find(|(_, w)| *w == value).map(|(v, _)| v.clone())))
                    }
                    _ => None,
                },
                Some(_) => None,
            };
            match kind {
                Some(kind) => resolved.push(Preset { wire, value, kind }),
                None => {
                    unset.push(format!("`{wire}` cannot hold the string `{value}`; the constructor leaves it unset"))
                }
            }
        }
        for message in unset {
            cx.diags.warn(&origin, "preset-type", message);
        }
        if let Some(TypeKind::Struct(s)) = cx.types.get_mut(id).map(|def| &mut def.kind) {
            s.presets = resolved;
        }
    }
}

/// Turns every untagged union that has a telling property into a union on it.
fn tag_untagged(cx: &mut Lower<'_>) {
    let untagged: Vec<TypeId> = cx
        .types
        .in_name_order()
        .into_iter()
        .filter(|(_, def)| matches!(def.kind, TypeKind::Untagged(_)))
        .map(|(id, _)| id)
        .collect();
    for id in untagged {
        let Some(TypeKind::Untagged(u)) = cx.types.kind(id) else { continue };
        let Some((property, values)) = telling_property(&cx.types, &u.variants) else { continue };
        let mut scope = Scope::with_reserved(&[UNKNOWN_VARIANT]);
        let variants: Vec<Variant> = u
            .variants
            .iter()
            .zip(values)
            .filter_map(|((variant, ty), value)| {
                Some(Variant {
                    name: scope.claim(variant),
                    ty: ty.named()?,
                    defined_as: None,
                    discriminator: vec![value],
                })
            })
            .collect();
        let name = cx.types.name(id).to_owned();
        let origin = cx.types.get(id).map(|def| def.origin.clone()).unwrap_or_else(Pointer::root);
        let unknown = cx.reserve(&format!("Unknown{name}"), &origin);
        finish_unknown(cx, &name, unknown, &property, origin);
        if let Some(def) = cx.types.get_mut(id) {
            def.kind = TypeKind::Union(Union { property, variants, unknown, absent: None, accessors: Vec::new() });
        }
    }
}

/// A property every variant fixes to a value no other variant has: its wire
/// name and each variant's value, in variant order.
fn telling_property(types: &Types, variants: &[(String, TypeRef)]) -> Option<(String, Vec<String>)> {
    let structs = object_variants(types, variants, true)?;
    let first = structs.first()?;
    first.fields.iter().find_map(|candidate| {
        let values: Vec<String> = structs
            .iter()
            .map(|s| fixed_value(types, s.fields.iter().find(|f| f.wire == candidate.wire)?))
            .collect::<Option<_>>()?;
        let distinct = values.iter().enumerate().all(|(i, v)| !values[..i].contains(v));
        distinct.then(|| (candidate.wire.clone(), values))
    })
}

/// The one value a field can hold: a one-value string enum.
fn fixed_value(types: &Types, field: &Field) -> Option<String> {
    let TypeRef::Named(id) = &field.ty else { return None };
    match types.kind(*id)? {
        TypeKind::Enum(e) if e.values.len() == 1 => e.values.first().map(|(_, wire)| wire.clone()),
        _ => None,
    }
}

/// The structs of a union's variants, when there are two or more and every
/// one is a struct. With `own_fields`, a variant that is itself a union counts
/// by the fields its schema declares next to its `oneOf` (those of its unknown
/// variant), which hold for every one of its variants.
fn object_variants<'t>(types: &'t Types, variants: &[(String, TypeRef)], own_fields: bool) -> Option<Vec<&'t Struct>> {
    let structs: Vec<&Struct> = variants
        .iter()
        .map(|(_, ty)| match types.kind(ty.named()?)? {
            TypeKind::Struct(s) => Some(s),
            TypeKind::Union(u) if own_fields => match types.kind(u.unknown)? {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<_>>()?;
    (structs.len() > 1).then_some(structs)
}

/// Gives each union its accessors.
fn fill_accessors(cx: &mut Lower<'_>) {
    let unions: Vec<TypeId> =
        cx.types.iter().filter(|(_, def)| matches!(def.kind, TypeKind::Union(_))).map(|(id, _)| id).collect();
    for id in unions {
        let Some(TypeKind::Union(u)) = cx.types.kind(id) else { continue };
        let Some(unknown) = cx.struct_of(u.unknown) else { continue };
        let found = accessors(cx, &u.variants, unknown);
        if let Some(TypeKind::Union(u)) = cx.types.get_mut(id).map(|def| &mut def.kind) {
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
            let Some(found) = cx.struct_of(v.ty).and_then(|s| s.fields.iter().find(|f| f.wire == field.wire)) else {
                continue 'field;
            };
            if found.ty != field.ty || found.name != field.name {
                continue 'field;
            }
            nullable.push((v.name.clone(), found.nullable));
        }
        nullable.push((UNKNOWN_VARIANT.to_owned(), field.nullable));
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

/// Gives each untagged union of objects its marker properties, where every
/// variant but at most one has a property no other variant declares (a
/// required one preferred).
fn mark_untagged(cx: &mut Lower<'_>) {
    let marked: Vec<(TypeId, Pick)> = cx
        .types
        .iter()
        .filter_map(|(id, def)| match &def.kind {
            TypeKind::Untagged(u) => Some((id, by_marker(&cx.types, u)?)),
            _ => None,
        })
        .collect();
    for (id, pick) in marked {
        if let Some(TypeKind::Untagged(u)) = cx.types.get_mut(id).map(|def| &mut def.kind) {
            u.pick = pick;
        }
    }
}

fn by_marker(types: &Types, u: &Untagged) -> Option<Pick> {
    // A nested union's own fields do not list its variants' properties, so
    // they cannot show that a property is declared by nothing else.
    let structs = object_variants(types, &u.variants, false)?;
    let declared_elsewhere = |i: usize, wire: &str| {
        structs.iter().enumerate().any(|(j, s)| j != i && s.fields.iter().any(|f| f.wire == wire))
    };
    let mut markers = Vec::new();
    let mut unmarked = Vec::new();
    for (i, s) in structs.iter().enumerate() {
        let unique = || s.fields.iter().filter(|f| !declared_elsewhere(i, &f.wire));
        match unique().find(|f| f.required).or_else(|| unique().next()) {
            Some(f) => markers.push((i, f.wire.clone())),
            None => unmarked.push(i),
        }
    }
    match unmarked[..] {
        [] => Some(Pick::ByMarker { markers, fallback: 0 }),
        [fallback] => Some(Pick::ByMarker { markers, fallback }),
        _ => None,
    }
}
