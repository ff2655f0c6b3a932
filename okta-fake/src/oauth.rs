//! The fake org as a strict OAuth 2.0 authorization server for service apps:
//! `/oauth2/v1/token` with client credentials and a private-key JWT, DPoP
//! (RFC 9449) with nonces, and the checks the API makes of every access token
//! (expiry, binding, proof, scopes).
//!
//! As Okta does, it spends a client assertion's `jti` and a DPoP proof's
//! `jti` as soon as it sees them, before anything else can fail (a 429
//! included): a client that sends either twice is refused the second time.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::http::take_injected_429;
use super::store::{ApiError, Org, Shared, lock};
use super::util::random_alphanumeric;
use crate::jws;
use okta_client::jose::{self, unix_now};
use okta_runtime::OperationInfo;

/// The token endpoint's path.
pub(super) const TOKEN_PATH: &str = "/oauth2/v1/token";
/// How far a DPoP proof's `iat` may be from the server's clock.
const PROOF_WINDOW_SECS: u64 = 60;
/// The longest a client assertion may be valid (`exp` after now).
const MAX_ASSERTION_SECS: u64 = 3600;

/// A service app registered with the fake org: its public key and what it
/// may ask for.
#[derive(Debug, Clone)]
pub struct FakeServiceApp {
    client_id: String,
    jwk: Value,
    scopes: Vec<String>,
    dpop: bool,
}

impl FakeServiceApp {
    /// A service app `client_id` that signs its client assertions with the
    /// private half of `public_jwk`, granted `scopes`.
    pub fn new<S: Into<String>>(
        client_id: impl Into<String>,
        public_jwk: Value,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            jwk: public_jwk,
            scopes: scopes.into_iter().map(Into::into).collect(),
            dpop: false,
        }
    }

    /// Requires DPoP-bound tokens, as Okta does for new API Services apps.
    #[must_use]
    pub fn require_dpop(mut self) -> Self {
        self.dpop = true;
        self
    }
}

/// An access token the fake issued.
#[derive(Debug, Clone)]
struct Issued {
    scopes: Vec<String>,
    expires_at: Instant,
    /// The thumbprint of the DPoP key it is bound to.
    jkt: Option<String>,
}

/// The authorization server's state.
#[derive(Debug)]
pub(super) struct AuthServer {
    apps: HashMap<String, FakeServiceApp>,
    spent: HashSet<String>,
    tokens: HashMap<String, Issued>,
    pub(super) token_lifetime: Duration,
    token_nonce: String,
    api_nonce: String,
    /// How many of the next DPoP API requests get a nonce challenge whatever they send.
    pub(super) forced_nonce_challenges: usize,
    /// Requests to the token endpoint, refused ones included.
    pub(super) token_requests: usize,
}

impl Default for AuthServer {
    fn default() -> Self {
        Self {
            apps: HashMap::new(),
            spent: HashSet::new(),
            tokens: HashMap::new(),
            token_lifetime: Duration::from_secs(3600),
            token_nonce: new_nonce(),
            api_nonce: new_nonce(),
            forced_nonce_challenges: 0,
            token_requests: 0,
        }
    }
}

impl AuthServer {
    pub(super) fn register(&mut self, app: FakeServiceApp) {
        self.apps.insert(app.client_id.clone(), app);
    }

    /// Every token issued so far stops working.
    pub(super) fn revoke_all(&mut self) {
        self.tokens.clear();
    }

    /// New nonces for the token endpoint and the API; proofs with the old ones are challenged.
    pub(super) fn rotate_nonces(&mut self) {
        self.token_nonce = new_nonce();
        self.api_nonce = new_nonce();
    }

    /// Spends a `jti`; false if it was spent before.
    fn spend(&mut self, jti: &str) -> bool {
        self.spent.insert(jti.to_owned())
    }
}

fn new_nonce() -> String {
    random_alphanumeric(22)
}

/// The claims of a compact JWS, unverified: enough to spend its `jti` first.
fn unverified_claims(jwt: &str) -> Option<Value> {
    jws::segment(jwt, 1).ok()
}

/// An OAuth error from the token endpoint.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, axum::Json(json!({ "error": error, "error_description": description }))).into_response()
}

