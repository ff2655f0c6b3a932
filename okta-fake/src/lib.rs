//! An in-memory Okta org serving the Applications API on 127.0.0.1, for the example, the
//! end-to-end tests and the contract check.
//!
//! [`FakeOrg::start`] binds a free port and serves the operations of `spec/applications.yaml`
//! the way real orgs do: apps and what hangs off them (user and group assignments, features,
//! the provisioning connection, signing keys and CSRs, JWKs and client secrets, grants,
//! tokens, federated claims, group-push mappings, the access policy, the logo, the SAML
//! metadata) kept as JSON exactly as sent plus what Okta fills in (so unknown fields
//! survive), every list paged with `Link` headers, Okta's error objects,
//! `X-Okta-Request-Id` and rate-limit headers on every response. What Okta fills in on create
//! and replace, the statuses it answers and the bodies it refuses were learned from real
//! orgs' answers and are measured by `cargo xtask replay`. The Cross App Access and
//! interclient trust operations, which reach outside the org's apps, answer as Okta answers
//! a route it does not have (`405`, E0000022), as does any other route the fake lacks.
//! Beside the apps it lists the org's users and groups, and creates, reads and deletes
//! groups (`/api/v1/groups`).
//! Test hooks inject 429s ([`FakeOrg::rate_limit_next`]) and odd `next` links
//! ([`FakeOrg::set_next_link`]), and every request is recorded ([`FakeOrg::requests`]).
//! It is also a strict OAuth 2.0 authorization server for service apps, with DPoP
//! ([`FakeOrg::register_service_app`]). For tests that compare what the org holds with
//! what they sent, [`covers`] tells whether one JSON value holds everything another says.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use okta_fake::FakeOrg;
//!
//! let fake = FakeOrg::start().await?;
//! let id = fake.insert(serde_json::json!({ "label": "Wiki", "signOnMode": "BOOKMARK" }));
//! assert_eq!(fake.get(&id).map(|app| app["status"].clone()), Some("ACTIVE".into()));
//! // Point a client at `fake.url()` with the token `fake.api_token()`.
//! fake.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod defaults;
mod directory;
mod family;
mod filter;
mod http;
mod jws;
mod oauth;
mod paging;
mod rules;
mod state;
mod store;
mod util;

pub use oauth::FakeServiceApp;
pub use util::covers;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use store::{Org, Shared, lock};

/// The API token [`FakeOrg::api_token`] gives unless the options name one.
pub const DEFAULT_API_TOKEN: &str = "fake-okta-api-token";

/// The largest page a list request gets, whatever its `limit`.
const MAX_PAGE_SIZE: usize = 200;

/// How long [`FakeOrg::shutdown`] waits for open requests before it stops the server anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Options for a fake org.
#[derive(Debug, Clone)]
pub struct FakeOptions {
    default_page_size: usize,
    max_page_size: usize,
    pub(crate) public_url: Option<String>,
    listen: SocketAddr,
    pub(crate) api_token: Option<String>,
}

impl Default for FakeOptions {
    /// Pages of 20 apps unless a request asks for another `limit`; at most
    /// 200. A free port of 127.0.0.1; any `SSWS` token accepted.
    fn default() -> Self {
        Self {
            default_page_size: 20,
            max_page_size: MAX_PAGE_SIZE,
            public_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_token: None,
        }
    }
}

impl FakeOptions {
    /// The page size of a list request without a usable `limit` (20 unless set).
    /// Clamped to 1..=200.
    #[must_use]
    pub fn default_page_size(mut self, n: usize) -> Self {
        self.default_page_size = n.clamp(1, self.max_page_size);
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port).
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Accepts only this API token (`SSWS <token>`); any other is refused
    /// with Okta's 401 (E0000011). By default any non-empty token is accepted.
    #[must_use]
    pub fn api_token(mut self, token: impl Into<String>) -> Self {
        self.api_token = Some(token.into());
        self
    }

    /// The origin clients reach the fake through (a proxy in front of it), used
    /// for the absolute URLs of `Link` headers; by default the origin the
    /// request names, else the fake's own.
    #[must_use]
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }
}

/// A running fake org. Dropping it stops the server.
pub struct FakeOrg {
    url: String,
    api_token: String,
    shared: Shared,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

/// One request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method, such as `GET`.
    pub method: String,
    /// The path as it was on the wire, still percent-encoded.
    pub path: String,
    /// The query string without the `?`, still percent-encoded, if there was one.
    pub query: Option<String>,
    /// Every header as (lowercase name, value); the `Authorization` value is `[redacted]`.
    pub headers: Vec<(String, String)>,
}

