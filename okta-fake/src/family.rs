//! The rest of the Applications family on the fake org: what hangs off one
//! app (`/api/v1/apps/{appId}/...`). Here: routing, the features and the
//! access policy, and the answers to a logo upload and a SAML metadata
//! request; in the submodules, assignments and group push (`assignments`),
//! keys, CSRs, JWKs and client secrets (`credentials`), consent grants,
//! tokens and claims (`consent`), the provisioning connection
//! (`connection`), reading a logo upload (`logo`), and signing keys and the
//! SAML metadata document (`sso`).
//!
//! Requests are routed by the generated `operations::OPERATIONS` table, so
//! every operation of the spec is known here: one this fake does not
//! implement answers as Okta answers a route it does not have. State is
//! JSON, kept as sent plus what the server assigns, like the apps themselves.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::http::{param, parse_query, percent_decode};
use super::paging::{Listing, page_of};
use super::store::{ApiError, Org, Shared, json_object, lock, now};
use super::util::{app_href, embed, id_of, new_id, random_alphanumeric, set_lifecycle_link};
use okta_runtime::{OperationInfo, encode_unreserved};

mod assignments;
mod connection;
mod consent;
mod credentials;
mod logo;
mod sso;

pub(crate) use assignments::assign_group;
use assignments::{merge, renumber};
use logo::logo_part;
use sso::{find_key, keys};

/// Operations the fake does not implement, answered as Okta answers a
/// route it does not have: they reach outside the org's apps (other orgs'
/// and authorization servers' apps), which the fake does not model.
pub(crate) const NOT_IMPLEMENTED: &[&str] = &[
    "listCrossAppAccessConnections",
    "createCrossAppAccessConnection",
    "getCrossAppAccessConnection",
    "updateCrossAppAccessConnection",
    "deleteCrossAppAccessConnection",
    "listInterclientAllowedApplications",
    "createInterclientTrustMapping",
    "deleteInterclientTrustMapping",
    "listInterclientTargetApplications",
];
/// What one app has besides itself.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct AppFamily {
    users: Vec<Value>,
    groups: Vec<Value>,
    features: Option<Vec<Value>>,
    keys: Option<Vec<Value>>,
    csrs: Vec<Value>,
    jwks: Vec<Value>,
    secrets: Vec<Value>,
    grants: Vec<Value>,
    pub(super) tokens: Vec<Value>,
    claims: Vec<Value>,
    push: Vec<Value>,
    connection: Option<Value>,
    #[serde(with = "logo_file")]
    pub(super) logo: Option<(String, Vec<u8>)>,
}

/// A logo in a state file: `{"mediaType": ..., "base64": ...}`.
mod logo_file {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Logo {
        media_type: String,
        base64: String,
    }

    pub(super) fn serialize<S: Serializer>(logo: &Option<(String, Vec<u8>)>, s: S) -> Result<S::Ok, S::Error> {
        logo.as_ref()
            .map(|(media_type, bytes)| Logo { media_type: media_type.clone(), base64: STANDARD.encode(bytes) })
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<(String, Vec<u8>)>, D::Error> {
        match Option::<Logo>::deserialize(d)? {
            None => Ok(None),
            Some(logo) => {
                let bytes = STANDARD.decode(logo.base64.as_bytes()).map_err(serde::de::Error::custom)?;
                Ok(Some((logo.media_type, bytes)))
            }
        }
    }
}

impl super::filter::Assignments for AppFamily {
    fn has_user(&self, id: &str) -> bool {
        self.users.iter().any(|u| id_of(u) == Some(id))
    }

    fn has_group(&self, id: &str) -> bool {
        self.groups.iter().any(|g| id_of(g) == Some(id))
    }
}

impl Org {
    /// `expand=user/{userId}`: each app with user `user_id`'s assignment to
    /// it under `_embedded.user`.
    pub(super) fn embed_app_users(&self, apps: &mut [Value], user_id: &str) {
        embed(apps, "user", |app_id| {
            self.family.get(app_id)?.users.iter().find(|u| id_of(u) == Some(user_id)).cloned()
        });
    }
}

impl AppFamily {
    /// Lists the secret an OpenID Connect app was created with as its first
    /// client secret, as Okta does.
    pub(super) fn initial_secret(&mut self, base: &str, app_id: &str, secret: &str) {
        self.secrets.push(credentials::client_secret_record(&app_href(base, app_id), secret, true));
    }

