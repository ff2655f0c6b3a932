//! The async client: sends any generated operation with reqwest
//! ([`Client::send`]), follows pages, survives rate limits and transient
//! failures, and keeps the token out of every printout. Each operation also
//! has an endpoint function on [`Client`] (`client.list_applications()`),
//! generated, returning the builder of the same name in this module.

mod call;
mod error;
pub(crate) mod jose;
mod link;
mod oauth;
mod retry;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use tracing::Instrument;

use crate::runtime::{Request, Secret};

pub use call::Page;
pub use error::{ApiError, Error};
#[doc(hidden)]
pub use futures_core::Stream;
pub use jose::{KeyError, PrivateKey};

pub use crate::endpoints::*;
pub use retry::RetryPolicy;

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
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    org_url: String,
    auth: Option<Auth>,
    service_app: Option<(String, PrivateKey)>,
    scopes: Option<Vec<String>>,
    refresh_early: Duration,
    dpop: oauth::DpopMode,
    dpop_key: Option<PrivateKey>,
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

    /// Sets how the client authenticates (replacing a service app set with
    /// [`ClientBuilder::private_key`]).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self.service_app = None;
        self
    }

    /// Authenticates as an OAuth 2.0 service app: client credentials with a
    /// private-key JWT signed by `key` (RS256 or ES256 by its type). The
    /// client gets its own access tokens from `{org}/oauth2/v1/token`, keeps
    /// each until shortly before it expires ([`ClientBuilder::refresh_early`]),
    /// and fetches a new one once for all concurrent calls. A `401` with
    /// `invalid_token` gets one new token and one more attempt.
    ///
    /// DPoP is used when the token endpoint asks for it (or from the start
    /// with [`ClientBuilder::dpop`]).
    ///
    /// ```no_run
    /// # fn run() -> Result<(), okta_apps::Error> {
    /// use okta_apps::Client;
    /// use okta_apps::client::PrivateKey;
    ///
    /// let key = PrivateKey::from_file("service-app.pem")?;
    /// let client = Client::builder("https://example.okta.com")
    ///     .private_key("0oa1serviceapp", key)
    ///     .scopes(["okta.apps.read"])
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn private_key(mut self, client_id: impl Into<String>, key: PrivateKey) -> Self {
        self.service_app = Some((client_id.into(), key));
        self.auth = None;
        self
    }

    /// The scopes a service app asks for, each once (default: `okta.apps.read
    /// okta.apps.manage`, what the app calls need). Each operation says what
    /// it needs in `Operation::SCOPES`; [`crate::operations::SCOPES`] lists
    /// them all.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        let mut unique: Vec<String> = Vec::new();
        for scope in scopes.into_iter().map(Into::into) {
            if !unique.contains(&scope) {
                unique.push(scope);
            }
        }
        self.scopes = Some(unique);
        self
    }

    /// How long before its expiry a service app's token is replaced (default
    /// 5 minutes; never sooner than half the token's lifetime).
    pub fn refresh_early(mut self, early: Duration) -> Self {
        self.refresh_early = early;
        self
    }

    /// Sends DPoP proofs (RFC 9449) from the first request, rather than
    /// once the token endpoint asks for them.
    pub fn dpop(mut self, on: bool) -> Self {
        self.dpop = if on { oauth::DpopMode::On } else { oauth::DpopMode::Auto };
        self
    }

    /// The EC P-256 key DPoP proofs are signed with (default: one made in
    /// memory for this client).
    ///
    /// # Errors
    /// At [`ClientBuilder::build`], when the key is not EC P-256.
    pub fn dpop_key(mut self, key: PrivateKey) -> Self {
        self.dpop_key = Some(key);
        self
    }

    /// The timeout of each request (default 30 s). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When to send a request again (default: [`RetryPolicy::default`]).
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
        let credentials = match (self.auth, self.service_app) {
            (Some(auth), _) => {
                auth.header()?;
                Credentials::Static(auth)
            }
            (None, Some((client_id, key))) => {
                let settings = oauth::Settings {
                    client_id,
                    key,
                    scopes: self.scopes,
                    refresh_early: self.refresh_early,
                    dpop: self.dpop,
                    dpop_key: self.dpop_key,
                };
                Credentials::ServiceApp(Box::new(oauth::OAuth::new(settings, &base)?))
            }
            (None, None) => {
                return Err(Error::Config("no API token, access token or service app key given".to_owned()));
            }
        };
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .user_agent(self.user_agent)
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client { inner: Arc::new(Inner { http, base, credentials, retry: self.retry }) })
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
        request_id(&self.headers)
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

    /// The error for this response, without the operation's own decoding
    /// (a 429 or transient failure that was to be retried).
    fn api_error(self, operation: &'static str) -> Error {
        self.api_error_with(operation, None)
    }

    /// The error for this response, with what the operation's decoder made of it.
    fn api_error_with(self, operation: &'static str, response: Option<error::Decoded>) -> Error {
        let error = crate::runtime::from_slice::<crate::models::Error>(&self.body).ok();
        Error::Api(Box::new(ApiError {
            operation,
            status: self.status,
            error,
            response,
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
            service_app: None,
            scopes: None,
            refresh_early: oauth::DEFAULT_REFRESH_EARLY,
            dpop: oauth::DpopMode::Auto,
            dpop_key: None,
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
    async fn send_request(&self, request: Request) -> Result<Raw, Error> {
        let mut url = self.inner.base.clone();
        url.set_path(&request.path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let target = Target {
            operation: request.operation,
            method: request.method,
            template: request.template,
            idempotent: request.idempotent,
        };
        let content_type = request.content_type.unwrap_or_else(|| "application/octet-stream".to_owned());
        let body = request.body.map(|body| (content_type, body));
        self.send_url(target, url, request.headers, body, request.accept).await
    }

    /// Sends to a full URL (a `next` link), retrying as the policy says.
    async fn send_url(
        &self,
        target: Target,
        url: reqwest::Url,
        headers: Vec<(&'static str, String)>,
        body: Option<(String, Vec<u8>)>,
        accept: Option<&'static str>,
    ) -> Result<Raw, Error> {
        let Target { operation, method, template, idempotent } = target;
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
            let policy = self.inner.retry;
            let method = reqwest::Method::from_bytes(method.as_str().as_bytes())
                .map_err(|_| Error::Config(format!("unsupported method {method}")))?;
            let started = Instant::now();
            let mut retry_for: Option<String> = None;
            let mut attempt: u32 = 0;
            // What a service app's 401 may ask for once each: a new DPoP
            // nonce, a new token (not the one of generation `rejected`).
            let (mut nonce_resent, mut token_resent, mut resends) = (false, false, 0u32);
            let mut rejected: Option<u64> = None;
            loop {
                let (authorization, proof, generation) = self.authorization(operation, &method, &url, rejected).await?;
                let mut builder = self
                    .inner
                    .http
                    .request(method.clone(), url.clone())
                    .header(header::AUTHORIZATION, authorization)
                    .header(header::ACCEPT, accept.unwrap_or("application/json"));
                if let Some(proof) = proof {
                    builder = builder.header("DPoP", proof);
                }
                for (name, value) in &headers {
                    builder = builder.header(*name, value.as_str());
                }
                if let Some((content_type, body)) = &body {
                    builder = builder.header(header::CONTENT_TYPE, content_type.as_str()).body(body.clone());
                }
                let sent_before = attempt + resends;
                if sent_before > 0 {
                    if let Some(id) = &retry_for {
                        builder = builder.header("X-Okta-Retry-For", id.as_str());
                    }
                    builder = builder.header("X-Okta-Retry-Count", sent_before.to_string());
                }
                let span = tracing::Span::current();
                span.record("retries", sent_before);
                let outcome = match policy.call_deadline() {
                    Some(deadline) => {
                        let left = deadline.saturating_sub(started.elapsed());
                        match tokio::time::timeout(left, exchange(builder, sent_before)).await {
                            Ok(outcome) => outcome,
                            Err(_) => {
                                return Err(Error::DeadlineExceeded {
                                    operation,
                                    attempts: sent_before + 1,
                                    deadline,
                                    last: None,
                                });
                            }
                        }
                    }
                    None => exchange(builder, sent_before).await,
                };
                // What failed, and how long to wait before sending again; or the result.
                let (failure, wait) = match outcome {
                    Ok(raw) => {
                        span.record("status", raw.status);
                        if let Some(id) = raw.request_id() {
                            span.record("request_id", id.as_str());
                        }
                        if let (401, Credentials::ServiceApp(oauth)) = (raw.status, &self.inner.credentials) {
                            match oauth.challenge(&url, &raw.headers) {
                                Some(oauth::Challenge::Nonce) if !nonce_resent => {
                                    tracing::info!("the API asks for a new DPoP nonce; sending again with it");
                                    nonce_resent = true;
                                    resends += 1;
                                    continue;
                                }
                                Some(oauth::Challenge::InvalidToken) if !token_resent => {
                                    tracing::info!("the API refused the access token; sending again with a new one");
                                    token_resent = true;
                                    rejected = generation;
                                    resends += 1;
                                    continue;
                                }
                                _ => {}
                            }
                        }
                        let wait = if attempt >= policy.max() {
                            None
                        } else if raw.status == 429 {
                            Some(policy.rate_limit_wait(&raw.headers))
                        } else if retry::is_transient_status(raw.status) && policy.retries_transient(idempotent) {
                            Some(policy.transient_wait(attempt, Some(&raw.headers)))
                        } else {
                            None
                        };
                        let Some(wait) = wait else { return Ok(raw) };
                        if retry_for.is_none() {
                            retry_for = raw.request_id();
                        }
                        (raw.api_error(operation), wait)
                    }
                    Err(source) => {
                        let retryable = retry::is_transient_error(&source) && policy.retries_transient(idempotent);
                        let error = Error::Transport { operation, source, attempts: sent_before + 1 };
                        if attempt >= policy.max() || !retryable {
                            return Err(error);
                        }
                        (error, policy.transient_wait(attempt, None))
                    }
                };
                if let Some(deadline) = policy.call_deadline() {
                    if started.elapsed() + wait > deadline {
                        return Err(Error::DeadlineExceeded {
                            operation,
                            attempts: sent_before + 1,
                            deadline,
                            last: Some(Box::new(failure)),
                        });
                    }
                }
                tracing::warn!(
                    attempt = sent_before + 1,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    status = failure.status(),
                    "request failed; sending it again"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }
}

impl Client {
    /// The `Authorization` header of one attempt, the DPoP proof if the
    /// token is DPoP-bound, and the token's generation (for a service app).
    async fn authorization(
        &self,
        operation: &'static str,
        method: &reqwest::Method,
        url: &reqwest::Url,
        rejected: Option<u64>,
    ) -> Result<(HeaderValue, Option<HeaderValue>, Option<u64>), Error> {
        match &self.inner.credentials {
            Credentials::Static(auth) => Ok((auth.header()?, None, None)),
            Credentials::ServiceApp(oauth) => {
                let token = oauth.token(&self.inner.http, &self.inner.retry, operation, rejected).await?;
                let (authorization, proof) = oauth.authorize(&token, method, url)?;
                Ok((authorization, proof, Some(token.generation)))
            }
        }
    }
}

/// Which operation a request is, for the span, errors and retries.
#[derive(Debug, Clone, Copy)]
struct Target {
    operation: &'static str,
    method: crate::runtime::Method,
    template: &'static str,
    idempotent: bool,
}

/// Sends one attempt and reads the whole body: an error either way is a
/// transport failure (no response, or one cut off).
async fn exchange(builder: reqwest::RequestBuilder, attempt: u32) -> Result<Raw, reqwest::Error> {
    let response = builder.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    Ok(Raw { status, headers, body, retries: attempt })
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
