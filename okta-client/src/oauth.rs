//! OAuth 2.0 for service apps: client credentials with a private-key JWT
//! (RFC 7523), tokens cached and refreshed by one request at a time, and
//! DPoP (RFC 9449) proofs with nonces kept per server.
//!
//! Every attempt signs anew: a client assertion for each token request, a
//! DPoP proof for each request sent (429 and nonce retries included), since
//! Okta spends an assertion's or a proof's `jti` even when it refuses the request.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::json;

use super::jose::unix_now;
use super::jose::{self, PrivateKey};
use super::retry::Wait;
use super::send::{Failure, read};
use super::{Error, RetryPolicy, request_id, retry, sensitive_header};
use okta_runtime::Secret;

/// How long a client assertion is valid (Okta takes at most an hour).
const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);
/// By default a token is refreshed this long before it expires.
pub(super) const DEFAULT_REFRESH_EARLY: Duration = Duration::from_secs(300);
/// The scopes a service app asks for unless told: those of the app calls
/// themselves. Assignments, grants and the rest need more (see each
/// operation's `SCOPES`, and `operations::SCOPES` for all of them).
pub(super) const DEFAULT_SCOPES: &[&str] = &["okta.apps.read", "okta.apps.manage"];
/// The longest a token is kept, whatever its `expires_in` says.
const MAX_TOKEN_LIFETIME_SECS: u64 = 24 * 3600;
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long a failed token request is remembered: calls in that time get
/// its error at once rather than ask again.
const FAILURE_BACKOFF: Duration = Duration::from_secs(5);

/// Whether requests carry DPoP proofs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DpopMode {
    /// Only once the token endpoint says the client needs it.
    Auto,
    /// From the first request.
    On,
}

/// What the builder collects for a service app.
pub(super) struct Settings {
    pub(super) client_id: String,
    pub(super) key: PrivateKey,
    pub(super) scopes: Option<Vec<String>>,
    pub(super) refresh_early: Duration,
    pub(super) dpop: DpopMode,
    pub(super) dpop_key: Option<PrivateKey>,
}

/// A service app's credentials and its cached token.
pub(super) struct OAuth {
    client_id: String,
    key: PrivateKey,
    scope: String,
    token_url: reqwest::Url,
    refresh_early: Duration,
    dpop_on: AtomicBool,
    dpop_key: PrivateKey,
    /// The latest `DPoP-Nonce` of each server: the token endpoint, and the
    /// API of each origin.
    nonces: Mutex<HashMap<String, String>>,
    /// The token; held across a refresh, so concurrent calls wait for it.
    token: tokio::sync::Mutex<Slot>,
    generation: AtomicU64,
    /// The server's clock minus ours, in seconds, once a refusal showed they differ.
    clock_offset: AtomicI64,
}

/// The cached token and the last refresh that failed.
#[derive(Default)]
struct Slot {
    token: Option<Arc<Token>>,
    failure: Option<(Instant, Error)>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceApp")
            .field("client_id", &self.client_id)
            .field("key", &self.key)
            .field("scope", &self.scope)
            .field("dpop", &self.dpop_on.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// An access token and when to stop using it.
pub(super) struct Token {
    value: Secret,
    dpop: bool,
    refresh_at: Instant,
    expires_at: Instant,
    /// Counts tokens, so a call that saw this one rejected asks for a newer one.
    pub(super) generation: u64,
}

/// What the token endpoint answers.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// An OAuth error body.
#[derive(Deserialize, Default)]
struct OAuthError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

/// What a 401 from the API asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Challenge {
    /// `WWW-Authenticate: DPoP error="use_dpop_nonce"` with a `DPoP-Nonce`: send again with it.
    Nonce,
    /// `error="invalid_token"`: the token expired or was revoked; get a new one.
    InvalidToken,
    /// `error="invalid_dpop_proof"` for the proof's time, with a `Date`
    /// that shows our clock is off: the offset is learned, send again.
    Clock,
}

impl OAuth {
    pub(super) fn new(settings: Settings, base: &reqwest::Url) -> Result<Self, Error> {
        let token_url = base.join("/oauth2/v1/token").map_err(|e| Error::Config(format!("token endpoint URL: {e}")))?;
        let scope = match settings.scopes {
            Some(scopes) => scopes.join(" "),
            None => DEFAULT_SCOPES.join(" "),
        };
        if scope.trim().is_empty() {
            return Err(Error::Config("a service app needs at least one scope".to_owned()));
        }
        if settings.client_id.trim().is_empty() {
            return Err(Error::Config("the service app's client id is empty".to_owned()));
        }
        let dpop_key = match settings.dpop_key {
            Some(key) if key.algorithm() != "ES256" => {
                return Err(Error::Config("the DPoP key must be EC P-256".to_owned()));
            }
            Some(key) => key,
            None => PrivateKey::generate_es256()?,
        };
        Ok(Self {
            client_id: settings.client_id,
            key: settings.key,
            scope,
            token_url,
            refresh_early: settings.refresh_early,
            dpop_on: AtomicBool::new(settings.dpop == DpopMode::On),
            dpop_key,
            nonces: Mutex::new(HashMap::new()),
            token: tokio::sync::Mutex::new(Slot::default()),
            generation: AtomicU64::new(0),
            clock_offset: AtomicI64::new(0),
        })
    }

