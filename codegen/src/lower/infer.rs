//! Unions the spec gives no discriminator, but whose variants still say who
//! they are: every variant is an object (or a union of objects) that fixes
//! one property to a value of its own (a one-value enum, as `use: sig` and
//! `use: enc` for JSON web keys).
//! Such a union is decoded like a discriminated one, by reading that property
//! first, with an `Unknown` variant for any other value. Of the rest, a union
//! of objects that each declare a property no other declares is decoded by
//! which of those properties the object has. Only what is left is tried in
//! order.

use std::collections::BTreeMap;

use super::Lower;
use crate::ir::{Extra, Field, Pick, Struct, TypeDef, TypeKind, TypeRef, Union, Untagged, Variant};
use crate::names::Scope;

/// Turns every untagged union that has a telling property into a union on it.
pub(super) fn tag_untagged(cx: &mut Lower<'_>) {
    let untagged: Vec<String> =
        cx.types.iter().filter(|(_, t)| matches!(t.kind, TypeKind::Untagged(_))).map(|(k, _)| k.clone()).collect();
    for name in untagged {
        let Some(TypeDef { kind: TypeKind::Untagged(u), origin, .. }) = cx.types.get(&name) else { continue };
        let Some((property, values)) = telling_property(&cx.types, &u.variants) else { continue };
        let origin = origin.clone();
        let mut scope = Scope::with_reserved(&[crate::names::reserved::UNKNOWN_VARIANT]);
        let variants = u
            .variants
            .iter()
            .zip(values)
            .filter_map(|((variant, ty), value)| {
                Some(Variant {
                    name: scope.claim(variant),
                    ty: ty.named()?.to_owned(),
                    defined_as: None,
                    discriminator: vec![value],
                })
            })
            .collect();
        let unknown = cx.scope.claim(&format!("Unknown{name}"));
        let own = Struct { fields: Vec::new(), extra: Extra::Keep, presets: Vec::new() };
        super::unions::insert_unknown(cx, &name, &unknown, own, &property, &origin, origin.clone());
        if let Some(def) = cx.types.get_mut(&name) {
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
    let TypeRef::Named(n) = &field.ty else { return None };
    match &types.get(n)?.kind {
        TypeKind::Enum(e) if e.values.len() == 1 => e.values.first().map(|(_, wire)| wire.clone()),
        _ => None,
    }
}

type Types = BTreeMap<String, TypeDef>;

/// The structs of a union's variants, when there are two or more and every
/// one is a struct. With `own_fields`, a variant that is itself a union counts
/// by the fields its schema declares next to its `oneOf` (those of its unknown
/// variant), which hold for every one of its variants.
fn object_variants<'t>(types: &'t Types, variants: &[(String, TypeRef)], own_fields: bool) -> Option<Vec<&'t Struct>> {
    let structs: Vec<&Struct> = variants
        .iter()
        .map(|(_, ty)| match &types.get(ty.named()?)?.kind {
            TypeKind::Struct(s) => Some(s),
            TypeKind::Union(u) if own_fields => match &types.get(&u.unknown)?.kind {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<_>>()?;
    (structs.len() > 1).then_some(structs)
}

/// Gives each untagged union of objects its marker properties, where every
/// variant but at most one has a property no other variant declares (a
/// required one preferred).
pub(super) fn mark_untagged(types: &mut Types) {
    let marked: Vec<(String, Pick)> = types
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Untagged(u) => Some((name.clone(), by_marker(types, u)?)),
            _ => None,
        })
        .collect();
    for (name, pick) in marked {
        if let Some(TypeDef { kind: TypeKind::Untagged(u), .. }) = types.get_mut(&name) {
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
