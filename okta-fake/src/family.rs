//! The rest of the Applications family on the fake org: what hangs off one
//! app (`/api/v1/apps/{appId}/...`): user and group assignments, features,
//! signing keys and CSRs, JWKs and client secrets, consent grants, tokens,
//! federated claims, group-push mappings, the access policy, the logo and
//! the SAML metadata.
//!
//! Requests are routed by the generated `operations::OPERATIONS` table, so
//! every operation of the spec is known here: one this fake does not
//! implement answers `501` with an Okta error naming it. State is JSON, kept
//! as sent plus what the server assigns, like the apps themselves.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::http::{append_link, page_url, param, parse_limit, parse_query, percent_decode};
use super::store::{ApiError, Org, Shared, lock, now, random_alphanumeric};
use okta_runtime::{OperationInfo, encode_unreserved};

mod connection;
mod logo;
mod sso;

use logo::logo_part;
use sso::{base64_std, find_key, keys, new_key};

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
        for app in apps {
            let user = id_of(app)
                .and_then(|id| self.family.get(id))
                .and_then(|f| f.users.iter().find(|u| id_of(u) == Some(user_id)));
            if let (Some(user), Some(object)) = (user, app.as_object_mut()) {
                object.insert("_embedded".to_owned(), json!({ "user": user }));
            }
        }
    }
}

impl AppFamily {
    /// Lists the secret an OpenID Connect app was created with as its first
    /// client secret, as Okta does.
    pub(super) fn initial_secret(&mut self, base: &str, app_id: &str, secret: &str) {
        let id = new_id("ocs");
        let href = format!("{base}/api/v1/apps/{}/credentials/secrets/{id}", encode_unreserved(app_id));
        self.secrets.push(json!({
            "id": id,
            "created": now(),
            "lastUpdated": now(),
            "status": "ACTIVE",
            "secret_hash": okta_runtime::client::jose::sha256_b64(secret.as_bytes()),
            "_links": lifecycle_links(&href, true),
        }));
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
        match serde_json::from_slice(self.body) {
            Ok(Value::Object(object)) => Ok(object),
            _ => Err(ApiError::new(StatusCode::BAD_REQUEST, "E0000003", "The request body was not well-formed.")),
        }
    }

    /// The JSON body, or an empty object when there is none.
    fn json_or_empty(&self) -> Result<Map<String, Value>, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) { Ok(Map::new()) } else { self.json() }
    }

    fn app_href(&self) -> String {
        format!("{}/api/v1/apps/{}", self.base, encode_unreserved(self.path("appId")))
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
        return super::http::unknown_route().into_response();
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
        return super::http::unknown_route().into_response();
    }
    let app_id = call.path("appId").to_owned();
    if org.get(&app_id).is_none() {
        return ApiError::app_not_found(&app_id).into_response();
    }
    let limits = (org.options.default_page_size, org.options.max_page_size);
    match dispatch(&mut org, &call, &app_id) {
        Ok(Reply::Page(mut items)) if call.op.id == "listApplicationGroupAssignments" => {
            if call.query("expand") == Some("group") {
                embed_groups(&org, &mut items);
            }
            page_response(&call, &items, limits)
        }
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
        Ok(Reply::Page(items)) => page_response(&call, &items, limits),
        Err(error) => error.into_response(),
    }
}

/// `expand=group`: each assignment with its group under `_embedded.group`,
/// as Okta sends it (the org's group, or nothing for a group it does not have).
fn embed_groups(org: &Org, assignments: &mut [Value]) {
    for assignment in assignments {
        let group = id_of(assignment).and_then(|id| org.directory.groups.iter().find(|g| id_of(g) == Some(id)));
        if let (Some(group), Some(object)) = (group, assignment.as_object_mut()) {
            object.insert("_embedded".to_owned(), json!({ "group": group }));
        }
    }
}

