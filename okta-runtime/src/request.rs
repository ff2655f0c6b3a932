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
    /// The body, if any, encoded.
    pub body: Option<Vec<u8>>,
    /// The body's media type, sent as `Content-Type` (with its boundary,
    /// for a multipart form).
    pub content_type: Option<String>,
    /// The media types the success response is read in, sent as `Accept`
    /// (`None`: JSON).
    pub accept: Option<&'static str>,
    /// Whether sending it twice has the effect of sending it once, so a
    /// client may send it again after a transient failure.
    pub idempotent: bool,
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
    /// The body's media type is not one the operation takes.
    #[error("media type `{given}` is not one of {allowed:?}")]
    MediaType {
        /// The media type given.
        given: String,
        /// Those the spec documents.
        allowed: &'static [&'static str],
    },
    /// A multipart form lacks a part the spec requires.
    #[error("form part `{0}` is required")]
    MissingPart(&'static str),
}

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_unreserved(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// Appends `value` to `path` as exactly one segment: everything but RFC 3986
/// unreserved characters is percent-encoded, and `.`/`..` (which URL parsers
/// resolve even as `%2E%2E`) are refused, so no value can change which
/// resource the path names.
pub(crate) fn push_segment(path: &mut String, name: &'static str, value: &str) -> Result<(), RequestError> {
    if value.is_empty() {
        return Err(RequestError::EmptyPathParameter(name));
    }
    if value == "." || value == ".." {
        return Err(RequestError::DotSegment(name));
    }
    path.push_str(&encode_unreserved(value));
    Ok(())
}

/// Checks a header value: no CR, LF or other control characters but tab.
pub(crate) fn header_value(name: &'static str, value: String) -> Result<(&'static str, String), RequestError> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(RequestError::InvalidHeader(name));
    }
    Ok((name, value))
}

/// Builds a [`Request`] step by step: what generated operations call, so each
/// of them is a list of its parameters rather than code of its own.
#[derive(Debug)]
pub struct RequestBuilder {
    request: Request,
    /// Path parameters, each already encoded as one segment.
    segments: Vec<(&'static str, String)>,
}

impl RequestBuilder {
    /// An empty request for an operation; `idempotent` as the operation's
    /// [`Operation::IDEMPOTENT`](super::Operation::IDEMPOTENT) says.
    pub fn new(operation: &'static str, method: Method, template: &'static str, idempotent: bool) -> Self {
        Self {
            request: Request {
                operation,
                method,
                template,
                path: String::new(),
                query: Vec::new(),
                headers: Vec::new(),
                body: None,
                content_type: None,
                accept: None,
                idempotent,
            },
            segments: Vec::new(),
        }
    }

    /// An empty request for the operation `O`.
    pub fn of<O: super::Operation>() -> Self {
        Self::new(O::OPERATION_ID, O::METHOD, O::PATH, O::IDEMPOTENT)
    }

    /// Sets the path parameter `name` (`{name}` in the template) to one
    /// percent-encoded segment.
    pub fn segment<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<&mut Self, RequestError> {
        let mut segment = String::new();
        push_segment(&mut segment, name, &param_text(value))?;
        self.segments.push((name, segment));
        Ok(self)
    }

    /// Adds a query pair when the value is set.
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: Option<&T>) -> &mut Self {
        if let Some(value) = value {
            self.request.query.push((name, param_text(value)));
        }
        self
    }

    /// Adds one query pair per item (`tags=a&tags=b`) when the list is set.
    pub fn query_each<T: serde::Serialize>(&mut self, name: &'static str, values: Option<&Vec<T>>) -> &mut Self {
        for value in values.into_iter().flatten() {
            self.request.query.push((name, param_text(value)));
        }
        self
    }

    /// Adds a header when the value is set; a value with a line break is refused.
    pub fn header<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Result<&mut Self, RequestError> {
        if let Some(value) = value {
            let header = header_value(name, param_text(value))?;
            self.request.headers.push(header);
        }
        Ok(self)
    }

    /// Sets a JSON body of `media_type` when there is one.
    pub fn json<T: serde::Serialize>(
        &mut self,
        body: Option<&T>,
        media_type: &'static str,
    ) -> Result<&mut Self, RequestError> {
        if let Some(body) = body {
            self.request.body = Some(json_body(body)?);
            self.request.content_type = Some(media_type.to_owned());
        }
        Ok(self)
    }

    /// Sets a body of raw bytes of `media_type` when there is one.
    pub fn bytes(&mut self, body: Option<&Vec<u8>>, media_type: &'static str) -> &mut Self {
        if let Some(body) = body {
            self.request.body = Some(body.clone());
            self.request.content_type = Some(media_type.to_owned());
        }
        self
    }