    /// Drops the assignment of a group the org no longer has.
    pub(super) fn forget_group(&mut self, group_id: &str) {
        self.groups.retain(|g| id_of(g) != Some(group_id));
        renumber(&mut self.groups);
    }
}

/// One request to a family operation, taken apart.
struct Call<'a> {
    op: &'static OperationInfo,
    params: HashMap<&'static str, String>,
    query: Vec<(String, String)>,
    body: &'a [u8],
    headers: &'a HeaderMap,
    /// The request path, still encoded (for `Link` headers).
    path: &'a str,
    base: String,
}

impl Call<'_> {
    fn path(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    fn query(&self, name: &str) -> Option<&str> {
        param(&self.query, name)
    }

    fn json(&self) -> Result<Map<String, Value>, ApiError> {
        json_object(self.body)
    }

    /// The JSON body, or an empty object when there is none.
    fn json_or_empty(&self) -> Result<Map<String, Value>, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) { Ok(Map::new()) } else { self.json() }
    }

    fn app_href(&self) -> String {
        app_href(&self.base, self.path("appId"))
    }
}

/// What a handler answers.
enum Reply {
    Json(StatusCode, Value),
    Empty(StatusCode),
    /// A list, answered one page at a time.
    Page(Vec<Value>),
    Bytes(StatusCode, &'static str, Vec<u8>),
}

/// `200` with `value`.
fn ok(value: Value) -> Result<Reply, ApiError> {
    Ok(Reply::Json(StatusCode::OK, value))
}

/// `201` with `value`.
fn created(value: Value) -> Result<Reply, ApiError> {
    Ok(Reply::Json(StatusCode::CREATED, value))
}

/// `204`.
fn no_content() -> Result<Reply, ApiError> {
    Ok(Reply::Empty(StatusCode::NO_CONTENT))
}

/// Every `/api/v1/apps/{appId}/...` request the fixed routes do not take.
pub(super) async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let Some(op) = OperationInfo::find(okta_apps::operations::OPERATIONS, method.as_str(), path) else {
        return ApiError::unknown_route().into_response();
    };
    let params = op
        .path
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(t, a)| Some((t.strip_prefix('{')?.strip_suffix('}')?, percent_decode(a))))
        .filter_map(|(name, value)| op_param_name(op, name).map(|name| (name, value)))
        .collect();
    let mut org = lock(&shared);
    let base = org.public_base().to_owned();
    let call = Call {
        op,
        params,
        query: parse_query(uri.query().unwrap_or_default()),
        body: &body,
        headers: &headers,
        path,
        base,
    };
    if NOT_IMPLEMENTED.contains(&op.id) {
        return ApiError::unknown_route().into_response();
    }
    let app_id = call.path("appId").to_owned();
    if org.get(&app_id).is_none() {
        return ApiError::app_not_found(&app_id).into_response();
    }
    match dispatch(&mut org, &call, &app_id) {
        Ok(Reply::Json(status, value)) => (status, Json(value)).into_response(),
        Ok(Reply::Empty(status)) => status.into_response(),
        Ok(Reply::Bytes(status, media_type, bytes)) => {
            let mut response =
                (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media_type))], bytes).into_response();
            if media_type == "application/pkcs10" {
                response.headers_mut().insert("content-transfer-encoding", HeaderValue::from_static("base64"));
            }
            response
        }
        Ok(Reply::Page(items)) => page_response(&org, &call, &items),
        Err(error) => error.into_response(),
    }
}

/// The page of `items` the request asks for, as Okta pages its lists.
fn page_response(org: &Org, call: &Call<'_>, items: &[Value]) -> Response {
    match Listing::new(org, call.base.clone(), call.path, &call.query) {
        Ok(listing) => {
            let page = page_of(items, id_of, |_| true, listing.after(), listing.limit, Value::clone);
            listing.respond(&page.items, page.next_after.as_deref())
        }
        Err(error) => error.into_response(),
    }
}

