//! Pass 4, one type per shape: inline schemas that lower to the same type
//! become one type, and an untagged union lists each type once.

use std::collections::{BTreeMap, BTreeSet};

use super::context::{Lower, OperationSite};
use crate::ir::{TypeDef, TypeId, TypeKind};

pub(super) fn run(cx: &mut Lower<'_>, operations: &mut [OperationSite<'_>]) {
    merge_inline_duplicates(cx, operations);
    drop_repeated_variants(cx);
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

/// Merges inline types of the same shape into the first of them by name,
/// until nothing changes (a merge can make two more types the same).
fn merge_inline_duplicates(cx: &mut Lower<'_>, operations: &mut [OperationSite<'_>]) {
    let inline: BTreeSet<TypeId> = cx.inline.values().copied().collect();
    loop {
        let mut first: BTreeMap<String, TypeId> = BTreeMap::new();
        let mut to: BTreeMap<TypeId, TypeId> = BTreeMap::new();
        for (id, def) in cx.types.in_name_order() {
            if !inline.contains(&id) || matches!(def.kind, TypeKind::Union(_)) {
                continue;
            }
            match first.get(&shape(def)) {
                Some(keep) => {
                    to.insert(id, *keep);
                }
                None => {
                    first.insert(shape(def), id);
                }
            }
        }
        if to.is_empty() {
            return;
        }
        cx.types.retain(|id, _| !to.contains_key(&id));
        cx.types.iter_mut().for_each(|(_, def)| def.kind.redirect(&to));
        for op in operations.iter_mut() {
            op.sites_mut().for_each(|site| site.ty.redirect(&to));
        }
    }
}

/// Leaves out the variants of an untagged union that have the type of an
/// earlier one (inline schemas merged into one type): tried in order, they
/// could never be chosen.
fn drop_repeated_variants(cx: &mut Lower<'_>) {
    for (_, def) in cx.types.iter_mut() {
        if let TypeKind::Untagged(u) = &mut def.kind {
            let mut seen = BTreeSet::new();
            u.variants.retain(|(_, ty)| seen.insert(ty.clone()));
        }
    }
}
