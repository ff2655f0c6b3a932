//! A uniform view of a schema node: openapiv3 spreads the same facts over
//! `Type`, `AnySchema` and the combinator kinds; lowering reads them here.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

/// The JSON type a schema declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    /// No `type` (or one this generator does not know).
    Unspecified,
}

/// The facts of one schema node that lowering needs.
pub struct View<'a> {
    pub data: &'a SchemaData,
    pub kind: Kind,
    pub format: Option<String>,
    pub pattern: Option<String>,
    pub enumeration: Vec<Value>,
    pub properties: Vec<(&'a str, &'a ReferenceOr<Box<Schema>>)>,
    pub required: Vec<&'a str>,
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub all_of: &'a [ReferenceOr<Schema>],
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
}

fn format_of<T: std::fmt::Debug>(
    format: &VariantOrUnknownOrEmpty<T>,
    name: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(name(item).to_owned()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'a> View<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        let mut view = View {
            data: &schema.schema_data,
            kind: Kind::Unspecified,
            format: None,
            pattern: None,
            enumeration: Vec::new(),
            properties: Vec::new(),
            required: Vec::new(),
            additional: None,
            items: None,
            all_of: &[],
            one_of: &[],
            any_of: &[],
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.kind = Kind::String;
                view.format = format_of(&s.format, |f| match f {
                    openapiv3::StringFormat::Date => "date",
                    openapiv3::StringFormat::DateTime => "date-time",
                    openapiv3::StringFormat::Password => "password",
                    openapiv3::StringFormat::Byte => "byte",
                    openapiv3::StringFormat::Binary => "binary",
                });
                view.enumeration = s.enumeration.iter().map(|v| v.clone().map_or(Value::Null, Value::String)).collect();
                view.pattern = s.pattern.clone();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.kind = Kind::Integer;
                view.format = format_of(&i.format, |f| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                });
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.kind = Kind::Number;
                view.format = format_of(&n.format, |f| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                });
            }
            SchemaKind::Type(Type::Boolean(_)) => view.kind = Kind::Boolean,
            SchemaKind::Type(Type::Object(o)) => {
                view.kind = Kind::Object;
                view.properties = o.properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
                view.required = o.required.iter().map(String::as_str).collect();
                view.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.kind = Kind::Array;
                view.items = a.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                view.kind = match any.typ.as_deref() {
                    Some("string") => Kind::String,
                    Some("integer") => Kind::Integer,
                    Some("number") => Kind::Number,
                    Some("boolean") => Kind::Boolean,
                    Some("object") => Kind::Object,
                    Some("array") => Kind::Array,
                    _ if !any.properties.is_empty() || any.additional_properties.is_some() => Kind::Object,
                    _ if any.items.is_some() => Kind::Array,
                    _ => Kind::Unspecified,
                };
                view.format = any.format.clone();
                view.pattern = any.pattern.clone();
                view.enumeration = any.enumeration.clone();
                view.properties = any.properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
                view.required = any.required.iter().map(String::as_str).collect();
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.all_of = &any.all_of;
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
            }
        }
        view
    }

    /// Whether this node describes an object with fields (itself, not through allOf).
    pub fn has_properties(&self) -> bool {
        !self.properties.is_empty()
    }

    /// Whether lowering this node needs a named type of its own.
    pub fn is_composite(&self) -> bool {
        self.has_properties()
            || !self.all_of.is_empty()
            || !self.one_of.is_empty()
            || !self.any_of.is_empty()
            || (self.kind == Kind::String && !self.enumeration.is_empty())
    }

    /// The `x-okta-defined-as` key, as (property, value): a string value, or
    /// `None` for `null` (the member an object without the property is).
    pub fn defined_as(&self) -> Option<(String, Option<String>)> {
        let ext = self.data.extensions.get("x-okta-defined-as")?.as_object()?;
        let (k, v) = ext.iter().next()?;
        match v {
            serde_json::Value::Null => Some((k.clone(), None)),
            v => Some((k.clone(), Some(v.as_str()?.to_owned()))),
        }
    }
}

/// The discriminator values naming `component`: the mapping's, else its
/// name, unless it is keyed by `x-okta-defined-as` instead.
pub fn discriminator_values(disc: &openapiv3::Discriminator, component: &str, keyed: bool) -> Vec<String> {
    let names_it = |t: &String| super::context::schema_ref(t).as_deref() == Some(component) || t.as_str() == component;
    let mapped: Vec<String> = disc.mapping.iter().filter(|(_, t)| names_it(t)).map(|(k, _)| k.clone()).collect();
    if mapped.is_empty() && !keyed { vec![component.to_owned()] } else { mapped }
}
