//! Pass 7, generating less and naming what is left: in a spec with
//! operations, types no operation reaches are left out; then the
//! positional names of untagged unions are numbered again, so no gap shows
//! where a variant or a type went.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Operation, TypeId, TypeKind};

pub(super) fn run(api: &mut Api, inline: &BTreeSet<TypeId>) {
    drop_unreachable(api);
    renumber_variants(api, inline);
}

/// The named types an operation uses directly.
fn operation_refs(op: &Operation) -> impl Iterator<Item = TypeId> + '_ {
    let types = op.params.iter().map(|p| &p.ty).chain(op.body.iter().filter_map(|b| b.json_type()));
    types.chain(op.responses.iter().filter_map(|r| r.ty.as_ref())).filter_map(|t| t.named())
}

/// Drops the types no operation reaches (directly or through other types).
/// A spec without operations is a library of models: everything stays.
fn drop_unreachable(api: &mut Api) {
    if api.operations.is_empty() {
        return;
    }
    let mut stack: Vec<TypeId> = api.operations.iter().flat_map(operation_refs).collect();
    let mut reached = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if reached.insert(id) {
            if let Some(kind) = api.types.kind(id) {
                stack.extend(kind.refers_to());
            }
        }
    }
    api.types.retain(|id, _| reached.contains(&id));
}

/// Numbers the positional names of each untagged union again after merging
/// and dropping: its variants named `Variant0`, `Variant1`, ..., and its own
/// inline types `{Union}Variant0`, ... (those are renumbered together, or,
/// where a new name is taken, not at all). A type renamed keeps its id, so
/// what refers to it needs no change.
fn renumber_variants(api: &mut Api, inline: &BTreeSet<TypeId>) {
    let positional = |name: &str, prefix: &str| {
        name.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut plans: Vec<Vec<(TypeId, String)>> = Vec::new();
    let mut variant_names: Vec<(TypeId, Vec<String>)> = Vec::new();
    for (union, def) in api.types.in_name_order() {
        let TypeKind::Untagged(u) = &def.kind else { continue };
        let mut next = 0;
        let names = u
            .variants
            .iter()
            .map(|(variant, _)| {
                if positional(variant, "Variant") {
                    next += 1;
                    format!("Variant{}", next - 1)
                } else {
                    variant.clone()
                }
            })
            .collect();
        variant_names.push((union, names));
        let prefix = format!("{}Variant", def.name);
        let own = u
            .variants
            .iter()
            .filter_map(|(_, ty)| ty.named())
            .filter(|id| positional(api.types.name(*id), &prefix) && inline.contains(id));
        plans.push(own.enumerate().map(|(i, id)| (id, format!("{prefix}{i}"))).collect());
    }
    for (union, names) in variant_names {
        if let Some(TypeKind::Untagged(u)) = api.types.get_mut(union).map(|def| &mut def.kind) {
            u.variants.iter_mut().zip(names).for_each(|((variant, _), name)| *variant = name);
        }
    }
    let taken: BTreeMap<String, TypeId> = api.types.iter().map(|(id, def)| (def.name.clone(), id)).collect();
    for plan in plans {
        // A new name another type has (one not renamed by this plan) leaves the plan out.
        let free =
            plan.iter().all(|(_, new)| taken.get(new).is_none_or(|holder| plan.iter().any(|(id, _)| id == holder)));
        if free {
            for (id, new) in plan {
                if let Some(def) = api.types.get_mut(id) {
                    def.name = new;
                }
            }
        }
    }
}
