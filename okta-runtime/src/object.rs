//! Encoding and decoding of the generated object models, written once.
//!
//! A generated struct says which properties it declares and how to read each
//! one ([`Object`]); the map walking, the key lookup, the duplicate check and
//! the handling of properties it does not declare live here. This keeps the
//! generated code to a line per property, which is what makes a crate of a
//! thousand models quick to compile, and it reads unknown properties straight
//! into their map instead of buffering them.
//!
//! The rules, for every model:
//! - every declared property is optional on the wire: absent stays `None`;
//! - a declared property present twice is an error;
//! - any property may be `null`, whatever the spec says, because real servers
//!   send `null` for settings they have no value for: a type that takes `null`
//!   (`Nullable`, any JSON) reads it; for any other the field stays `None` and
//!   the `null` is kept beside the fields ([`KeepNulls`]), to be written back
//!   in its place unless the caller sets the field;
//! - an undeclared property is kept (or, where the spec forbids any, an error);
//! - on encode, `None` fields are left out (or written as the `null` that was
//!   sent), declared ones come first in declaration order, then the kept ones;
//!   a kept property that has the name of a declared one is left out, since
//!   the field is where that value lives.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};

use super::nulls::NullOr;
pub use super::nulls::{KeepNulls, Nulls};
use serde::{Deserialize, Deserializer, Serialize};

mod write;
pub use write::Writer;

/// A generated model of a JSON object. Implemented by the generator, used by
/// [`deserialize_object`]; not meant to be implemented by hand.
pub trait Object: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The wire names of the declared properties; an index into this list
    /// names a field in [`Object::read_field`].
    const FIELDS: &'static [&'static str];

    /// The object with no property set (not even the fixed ones a
    /// constructor sets: decoding keeps what was sent, nothing more).
    fn empty() -> Self;

    /// Reads the value of the declared property `FIELDS[index]` into its field.
    fn read_field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error>;

    /// Reads the value of a property the type does not declare.
    fn read_other<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error>;
}

/// Decodes a JSON object as `T`: the body of a generated `Deserialize`.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::empty();
        read_members(&mut value, &mut Seen::default(), &mut map)?;
        Ok(value)
    }
}

/// Reads the members left in `map` into `value`; `seen` holds the declared
/// properties read already.
pub(super) fn read_members<'de, T: Object, A: MapAccess<'de>>(
    value: &mut T,
    seen: &mut Seen,
    map: &mut A,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key_seed(KeySeed(T::FIELDS))? {
        match key {
            Key::Field(index) => {
                if !seen.insert(index) {
                    return Err(de::Error::duplicate_field(T::FIELDS[index]));
                }
                value.read_field(index, map)?;
            }
            Key::Other(key) => value.read_other(key, map)?,
        }
    }
    Ok(())
}

/// Which declared properties were read. Models have far fewer than 256; past
/// that, a repeated property is not detected and the last one wins.
#[derive(Default)]
pub(super) struct Seen([u64; 4]);

impl Seen {
    /// Marks `index`; false when it was marked already.
    pub(super) fn insert(&mut self, index: usize) -> bool {
        let Some(word) = self.0.get_mut(index / 64) else { return true };
        let bit = 1u64 << (index % 64);
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }
}

/// A key, looked up among the declared names as it is read, so a known key
/// costs no allocation.
pub(super) enum Key {
    Field(usize),
    Other(String),
}

impl Key {
    /// The property's name.
    pub(super) fn name<'k>(&'k self, fields: &'static [&'static str]) -> &'k str {
        match self {
            Key::Field(index) => fields[*index],
            Key::Other(key) => key,
        }
    }

    /// Reads the property's value from `map` into `value`.
    pub(super) fn read<'de, T: Object, A: MapAccess<'de>>(&self, value: &mut T, map: &mut A) -> Result<(), A::Error> {
        match self {
            Key::Field(index) => value.read_field(*index, map),
            Key::Other(key) => value.read_other(key.clone(), map),
        }
    }
}

pub(super) struct KeySeed(pub(super) &'static [&'static str]);

impl KeySeed {
    fn find(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|name| *name == key)
    }

    /// The key of a name read already.
    pub(super) fn key(&self, name: std::borrow::Cow<'_, str>) -> Key {
        self.find(&name).map_or_else(|| Key::Other(name.into_owned()), Key::Field)
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(self.find(key).map_or_else(|| Key::Other(key.to_owned()), Key::Field))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key, E> {
        Ok(self.find(&key).map_or(Key::Other(key), Key::Field))
    }
}

