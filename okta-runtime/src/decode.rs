//! Decoding with errors that name the JSON path of the bad value.

use std::fmt;

use serde::de::DeserializeOwned;

use super::nulls::strict;

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
        let (path, message) = match located(text) {
            Some((inner_path, message)) => (join(&outer, inner_path), message.to_owned()),
            None => (outer, text.to_owned()),
        };
        Self { path, message, line: inner.line(), column: inner.column() }
    }
}

/// serde_json appends the position inside the text it read, which means
/// nothing to a reader of the whole document; the path says where instead.
pub(super) fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    }
}

/// The error a union reports for `message`, found at `path` inside its
/// object: "at `path`: message", with the path of a union further in (its
/// own "at `...`: " prefix) joined on.
pub(super) fn locate(path: &str, message: &str) -> String {
    let message = strip_position(message);
    match located(message) {
        Some((deeper, message)) => format!("at `{}`: {message}", join(path, deeper)),
        None => format!("at `{path}`: {message}"),
    }
}

/// A union reports an error inside its object as "at `path`: message":
/// the path and the message, if `text` is one.
pub(super) fn located(text: &str) -> Option<(&str, &str)> {
    text.strip_prefix("at `").and_then(|rest| rest.split_once("`: "))
}

/// Joins a path and a path inside it.
pub(super) fn join(outer: &str, inner: &str) -> String {
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

/// Whether a body is JSON rather than one of the other forms an operation
/// documents beside it (base64, PEM, XML): it starts with `{` or `[`.
pub fn is_json_body(body: &[u8]) -> bool {
    matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['))
}

/// A text response body (XML, plain text) as a `String`; not UTF-8 is an error.
pub fn text(bytes: &[u8]) -> Result<String, DecodeError> {
    String::from_utf8(bytes.to_vec()).map_err(|e| DecodeError {
        path: ".".to_owned(),
        message: format!("the text body is not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        line: 0,
        column: 0,
    })
}

/// Decodes JSON bytes as `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    // Path tracking allocates per key: decode plainly, and again only to
    // locate an error.
    if let Some(value) = plain(bytes) {
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

/// Decodes JSON bytes as `T` without tracking the path, `None` if they do
/// not decode. The bytes are checked as UTF-8 once, in one fast pass, rather
/// than string by string.
pub fn plain<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_str(std::str::from_utf8(bytes).ok()?).ok()
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

/// The JSON paths (as [`DecodeError::path`] writes them) where `value` has a
/// `null` that decoding as `T` accepts only by the lenient rule: properties
/// the spec does not mark nullable. Each one is a place where the spec could
/// say `nullable: true`; decoding keeps them either way.
///
/// ```
/// use okta_runtime::Nullable;
/// #[derive(Debug, Default)]
/// pub struct Link {
///     pub href: Option<String>,
///     pub title: Option<Nullable<String>>,
///     pub other: serde_json::Map<String, serde_json::Value>,
/// }
/// okta_runtime::object_impls!(Link { href = "href", title = "title", ..other });
///
/// // `title` may be null by the spec; `href` may not.
/// let link = serde_json::json!({"href": null, "title": null});
/// assert_eq!(okta_runtime::nulls_outside_spec::<Link>(&link)?, ["href"]);
/// # Ok::<(), okta_runtime::DecodeError>(())
/// ```
///
/// Fails, as [`from_value`] does, when `value` does not decode at all.
pub fn nulls_outside_spec<T: DeserializeOwned>(value: &serde_json::Value) -> Result<Vec<String>, DecodeError> {
    let mut nulls = Vec::new();
    null_members(value, &mut String::new(), &mut Vec::new(), &mut nulls);
    let mut work = value.clone();
    let mut found = Vec::new();
    loop {
        // Strict decoding stops at the first such `null` and names its path;
        // it is removed (absent is always allowed) and decoding goes on.
        let err = match strict::with(|| from_value::<T>(&work)) {
            Ok(_) => return Ok(found),
            Err(err) => err,
        };
        let at = nulls.iter().position(|(path, _)| *path == err.path);
        match at {
            Some(at) if err.message.contains(strict::NOT_NULLABLE) => {
                let (path, location) = nulls.swap_remove(at);
                remove(&mut work, &location);
                found.push(path);
            }
            // Not a `null` of the payload: a real decode error, or a union
            // that tried its variants in turn and hid which `null` it met.
            _ => return from_value::<T>(value).map(|_| found),
        }
    }
}

/// One step into a JSON value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every object member of `value` that is `null`, with its path.
fn null_members(value: &serde_json::Value, path: &mut String, at: &mut Vec<Step>, out: &mut Vec<(String, Vec<Step>)>) {
    let len = path.len();
    match value {
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                at.push(Step::Key(key.clone()));
                if member.is_null() {
                    out.push((path.clone(), at.clone()));
                } else {
                    null_members(member, path, at, out);
                }
                at.pop();
                path.truncate(len);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                at.push(Step::Index(i));
                null_members(item, path, at, out);
                at.pop();
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Removes the object member at `location`.
fn remove(value: &mut serde_json::Value, location: &[Step]) {
    let Some((last, parents)) = location.split_last() else { return };
    let mut node = value;
    for step in parents {
        let next = match step {
            Step::Key(k) => node.get_mut(k.as_str()),
            Step::Index(i) => node.get_mut(*i),
        };
        match next {
            Some(next) => node = next,
            None => return,
        }
    }
    if let (Step::Key(k), Some(members)) = (last, node.as_object_mut()) {
        members.remove(k);
    }
}
