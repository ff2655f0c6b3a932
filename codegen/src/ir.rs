//! The intermediate representation: plain data that says everything the
//! emitter needs, with Rust names already chosen beside the wire names.

use std::collections::BTreeMap;

use crate::diag::Pointer;

/// A whole API, lowered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Api {
    /// The spec's title (`info.title`).
    pub title: String,
    /// Every named type, by id; the files list them in name order
    /// ([`Types::in_name_order`]), so output order never moves.
    pub types: Types,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// The wire names of every secret member (`format: password`,
    /// `x-okta-secret: true`), sorted, each once: what error views redact.
    pub secret_members: Vec<String>,
}

/// A named type's key in [`Types`]. Ids are handed out once and never
/// reused: a type renamed keeps its id, so nothing that refers to it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(u32);

impl std::fmt::Display for TypeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The named types of an API, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Types {
    defs: BTreeMap<TypeId, TypeDef>,
    next: u32,
}

/// What a type missing from the table is called: generated code that names
/// it does not compile, rather than the generator stopping.
const MISSING: &str = "MissingType";

impl Types {
    /// Adds a type under a new id.
    pub fn insert(&mut self, def: TypeDef) -> TypeId {
        let id = TypeId(self.next);
        self.next += 1;
        self.defs.insert(id, def);
        id
    }

    /// The type with this id.
    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.defs.get(&id)
    }

    /// The type with this id, to change.
    pub fn get_mut(&mut self, id: TypeId) -> Option<&mut TypeDef> {
        self.defs.get_mut(&id)
    }

    /// A type's Rust name.
    pub fn name(&self, id: TypeId) -> &str {
        self.defs.get(&id).map_or(MISSING, |def| def.name.as_str())
    }

    /// What kind of type it is.
    pub fn kind(&self, id: TypeId) -> Option<&TypeKind> {
        self.defs.get(&id).map(|def| &def.kind)
    }

    /// Keeps the types `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(TypeId, &TypeDef) -> bool) {
        self.defs.retain(|id, def| keep(*id, def));
    }

    /// Every type, by id (the order they were made in).
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.defs.iter().map(|(id, def)| (*id, def))
    }

    /// Every type, to change, by id.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (TypeId, &mut TypeDef)> {
        self.defs.iter_mut().map(|(id, def)| (*id, def))
    }

    /// Every type in Rust name order: the order of the models file.
    pub fn in_name_order(&self) -> Vec<(TypeId, &TypeDef)> {
        let mut defs: Vec<(TypeId, &TypeDef)> = self.iter().collect();
        defs.sort_by(|(_, a), (_, b)| a.name.cmp(&b.name));
        defs
    }

    /// How many types there are.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }
}

/// A named Rust type and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// The spec node it was made from.
    pub origin: Pointer,
    /// Its documentation, from the spec.
    pub docs: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// The kinds of named types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum; unknown values are kept.
    Enum(Enum),
    /// A union told apart by a property (discriminator, `x-okta-defined-as`).
    Union(Union),
    /// A union with no property to tell the variants apart: tried in order.
    Untagged(Untagged),
}

impl TypeKind {
    /// Every named type it refers to becomes the one `to` maps it to, if any.
    pub fn redirect(&mut self, to: &BTreeMap<TypeId, TypeId>) {
        let id = |id: &mut TypeId| {
            if let Some(target) = to.get(id) {
                *id = *target;
            }
        };
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|f| f.ty.redirect(to));
                if let Extra::Typed(t) = &mut s.extra {
                    t.redirect(to);
                }
            }
            TypeKind::Union(u) => {
                u.variants.iter_mut().for_each(|v| id(&mut v.ty));
                id(&mut u.unknown);
                u.accessors.iter_mut().for_each(|a| a.ty.redirect(to));
            }
            TypeKind::Untagged(u) => u.variants.iter_mut().for_each(|(_, t)| t.redirect(to)),
            TypeKind::Enum(_) => {}
        }
    }

    /// Every named type it refers to, in the order it lists them.
    pub fn refers_to(&self) -> Vec<TypeId> {
        match self {
            TypeKind::Struct(s) => {
                let extra = match &s.extra {
                    Extra::Typed(t) => t.named(),
                    Extra::Keep | Extra::Deny => None,
                };
                s.fields.iter().filter_map(|f| f.ty.named()).chain(extra).collect()
            }
            TypeKind::Union(u) => u.variants.iter().map(|v| v.ty).chain([u.unknown]).collect(),
            TypeKind::Untagged(u) => u.variants.iter().filter_map(|(_, t)| t.named()).collect(),
            TypeKind::Enum(_) => Vec::new(),
        }
    }
}

