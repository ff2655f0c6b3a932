//! Stage 2: the OpenAPI document to the IR. Refs are resolved, `allOf` merged,
//! inline schemas named, discriminators and `x-okta-defined-as` turned into
//! unions, operations normalised. Problems become located diagnostics.

mod infer;
mod ops;
mod prune;
mod recursion;
mod schema;
mod unions;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::diag::{Diagnostics, Pointer};
use crate::ir::{Api, TypeDef};
use crate::names::Scope;

use view::View;

/// Lowers a document; the diagnostics say what was tolerated or is wrong.
pub fn lower(spec: &OpenAPI) -> (Api, Diagnostics) {
    let mut cx = Lower::new(spec);
    cx.find_parents();
    cx.name_components();
    unions::plan_presets(&mut cx);
    cx.lower_components();
    unions::resolve_presets(&mut cx);
    let operations = ops::lower_operations(&mut cx);
    // Once every type is lowered, inline ones in operations included.
    infer::tag_untagged(&mut cx);
    unions::fill_accessors(&mut cx);
    let title = cx.spec.info.title.clone();
    let mut api = Api { title, types: std::mem::take(&mut cx.types), operations, secret_members: Vec::new() };
    let inline: std::collections::BTreeSet<String> = cx.inline.values().cloned().collect();
    prune::merge_inline_duplicates(&mut api, &inline);
    prune::drop_repeated_variants(&mut api);
    infer::mark_untagged(&mut api.types);
    prune::drop_unreachable(&mut api);
    prune::renumber_variants(&mut api, &inline);
    recursion::box_cycles(&mut api);
    api.secret_members = secret_members(&api);
    (api, cx.diags)
}

/// The wire names of the secret fields of every type kept, sorted.
fn secret_members(api: &Api) -> Vec<String> {
    let fields = api.types.values().filter_map(|t| match &t.kind {
        crate::ir::TypeKind::Struct(s) => Some(&s.fields),
        _ => None,
    });
    let names: BTreeSet<&str> = fields.flatten().filter(|f| f.ty.is_secret()).map(|f| f.wire.as_str()).collect();
    names.into_iter().map(str::to_owned).collect()
}

/// A schema reached from somewhere: by reference or written in place.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// A schema found by following refs: its component name (if it is one), the
/// node, and where it is.
pub(crate) struct Resolved<'a> {
    pub component: Option<&'a str>,
    pub schema: &'a Schema,
    pub pointer: Pointer,
}

/// A discriminated parent: a schema with a `discriminator`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parent {
    /// Components whose `allOf` names the parent, in spec order.
    pub children: Vec<String>,
}

/// Lowering state.
pub(crate) struct Lower<'a> {
    pub spec: &'a OpenAPI,
    pub diags: Diagnostics,
    pub types: BTreeMap<String, TypeDef>,
    pub scope: Scope,
    /// Rust names of the components that become named types.
    pub components: IndexMap<&'a str, String>,
    /// Components with a discriminator, by name.
    pub parents: BTreeMap<&'a str, Parent>,
    /// Fixed values a component's constructor sets, by component name.
    pub presets: BTreeMap<String, Vec<(String, String)>>,
    /// Inline types already named, by the node they came from.
    pub inline: BTreeMap<Pointer, String>,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// The schema a `$ref` names in `components/schemas`, unescaped.
fn schema_ref(reference: &str) -> Option<String> {
    Pointer::component_ref(reference, "schemas")
}

impl<'a> Lower<'a> {
    fn new(spec: &'a OpenAPI) -> Self {
        Self {
            spec,
            diags: Diagnostics::default(),
            types: BTreeMap::new(),
            scope: Scope::default(),
            components: IndexMap::new(),
            parents: BTreeMap::new(),
            presets: BTreeMap::new(),
            inline: BTreeMap::new(),
        }
    }

    /// The component schemas, in spec order.
    pub fn schemas(&self) -> impl Iterator<Item = (&'a str, &'a ReferenceOr<Schema>)> + use<'a> {
        self.spec.components.iter().flat_map(|c| c.schemas.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// Follows a ref (and refs to refs) to a component schema.
    pub fn resolve(&mut self, r: SchemaRef<'a>, at: &Pointer) -> Option<Resolved<'a>> {
        let mut current = r;
        let mut seen = BTreeSet::new();
        let mut component = None;
        let mut pointer = at.clone();
        loop {
            match current {
                SchemaRef::Inline(schema) => return Some(Resolved { component, schema, pointer }),
                SchemaRef::Ref(reference) => {
                    let Some(name) = schema_ref(reference) else {
                        self.diags.error(
                            at,
                            "unsupported-ref",
                            format!("`{reference}` is not a local schema ref (`{COMPONENT_PREFIX}Name`); treated as any JSON"),
                        );
                        return None;
                    };
                    let Some((key, target)) =
                        self.spec.components.as_ref().and_then(|c| c.schemas.get_key_value(name.as_str()))
                    else {
                        self.diags.error(
                            at,
                            "missing-ref",
                            format!("`{reference}` names no schema; treated as any JSON"),
                        );
                        return None;
                    };
                    if !seen.insert(key.as_str()) {
                        self.diags.error(
                            at,
                            "ref-cycle",
                            format!("`{reference}` refers to itself; treated as any JSON"),
                        );
                        return None;
                    }
                    component = Some(key.as_str());
                    pointer = Pointer::root().join("components").join("schemas").join(key);
                    current = target.into();
                }
            }
        }
    }

    /// The components with a discriminator, and their children (the
    /// components whose `allOf` names them): a child's shape depends on them.
    fn find_parents(&mut self) {
        let schemas: Vec<_> = self.schemas().collect();
        for (name, schema) in &schemas {
            if let ReferenceOr::Item(s) = schema {
                if s.schema_data.discriminator.is_some() {
                    self.parents.insert(name, Parent::default());
                }
            }
        }
        for (name, schema) in &schemas {
            let ReferenceOr::Item(s) = schema else { continue };
            for member in View::of(s).all_of {
                if let ReferenceOr::Reference { reference } = member {
                    if let Some(parent) = schema_ref(reference) {
                        if let Some(p) = self.parents.get_mut(parent.as_str()) {
                            p.children.push((*name).to_owned());
                        }
                    }
                }
            }
        }
    }

    /// Claims the Rust names of the components that become named types,
    /// before any inline type, so those take the suffixes.
    fn name_components(&mut self) {
        let schemas: Vec<_> = self.schemas().collect();
        for (name, schema) in schemas {
            if let ReferenceOr::Item(s) = schema {
                if self.parents.contains_key(name) || View::of(s).is_composite() {
                    let rust = self.scope.claim(&crate::names::type_name(name));
                    self.components.insert(name, rust);
                }
            }
        }
    }

    /// Lowers each named component, and the inline types it holds.
    fn lower_components(&mut self) {
        let schemas: Vec<_> = self.schemas().collect();
        for (name, schema) in schemas {
            let Some(rust) = self.components.get(name).cloned() else { continue };
            let ReferenceOr::Item(s) = schema else { continue };
            let pointer = Pointer::root().join("components").join("schemas").join(name);
            schema::lower_named(self, &rust, Some(name), s, &pointer);
        }
    }
}