/// `POST /oauth2/v1/token`: client credentials with a private-key JWT.
pub(super) async fn token(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str);
    let mut org = lock(&shared);
    org.auth.token_requests += 1;
    let token_url = format!("{}{TOKEN_PATH}", org.public_base());
    // Spend both jtis before anything can fail.
    let assertion = field("client_assertion").unwrap_or_default();
    let assertion_claims = unverified_claims(assertion);
    let assertion_fresh = match assertion_claims.as_ref().and_then(|c| c.get("jti")).and_then(Value::as_str) {
        Some(jti) => org.auth.spend(jti),
        None => false,
    };
    let proof = headers.get("dpop").and_then(|v| v.to_str().ok());
    let proof_fresh = proof.map(|p| proof_jti_fresh(&mut org, p));
    if let Some(response) = take_injected_429(&mut org) {
        return response;
    }
    if field("grant_type") != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Only client_credentials is supported.");
    }
    if field("client_assertion_type") != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "A private-key JWT client assertion is required.",
        );
    }
    let Some(claims) = assertion_claims else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion is not a JWT.");
    };
    let client_id = claims.get("iss").and_then(Value::as_str).unwrap_or_default().to_owned();
    let Some(app) = org.auth.apps.get(&client_id).cloned() else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_id is not registered.");
    };
    if let Err(why) = check_assertion(assertion, &app, &token_url, assertion_fresh) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", &why);
    }
    let requested: Vec<String> = field("scope").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    if requested.is_empty() {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "The request has no scope.");
    }
    let refused: Vec<&str> = requested.iter().filter(|s| !app.scopes.contains(s)).map(String::as_str).collect();
    if !refused.is_empty() {
        let description = format!("The following scopes are not granted to the client: {}", refused.join(" "));
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", &description);
    }
    let jkt = match (proof, proof_fresh) {
        (None, _) if app.dpop => {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", "The DPoP proof JWT header is missing.");
        }
        (None, _) => None,
        (Some(proof), fresh) => {
            let nonce = org.auth.token_nonce.clone();
            let expected = ProofFor { method: "POST", htu: &token_url, token: None, nonce: &nonce };
            match check_proof(proof, fresh == Some(true), &expected) {
                Ok(jkt) => Some(jkt),
                Err(ProofError::Nonce) => {
                    let mut response = oauth_error(
                        StatusCode::BAD_REQUEST,
                        "use_dpop_nonce",
                        "Authorization server requires nonce in DPoP proof.",
                    );
                    if let Ok(value) = HeaderValue::from_str(&nonce) {
                        response.headers_mut().insert("dpop-nonce", value);
                    }
                    return response;
                }
                Err(ProofError::Invalid(why)) => {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", &why);
                }
            }
        }
    };
    let token = random_alphanumeric(40);
    let lifetime = org.auth.token_lifetime;
    let token_type = if jkt.is_some() { "DPoP" } else { "Bearer" };
    org.auth
        .tokens
        .insert(token.clone(), Issued { scopes: requested.clone(), expires_at: Instant::now() + lifetime, jkt });
    let expires_in = lifetime.as_secs() + u64::from(lifetime.subsec_nanos() > 0);
    axum::Json(json!({
        "token_type": token_type,
        "expires_in": expires_in,
        "access_token": token,
        "scope": requested.join(" "),
    }))
    .into_response()
}

/// Checks a client assertion: signature by the app's key, `iss` = `sub` =
/// client id, `aud` the token endpoint, `exp` in the future and at most an
/// hour away, a `jti` never seen before.
fn check_assertion(assertion: &str, app: &FakeServiceApp, token_url: &str, fresh: bool) -> Result<(), String> {
    let (_, claims) = jws::verify(assertion, &app.jwk).map_err(|e| format!("The client_assertion is invalid: {e}."))?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("iss") != Some(&app.client_id) || text("sub") != Some(&app.client_id) {
        return Err("The client_assertion's iss and sub must both be the client_id.".to_owned());
    }
    if text("aud") != Some(token_url) {
        return Err(format!("The client_assertion's aud must be {token_url}."));
    }
    let now = unix_now();
    match claims.get("exp").and_then(Value::as_u64) {
        None => return Err("The client_assertion has no exp.".to_owned()),
        Some(exp) if exp <= now => return Err("The client_assertion has expired.".to_owned()),
        Some(exp) if exp > now + MAX_ASSERTION_SECS => {
            return Err("The client_assertion's exp is more than an hour away.".to_owned());
        }
        Some(_) => {}
    }
    if !fresh {
        return Err("The client_assertion token has already been used.".to_owned());
    }
    Ok(())
}

