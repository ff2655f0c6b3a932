//! A JSON object of one value type (`additionalProperties: {schema}`) that
//! keeps the `null`s its type cannot hold, so that they go back as sent.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::nulls::{KeepNulls, NullOr, Nulls};
use super::object::OtherProperties;

/// A map from names to values of one type, as the spec gives it: used as a
/// `BTreeMap` (it dereferences to one). A member the server sent as `null`
/// reads as absent from the map and is written back as `null`, unless the
/// map now holds a value under that name.
///
/// ```
/// use okta_runtime::Map;
/// let mut links: Map<bool> = serde_json::from_str(r#"{"login":true,"admin":null}"#)?;
/// assert_eq!((links.get("login"), links.get("admin")), (Some(&true), None));
/// assert_eq!(serde_json::to_string(&links)?, r#"{"login":true,"admin":null}"#);
/// links.insert("admin".to_owned(), false);
/// assert_eq!(serde_json::to_string(&links)?, r#"{"admin":false,"login":true}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Map<V> {
    values: BTreeMap<String, V>,
    nulls: Nulls,
}

impl<V> Map<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self { values: BTreeMap::new(), nulls: Nulls::default() }
    }

    /// The names sent as `null`, to read or forget.
    pub fn nulls_mut(&mut self) -> &mut Nulls {
        &mut self.nulls
    }

    /// The values, without the kept `null`s.
    pub fn into_inner(self) -> BTreeMap<String, V> {
        self.values
    }
}

impl<V> Default for Map<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> Deref for Map<V> {
    type Target = BTreeMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.values
    }
}

impl<V> DerefMut for Map<V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.values
    }
}

impl<V> From<BTreeMap<String, V>> for Map<V> {
    fn from(values: BTreeMap<String, V>) -> Self {
        Self { values, nulls: Nulls::default() }
    }
}

impl<K: Into<String>, V> FromIterator<(K, V)> for Map<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        iter.into_iter().map(|(k, v)| (k.into(), v)).collect::<BTreeMap<_, _>>().into()
    }
}

impl<V: fmt::Debug> fmt::Debug for Map<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        map.entries(&self.values);
        for key in self.nulls.iter().filter(|k| !self.values.contains_key(*k)) {
            map.entry(&key, &format_args!("null"));
        }
        map.finish()
    }
}

impl<V> KeepNulls for Map<V> {
    fn keep_null(&mut self, key: &str) {
        self.nulls.keep_null(key);
    }

    fn is_null(&self, key: &str) -> bool {
        self.nulls.is_null(key)
    }
}

impl<V: DeserializeOwned + Serialize> OtherProperties for Map<V> {
    type Value = V;

    fn insert(&mut self, key: String, value: V) {
        self.values.insert(key, value);
    }

    fn entries(&self) -> impl Iterator<Item = (&str, Option<&V>)> {
        let nulls = self.nulls.iter().filter(|k| !self.values.contains_key(*k)).map(|k| (k, None));
        self.values.iter().map(|(k, v)| (k.as_str(), Some(v))).chain(nulls)
    }
}

impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in &self.values {
            map.serialize_entry(key, value)?;
        }
        for key in self.nulls.iter().filter(|k| !self.values.contains_key(*k)) {
            map.serialize_entry(key, &())?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = Map<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Map<V>, A::Error> {
                let mut map = Map::new();
                while let Some(key) = access.next_key::<String>()? {
                    match access.next_value_seed(NullOr::<V>(PhantomData))? {
                        Some(value) => {
                            map.nulls.remove(&key);
                            map.values.insert(key, value);
                        }
                        None => {
                            map.values.remove(&key);
                            map.nulls.keep_null(&key);
                        }
                    }
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_nulls_round_trip_and_set_values_win() {
        let text = r#"{"a":1,"b":null,"c":2}"#;
        let mut map: Map<u32> = serde_json::from_str(text).expect("decodes");
        assert_eq!(map.len(), 2);
        assert_eq!(
            serde_json::to_value(&map).expect("encodes"),
            serde_json::from_str::<serde_json::Value>(text).expect("json")
        );
        assert_eq!(format!("{map:?}"), r#"{"a": 1, "c": 2, "b": null}"#);
        map.insert("b".to_owned(), 3);
        assert_eq!(serde_json::to_string(&map).expect("encodes"), r#"{"a":1,"b":3,"c":2}"#);
        map.remove("b");
        map.nulls_mut().remove("b");
        assert_eq!(serde_json::to_string(&map).expect("encodes"), r#"{"a":1,"c":2}"#);
    }

    #[test]
    fn a_wrong_type_is_an_error() {
        assert!(serde_json::from_str::<Map<u32>>(r#"{"a":"one"}"#).is_err());
        assert!(serde_json::from_str::<Map<u32>>("[]").is_err());
    }
}
