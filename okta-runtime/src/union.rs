//! Decoding of discriminated unions in one pass over the object.
//!
//! The members are read in order. Until every property that picks the
//! variant has been seen, each member is kept as raw JSON; then the variant
//! is picked, those kept members are read into it, and the rest of the object
//! is read straight into it from the input. Servers tend to send the
//! picking properties before the large members, so most of an object is
//! read once, as it arrives.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::decode::{join, locate};
use super::object::{Key, KeySeed, Object, Seen};
use super::raw::{Members, Name, ObjectOnly, Probed, decode_members};

/// A discriminated union of generated models: the properties that pick its
/// variant, and how they pick it. Implemented by the generator.
pub trait Union<const N: usize>: Sized {
    /// The union's name, for error messages.
    const NAME: &'static str;
    /// The properties that pick the variant, in the order `pick` takes them.
    const KEYS: [&'static str; N];

    /// Picks the variant from what the object holds under each of
    /// [`Union::KEYS`], and decodes it with [`Partial::decode`].
    fn pick<'de, A: MapAccess<'de>>(keys: [Probed; N], object: Partial<'de, A>) -> Result<Self, A::Error>;
}

/// Decodes a JSON object as the union `U`: the body of a generated `Deserialize`.
pub fn deserialize_union<'de, D, U, const N: usize>(deserializer: D) -> Result<U, D::Error>
where
    D: Deserializer<'de>,
    U: Union<N>,
{
    deserializer.deserialize_any(ObjectOnly(UnionVisitor::<U, N>(PhantomData)))
}

struct UnionVisitor<U, const N: usize>(PhantomData<U>);

impl<'de, U: Union<N>, const N: usize> Visitor<'de> for UnionVisitor<U, N> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", U::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        let mut kept = Vec::new();
        let mut found: [Option<usize>; N] = [None; N];
        let mut ended = false;
        while found.iter().any(Option::is_none) {
            let Some(Name(name)) = map.next_key()? else {
                ended = true;
                break;
            };
            let value: Box<RawValue> = map.next_value()?;
            if let Some(i) = U::KEYS.iter().position(|key| *key == name) {
                found[i].get_or_insert(kept.len());
            }
            kept.push((name, value));
        }
        let keys = found.map(|at| match at {
            None => Probed::Absent,
            // The text was read as JSON, so it parses.
            Some(at) => serde_json::from_str(kept[at].1.get()).unwrap_or(Probed::Other),
        });
        U::pick(keys, Partial { kept, map, ended, lifetime: PhantomData })
    }
}

/// An object whose variant is being picked: the members read so far, kept
/// as raw JSON, and the rest still to read.
pub struct Partial<'de, A> {
    kept: Members<'de>,
    map: A,
    ended: bool,
    lifetime: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Partial<'de, A> {
    /// Decodes the object as `T`, built in its box, and wraps it (`Self::Google`).
    pub fn decode<T: Object, U>(mut self, wrap: fn(Box<T>) -> U) -> Result<U, A::Error> {
        let mut value = Box::new(T::empty());
        let mut seen = Seen::default();
        for (name, raw) in self.kept {
            let key = KeySeed(T::FIELDS).key(name);
            read_kept(value.as_mut(), &mut seen, &key, raw.get()).map_err(de::Error::custom)?;
        }
        if !self.ended {
            super::object::read_members(value.as_mut(), &mut seen, &mut self.map)?;
        }
        Ok(wrap(value))
    }

    /// Decodes the object as `T`, a variant that is itself a union, and
    /// wraps it: the rest of the members are kept too, and `T` reads them all.
    pub fn decode_whole<T: DeserializeOwned, U>(mut self, wrap: fn(Box<T>) -> U) -> Result<U, A::Error> {
        if !self.ended {
            while let Some(Name(name)) = self.map.next_key()? {
                self.kept.push((name, self.map.next_value()?));
            }
        }
        decode_members(&self.kept).map(wrap).map_err(de::Error::custom)
    }
}

/// Reads one kept member into `value`. A failure is read again with its
/// path tracked, and reported as "at `path`: message", as the reader of the
/// whole document expects of a union.
fn read_kept<T: Object>(value: &mut T, seen: &mut Seen, key: &Key, raw: &str) -> Result<(), String> {
    let name = key.name(T::FIELDS);
    if let Key::Field(index) = key
        && !seen.insert(*index)
    {
        let error = <serde_json::Error as de::Error>::duplicate_field(T::FIELDS[*index]);
        return Err(locate(name, &error.to_string()));
    }
    let plain = key.read(value, &mut Kept { raw, track: None });
    let Err(error) = plain else { return Ok(()) };
    let mut track = serde_path_to_error::Track::new();
    let tracked = key.read(value, &mut Kept { raw, track: Some(&mut track) });
    let inner = track.path().to_string();
    let message = match tracked {
        Err(e) => e.to_string(),
        // Not reachable for a deterministic decoder; report what the first pass said.
        Ok(()) => error.to_string(),
    };
    Err(locate(&join(name, &inner), &message))
}

/// A kept member's value, as the map a generated `read_field` reads it from.
struct Kept<'r, 't> {
    raw: &'r str,
    track: Option<&'t mut serde_path_to_error::Track>,
}

impl<'r> MapAccess<'r> for Kept<'r, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'r>>(&mut self, _: K) -> Result<Option<K::Value>, serde_json::Error> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'r>>(&mut self, seed: V) -> Result<V::Value, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(self.raw);
        match self.track.as_deref_mut() {
            None => seed.deserialize(&mut de),
            Some(track) => seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, track)),
        }
    }
}

/// Decodes a union whose variants nothing in the payload names: the value
/// is read once, and each variant tried on it in order (`variants`, each a
/// [`try_variant`]). The body of a generated `Deserialize`.
pub fn deserialize_in_order<'de, D, U>(
    deserializer: D,
    name: &'static str,
    variants: &[fn(&serde_json::Value) -> Option<U>],
) -> Result<U, D::Error>
where
    D: Deserializer<'de>,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    variants
        .iter()
        .find_map(|variant| variant(&value))
        .ok_or_else(|| de::Error::custom(format_args!("data did not match any variant of untagged enum {name}")))
}

/// The value decoded as `T` and wrapped (`Self::Key`), if it decodes.
pub fn try_variant<T: DeserializeOwned, U>(value: &serde_json::Value, wrap: fn(T) -> U) -> Option<U> {
    T::deserialize(value).ok().map(wrap)
}
