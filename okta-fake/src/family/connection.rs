//! An app's default provisioning connection (`/connections/default`): set
//! with a token or OAuth 2.0 (the secret taken, never shown), activated and
//! deactivated, its key set, and the OAuth 2.0 consent callback that
//! verifies it. An app whose connection was never set has one of unknown
//! scheme and status, as Okta shows an app that does not provision.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{Call, Reply, sso};
use crate::store::ApiError;
use crate::util::set_lifecycle_link;

/// The connection's `_links`: itself, and its activation or deactivation.
fn links(call: &Call<'_>, status: &str) -> Value {
    let href = format!("{}/connections/default", call.app_href());
    let mut links = Map::new();
    links.insert("self".to_owned(), json!({ "href": href, "hints": { "allow": ["POST", "GET"] } }));
    match status {
        "ENABLED" => set_lifecycle_link(&mut links, &href, true, true),
        "DISABLED" => set_lifecycle_link(&mut links, &href, false, true),
        _ => {}
    }
    Value::Object(links)
}

/// The connection as Okta shows it, with its links.
fn shown(call: &Call<'_>, connection: Option<&Value>) -> Value {
    let mut shown = connection.cloned().unwrap_or_else(
        || json!({ "authScheme": "UNKNOWN", "status": "UNKNOWN", "profile": { "authScheme": "UNKNOWN" } }),
    );
    let status = shown.get("status").and_then(Value::as_str).unwrap_or("UNKNOWN").to_owned();
    if let Some(object) = shown.as_object_mut() {
        object.insert("_links".to_owned(), links(call, &status));
    }
    shown
}

/// Answers a provisioning-connection operation on `connection`, the app's
/// stored connection; `app` is the app itself.
pub(super) fn dispatch(call: &Call<'_>, connection: &mut Option<Value>, app: &Value) -> Result<Reply, ApiError> {
    match call.op.id {
        "getDefaultProvisioningConnectionForApplication" => {
            Ok(Reply::Json(StatusCode::OK, shown(call, connection.as_ref())))
        }
        "updateDefaultProvisioningConnectionForApplication" => {
            let body = call.json()?;
            let profile = body.get("profile").and_then(Value::as_object).cloned().unwrap_or_default();
            let scheme = profile.get("authScheme").and_then(Value::as_str).unwrap_or_default().to_owned();
            if scheme != "TOKEN" && scheme != "OAUTH2" {
                return Err(ApiError::validation("profile", ["profile.authScheme: TOKEN or OAUTH2"]));
            }
            if scheme == "TOKEN" && profile.get("token").and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(ApiError::validation("profile", ["profile.token: The field cannot be left blank"]));
            }
            let activate = call.query("activate").is_some_and(|a| a.eq_ignore_ascii_case("true"));
            let kept = connection.as_ref().and_then(|c| c.get("status")).and_then(Value::as_str);
            let status = match (activate, kept) {
                (true, _) => "ENABLED",
                (false, Some(kept @ ("ENABLED" | "DISABLED"))) => kept,
                _ => "DISABLED",
            };
            // Secrets (the token, an admin password) are taken and never shown.
            let mut shown_profile = Map::new();
            shown_profile.insert("authScheme".to_owned(), Value::from(scheme.clone()));
            for key in ["clientId", "signing"] {
                if let Some(value) = profile.get(key) {
                    shown_profile.insert(key.to_owned(), value.clone());
                }
            }
            let mut stored = json!({ "authScheme": scheme, "status": status, "profile": shown_profile });
            if let (Some(base_url), Some(object)) = (body.get("baseUrl"), stored.as_object_mut()) {
                object.insert("baseUrl".to_owned(), base_url.clone());
            }
            *connection = Some(stored);
            Ok(Reply::Json(StatusCode::OK, shown(call, connection.as_ref())))
        }
        "activateDefaultProvisioningConnectionForApplication"
        | "deactivateDefaultProvisioningConnectionForApplication" => {
            let Some(stored) = connection.as_mut().and_then(Value::as_object_mut) else {
                return Err(ApiError::validation(
                    "connection",
                    ["The app has no provisioning connection to change; set one first."],
                ));
            };
            let status = if call.op.id.starts_with("activate") { "ENABLED" } else { "DISABLED" };
            stored.insert("status".to_owned(), Value::from(status));
            Ok(Reply::Empty(StatusCode::NO_CONTENT))
        }
        "getUserProvisioningConnectionJwks" => {
            let oauth = connection.as_ref().and_then(|c| c.get("authScheme")).and_then(Value::as_str) == Some("OAUTH2");
            if !oauth {
                return Err(ApiError::not_found("jwks", "ProvisioningConnectionJwks"));
            }
            let key = sso::new_key(10, None);
            Ok(Reply::Json(StatusCode::OK, json!({ "jwks": { "keys": [key] } })))
        }
        "verifyProvisioningConnectionForApplication" => {
            let name = app.get("name").and_then(Value::as_str).unwrap_or_default();
            if !call.path("appName").eq_ignore_ascii_case(name) {
                return Err(ApiError::app_not_found(call.path("appName")));
            }
            let oauth = connection.as_ref().and_then(|c| c.get("authScheme")).and_then(Value::as_str) == Some("OAUTH2");
            if !oauth || call.query("code").is_none_or(str::is_empty) {
                return Err(ApiError::validation(
                    "code",
                    ["The consent callback needs a code for an OAuth 2.0 connection."],
                ));
            }
            Ok(Reply::Empty(StatusCode::NO_CONTENT))
        }
        _ => Err(ApiError::unknown_route()),
    }
}
