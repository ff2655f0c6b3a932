//! The fake org's state: the stored apps and Okta's rules for changing them, without HTTP.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{FakeOptions, RecordedRequest};
use okta_runtime::encode_unreserved;

/// The state every handler and the [`super::FakeOrg`] handle share.
pub(super) type Shared = Arc<Mutex<Org>>;

/// One stored app: always a JSON object with a string `id`.
type App = Map<String, Value>;

/// Locks the state; a panic elsewhere while it was held does not make it unusable.
pub(super) fn lock(shared: &Shared) -> MutexGuard<'_, Org> {
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Requests allowed per rate-limit window, as sent in `X-Rate-Limit-Limit`,
/// until [`FakeOrg::set_rate_limit`](crate::FakeOrg::set_rate_limit) says otherwise.
pub(super) const RATE_LIMIT: u64 = 10_000;

/// Length of a rate-limit window, in seconds.
pub(super) const RATE_LIMIT_WINDOW_SECS: u64 = 60;

/// Everything the fake org knows.
pub(super) struct Org {
    /// `http://127.0.0.1:PORT`, used in the apps' `_links`.
    pub(super) base_url: String,
    pub(super) options: FakeOptions,
    /// In list order, which is insertion order.
    apps: Vec<App>,
    pub(super) requests: Vec<RecordedRequest>,
    /// How many of the next requests get a 429.
    pub(super) rate_limited: usize,
    /// The `X-Rate-Limit-Reset` of those 429s, from the time of each request.
    pub(super) rate_limited_reset_in: Duration,
    /// When set, list responses send this as their `next` link.
    pub(super) next_link: Option<String>,
    /// Requests seen so far; feeds `X-Okta-Request-Id`.
    pub(super) request_count: u64,
    /// Requests allowed per window, and its length in seconds.
    pub(super) window_limit: u64,
    pub(super) window_secs: u64,
    /// Requests left in the current rate-limit window.
    pub(super) window_remaining: u64,
    /// How many requests were refused with a 429 because the window was spent.
    pub(super) over_limit: u64,
    /// When the current window ends, in seconds since the epoch (0: no window yet).
    pub(super) window_reset: u64,
    /// The authorization server: service apps, issued tokens, spent `jti`s, nonces.
    pub(super) auth: super::oauth::AuthServer,
    /// What hangs off each app: assignments, keys, secrets, ...
    pub(super) family: std::collections::BTreeMap<String, super::family::AppFamily>,
    /// The org's users and groups, in list order: what `/api/v1/users` and
    /// `/api/v1/groups` list.
    pub(super) directory: super::directory::Directory,
}

/// An Okta error response, before it becomes HTTP.
#[derive(Debug)]
pub(super) struct ApiError {
    pub(super) status: StatusCode,
    code: &'static str,
    summary: String,
    causes: Vec<String>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, summary: impl Into<String>) -> Self {
        Self { status, code, summary: summary.into(), causes: Vec::new() }
    }

    pub(super) fn with_causes(mut self, causes: Vec<String>) -> Self {
        self.causes = causes;
        self
    }

    /// 404 E0000007 for an app id that is not stored.
    pub(super) fn app_not_found(id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "E0000007", format!("Not found: Resource not found: {id} (AppInstance)"))
    }

    /// 400 E0000003 for a body that is not a JSON object.
    fn malformed() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000003", "The request body was not well-formed.")
    }

    /// Okta's Error object, with a fresh `errorId`.
    pub(super) fn body(&self) -> Value {
        let causes: Vec<Value> = self.causes.iter().map(|cause| json!({ "errorSummary": cause })).collect();
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": format!("oae{}", random_alphanumeric(22)),
            "errorCauses": causes,
        })
    }
}

/// The only filter expressions the fake understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Filter {
    /// `status eq "ACTIVE"` or `status eq "INACTIVE"`.
    Status(String),
    /// `name eq "<name>"`.
    Name(String),
}

