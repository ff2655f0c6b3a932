//! The org's users and groups, as far as the apps need them: listed and
//! paged (`/api/v1/users`, `/api/v1/groups`), and groups created, read and
//! deleted, so that a client can make the group it then assigns to an app.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::http::{
    org_base, page_url, param, parse_query, percent_decode, request_limit, unknown_route, with_page_links,
};
use super::store::{ApiError, Org, Page, Shared, json_object, lock, now, page_of};
use super::util::{id_of, new_id, str_at};
use okta_runtime::encode_unreserved;

const USERS: &str = "/api/v1/users";
const GROUPS: &str = "/api/v1/groups";

/// The users and groups of the org, each kept as inserted plus what the
/// server assigns.
#[derive(Debug, Default)]
pub(super) struct Directory {
    pub(super) users: Vec<Value>,
    pub(super) groups: Vec<Value>,
}

/// A kind of directory object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DirectoryKind {
    /// `/api/v1/users`, ids `00u…`.
    User,
    /// `/api/v1/groups`, ids `00g…`.
    Group,
}

/// The routes of the users and groups.
pub(super) fn routes(router: Router<Shared>) -> Router<Shared> {
    router
        .route(USERS, get(list_users).fallback(unknown_route))
        .route(GROUPS, get(list_groups).post(create_group).fallback(unknown_route))
        .route("/api/v1/groups/{group_id}", get(get_group).delete(delete_group).fallback(unknown_route))
}

impl Org {
    /// Stores a user or a group as given, filling in what the server assigns
    /// (`id`, `created`, `lastUpdated`, and `status` for a user or `type` for
    /// a group); returns its id.
    pub(super) fn insert_directory(&mut self, kind: DirectoryKind, object: Value) -> String {
        let Value::Object(mut object) = object else { panic!("a user or group must be a JSON object") };
        let (prefix, filled) = match kind {
            DirectoryKind::User => ("00u", ("status", "ACTIVE")),
            DirectoryKind::Group => ("00g", ("type", "OKTA_GROUP")),
        };
        let id = match str_at(&object, &["id"]) {
            Some(id) => id.to_owned(),
            None => new_id(prefix),
        };
        let stamp = now();
        object.insert("id".to_owned(), Value::String(id.clone()));
        for (key, value) in [("created", stamp.as_str()), ("lastUpdated", stamp.as_str()), filled] {
            object.entry(key.to_owned()).or_insert_with(|| Value::String(value.to_owned()));
        }
        object.entry("profile".to_owned()).or_insert_with(|| json!({}));
        self.directory_list(kind).push(Value::Object(object));
        id
    }

    /// The user or group with this id.
    pub(super) fn directory_object(&self, kind: DirectoryKind, id: &str) -> Option<Value> {
        let list = match kind {
            DirectoryKind::User => &self.directory.users,
            DirectoryKind::Group => &self.directory.groups,
        };
        list.iter().find(|v| id_of(v) == Some(id)).cloned()
    }

    /// One page of users or groups, after the one with id `after`.
    pub(super) fn list_directory(&self, kind: DirectoryKind, after: Option<&str>, limit: usize) -> Page {
        let list = match kind {
            DirectoryKind::User => &self.directory.users,
            DirectoryKind::Group => &self.directory.groups,
        };
        page_of(list, id_of, |_| true, after, limit, Value::clone)
    }

    fn directory_list(&mut self, kind: DirectoryKind) -> &mut Vec<Value> {
        match kind {
            DirectoryKind::User => &mut self.directory.users,
            DirectoryKind::Group => &mut self.directory.groups,
        }
    }
}

async fn list_users(state: State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    list(state, headers, uri, DirectoryKind::User, USERS)
}

async fn list_groups(state: State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    list(state, headers, uri, DirectoryKind::Group, GROUPS)
}

