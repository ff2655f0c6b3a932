//! Building a [`Client`]: the org URL checked, the credentials, and the
//! limits that keep a misbehaving server from costing more than a failed call
//! (no redirects off the org, bounded bodies, bounded waits).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::{Auth, Client, Credentials, Error, Inner, Pause, PrivateKey, RetryPolicy, USER_AGENT, budget, oauth};
use okta_runtime::Secret;

/// The largest response body read by default: 64 MiB, far above Okta's
/// largest page (200 apps of a few kilobytes each).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// The most same-origin redirects one request follows, when it follows any.
pub const MAX_REDIRECTS: u8 = 10;

/// Builds a [`Client`], or the `Client` of a generated crate (`C`), which
/// wraps one.
pub struct ClientBuilder<C = Client> {
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
    max_body: u64,
    redirects: u8,
    max_api_capacity: u8,
    concurrency: Option<usize>,
    on_pause: Option<budget::PauseHook>,
    target: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("org_url", &without_user_info(&self.org_url))
            .field("auth", &self.auth)
            .field("service_app", &self.service_app)
            .field("scopes", &self.scopes)
            .field("dpop", &self.dpop)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_body)
            .field("redirects", &self.redirects)
            .field("max_api_capacity", &self.max_api_capacity)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client of the org at `org_url` (`https://example.okta.com`).
    pub fn builder(org_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(org_url)
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for a client of the org at `org_url` (`https://example.okta.com`)
    /// that [`ClientBuilder::build`] turns into a `C`.
    pub fn new(org_url: impl Into<String>) -> Self {
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
            max_body: DEFAULT_MAX_RESPONSE_BYTES,
            redirects: 0,
            max_api_capacity: 100,
            concurrency: None,
            on_pause: None,
            target: PhantomData,
        }
    }

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
    /// # fn run() -> Result<(), okta_client::Error> {
    /// use okta_client::{Client, PrivateKey};
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
    /// it needs in `Operation::SCOPES`; a generated crate's
    /// `operations::SCOPES` lists them all.
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

    /// The largest response body the client reads (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]). A body that grows past it, whatever
    /// its `Content-Length` said, stops being read and the call fails with
    /// [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_body = limit;
        self
    }

    /// Follows up to `hops` redirects of one request (at most
    /// [`MAX_REDIRECTS`]), and only to the org's own origin: `307` and `308`
    /// with the same method and body, `301`, `302` and `303` for a `GET`.
    /// Any other redirect is [`Error::Redirect`], which is also what every
    /// redirect is by default (`0`): credentials, DPoP proofs and bodies go
    /// to the org and nowhere else.
    pub fn follow_redirects(mut self, hops: u8) -> Self {
        self.redirects = hops.min(MAX_REDIRECTS);
        self
    }

    /// Sends through the caller's own reqwest client (its timeout, proxy and
    /// user agent apply). Build it with `redirect(reqwest::redirect::Policy::none())`:
    /// reqwest follows redirects by default, before this client sees them.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The share of each endpoint's rate limit the client uses, in percent
    /// (1 to 100; default 100). Okta limits requests per endpoint and per
    /// minute and tells in every answer how many are left; the client waits
    /// for the window to reset rather than use more than this share, so the
    /// org's other integrations keep the rest (the Terraform provider's
    /// `max_api_capacity`). The client learns each endpoint's limit from its
    /// first answer; with several clients on one org, give each its share.
    pub fn max_api_capacity(mut self, percent: u8) -> Self {
        self.max_api_capacity = percent.clamp(1, 100);
        self
    }

    /// The most requests the client has in flight at once, over all its
    /// clones (default: no bound but the rate budget's).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = Some(requests.max(1));
        self
    }

    /// Calls `hook` before every wait the client makes before sending: for
    /// the rate budget, after a 429, or backing off after a transient
    /// failure; so a program can show why it waits.
    pub fn on_pause(mut self, hook: impl Fn(&Pause) + Send + Sync + 'static) -> Self {
        self.on_pause = Some(Arc::new(hook));
        self
    }

    /// Checks the settings and builds the client. The org URL must be an
    /// origin: https (plain http only on a loopback host), no user name or
    /// password, no path beyond `/`, no query or fragment.
    pub fn build(self) -> Result<C, Error> {
        let base = org_origin(&self.org_url)?;
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
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let client = Client {
            inner: Arc::new(Inner {
                http,
                base,
                credentials,
                retry: self.retry,
                max_body: self.max_body,
                redirects: self.redirects,
                budget: Arc::new(budget::Budget::new(self.max_api_capacity, self.concurrency)),
                on_pause: self.on_pause,
            }),
        };
        Ok(C::from(client))
    }
}

/// The org's origin from the URL a user gave, or why it is not one. No
/// message echoes a user name or password the URL held.
pub(super) fn org_origin(org_url: &str) -> Result<reqwest::Url, Error> {
    let shown = without_user_info(org_url);
    let base = reqwest::Url::parse(org_url.trim().trim_end_matches('/'))
        .map_err(|e| Error::Config(format!("org URL `{shown}`: {e}")))?;
    if !base.username().is_empty() || base.password().is_some() {
        return Err(Error::Config(format!(
            "org URL `{shown}` holds a user name or password; give the API token or key with the builder instead"
        )));
    }
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
    if base.host().is_none() || base.query().is_some() || base.fragment().is_some() || base.path() != "/" {
        return Err(Error::Config(format!(
            "org URL `{base}` must be an origin like https://example.okta.com, without path, query or fragment"
        )));
    }
    Ok(base)
}

/// `url` with anything before an `@` in its authority replaced, so a
/// password typed into it is never shown, even when the URL does not parse.
pub(super) fn without_user_info(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}[redacted]@{}", &url[..start], &url[start + at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_urls_must_be_origins() {
        for good in ["https://example.okta.com", "https://example.okta.com/", "http://127.0.0.1:8080", "http://[::1]"] {
            assert!(org_origin(good).is_ok(), "{good}");
        }
        for bad in [
            "http://example.okta.com",
            "ftp://example.okta.com",
            "https://example.okta.com/api/v1",
            "https://example.okta.com/?x=1",
            "https://example.okta.com/#frag",
            "https://user@example.okta.com",
            "not a url",
        ] {
            assert!(org_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_org_on_an_international_domain_name_is_reached_by_its_punycode() {
        // The IDNA back end `url` is pinned to (idna_adapter 1.1) maps names.
        let origin = org_origin("https://bücher.example").expect("an IDN is an origin");
        assert_eq!(origin.host_str(), Some("xn--bcher-kva.example"));
    }

    #[test]
    fn no_error_or_debug_echoes_a_password_in_the_url() {
        for url in ["https://admin:hunter2@example.okta.com", "https://admin:hunter2@exa mple/", "admin:hunter2@x"] {
            let err = org_origin(url).expect_err("refused").to_string();
            assert!(!err.contains("hunter2"), "{err}");
            let builder = Client::builder(url).api_token("t");
            assert!(!format!("{builder:?}").contains("hunter2"));
            assert!(builder.build().is_err());
        }
        assert_eq!(without_user_info("https://a:b@host/p@q"), "https://[redacted]@host/p@q");
        assert_eq!(without_user_info("https://host/p@q"), "https://host/p@q");
    }
}