/// Parses a `filter` query value; anything unsupported is Okta's E0000031.
pub(super) fn parse_filter(filter: &str) -> Result<Filter, ApiError> {
    let invalid = || ApiError::new(StatusCode::BAD_REQUEST, "E0000031", "Invalid search criteria.");
    let filter = filter.trim();
    if let Some(rest) = filter.strip_prefix("status eq ") {
        match quoted(rest) {
            Some(status @ ("ACTIVE" | "INACTIVE")) => Ok(Filter::Status(status.to_owned())),
            _ => Err(invalid()),
        }
    } else if let Some(rest) = filter.strip_prefix("name eq ") {
        quoted(rest).map(|name| Filter::Name(name.to_owned())).ok_or_else(invalid)
    } else {
        Err(invalid())
    }
}

/// The inside of `"..."`, which may not hold another quote.
fn quoted(value: &str) -> Option<&str> {
    value.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')).filter(|inner| !inner.contains('"'))
}

/// One page of a list.
pub(super) struct Page {
    pub(super) items: Vec<Value>,
    /// The cursor for the next page, when more items match.
    pub(super) next_after: Option<String>,
}

impl Org {
    pub(super) fn new(base_url: String, options: FakeOptions) -> Self {
        Self {
            base_url,
            options,
            apps: Vec::new(),
            requests: Vec::new(),
            rate_limited: 0,
            rate_limited_reset_in: Duration::ZERO,
            next_link: None,
            request_count: 0,
            window_limit: RATE_LIMIT,
            window_secs: RATE_LIMIT_WINDOW_SECS,
            window_remaining: RATE_LIMIT,
            over_limit: 0,
            window_reset: 0,
            auth: super::oauth::AuthServer::default(),
            family: std::collections::BTreeMap::new(),
            directory: super::directory::Directory::default(),
        }
    }

    /// The origin clients reach the org at: the public URL if set, else its own.
    pub(super) fn public_base(&self) -> &str {
        self.options.public_url.as_deref().unwrap_or(&self.base_url)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.apps.iter().position(|app| str_field(app, "id") == Some(id))
    }

    /// Forgets every app and what hangs off it.
    pub(super) fn clear(&mut self) {
        self.apps.clear();
        self.family.clear();
    }

    /// Assigns a group to app `app_id` as the API does (see
    /// `assignGroupToApplication`): `assignment` holds its `id`, and its
    /// `priority` and `profile` if any.
    pub(super) fn assign_group(&mut self, app_id: &str, assignment: Value) {
        let Some(group_id) = assignment.get("id").and_then(Value::as_str) else { return };
        let priority = assignment.get("priority").and_then(Value::as_u64);
        let profile = assignment.get("profile").cloned().unwrap_or_else(|| json!({}));
        let base = self.public_base().to_owned();
        let family = self.family.entry(app_id.to_owned()).or_default();
        super::family::assign_group(family, &base, app_id, group_id, priority, profile);
    }

    /// Every stored app, in list order.
    pub(super) fn apps(&self) -> Vec<Value> {
        self.apps.iter().cloned().map(Value::Object).collect()
    }

    pub(super) fn get(&self, id: &str) -> Option<Value> {
        self.apps.iter().find(|app| str_field(app, "id") == Some(id)).cloned().map(Value::Object)
    }

    /// A fresh `0oa...` id that no stored app has.
    fn new_id(&self) -> String {
        loop {
            let id = format!("0oa{}", random_alphanumeric(17));
            if self.position(&id).is_none() {
                return id;
            }
        }
    }

    /// Stores `app` as it is, filling in only the server-assigned fields it lacks.
    /// An app with the id of a stored one takes its place.
    ///
    /// # Panics
    /// When `app` is not a JSON object.
    pub(super) fn insert(&mut self, app: Value) -> String {
        let mut app = match app {
            Value::Object(app) => app,
            other => panic!("FakeOrg::insert takes a JSON object, got {other}"),
        };
        let id = match str_field(&app, "id") {
            Some(id) => id.to_owned(),
            None => {
                let id = self.new_id();
                app.insert("id".to_owned(), Value::String(id.clone()));
                id
            }
        };
        let now = format_millis(now_millis());
        app.entry("created").or_insert_with(|| Value::String(now.clone()));
        app.entry("lastUpdated").or_insert_with(|| Value::String(now));
        app.entry("status").or_insert_with(|| Value::String("ACTIVE".to_owned()));
        if !app.contains_key("_links") {
            let active = str_field(&app, "status") == Some("ACTIVE");
            app.insert("_links".to_owned(), Value::Object(self.links(&id, active)));
        }
        match self.position(&id) {
            Some(index) => {
                if let Some(slot) = self.apps.get_mut(index) {
                    *slot = app;
                }
            }
            None => self.apps.push(app),
        }
        id
    }

