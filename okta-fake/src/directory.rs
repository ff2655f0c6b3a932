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
use serde_json::{Value, json};

use super::http::{org_base, parse_query, percent_decode, unknown_route};
use super::paging::{Listing, Page, page_of};
use super::store::{ApiError, Org, Shared, json_object, lock, now};
use super::util::{id_of, new_id, str_at};
use okta_runtime::encode_unreserved;

const USERS: &str = "/api/v1/users";
const GROUPS: &str = "/api/v1/groups";

/// The users and groups of the org, each kept as inserted plus what the
/// server assigns.
#[derive(Debug, Default)]
pub(super) struct Directory {
    users: Vec<Value>,
    groups: Vec<Value>,
}

/// A kind of directory object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DirectoryKind {
    /// `/api/v1/users`, ids `00u…`.
    User,
    /// `/api/v1/groups`, ids `00g…`.
    Group,
}

impl DirectoryKind {
    /// What one is called in messages.
    pub(super) fn noun(self) -> &'static str {
        match self {
            DirectoryKind::User => "user",
            DirectoryKind::Group => "group",
        }
    }
}

impl Directory {
    /// The users or the groups, in list order.
    pub(super) fn list(&self, kind: DirectoryKind) -> &[Value] {
        match kind {
            DirectoryKind::User => &self.users,
            DirectoryKind::Group => &self.groups,
        }
    }

    fn list_mut(&mut self, kind: DirectoryKind) -> &mut Vec<Value> {
        match kind {
            DirectoryKind::User => &mut self.users,
            DirectoryKind::Group => &mut self.groups,
        }
    }

    /// The user or group with this id, as the org at `base` shows it (see [`shown`]).
    pub(super) fn get(&self, kind: DirectoryKind, id: &str, base: &str) -> Option<Value> {
        self.list(kind).iter().find(|v| id_of(v) == Some(id)).map(|object| shown(kind, object, base))
    }

    /// One page of users or groups, after the one with id `after`, as the
    /// org at `base` shows them.
    fn page(&self, kind: DirectoryKind, after: Option<&str>, limit: usize, base: &str) -> Page {
        page_of(self.list(kind), id_of, |_| true, after, limit, |object| shown(kind, object, base))
    }
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
    /// where it lacks it: `id`, `created`, `lastUpdated` and `profile`, and
    /// `status` for a user, or `type`, `objectClass` and
    /// `lastMembershipUpdated` for a group; returns its id. (A group's
    /// `_links` name the org's URL, so they are made when it is read.)
    pub(super) fn insert_directory(&mut self, kind: DirectoryKind, object: Value) -> String {
        let Value::Object(mut object) = object else { panic!("a user or group must be a JSON object") };
        let prefix = match kind {
            DirectoryKind::User => "00u",
            DirectoryKind::Group => "00g",
        };
        let id = match str_at(&object, &["id"]) {
            Some(id) => id.to_owned(),
            None => new_id(prefix),
        };
        let stamp = Value::String(now());
        object.insert("id".to_owned(), Value::String(id.clone()));
        let mut filled = vec![("created", stamp.clone()), ("lastUpdated", stamp.clone()), ("profile", json!({}))];
        match kind {
            DirectoryKind::User => filled.push(("status", Value::from("ACTIVE"))),
            DirectoryKind::Group => filled.extend([
                ("type", Value::from("OKTA_GROUP")),
                ("objectClass", json!(["okta:user_group"])),
                ("lastMembershipUpdated", stamp),
            ]),
        }
        for (key, value) in filled {
            object.entry(key.to_owned()).or_insert(value);
        }
        self.directory.list_mut(kind).push(Value::Object(object));
        id
    }
}

/// A stored user or group as the org at `base` shows it: a group with its
/// `_links` (unless it was stored with its own).
fn shown(kind: DirectoryKind, object: &Value, base: &str) -> Value {
    let mut shown = object.clone();
    if let (DirectoryKind::Group, Some(group)) = (kind, shown.as_object_mut()) {
        if !group.contains_key("_links") {
            let links = group_links(base, str_at(group, &["id"]).unwrap_or_default());
            group.insert("_links".to_owned(), links);
        }
    }
    shown
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
    let org = lock(&shared);
    let base = org_base(&org, &headers);
    let listing = match Listing::new(&org, base.clone(), path, &params) {
        Ok(listing) => listing,
        Err(error) => return error.into_response(),
    };
    let page = org.directory.page(kind, listing.after(), listing.limit, &base);
    drop(org);
    listing.respond(&page.items, page.next_after.as_deref())
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
    let groups = org.directory.list(DirectoryKind::Group);
    let taken = groups.iter().any(|g| g.pointer("/profile/name").and_then(Value::as_str) == Some(name));
    if taken {
        let cause = "name: An object with this field already exists in the current organization";
        return ApiError::validation("name", [cause]).into_response();
    }
    let id = org.insert_directory(DirectoryKind::Group, json!({ "profile": profile }));
    let base = org_base(&org, &headers);
    match org.directory.get(DirectoryKind::Group, &id, &base) {
        Some(group) => Json(group).into_response(),
        None => ApiError::not_found(&id, "UserGroup").into_response(),
    }
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
async fn get_group(State(shared): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    let id = group_id(&uri);
    let org = lock(&shared);
    match org.directory.get(DirectoryKind::Group, &id, &org_base(&org, &headers)) {
        Some(group) => Json(group).into_response(),
        None => ApiError::not_found(&id, "UserGroup").into_response(),
    }
}

/// deleteGroup: the group goes, and with it every app's assignment of it.
async fn delete_group(State(shared): State<Shared>, uri: Uri) -> Response {
    let id = group_id(&uri);
    let mut org = lock(&shared);
    let groups = org.directory.list_mut(DirectoryKind::Group);
    let Some(index) = groups.iter().position(|g| id_of(g) == Some(id.as_str())) else {
        return ApiError::not_found(&id, "UserGroup").into_response();
    };
    groups.remove(index);
    for family in org.family.values_mut() {
        family.forget_group(&id);
    }
    StatusCode::NO_CONTENT.into_response()
}
