//! The pieces union decoding reads objects with: a visitor that takes only
//! objects, member names borrowed where they can be, members kept as raw
//! JSON and decoded as one type, and what a property that picks a variant
//! holds.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::decode::locate;
use serde_json::value::RawValue;

/// A visitor that takes only a JSON object, to `V`; anything else is an
/// error that names its JSON type but not its value, which may be anything,
/// a secret included.
pub(super) struct ObjectOnly<V>(pub(super) V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectOnly<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(map)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<V::Value, E> {
        Err(E::invalid_type(de::Unexpected::Other("a string"), &self))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<V::Value, E> {
        Err(E::invalid_type(de::Unexpected::Other("a boolean"), &self))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<V::Value, E> {
        Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<V::Value, E> {
        Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<V::Value, E> {
        Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        Err(E::invalid_type(de::Unexpected::Unit, &self))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

/// A member's name, borrowed from the input when it has no escapes.
pub(super) struct Name<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;

        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(V)
    }
}

/// An object's members, each name with its value as raw JSON text.
pub(super) type Members<'de> = Vec<(Cow<'de, str>, Box<RawValue>)>;

/// Decodes kept members as one object of type `T`; a failure is located
/// ("at `path`: message"), as a union reports one.
pub(super) fn decode_members<T: DeserializeOwned>(members: &Members<'_>) -> Result<T, String> {
    // Tracking the path costs an allocation per key, so it is done only
    // on the way to an error: decode plainly, and again to locate a failure.
    match T::deserialize(MembersDeserializer(members)) {
        Ok(value) => Ok(value),
        Err(plain) => Err(match serde_path_to_error::deserialize::<_, T>(MembersDeserializer(members)) {
            Err(e) => locate(&e.path().to_string(), &e.inner().to_string()),
            // Not reachable for a deterministic decoder; report what the first pass said.
            Ok(_) => locate(".", &plain.to_string()),
        }),
    }
}

/// Kept members as a deserializer of a JSON object: each value is parsed
/// from its own text, when the decoder asks for it.
struct MembersDeserializer<'de, 'src>(&'de [(Cow<'src, str>, Box<RawValue>)]);

impl<'de> Deserializer<'de> for MembersDeserializer<'de, '_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(MembersAccess { members: self.0.iter(), value: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct MembersAccess<'de, 'src> {
    members: std::slice::Iter<'de, (Cow<'src, str>, Box<RawValue>)>,
    value: Option<&'de RawValue>,
}

impl<'de> MapAccess<'de> for MembersAccess<'de, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        let Some((name, value)) = self.members.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a value asked for before its name"))?;
        seed.deserialize(&mut serde_json::Deserializer::from_str(value.get()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
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

    /// Not there, or `null`: what picks a union's variant defined by the
    /// absence of its discriminator.
    pub fn is_absent_or_null(&self) -> bool {
        matches!(self, Probed::Absent | Probed::Null)
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
