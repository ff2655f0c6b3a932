//! The one error type of the client.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use okta_runtime::{DecodeError, ErrorBody, RawBody, RequestError};

use super::RateLimit;

/// Everything that can go wrong talking to Okta. Cheap to clone; no
/// variant's `Debug` or `Display` shows a credential or a secret member of a
/// body (bodies print redacted; [`RawBody::expose`] gives them whole).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Okta answered with an error status (after any retries).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// A response (or one item of a page) did not decode; the raw JSON is kept.
    #[error("{operation}: cannot decode the response: {source}")]
    Decode {
        /// The operationId.
        operation: &'static str,
        /// Where in the JSON and why.
        source: DecodeError,
        /// The JSON that did not decode (the whole body, or the one item),
        /// printed redacted.
        raw: RawBody,
    },
    /// The request could not be sent or the response not read (after any retries).
    #[error("{operation}: {source} ({attempts} attempt{s})", s = if *attempts == 1 { "" } else { "s" })]
    Transport {
        /// The operationId.
        operation: &'static str,
        /// What reqwest said of the last attempt.
        source: Arc<reqwest::Error>,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The call ran out of time: the next attempt or wait would end past
    /// [`RetryPolicy::deadline`](super::RetryPolicy::deadline).
    #[error("{operation}: gave up after {attempts} attempt{s}: the call's deadline of {deadline:?} would pass{}",
        last.as_ref().map(|e| format!(" (last failure: {e})")).unwrap_or_default(),
        s = if *attempts == 1 { "" } else { "s" })]
    DeadlineExceeded {
        /// The operationId.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The deadline of the call.
        deadline: std::time::Duration,
        /// What failed last, if an attempt ended before the deadline: the
        /// 429 or transient failure that would have been retried.
        last: Option<Box<Error>>,
    },
    /// An argument cannot make a valid request (empty id, line break in a header).
    #[error("{operation}: invalid input: {source}")]
    InvalidInput {
        /// The operationId.
        operation: &'static str,
        /// What is wrong.
        source: RequestError,
    },
    /// A `next` link points outside the org: following it would send the token elsewhere.
    #[error("{operation}: refusing to follow a next link to another origin: {url}")]
    ForeignNextLink {
        /// The operationId.
        operation: &'static str,
        /// The link as sent.
        url: String,
    },
    /// A `next` link leads back to a page of this listing already read:
    /// following it would give the same items again, without end.
    #[error("{operation}: the next link leads back to a page already read: {url}")]
    PageLoop {
        /// The operationId.
        operation: &'static str,
        /// The page's URL.
        url: String,
    },
    /// A page's `Link` header cannot be read (not ASCII, or not RFC 8288),
    /// so whether more pages follow is unknown.
    #[error("{operation}: cannot read the Link header of a page: {reason}")]
    InvalidLinkHeader {
        /// The operationId.
        operation: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The server answered with a redirect (3xx). Redirects are not followed
    /// unless [`ClientBuilder::follow_redirects`](super::ClientBuilder::follow_redirects)
    /// says so, and then only on the org's own origin.
    #[error("{operation}: the server answered {status}, a redirect{}, which is not followed",
        location.as_ref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirect {
        /// The operationId.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The origin (scheme, host and port) the redirect points to, never
        /// its path or query; `None` without a readable `Location`.
        location: Option<String>,
    },
    /// A response body is larger than
    /// [`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes);
    /// reading stopped there.
    #[error("{operation}: the response is larger than {limit} bytes")]
    ResponseTooLarge {
        /// The operationId.
        operation: &'static str,
        /// The limit.
        limit: u64,
    },
    /// The org's token endpoint refused to issue an access token (OAuth 2.0
    /// for a service app), after any retries.
    #[error("{operation}: the token endpoint answered {status}{}{}",
        error.as_ref().map(|e| format!(" {e}")).unwrap_or_default(),
        description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Token {
        /// The operationId of the call that needed the token.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The OAuth `error` code (`invalid_client`, `invalid_scope`,
        /// `invalid_dpop_proof`, ...), if the body had one.
        error: Option<String>,
        /// The OAuth `error_description`, if any.
        description: Option<String>,
        /// `X-Okta-Request-Id`.
        request_id: Option<String>,
    },
    /// A private key is unusable, or signing with it failed.
    #[error(transparent)]
    Key(#[from] super::jose::KeyError),
    /// The client is configured wrongly (a plain-http org URL, a bad URL).
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// An error status from Okta, with what it said. `Debug` shows Okta's error
/// code, summary and causes, the headers without credentials and the body
/// redacted.
#[derive(Clone)]
pub struct ApiError {
    /// The operationId.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// Okta's error object (errorCode, errorSummary, errorLink, errorId,
    /// errorCauses), when the body is one.
    pub error: Option<ErrorBody>,
    /// The response as the operation's own decoder read it (its documented
    /// error variant, or `Other`); see [`ApiError::response`].
    pub(super) response: Option<Decoded>,
    /// `X-Okta-Request-Id`, for Okta support.
    pub request_id: Option<String>,
    /// The response headers; credential headers (`Set-Cookie`, ...) are
    /// marked sensitive, so `Debug` does not show them.
    pub headers: reqwest::header::HeaderMap,
    /// The body as received; `Debug` shows it redacted, [`RawBody::expose`] whole.
    pub body: RawBody,
    /// How long the server asked the client to wait before sending again
    /// (`X-Rate-Limit-Reset` after a 429, else `Retry-After`), if it said.
    /// When it asks for longer than the retry policy's longest wait, the
    /// client returns this error rather than sleep.
    pub retry_after: Option<std::time::Duration>,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
    /// How many times the request was retried before giving up.
    pub retries: u32,
}

/// A decoded response of any operation, kept for [`ApiError::response`].
#[derive(Clone)]
pub(super) struct Decoded(Arc<dyn Any + Send + Sync>);

impl Decoded {
    /// Keeps `response`.
    pub(super) fn new<R: Any + Send + Sync>(response: R) -> Self {
        Self(Arc::new(response))
    }
}

impl fmt::Debug for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Decoded(..)")
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the decoded error object: members Okta adds to it are shown
        // only through the redacted body.
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("code", &self.code())
            .field("summary", &self.summary())
            .field("causes", &self.causes())
            .field("request_id", &self.request_id)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("retry_after", &self.retry_after)
            .field("rate_limit", &self.rate_limit)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

impl ApiError {
    /// The response as the operation decodes it: its documented error
    /// variant (a `NotFound(error)` of the operation's response enum) or
    /// `Other`, when `R` is that operation's `Response` type.
    ///
    /// ```no_run
    /// use okta_runtime::Operation;
    /// use okta_client::{Client, Error};
    ///
    /// async fn documented<O: Operation>(client: &Client, op: &O) -> Option<O::Response>
    /// where
    ///     O::Response: Clone + 'static,
    /// {
    ///     let error: Error = client.send(op).await.err()?;
    ///     error.api()?.response::<O::Response>().cloned()
    /// }
    /// ```
    pub fn response<R: Any>(&self) -> Option<&R> {
        self.response.as_ref()?.0.downcast_ref()
    }

    /// Okta's error code (`E0000007`), if the body had one.
    pub fn code(&self) -> Option<&str> {
        self.error.as_ref()?.error_code.as_deref()
    }

    /// Okta's summary of the error, if the body had one.
    pub fn summary(&self) -> Option<&str> {
        self.error.as_ref()?.error_summary.as_deref()
    }

    /// The summaries of the error's causes.
    pub fn causes(&self) -> Vec<&str> {
        self.error.as_ref().map(ErrorBody::causes).unwrap_or_default()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if let Some(code) = self.code() {
            write!(f, " {code}")?;
        }
        if let Some(summary) = self.summary() {
            write!(f, ": {summary}")?;
        }
        let causes = self.causes();
        if !causes.is_empty() {
            write!(f, " ({})", causes.join("; "))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        if self.retries > 0 {
            write!(f, " after {} retries", self.retries)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (the server asks to wait {} s)", wait.as_secs())?;
        }
        Ok(())
    }
}

impl Error {
    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of an API error (or of the last failure before a deadline).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::DeadlineExceeded { last: Some(last), .. } => last.status(),
            Error::Token { status, .. } => Some(*status),
            _ => self.api().map(|e| e.status),
        }
    }
}
