//! The async client: sends the generated operations with reqwest, follows
//! pages, survives rate limits, and keeps the token out of every printout.

mod apps;
mod error;
mod link;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{self, HeaderMap, HeaderValue};
use tracing::Instrument;

use crate::runtime::{Request, Secret};

pub use apps::{
    ActivateApplication, CreateApplication, DeactivateApplication, DeleteApplication, GetApplication, ListApplications,
    Page, ReplaceApplication,
};
pub use error::{ApiError, Error};

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
        let mut value = HeaderValue::from_str(&format!("{scheme} {}", token.expose()))
            .map_err(|_| Error::Config("the token holds characters a header cannot carry".to_owned()))?;
        // Keeps it out of reqwest's and hyper's debug output.
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::ApiToken(_) => f.write_str("ApiToken([redacted])"),
            Auth::Bearer(_) => f.write_str("Bearer([redacted])"),
        }
    }
}

/// What to do when Okta answers 429 Too Many Requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_wait: Duration,
    jitter: Duration,
}

impl Default for RetryPolicy {
    /// Two retries, each waiting until `X-Rate-Limit-Reset` plus up to one
    /// second of jitter, never more than a minute.
    fn default() -> Self {
        Self { max_retries: 2, max_wait: Duration::from_secs(60), jitter: Duration::from_secs(1) }
    }
}

impl RetryPolicy {
    /// Never retry: a 429 is returned as an error at once.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// How many times a rate-limited request is sent again.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The longest wait before one retry, whatever the reset time says.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The most random time added to each wait, so clients do not retry in step.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// How long to wait after a 429 with these headers.
    fn wait(&self, headers: &HeaderMap) -> Duration {
        let now = headers
            .get(header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| httpdate::parse_http_date(d).ok())
            .unwrap_or_else(SystemTime::now);
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let until_reset = RateLimit::from_headers(headers)
            .reset
            .map_or(Duration::from_secs(1), |reset| Duration::from_secs(reset.saturating_sub(now)));
        let jitter = if self.jitter.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_millis(fastrand::u64(0..=self.jitter.as_millis().try_into().unwrap_or(u64::MAX)))
        };
        (until_reset + jitter).min(self.max_wait)
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
    /// How many times the request was retried after a 429.
    pub retries: u32,
}

impl<T> Response<T> {
    /// The value, without the headers.
    pub fn into_value(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
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
    auth: Auth,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("org", &self.inner.base.as_str())
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    org_url: String,
    auth: Option<Auth>,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    http: Option<reqwest::Client>,
}

/// The `User-Agent` sent by default.
pub const USER_AGENT: &str = concat!("okta-apps-rust/", env!("CARGO_PKG_VERSION"));

impl ClientBuilder {
    /// Authenticates with an API token (`SSWS`).
    pub fn api_token(self, token: impl Into<Secret>) -> Self {
        self.auth(Auth::api_token(token))
    }

    /// Authenticates with an OAuth 2.0 access token (`Bearer`).
    pub fn bearer_token(self, token: impl Into<Secret>) -> Self {
        self.auth(Auth::bearer(token))
    }

    /// Sets how the client authenticates.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The timeout of each request (default 30 s). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// What to do on 429 (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` (default [`USER_AGENT`]). Ignored with [`ClientBuilder::http_client`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through the caller's own reqwest client (its timeout, proxy and
    /// user agent apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and builds the client. The org URL must be https,
    /// except on a loopback host.
    pub fn build(self) -> Result<Client, Error> {
        let base = reqwest::Url::parse(self.org_url.trim_end_matches('/'))
            .map_err(|e| Error::Config(format!("org URL `{}`: {e}", self.org_url)))?;
        let loopback = match base.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match base.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(Error::Config(format!("org URL `{base}` must use https"))),
            other => return Err(Error::Config(format!("org URL scheme `{other}` is not https"))),
        }
        if base.host().is_none() || base.query().is_some() || base.path() != "/" {
            return Err(Error::Config(format!("org URL `{base}` must be an origin like https://example.okta.com")));
        }
        let auth = self.auth.ok_or_else(|| Error::Config("no API token or access token given".to_owned()))?;
        auth.header()?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .user_agent(self.user_agent)
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client { inner: Arc::new(Inner { http, base, auth, retry: self.retry }) })
    }
}

/// What came back, before it is decoded.
#[derive(Clone)]
struct Raw {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    retries: u32,
}