/// The `'static` name of a path parameter of `op`.
fn op_param_name(op: &'static OperationInfo, name: &str) -> Option<&'static str> {
    op.path.split('/').filter_map(|t| t.strip_prefix('{')?.strip_suffix('}')).find(|t| *t == name)
}

fn find<'a>(items: &'a [Value], id: &str, kind: &str) -> Result<&'a Value, ApiError> {
    items.iter().find(|item| id_of(item) == Some(id)).ok_or_else(|| ApiError::not_found(id, kind))
}

fn find_mut<'a>(items: &'a mut [Value], id: &str, kind: &str) -> Result<&'a mut Value, ApiError> {
    items.iter_mut().find(|item| id_of(item) == Some(id)).ok_or_else(|| ApiError::not_found(id, kind))
}

fn remove(items: &mut Vec<Value>, id: &str, kind: &str) -> Result<Value, ApiError> {
    let index = items.iter().position(|item| id_of(item) == Some(id)).ok_or_else(|| ApiError::not_found(id, kind))?;
    Ok(items.remove(index))
}

/// Removes an item that is not ACTIVE: Okta deletes only what was deactivated first.
fn remove_inactive(items: &mut Vec<Value>, id: &str, kind: &str, what: &str) -> Result<(), ApiError> {
    if status_of(find(items, id, kind)?) == "ACTIVE" {
        return Err(ApiError::validation(
            "status",
            [format!("An active {what} can't be deleted; deactivate it first.")],
        ));
    }
    remove(items, id, kind).map(|_| ())
}

fn set(item: &mut Value, key: &str, value: Value) {
    if let Some(object) = item.as_object_mut() {
        object.insert(key.to_owned(), value);
    }
}

fn dispatch(org: &mut Org, call: &Call<'_>, app_id: &str) -> Result<Reply, ApiError> {
    let app = org.get(app_id).unwrap_or(Value::Null);
    let org_kid = org.facts.org_kid.clone();
    let family = org.family.entry(app_id.to_owned()).or_default();
    if call.op.id.contains("ProvisioningConnection") {
        return connection::dispatch(call, &mut family.connection, &app);
    }
    match call.op.id {
        id if assignments::OPS.contains(&id) => assignments::dispatch(org, call, app_id, &app),
        id if credentials::OPS.contains(&id) => credentials::dispatch(org, call, app_id, &app),
        id if consent::OPS.contains(&id) => consent::dispatch(org, call, app_id, &app),
        // ApplicationFeatures
        "listFeaturesForApplication" => {
            let features = features(family, call);
            ok(Value::Array(features.clone()))
        }
        "getFeatureForApplication" => {
            let name = call.path("featureName").to_owned();
            ok(find_feature(features(family, call), &name)?.clone())
        }
        "updateFeatureForApplication" => {
            let name = call.path("featureName").to_owned();
            let body = call.json()?;
            let feature = find_feature_mut(features(family, call), &name)?;
            let capabilities = feature.get_mut("capabilities").and_then(Value::as_object_mut);
            if let Some(capabilities) = capabilities {
                merge(capabilities, &body);
            }
            let enabled = serde_json::to_string(feature.get("capabilities").unwrap_or(&Value::Null))
                .is_ok_and(|text| text.contains("\"ENABLED\""));
            set(feature, "status", Value::from(if enabled { "ENABLED" } else { "DISABLED" }));
            ok(feature.clone())
        }
        // ApplicationPolicies, ApplicationLogos, ApplicationSSO
        "assignApplicationPolicy" => {
            let href = format!("{}/api/v1/policies/{}", call.base, encode_unreserved(call.path("policyId")));
            org.update_app_link(app_id, "accessPolicy", json!({ "href": href }));
            no_content()
        }
        "uploadApplicationLogo" => {
            let (media_type, bytes) = logo_part(call)?;
            let href = format!("{}/bc/image/fileStoreRecord?id={}", call.base, random_alphanumeric(20));
            family.logo = Some((media_type.clone(), bytes));
            org.update_app_link(app_id, "logo", json!([{ "name": "medium", "href": href, "type": media_type }]));
            Ok(Reply::Empty(StatusCode::CREATED))
        }
        "previewSamlMetadataForApplication" => {
            if !matches!(app.get("signOnMode").and_then(Value::as_str), Some("SAML_2_0" | "SAML_1_1")) {
                return Err(ApiError::not_found(app_id, "SAML metadata"));
            }
            let kid = call.query("kid").unwrap_or_default().to_owned();
            let key = find_key(keys(family, &app, &org_kid), &kid)?;
            let xml = sso::saml_metadata(&app, app_id, key, &call.base);
            Ok(Reply::Bytes(StatusCode::OK, "application/xml", xml.into_bytes()))
        }
        _ => Err(ApiError::unknown_route()),
    }
}