/// What a DPoP proof must say.
struct ProofFor<'a> {
    method: &'a str,
    htu: &'a str,
    /// The access token it goes with (API requests): its hash is `ath`.
    token: Option<&'a str>,
    nonce: &'a str,
}

enum ProofError {
    /// No nonce, or an old one: answer with the current one.
    Nonce,
    Invalid(String),
}

/// Spends a proof's `jti`; false if spent before or absent.
fn proof_jti_fresh(org: &mut Org, proof: &str) -> bool {
    match unverified_claims(proof).as_ref().and_then(|c| c.get("jti")).and_then(Value::as_str) {
        Some(jti) => org.auth.spend(jti),
        None => false,
    }
}

/// Checks a DPoP proof; its key's thumbprint if it holds.
fn check_proof(proof: &str, fresh: bool, expected: &ProofFor<'_>) -> Result<String, ProofError> {
    let invalid = |why: &str| ProofError::Invalid(why.to_owned());
    let Ok(header) = jws::segment(proof, 0) else { return Err(invalid("The DPoP proof is not a JWT.")) };
    if header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
        return Err(invalid("The DPoP proof's typ must be dpop+jwt."));
    }
    let Some(jwk) = header.get("jwk") else { return Err(invalid("The DPoP proof has no jwk.")) };
    if jwk.get("d").is_some() {
        return Err(invalid("The DPoP proof's jwk holds a private key."));
    }
    let (_, claims) =
        jws::verify(proof, jwk).map_err(|e| ProofError::Invalid(format!("The DPoP proof is invalid: {e}.")))?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("htm") != Some(expected.method) {
        return Err(invalid("The DPoP proof's htm does not match the request method."));
    }
    if text("htu") != Some(expected.htu) {
        return Err(ProofError::Invalid(format!(
            "The DPoP proof's htu {:?} does not match {}.",
            text("htu").unwrap_or_default(),
            expected.htu
        )));
    }
    let now = unix_now();
    match claims.get("iat").and_then(Value::as_u64) {
        Some(iat) if iat.abs_diff(now) <= PROOF_WINDOW_SECS => {}
        _ => return Err(invalid("The DPoP proof's iat is missing or too far from now.")),
    }
    if !fresh {
        return Err(invalid("The DPoP proof's jti has already been used."));
    }
    if let Some(token) = expected.token {
        if text("ath") != Some(jose::sha256_b64(token.as_bytes()).as_str()) {
            return Err(invalid("The DPoP proof's ath does not match the access token."));
        }
    }
    if text("nonce") != Some(expected.nonce) {
        return Err(ProofError::Nonce);
    }
    jose::thumbprint(jwk).ok_or_else(|| invalid("The DPoP proof's jwk is not an RSA or EC public key."))
}

/// Before an API request is rate limited: spends its DPoP proof's `jti`.
/// Returns whether that `jti` was fresh (`None` without a proof).
pub(super) fn spend_api_proof(org: &mut Org, headers: &HeaderMap) -> Option<bool> {
    let proof = headers.get("dpop").and_then(|v| v.to_str().ok())?;
    Some(proof_jti_fresh(org, proof))
}

