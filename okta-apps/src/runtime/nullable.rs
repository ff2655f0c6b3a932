//! `null` as a value of its own, so a field the server sent as `null` goes
//! back as `null` and an absent one stays absent.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value the server may send as `null`. Fields hold it inside an `Option`:
/// `None` is absent, `Some(Nullable::Null)` is `null`, `Some(Nullable::Value(v))` is `v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Sent as `null`.
    #[default]
    Null,
    /// Sent as a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, unless `null`.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// The value, mutably, unless `null`.
    pub fn as_value_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// The value, unless `null`.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// For `Option<Nullable<T>>` fields: a present key, even `null`, is `Some`.
/// (Serde reads a `null` `Option` as `None`, which would lose it.)
pub fn deserialize_nullable<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Nullable::deserialize(deserializer).map(Some)
}

/// For `Option<T>` fields that the spec does not mark nullable: a present
/// key must hold a `T`, so a `null` there is an error rather than being read
/// as absent and dropped on the next write.
pub fn deserialize_some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct S {
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "deserialize_nullable")]
        a: Option<Nullable<String>>,
    }

    #[test]
    fn null_absent_and_value_differ() {
        for (text, value) in [
            (r#"{}"#, None),
            (r#"{"a":null}"#, Some(Nullable::Null)),
            (r#"{"a":"x"}"#, Some(Nullable::Value("x".to_owned()))),
        ] {
            let s: S = serde_json::from_str(text).expect("decodes");
            assert_eq!(s.a, value);
            assert_eq!(serde_json::to_string(&s).expect("encodes"), text);
        }
    }

    #[test]
    fn wrong_type_is_an_error() {
        assert!(serde_json::from_str::<S>(r#"{"a":1}"#).is_err());
    }
}