impl FakeOrg {
    /// Starts a fake org with the default options on a free port of 127.0.0.1, served by a
    /// task on the current tokio runtime.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start() -> io::Result<FakeOrg> {
        Self::start_with(FakeOptions::default()).await
    }

    /// Starts a fake org with `options`; see [`FakeOrg::start`].
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start_with(options: FakeOptions) -> io::Result<FakeOrg> {
        let listener = tokio::net::TcpListener::bind(options.listen).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let api_token = options.api_token.clone().unwrap_or_else(|| DEFAULT_API_TOKEN.to_owned());
        let shared: Shared = Arc::new(Mutex::new(Org::new(url.clone(), options)));
        let router = http::router(Arc::clone(&shared));
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    // A dropped sender stops the server as well.
                    let _ = stop.await;
                })
                .await
        });
        Ok(FakeOrg { url, api_token, shared, shutdown: Some(shutdown), task: Some(task) })
    }

    /// The org URL, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// An API token the fake accepts (as `SSWS <token>`): the one the options
    /// name, else [`DEFAULT_API_TOKEN`] (and then any non-empty `SSWS` token
    /// is accepted too). `Bearer` and `DPoP` tokens must be ones its token
    /// endpoint issued (see [`FakeOrg::register_service_app`]).
    pub fn api_token(&self) -> &str {
        &self.api_token
    }

    /// Stores `app` as it is, at the end of the list, and returns its id. Only the fields the
    /// server assigns and `app` lacks are filled in: `id` (also when not a string), `created`,
    /// `lastUpdated`, `status` (ACTIVE) and `_links`. An app with the id of a stored one
    /// replaces it in place.
    ///
    /// # Panics
    /// When `app` is not a JSON object.
    pub fn insert(&self, app: Value) -> String {
        lock(&self.shared).insert(app)
    }

    /// Stores a user (`{"profile": {"login": ...}}`) at the end of
    /// `/api/v1/users`, filling in `id`, `status` (ACTIVE), `created` and
    /// `lastUpdated` where it lacks them; returns its id.
    ///
    /// # Panics
    /// When `user` is not a JSON object.
    pub fn insert_user(&self, user: Value) -> String {
        lock(&self.shared).insert_directory(directory::DirectoryKind::User, user)
    }

    /// Stores a group (`{"profile": {"name": ...}}`) at the end of
    /// `/api/v1/groups`, filling in `id`, `type` (OKTA_GROUP), `objectClass`,
    /// `created`, `lastUpdated` and `lastMembershipUpdated` where it lacks
    /// them; returns its id. It is read with Okta's `_links` unless it has
    /// its own.
    ///
    /// # Panics
    /// When `group` is not a JSON object.
    pub fn insert_group(&self, group: Value) -> String {
        lock(&self.shared).insert_directory(directory::DirectoryKind::Group, group)
    }

    /// The stored apps, in list order.
    pub fn apps(&self) -> Vec<Value> {
        lock(&self.shared).apps()
    }

    /// The stored app with this id.
    pub fn get(&self, id: &str) -> Option<Value> {
        lock(&self.shared).get(id)
    }

    /// Every request received so far, in order, those answered with 401 or 429 included.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    /// The next `count` requests get a 429 (E0000047) with `X-Rate-Limit-Remaining: 0` and
    /// `X-Rate-Limit-Reset` set `reset_in` after each of them, rounded up to a second.
    /// Replaces any 429s still pending.
    pub fn rate_limit_next(&self, count: usize, reset_in: Duration) {
        let mut org = lock(&self.shared);
        org.rate_limited = count;
        org.rate_limited_reset_in = reset_in;
    }

    /// Allows `limit` requests per window of `window` (whole seconds, at
    /// least one), for all endpoints together; the request after the last
    /// one allowed gets a 429 (E0000047), as from Okta, until the window
    /// resets. Starts a new window. The default is 10,000 a minute.
    pub fn set_rate_limit(&self, limit: u64, window: Duration) {
        let mut org = lock(&self.shared);
        org.window_limit = limit;
        org.window_secs = window.as_secs().max(1);
        org.window_remaining = limit;
        org.window_reset = 0;
    }

    /// How many requests were refused with a 429 because the rate limit's
    /// window was spent (not those [`FakeOrg::rate_limit_next`] injected).
    pub fn over_limit(&self) -> u64 {
        lock(&self.shared).over_limit
    }

    /// With `Some(link)`, every answer listing apps sends `Link: <link>; rel="next"` instead of its
    /// real next link (also on the last page); `None` goes back to the real ones.
    pub fn set_next_link(&self, link: Option<String>) {
        lock(&self.shared).next_link = link;
    }

    /// Registers a service app with the authorization server at `/oauth2/v1/token`, which then
    /// issues it access tokens for client credentials with a private-key JWT (RS256 or
    /// ES256) signed by the key of the registered public JWK.
    ///
    /// The server is strict: it checks the assertion's signature, `iss` = `sub` = client id,
    /// `aud` (the token endpoint's URL), an `exp` at most an hour away, and spends its `jti`
    /// before anything else, so a replayed assertion is refused even after a 429. Requested
    /// scopes must be granted (`invalid_scope`). A DPoP proof, required with
    /// [`FakeServiceApp::require_dpop`], must carry the server's nonce (the first proof gets
    /// `use_dpop_nonce`), a fresh `jti`, `htm`/`htu` of the request and a recent `iat`; the
    /// token is then bound to the proof's key. The API checks each token's expiry and binding,
    /// each proof (signature, `htm`, `htu`, `iat`, `jti`, `ath`, its own nonce) and the
    /// operation's scopes (`403` with `insufficient_scope`; `.manage` covers `.read`).
    pub fn register_service_app(&self, app: FakeServiceApp) {
        lock(&self.shared).auth.register(app);
    }

    /// How long the access tokens issued from now on last (default 1 hour); `expires_in`
    /// says it in whole seconds, rounded up.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.shared).auth.token_lifetime = lifetime;
    }

    /// Every access token issued so far stops working (`401 invalid_token`).
    pub fn revoke_tokens(&self) {
        lock(&self.shared).auth.revoke_all();
    }

    /// New DPoP nonces for the token endpoint and the API: the next proof of each gets
    /// `use_dpop_nonce`.
    pub fn rotate_dpop_nonces(&self) {
        lock(&self.shared).auth.rotate_nonces();
    }

    /// The next `count` API requests with a valid DPoP proof get a `use_dpop_nonce` challenge
    /// with a new nonce all the same.
    pub fn challenge_dpop_nonce_next(&self, count: usize) {
        lock(&self.shared).auth.forced_nonce_challenges = count;
    }

    /// Gives a user of app `app_id` a refresh token (as if they had signed in to it), which
    /// listOAuth2TokensForApplication then lists; returns its id, or `None` for an unknown app.
    pub fn issue_app_token(&self, app_id: &str, user_id: &str, scopes: &[&str]) -> Option<String> {
        let mut org = lock(&self.shared);
        let app = org.get(app_id)?;
        let client_id = app.pointer("/credentials/oauthClient/client_id").and_then(Value::as_str).map(str::to_owned);
        let token = family::token(org.public_base(), app_id, client_id.as_deref(), user_id, scopes);
        let id = util::id_of(&token).map(str::to_owned);
        org.family.entry(app_id.to_owned()).or_default().tokens.push(token);
        id
    }

    /// The logo last uploaded for app `app_id`: its media type and bytes.
    pub fn logo(&self, app_id: &str) -> Option<(String, Vec<u8>)> {
        lock(&self.shared).family.get(app_id).and_then(|f| f.logo.clone())
    }

    /// The org as the text of a state file (JSON): its apps, what hangs off
    /// each (assignments, keys, secrets, grants, tokens, claims, push
    /// mappings, the logo), its users and groups. Service apps and issued
    /// tokens are not saved.
    ///
    /// # Errors
    /// When the state cannot be written as JSON.
    pub fn save_state(&self) -> io::Result<String> {
        state::save(&lock(&self.shared)).map_err(io::Error::other)
    }

    /// Replaces the org's apps, what hangs off them, users and groups with
    /// those of a state file [`FakeOrg::save_state`] wrote (links made for
    /// another origin are moved to this one's).
    ///
    /// # Errors
    /// When `text` is not such a file; the org is then unchanged only if the
    /// file did not parse.
    pub fn load_state(&self, text: &str) -> io::Result<()> {
        state::load(&mut lock(&self.shared), text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Adds the apps of an `okta-apps export` folder (`dir/apps/*.yaml`):
    /// each file's members as an app (its `id` kept), its
    /// `_assignments.groups` as group assignments (with a group of that id
    /// and name added to the directory if missing); a secret written as a
    /// marker (`(keep)`, `${NAME}`) gets a generated value. Returns how many
    /// apps it added.
    ///
    /// # Errors
    /// When the folder or a file cannot be read.
    pub fn seed(&self, dir: &std::path::Path) -> io::Result<usize> {
        state::seed(&mut lock(&self.shared), dir).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// How many requests reached the token endpoint, refused ones included.
    pub fn token_requests(&self) -> usize {
        lock(&self.shared).auth.token_requests
    }

    /// Stops accepting connections, lets open requests finish (for a few seconds at most) and
    /// waits for the server to stop.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let Some(task) = self.task.take() else { return };
        let abort = task.abort_handle();
        match tokio::time::timeout(SHUTDOWN_GRACE, task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => tracing::warn!(%error, "fake okta org: server failed"),
            Ok(Err(error)) => tracing::warn!(%error, "fake okta org: server task failed"),
            Err(_) => {
                tracing::warn!("fake okta org: requests still open after the grace period; stopping anyway");
                abort.abort();
            }
        }
    }
}

impl Drop for FakeOrg {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl fmt::Debug for FakeOrg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOrg").field("url", &self.url).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