/// The `'static` name of a path parameter of `op`.
fn op_param_name(op: &'static OperationInfo, name: &str) -> Option<&'static str> {
    op.path.split('/').filter_map(|t| t.strip_prefix('{')?.strip_suffix('}')).find(|t| *t == name)
}

/// One page of `items` after the `after` cursor (an item's `id`), with
/// `self` and `next` links that keep the request's other parameters.
fn page_response(call: &Call<'_>, items: &[Value], (default, max): (usize, usize)) -> Response {
    let limit = match call.query("limit") {
        None => default,
        Some(raw) => match parse_limit(raw, default, max) {
            Ok(limit) => limit,
            Err(error) => return error.into_response(),
        },
    };
    let start = match call.query("after").filter(|a| !a.is_empty()) {
        None => 0,
        Some(after) => match items.iter().position(|item| id_of(item) == Some(after)) {
            Some(index) => index + 1,
            None => items.len(),
        },
    };
    let page: Vec<Value> = items.iter().skip(start).take(limit).cloned().collect();
    let more = start + page.len() < items.len();
    let url = |after: Option<&str>| page_url(&call.base, call.path, after, limit, &call.query);
    let next = more.then(|| page.last().and_then(id_of).map(str::to_owned)).flatten();
    let mut response = Json(Value::Array(page)).into_response();
    append_link(response.headers_mut(), &url(call.query("after")), "self");
    if let Some(next) = next {
        append_link(response.headers_mut(), &url(Some(&next)), "next");
    }
    response
}

fn id_of(item: &Value) -> Option<&str> {
    item.get("id").and_then(Value::as_str)
}

fn not_found(id: &str, kind: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "E0000007", format!("Not found: Resource not found: {id} ({kind})"))
}

fn invalid(summary: &str, cause: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "E0000001", format!("Api validation failed: {summary}"))
        .with_causes(vec![cause.into()])
}

fn find<'a>(items: &'a [Value], id: &str, kind: &str) -> Result<&'a Value, ApiError> {
    items.iter().find(|item| id_of(item) == Some(id)).ok_or_else(|| not_found(id, kind))
}

fn find_mut<'a>(items: &'a mut [Value], id: &str, kind: &str) -> Result<&'a mut Value, ApiError> {
    items.iter_mut().find(|item| id_of(item) == Some(id)).ok_or_else(|| not_found(id, kind))
}

fn remove(items: &mut Vec<Value>, id: &str, kind: &str) -> Result<Value, ApiError> {
    let index = items.iter().position(|item| id_of(item) == Some(id)).ok_or_else(|| not_found(id, kind))?;
    Ok(items.remove(index))
}

