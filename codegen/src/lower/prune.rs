//! Generating less: inline schemas that lower to the same type become one
//! type, and, in a spec with operations, types no operation reaches are left
//! out.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Operation, TypeDef, TypeKind, TypeRef};

/// Every named type `kind` refers to.
fn refs(kind: &TypeKind, out: &mut Vec<String>) {
    let mut push = |t: &TypeRef| {
        if let Some(n) = t.named() {
            out.push(n.to_owned());
        }
    };
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|f| push(&f.ty));
            if let crate::ir::Extra::Typed(t) = &s.extra {
                push(t);
            }
        }
        TypeKind::Union(u) => {
            u.variants.iter().for_each(|v| out.push(v.ty.clone()));
            out.push(u.unknown.clone());
        }
        TypeKind::Untagged(u) => u.variants.iter().for_each(|(_, t)| push(t)),
        TypeKind::Enum(_) => {}
    }
}

fn operation_refs(op: &Operation, out: &mut Vec<String>) {
    let types = op.params.iter().map(|p| &p.ty).chain(op.body.iter().filter_map(|b| b.json_type()));
    for t in types.chain(op.responses.iter().filter_map(|r| r.ty.as_ref())) {
        if let Some(n) = t.named() {
            out.push(n.to_owned());
        }
    }
}

/// Drops the types no operation reaches (directly or through other types).
/// A spec without operations is a library of models: everything stays.
pub fn drop_unreachable(api: &mut Api) -> usize {
    if api.operations.is_empty() {
        return 0;
    }
    let mut stack = Vec::new();
    api.operations.iter().for_each(|op| operation_refs(op, &mut stack));
    let mut reached = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if reached.insert(name.clone()) {
            if let Some(def) = api.types.get(&name) {
                refs(&def.kind, &mut stack);
            }
        }
    }
    let before = api.types.len();
    api.types.retain(|name, _| reached.contains(name));
    before - api.types.len()
}

fn rename(t: &mut TypeRef, map: &BTreeMap<String, String>) {
    match t {
        TypeRef::Named(n) | TypeRef::Boxed(n) => {
            if let Some(to) = map.get(n) {
                *n = to.clone();
            }
        }
        TypeRef::Vec(inner) | TypeRef::Map(inner) => rename(inner, map),
        _ => {}
    }
}

fn rename_all(api: &mut Api, map: &BTreeMap<String, String>) {
    for def in api.types.values_mut() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|f| rename(&mut f.ty, map));
                if let crate::ir::Extra::Typed(t) = &mut s.extra {
                    rename(t, map);
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    if let Some(to) = map.get(&v.ty) {
                        v.ty = to.clone();
                    }
                }
                u.accessors.iter_mut().for_each(|a| rename(&mut a.ty, map));
            }
            TypeKind::Untagged(u) => u.variants.iter_mut().for_each(|(_, t)| rename(t, map)),
            TypeKind::Enum(_) => {}
        }
    }
    for op in &mut api.operations {
        op.params.iter_mut().for_each(|p| rename(&mut p.ty, map));
        if let Some(crate::ir::BodyKind::Json(t)) = op.body.as_mut().map(|b| &mut b.kind) {
            rename(t, map);
        }
        op.responses.iter_mut().filter_map(|r| r.ty.as_mut()).for_each(|t| rename(t, map));
    }
}

/// What makes two inline types the same type: their shape, not their name,
/// place or documentation.
fn shape(def: &TypeDef) -> String {
    match &def.kind {
        TypeKind::Struct(s) => {
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| format!("{}:{}:{:?}:{}:{}", f.name, f.wire, f.ty, f.required, f.nullable))
                .collect();
            format!("struct {} {:?} {:?}", fields.join(","), s.extra, s.presets)
        }
        other => format!("{other:?}"),
    }
}

/// Merges inline types of the same shape into the first of them (by name),
/// until nothing changes. Returns how many types were merged away.
pub fn merge_inline_duplicates(api: &mut Api, inline: &BTreeSet<String>) -> usize {
    let mut merged = 0;
    loop {
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        let mut map = BTreeMap::new();
        for (name, def) in &api.types {
            if !inline.contains(name) || matches!(def.kind, TypeKind::Union(_)) {
                continue;
            }
            let key = shape(def);
            match first.get(&key) {
                Some(keep) => {
                    map.insert(name.clone(), keep.clone());
                }
                None => {
                    first.insert(key, name.clone());
                }
            }
        }
        if map.is_empty() {
            return merged;
        }
        merged += map.len();
        api.types.retain(|name, _| !map.contains_key(name));
        rename_all(api, &map);
    }
}

/// Leaves out the variants of an untagged union that have the type of an
/// earlier one (inline schemas merged into one type): tried in order, they
/// could never be chosen.
pub fn drop_repeated_variants(api: &mut Api) {
    for def in api.types.values_mut() {
        if let TypeKind::Untagged(u) = &mut def.kind {
            let mut seen = BTreeSet::new();
            u.variants.retain(|(_, ty)| seen.insert(ty.clone()));
        }
    }
}

/// Numbers the positional names of each untagged union again after merging
/// and dropping, so no gap shows where a variant was left out: its variants
/// named `Variant0`, `Variant1`, ..., and its own inline types
/// `{Union}Variant0`, ... (those are renumbered together, or, where a new
/// name is taken, not at all).
pub fn renumber_variants(api: &mut Api, inline: &BTreeSet<String>) {
    let positional = |name: &str, prefix: &str| {
        name.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut types = BTreeMap::new();
    for (union, def) in api.types.iter_mut() {
        let TypeKind::Untagged(u) = &mut def.kind else { continue };
        let mut next = 0;
        for (variant, _) in &mut u.variants {
            if positional(variant, "Variant") {
                *variant = format!("Variant{next}");
                next += 1;
            }
        }
        let prefix = format!("{union}Variant");
        let own: Vec<&str> = u
            .variants
            .iter()
            .filter_map(|(_, ty)| ty.named())
            .filter(|n| positional(n, &prefix) && inline.contains(*n))
            .collect();
        let plan: Vec<(String, String)> =
            own.iter().enumerate().map(|(i, old)| ((*old).to_owned(), format!("{prefix}{i}"))).collect();
        types.insert(union.clone(), plan);
    }
    let mut renames = BTreeMap::new();
    for plan in types.into_values() {
        let free = plan.iter().all(|(_, new)| plan.iter().any(|(old, _)| old == new) || !api.types.contains_key(new));
        if free {
            renames.extend(plan.into_iter().filter(|(old, new)| old != new));
        }
    }
    // Take every renamed type out before putting any back: names may swap.
    let moved: Vec<(String, TypeDef)> =
        renames.iter().filter_map(|(old, new)| Some((new.clone(), api.types.remove(old)?))).collect();
    for (new, mut def) in moved {
        def.name = new.clone();
        api.types.insert(new, def);
    }
    rename_all(api, &renames);
}