/// Whether an API request may go on: an `SSWS` token (any, or the one the
/// options name), or an access
/// token the fake issued, unexpired, sent with the scheme it was issued for
/// (a DPoP-bound one with a valid proof of the same key), whose scopes
/// cover the operation's (`.manage` covers `.read`).
pub(super) fn authorize_api(
    org: &mut Org,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    proof_fresh: Option<bool>,
) -> Result<(), Box<Response>> {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // Okta's own Python SDK (3.x) sends `SSWS<token>` without a space, and
    // real orgs take it: the token is whatever follows the scheme.
    let (scheme, token) = match value.strip_prefix("SSWS") {
        Some(rest) => ("SSWS", rest),
        None => value.split_once(' ').unwrap_or((value, "")),
    };
    let token = token.trim();
    if scheme == "SSWS" && !token.is_empty() {
        return match &org.options.api_token {
            Some(accepted) if accepted != token => Err(Box::new(ApiError::invalid_token().into_response())),
            _ => Ok(()),
        };
    }
    let dpop = scheme.eq_ignore_ascii_case("DPoP");
    if !dpop && !scheme.eq_ignore_ascii_case("Bearer") || token.is_empty() {
        return Err(Box::new(unauthorized("Bearer", "invalid_token", "No access token was sent.")));
    }
    let issued = match org.auth.tokens.get(token) {
        Some(issued) if issued.expires_at > Instant::now() => issued.clone(),
        Some(_) => return Err(Box::new(unauthorized(scheme, "invalid_token", "The access token has expired."))),
        None => return Err(Box::new(unauthorized(scheme, "invalid_token", "The access token is invalid."))),
    };
    match (&issued.jkt, dpop) {
        (None, false) => {}
        (Some(_), false) => {
            return Err(Box::new(unauthorized(
                "DPoP",
                "invalid_token",
                "A DPoP-bound access token must be sent as DPoP.",
            )));
        }
        (None, true) => {
            return Err(Box::new(unauthorized("Bearer", "invalid_token", "The access token is not DPoP-bound.")));
        }
        (Some(jkt), true) => {
            let Some(proof) = headers.get("dpop").and_then(|v| v.to_str().ok()) else {
                return Err(Box::new(unauthorized("DPoP", "invalid_dpop_proof", "The DPoP proof is missing.")));
            };
            let htu = format!("{}{path}", org.public_base());
            let nonce = org.auth.api_nonce.clone();
            let forced = org.auth.forced_nonce_challenges > 0;
            let expected = ProofFor { method: method.as_str(), htu: &htu, token: Some(token), nonce: &nonce };
            match check_proof(proof, proof_fresh == Some(true), &expected) {
                Ok(thumbprint) if forced => {
                    let _ = thumbprint;
                    org.auth.forced_nonce_challenges -= 1;
                    org.auth.api_nonce = new_nonce();
                    return Err(Box::new(nonce_challenge(&org.auth.api_nonce)));
                }
                Ok(thumbprint) if thumbprint == *jkt => {}
                Ok(_) => {
                    return Err(Box::new(unauthorized(
                        "DPoP",
                        "invalid_token",
                        "The token is bound to another DPoP key.",
                    )));
                }
                Err(ProofError::Nonce) => return Err(Box::new(nonce_challenge(&nonce))),
                Err(ProofError::Invalid(why)) => {
                    return Err(Box::new(unauthorized("DPoP", "invalid_dpop_proof", &why)));
                }
            }
        }
    }
    let Some(operation) = OperationInfo::find(okta_apps::operations::OPERATIONS, method.as_str(), path) else {
        return Ok(());
    };
    let granted = |needed: &str| {
        issued.scopes.iter().any(|s| s == needed)
            || needed
                .strip_suffix(".read")
                .is_some_and(|base| issued.scopes.iter().any(|s| *s == format!("{base}.manage")))
    };
    if let Some(missing) = operation.scopes.iter().find(|s| !granted(s)) {
        let scheme = if dpop { "DPoP" } else { "Bearer" };
        let mut response = ApiError::new(
            StatusCode::FORBIDDEN,
            "E0000006",
            "You do not have permission to perform the requested action",
        )
        .with_causes(vec![format!("The access token lacks the scope {missing} that {} needs.", operation.id)])
        .into_response();
        let challenge = format!(r#"{scheme} error="insufficient_scope", scope="{}""#, operation.scopes.join(" "));
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        return Err(Box::new(response));
    }
    Ok(())
}

/// A 401 with Okta's error body and a `WWW-Authenticate` challenge.
fn unauthorized(scheme: &str, error: &str, description: &str) -> Response {
    let mut response = ApiError::invalid_token().with_causes(vec![description.to_owned()]).into_response();
    let challenge = format!(r#"{scheme} realm="fake okta org", error="{error}", error_description="{description}""#);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// A 401 asking for a DPoP proof with `nonce`.
fn nonce_challenge(nonce: &str) -> Response {
    let mut response = unauthorized("DPoP", "use_dpop_nonce", "Resource server requires nonce in DPoP proof.");
    if let Ok(value) = HeaderValue::from_str(nonce) {
        response.headers_mut().insert("dpop-nonce", value);
    }
    response
}
