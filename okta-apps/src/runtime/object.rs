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
//! - a `null` is read by the field's type, so only `Nullable` fields accept it;
//! - an undeclared property is kept (or, where the spec forbids any, an error);
//! - on encode, `None` fields are left out, declared ones come first in
//!   declaration order, then the kept ones; a kept property that has the name
//!   of a declared one is left out, since the field is where that value lives.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(KeySeed(T::FIELDS))? {
            match key {
                Key::Field(index) => {
                    if !seen.insert(index) {
                        return Err(de::Error::duplicate_field(T::FIELDS[index]));
                    }
                    value.read_field(index, &mut map)?;
                }
                Key::Other(key) => value.read_other(key, &mut map)?,
            }
        }
        Ok(value)
    }
}

/// Which declared properties were read. Models have far fewer than 256; past
/// that, a repeated property is not detected and the last one wins.
#[derive(Default)]
struct Seen([u64; 4]);

impl Seen {
    /// Marks `index`; false when it was marked already.
    fn insert(&mut self, index: usize) -> bool {
        let Some(word) = self.0.get_mut(index / 64) else { return true };
        let bit = 1u64 << (index % 64);
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }
}

/// A key, looked up among the declared names as it is read, so a known key
/// costs no allocation.
enum Key {
    Field(usize),
    Other(String),
}

struct KeySeed(&'static [&'static str]);

impl KeySeed {
    fn find(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|name| *name == key)
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

/// Reads a declared property: present means `Some`, and the value must be a
/// `T` (a `null` only where `T` is `Nullable`).
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(field: &mut Option<T>, map: &mut A) -> Result<(), A::Error> {
    *field = Some(map.next_value()?);
    Ok(())
}

/// Skips a value: what `read_field` does with an index it does not have,
/// which the map walk never passes.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Reads an undeclared property into the map that keeps them (any JSON
/// value, or the type the spec gives to further properties).
pub fn read_other<'de, A: MapAccess<'de>, M: OtherProperties>(
    other: &mut M,
    key: String,
    map: &mut A,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    other.insert(key, value);
    Ok(())
}

/// An undeclared property where the spec allows none.
pub fn deny_other<'de, A: MapAccess<'de>, T: Object>(key: String, _: &mut A) -> Result<(), A::Error> {
    Err(de::Error::unknown_field(&key, T::FIELDS))
}

/// Where a model keeps the properties it does not declare.
pub trait OtherProperties {
    /// The type of each value.
    type Value: DeserializeOwned;
    /// Keeps one (the last of a repeated name wins).
    fn insert(&mut self, key: String, value: Self::Value);
}

impl OtherProperties for serde_json::Map<String, serde_json::Value> {
    type Value = serde_json::Value;

    fn insert(&mut self, key: String, value: serde_json::Value) {
        serde_json::Map::insert(self, key, value);
    }
}

impl<V: DeserializeOwned> OtherProperties for std::collections::BTreeMap<String, V> {
    type Value = V;

    fn insert(&mut self, key: String, value: V) {
        std::collections::BTreeMap::insert(self, key, value);
    }
}

/// Writes a model as a JSON object: declared properties, then the kept ones.
/// The first error is kept and ends the writing, so each property is one
/// plain call in the generated code.
pub struct Writer<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Writer<M> {
    /// Starts the object.
    pub fn new<S>(serializer: S) -> Result<Self, S::Error>
    where
        S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>,
    {
        Ok(Self { map: serializer.serialize_map(None)?, error: None })
    }

    /// Writes a declared property, unless it is `None`.
    pub fn field<T: Serialize>(&mut self, key: &'static str, field: &Option<T>) {
        if let (None, Some(value)) = (&self.error, field) {
            self.error = self.map.serialize_entry(key, value).err();
        }
    }

    /// Writes the kept undeclared properties, leaving out any that has the
    /// name of a declared one (`declared`).
    pub fn other<'a, V: Serialize + 'a>(
        &mut self,
        other: impl IntoIterator<Item = (&'a String, &'a V)>,
        declared: &[&str],
    ) {
        for (key, value) in other {
            if self.error.is_some() {
                return;
            }
            if !declared.contains(&key.as_str()) {
                self.error = self.map.serialize_entry(key, value).err();
            }
        }
    }

    /// Ends the object, or gives the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// Implements [`Object`], `Deserialize` and `Serialize` for a generated
/// model: its fields with their wire names, in declaration order, and the
/// field that keeps undeclared properties (`..other`; left out where the spec
/// allows none).
///
/// ```
/// # use okta_apps::runtime::Nullable;
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Link {
///     pub href: Option<String>,
///     pub hints: Option<Nullable<String>>,
///     pub other: serde_json::Map<String, serde_json::Value>,
/// }
/// okta_apps::object_impls!(Link { href = "href", hints = "x-hints", ..other });
///
/// let text = r#"{"href":"https://a.example","x-hints":null,"title":"A"}"#;
/// let link: Link = serde_json::from_str(text)?;
/// assert_eq!(link.hints, Some(Nullable::Null));
/// assert_eq!(serde_json::to_string(&link)?, text);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! object_impls {
    ($name:ident { $($field:ident = $wire:literal),* $(,)? }) => {
        $crate::object_impls!(@impl $name { $($field = $wire),* });
    };
    ($name:ident { $($field:ident = $wire:literal,)* ..$other:ident $(,)? }) => {
        $crate::object_impls!(@impl $name { $($field = $wire),* } $other);
    };
    (@impl $name:ident { $($field:ident = $wire:literal),* } $($other:ident)?) => {
        impl $crate::runtime::object::Object for $name {
            const NAME: &'static str = ::std::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];

            fn empty() -> Self {
                Self {
                    $($field: ::std::option::Option::None,)*
                    $($other: ::std::default::Default::default(),)?
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
                        return $crate::runtime::object::read(&mut self.$field, map);
                    }
                )*
                let _ = index;
                $crate::runtime::object::skip(map)
            }

            fn read_other<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: ::std::string::String,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                $crate::object_impls!(@read_other self key map $($other)?)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::object::deserialize_object(deserializer)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut object = $crate::runtime::object::Writer::new(serializer)?;
                $(object.field($wire, &self.$field);)*
                $(object.other(&self.$other, <Self as $crate::runtime::object::Object>::FIELDS);)?
                object.end()
            }
        }
    };
    (@read_other $self:ident $key:ident $map:ident) => {
        $crate::runtime::object::deny_other::<A, Self>($key, $map)
    };
    (@read_other $self:ident $key:ident $map:ident $other:ident) => {
        $crate::runtime::object::read_other(&mut $self.$other, $key, $map)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Nullable;

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
    }

    crate::object_impls!(Closed { a = "a" });

    /// No declared property; further ones of one type.
    #[derive(Debug, Default, PartialEq)]
    struct Counts {
        more: std::collections::BTreeMap<String, u32>,
    }

    crate::object_impls!(Counts { ..more });

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
    fn null_where_not_nullable_is_an_error() {
        let err = decode(r#"{"bee":null}"#).expect_err("null");
        assert!(err.contains("null"), "{err}");
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
