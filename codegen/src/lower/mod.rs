//! Stage 2: the OpenAPI document to the IR, as a sequence of passes over
//! one structure (`context::Lower`), each in its own file and entered once:
//! collect names, resolve references, lower schemas, one type per shape,
//! lower unions, lower operations, prune, box recursion. Problems become
//! located diagnostics.

mod collect;
mod context;
mod dedupe;
mod media;
mod ops;
mod prune;
mod recursion;
mod refs;
mod schemas;
mod unions;
mod view;

use std::collections::BTreeSet;

use openapiv3::OpenAPI;

use crate::diag::Diagnostics;
use crate::ir::{Api, TypeId, TypeKind};

use context::Lower;

/// Lowers a document; the diagnostics say what was tolerated or is wrong.
pub fn lower(spec: &OpenAPI) -> (Api, Diagnostics) {
    let mut cx = Lower::new(spec);
    collect::run(&mut cx);
    let mut sites = refs::run(&mut cx);
    schemas::run(&mut cx, &mut sites);
    dedupe::run(&mut cx, &mut sites);
    unions::run(&mut cx);
    let operations = ops::run(&mut cx, sites);
    let inline: BTreeSet<TypeId> = cx.inline.values().copied().collect();
    let title = spec.info.title.clone();
    let mut api = Api { title, types: std::mem::take(&mut cx.types), operations, secret_members: Vec::new() };
    prune::run(&mut api, &inline);
    recursion::run(&mut api);
    api.secret_members = secret_members(&api);
    (api, cx.diags)
}

/// The wire names of the secret fields of every type kept, sorted.
fn secret_members(api: &Api) -> Vec<String> {
    let fields = api.types.iter().filter_map(|(_, def)| match &def.kind {
        TypeKind::Struct(s) => Some(&s.fields),
        _ => None,
    });
    let names: BTreeSet<&str> = fields.flatten().filter(|f| f.ty.is_secret()).map(|f| f.wire.as_str()).collect();
    names.into_iter().map(str::to_owned).collect()
}