/// What a struct does with properties the spec does not list.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// Keeps them, as JSON (unknown fields survive a round trip).
    Keep,
    /// Keeps them, each typed (`additionalProperties: {schema}`).
    Typed(TypeRef),
    /// Rejects them (`additionalProperties: false`).
    Deny,
}

/// An object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Its properties, in spec order.
    pub fields: Vec<Field>,
    /// What happens to other properties.
    pub extra: Extra,
    /// Properties the constructor sets to a fixed value (a discriminator or
    /// an `x-okta-defined-as` key).
    pub presets: Vec<Preset>,
}

/// A fixed value a constructor sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    /// The property's wire name.
    pub wire: String,
    /// The value as written in the spec.
    pub value: String,
    /// How the value is written in Rust.
    pub kind: PresetKind,
}

/// How a preset value is written in Rust, decided by the type of its field.
#[derive(Debug, Clone, PartialEq)]
pub enum PresetKind {
    /// A `String` field.
    String,
    /// A `Secret` field.
    Secret,
    /// A field of any JSON: a JSON string.
    Json,
    /// A field of a string enum (the field's type): this variant, or
    /// `Unknown(value)` when the enum does not list the value.
    Enum(Option<String>),
    /// No such field: the value goes into the kept unknown properties.
    Extra,
}

/// A property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    /// Its type (without the `Option` every field has).
    pub ty: TypeRef,
    /// The spec requires it in requests: it is a constructor argument.
    pub required: bool,
    /// The server may send `null`: kept apart from absent.
    pub nullable: bool,
    /// Set by the server only.
    pub read_only: bool,
    /// Sent by clients only.
    pub write_only: bool,
    /// Its documentation.
    pub docs: Option<String>,
    /// The spec node.
    pub origin: Pointer,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// The known values, as (Rust variant, wire value), in spec order.
    pub values: Vec<(String, String)>,
}

/// A discriminated union.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The property whose value picks the variant (`signOnMode`).
    pub property: String,
    /// Variants, in the order they are documented.
    pub variants: Vec<Variant>,
    /// The struct holding anything no variant claims (the parent's own fields).
    pub unknown: TypeId,
    /// The variant (one of `variants`, by Rust name) that an object without
    /// `property`, or with it `null`, is: a member marked
    /// `x-okta-defined-as: {<property>: null}`. Without one, such an object
    /// is unknown.
    pub absent: Option<String>,
    /// Fields every variant and the unknown struct have with one type: each
    /// gets an accessor on the union.
    pub accessors: Vec<Accessor>,
}

/// A read accessor on a union for a field all its variants share.
#[derive(Debug, Clone, PartialEq)]
pub struct Accessor {
    /// The method name (the shared Rust field name).
    pub name: String,
    /// The field type, the same in every variant.
    pub ty: TypeRef,
    /// Its documentation.
    pub docs: Option<String>,
    /// Per variant (the unknown one last, named `Unknown`): whether the field is nullable there.
    pub nullable: Vec<(String, bool)>,
    /// The name of the method that reaches the field mutably (`label_mut`),
    /// when it has the same type in every variant (nullable in none) and
    /// the name is free.
    pub mut_name: Option<String>,
}

/// One variant of a discriminated union.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust variant name.
    pub name: String,
    /// The type it holds: a struct, or a union of its own.
    pub ty: TypeId,
    /// `x-okta-defined-as`: a property (`name`) with this value picks the
    /// variant, before the discriminator is looked at.
    pub defined_as: Option<DefinedAs>,
    /// Discriminator values that pick the variant (none for a variant known
    /// only by its `x-okta-defined-as` key).
    pub discriminator: Vec<String>,
}

/// An `x-okta-defined-as` key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DefinedAs {
    /// The property.
    pub property: String,
    /// Its value.
    pub value: String,
}

/// A union without a discriminator.
#[derive(Debug, Clone, PartialEq)]
pub struct Untagged {
    /// Variants as (Rust variant name, type).
    pub variants: Vec<(String, TypeRef)>,
    /// How a payload picks its variant.
    pub pick: Pick,
}

/// How an untagged union picks its variant.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// Each variant is tried in order; the first that decodes wins.
    InOrder,
    /// Every variant is an object: the first of `markers` (variant index, a
    /// property only that variant declares) that the object has picks its
    /// variant; `fallback` takes an object that has none.
    ByMarker {
        /// (variant index, property), in variant order.
        markers: Vec<(usize, String)>,
        /// The variant without a marker, else the first.
        fallback: usize,
    },
}