    /// Sets a body of raw bytes in `media_type`, which must be one of
    /// `allowed` (the first when `None`).
    pub fn bytes_as(
        &mut self,
        body: Option<&Vec<u8>>,
        media_type: Option<&str>,
        allowed: &'static [&'static str],
    ) -> Result<&mut Self, RequestError> {
        let Some(body) = body else { return Ok(self) };
        let media_type = match media_type {
            None => allowed.first().copied().unwrap_or("application/octet-stream"),
            Some(given) => allowed
                .iter()
                .copied()
                .find(|m| m.eq_ignore_ascii_case(given))
                .ok_or_else(|| RequestError::MediaType { given: given.to_owned(), allowed })?,
        };
        self.request.body = Some(body.clone());
        self.request.content_type = Some(media_type.to_owned());
        Ok(self)
    }

    /// Sets a `multipart/form-data` body when there is one; each of
    /// `required` must be among its parts.
    pub fn form(&mut self, form: Option<&super::Form>, required: &[&'static str]) -> Result<&mut Self, RequestError> {
        let Some(form) = form else { return Ok(self) };
        if let Some(missing) = required.iter().find(|name| !form.has(name)) {
            return Err(RequestError::MissingPart(missing));
        }
        let (content_type, body) = form.encode();
        self.request.body = Some(body);
        self.request.content_type = Some(content_type);
        Ok(self)
    }

    /// Asks for the success response in `choice`, which must be one of
    /// `allowed` (nothing is asked, so JSON, when `None`).
    pub fn accept_one_of(
        &mut self,
        choice: Option<&str>,
        allowed: &'static [&'static str],
    ) -> Result<&mut Self, RequestError> {
        let Some(given) = choice else { return Ok(self) };
        let found = allowed
            .iter()
            .copied()
            .find(|m| m.eq_ignore_ascii_case(given))
            .ok_or_else(|| RequestError::MediaType { given: given.to_owned(), allowed })?;
        self.request.accept = Some(found);
        Ok(self)
    }

    /// Asks for the success response in these media types (`Accept`).
    pub fn accept(&mut self, media_types: &'static str) -> &mut Self {
        self.request.accept = Some(media_types);
        self
    }

    /// The request, its path the template with each parameter set; a
    /// placeholder with no parameter stays as written. The builder is left empty.
    pub fn build(&mut self) -> Request {
        let Request { operation, method, template, idempotent, .. } = self.request;
        let empty = Self::new(operation, method, template, idempotent);
        let Self { mut request, segments } = std::mem::replace(self, empty);
        request.path = expand(request.template, &segments);
        request
    }
}

/// The path template with each `{name}` replaced by its segment.
fn expand(template: &str, segments: &[(&'static str, String)]) -> String {
    let mut path = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|i| open + i) else { break };
        let name = &rest[open + 1..close];
        path.push_str(&rest[..open]);
        match segments.iter().find(|(n, _)| *n == name) {
            Some((_, segment)) => path.push_str(segment),
            None => path.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

/// The text of a parameter value of a structured type: a JSON string as its
/// content (enums), anything else as its JSON text.
pub(crate) fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

/// Encodes a request body as JSON.
pub(crate) fn json_body<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, RequestError> {
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
    fn a_body_carries_its_media_type() {
        let mut r = RequestBuilder::new("op", Method::Post, "/certs", false);
        r.bytes(Some(&b"-----BEGIN CERTIFICATE-----".to_vec()), "application/x-pem-file");
        let request = r.build();
        assert_eq!(request.content_type.as_deref(), Some("application/x-pem-file"));
        let mut r = RequestBuilder::new("op", Method::Put, "/things", true);
        r.json(Some(&serde_json::json!({"a": 1})), "application/json").expect("encodes");
        let request = r.build();
        assert_eq!(
            (request.content_type.as_deref(), request.body.as_deref()),
            (Some("application/json"), Some(&b"{\"a\":1}"[..]))
        );
        assert_eq!(r.build().content_type, None, "the builder is left empty");
        let mut r = RequestBuilder::new("op", Method::Put, "/things", true);
        r.json(None::<&()>, "application/json").expect("nothing to encode");
        assert_eq!(r.build().content_type, None, "no body, no content type");
    }

    #[test]
    fn the_path_is_the_template_with_its_parameters_set() {
        let mut r = RequestBuilder::new("op", Method::Get, "/a/{second}/b/{first}/{unknown}", true);
        r.segment("first", "1 1").expect("valid");
        r.segment("second", &2).expect("valid");
        assert_eq!(r.build().path, "/a/2/b/1%201/{unknown}");
        // Built again, the builder has forgotten the parameters.
        assert_eq!(r.build().path, "/a/{second}/b/{first}/{unknown}");
        assert_eq!(RequestBuilder::new("op", Method::Get, "/plain", true).build().path, "/plain");
    }

    #[test]
    fn header_values_cannot_split() {
        assert!(header_value("X", "ok value\tx".to_owned()).is_ok());
        assert_eq!(header_value("X", "a\r\nEvil: 1".to_owned()), Err(RequestError::InvalidHeader("X")));
        assert_eq!(header_value("X", "a\nb".to_owned()), Err(RequestError::InvalidHeader("X")));
    }
}
