//! Pass 1, collect names: which components are discriminated parents and
//! which are their children, the Rust name (and id) of every component that
//! becomes a named type, claimed before any inline type so those take the
//! suffixes, and the fixed values each union member's constructor sets.

use openapiv3::{ReferenceOr, Schema};

use super::context::{Lower, Parent, schema_ref};
use super::view::{View, discriminator_values};
use crate::diag::Pointer;

pub(super) fn run(cx: &mut Lower<'_>) {
    find_parents(cx);
    list_members(cx);
    name_components(cx);
    plan_presets(cx);
}

/// The components with a discriminator, and their children (the components
/// whose `allOf` names them): a child's shape depends on them.
fn find_parents(cx: &mut Lower<'_>) {
    let schemas: Vec<_> = cx.schemas().collect();
    for (name, schema) in &schemas {
        if let ReferenceOr::Item(s) = schema {
            if s.schema_data.discriminator.is_some() {
                cx.parents.insert(name, Parent::default());
            }
        }
    }
    for (name, schema) in &schemas {
        let ReferenceOr::Item(s) = schema else { continue };
        for member in View::of(s).all_of {
            if let ReferenceOr::Reference { reference } = member {
                if let Some(parent) = schema_ref(reference) {
                    if let Some(p) = cx.parents.get_mut(parent.as_str()) {
                        p.children.push((*name).to_owned());
                    }
                }
            }
        }
    }
}

/// Lists each parent's members.
fn list_members(cx: &mut Lower<'_>) {
    let parents: Vec<&str> = cx.parents.keys().copied().collect();
    for parent in parents {
        let Some(ReferenceOr::Item(schema)) = cx.component(parent) else { continue };
        let found = members(cx, parent, schema);
        if let Some(p) = cx.parents.get_mut(parent) {
            p.members = found;
        }
    }
}

/// Claims the Rust names of the components that become named types.
fn name_components(cx: &mut Lower<'_>) {
    let schemas: Vec<_> = cx.schemas().collect();
    for (name, schema) in schemas {
        if let ReferenceOr::Item(s) = schema {
            if cx.parents.contains_key(name) || View::of(s).is_composite() {
                let at = Pointer::root().join("components").join("schemas").join(name);
                let id = cx.reserve(&crate::names::type_name(name), &at);
                cx.components.insert(name, id);
            }
        }
    }
}

/// Decides which fixed values each union member's constructor sets: its
/// `x-okta-defined-as` key and its discriminator value. A member defined by
/// a property's absence sets nothing for it.
fn plan_presets(cx: &mut Lower<'_>) {
    let parents: Vec<String> = cx.parents.keys().map(|k| (*k).to_owned()).collect();
    for parent in parents {
        let Some(ReferenceOr::Item(schema)) = cx.component(&parent) else { continue };
        let Some(disc) = &schema.schema_data.discriminator else { continue };
        let members = cx.parents.get(parent.as_str()).map(|p| p.members.clone()).unwrap_or_default();
        for child in members {
            let defined = cx.defined_as(&child);
            let value = discriminator_values(disc, &child, defined.is_some()).into_iter().next();
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
            if let Some(name) = schema_ref(reference) {
                push(&name);
            }
        }
    }
    if listed.is_empty() {
        if let Some(disc) = &schema.schema_data.discriminator {
            for target in disc.mapping.values() {
                if let Some(name) = schema_ref(target) {
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