    /// A token to send: the cached one while it is fresh, and not the one
    /// of generation `rejected`; else a new one, fetched by one caller while
    /// the others wait. A failed fetch is every waiter's error, and the
    /// error of every call for [`FAILURE_BACKOFF`] after it.
    pub(super) async fn token(
        &self,
        http: &reqwest::Client,
        policy: &RetryPolicy,
        limit: u64,
        operation: &'static str,
        rejected: Option<u64>,
    ) -> Result<Arc<Token>, Error> {
        let mut slot = self.token.lock().await;
        let now = Instant::now();
        if let Some(token) = slot.token.as_ref() {
            if now < token.refresh_at && rejected != Some(token.generation) {
                return Ok(Arc::clone(token));
            }
        }
        let usable = |slot: &Slot| {
            slot.token.as_ref().filter(|t| now < t.expires_at && rejected != Some(t.generation)).map(Arc::clone)
        };
        if let Some((failed_at, error)) = &slot.failure {
            if failed_at.elapsed() < FAILURE_BACKOFF {
                return usable(&slot).ok_or_else(|| error.clone());
            }
        }
        match self.request_token(http, policy, limit, operation).await {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *slot = Slot { token: Some(Arc::clone(&fresh)), failure: None };
                Ok(fresh)
            }
            Err(error) => {
                slot.failure = Some((Instant::now(), error.clone()));
                // A refresh ahead of time that fails leaves the token in use until it expires.
                match usable(&slot) {
                    Some(token) => {
                        tracing::warn!(error = %error, "refreshing the access token failed; the current one is still valid");
                        Ok(token)
                    }
                    None => Err(error),
                }
            }
        }
    }

    /// The `Authorization` header (and `DPoP` proof) of one API request.
    pub(super) fn authorize(
        &self,
        token: &Token,
        method: &reqwest::Method,
        url: &reqwest::Url,
    ) -> Result<(HeaderValue, Option<HeaderValue>), Error> {
        let scheme = if token.dpop { "DPoP" } else { "Bearer" };
        let authorization = sensitive_header(&format!("{scheme} {}", token.value.expose()))?;
        let proof = if token.dpop {
            let ath = jose::sha256_b64(token.value.expose().as_bytes());
            Some(sensitive_header(&self.proof(method.as_str(), url, Some(&ath), &api_server(url))?)?)
        } else {
            None
        };
        Ok((authorization, proof))
    }

