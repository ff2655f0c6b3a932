//! Decoding of discriminated unions without `#[serde(untagged)]`: the object
//! is captured once as raw JSON, the few properties that pick the variant are
//! read from it, and it is decoded once as that variant.

use std::fmt;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// One JSON object, as raw text.
#[derive(Debug)]
pub struct RawObject(Box<RawValue>);

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        if raw.get().trim_start().starts_with('{') {
            Ok(Self(raw))
        } else {
            let found = match raw.get().trim_start().as_bytes().first() {
                Some(b'[') => de::Unexpected::Seq,
                Some(b'"') => de::Unexpected::Other("a string"),
                Some(b'n') => de::Unexpected::Unit,
                Some(b't' | b'f') => de::Unexpected::Other("a boolean"),
                _ => de::Unexpected::Other("a number"),
            };
            Err(de::Error::invalid_type(found, &"a JSON object"))
        }
    }
}

/// A variant failed to decode: where inside the object, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionError {
    /// The path inside the object (`settings.app.url`).
    pub path: String,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for UnionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for UnionError {}

/// serde_json appends the position inside the captured text, which means
/// nothing to a reader of the whole document; the path says where instead.
pub(crate) fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    }
}

impl RawObject {
    /// What the object holds under each of `keys`. The scan stops at the
    /// last of them: the rest of the object was checked when it was captured.
    pub fn probe<const N: usize>(&self, keys: [&str; N]) -> [Probed; N] {
        struct Probe<'k, 'f, const N: usize> {
            keys: &'k [&'k str; N],
            found: &'f mut [Probed; N],
        }

        impl<'de, const N: usize> Visitor<'de> for Probe<'_, '_, N> {
            type Value = ();

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let mut seen = [false; N];
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match self.keys.iter().position(|k| *k == key) {
                        Some(i) => {
                            self.found[i] = map.next_value::<Probed>()?;
                            seen[i] = true;
                            if seen.iter().all(|s| *s) {
                                // Every key is found: stop reading (the caller ignores this error).
                                return Err(de::Error::custom("probe complete"));
                            }
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(())
            }
        }

        let mut found: [Probed; N] = std::array::from_fn(|_| Probed::Absent);
        let mut de = serde_json::Deserializer::from_str(self.0.get());
        // The text was checked when it was captured, so the only error is the
        // early stop above; what was found so far is the answer either way.
        let _ = de::Deserializer::deserialize_map(&mut de, Probe { keys: &keys, found: &mut found });
        found
    }

    /// Decodes the object as `T` and wraps it (`Self::Google`).
    pub fn decode<T: DeserializeOwned, U>(&self, wrap: fn(T) -> U) -> Result<U, UnionError> {
        // Tracking the path costs an allocation per key, so it is done only
        // on the way to an error: decode plainly, and again to locate a failure.
        match serde_json::from_str(self.0.get()) {
            Ok(value) => Ok(wrap(value)),
            Err(plain) => {
                let mut de = serde_json::Deserializer::from_str(self.0.get());
                Err(match serde_path_to_error::deserialize::<_, T>(&mut de) {
                    Err(e) => UnionError {
                        path: e.path().to_string(),
                        message: strip_position(&e.inner().to_string()).to_owned(),
                    },
                    // Not reachable for a deterministic decoder; report what the first pass said.
                    Ok(_) => {
                        UnionError { path: ".".to_owned(), message: strip_position(&plain.to_string()).to_owned() }
                    }
                })
            }
        }
    }

    /// The raw JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

/// What an object holds under a key that picks a union's variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probed {
    /// The key is not there.
    Absent,
    /// The key holds `null`.
    Null,
    /// The key holds a string.
    Text(String),
    /// The key holds a number, boolean, array or object.
    Other,
}

impl Probed {
    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Probed::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the key is not there at all.
    pub fn is_absent(&self) -> bool {
        matches!(self, Probed::Absent)
    }

    /// Present but not a string: no variant can be picked by it, so the
    /// object is the union's unknown variant.
    pub fn is_null_or_not_text(&self) -> bool {
        matches!(self, Probed::Null | Probed::Other)
    }
}

impl<'de> Deserialize<'de> for Probed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;

        impl<'de> Visitor<'de> for V {
            type Value = Probed;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Probed, E> {
                Ok(Probed::Text(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Probed, E> {
                Ok(Probed::Text(v))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Probed, E> {
                Ok(Probed::Other)
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Probed, E> {
                Ok(Probed::Other)
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Probed, E> {
                Ok(Probed::Other)
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Probed, E> {
                Ok(Probed::Other)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Probed, E> {
                Ok(Probed::Null)
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Probed, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Probed::Other)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probed, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Probed::Other)
            }
        }

        deserializer.deserialize_any(V)
    }
}
