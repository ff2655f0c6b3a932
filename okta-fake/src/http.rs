//! The fake org's HTTP side: the router, the middleware every request passes through, and one
//! handler per operation of spec/applications.yaml.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::Value;

use super::RecordedRequest;
use super::paging::Listing;
use super::store::{ApiError, Org, Shared, lock};
use super::util::random_alphanumeric;
use super::{directory, family, filter, oauth};

/// Routes match the raw, still percent-encoded path, so `/api/v1/apps/a%2Fb` reaches the
/// one-id routes with the id `a/b`; handlers decode the segment themselves.
pub(super) fn router(shared: Shared) -> Router {
    directory::routes(Router::new())
        .route("/api/v1/apps", get(list_apps).post(create_app).fallback(unknown_route))
        .route("/api/v1/apps/{app_id}", get(get_app).put(replace_app).delete(delete_app).fallback(unknown_route))
        .route("/api/v1/apps/{app_id}/lifecycle/activate", post(activate_app).fallback(unknown_route))
        .route("/api/v1/apps/{app_id}/lifecycle/deactivate", post(deactivate_app).fallback(unknown_route))
        .route(oauth::TOKEN_PATH, post(oauth::token).fallback(unknown_route))
        .route("/api/v1/apps/{app_id}/{*rest}", any(family::handle))
        .fallback(unknown_route)
        .with_state(shared.clone())
        .layer(middleware::from_fn_with_state(shared, around_every_request))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// Records the request, answers injected 429s and requests without a valid
/// token, and adds Okta's request id and rate-limit headers to every
/// response. The token endpoint answers its own 429s, after spending the
/// `jti`s it was sent; an API request's DPoP proof is spent here, before a 429.
async fn around_every_request(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let token_endpoint = path == oauth::TOKEN_PATH;
    let (request_id, refused, limit, remaining, reset) = {
        let mut org = lock(&shared);
        org.requests.push(record(&request));
        org.request_count += 1;
        let request_id = format!("fake-{}-{}", org.request_count, random_alphanumeric(12));
        let now_secs = now.as_secs();
        if now_secs >= org.window_reset {
            org.window_reset = now_secs + org.window_secs;
            org.window_remaining = org.window_limit;
        }
        // Okta refuses a request once the window is spent, until it resets.
        let spent = org.window_remaining == 0;
        org.window_remaining = org.window_remaining.saturating_sub(1);
        let (limit, remaining, reset) = (org.window_limit, org.window_remaining, org.window_reset);
        let refused = if token_endpoint {
            None
        } else {
            let proof_fresh = oauth::spend_api_proof(&mut org, request.headers());
            match take_injected_429(&mut org) {
                Some(response) => Some(response),
                None if spent => {
                    org.over_limit += 1;
                    Some(too_many_requests())
                }
                None => {
                    oauth::authorize_api(&mut org, &method, &path, request.headers(), proof_fresh).err().map(|r| *r)
                }
            }
        };
        (request_id, refused, limit, remaining, reset)
    };
    let mut response = match refused {
        Some(response) => response,
        None => next.run(request).await,
    };
    tracing::debug!(%method, %path, status = response.status().as_u16(), %request_id, "fake okta org");
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(HeaderName::from_static("x-okta-request-id"), value);
    }
    headers.insert(HeaderName::from_static("x-rate-limit-limit"), HeaderValue::from(limit));
    // An injected 429 has set its own.
    if !headers.contains_key("x-rate-limit-remaining") {
        headers.insert(HeaderName::from_static("x-rate-limit-remaining"), HeaderValue::from(remaining));
        headers.insert(HeaderName::from_static("x-rate-limit-reset"), HeaderValue::from(reset));
    }
    response
}

/// A pending injected 429 (see `FakeOrg::rate_limit_next`), if any.
pub(super) fn take_injected_429(org: &mut Org) -> Option<Response> {
    if org.rate_limited == 0 {
        return None;
    }
    org.rate_limited -= 1;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let reset = ceil_secs(now.saturating_add(org.rate_limited_reset_in));
    let mut response = too_many_requests();
    let headers = response.headers_mut();
    headers.insert(HeaderName::from_static("x-rate-limit-remaining"), HeaderValue::from(0));
    headers.insert(HeaderName::from_static("x-rate-limit-reset"), HeaderValue::from(reset));
    Some(response)
}

/// Okta's answer to a request over the rate limit.
fn too_many_requests() -> Response {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "E0000047", "API call exceeded rate limit due to too many requests.")
        .into_response()
}