    /// Reads a 401 from the API; a nonce challenge stores the new nonce, a
    /// proof refused for its time the server's clock.
    pub(super) fn challenge(&self, url: &reqwest::Url, headers: &HeaderMap) -> Option<Challenge> {
        let www = headers.get_all(header::WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
        let error = www.iter().find_map(|v| auth_param(v, "error"))?;
        match error.as_str() {
            "use_dpop_nonce" => {
                let nonce = headers.get("dpop-nonce").and_then(|v| v.to_str().ok())?;
                self.set_nonce(api_server(url), nonce);
                Some(Challenge::Nonce)
            }
            "invalid_token" => Some(Challenge::InvalidToken),
            "invalid_dpop_proof" => {
                let description = www.iter().find_map(|v| auth_param(v, "error_description"));
                self.learn_clock(headers, description.as_deref()).then_some(Challenge::Clock)
            }
            _ => None,
        }
    }

    /// Keeps a `DPoP-Nonce` the API at `url` sent, on any answer.
    pub(super) fn observe(&self, url: &reqwest::Url, headers: &HeaderMap) {
        if let Some(nonce) = headers.get("dpop-nonce").and_then(|v| v.to_str().ok()) {
            self.set_nonce(api_server(url), nonce);
        }
    }

    /// After a refusal that `description` says is about time (`iat`,
    /// `exp`), takes the server's clock from its `Date`; whether that
    /// changed ours by enough to be worth sending again.
    fn learn_clock(&self, headers: &HeaderMap, description: Option<&str>) -> bool {
        let about_time = description.is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            ["iat", "exp", "issued", "future", "clock", "time", "stale", "too old"].iter().any(|w| d.contains(w))
        });
        let Some(server) = retry::server_date(headers).and_then(|d| i64::try_from(d).ok()) else { return false };
        if !about_time {
            return false;
        }
        let ours = i64::try_from(unix_now()).unwrap_or(i64::MAX);
        let offset = server.saturating_sub(ours);
        let before = self.clock_offset.swap(offset, Ordering::Relaxed);
        let changed = offset.abs_diff(before) >= 2;
        if changed {
            tracing::warn!(offset_s = offset, "the server's clock differs from ours; signing on its clock");
        }
        changed
    }

    /// Now on the server's clock, as far as we know it, in seconds since the epoch.
    fn now(&self) -> u64 {
        let ours = i64::try_from(unix_now()).unwrap_or(i64::MAX);
        u64::try_from(ours.saturating_add(self.clock_offset.load(Ordering::Relaxed))).unwrap_or(0)
    }

    fn nonce(&self, server: &str) -> Option<String> {
        self.nonces.lock().unwrap_or_else(PoisonError::into_inner).get(server).cloned()
    }

    fn set_nonce(&self, server: String, nonce: &str) {
        self.nonces.lock().unwrap_or_else(PoisonError::into_inner).insert(server, nonce.to_owned());
    }

    /// Asks the token endpoint for a token: a fresh assertion (and proof) for
    /// every attempt; one more attempt when it asks for DPoP, one for a
    /// nonce, and one when it refuses the assertion's or proof's time and its
    /// `Date` shows our clock is off; 429 and transient failures retried as
    /// the policy says. A nonce on any answer is kept.
    async fn request_token(
        &self,
        http: &reqwest::Client,
        policy: &RetryPolicy,
        limit: u64,
        operation: &'static str,
    ) -> Result<Token, Error> {
        let (mut switched_to_dpop, mut used_nonce, mut fixed_clock, mut attempt) = (false, false, false, 0u32);
        loop {
            let dpop = self.dpop_on.load(Ordering::Relaxed);
            let assertion = self.assertion()?;
            let form = [
                ("grant_type", "client_credentials"),
                ("scope", self.scope.as_str()),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", assertion.as_str()),
            ];
            let mut request = http
                .post(self.token_url.clone())
                .header(header::ACCEPT, "application/json")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish());
            if dpop {
                let proof = self.proof("POST", &self.token_url, None, TOKEN_SERVER)?;
                request = request.header("DPoP", sensitive_header(&proof)?);
            }
            tracing::info!(attempt = attempt + 1, dpop, "requesting an access token");
            let sent = Instant::now();
            let exchanged = match request.send().await {
                Ok(response) => read(response, limit).await,
                Err(source) => Err(Failure::Transport(source)),
            };
            let (status, headers, body) = match exchanged {
                Ok(answer) => answer,
                Err(Failure::TooLarge) => return Err(Error::ResponseTooLarge { operation, limit }),
                Err(Failure::Transport(source)) => {
                    if attempt < policy.max() && retry::is_transient_error(&source) {
                        if let Wait::Sleep(wait) = policy.wait(None, attempt, None) {
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    return Err(Error::Transport { operation, source: source.into(), attempts: attempt + 1 });
                }
            };
            let new_nonce = headers.get("dpop-nonce").and_then(|v| v.to_str().ok()).map(str::to_owned);
            if let Some(nonce) = &new_nonce {
                self.set_nonce(TOKEN_SERVER.to_owned(), nonce);
            }
            if status == 200 {
                return self.issued(&body, &headers, sent, operation);
            }
            if (status == 429 || retry::is_transient_status(status)) && attempt < policy.max() {
                if let Wait::Sleep(wait) = policy.wait(Some(status), attempt, Some(&headers)) {
                    tracing::warn!(status, attempt = attempt + 1, "the token endpoint failed; asking again");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            let error: OAuthError = serde_json::from_slice(&body).unwrap_or_default();
            match error.error.as_deref() {
                Some("use_dpop_nonce") if dpop && !used_nonce && new_nonce.is_some() => {
                    tracing::info!("the token endpoint asks for a DPoP nonce; asking again with it");
                    used_nonce = true;
                    continue;
                }
                Some("invalid_dpop_proof") if !dpop && !switched_to_dpop => {
                    tracing::info!("the service app needs DPoP; asking again with a proof");
                    self.dpop_on.store(true, Ordering::Relaxed);
                    switched_to_dpop = true;
                    continue;
                }
                Some("invalid_client" | "invalid_grant" | "invalid_dpop_proof" | "invalid_request")
                    if !fixed_clock && self.learn_clock(&headers, error.error_description.as_deref()) =>
                {
                    fixed_clock = true;
                    continue;
                }
                _ => {}
            }
            return Err(Error::Token {
                operation,
                status,
                error: error.error,
                description: error.error_description,
                request_id: request_id(&headers),
            });
        }
    }

    /// The token of a `200` from the token endpoint.
    fn issued(&self, body: &[u8], headers: &HeaderMap, sent: Instant, operation: &'static str) -> Result<Token, Error> {
        let refused = |description: String| Error::Token {
            operation,
            status: 200,
            error: None,
            description: Some(description),
            request_id: request_id(headers),
        };
        // serde_json's message names no value, so no token is echoed.
        let answer: TokenResponse =
            serde_json::from_slice(body).map_err(|e| refused(format!("the token response does not decode: {e}")))?;
        if answer.access_token.expose().is_empty() {
            return Err(refused("the token response has an empty access_token".to_owned()));
        }
        let dpop = answer.token_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("DPoP"));
        if dpop {
            self.dpop_on.store(true, Ordering::Relaxed);
        }
        // An hour if unsaid; a day at most, whatever the server says.
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600).min(MAX_TOKEN_LIFETIME_SECS));
        // Early enough, but never sooner than half the token's life.
        let early = self.refresh_early.min(lifetime / 2);
        tracing::info!(dpop, "access token issued");
        Ok(Token {
            value: answer.access_token,
            dpop,
            refresh_at: sent + lifetime - early,
            expires_at: sent + lifetime,
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        })
    }

    /// A client assertion: signed by the app's key, new `jti`, five minutes.
    fn assertion(&self) -> Result<String, Error> {
        let now = self.now();
        let claims = json!({
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.token_url.as_str(),
            "iat": now,
            "exp": now + ASSERTION_LIFETIME.as_secs(),
            "jti": jose::random_id()?,
        });
        Ok(self.key.sign_jwt(json!({ "typ": "JWT" }), &claims, true)?)
    }

    /// A DPoP proof for one request to `url`, with the server's nonce if known.
    fn proof(&self, method: &str, url: &reqwest::Url, ath: Option<&str>, server: &str) -> Result<String, Error> {
        let mut claims = json!({
            "jti": jose::random_id()?,
            "htm": method,
            "htu": htu(url),
            "iat": self.now(),
        });
        if let Some(object) = claims.as_object_mut() {
            if let Some(nonce) = self.nonce(server) {
                object.insert("nonce".to_owned(), nonce.into());
            }
            if let Some(ath) = ath {
                object.insert("ath".to_owned(), ath.into());
            }
        }
        let header = json!({ "typ": "dpop+jwt", "jwk": self.dpop_key.public_members() });
        Ok(self.dpop_key.sign_jwt(header, &claims, false)?)
    }
}