/// A reference to a type, as a field or item sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A string.
    String,
    /// A string that must never be printed (`format: password`, secrets).
    Secret,
    /// A `date-time`, kept as written.
    Timestamp,
    /// A boolean.
    Bool,
    /// `integer`, `int32`.
    I32,
    /// `integer`, `int64` or no format.
    I64,
    /// `number`, `float`.
    F32,
    /// `number`, `double` or no format.
    F64,
    /// Any JSON value.
    Json,
    /// Bytes as they are (a non-JSON, non-text response body).
    Bytes,
    /// A JSON object of anything.
    JsonObject,
    /// A named type.
    Named(TypeId),
    /// A named type behind a `Box` (it contains itself).
    Boxed(TypeId),
    /// An array.
    Vec(Box<TypeRef>),
    /// An object used as a map.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// Whether it is a secret, or a container of secrets.
    pub fn is_secret(&self) -> bool {
        match self {
            TypeRef::Secret => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.is_secret(),
            _ => false,
        }
    }

    /// Whether it holds JSON the spec gives no members for (any JSON, a
    /// free-form object, or a list or map of them): what a coverage report
    /// counts apart from typed members.
    pub fn is_free_form(&self) -> bool {
        match self {
            TypeRef::Json | TypeRef::JsonObject => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.is_free_form(),
            _ => false,
        }
    }

    /// The named type this refers to, if any, looking through containers.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => Some(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.named(),
            _ => None,
        }
    }

    /// Every named type it refers to becomes the one `to` maps it to, if any.
    pub fn redirect(&mut self, to: &BTreeMap<TypeId, TypeId>) {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => {
                if let Some(target) = to.get(id) {
                    *id = *target;
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.redirect(to),
            _ => {}
        }
    }
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Whether HTTP defines the method as idempotent (RFC 9110, 9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// An operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The request struct's name (`ListApplications`), unique among operations.
    pub type_name: String,
    /// The response enum's name (`ListApplicationsResponse`).
    pub response_name: String,
    /// The endpoint function's name on the crate's `Client`
    /// (`list_applications`), unique among them and clear of the client's
    /// own methods.
    pub method_name: String,
    /// The name of the builder the endpoint function returns
    /// (`ListApplicationsBuilder`), unique in the endpoints module.
    pub builder_name: String,
    /// The operationId as written.
    pub id: String,
    /// The HTTP method.
    pub method: Method,
    /// Sending it twice has the effect of sending it once (by its method, or
    /// as the spec says): a client may retry it after a transient failure.
    pub idempotent: bool,
    /// The path template, `/api/v1/apps/{appId}`.
    pub path: String,
    /// The OAuth 2.0 scopes an access token needs for it: those of its
    /// first security requirement that names an OAuth 2.0 or OpenID Connect
    /// scheme (its own, else the spec's), in spec order.
    pub scopes: Vec<String>,
    /// Summary and description.
    pub docs: Option<String>,
    /// Parameters: path, then query, then header, each in spec order.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// Documented responses, by status (`default` last).
    pub responses: Vec<Response>,
    /// Which of `responses` it answers when it succeeds: the first
    /// documented 2xx, if any.
    pub success: Option<usize>,
    /// The other documented 2xx responses whose body reads as the
    /// success's does (the same type, or none): a server that answers one
    /// of them for the other has succeeded all the same (Okta documents 201
    /// and answers 200 for some creates, 204 and 200 for some deletes).
    pub same_success: Vec<usize>,
    /// A list a client pages through: its success is an array, and it takes
    /// an `after` cursor or declares a `Link` header.
    pub paged: bool,
    /// What the request asks its success in (`Accept`).
    pub accept: Accept,
    /// The spec node.
    pub origin: Pointer,
}

/// What a request asks its success in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accept {
    /// JSON, the client's default.
    Json,
    /// These media types, for a success that is text or bytes only.
    Fixed(String),
    /// One of these, chosen by the caller (JSON first, then the other forms
    /// the success is documented in); the success is then any of them.
    Choice(Vec<String>),
}

impl Operation {
    /// Whether the success comes in more than one form (JSON or PKCS#10, ...):
    /// its value is then the whole response enum.
    pub fn success_in_forms(&self) -> bool {
        matches!(self.accept, Accept::Choice(_))
    }

    /// The response it answers when it succeeds.
    pub fn success_response(&self) -> Option<&Response> {
        self.responses.get(self.success?)
    }

