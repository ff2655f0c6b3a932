//! Recursive schemas: a struct that contains itself by value has no size, so
//! the edges that close a cycle are boxed.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, TypeKind, TypeRef};

/// Types a type holds by value (not behind a `Vec`, map or `Box`).
fn direct_edges(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| match &f.ty {
                TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| v.ty.clone()).chain([u.unknown.clone()]).collect(),
        TypeKind::Untagged(u) => u
            .variants
            .iter()
            .filter_map(|(_, t)| match t {
                TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

fn reaches(graph: &BTreeMap<String, Vec<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node.clone()) {
            stack.extend(graph.get(&node).into_iter().flatten().cloned());
        }
    }
    false
}

/// Boxes every struct field (and untagged variant) whose type leads back to
/// the type holding it.
pub fn box_cycles(api: &mut Api) {
    let graph: BTreeMap<String, Vec<String>> =
        api.types.iter().map(|(name, def)| (name.clone(), direct_edges(&def.kind))).collect();
    for (name, def) in api.types.iter_mut() {
        let close = |ty: &mut TypeRef| {
            if let TypeRef::Named(target) = ty {
                if reaches(&graph, target, name) {
                    *ty = TypeRef::Boxed(target.clone());
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