/// Removes an item that is not ACTIVE: Okta deletes only what was deactivated first.
fn remove_inactive(items: &mut Vec<Value>, id: &str, kind: &str, what: &str) -> Result<(), ApiError> {
    if status_of(find(items, id, kind)?) == "ACTIVE" {
        return Err(invalid("status", format!("An active {what} can't be deleted; deactivate it first.")));
    }
    remove(items, id, kind).map(|_| ())
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", random_alphanumeric(17))
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
    let ok = |value: Value| Ok(Reply::Json(StatusCode::OK, value));
    let created = |value: Value| Ok(Reply::Json(StatusCode::CREATED, value));
    let no_content = || Ok(Reply::Empty(StatusCode::NO_CONTENT));
    let list = |items: &[Value]| Ok(Reply::Page(items.to_vec()));
    match call.op.id {
        // ApplicationUsers
        "listApplicationUsers" => list(&family.users),
        "assignUserToApplication" => {
            let body = call.json()?;
            let user_id = body.get("id").and_then(Value::as_str).unwrap_or_default();
            let person = org.directory.users.iter().find(|u| id_of(u) == Some(user_id));
            let profile = app_user_profile(&app, person);
            let user = assign_user(call, &body, family.users.iter().find(|u| id_of(u) == Some(user_id)), profile)?;
            let id = id_of(&user).unwrap_or_default().to_owned();
            family.users.retain(|u| id_of(u) != Some(&id));
            family.users.push(user.clone());
            ok(user)
        }
        "getApplicationUser" => ok(find(&family.users, call.path("userId"), "AppUser")?.clone()),
        "updateApplicationUser" => {
            let body = call.json()?;
            let user = find_mut(&mut family.users, call.path("userId"), "AppUser")?;
            update_user(user, &body);
            ok(user.clone())
        }
        "unassignUserFromApplication" => {
            remove(&mut family.users, call.path("userId"), "AppUser")?;
            no_content()
        }
        // ApplicationGroups
        "listApplicationGroupAssignments" => list(&family.groups),
        "getApplicationGroupAssignment" => {
            ok(find(&family.groups, call.path("groupId"), "AppGroupAssignment")?.clone())
        }
        "assignGroupToApplication" => {
            let body = call.json_or_empty()?;
            let group_id = call.path("groupId").to_owned();
            let priority = match body.get("priority") {
                None | Some(Value::Null) => None,
                Some(p) => {
                    Some(p.as_u64().ok_or_else(|| invalid("priority", "priority: must be a whole number, 0 or more"))?)
                }
            };
            let profile = body.get("profile").cloned().unwrap_or_else(|| json!({}));
            assign_group(family, &call.base, app_id, &group_id, priority, profile);
            ok(find(&family.groups, &group_id, "AppGroupAssignment")?.clone())
        }
        "updateGroupAssignmentToApplication" => {
            let group_id = call.path("groupId").to_owned();
            let patch: Vec<Value> = serde_json::from_slice(call.body).map_err(|_| {
                ApiError::new(StatusCode::BAD_REQUEST, "E0000003", "The request body was not well-formed.")
            })?;
            let assignment = find_mut(&mut family.groups, &group_id, "AppGroupAssignment")?;
            let mut priority = None;
            for operation in &patch {
                let path = operation.get("path").and_then(Value::as_str).unwrap_or_default();
                let op = operation.get("op").and_then(Value::as_str).unwrap_or("replace");
                let value = operation.get("value").cloned().unwrap_or(Value::Null);
                match (op, path.strip_prefix('/').unwrap_or(path).split('/').collect::<Vec<_>>().as_slice()) {
                    ("add" | "replace", ["priority"]) => {
                        priority = Some(
                            value.as_u64().ok_or_else(|| invalid("priority", "priority: must be a whole number"))?,
                        );
                    }
                    ("add" | "replace", ["profile", key]) => {
                        if let Some(profile) = assignment.get_mut("profile").and_then(Value::as_object_mut) {
                            profile.insert((*key).to_owned(), value);
                        }
                    }
                    ("remove", ["profile", key]) => {
                        if let Some(profile) = assignment.get_mut("profile").and_then(Value::as_object_mut) {
                            profile.remove(*key);
                        }
                    }
                    _ => return Err(invalid("patch", format!("{op} {path}: not a path of a group assignment"))),
                }
            }
            set(assignment, "lastUpdated", Value::String(now()));
            if priority.is_some() {
                prioritise(&mut family.groups, &group_id, priority);
            }
            ok(find(&family.groups, &group_id, "AppGroupAssignment")?.clone())
        }
        "unassignApplicationFromGroup" => {
            let group_id = call.path("groupId").to_owned();
            remove(&mut family.groups, &group_id, "AppGroupAssignment")?;
            family.groups.sort_by_key(|g| g.get("priority").and_then(Value::as_u64).unwrap_or(u64::MAX));
            renumber(&mut family.groups);
            no_content()
        }
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
        // ApplicationSSOCredentialKey: signing keys
        "listApplicationKeys" => ok(Value::Array(keys(family, &app, &org_kid).clone())),
        "generateApplicationKey" => {
            let years = call
                .query("validityYears")
                .and_then(|y| y.parse::<u32>().ok())
                .filter(|y| (2..=10).contains(y))
                .ok_or_else(|| invalid("validityYears", "validityYears: a whole number of years from 2 to 10"))?;
            let key = new_key(years, None);
            keys(family, &app, &org_kid).push(key.clone());
            created(key)
        }
        "getApplicationKey" => ok(find_key(keys(family, &app, &org_kid), call.path("keyId"))?.clone()),
        "cloneApplicationKey" => {
            let key = find_key(keys(family, &app, &org_kid), call.path("keyId"))?.clone();
            let target = call.query("targetAid").unwrap_or_default().to_owned();
            let Some(target_app) = org.get(&target) else {
                return Err(ApiError::app_not_found(&target));
            };
            let target_keys = keys(org.family.entry(target).or_default(), &target_app, &org_kid);
            let kid = key.get("kid").cloned();
            if !target_keys.iter().any(|k| k.get("kid") == kid.as_ref()) {
                target_keys.push(key.clone());
            }
            created(key)
        }
        // ApplicationSSOCredentialKey: CSRs
        "listCsrsForApplication" => ok(Value::Array(family.csrs.clone())),
        "generateCsrForApplication" => {
            let body = call.json()?;
            if !body.get("subject").is_some_and(Value::is_object) {
                return Err(invalid("subject", "subject: required"));
            }
            let id = new_id("h5v");
            let der: Vec<u8> = [0x30, 0x82].into_iter().chain(id.bytes()).collect();
            let csr = json!({
                "id": id,
                "created": now(),
                "csr": base64_std(&der),
                "kty": "RSA",
                "_links": {
                    "self": { "href": format!("{}/credentials/csrs/{id}", call.app_href()) },
                    "publish": { "href": format!("{}/credentials/csrs/{id}/lifecycle/publish", call.app_href()), "hints": { "allow": ["POST"] } },
                },
            });
            family.csrs.push(csr.clone());
            Ok(csr_reply(call, StatusCode::CREATED, csr))
        }
        "getCsrForApplication" => {
            Ok(csr_reply(call, StatusCode::OK, find(&family.csrs, call.path("csrId"), "Csr")?.clone()))
        }
        "revokeCsrFromApplication" => {
            remove(&mut family.csrs, call.path("csrId"), "Csr")?;
            no_content()
        }
        "publishCsrFromApplication" => {
            let csr_id = call.path("csrId").to_owned();
            find(&family.csrs, &csr_id, "Csr")?;
            let media = call.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let known = ["application/x-x509-ca-cert", "application/pkix-cert", "application/x-pem-file"];
            if !known.iter().any(|k| media.starts_with(k)) {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "E0000041",
                    format!("Unsupported media type: {media}"),
                ));
            }
            if call.body.is_empty() {
                return Err(invalid("certificate", "the body holds no certificate"));
            }
            remove(&mut family.csrs, &csr_id, "Csr")?;
            let mut key = new_key(10, None);
            set(&mut key, "x5c", json!([base64_std(call.body)]));
            keys(family, &app, &org_kid).push(key.clone());
            created(key)
        }
        // ApplicationSSOPublicKeys: JWKs
        "listJwk" => ok(Value::Array(family.jwks.clone())),
        "addJwk" => {
            let body = call.json()?;
            let kty = body.get("kty").and_then(Value::as_str).unwrap_or_default();
            if kty != "RSA" && kty != "EC" {
                return Err(invalid("kty", "kty: RSA or EC"));
            }
            let id = new_id("pks");
            let mut jwk = Value::Object(body.clone());
            set(&mut jwk, "id", Value::from(id.clone()));
            set(&mut jwk, "status", body.get("status").cloned().unwrap_or_else(|| Value::from("ACTIVE")));
            set(&mut jwk, "created", Value::String(now()));
            set(&mut jwk, "lastUpdated", Value::String(now()));
            set(&mut jwk, "_links", lifecycle_links(&format!("{}/credentials/jwks/{id}", call.app_href()), true));
            family.jwks.push(jwk.clone());
            created(jwk)
        }
        "getJwk" => ok(find(&family.jwks, call.path("keyId"), "JsonWebKey")?.clone()),
        "deleteJwk" => {
            remove_inactive(&mut family.jwks, call.path("keyId"), "JsonWebKey", "key")?;
            no_content()
        }
        "activateOAuth2ClientJsonWebKey" | "deactivateOAuth2ClientJsonWebKey" => {
            let active = call.op.id.starts_with("activate");
            let href = format!("{}/credentials/jwks/{}", call.app_href(), call.path("keyId"));
            let jwk = find_mut(&mut family.jwks, call.path("keyId"), "JsonWebKey")?;
            set_status(jwk, active, &href);
            ok(jwk.clone())
        }
        // ApplicationSSOPublicKeys: client secrets
        "listOAuth2ClientSecrets" => ok(Value::Array(family.secrets.clone())),
        "createOAuth2ClientSecret" => {
            let body = call.json_or_empty()?;
            if family.secrets.len() >= 2 {
                return Err(invalid("client_secret", "An app has at most two client secrets; delete one first."));
            }
            let secret = match body.get("client_secret").and_then(Value::as_str) {
                Some(s) if s.len() >= 14 => s.to_owned(),
                Some(_) => return Err(invalid("client_secret", "client_secret: at least 14 characters")),
                None => random_alphanumeric(64),
            };
            let id = new_id("ocs");
            let href = format!("{}/credentials/secrets/{id}", call.app_href());
            let active = body.get("status").and_then(Value::as_str) != Some("INACTIVE");
            let stored = json!({
                "id": id,
                "status": if active { "ACTIVE" } else { "INACTIVE" },
                "created": now(),
                "lastUpdated": now(),
                "secret_hash": okta_runtime::client::jose::sha256_b64(secret.as_bytes()),
                "_links": lifecycle_links(&href, active),
            });
            family.secrets.push(stored.clone());
            // The secret itself is shown once, in this answer.
            let mut shown = stored;
            set(&mut shown, "client_secret", Value::String(secret));
            created(shown)
        }
        "getOAuth2ClientSecret" => ok(find(&family.secrets, call.path("secretId"), "OAuth2ClientSecret")?.clone()),
        "deleteOAuth2ClientSecret" => {
            remove_inactive(&mut family.secrets, call.path("secretId"), "OAuth2ClientSecret", "secret")?;
            no_content()
        }
        "activateOAuth2ClientSecret" | "deactivateOAuth2ClientSecret" => {
            let active = call.op.id.starts_with("activate");
            let id = call.path("secretId").to_owned();
            let others_active =
                family.secrets.iter().filter(|s| id_of(s) != Some(&id) && status_of(s) == "ACTIVE").count();
            find(&family.secrets, &id, "OAuth2ClientSecret")?;
            if !active && others_active == 0 {
                return Err(invalid("status", "The only active secret can't be deactivated."));
            }
            let href = format!("{}/credentials/secrets/{id}", call.app_href());
            let secret = find_mut(&mut family.secrets, &id, "OAuth2ClientSecret")?;
            set_status(secret, active, &href);
            ok(secret.clone())
        }
        // ApplicationGrants
        "listScopeConsentGrants" => ok(Value::Array(family.grants.clone())),
        "grantConsentToScope" => {
            let body = call.json()?;
            let (Some(issuer), Some(scope)) =
                (body.get("issuer").and_then(Value::as_str), body.get("scopeId").and_then(Value::as_str))
            else {
                return Err(invalid("grant", "issuer and scopeId are required"));
            };
            let id = new_id("oag");
            let grant = json!({
                "id": id,
                "issuer": issuer,
                "scopeId": scope,
                "status": "ACTIVE",
                "source": "ADMIN",
                "created": now(),
                "lastUpdated": now(),
                "createdBy": { "id": "00ufakeadmin", "type": "User" },
                "_links": { "app": { "href": call.app_href() }, "self": { "href": format!("{}/grants/{id}", call.app_href()) } },
            });
            let mut grant = grant;
            if let Some(client_id) = app.pointer("/credentials/oauthClient/client_id") {
                set(&mut grant, "clientId", client_id.clone());
            }
            family.grants.push(grant.clone());
            created(grant)
        }
        "getScopeConsentGrant" => ok(find(&family.grants, call.path("grantId"), "OAuth2ScopeConsentGrant")?.clone()),
        "revokeScopeConsentGrant" => {
            remove(&mut family.grants, call.path("grantId"), "OAuth2ScopeConsentGrant")?;
            no_content()
        }
        // ApplicationTokens
        "listOAuth2TokensForApplication" => list(&family.tokens),
        "getOAuth2TokenForApplication" => ok(find(&family.tokens, call.path("tokenId"), "OAuth2RefreshToken")?.clone()),
        "revokeOAuth2TokenForApplication" => {
            remove(&mut family.tokens, call.path("tokenId"), "OAuth2RefreshToken")?;
            no_content()
        }
        "revokeOAuth2TokensForApplication" => {
            family.tokens.clear();
            no_content()
        }
        // ApplicationSSOFederatedClaims
        "listFederatedClaims" => ok(Value::Array(family.claims.clone())),
        "createFederatedClaim" | "replaceFederatedClaim" => {
            let body = call.json()?;
            let (Some(name), Some(expression)) =
                (body.get("name").and_then(Value::as_str), body.get("expression").and_then(Value::as_str))
            else {
                return Err(invalid("claim", "name and expression are required"));
            };
            let replacing = call.op.id == "replaceFederatedClaim";
            let id = if replacing { call.path("claimId").to_owned() } else { new_id("ofc") };
            let created_at = if replacing {
                find(&family.claims, &id, "FederatedClaim")?.get("created").cloned().unwrap_or(Value::Null)
            } else {
                Value::String(now())
            };
            let claim = json!({ "id": id, "name": name, "expression": expression, "created": created_at, "lastUpdated": now() });
            family.claims.retain(|c| id_of(c) != Some(&id));
            family.claims.push(claim.clone());
            // Okta answers 201 to a replacement too.
            created(claim)
        }
        "getFederatedClaim" => ok(find(&family.claims, call.path("claimId"), "FederatedClaim")?.clone()),
        "deleteFederatedClaim" => {
            remove(&mut family.claims, call.path("claimId"), "FederatedClaim")?;
            no_content()
        }
        // GroupPushMapping
        "listGroupPushMappings" => list(&family.push),
        "createGroupPushMapping" => {
            let body = call.json()?;
            let Some(source) = body.get("sourceGroupId").and_then(Value::as_str) else {
                return Err(invalid("sourceGroupId", "sourceGroupId: required"));
            };
            let target = match (
                body.get("targetGroupId").and_then(Value::as_str),
                body.get("targetGroupName").and_then(Value::as_str),
            ) {
                (Some(id), _) => id.to_owned(),
                (None, Some(_)) => new_id("00g"),
                (None, None) => return Err(invalid("target", "targetGroupId or targetGroupName: required")),
            };
            if family.push.iter().any(|m| m.get("sourceGroupId").and_then(Value::as_str) == Some(source)) {
                return Err(invalid("sourceGroupId", "The group is already pushed by another mapping."));
            }
            let id = new_id("gPm");
            let mapping = json!({
                "id": id,
                "sourceGroupId": source,
                "targetGroupId": target,
                "status": body.get("status").cloned().unwrap_or_else(|| Value::from("ACTIVE")),
                "created": now(),
                "lastUpdated": now(),
                "lastPush": null,
                "_links": {
                    "app": { "href": call.app_href() },
                    "sourceGroup": { "href": format!("{}/api/v1/groups/{}", call.base, encode_unreserved(source)) },
                    "targetGroup": { "href": format!("{}/api/v1/groups/{}", call.base, encode_unreserved(&target)) },
                },
            });
            family.push.push(mapping.clone());
            created(mapping)
        }
        "getGroupPushMapping" => ok(find(&family.push, call.path("mappingId"), "GroupPushMapping")?.clone()),
        "updateGroupPushMapping" => {
            let body = call.json()?;
            let status = match body.get("status").and_then(Value::as_str) {
                Some(s @ ("ACTIVE" | "INACTIVE")) => s.to_owned(),
                _ => return Err(invalid("status", "status: ACTIVE or INACTIVE")),
            };
            let mapping = find_mut(&mut family.push, call.path("mappingId"), "GroupPushMapping")?;
            set(mapping, "status", Value::String(status));
            set(mapping, "lastUpdated", Value::String(now()));
            ok(mapping.clone())
        }
        "deleteGroupPushMapping" => {
            remove_inactive(&mut family.push, call.path("mappingId"), "GroupPushMapping", "mapping")?;
            no_content()
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
                return Err(not_found(app_id, "SAML metadata"));
            }
            let kid = call.query("kid").unwrap_or_default().to_owned();
            let key = find_key(keys(family, &app, &org_kid), &kid)?;
            let xml = sso::saml_metadata(&app, app_id, key, &call.base);
            Ok(Reply::Bytes(StatusCode::OK, "text/xml", xml.into_bytes()))
        }
        _ => Err(super::http::unknown_route()),
    }
}

