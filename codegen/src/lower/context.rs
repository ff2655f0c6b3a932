//! The one structure every lowering pass works on: the spec, the types made
//! so far, the names claimed, and what earlier passes found, with the
//! lookups the passes share. It decides nothing itself.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::diag::{Diagnostics, Pointer};
use openapiv3::ParameterData;

use crate::ir::{Extra, FormPart, Method, ParamIn, Status, Struct, TypeDef, TypeId, TypeKind, TypeRef, Types};
use crate::names::Scope;

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

/// Where a component schema's refs lead: the component at the end of the
/// chain and its schema, or why there is none.
pub(crate) type Target<'a> = Result<(&'a str, &'a Schema), RefProblem>;

/// Why a `$ref` leads to no schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefProblem {
    /// Not a local schema ref.
    Unsupported,
    /// It names no schema.
    Missing,
    /// It leads back to itself.
    Cycle,
}

/// A schema an operation uses, to be lowered to a type.
pub(crate) struct Site<'a> {
    pub schema: SchemaRef<'a>,
    /// The name an inline type made of it takes.
    pub hint: String,
    pub at: Pointer,
    /// Its type, once the schemas pass has lowered it.
    pub ty: TypeRef,
}

impl<'a> Site<'a> {
    pub fn new(schema: SchemaRef<'a>, hint: String, at: Pointer) -> Self {
        Self { schema, hint, at, ty: TypeRef::Json }
    }
}

/// An operation, its refs followed.
pub(crate) struct OperationSite<'a> {
    pub path: &'a str,
    pub method: Method,
    pub op: &'a openapiv3::Operation,
    pub at: Pointer,
    /// The operationId, or one made from the method and path.
    pub id: String,
    pub params: Vec<ParamSite<'a>>,
    pub body: Option<BodySite<'a>>,
    pub responses: Vec<ResponseSite<'a>>,
}

/// A parameter the operation takes.
pub(crate) struct ParamSite<'a> {
    pub data: &'a ParameterData,
    pub location: ParamIn,
    /// Its schema; `None` for a parameter given by `content`, sent as a string.
    pub schema: Option<Site<'a>>,
}

/// A request body, in the media type it is sent in.
pub(crate) struct BodySite<'a> {
    pub media_type: String,
    pub required: bool,
    pub content: BodyContent<'a>,
}

/// What a request body holds.
pub(crate) enum BodyContent<'a> {
    /// A JSON value of the schema's type.
    Json(Site<'a>),
    /// `multipart/form-data` parts.
    Form(Vec<FormPart>),
    /// Bytes, in one of these media types.
    Bytes(Vec<String>),
}

/// A documented response.
pub(crate) struct ResponseSite<'a> {
    pub status: Status,
    pub response: &'a openapiv3::Response,
    /// Its JSON media type (empty for none given) and the schema there.
    pub json: Option<(&'a str, Option<Site<'a>>)>,
}

impl<'a> OperationSite<'a> {
    /// Its schemas that are lowered to types, in the order its request and
    /// answers list them: parameters, a JSON body, JSON responses.
    pub fn sites_mut(&mut self) -> impl Iterator<Item = &mut Site<'a>> {
        let params = self.params.iter_mut().filter_map(|p| p.schema.as_mut());
        let body = self.body.as_mut().and_then(|b| match &mut b.content {
            BodyContent::Json(site) => Some(site),
            BodyContent::Form(_) | BodyContent::Bytes(_) => None,
        });
        let responses = self.responses.iter_mut().filter_map(|r| r.json.as_mut().and_then(|(_, site)| site.as_mut()));
        params.chain(body).chain(responses)
    }
}

/// A discriminated parent: a schema with a `discriminator`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parent {
    /// Components whose `allOf` names the parent, in spec order.
    pub children: Vec<String>,
    /// Its variants: its `oneOf` refs, or its mapping targets and its
    /// children, each once.
    pub members: Vec<String>,
}

/// A discriminated union whose variants are left for the unions pass: its
/// type (a union without variants yet), and the schema it comes from.
pub(crate) struct PendingUnion<'a> {
    pub id: TypeId,
    pub component: Option<&'a str>,
    pub schema: &'a Schema,
    pub at: Pointer,
}

