//! The app bodies a real org refuses on create and replace, and the error it
//! answers each with (a body that is not an object is E0000003 before any of
//! these, see `store::json_object`): a blank label
//! or sign-on mode, a sign-on mode Okta does not have or the catalog app does
//! not support, Office 365's automatic WS-Federation without admin consent
//! (E0000001 with its causes), and a change to a custom app's sign-on
//! metadata while no instance of it is active (E0000024).

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::defaults::is_generated_name;
use super::store::ApiError;
use super::util::{covers, str_at};

type App = Map<String, Value>;

/// The sign-on modes an app may have.
const SIGN_ON_MODES: [&str; 9] = [
    "AUTO_LOGIN",
    "BASIC_AUTH",
    "BOOKMARK",
    "BROWSER_PLUGIN",
    "OPENID_CONNECT",
    "SAML_1_1",
    "SAML_2_0",
    "SECURE_PASSWORD_STORE",
    "WS_FEDERATION",
];

/// The sign-on modes of the catalog apps the reference page describes.
/// (A catalog app asked for with `AUTO_LOGIN` has been settled to `BROWSER_PLUGIN`.)
const CATALOG_MODES: [(&str, &[&str]); 7] = [
    ("google", &["BROWSER_PLUGIN", "SAML_2_0"]),
    ("office365", &["BROWSER_PLUGIN", "SAML_1_1"]),
    ("salesforce", &["BROWSER_PLUGIN", "BOOKMARK", "SAML_2_0"]),
    ("slack", &["BROWSER_PLUGIN", "SAML_2_0"]),
    ("trendmicroapexoneservice", &["SAML_2_0"]),
    ("zoomus", &["SAML_2_0"]),
    ("zscalerbyz", &["BROWSER_PLUGIN", "SAML_2_0"]),
];

/// Checks an app body, its name and sign-on mode settled (see
/// `defaults::settle_name_and_mode`), as Okta does before creating it, or
/// before replacing `stored` with it.
pub(super) fn check(app: &App, stored: Option<&App>) -> Result<(), ApiError> {
    let mut blank = Vec::new();
    if str_at(app, &["label"]).is_none_or(|label| label.trim().is_empty()) {
        blank.push("label");
    }
    let mode = str_at(app, &["signOnMode"]).unwrap_or_default();
    if mode.is_empty() {
        blank.push("signOnMode");
    }
    if !blank.is_empty() {
        let causes: Vec<String> =
            blank.iter().map(|field| format!("{field}: The field cannot be left blank")).collect();
        return Err(ApiError::validation(&blank.join(", "), causes));
    }
    if !SIGN_ON_MODES.contains(&mode) {
        return Err(ApiError::validation("signOnMode", [format!("signOnMode: {mode} is not a sign-on mode")]));
    }
    let name = str_at(app, &["name"]).unwrap_or_default();
    if let Some((_, modes)) = CATALOG_MODES.iter().find(|(catalog, _)| *catalog == name) {
        if !modes.contains(&mode) {
            let cause = format!("signOnMode: the {name} app supports only {}", modes.join(", "));
            return Err(ApiError::validation("signOnMode", [cause]));
        }
    }
    if name == "office365" && mode == "SAML_1_1" {
        let automatic = str_at(app, &["settings", "app", "wsFedConfigureType"]) == Some("AUTO");
        let consent = app.get("settings").and_then(|s| s.get("app")).and_then(|a| a.get("requireAdminConsent"));
        if automatic && consent.and_then(Value::as_bool) != Some(true) {
            let cause = "Automatic WS-Federation sign-on needs admin consent: set settings.app.requireAdminConsent.";
            return Err(ApiError::validation("settings", [cause]));
        }
    }
    if let Some(stored) = stored {
        check_metadata_change(app, stored)?;
    }
    Ok(())
}

