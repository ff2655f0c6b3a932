//! Decoding with errors that name the JSON path of the bad value.

use std::fmt;

use serde::de::DeserializeOwned;

use super::raw::strip_position;

/// A payload that does not decode: where (`[3].settings.app.url`, `.` for the
/// whole document) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
}

impl DecodeError {
    /// The JSON path of the bad value.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Line and column in the text, when decoding from text (1-based; 0 when unknown).
    pub fn position(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    fn new(outer: &serde_path_to_error::Path, inner: &serde_json::Error) -> Self {
        let text = inner.to_string();
        let text = strip_position(&text);
        let outer = outer.to_string();
        // A union reports the path inside its object as "at `path`: message".
        let (path, message) = match text.strip_prefix("at `").and_then(|rest| rest.split_once("`: ")) {
            Some((inner_path, message)) => (join(&outer, inner_path), message.to_owned()),
            None => (outer, text.to_owned()),
        };
        Self { path, message, line: inner.line(), column: inner.column() }
    }
}

fn join(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        (".", inner) => inner.to_owned(),
        (outer, ".") => outer.to_owned(),
        (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        (outer, inner) => format!("{outer}.{inner}"),
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Decodes JSON bytes as `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    // Path tracking allocates per key: decode plainly, and again only to
    // locate an error.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| DecodeError::new(e.path(), e.inner()))?;
    de.end().map_err(|e| DecodeError {
        path: ".".to_owned(),
        message: strip_position(&e.to_string()).to_owned(),
        line: e.line(),
        column: e.column(),
    })?;
    Ok(value)
}

/// Decodes JSON text as `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    from_slice(text.as_bytes())
}

/// Decodes a JSON value as `T`.
pub fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, DecodeError> {
    if let Ok(decoded) = serde::Deserialize::deserialize(value) {
        return Ok(decoded);
    }
    serde_path_to_error::deserialize(value).map_err(|e| DecodeError::new(e.path(), e.inner()))
}