/// A page of users or groups, paged as apps are: `limit`, `after` and `Link`.
fn list(State(shared): State<Shared>, headers: HeaderMap, uri: Uri, kind: DirectoryKind, path: &str) -> Response {
    let params = parse_query(uri.query().unwrap_or_default());
    let after = param(&params, "after").filter(|after| !after.is_empty());
    let (limit, page, base) = {
        let org = lock(&shared);
        let limit = match request_limit(&org, &params) {
            Ok(limit) => limit,
            Err(error) => return error.into_response(),
        };
        (limit, org.list_directory(kind, after, limit), org_base(&org, &headers))
    };
    let next = page.next_after.map(|cursor| page_url(&base, path, Some(&cursor), limit, &params));
    let self_url = page_url(&base, path, after, limit, &params);
    with_page_links(Json(page.items).into_response(), &self_url, next.as_deref())
}

/// createGroup: an Okta group from `{"profile": {"name": ..., "description": ...}}`,
/// answered as Okta answers it (200, the group with its links).
async fn create_group(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let profile = body.get("profile").and_then(Value::as_object).cloned().unwrap_or_default();
    let name = profile.get("name").and_then(Value::as_str).unwrap_or_default();
    if name.trim().is_empty() {
        return ApiError::validation("name", ["name: The field cannot be left blank"]).into_response();
    }
    let mut org = lock(&shared);
    let taken = org.directory.groups.iter().any(|g| g.pointer("/profile/name").and_then(Value::as_str) == Some(name));
    if taken {
        let cause = "name: An object with this field already exists in the current organization";
        return ApiError::validation("name", [cause]).into_response();
    }
    let base = org_base(&org, &headers);
    let id = new_id("00g");
    let stamp = now();
    let mut group = Map::new();
    group.insert("id".to_owned(), Value::String(id.clone()));
    group.insert("created".to_owned(), Value::String(stamp.clone()));
    group.insert("lastUpdated".to_owned(), Value::String(stamp.clone()));
    group.insert("lastMembershipUpdated".to_owned(), Value::String(stamp));
    group.insert("objectClass".to_owned(), json!(["okta:user_group"]));
    group.insert("type".to_owned(), Value::from("OKTA_GROUP"));
    group.insert("profile".to_owned(), Value::Object(profile));
    group.insert("_links".to_owned(), group_links(&base, &id));
    org.insert_directory(DirectoryKind::Group, Value::Object(group.clone()));
    Json(Value::Object(group)).into_response()
}

/// The `_links` Okta gives a group.
fn group_links(base: &str, id: &str) -> Value {
    let href = format!("{base}{GROUPS}/{}", encode_unreserved(id));
    json!({
        "logo": [
            { "name": "medium", "href": format!("{base}/assets/img/logos/groups/okta-medium.png"), "type": "image/png" },
            { "name": "large", "href": format!("{base}/assets/img/logos/groups/okta-large.png"), "type": "image/png" },
        ],
        "users": { "href": format!("{href}/users") },
        "apps": { "href": format!("{href}/apps") },
    })
}

fn group_id(uri: &Uri) -> String {
    uri.path().rsplit('/').next().map(percent_decode).unwrap_or_default()
}

/// getGroup.
async fn get_group(State(shared): State<Shared>, uri: Uri) -> Response {
    let id = group_id(&uri);
    match lock(&shared).directory_object(DirectoryKind::Group, &id) {
        Some(group) => Json(group).into_response(),
        None => ApiError::not_found(&id, "UserGroup").into_response(),
    }
}

/// deleteGroup: the group goes, and with it every app's assignment of it.
async fn delete_group(State(shared): State<Shared>, uri: Uri) -> Response {
    let id = group_id(&uri);
    let mut org = lock(&shared);
    let Some(index) = org.directory.groups.iter().position(|g| id_of(g) == Some(id.as_str())) else {
        return ApiError::not_found(&id, "UserGroup").into_response();
    };
    org.directory.groups.remove(index);
    for family in org.family.values_mut() {
        family.forget_group(&id);
    }
    StatusCode::NO_CONTENT.into_response()
}