/// The value of parameter `name` in a `WWW-Authenticate` value
/// (`DPoP error="use_dpop_nonce", error_description="..."`), quoted or not.
pub(super) fn auth_param(value: &str, name: &str) -> Option<String> {
    let mut rest = value;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(after) = after.strip_prefix('=') else { continue };
        let after = after.trim_start();
        return Some(match after.strip_prefix('"') {
            Some(quoted) => {
                let mut out = String::new();
                let mut chars = quoted.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => out.extend(chars.next()),
                        c => out.push(c),
                    }
                }
                out
            }
            None => after.split([',', ' ']).next().unwrap_or_default().to_owned(),
        });
    }
    None
}

/// The nonce key of the token endpoint (one authorization server per client).
const TOKEN_SERVER: &str = "token";

/// The nonce key of the API at `url`'s origin.
fn api_server(url: &reqwest::Url) -> String {
    format!("api {}", url.origin().ascii_serialization())
}

/// DPoP's `htu`: the URL without query and fragment, as the url crate
/// normalises it (lowercase scheme and host, no default port).
pub(crate) fn htu(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A service app of example.okta.com with a key made in memory.
    pub(crate) fn service_app() -> OAuth {
        let settings = Settings {
            client_id: "0oa1".to_owned(),
            key: PrivateKey::generate_es256().expect("key"),
            scopes: None,
            refresh_early: DEFAULT_REFRESH_EARLY,
            dpop: DpopMode::Auto,
            dpop_key: None,
        };
        let base = reqwest::Url::parse("https://example.okta.com").expect("url");
        OAuth::new(settings, &base).expect("oauth")
    }

    #[test]
    fn auth_params_quoted_or_not() {
        let value = r#"DPoP error="invalid_dpop_proof", error_description="iat \"too\" old", algs=ES256"#;
        assert_eq!(auth_param(value, "error").as_deref(), Some("invalid_dpop_proof"));
        assert_eq!(auth_param(value, "error_description").as_deref(), Some(r#"iat "too" old"#));
        assert_eq!(auth_param(value, "algs").as_deref(), Some("ES256"));
        assert_eq!(auth_param("Bearer xerror=1", "error"), None);
        assert_eq!(auth_param("error=", "error").as_deref(), Some(""));
    }

    #[test]
    fn htu_drops_query_and_fragment_and_normalises() {
        let url = reqwest::Url::parse("HTTPS://Example.OKTA.com:443/api/v1/apps?limit=2#x").expect("url");
        assert_eq!(htu(&url), "https://example.okta.com/api/v1/apps");
        let base = reqwest::Url::parse("https://example.okta.com/").expect("url");
        assert_eq!(htu(&base.join("/oauth2/v1/token").expect("join")), "https://example.okta.com/oauth2/v1/token");
    }

    #[test]
    fn challenges_are_read_from_www_authenticate() {
        let oauth = service_app();
        let base = reqwest::Url::parse("https://example.okta.com").expect("url");
        assert_eq!(oauth.scope, "okta.apps.read okta.apps.manage");
        let url = base.join("/api/v1/apps").expect("join");
        let mut headers = HeaderMap::new();
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"DPoP error="use_dpop_nonce""#));
        // A nonce challenge without a nonce is no challenge.
        assert_eq!(oauth.challenge(&url, &headers), None);
        headers.insert("dpop-nonce", HeaderValue::from_static("n-1"));
        assert_eq!(oauth.challenge(&url, &headers), Some(Challenge::Nonce));
        assert_eq!(oauth.nonce(&api_server(&url)).as_deref(), Some("n-1"));
        assert_eq!(oauth.nonce(TOKEN_SERVER), None);
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer realm="x", error="invalid_token", error_description="expired""#),
        );
        assert_eq!(oauth.challenge(&url, &headers), Some(Challenge::InvalidToken));
        assert!(!format!("{oauth:?}").contains("n-1"));
    }
}