    /// createApplication: validates `body`, assigns what Okta assigns, keeps the rest.
    pub(super) fn create(&mut self, body: &[u8], activate: bool) -> Result<Value, ApiError> {
        let mut app = validate(body)?;
        let id = self.new_id();
        let now = format_millis(now_millis());
        let status = if activate { "ACTIVE" } else { "INACTIVE" };
        app.insert("id".to_owned(), Value::String(id.clone()));
        app.insert("created".to_owned(), Value::String(now.clone()));
        app.insert("lastUpdated".to_owned(), Value::String(now));
        app.insert("status".to_owned(), Value::String(status.to_owned()));
        let sign_on_mode = str_field(&app, "signOnMode").unwrap_or_default().to_owned();
        if str_field(&app, "name").is_none_or(str::is_empty) {
            let name = default_name(&sign_on_mode, str_field(&app, "label").unwrap_or_default());
            app.insert("name".to_owned(), Value::String(name));
        }
        if sign_on_mode == "OPENID_CONNECT" {
            ensure_oauth_client(&mut app, &id);
        }
        app.insert("_links".to_owned(), Value::Object(self.links(&id, activate)));
        self.apps.push(app.clone());
        Ok(Value::Object(app))
    }

    /// replaceApplication: the body as sent, but Okta's own fields kept from the stored app.
    pub(super) fn replace(&mut self, id: &str, body: &[u8]) -> Result<Value, ApiError> {
        let index = self.position(id).ok_or_else(|| ApiError::app_not_found(id))?;
        let mut app = validate(body)?;
        let stored = self.apps.get(index).ok_or_else(|| ApiError::app_not_found(id))?;
        for key in ["id", "created", "status", "name", "_links"] {
            match stored.get(key) {
                Some(value) => app.insert(key.to_owned(), value.clone()),
                None => app.remove(key),
            };
        }
        let last_updated = later_than(stored.get("lastUpdated"));
        app.insert("lastUpdated".to_owned(), Value::String(last_updated));
        if let Some(slot) = self.apps.get_mut(index) {
            slot.clone_from(&app);
        }
        Ok(Value::Object(app))
    }

