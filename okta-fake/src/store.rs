//! The fake org's state: the stored apps and Okta's rules for changing them, without HTTP.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::defaults::{self, OrgFacts};
use super::filter::{self, Filter};
use super::paging::{Page, page_of};
use super::rules;
use super::util::{app_href, id_of, new_id, random_alphanumeric, set_lifecycle_link, str_at};
use super::{FakeOptions, RecordedRequest};

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
    /// What the org's apps show of it: its id, keys and default policies.
    pub(super) facts: OrgFacts,
    /// Custom apps created so far: their generated names count them.
    pub(super) custom_count: u64,
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

    /// 400 E0000003: the body is not the JSON the operation takes.
    pub(super) fn malformed() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000003", "The request body was not well-formed.")
    }

    /// 404 E0000007: there is no `kind` (Okta's name of the type, such as
    /// `UserGroup`) with this id.
    pub(super) fn not_found(id: &str, kind: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "E0000007", format!("Not found: Resource not found: {id} ({kind})"))
    }

    /// 404 E0000007 for an app id that is not stored.
    pub(super) fn app_not_found(id: &str) -> Self {
        Self::not_found(id, "AppInstance")
    }

    /// 400 E0000001: the request fails validation of `summary` (the fields
    /// at fault), for `causes`, each written as Okta writes them
    /// (`label: The field cannot be left blank`, no closing period).
    pub(super) fn validation<C: Into<String>>(summary: &str, causes: impl IntoIterator<Item = C>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000001", format!("Api validation failed: {summary}"))
            .with_causes(causes.into_iter().map(Into::into).collect())
    }

    /// 401 E0000011: the token is not one the org accepts.
    pub(super) fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "E0000011", "Invalid token provided")
    }

    /// 415 E0000041: the body is not in a media type the operation takes.
    pub(super) fn unsupported_media_type(summary: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "E0000041", summary)
    }

    /// 405 E0000022: Okta's answer to a request no endpoint takes, a path it
    /// does not have or a method the path does not have.
    pub(super) fn unknown_route() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "E0000022", "The endpoint does not support the provided HTTP method")
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