/// A CSR as JSON, or, when the request asks for `application/pkcs10`, its
/// DER in base64 (`Content-Transfer-Encoding: base64`), as Okta answers.
fn csr_reply(call: &Call<'_>, status: StatusCode, csr: Value) -> Reply {
    let accept = call.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if accept.contains("application/pkcs10") {
        let base64 = csr.get("csr").and_then(Value::as_str).unwrap_or_default().as_bytes().to_vec();
        Reply::Bytes(status, "application/pkcs10", base64)
    } else {
        Reply::Json(status, csr)
    }
}

/// An app user from an assignment: the user's id, scope, credentials
/// (a password is taken, never shown) and profile (empty when not given).
fn assign_user(
    call: &Call<'_>,
    body: &Map<String, Value>,
    existing: Option<&Value>,
    profile: Map<String, Value>,
) -> Result<Value, ApiError> {
    let Some(id) = body.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()) else {
        return Err(invalid("id", "id: the user's id is required"));
    };
    let mut user = existing.cloned().unwrap_or_else(|| {
        json!({
            "id": id,
            "externalId": null,
            "created": now(),
            "scope": "USER",
            "status": "ACTIVE",
            "statusChanged": now(),
            "passwordChanged": null,
            "syncState": "DISABLED",
            "lastSync": null,
            "credentials": { "userName": id },
            "profile": profile,
            "_links": {
                "app": { "href": call.app_href() },
                "user": { "href": format!("{}/api/v1/users/{}", call.base, encode_unreserved(id)) },
            },
        })
    });
    if let Some(scope) = body.get("scope") {
        set(&mut user, "scope", scope.clone());
    }
    update_user(&mut user, body);
    Ok(user)
}