impl Raw {
    fn request_id(&self) -> Option<String> {
        self.headers.get("x-okta-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    fn response<T>(&self, value: T) -> Response<T> {
        Response {
            value,
            status: self.status,
            rate_limit: RateLimit::from_headers(&self.headers),
            request_id: self.request_id(),
            retries: self.retries,
        }
    }

    fn api_error(self, operation: &'static str) -> Error {
        let error = crate::runtime::from_slice::<crate::models::Error>(&self.body).ok();
        Error::Api(Box::new(ApiError {
            operation,
            status: self.status,
            error,
            request_id: self.request_id(),
            rate_limit: RateLimit::from_headers(&self.headers),
            body: String::from_utf8_lossy(&self.body).into_owned(),
            headers: self.headers,
            retries: self.retries,
        }))
    }
}

impl Client {
    /// A builder for a client of the org at `org_url` (`https://example.okta.com`).
    pub fn builder(org_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            org_url: org_url.into(),
            auth: None,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            user_agent: USER_AGENT.to_owned(),
            http: None,
        }
    }

    /// The org URL.
    pub fn org_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// Whether `url` is on the org's own origin (scheme, host and port).
    fn same_origin(&self, url: &reqwest::Url) -> bool {
        url.origin() == self.inner.base.origin()
    }

    /// Sends a request built by an operation to the org.
    async fn send(&self, request: Request) -> Result<Raw, Error> {
        let mut url = self.inner.base.clone();
        url.set_path(&request.path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        self.send_url(request.operation, request.method, request.template, url, request.headers, request.body).await
    }

    /// Sends to a full URL (a `next` link), retrying on 429.
    async fn send_url(
        &self,
        operation: &'static str,
        method: crate::runtime::Method,
        template: &'static str,
        url: reqwest::Url,
        headers: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<Raw, Error> {
        let span = tracing::info_span!(
            "okta.request",
            operation,
            method = method.as_str(),
            path = template,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            retries = tracing::field::Empty,
        );
        async move {
            let method = reqwest::Method::from_bytes(method.as_str().as_bytes())
                .map_err(|_| Error::Config(format!("unsupported method {method}")))?;
            let auth = self.inner.auth.header()?;
            let mut retry_for: Option<String> = None;
            let mut attempt: u32 = 0;
            loop {
                let mut builder = self
                    .inner
                    .http
                    .request(method.clone(), url.clone())
                    .header(header::AUTHORIZATION, auth.clone())
                    .header(header::ACCEPT, "application/json");
                for (name, value) in &headers {
                    builder = builder.header(*name, value.as_str());
                }
                if let Some(body) = &body {
                    builder = builder.header(header::CONTENT_TYPE, "application/json").body(body.clone());
                }
                if attempt > 0 {
                    if let Some(id) = &retry_for {
                        builder = builder.header("X-Okta-Retry-For", id.as_str());
                    }
                    builder = builder.header("X-Okta-Retry-Count", attempt.to_string());
                }
                let response = builder.send().await.map_err(|source| Error::Transport { operation, source })?;
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = response.bytes().await.map_err(|source| Error::Transport { operation, source })?.to_vec();
                let raw = Raw { status, headers, body, retries: attempt };
                let span = tracing::Span::current();
                span.record("status", status);
                span.record("retries", attempt);
                if let Some(id) = raw.request_id() {
                    span.record("request_id", id.as_str());
                }
                if status != 429 || attempt >= self.inner.retry.max_retries {
                    return Ok(raw);
                }
                let wait = self.inner.retry.wait(&raw.headers);
                tracing::warn!(wait_ms = wait.as_millis() as u64, attempt, "rate limited; waiting for the reset");
                if retry_for.is_none() {
                    retry_for = raw.request_id();
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_str(v).expect("valid"));
        }
        map
    }

    #[test]
    fn waits_until_the_reset_measured_against_the_date_header() {
        // Date: 1,700,000,000 s; reset 5 s later; the local clock plays no part.
        let h = headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT"), ("x-rate-limit-reset", "1700000005")]);
        let policy = RetryPolicy::default().jitter(Duration::ZERO);
        assert_eq!(policy.wait(&h), Duration::from_secs(5));
        let jittered = RetryPolicy::default().jitter(Duration::from_millis(300)).wait(&h);
        assert!(jittered >= Duration::from_secs(5) && jittered <= Duration::from_millis(5300), "{jittered:?}");
    }

    #[test]
    fn the_smallest_reset_counts_and_the_wait_is_capped() {
        let h = headers(&[
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("x-rate-limit-reset", "1700000090"),
            ("x-rate-limit-reset", "1700000030"),
        ]);
        let policy = RetryPolicy::default().jitter(Duration::ZERO);
        assert_eq!(RateLimit::from_headers(&h).reset, Some(1_700_000_030));
        assert_eq!(policy.wait(&h), Duration::from_secs(30));
        assert_eq!(policy.max_wait(Duration::from_secs(10)).wait(&h), Duration::from_secs(10));
    }

    #[test]
    fn a_reset_in_the_past_or_missing_waits_briefly() {
        let policy = RetryPolicy::default().jitter(Duration::ZERO);
        let past = headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT"), ("x-rate-limit-reset", "1600000000")]);
        assert_eq!(policy.wait(&past), Duration::ZERO);
        assert_eq!(policy.wait(&HeaderMap::new()), Duration::from_secs(1));
    }

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