/// Whole seconds, rounded up.
fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

fn record(request: &Request) -> RecordedRequest {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = if *name == header::AUTHORIZATION || name.as_str() == "dpop" {
                "[redacted]".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect();
    RecordedRequest {
        method: request.method().as_str().to_owned(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(str::to_owned),
        headers,
    }
}

/// The path of the apps list.
const APPS: &str = "/api/v1/apps";

async fn list_apps(State(shared): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    let params = parse_query(uri.query().unwrap_or_default());
    let filter = match param(&params, "filter").map(filter::parse).transpose() {
        Ok(filter) => filter,
        Err(error) => return error.into_response(),
    };
    let q = param(&params, "q");
    let org = lock(&shared);
    let listing = match Listing::new(&org, org_base(&org, &headers), APPS, &params) {
        Ok(listing) => listing.with_next_link(org.next_link.clone()),
        Err(error) => return error.into_response(),
    };
    let mut page = org.list(listing.after(), listing.limit, filter.as_ref(), q);
    if let Some(user) = param(&params, "expand").and_then(|e| e.strip_prefix("user/")) {
        // Okta embeds the app user only for the user the filter names.
        if filter.as_ref().and_then(filter::Filter::user) == Some(user) {
            org.embed_app_users(&mut page.items, user);
        }
    }
    drop(org);
    let items: Vec<InOktaOrder<'_>> = page.items.iter().map(InOktaOrder).collect();
    listing.respond(&items, page.next_after.as_deref())
}

/// The URL the org's links start with.
pub(super) fn org_base(org: &Org, headers: &HeaderMap) -> String {
    org.options.public_url.clone().unwrap_or_else(|| base_url(headers, &org.base_url))
}

/// The origin the client used, so that links stay same-origin behind a proxy that says where
/// it was reached (`Forwarded: host=...`, `X-Forwarded-Host`); else the `Host` header; else the
/// fake's own URL when those are missing or odd.
fn base_url(headers: &HeaderMap, own_url: &str) -> String {
    let forwarded = header_str(headers, "forwarded").and_then(|value| value.split(',').next());
    let forwarded_param = |name: &str| {
        forwarded.and_then(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim().eq_ignore_ascii_case(name).then(|| value.trim().trim_matches('"').to_owned())
            })
        })
    };
    let first = |name: &str| {
        header_str(headers, name).and_then(|value| value.split(',').next()).map(|value| value.trim().to_owned())
    };
    let host = forwarded_param("host").or_else(|| first("x-forwarded-host")).or_else(|| first("host"));
    let scheme = match forwarded_param("proto").or_else(|| first("x-forwarded-proto")).as_deref() {
        Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    match host {
        Some(host)
            if !host.is_empty()
                && host.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-:[]".contains(&byte)) =>
        {
            format!("{scheme}://{host}")
        }
        _ => own_url.to_owned(),
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

async fn create_app(State(shared): State<Shared>, uri: Uri, body: Bytes) -> Response {
    let params = parse_query(uri.query().unwrap_or_default());
    let activate = param(&params, "activate").is_none_or(|value| !value.eq_ignore_ascii_case("false"));
    let created = lock(&shared).create(&body, activate);
    json_or_error(created)
}

async fn get_app(State(shared): State<Shared>, uri: Uri) -> Response {
    let id = app_id(&uri);
    let app = lock(&shared).get(&id);
    match app {
        Some(app) => Json(InOktaOrder(&app)).into_response(),
        None => ApiError::app_not_found(&id).into_response(),
    }
}

async fn replace_app(State(shared): State<Shared>, uri: Uri, body: Bytes) -> Response {
    let id = app_id(&uri);
    let replaced = lock(&shared).replace(&id, &body);
    json_or_error(replaced)
}

async fn delete_app(State(shared): State<Shared>, uri: Uri) -> Response {
    let id = app_id(&uri);
    let deleted = lock(&shared).delete(&id);
    empty_or_error(deleted, StatusCode::NO_CONTENT)
}

async fn activate_app(State(shared): State<Shared>, uri: Uri) -> Response {
    let id = app_id(&uri);
    let activated = lock(&shared).set_active(&id, true);
    empty_or_error(activated, StatusCode::OK)
}

async fn deactivate_app(State(shared): State<Shared>, uri: Uri) -> Response {
    let id = app_id(&uri);
    let deactivated = lock(&shared).set_active(&id, false);
    empty_or_error(deactivated, StatusCode::OK)
}

/// A request no endpoint takes: a path Okta does not have, or a method the
/// path does not have.
pub(super) async fn unknown_route() -> Response {
    ApiError::unknown_route().into_response()
}

/// The order of an app's members in real orgs' answers. The store keeps
/// them sorted by name; an app is written back in this order, members
/// Okta does not send after `settings`, and `_embedded` and `_links` last,
/// so that clients read apps as a real org sends them (`signOnMode` before
/// `credentials` and `settings`).
const APP_MEMBER_ORDER: [&str; 15] = [
    "id",
    "orn",
    "name",
    "label",
    "status",
    "lastUpdated",
    "created",
    "accessibility",
    "licensing",
    "visibility",
    "features",
    "signOnMode",
    "credentials",
    "universalLogout",
    "settings",
];

/// Written after every other member.
const LAST_MEMBERS: [&str; 2] = ["_embedded", "_links"];

/// An app, written with its members in [`APP_MEMBER_ORDER`].
struct InOktaOrder<'a>(&'a Value);

impl serde::Serialize for InOktaOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Value::Object(app) = self.0 else { return self.0.serialize(serializer) };
        let mut map = serializer.serialize_map(Some(app.len()))?;
        for key in APP_MEMBER_ORDER {
            if let Some(value) = app.get(key) {
                map.serialize_entry(key, value)?;
            }
        }
        let known = |key: &str| APP_MEMBER_ORDER.contains(&key) || LAST_MEMBERS.contains(&key);
        for (key, value) in app.iter().filter(|(key, _)| !known(key)) {
            map.serialize_entry(key, value)?;
        }
        for key in LAST_MEMBERS {
            if let Some(value) = app.get(key) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

fn json_or_error(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(app) => Json(InOktaOrder(&app)).into_response(),
        Err(error) => error.into_response(),
    }
}

fn empty_or_error(result: Result<(), ApiError>, status: StatusCode) -> Response {
    match result {
        Ok(()) => status.into_response(),
        Err(error) => error.into_response(),
    }
}

/// The app id of `/api/v1/apps/{appId}[/...]`, percent-decoded from the raw path.
fn app_id(uri: &Uri) -> String {
    percent_decode(uri.path().split('/').nth(4).unwrap_or_default())
}

/// The first value of the query parameter `name`.
pub(super) fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

/// `application/x-www-form-urlencoded` pairs, decoded.
pub(super) fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Decodes `%XX` escapes of a path segment; invalid UTF-8 becomes U+FFFD.
pub(super) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use okta_runtime::encode_unreserved;

    #[test]
    fn percent_round_trip() {
        for text in ["a/b", "../x", "é é", "100%", "a+b&c=d"] {
            assert_eq!(percent_decode(&encode_unreserved(text)), text);
        }
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(parse_query("k=a+b%2"), [("k".to_owned(), "a b%2".to_owned())]);
        assert_eq!(encode_unreserved(r#"status eq "ACTIVE""#), "status%20eq%20%22ACTIVE%22");
    }

    #[test]
    fn query_pairs() {
        let pairs = parse_query("limit=2&filter=status+eq+%22ACTIVE%22&flag&&q=");
        assert_eq!(param(&pairs, "limit"), Some("2"));
        assert_eq!(param(&pairs, "filter"), Some(r#"status eq "ACTIVE""#));
        assert_eq!(param(&pairs, "flag"), Some(""));
        assert_eq!(param(&pairs, "q"), Some(""));
        assert_eq!(param(&pairs, "after"), None);
    }

    #[test]
    fn base_urls_follow_the_origin_the_client_used() {
        let own = "http://127.0.0.1:1";
        let mut headers = HeaderMap::new();
        assert_eq!(base_url(&headers, own), own);
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:2"));
        assert_eq!(base_url(&headers, own), "http://127.0.0.1:2");
        headers.insert(HeaderName::from_static("x-forwarded-host"), HeaderValue::from_static("localhost:3, other:4"));
        assert_eq!(base_url(&headers, own), "http://localhost:3");
        headers.insert(
            header::FORWARDED,
            HeaderValue::from_static("for=10.0.0.1;host=\"proxy.example:8443\";proto=https, host=other"),
        );
        assert_eq!(base_url(&headers, own), "https://proxy.example:8443");
        headers.insert(header::FORWARDED, HeaderValue::from_static("host=bad/host"));
        assert_eq!(base_url(&headers, own), own);
    }
}