/// The profile a new app user starts with: for an OpenID Connect app, the
/// standard claims its user schema has (from the Okta user's profile where
/// it has them, else `null`); for other apps, none.
fn app_user_profile(app: &Value, person: Option<&Value>) -> Map<String, Value> {
    if app.get("signOnMode").and_then(Value::as_str) != Some("OPENID_CONNECT") {
        return Map::new();
    }
    let from = |key: &str| person.and_then(|p| p.pointer(&format!("/profile/{key}"))).cloned();
    let mut profile = Map::new();
    for claim in [
        "street_address",
        "country",
        "website",
        "zoneinfo",
        "birthdate",
        "gender",
        "formatted",
        "profile",
        "locality",
        "given_name",
        "middle_name",
        "locale",
        "picture",
        "name",
        "nickname",
        "phone_number",
        "region",
        "postal_code",
        "family_name",
        "email",
    ] {
        profile.insert(claim.to_owned(), Value::Null);
    }
    let first = from("firstName");
    let last = from("lastName");
    let full = match (first.as_ref().and_then(Value::as_str), last.as_ref().and_then(Value::as_str)) {
        (Some(first), Some(last)) => Some(Value::String(format!("{first} {last}"))),
        _ => None,
    };
    for (claim, value) in [
        ("given_name", first),
        ("family_name", last),
        ("name", full),
        ("email", from("email")),
        ("locale", from("locale")),
    ] {
        if let Some(value) = value {
            profile.insert(claim.to_owned(), value);
        }
    }
    profile
}

