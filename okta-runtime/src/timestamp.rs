//! Timestamps kept exactly as the server wrote them, with a typed view.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An RFC 3339 `date-time`, stored as written (`2023-01-21T14:11:24.000Z`
/// stays so; it does not become `...24Z`). [`Timestamp::parse`] gives the
/// instant.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(String);

/// A timestamp that is not RFC 3339.
#[derive(Debug, thiserror::Error)]
#[error("`{text}` is not an RFC 3339 date-time: {source}")]
pub struct TimestampError {
    text: String,
    source: time::error::Parse,
}

impl Timestamp {
    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant it names.
    pub fn parse(&self) -> Result<OffsetDateTime, TimestampError> {
        OffsetDateTime::parse(&self.0, &Rfc3339).map_err(|source| TimestampError { text: self.0.clone(), source })
    }

    /// Wraps text without checking it (what the server sent is kept either way).
    pub fn from_text(text: impl Into<String>) -> Self {
        Self(text.into())
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(value: OffsetDateTime) -> Self {
        // Formatting a valid OffsetDateTime as RFC 3339 fails only for years
        // outside 0..=9999, which the API does not use; fall back to Debug text.
        Self(value.format(&Rfc3339).unwrap_or_else(|_| format!("{value}")))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_as_written_and_parsed() {
        for text in ["2023-01-21T14:11:24.000Z", "2023-01-21T16:11:24.123+02:00"] {
            let t: Timestamp = serde_json::from_str(&format!("\"{text}\"")).expect("decodes");
            assert_eq!(serde_json::to_string(&t).expect("encodes"), format!("\"{text}\""));
            assert_eq!(t.parse().expect("parses").unix_timestamp(), 1_674_310_284);
        }
    }

    #[test]
    fn bad_text_is_kept_and_parse_fails() {
        let t = Timestamp::from_text("yesterday");
        assert!(t.parse().is_err());
        assert_eq!(t.as_str(), "yesterday");
    }
}