/// A request body that must be a JSON object; anything else is E0000003.
pub(super) fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(ApiError::malformed()),
    }
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
            facts: OrgFacts::new(),
            custom_count: 0,
        }
    }

    /// The origin clients reach the org at: the public URL if set, else its own.
    pub(super) fn public_base(&self) -> &str {
        self.options.public_url.as_deref().unwrap_or(&self.base_url)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.apps.iter().position(|app| str_at(app, &["id"]) == Some(id))
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
        let Some(group_id) = id_of(&assignment) else { return };
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
        self.apps.iter().find(|app| str_at(app, &["id"]) == Some(id)).cloned().map(Value::Object)
    }

    /// A fresh `0oa...` id that no stored app has.
    fn new_app_id(&self) -> String {
        loop {
            let id = new_id("0oa");
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
        let id = match str_at(&app, &["id"]) {
            Some(id) => id.to_owned(),
            None => {
                let id = self.new_app_id();
                app.insert("id".to_owned(), Value::String(id.clone()));
                id
            }
        };
        let now = format_millis(now_millis());
        app.entry("created").or_insert_with(|| Value::String(now.clone()));
        app.entry("lastUpdated").or_insert_with(|| Value::String(now));
        app.entry("status").or_insert_with(|| Value::String("ACTIVE".to_owned()));
        if !app.contains_key("_links") {
            let links = defaults::links(&app, self.public_base(), &self.facts);
            app.insert("_links".to_owned(), Value::Object(links));
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

    /// createApplication: checks `body` as Okta does, assigns what Okta
    /// assigns and fills in what it fills in (see [`defaults`]), keeps the rest.
    pub(super) fn create(&mut self, body: &[u8], activate: bool) -> Result<Value, ApiError> {
        let mut app = json_object(body)?;
        defaults::settle_name_and_mode(&mut app, None);
        rules::check(&app, None)?;
        let id = self.new_app_id();
        let now = format_millis(now_millis());
        let status = if activate { "ACTIVE" } else { "INACTIVE" };
        app.insert("id".to_owned(), Value::String(id.clone()));
        app.insert("created".to_owned(), Value::String(now.clone()));
        app.insert("lastUpdated".to_owned(), Value::String(now));
        app.insert("status".to_owned(), Value::String(status.to_owned()));
        let mode = str_at(&app, &["signOnMode"]).unwrap_or_default().to_owned();
        if str_at(&app, &["name"]).is_none_or(str::is_empty) {
            let name = match defaults::template_name(&mode) {
                Some(template) => template.to_owned(),
                None => {
                    self.custom_count += 1;
                    let label = str_at(&app, &["label"]).unwrap_or_default();
                    defaults::generated_name(&self.facts.subdomain, label, self.custom_count)
                }
            };
            app.insert("name".to_owned(), Value::String(name));
        }
        defaults::fill_app(&mut app, &id, &self.facts);
        let links = defaults::links(&app, self.public_base(), &self.facts);
        app.insert("_links".to_owned(), Value::Object(links));
        let secret =
            app.get("credentials").and_then(|c| c.pointer("/oauthClient/client_secret")).and_then(Value::as_str);
        if let Some(secret) = secret {
            let base = self.public_base().to_owned();
            self.family.entry(id.clone()).or_default().initial_secret(&base, &id, secret);
        }
        self.apps.push(app.clone());
        Ok(Value::Object(app))
    }

    /// replaceApplication: the body as sent with what Okta fills in, but
    /// Okta's own members kept from the stored app: its id, name, status,
    /// dates, links, features, signing key and OAuth client credentials
    /// (unless the body sets them).
    pub(super) fn replace(&mut self, id: &str, body: &[u8]) -> Result<Value, ApiError> {
        let index = self.position(id).ok_or_else(|| ApiError::app_not_found(id))?;
        let mut app = json_object(body)?;
        let stored = self.apps.get(index).ok_or_else(|| ApiError::app_not_found(id))?.clone();
        defaults::settle_name_and_mode(&mut app, Some(&stored));
        rules::check(&app, Some(&stored))?;
        for key in ["id", "created", "status", "orn", "features", "_links"] {
            match stored.get(key) {
                Some(value) => app.insert(key.to_owned(), value.clone()),
                None => app.remove(key),
            };
        }
        keep_credentials(&mut app, &stored);
        defaults::fill_app(&mut app, id, &self.facts);
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
        let active = self.apps.get(index).and_then(|app| str_at(app, &["status"])) == Some("ACTIVE");
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
        if let Some(app) = self.apps.iter_mut().find(|app| str_at(app, &["id"]) == Some(id)) {
            if let Some(Value::Object(links)) = app.get_mut("_links") {
                links.insert(rel.to_owned(), link);
            }
            let last_updated = later_than(app.get("lastUpdated"));
            app.insert("lastUpdated".to_owned(), Value::String(last_updated));
        }
    }

    /// activateApplication / deactivateApplication.
    pub(super) fn set_active(&mut self, id: &str, active: bool) -> Result<(), ApiError> {
        let app_href = app_href(self.public_base(), id);
        let app = self
            .apps
            .iter_mut()
            .find(|app| str_at(app, &["id"]) == Some(id))
            .ok_or_else(|| ApiError::app_not_found(id))?;
        let status = if active { "ACTIVE" } else { "INACTIVE" };
        app.insert("status".to_owned(), Value::String(status.to_owned()));
        let last_updated = later_than(app.get("lastUpdated"));
        app.insert("lastUpdated".to_owned(), Value::String(last_updated));
        if let Some(Value::Object(links)) = app.get_mut("_links") {
            set_lifecycle_link(links, &app_href, active, false);
        }
        Ok(())
    }

    /// listApplications: `limit` items strictly after the app `after`, in list order,
    /// that pass `filter` and whose `label` or `name` starts with `q`, ignoring case.
    pub(super) fn list(&self, after: Option<&str>, limit: usize, filter: Option<&Filter>, q: Option<&str>) -> Page {
        let unassigned = super::family::AppFamily::default();
        let matching = |app: &App| {
            let family = str_at(app, &["id"]).and_then(|id| self.family.get(id)).unwrap_or(&unassigned);
            filter.is_none_or(|f| f.matches(app, family)) && q.is_none_or(|q| filter::matches_q(app, q))
        };
        page_of(&self.apps, |app| str_at(app, &["id"]), matching, after, limit, |app| Value::Object(app.clone()))
    }
}

/// Keeps what a replacement does not say of the stored app's signing key and
/// OAuth client: its `kid`, its `client_id` and its secret.
fn keep_credentials(app: &mut App, stored: &App) {
    let Some(kept) = stored.get("credentials") else { return };
    let credentials = app.entry("credentials").or_insert_with(|| json!({}));
    let Some(credentials) = credentials.as_object_mut() else { return };
    if let Some(signing) = kept.get("signing") {
        if credentials.get("signing").and_then(|s| s.get("kid")).is_none() {
            credentials.insert("signing".to_owned(), signing.clone());
        }
    }
    let Some(kept_client) = kept.get("oauthClient").and_then(Value::as_object) else { return };
    let client = credentials.entry("oauthClient").or_insert_with(|| json!({}));
    let Some(client) = client.as_object_mut() else { return };
    for key in ["client_id", "client_secret"] {
        let blank = client.get(key).and_then(Value::as_str).is_none_or(str::is_empty);
        if let (true, Some(value)) = (blank, kept_client.get(key)) {
            client.insert(key.to_owned(), value.clone());
        }
    }
}

/// Now, as Okta writes timestamps.
pub(super) fn now() -> String {
    format_millis(now_millis())
}

/// Milliseconds since the Unix epoch.
pub(super) fn now_millis() -> i128 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos().div_euclid(1_000_000)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, as Okta writes timestamps.
pub(super) fn format_millis(millis: i128) -> String {
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
}