    /// The type of each item of a page, for a paged list.
    pub fn page_item(&self) -> Option<&TypeRef> {
        match self.success_response()?.ty.as_ref()? {
            TypeRef::Vec(item) if self.paged => Some(item),
            _ => None,
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamIn {
    /// A path segment.
    Path,
    /// A query string pair.
    Query,
    /// A request header.
    Header,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name: the operation's field.
    pub name: String,
    /// The name of the endpoint builder's setter for it: the field's, or
    /// `set_` and the field's where the builder has a method of that name.
    pub setter: String,
    /// The name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamIn,
    /// Its type.
    pub ty: TypeRef,
    /// Required (path parameters always are).
    pub required: bool,
    /// Its documentation.
    pub docs: Option<String>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The media type sent, as the request's `Content-Type`.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// Whether the spec requires it.
    pub required: bool,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// A value of this type, as JSON.
    Json(TypeRef),
    /// Bytes the caller gives, sent as they are (a certificate, a file), in
    /// one of these media types (the first by default).
    Bytes(Vec<String>),
    /// `multipart/form-data` with these parts.
    Form(Vec<FormPart>),
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    /// The part's name.
    pub name: String,
    /// A file (`format: binary`), rather than text.
    pub file: bool,
    /// Whether the spec requires it.
    pub required: bool,
}

impl Body {
    /// The type of a JSON body.
    pub fn json_type(&self) -> Option<&TypeRef> {
        match &self.kind {
            BodyKind::Json(ty) => Some(ty),
            BodyKind::Bytes(_) | BodyKind::Form(_) => None,
        }
    }
}

/// A non-JSON form of a response body documented beside its JSON form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// Its media type.
    pub media_type: String,
    /// How it is read: text or bytes.
    pub encoding: Encoding,
    /// Its type: a string for text, bytes otherwise.
    pub ty: TypeRef,
    /// Its variant's name in the response enum (`CreatedPkcs10`).
    pub name: String,
}

/// How a response body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// JSON, into the response's type.
    Json,
    /// Text as it is (`text/*`, XML), into a `String`.
    Text,
    /// Bytes as they are (`application/pkcs10`, images), into a `Vec<u8>`.
    Bytes,
}

/// The status a response is documented for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// One status: `200`.
    Code(u16),
    /// A class: `4XX` is `Range(4)`.
    Range(u16),
    /// Any status not documented otherwise.
    Default,
}

impl Status {
    /// A 2xx status, or the 2XX class.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(class) => write!(f, "{class}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// A documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// `200`, `4XX`, or `default`.
    pub status: Status,
    /// Whether the spec declares a `Link` header on it.
    pub link_header: bool,
    /// Rust variant name for it.
    pub name: String,
    /// The body type; `None` for no body.
    pub ty: Option<TypeRef>,
    /// How the body is read.
    pub encoding: Encoding,
    /// The media types the spec documents for it.
    pub media_types: Vec<String>,
    /// Other forms of a JSON body the spec documents for the same status
    /// (a CSR as `application/pkcs10` beside its JSON), each a variant of its own.
    pub alternatives: Vec<Alternative>,
    /// Its description.
    pub docs: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef { name: name.to_owned(), origin: Pointer::root(), docs: None, kind }
    }

    fn empty() -> TypeKind {
        TypeKind::Struct(Struct { fields: Vec::new(), extra: Extra::Keep, presets: Vec::new() })
    }

    #[test]
    fn ids_survive_renames_and_merges_are_redirects() {
        let mut types = Types::default();
        let b = types.insert(def("B", empty()));
        let a = types.insert(def("A", empty()));
        let field = |ty| Field {
            name: "f".to_owned(),
            wire: "f".to_owned(),
            ty,
            required: false,
            nullable: false,
            read_only: false,
            write_only: false,
            docs: None,
            origin: Pointer::root(),
        };
        let holder = types.insert(def(
            "Holder",
            TypeKind::Struct(Struct {
                fields: vec![field(TypeRef::Vec(Box::new(TypeRef::Named(b))))],
                extra: Extra::Typed(TypeRef::Named(b)),
                presets: Vec::new(),
            }),
        ));
        let names: Vec<&str> = types.in_name_order().iter().map(|(_, d)| d.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "Holder"]);
        // A rename touches one name; what refers to the type still does.
        if let Some(d) = types.get_mut(b) {
            d.name = "Renamed".to_owned();
        }
        assert_eq!(types.kind(holder).map(TypeKind::refers_to), Some(vec![b, b]));
        // A merge redirects every reference, through containers too.
        let to = BTreeMap::from([(b, a)]);
        types.retain(|id, _| id != b);
        types.iter_mut().for_each(|(_, d)| d.kind.redirect(&to));
        assert_eq!(types.kind(holder).map(TypeKind::refers_to), Some(vec![a, a]));
        assert_eq!(types.name(b), MISSING);
        assert_eq!(types.len(), 2);
    }
}
