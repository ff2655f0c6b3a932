//! What every generated operation is: a typed request that builds an HTTP
//! request without doing I/O, and the decoding of its documented responses.

use serde::de::DeserializeOwned;

use super::{DecodeError, Method, Request, RequestError};

/// A generated operation. The request struct holds the parameters and the
/// body; `Response` is the enum of its documented responses. Generated
/// crates implement it, one request struct per operation of their spec:
/// `to_request` builds the [`Request`] without I/O, `decode_response` reads
/// a status and body into `Response`.
pub trait Operation {
    /// The operationId.
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template (`/api/v1/apps/{appId}`).
    const PATH: &'static str;
    /// Whether sending it twice has the effect of sending it once: its
    /// method is idempotent, or the spec marks it `x-idempotent: true`
    /// (Okta's lifecycle POSTs). Only these are retried after a transient failure.
    const IDEMPOTENT: bool;
    /// The OAuth 2.0 scopes an access token needs for it (`okta.apps.read`),
    /// as the spec's security requirement lists them; empty when it names none.
    const SCOPES: &'static [&'static str];
    /// The member names the spec marks secret (`format: password`,
    /// `x-okta-secret`), redacted with [`super::SECRET_MEMBERS`] wherever the
    /// client prints a body of this operation.
    const SECRET_MEMBERS: &'static [&'static str] = &[];
    /// The documented responses.
    type Response: Send + Sync + 'static;
    /// What it answers when it succeeds: the body of its first documented
    /// 2xx response, `()` when that has none (or none is documented).
    type Success;

    /// Builds the request: the path with each parameter as one
    /// percent-encoded segment, the query pairs, checked headers and the body.
    fn to_request(&self) -> Result<Request, RequestError>;

    /// Decodes a response by its status. A success body that does not decode
    /// is an error naming the JSON path; an error body that does not decode
    /// is kept raw, as is a status the spec does not document.
    fn decode_response(status: u16, body: &[u8]) -> Result<Self::Response, DecodeError>;

    /// The success value of a decoded response; any other response back.
    fn into_success(response: Self::Response) -> Result<Self::Success, Self::Response>;
}

/// What a generated `operations::OPERATIONS` table says of each operation:
/// enough to route a request to it, as a server (the fake org) or a proxy
/// would, and to read its answers without naming its type.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    /// The operationId.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template (`/api/v1/apps/{appId}`).
    pub path: &'static str,
    /// The OAuth 2.0 scopes it needs.
    pub scopes: &'static [&'static str],
    /// Reads a response as the operation does ([`read_response`]): whether
    /// it is the operation's success, or where its body does not decode.
    pub read: fn(u16, &[u8]) -> Result<bool, DecodeError>,
}

/// Decodes a response of `O` by its status: `true` for its success, `false`
/// for any other documented or undocumented answer.
///
/// # Errors
/// When a success body does not decode as documented.
pub fn read_response<O: Operation>(status: u16, body: &[u8]) -> Result<bool, DecodeError> {
    O::decode_response(status, body).map(|response| O::into_success(response).is_ok())
}

impl OperationInfo {
    /// What `O` says of itself.
    pub const fn of<O: Operation>() -> Self {
        Self { id: O::OPERATION_ID, method: O::METHOD, path: O::PATH, scopes: O::SCOPES, read: read_response::<O> }
    }

    /// Whether a request of `method` on `path` (without its query) is this
    /// operation: each `{param}` of the template takes one non-empty segment.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if !self.method.as_str().eq_ignore_ascii_case(method) {
            return false;
        }
        let mut template = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return true,
                (Some(t), Some(a)) if t.starts_with('{') && t.ends_with('}') => {
                    if a.is_empty() {
                        return false;
                    }
                }
                (Some(t), Some(a)) if t == a => {}
                _ => return false,
            }
        }
    }

    /// The operation of `table` a request is, if any.
    pub fn find(table: &'static [OperationInfo], method: &str, path: &str) -> Option<&'static OperationInfo> {
        // A literal segment beats a parameter (`/apps/{id}` vs `/apps/search`).
        table.iter().filter(|op| op.matches(method, path)).min_by_key(|op| op.path.matches('{').count())
    }
}

/// A list operation whose pages a client follows: it answers an array of
/// `Item`, and takes an `after` cursor or sends its next page in a `Link`
/// header.
pub trait Paged: Operation<Success = Vec<Self::Item>> {
    /// One item of a page.
    type Item: DeserializeOwned;
}

/// A response kept as received: a status the spec does not document for the
/// operation, or an error body that did not decode as documented. `Debug`
/// shows the body redacted ([`super::redact_body`]); `body` holds it as sent.
#[derive(Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body as received.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("body", &super::redact_body(&self.body, &[]))
            .finish()
    }
}

impl RawResponse {
    /// A copy of `body` with its status.
    pub fn new(status: u16, body: &[u8]) -> Self {
        Self { status, body: body.to_vec() }
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// Decodes a documented error body as `variant`; one that does not decode is
/// kept raw as `other`, since an error must not be lost to a decoding error.
pub fn error_body<T: DeserializeOwned, R>(
    status: u16,
    body: &[u8],
    variant: impl FnOnce(T) -> R,
    other: impl FnOnce(RawResponse) -> R,
) -> R {
    super::from_slice(body).map_or_else(|_| other(RawResponse::new(status, body)), variant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum R {
        Error(serde_json::Value),
        Other(RawResponse),
    }

    #[test]
    fn an_error_body_decodes_or_is_kept_raw() {
        assert_eq!(error_body(400, br#"{"a":1}"#, R::Error, R::Other), R::Error(serde_json::json!({"a": 1})));
        let raw = error_body(502, b"<html>bad gateway", R::Error, R::Other);
        let R::Other(raw) = raw else { panic!("kept raw: {raw:?}") };
        assert_eq!((raw.status, raw.text().as_ref()), (502, "<html>bad gateway"));
    }

    const TABLE: &[OperationInfo] = &[
        OperationInfo {
            id: "get",
            method: Method::Get,
            path: "/api/v1/apps/{appId}",
            scopes: &["okta.apps.read"],
            read: |_, _| Ok(true),
        },
        OperationInfo {
            id: "search",
            method: Method::Get,
            path: "/api/v1/apps/search",
            scopes: &[],
            read: |_, _| Ok(true),
        },
        OperationInfo { id: "list", method: Method::Get, path: "/api/v1/apps", scopes: &[], read: |_, _| Ok(true) },
    ];

    #[test]
    fn a_request_finds_its_operation_literal_segments_first() {
        let id = |method, path| OperationInfo::find(TABLE, method, path).map(|op| op.id);
        assert_eq!(id("GET", "/api/v1/apps/0oa1"), Some("get"));
        assert_eq!(id("get", "/api/v1/apps/search"), Some("search"));
        assert_eq!(id("GET", "/api/v1/apps"), Some("list"));
        assert_eq!(id("GET", "/api/v1/apps/"), None);
        assert_eq!(id("GET", "/api/v1/apps/0oa1/users"), None);
        assert_eq!(id("POST", "/api/v1/apps/0oa1"), None);
    }
}
