//! How a `null` is read where the spec does not allow one: probed against
//! the field's type, kept beside the fields ([`KeepNulls`]) when the type
//! cannot hold it, and an error again only under strict decoding, which is
//! how [`super::nulls_outside_spec`] finds them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Visitor};
use serde::{Deserialize, Deserializer};

/// Where a model keeps the `null`s sent for properties whose type does not
/// take `null`, so that they go back as they came.
pub trait KeepNulls {
    /// Keeps a `null` sent for `key`.
    fn keep_null(&mut self, key: &str);
    /// Whether a `null` was kept for `key`.
    fn is_null(&self, key: &str) -> bool;
}

/// A model that keeps its undeclared properties as JSON keeps these `null`s
/// among them: the map holds what the typed fields do not.
impl KeepNulls for serde_json::Map<String, serde_json::Value> {
    fn keep_null(&mut self, key: &str) {
        self.insert(key.to_owned(), serde_json::Value::Null);
    }

    fn is_null(&self, key: &str) -> bool {
        !self.is_empty() && matches!(self.get(key), Some(serde_json::Value::Null))
    }
}

/// The `null`s kept by a model that allows no undeclared property (and so
/// has no map to keep them in), or by a typed [`Map`](super::Map), by name.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Nulls(Vec<String>);

impl Nulls {
    /// The wire names, in the order they were read.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Forgets the `null` kept for `key`, so nothing is written for an unset field.
    pub fn remove(&mut self, key: &str) {
        self.0.retain(|k| k != key);
    }
}

impl KeepNulls for Nulls {
    fn keep_null(&mut self, key: &str) {
        if !self.is_null(key) {
            self.0.push(key.to_owned());
        }
    }

    fn is_null(&self, key: &str) -> bool {
        self.0.iter().any(|k| k == key)
    }
}

impl fmt::Debug for Nulls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.0).finish()
    }
}

/// Whether `null` is a value of `T`: probed without a JSON parser, by
/// offering `T` a `null` and seeing whether it takes it.
struct NullDeserializer;

/// `T` does not take `null`. Carries nothing, so probing allocates nothing.
#[derive(Debug)]
struct NotNull;

impl fmt::Display for NotNull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not null")
    }
}

impl std::error::Error for NotNull {}

impl de::Error for NotNull {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotNull
    }
}

impl<'de> Deserializer<'de> for NullDeserializer {
    type Error = NotNull;

    /// A type that takes any JSON (`serde_json::Value`) takes `null`.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotNull> {
        visitor.visit_unit()
    }

    /// So does an optional one (`Nullable`).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotNull> {
        visitor.visit_none()
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotNull> {
        visitor.visit_unit()
    }

    // Any other type is refused, whatever its visitor would make of a unit:
    // a JSON map's makes it empty, which would turn `null` into `{}`.
    refuse! {
        deserialize_bool() deserialize_i8() deserialize_i16() deserialize_i32() deserialize_i64()
        deserialize_i128() deserialize_u8() deserialize_u16() deserialize_u32() deserialize_u64()
        deserialize_u128() deserialize_f32() deserialize_f64() deserialize_char() deserialize_str()
        deserialize_string() deserialize_bytes() deserialize_byte_buf() deserialize_seq()
        deserialize_map() deserialize_identifier() deserialize_ignored_any()
        deserialize_unit_struct(&'static str) deserialize_newtype_struct(&'static str)
        deserialize_tuple(usize) deserialize_tuple_struct(&'static str, usize)
        deserialize_struct(&'static str, &'static [&'static str])
        deserialize_enum(&'static str, &'static [&'static str])
    }
}

/// `Deserializer` methods of [`NullDeserializer`] that refuse.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*))*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $(_: $arg,)* _: V) -> Result<V::Value, NotNull> {
                Err(NotNull)
            }
        )*
    };
}
use refuse;

/// Strict decoding, where a `null` the spec does not allow is an error again:
/// how [`super::nulls_outside_spec`] finds where a payload has them.
pub(crate) mod strict {
    use std::cell::Cell;

    use crate::thread_flag::ThreadFlag;

    thread_local! {
        static STRICT_FLAG: Cell<bool> = const { Cell::new(false) };
    }

    /// Strict decoding, on this thread.
    static STRICT: ThreadFlag = ThreadFlag::new(&STRICT_FLAG);

    /// Runs `f` with strict decoding on this thread.
    pub(crate) fn with<R>(f: impl FnOnce() -> R) -> R {
        STRICT.with(f)
    }

    /// The error strict decoding gives for a `null` the spec does not allow.
    pub(super) fn check<E: serde::de::Error>() -> Result<(), E> {
        if STRICT.is_on() { Err(E::invalid_type(serde::de::Unexpected::Unit, &NOT_NULLABLE)) } else { Ok(()) }
    }

    /// What strict decoding expected instead of `null`.
    pub(crate) const NOT_NULLABLE: &str = "a value (the spec does not mark this property nullable)";
}

/// Reads a value of `T`, or a `null` that `T` does not take as `None`. The
/// check of strict decoding runs here, inside the value, so that its error
/// names the property.
pub(crate) struct NullOr<T>(pub(crate) PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for NullOr<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for NullOr<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        match T::deserialize(NullDeserializer) {
            Ok(value) => Ok(Some(value)),
            Err(NotNull) => strict::check().map(|()| None),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
}