/// A custom (wizard-made) sign-on app shares its sign-on settings with its
/// instances; Okta changes them only while an instance is active.
fn check_metadata_change(app: &App, stored: &App) -> Result<(), ApiError> {
    let custom = is_generated_name(str_at(stored, &["name"]).unwrap_or_default())
        && matches!(str_at(stored, &["signOnMode"]), Some("AUTO_LOGIN" | "SAML_2_0"));
    let inactive = str_at(stored, &["status"]) == Some("INACTIVE");
    let sign_on = |app: &App| app.get("settings").and_then(|s| s.get("signOn")).cloned();
    let changed = sign_on(app).is_some_and(|asked| sign_on(stored).is_none_or(|kept| !covers(&kept, &asked)));
    if custom && inactive && changed {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "E0000024",
            "Bad request. This operation on app metadata is not yet supported.",
        )
        .with_causes(vec!["The app's sign-on settings change only while an instance is active: none is.".to_owned()]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::settle_name_and_mode;
    use serde_json::json;

    fn app(value: Value) -> App {
        match value {
            Value::Object(app) => app,
            _ => Map::new(),
        }
    }

    /// Checks `body` as create (no `stored`) or replace does: settled first.
    fn checked(body: Value, stored: Option<&App>) -> Result<(), ApiError> {
        let mut body = app(body);
        settle_name_and_mode(&mut body, stored);
        check(&body, stored)
    }

    fn code(result: Result<(), ApiError>) -> Option<String> {
        result.err().map(|e| e.body()["errorCode"].as_str().unwrap_or_default().to_owned())
    }

    #[test]
    fn refused_bodies() {
        assert!(checked(json!({ "label": "Wiki", "signOnMode": "BOOKMARK" }), None).is_ok());
        assert_eq!(code(checked(json!({ "label": " ", "signOnMode": "BOOKMARK" }), None)).as_deref(), Some("E0000001"));
        assert!(checked(json!({ "label": "x", "signOnMode": "RADIUS" }), None).is_err());
        assert!(checked(json!({ "label": "x", "name": "zoomus", "signOnMode": "BROWSER_PLUGIN" }), None).is_err());
        assert!(checked(json!({ "label": "x", "name": "Google", "signOnMode": "AUTO_LOGIN" }), None).is_ok());
        let office = json!({ "label": "x", "name": "office365", "signOnMode": "SAML_1_1",
            "settings": { "app": { "wsFedConfigureType": "AUTO", "requireAdminConsent": false } } });
        assert_eq!(code(checked(office.clone(), None)).as_deref(), Some("E0000001"));
        let mut consented = office;
        consented["settings"]["app"]["requireAdminConsent"] = json!(true);
        assert!(checked(consented, None).is_ok());
    }

    #[test]
    fn custom_metadata_changes_only_while_active() {
        let stored =
            app(json!({ "name": "acme_wiki_1", "label": "Wiki", "signOnMode": "AUTO_LOGIN", "status": "INACTIVE",
            "settings": { "signOn": { "loginUrl": "https://a.example.com", "redirectUrl": null } } }));
        let same = json!({ "label": "Wiki 2", "signOnMode": "AUTO_LOGIN", "settings": { "signOn": { "loginUrl": "https://a.example.com" } } });
        assert!(checked(same, Some(&stored)).is_ok(), "a label alone may change");
        let moved = json!({ "label": "Wiki", "signOnMode": "AUTO_LOGIN", "settings": { "signOn": { "loginUrl": "https://b.example.com" } } });
        assert_eq!(code(checked(moved.clone(), Some(&stored))).as_deref(), Some("E0000024"));
        let mut active = stored.clone();
        active.insert("status".to_owned(), json!("ACTIVE"));
        assert!(checked(moved.clone(), Some(&active)).is_ok());
        let mut template = stored;
        template.insert("name".to_owned(), json!("template_swa"));
        assert!(checked(moved, Some(&template)).is_ok(), "a template app has no shared metadata");
    }
}
