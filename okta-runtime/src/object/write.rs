//! The writing half of the object codec: a model's declared properties,
//! then the ones it keeps, as one JSON object.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{KeepNulls, OtherProperties};
use crate::coverage;

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

    /// Writes a declared property: its value, or the `null` that was sent
    /// for it, or nothing.
    pub fn field<T: Serialize, K: KeepNulls + ?Sized>(&mut self, key: &'static str, field: &Option<T>, nulls: &K) {
        if self.error.is_some() {
            return;
        }
        match field {
            Some(value) => self.error = self.map.serialize_entry(key, value).err(),
            None if nulls.is_null(key) => self.error = self.map.serialize_entry(key, &()).err(),
            None => {}
        }
    }

    /// Writes a declared property the spec gives no members for (any JSON):
    /// as [`Writer::field`] does, but under typed-only encoding as a mark
    /// that says so, so that what it holds is not counted as typed.
    pub fn free_form<T: Serialize, K: KeepNulls + ?Sized>(&mut self, key: &'static str, field: &Option<T>, nulls: &K) {
        match field {
            Some(_) if self.error.is_none() && coverage::typed_only() => {
                self.error = self.map.serialize_entry(key, &coverage::FreeForm).err();
            }
            _ => self.field(key, field, nulls),
        }
    }

    /// Writes the kept undeclared properties (and `null`s), leaving out any
    /// that has the name of a declared one (`declared`): the field is where
    /// that value lives, and a kept `null` of a field is written in its place.
    pub fn other<O: OtherProperties>(&mut self, other: &O, declared: &[&str]) {
        // Typed-only encoding leaves out what is kept as plain JSON.
        if O::UNTYPED && coverage::typed_only() {
            return;
        }
        for (key, value) in other.entries() {
            if self.error.is_some() {
                return;
            }
            if !declared.contains(&key) {
                self.error = match value {
                    Some(value) => self.map.serialize_entry(key, value).err(),
                    None => self.map.serialize_entry(key, &()).err(),
                };
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