/// Lowering state.
pub(crate) struct Lower<'a> {
    pub spec: &'a OpenAPI,
    pub diags: Diagnostics,
    pub types: Types,
    /// The models module's type names.
    pub scope: Scope,
    /// The components that become named types, by name, in spec order.
    pub components: IndexMap<&'a str, TypeId>,
    /// Where each component schema's refs lead, by component name.
    pub targets: BTreeMap<&'a str, Target<'a>>,
    /// Components with a discriminator, by name.
    pub parents: BTreeMap<&'a str, Parent>,
    /// Fixed values a component's constructor sets, by component name.
    pub presets: BTreeMap<String, Vec<(String, String)>>,
    /// Inline types already named, by the node they came from.
    pub inline: BTreeMap<Pointer, TypeId>,
    /// Discriminated unions, in the order they were met.
    pub unions: Vec<PendingUnion<'a>>,
}

/// What every local schema ref starts with.
const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// The schema a `$ref` names in `components/schemas`, unescaped.
pub(crate) fn schema_ref(reference: &str) -> Option<String> {
    Pointer::component_ref(reference, "schemas")
}

impl<'a> Lower<'a> {
    pub fn new(spec: &'a OpenAPI) -> Self {
        Self {
            spec,
            diags: Diagnostics::default(),
            types: Types::default(),
            scope: Scope::default(),
            components: IndexMap::new(),
            targets: BTreeMap::new(),
            parents: BTreeMap::new(),
            presets: BTreeMap::new(),
            inline: BTreeMap::new(),
            unions: Vec::new(),
        }
    }

    /// The component schemas, in spec order.
    pub fn schemas(&self) -> impl Iterator<Item = (&'a str, &'a ReferenceOr<Schema>)> + use<'a> {
        self.spec.components.iter().flat_map(|c| c.schemas.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// A component schema by name.
    pub fn component(&self, name: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.spec.components.as_ref()?.schemas.get(name)
    }

    /// A component's `x-okta-defined-as` key: a property and its value,
    /// `None` for `null`.
    pub fn defined_as(&self, component: &str) -> Option<(String, Option<String>)> {
        match self.component(component)? {
            ReferenceOr::Item(s) => super::view::View::of(s).defined_as(),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// The schema `r` stands for, through the refs the references pass
    /// followed; a ref that leads nowhere is a located error, and `None`.
    pub fn resolve(&mut self, r: SchemaRef<'a>, at: &Pointer) -> Option<Resolved<'a>> {
        let reference = match r {
            SchemaRef::Inline(schema) => return Some(Resolved { component: None, schema, pointer: at.clone() }),
            SchemaRef::Ref(reference) => reference,
        };
        let target = match schema_ref(reference) {
            Some(name) => self.targets.get(name.as_str()).copied().unwrap_or(Err(RefProblem::Missing)),
            None => Err(RefProblem::Unsupported),
        };
        match target {
            Ok((component, schema)) => Some(Resolved {
                component: Some(component),
                schema,
                pointer: Pointer::root().join("components").join("schemas").join(component),
            }),
            Err(problem) => {
                let (kind, message) = match problem {
                    RefProblem::Unsupported => (
                        "unsupported-ref",
                        format!(
                            "`{reference}` is not a local schema ref (`{COMPONENT_PREFIX}Name`); treated as any JSON"
                        ),
                    ),
                    RefProblem::Missing => {
                        ("missing-ref", format!("`{reference}` names no schema; treated as any JSON"))
                    }
                    RefProblem::Cycle => ("ref-cycle", format!("`{reference}` refers to itself; treated as any JSON")),
                };
                self.diags.error(at, kind, message);
                None
            }
        }
    }

    /// Takes a new name in the models module and gives it an id, holding an
    /// empty struct until the type is lowered.
    pub fn reserve(&mut self, wanted: &str, origin: &Pointer) -> TypeId {
        let name = self.scope.claim(wanted);
        let placeholder = TypeKind::Struct(Struct { fields: Vec::new(), extra: Extra::Keep, presets: Vec::new() });
        self.types.insert(TypeDef { name, origin: origin.clone(), docs: None, kind: placeholder })
    }

    /// Gives a reserved type what it is.
    pub fn define(&mut self, id: TypeId, docs: Option<String>, kind: TypeKind) {
        if let Some(def) = self.types.get_mut(id) {
            def.docs = docs;
            def.kind = kind;
        }
    }

    /// The struct a type is, if it is one.
    pub fn struct_of(&self, id: TypeId) -> Option<&Struct> {
        match self.types.kind(id)? {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }
}