/// Merges an update: `credentials.userName`, a password (which only sets
/// `passwordChanged`), and the profile's attributes.
fn update_user(user: &mut Value, body: &Map<String, Value>) {
    if let Some(credentials) = body.get("credentials").and_then(Value::as_object) {
        if let Some(name) = credentials.get("userName") {
            if let Some(c) = user.get_mut("credentials").and_then(Value::as_object_mut) {
                c.insert("userName".to_owned(), name.clone());
            }
        }
        if credentials.get("password").is_some_and(|p| p.get("value").is_some()) {
            if let Some(c) = user.get_mut("credentials").and_then(Value::as_object_mut) {
                c.insert("password".to_owned(), json!({}));
            }
            set(user, "passwordChanged", Value::String(now()));
        }
    }
    if let Some(profile) = body.get("profile").and_then(Value::as_object) {
        if let Some(p) = user.get_mut("profile").and_then(Value::as_object_mut) {
            merge(p, profile);
        }
    }
    set(user, "lastUpdated", Value::String(now()));
}

/// Deep-merges `from` into `into`.
fn merge(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(value)) => merge(inner, value),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Gives group `id` the priority asked for (the next free one when none),
/// moving the groups at and after it down one, so priorities stay 0, 1, 2...
/// Assigns group `group_id` to the app, at `priority` (last when `None`),
/// replacing any assignment of that group.
pub(crate) fn assign_group(
    family: &mut AppFamily,
    base: &str,
    app_id: &str,
    group_id: &str,
    priority: Option<u64>,
    profile: Value,
) {
    family.groups.retain(|g| id_of(g) != Some(group_id));
    let assignment = json!({
        "id": group_id,
        "lastUpdated": now(),
        "priority": 0,
        "profile": profile,
        "_links": {
            "app": { "href": format!("{base}/api/v1/apps/{}", encode_unreserved(app_id)) },
            "self": {
                "href": format!("{base}/api/v1/apps/{}/groups/{}", encode_unreserved(app_id), encode_unreserved(group_id)),
            },
            "group": { "href": format!("{base}/api/v1/groups/{}", encode_unreserved(group_id)) },
        },
    });
    family.groups.push(assignment);
    prioritise(&mut family.groups, group_id, priority);
}

