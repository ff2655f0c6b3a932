//! Requests as plain data, so generated operations build and decode them
//! without an HTTP library: the client (or a test) does the I/O.

use std::fmt;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request an operation built: relative to the org URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The operationId (`listApplications`).
    pub operation: &'static str,
    /// The method.
    pub method: Method,
    /// The path template (`/api/v1/apps/{appId}`), for logs and metrics.
    pub template: &'static str,
    /// The path with its parameters percent-encoded, one segment each.
    pub path: String,
    /// Query pairs, unencoded, in order.
    pub query: Vec<(&'static str, String)>,
    /// Header pairs, checked to hold no line breaks.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, if any.
    pub body: Option<Vec<u8>>,
}

/// A request that cannot be built from the values given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// A path parameter is empty: the request would address another resource.
    #[error("path parameter `{0}` is empty")]
    EmptyPathParameter(&'static str),
    /// A path parameter is `.` or `..`, which URL parsers resolve away even
    /// when percent-encoded: the request would address another resource.
    #[error("path parameter `{0}` is a dot segment")]
    DotSegment(&'static str),
    /// A header value holds a character HTTP does not allow (CR, LF, NUL...).
    #[error("header `{0}` holds a line break or control character")]
    InvalidHeader(&'static str),
    /// The body could not be encoded.
    #[error("request body cannot be encoded: {0}")]
    Body(String),
}

/// Appends `value` to `path` as exactly one segment: everything but RFC 3986
/// unreserved characters is percent-encoded, and `.`/`..` (which URL parsers
/// resolve even as `%2E%2E`) are refused, so no value can change which
/// resource the path names.
pub fn push_segment(path: &mut String, name: &'static str, value: &str) -> Result<(), RequestError> {
    if value.is_empty() {
        return Err(RequestError::EmptyPathParameter(name));
    }
    if value == "." || value == ".." {
        return Err(RequestError::DotSegment(name));
    }
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            path.push(char::from(byte));
        } else {
            path.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(())
}

/// Checks a header value: no CR, LF or other control characters but tab.
pub fn header_value(name: &'static str, value: String) -> Result<(&'static str, String), RequestError> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(RequestError::InvalidHeader(name));
    }
    Ok((name, value))
}

/// The text of a parameter value of a structured type: a JSON string as its
/// content (enums), anything else as its JSON text.
pub fn param_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

/// Encodes a request body as JSON.
pub fn json_body<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, RequestError> {
    serde_json::to_vec(body).map_err(|e| RequestError::Body(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(value: &str) -> String {
        let mut path = String::from("/apps/");
        push_segment(&mut path, "id", value).expect("non-empty");
        path
    }

    #[test]
    fn segments_cannot_escape() {
        assert_eq!(segment("0oa1"), "/apps/0oa1");
        assert_eq!(segment("../x"), "/apps/..%2Fx");
        assert_eq!(segment("..."), "/apps/...");
        assert_eq!(segment("a/b"), "/apps/a%2Fb");
        assert_eq!(segment("?q"), "/apps/%3Fq");
        assert_eq!(segment("#f"), "/apps/%23f");
        assert_eq!(segment("a b"), "/apps/a%20b");
        assert_eq!(segment("é"), "/apps/%C3%A9");
        assert_eq!(segment("%2F"), "/apps/%252F");
    }

    #[test]
    fn empty_and_dot_segments_are_refused() {
        let mut path = String::new();
        assert_eq!(push_segment(&mut path, "appId", ""), Err(RequestError::EmptyPathParameter("appId")));
        assert_eq!(push_segment(&mut path, "appId", ".."), Err(RequestError::DotSegment("appId")));
        assert_eq!(push_segment(&mut path, "appId", "."), Err(RequestError::DotSegment("appId")));
    }

    #[test]
    fn header_values_cannot_split() {
        assert!(header_value("X", "ok value\tx".to_owned()).is_ok());
        assert_eq!(header_value("X", "a\r\nEvil: 1".to_owned()), Err(RequestError::InvalidHeader("X")));
        assert_eq!(header_value("X", "a\nb".to_owned()), Err(RequestError::InvalidHeader("X")));
    }
}