/// Reads a declared property: a value must be a `T`; a `null` is read by `T`
/// where it takes one, and kept in `nulls` (the field staying `None`) where
/// it does not.
pub fn read<'de, A, T, K>(field: &mut Option<T>, key: &'static str, nulls: &mut K, map: &mut A) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
    K: KeepNulls + ?Sized,
{
    *field = match map.next_value_seed(NullOr(PhantomData))? {
        Some(value) => Some(value),
        None => {
            nulls.keep_null(key);
            None
        }
    };
    Ok(())
}

/// Skips a value: what `read_field` does with an index it does not have,
/// which the map walk never passes.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Reads an undeclared property into the map that keeps them (as JSON, or
/// of the type the spec gives to further properties); a `null` that type does
/// not take is kept there as a `null`.
pub fn read_other<'de, A, M>(other: &mut M, key: String, map: &mut A) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    M: OtherProperties,
{
    match map.next_value_seed(NullOr::<M::Value>(PhantomData))? {
        Some(value) => other.insert(key, value),
        None => other.keep_null(&key),
    }
    Ok(())
}

/// An undeclared property where the spec allows none.
pub fn deny_other<'de, A: MapAccess<'de>, T: Object>(key: String, _: &mut A) -> Result<(), A::Error> {
    Err(de::Error::unknown_field(&key, T::FIELDS))
}

/// Where a model keeps the properties it does not declare, and the `null`s
/// sent where a type takes none (for its declared properties too: a
/// [`KeepNulls`]).
pub trait OtherProperties: KeepNulls {
    /// The type of each value.
    type Value: DeserializeOwned + Serialize;
    /// Whether the values are any JSON, not of a type the spec gives.
    const UNTYPED: bool = false;
    /// Keeps one (the last of a repeated name wins).
    fn insert(&mut self, key: String, value: Self::Value);
    /// What it keeps, in order: a value, or `None` for a kept `null`.
    fn entries(&self) -> impl Iterator<Item = (&str, Option<&Self::Value>)>;
}

impl OtherProperties for serde_json::Map<String, serde_json::Value> {
    type Value = serde_json::Value;
    const UNTYPED: bool = true;

    fn insert(&mut self, key: String, value: serde_json::Value) {
        serde_json::Map::insert(self, key, value);
    }

    fn entries(&self) -> impl Iterator<Item = (&str, Option<&serde_json::Value>)> {
        self.iter().map(|(k, v)| (k.as_str(), Some(v)))
    }
}