    /// deleteApplication: only an app that is not ACTIVE goes.
    pub(super) fn delete(&mut self, id: &str) -> Result<(), ApiError> {
        let index = self.position(id).ok_or_else(|| ApiError::app_not_found(id))?;
        let active = self.apps.get(index).and_then(|app| str_field(app, "status")) == Some("ACTIVE");
        if active {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "E0000056", "Delete application forbidden.")
                .with_causes(vec!["Application must be deactivated before deletion.".to_owned()]));
        }
        self.apps.remove(index);
        self.family.remove(id);
        Ok(())
    }

    /// Sets the link `rel` of app `id` (its access policy, its logo).
    pub(super) fn update_app_link(&mut self, id: &str, rel: &str, link: Value) {
        if let Some(app) = self.apps.iter_mut().find(|app| str_field(app, "id") == Some(id)) {
            if let Some(Value::Object(links)) = app.get_mut("_links") {
                links.insert(rel.to_owned(), link);
            }
            let last_updated = later_than(app.get("lastUpdated"));
            app.insert("lastUpdated".to_owned(), Value::String(last_updated));
        }
    }

    /// activateApplication / deactivateApplication.
    pub(super) fn set_active(&mut self, id: &str, active: bool) -> Result<(), ApiError> {
        let app_href = format!("{}/api/v1/apps/{}", self.base_url, encode_unreserved(id));
        let app = self
            .apps
            .iter_mut()
            .find(|app| str_field(app, "id") == Some(id))
            .ok_or_else(|| ApiError::app_not_found(id))?;
        let status = if active { "ACTIVE" } else { "INACTIVE" };
        app.insert("status".to_owned(), Value::String(status.to_owned()));
        let last_updated = later_than(app.get("lastUpdated"));
        app.insert("lastUpdated".to_owned(), Value::String(last_updated));
        if let Some(Value::Object(links)) = app.get_mut("_links") {
            set_lifecycle_link(links, &app_href, active);
        }
        Ok(())
    }

    /// listApplications: `limit` items strictly after the app `after`, in list order,
    /// that pass `filter` and whose `label` or `name` starts with `q`, ignoring case.
    pub(super) fn list(&self, after: Option<&str>, limit: usize, filter: Option<&Filter>, q: Option<&str>) -> Page {
        page_of(
            &self.apps,
            |app| str_field(app, "id"),
            |app| matches(app, filter, q),
            after,
            limit,
            |app| Value::Object(app.clone()),
        )
    }

    /// The `_links` Okta gives a new app.
    fn links(&self, id: &str, active: bool) -> App {
        let app_href = format!("{}/api/v1/apps/{}", self.base_url, encode_unreserved(id));
        let mut links = Map::new();
        links.insert("users".to_owned(), json!({ "href": format!("{app_href}/users") }));
        links.insert("groups".to_owned(), json!({ "href": format!("{app_href}/groups") }));
        links.insert(
            "logo".to_owned(),
            json!([{
                "name": "medium",
                "href": format!("{}/assets/img/logos/default.png", self.base_url),
                "type": "image/png",
            }]),
        );
        links.insert("appLinks".to_owned(), json!([]));
        set_lifecycle_link(&mut links, &app_href, active);
        links
    }
}

/// An active app links to its deactivation, an inactive one to its activation.
fn set_lifecycle_link(links: &mut App, app_href: &str, active: bool) {
    links.remove("activate");
    links.remove("deactivate");
    let rel = if active { "deactivate" } else { "activate" };
    links.insert(
        rel.to_owned(),
        json!({ "href": format!("{app_href}/lifecycle/{rel}"), "hints": { "allow": ["POST"] } }),
    );
}

fn matches(app: &App, filter: Option<&Filter>, q: Option<&str>) -> bool {
    let filter_ok = match filter {
        None => true,
        Some(Filter::Status(status)) => str_field(app, "status") == Some(status.as_str()),
        Some(Filter::Name(name)) => str_field(app, "name") == Some(name.as_str()),
    };
    let q_ok = q.is_none_or(|q| {
        let q = q.to_lowercase();
        ["label", "name"]
            .into_iter()
            .any(|key| str_field(app, key).is_some_and(|value| value.to_lowercase().starts_with(&q)))
    });
    filter_ok && q_ok
}

/// A create or replace body: a JSON object with a `label` and a `signOnMode`.
fn validate(body: &[u8]) -> Result<App, ApiError> {
    let Ok(Value::Object(app)) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::malformed());
    };
    let mut blank = Vec::new();
    if str_field(&app, "label").is_none_or(|label| label.trim().is_empty()) {
        blank.push("label");
    }
    if str_field(&app, "signOnMode").is_none_or(str::is_empty) {
        blank.push("signOnMode");
    }
    if blank.is_empty() {
        return Ok(app);
    }
    let causes = blank.iter().map(|field| format!("{field}: The field cannot be left blank")).collect();
    Err(ApiError::new(StatusCode::BAD_REQUEST, "E0000001", format!("Api validation failed: {}", blank.join(", ")))
        .with_causes(causes))
}

/// The `name` Okta gives a custom app created without one.
fn default_name(sign_on_mode: &str, label: &str) -> String {
    let fixed = match sign_on_mode {
        "BOOKMARK" => "bookmark",
        "BASIC_AUTH" => "template_basic_auth",
        "SECURE_PASSWORD_STORE" => "template_sps",
        "WS_FEDERATION" => "template_wsfed",
        "OPENID_CONNECT" => "oidc_client",
        "BROWSER_PLUGIN" => "template_swa",
        _ => {
            let slug: String =
                label.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
            return format!("fakeorg_{slug}_1");
        }
    };
    fixed.to_owned()
}

