//! Pass 8, recursive types: a struct that contains itself by value has no
//! size, so the edges that close a cycle are boxed.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, TypeId, TypeKind, TypeRef};

/// Types a type holds by value (not behind a `Vec`, map or `Box`).
fn direct_edges(kind: &TypeKind) -> Vec<TypeId> {
    let by_value = |t: &TypeRef| match t {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    };
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| by_value(&f.ty)).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| v.ty).chain([u.unknown]).collect(),
        TypeKind::Untagged(u) => u.variants.iter().filter_map(|(_, t)| by_value(t)).collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

fn reaches(graph: &BTreeMap<TypeId, Vec<TypeId>>, from: TypeId, to: TypeId) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node) {
            stack.extend(graph.get(&node).into_iter().flatten().copied());
        }
    }
    false
}

/// Boxes every struct field (and untagged variant) whose type leads back to
/// the type holding it.
pub(super) fn run(api: &mut Api) {
    let graph: BTreeMap<TypeId, Vec<TypeId>> =
        api.types.iter().map(|(id, def)| (id, direct_edges(&def.kind))).collect();
    for (id, def) in api.types.iter_mut() {
        let close = |ty: &mut TypeRef| {
            if let TypeRef::Named(target) = ty {
                if reaches(&graph, *target, id) {
                    *ty = TypeRef::Boxed(*target);
                }
            }
        };
        match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| close(&mut f.ty)),
            TypeKind::Untagged(u) => u.variants.iter_mut().for_each(|(_, t)| close(t)),
            TypeKind::Union(_) | TypeKind::Enum(_) => {}
        }
    }
}