/// The app's features: provisioning to the app and from it, both off,
/// until changed.
fn features<'a>(family: &'a mut AppFamily, call: &Call<'_>) -> &'a mut Vec<Value> {
    family.features.get_or_insert_with(|| {
        let link = |name: &str| {
            let href = format!("{}/features/{name}", call.app_href());
            json!({ "self": { "href": href, "hints": { "allow": ["GET", "PUT"] } } })
        };
        vec![
            json!({
                "name": "USER_PROVISIONING",
                "status": "DISABLED",
                "description": "Provisioning of users from Okta to the app",
                "capabilities": {
                    "create": { "lifecycleCreate": { "status": "DISABLED" } },
                    "update": {
                        "lifecycleDeactivate": { "status": "DISABLED" },
                        "profile": { "status": "DISABLED" },
                        "password": { "status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING" },
                    },
                },
                "_links": link("USER_PROVISIONING"),
            }),
            json!({
                "name": "INBOUND_PROVISIONING",
                "status": "DISABLED",
                "description": "Import of users from the app into Okta",
                "capabilities": {
                    "importSettings": {
                        "username": { "userNameFormat": "EMAIL" },
                        "schedule": { "status": "DISABLED", "fullImport": null, "incrementalImport": null },
                    },
                    "importRules": {
                        "userCreateAndMatch": {
                            "exactMatchCriteria": "USERNAME",
                            "allowPartialMatch": false,
                            "autoConfirmPartialMatch": false,
                            "autoConfirmExactMatch": false,
                            "autoConfirmNewUsers": false,
                            "autoActivateNewUsers": false,
                        },
                    },
                },
                "_links": link("INBOUND_PROVISIONING"),
            }),
        ]
    })
}

fn find_feature<'a>(features: &'a [Value], name: &str) -> Result<&'a Value, ApiError> {
    features
        .iter()
        .find(|f| f.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| ApiError::not_found(name, "AppFeature"))
}

fn find_feature_mut<'a>(features: &'a mut [Value], name: &str) -> Result<&'a mut Value, ApiError> {
    features
        .iter_mut()
        .find(|f| f.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| ApiError::not_found(name, "AppFeature"))
}

fn status_of(item: &Value) -> &str {
    item.get("status").and_then(Value::as_str).unwrap_or_default()
}

/// `_links` of something with a lifecycle: `self`, and `activate` or `deactivate`.
fn lifecycle_links(href: &str, active: bool) -> Value {
    let mut links = Map::new();
    links.insert("self".to_owned(), json!({ "href": href, "hints": { "allow": ["GET", "DELETE"] } }));
    set_lifecycle_link(&mut links, href, active, true);
    Value::Object(links)
}

fn set_status(item: &mut Value, active: bool, href: &str) {
    set(item, "status", Value::from(if active { "ACTIVE" } else { "INACTIVE" }));
    set(item, "lastUpdated", Value::String(now()));
    set(item, "_links", lifecycle_links(href, active));
}

/// A refresh token the app's users hold, for listing and revoking.
pub(super) fn token(base: &str, app_id: &str, client_id: Option<&str>, user_id: &str, scopes: &[&str]) -> Value {
    let id = new_id("oar");
    let app = app_href(base, app_id);
    let href = format!("{app}/tokens/{id}");
    json!({
        "id": id,
        "status": "ACTIVE",
        "created": now(),
        "lastUpdated": now(),
        "expiresAt": null,
        "issuer": format!("{base}/oauth2/default"),
        "clientId": client_id.unwrap_or_default(),
        "userId": user_id,
        "scopes": scopes,
        "_links": {
            "app": { "href": app },
            "self": { "href": href },
            "revoke": { "href": href, "hints": { "allow": ["DELETE"] } },
        },
    })
}