fn prioritise(groups: &mut Vec<Value>, id: &str, priority: Option<u64>) {
    let Some(index) = groups.iter().position(|g| id_of(g) == Some(id)) else { return };
    let group = groups.remove(index);
    groups.sort_by_key(|g| g.get("priority").and_then(Value::as_u64).unwrap_or(u64::MAX));
    let at = priority.map_or(groups.len(), |p| usize::try_from(p).unwrap_or(usize::MAX).min(groups.len()));
    groups.insert(at, group);
    renumber(groups);
}

/// Numbers the groups 0, 1, 2... in their order.
fn renumber(groups: &mut [Value]) {
    for (priority, group) in groups.iter_mut().enumerate() {
        set(group, "priority", Value::from(priority));
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
        .ok_or_else(|| not_found(name, "AppFeature"))
}

fn find_feature_mut<'a>(features: &'a mut [Value], name: &str) -> Result<&'a mut Value, ApiError> {
    features
        .iter_mut()
        .find(|f| f.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| not_found(name, "AppFeature"))
}

fn status_of(item: &Value) -> &str {
    item.get("status").and_then(Value::as_str).unwrap_or_default()
}

/// `_links` of something with a lifecycle: `self`, and `activate` or `deactivate`.
fn lifecycle_links(href: &str, active: bool) -> Value {
    let (rel, action) = if active { ("deactivate", "deactivate") } else { ("activate", "activate") };
    let mut links = json!({ "self": { "href": href, "hints": { "allow": ["GET", "DELETE"] } } });
    set(&mut links, rel, json!({ "href": format!("{href}/lifecycle/{action}"), "hints": { "allow": ["POST"] } }));
    links
}

fn set_status(item: &mut Value, active: bool, href: &str) {
    set(item, "status", Value::from(if active { "ACTIVE" } else { "INACTIVE" }));
    set(item, "lastUpdated", Value::String(now()));
    set(item, "_links", lifecycle_links(href, active));
}

/// A refresh token the app's users hold, for listing and revoking.
pub(super) fn token(base: &str, app_id: &str, client_id: Option<&str>, user_id: &str, scopes: &[&str]) -> Value {
    let id = new_id("oar");
    let href = format!("{base}/api/v1/apps/{}/tokens/{id}", encode_unreserved(app_id));
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
            "app": { "href": format!("{base}/api/v1/apps/{}", encode_unreserved(app_id)) },
            "self": { "href": href },
            "revoke": { "href": href, "hints": { "allow": ["DELETE"] } },
        },
    })
}
