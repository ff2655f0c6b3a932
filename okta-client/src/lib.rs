//! The async client of crates generated from Okta's OpenAPI descriptions,
//! on the sans-IO [`okta_runtime`]: it sends any generated operation with
//! reqwest and rustls on tokio ([`Client::send`]), follows pages, keeps to the
//! rate limit, survives transient failures, authenticates (API token, bearer,
//! private-key JWT, DPoP) and keeps every secret out of every printout. Like
//! the runtime, it names no schema and no operation of any spec.
//!
//! Every generated crate wraps it in a `Client` of its own
//! ([`client_type!`](crate::client_type)), with an endpoint function per
//! operation (`client.list_applications()`); its `client` feature (on by
//! default) brings this crate.

mod budget;
mod builder;
mod call;
mod error;
#[cfg(test)]
mod fuzz;
#[doc(hidden)]
pub mod jose;
mod link;
mod oauth;
mod retry;
mod send;

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderValue};

use okta_runtime::Secret;

pub use budget::{Pause, PauseCause};
pub use builder::{ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES, MAX_REDIRECTS};
pub use call::{Call, Items, Page, Pages};
pub use error::{ApiError, Error};
#[doc(hidden)]
pub use futures_core::Stream;
pub use jose::{KeyError, PrivateKey};

pub use retry::RetryPolicy;

/// The `User-Agent` sent by default.
pub const USER_AGENT: &str = concat!("okta-client-rust/", env!("CARGO_PKG_VERSION"));

/// How the client proves who it is.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// An API token: `Authorization: SSWS <token>`.
    ApiToken(Secret),
    /// An OAuth 2.0 access token: `Authorization: Bearer <token>`.
    Bearer(Secret),
}

impl Auth {
    /// An API token (`SSWS`).
    pub fn api_token(token: impl Into<Secret>) -> Self {
        Auth::ApiToken(token.into())
    }

    /// An OAuth 2.0 access token (`Bearer`).
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Auth::Bearer(token.into())
    }

    fn header(&self) -> Result<HeaderValue, Error> {
        let (scheme, token) = match self {
            Auth::ApiToken(t) => ("SSWS", t),
            Auth::Bearer(t) => ("Bearer", t),
        };
        sensitive_header(&format!("{scheme} {}", token.expose()))
    }
}

/// A header value holding a credential, marked sensitive so reqwest's and
/// hyper's debug output leave it out.
fn sensitive_header(value: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::Config("a credential holds characters a header cannot carry".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// `X-Okta-Request-Id`, if sent.
fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("x-okta-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::ApiToken(_) => f.write_str("ApiToken([redacted])"),
            Auth::Bearer(_) => f.write_str("Bearer([redacted])"),
        }
    }
}

/// The rate-limit headers of a response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-Rate-Limit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-Rate-Limit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-Rate-Limit-Reset`: when the window resets, in seconds since the epoch.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the headers; where one is sent several times, the smallest value counts.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let smallest =
            |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()?.trim().parse::<u64>().ok()).min();
        Self {
            limit: smallest("x-rate-limit-limit"),
            remaining: smallest("x-rate-limit-remaining"),
            reset: smallest("x-rate-limit-reset"),
        }
    }
}

/// A successful response: the value and what the headers said.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The decoded value.
    pub value: T,
    /// The HTTP status.
    pub status: u16,
    /// The rate-limit headers.
    pub rate_limit: RateLimit,
    /// `X-Okta-Request-Id`.
    pub request_id: Option<String>,
    /// How many times the request was sent again (after a 429 or a transient failure).
    pub retries: u32,
}

impl<T> Response<T> {
    /// The value, without the headers.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// A client for one Okta org. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: reqwest::Url,
    credentials: Credentials,
    retry: RetryPolicy,
    /// The largest body read.
    max_body: u64,
    /// How many same-origin redirects one request follows.
    redirects: u8,
    /// The share of each rate limit it uses, and the requests in flight.
    budget: Arc<budget::Budget>,
    /// Told of every wait before a request is sent.
    on_pause: Option<budget::PauseHook>,
}

/// What the client authenticates with.
#[derive(Debug)]
enum Credentials {
    /// A token given by the caller.
    Static(Auth),
    /// A service app, which gets its own tokens.
    ServiceApp(Box<oauth::OAuth>),
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("org", &self.inner.base.as_str())
            .field("auth", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("budget", &self.inner.budget)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The org URL.
    pub fn org_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// Whether `url` is on the org's own origin (scheme, host and port).
    fn same_origin(&self, url: &reqwest::Url) -> bool {
        url.origin() == self.inner.base.origin()
    }
}

/// Defines a generated crate's `Client`: a thin wrapper over this crate's
/// [`Client`], built by [`ClientBuilder`], that derefs to it (so `send`,
/// `call`, `page`, `pages`, `items` and `org_url` are there) and carries the
/// crate's endpoint functions as inherent methods.
#[doc(hidden)]
#[macro_export]
macro_rules! client_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name($crate::Client);

        impl $name {
            /// A builder for a client of the org at `org_url` (`https://example.okta.com`).
            pub fn builder(org_url: impl ::std::convert::Into<::std::string::String>) -> $crate::ClientBuilder<Self> {
                $crate::ClientBuilder::new(org_url)
            }

            /// The `okta_client::Client` this one wraps.
            pub fn runtime(&self) -> &$crate::Client {
                &self.0
            }
        }

        impl ::std::convert::From<$crate::Client> for $name {
            fn from(client: $crate::Client) -> Self {
                Self(client)
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = $crate::Client;

            fn deref(&self) -> &$crate::Client {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_headers_are_sensitive_and_never_printed() {
        let auth = Auth::api_token("tok-123");
        let header = auth.header().expect("valid");
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().expect("ascii"), "SSWS tok-123");
        assert_eq!(format!("{auth:?}"), "ApiToken([redacted])");
        assert_eq!(Auth::bearer("x").header().expect("valid").to_str().expect("ascii"), "Bearer x");
        assert!(Auth::api_token("a\nb").header().is_err());
    }
}