/// An OIDC app created without a client id gets one (its app id) and a secret.
fn ensure_oauth_client(app: &mut App, id: &str) {
    if app.get("credentials").is_none_or(Value::is_null) {
        app.insert("credentials".to_owned(), json!({}));
    }
    let Some(Value::Object(credentials)) = app.get_mut("credentials") else { return };
    if credentials.get("oauthClient").is_none_or(Value::is_null) {
        credentials.insert("oauthClient".to_owned(), json!({}));
    }
    let Some(Value::Object(client)) = credentials.get_mut("oauthClient") else { return };
    if client.get("client_id").and_then(Value::as_str).is_some_and(|client_id| !client_id.is_empty()) {
        return;
    }
    client.insert("client_id".to_owned(), Value::String(id.to_owned()));
    client.entry("client_secret").or_insert_with(|| Value::String(random_alphanumeric(40)));
}

fn str_field<'a>(app: &'a App, key: &str) -> Option<&'a str> {
    app.get(key).and_then(Value::as_str)
}

/// `len` random ASCII letters and digits.
/// One page of `items` that match, after the one with id `after` (an
/// unknown cursor gives an empty page), with the cursor of the next page
/// when more match.
pub(super) fn page_of<T>(
    items: &[T],
    id: fn(&T) -> Option<&str>,
    matching: impl Fn(&T) -> bool,
    after: Option<&str>,
    limit: usize,
    to_value: impl Fn(&T) -> Value,
) -> Page {
    let start = match after {
        None => 0,
        Some(cursor) => match items.iter().position(|item| id(item) == Some(cursor)) {
            Some(index) => index + 1,
            None => return Page { items: Vec::new(), next_after: None },
        },
    };
    let mut found = items.iter().skip(start).filter(|item| matching(item));
    let page: Vec<&T> = found.by_ref().take(limit).collect();
    let next_after =
        if found.next().is_some() { page.last().and_then(|item| id(item)).map(str::to_owned) } else { None };
    Page { items: page.into_iter().map(to_value).collect(), next_after }
}

pub(super) fn random_alphanumeric(len: usize) -> String {
    std::iter::repeat_with(fastrand::alphanumeric).take(len).collect()
}

/// Now, as Okta writes timestamps.
pub(super) fn now() -> String {
    format_millis(now_millis())
}

/// Milliseconds since the Unix epoch.
fn now_millis() -> i128 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos().div_euclid(1_000_000)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, as Okta writes timestamps.
fn format_millis(millis: i128) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    time::OffsetDateTime::from_unix_timestamp_nanos(millis.saturating_mul(1_000_000))
        .ok()
        .and_then(|moment| moment.format(format).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

/// Now, or one millisecond after `previous` when the clock has not moved past it, so that
/// every change moves `lastUpdated` forward.
fn later_than(previous: Option<&Value>) -> String {
    let now = now_millis();
    let previous = previous
        .and_then(Value::as_str)
        .and_then(|text| time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok())
        .map(|moment| moment.unix_timestamp_nanos().div_euclid(1_000_000));
    match previous {
        Some(previous) if now <= previous => format_millis(previous + 1),
        _ => format_millis(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_milliseconds_and_move_forward() {
        assert_eq!(format_millis(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        let future = Value::String("2999-01-01T00:00:00.999Z".to_owned());
        assert_eq!(later_than(Some(&future)), "2999-01-01T00:00:01.000Z");
        assert_eq!(later_than(None).len(), 24);
    }

    #[test]
    fn filters() {
        assert_eq!(parse_filter(r#"status eq "ACTIVE""#).ok(), Some(Filter::Status("ACTIVE".to_owned())));
        assert_eq!(parse_filter(r#"name eq "bookmark""#).ok(), Some(Filter::Name("bookmark".to_owned())));
        for bad in [r#"status eq "DELETED""#, r#"label eq "x""#, "status eq ACTIVE", r#"name eq "a"b""#, ""] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn default_names() {
        assert_eq!(default_name("BOOKMARK", "Wiki"), "bookmark");
        assert_eq!(default_name("SAML_2_0", "My App!"), "fakeorg_my_app__1");
    }
}