/// Implements [`Object`], `Deserialize` and `Serialize` for a generated
/// model: its fields with their wire names, in declaration order, and where
/// it keeps what they do not hold:
///
/// - `..other`: a map of undeclared properties ([`OtherProperties`]: a
///   `serde_json::Map`, or a [`Map`](super::Map) of the type the spec
///   gives), which also keeps the `null`s sent for declared properties;
/// - `; nulls = field`: no undeclared property allowed; the `null`s in a [`Nulls`].
///
/// ```
/// # use okta_runtime::Nullable;
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Link {
///     pub href: Option<String>,
///     pub hints: Option<Nullable<String>>,
///     pub other: serde_json::Map<String, serde_json::Value>,
/// }
/// okta_runtime::object_impls!(Link { href = "href", hints = "x-hints", ..other });
///
/// // `hints` may be null by the spec; `href` is null anyway, and kept.
/// let text = r#"{"href":null,"x-hints":null,"title":"A"}"#;
/// let link: Link = serde_json::from_str(text)?;
/// assert_eq!((link.href.as_deref(), &link.hints), (None, &Some(Nullable::Null)));
/// assert_eq!(serde_json::to_string(&link)?, text);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! object_impls {
    ($name:ident { $($field:ident = $wire:literal $(as $any:ident)?,)* ..$other:ident $(,)? }) => {
        $crate::object_impls!(@impl $name { $($field = $wire $(as $any)?),* } $other [$other] []);
    };
    ($name:ident { $($field:ident = $wire:literal $(as $any:ident)?),* $(,)? ; nulls = $nulls:ident $(,)? }) => {
        $crate::object_impls!(@impl $name { $($field = $wire $(as $any)?),* } $nulls [] [$nulls]);
    };
    // A field marked `as any` holds JSON the spec gives no members for.
    (@write any $object:ident, $wire:literal, $field:expr, $store:expr) => {
        $object.free_form($wire, $field, $store)
    };
    (@write $object:ident, $wire:literal, $field:expr, $store:expr) => {
        $object.field($wire, $field, $store)
    };
    // `store` keeps the nulls of declared properties: the map of others, or
    // a `Nulls` of its own.
    (@impl $name:ident { $($field:ident = $wire:literal $(as $any:ident)?),* } $store:ident [$($other:ident)?] [$($nulls:ident)?]) => {
        impl $crate::object::Object for $name {
            const NAME: &'static str = ::std::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];

            fn empty() -> Self {
                Self {
                    $($field: ::std::option::Option::None,)*
                    $store: ::std::default::Default::default(),
                }
            }

            fn read_field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                index: usize,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                // The position of each field in `FIELDS`, counted by the compiler.
                #[allow(non_camel_case_types, dead_code)]
                enum Field { $($field),* }
                $(
                    if index == Field::$field as usize {
                        return $crate::object::read(&mut self.$field, $wire, &mut self.$store, map);
                    }
                )*
                let _ = index;
                $crate::object::skip(map)
            }

            fn read_other<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: ::std::string::String,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                $(return $crate::object::read_other(&mut self.$other, key, map);)?
                $(
                    let _ = &self.$nulls;
                    $crate::object::deny_other::<A, Self>(key, map)
                )?
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::object::deserialize_object(deserializer)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut object = $crate::object::Writer::new(serializer)?;
                $($crate::object_impls!(@write $($any)? object, $wire, &self.$field, &self.$store);)*
                $(object.other(&self.$other, <Self as $crate::object::Object>::FIELDS);)?
                object.end()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Nullable;

    /// What the generator writes for a model with one nullable and one
    /// renamed property, keeping the others.
    #[derive(Debug, Default, PartialEq)]
    struct S {
        a: Option<Nullable<String>>,
        b: Option<i64>,
        other: serde_json::Map<String, serde_json::Value>,
    }

    crate::object_impls!(S { a = "a", b = "bee", ..other });

    /// The same, where the spec allows no other property.
    #[derive(Debug, Default, PartialEq)]
    struct Closed {
        a: Option<String>,
        nulls: Nulls,
    }

    crate::object_impls!(Closed { a = "a"; nulls = nulls });

    /// One declared property; further ones of one type.
    #[derive(Debug, Default, PartialEq)]
    struct Counts {
        total: Option<u32>,
        more: crate::Map<u32>,
    }

    crate::object_impls!(Counts { total = "total", ..more });

    fn decode(text: &str) -> Result<S, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn null_absent_and_value_differ_and_come_back_as_sent() {
        for (text, a) in [
            (r#"{}"#, None),
            (r#"{"a":null}"#, Some(Nullable::Null)),
            (r#"{"a":"x"}"#, Some(Nullable::Value("x".to_owned()))),
        ] {
            let s = decode(text).expect("decodes");
            assert_eq!(s.a, a);
            assert_eq!(serde_json::to_string(&s).expect("encodes"), text);
        }
    }

    #[test]
    fn renamed_and_unknown_properties_round_trip_in_order() {
        // Declared properties first, in declaration order; then the others,
        // in the order their map keeps them.
        let text = r#"{"a":"x","bee":7,"alpha":true,"zeta":{"deep":[1,null]}}"#;
        let s = decode(text).expect("decodes");
        assert_eq!(s.b, Some(7));
        assert_eq!(s.other.len(), 2);
        assert_eq!(serde_json::to_string(&s).expect("encodes"), text);
        // The same from an already parsed value.
        let value: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(serde_json::from_value::<S>(value).expect("decodes"), s);
    }

    #[test]
    fn null_where_not_nullable_reads_as_unset_and_goes_back_in_its_place() {
        let text = r#"{"a":"x","bee":null,"z":1}"#;
        let mut s = decode(text).expect("decodes");
        assert_eq!(s.b, None);
        assert_eq!(serde_json::to_string(&s).expect("encodes"), text);
        // A value the caller sets is written instead.
        s.b = Some(2);
        assert_eq!(serde_json::to_string(&s).expect("encodes"), r#"{"a":"x","bee":2,"z":1}"#);
        // Absent stays absent.
        assert_eq!(serde_json::to_string(&decode(r#"{"a":"x"}"#).expect("decodes")).expect("encodes"), r#"{"a":"x"}"#);
    }

    #[test]
    fn strict_decoding_rejects_a_null_the_spec_does_not_allow() {
        let err = crate::nulls::strict::with(|| decode(r#"{"a":null,"bee":null}"#)).expect_err("strict");
        assert!(err.contains(crate::nulls::strict::NOT_NULLABLE), "{err}");
        // Only on this call: the next one is lenient again.
        assert!(decode(r#"{"bee":null}"#).is_ok());
    }

    #[test]
    fn closed_and_typed_models_keep_nulls_of_their_own() {
        let text = r#"{"a":null}"#;
        let closed: Closed = serde_json::from_str(text).expect("decodes");
        assert_eq!((closed.a.as_deref(), closed.nulls.iter().collect::<Vec<_>>()), (None, vec!["a"]));
        assert_eq!(serde_json::to_string(&closed).expect("encodes"), text);
        assert!(serde_json::from_str::<Closed>(r#"{"b":null}"#).is_err(), "still closed");

        let text = r#"{"total":null,"x":1,"y":null}"#;
        let mut counts: Counts = serde_json::from_str(text).expect("decodes");
        assert_eq!((counts.total, counts.more.len()), (None, 1));
        assert_eq!(serde_json::to_string(&counts).expect("encodes"), text);
        // Values the caller sets win over the kept nulls.
        counts.total = Some(3);
        counts.more.insert("y".to_owned(), 2);
        assert_eq!(serde_json::to_string(&counts).expect("encodes"), r#"{"total":3,"x":1,"y":2}"#);
        counts.more.nulls_mut().remove("total");
        counts.total = None;
        assert_eq!(serde_json::to_string(&counts).expect("encodes"), r#"{"x":1,"y":2}"#);
    }

    #[test]
    fn types_that_take_null_read_it_themselves() {
        #[derive(Debug, Default, PartialEq)]
        struct Any {
            json: Option<serde_json::Value>,
            other: serde_json::Map<String, serde_json::Value>,
        }
        crate::object_impls!(Any { json = "json", ..other });
        let any: Any = serde_json::from_str(r#"{"json":null}"#).expect("decodes");
        assert_eq!((any.json, any.other.len()), (Some(serde_json::Value::Null), 0));
    }

    #[test]
    fn a_null_item_of_a_typed_array_stays_an_error() {
        #[derive(Debug, Default, PartialEq)]
        struct List {
            items: Option<Vec<String>>,
            other: serde_json::Map<String, serde_json::Value>,
        }
        crate::object_impls!(List { items = "items", ..other });
        assert!(serde_json::from_str::<List>(r#"{"items":["a",null]}"#).is_err());
    }

    #[test]
    fn wrong_type_is_an_error() {
        assert!(decode(r#"{"a":1}"#).is_err());
        assert!(decode(r#"{"bee":"7"}"#).is_err());
    }

    #[test]
    fn a_repeated_property_is_an_error() {
        let err = decode(r#"{"bee":1,"bee":2}"#).expect_err("repeated");
        assert!(err.contains("duplicate field `bee`"), "{err}");
    }

    #[test]
    fn not_an_object_says_what_was_expected() {
        for text in ["[]", "1", "null", r#""s""#] {
            let err = decode(text).expect_err(text);
            assert!(err.contains("expected a JSON object (S)"), "{text}: {err}");
        }
    }

    #[test]
    fn a_kept_property_never_shadows_a_declared_one() {
        let mut s = decode(r#"{"bee":1}"#).expect("decodes");
        s.other.insert("bee".to_owned(), serde_json::json!(2));
        assert_eq!(serde_json::to_string(&s).expect("encodes"), r#"{"bee":1}"#);
    }

    #[test]
    fn a_closed_object_rejects_other_properties() {
        assert_eq!(serde_json::from_str::<Closed>(r#"{"a":"x"}"#).expect("decodes").a.as_deref(), Some("x"));
        let err = serde_json::from_str::<Closed>(r#"{"a":"x","b":1}"#).expect_err("closed").to_string();
        assert!(err.contains("unknown field `b`, expected `a`"), "{err}");
    }

    #[test]
    fn typed_other_properties_are_checked_and_kept() {
        let counts: Counts = serde_json::from_str(r#"{"b":2,"a":1}"#).expect("decodes");
        assert_eq!(counts.more.len(), 2);
        assert_eq!(counts.total, None);
        assert_eq!(serde_json::to_string(&counts).expect("encodes"), r#"{"a":1,"b":2}"#);
        assert!(serde_json::from_str::<Counts>(r#"{"a":"one"}"#).is_err());
    }

    #[test]
    fn the_first_write_error_is_the_result() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let s = decode(r#"{"a":"x","bee":1,"z":true}"#).expect("decodes");
        let err = serde_json::to_writer(Full, &s).expect_err("cannot write");
        assert!(err.to_string().contains("disk full"), "{err}");
    }

    #[test]
    fn many_fields_are_tracked_past_one_word() {
        let mut seen = Seen::default();
        assert!(seen.insert(0) && seen.insert(64) && seen.insert(255));
        assert!(!seen.insert(64) && !seen.insert(255));
        // Past the tracked range nothing is detected, and nothing fails.
        assert!(seen.insert(300) && seen.insert(300));
    }
}
