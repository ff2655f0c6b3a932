//! Every fixture payload decodes to the right variant and re-encodes to the
//! same JSON value: unknown fields, unknown enum values, `null`s and
//! timestamps included.

use okta_apps::models::Application;
use serde_json::Value;

#[path = "common/json.rs"]
mod json;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The variant name; `Debug` must start with it too, as derived `Debug` does.
fn variant(app: &Application) -> String {
    assert!(format!("{app:?}").starts_with(&format!("{}(", app.variant_name())));
    app.variant_name().to_owned()
}

/// Decodes, checks the variant, re-encodes and compares as JSON values.
fn round_trip(name: &str, expected: &str) -> Application {
    let bytes = fixture(name);
    let app: Application = okta_apps::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(variant(&app), expected, "{name} decoded as the wrong variant");
    let original: Value = serde_json::from_slice(&bytes).expect("fixture is JSON");
    let encoded = serde_json::to_value(&app).expect("encodes");
    assert_same(&encoded, &original, name);
    app
}

/// Asserts two JSON values are equal, naming the first place where they differ.
fn assert_same(encoded: &Value, original: &Value, name: &str) {
    if let Some(difference) = json::first_difference(original, encoded) {
        panic!("{name} changed on a round trip at {difference}");
    }
}

#[test]
fn every_variant_round_trips() {
    let cases = [
        ("apps/google.json", "Google"),
        ("apps/office365.json", "Office365"),
        ("apps/salesforce.json", "Salesforce"),
        ("apps/slack.json", "Slack"),
        ("apps/trendmicroapexoneservice.json", "TrendMicroApexOneService"),
        ("apps/zoomus.json", "ZoomUs"),
        ("apps/zscalerbyz.json", "Zscalerbyz"),
        ("apps/auto_login.json", "AutoLogin"),
        ("apps/basic_auth.json", "BasicAuth"),
        ("apps/bookmark.json", "Bookmark"),
        ("apps/browser_plugin.json", "BrowserPlugin"),
        ("apps/browser_plugin_3field.json", "BrowserPlugin"),
        ("apps/openid_connect.json", "OpenIdConnect"),
        ("apps/saml_1_1.json", "Saml11"),
        ("apps/saml_2_0.json", "Saml"),
        ("apps/secure_password_store.json", "SecurePasswordStore"),
        ("apps/ws_federation.json", "WsFederation"),
    ];
    for (name, expected) in cases {
        round_trip(name, expected);
    }
}

#[test]
fn unknown_sign_on_modes_keep_the_whole_object() {
    let app = round_trip("apps/unknown_sign_on_mode.json", "Unknown");
    assert!(app.id().is_some_and(|id| id.starts_with("0oa")), "id readable on Unknown");
    assert!(app.label().is_some(), "label readable on Unknown");
    assert_eq!(app.sign_on_mode().map(|m| m.as_str()), Some("RADIUS_FOR_CISCO_ASA"));
}

#[test]
fn apps_without_a_sign_on_mode_are_the_directory_variant_and_kept_whole() {
    for name in ["apps/null_sign_on_mode.json", "apps/absent_sign_on_mode.json"] {
        let app = round_trip(name, "Directory");
        assert!(app.id().is_some_and(|id| id.starts_with("0oa")), "{name}: id readable");
        assert!(app.label().is_some(), "{name}: label readable");
        assert_eq!(app.sign_on_mode(), None, "{name}");
    }
}

#[test]
fn unknown_fields_survive_at_every_depth() {
    let app = round_trip("apps/unknown_fields.json", "Bookmark");
    let Application::Bookmark(bookmark) = &app else { unreachable!("checked above") };
    assert!(bookmark.additional_properties.contains_key("futureTopLevel"));
    let settings = bookmark.settings.as_ref().expect("settings");
    assert!(settings.additional_properties.contains_key("futureSetting"));
    let app_settings = settings.app.as_ref().expect("settings.app");
    assert!(app_settings.additional_properties.contains_key("futureAppField"));
}

#[test]
fn unknown_enum_values_are_kept() {
    use okta_apps::models::ApplicationLifecycleStatus;
    let app = round_trip("apps/unknown_enum_values.json", "Saml");
    assert_eq!(app.status(), Some(&ApplicationLifecycleStatus::Unknown("SUSPENDED_FOREVER".to_owned())));
    let encoded = serde_json::to_string(&app).expect("encodes");
    for value in ["SUSPENDED_FOREVER", "RSA_SHA512", "TIME_TRAVEL", "BUILT_IN_FUTURE"] {
        assert!(encoded.contains(value), "{value} lost");
    }
}

#[test]
fn nulls_stay_null_and_absent_stays_absent() {
    let app = round_trip("apps/nulls.json", "Bookmark");
    let Application::Bookmark(bookmark) = &app else { unreachable!("checked above") };
    let accessibility = bookmark.accessibility.as_ref().expect("accessibility");
    assert_eq!(accessibility.error_redirect_url, Some(okta_apps::Nullable::Null));
    assert!(app.orn().is_none(), "orn is absent in the fixture");
}

#[test]
fn timestamps_are_kept_as_written() {
    let app = round_trip("apps/timestamps.json", "Bookmark");
    let created = app.created().expect("created");
    assert_eq!(created.as_str(), "2023-01-21T14:11:24.000Z");
    let updated = app.last_updated().expect("lastUpdated");
    assert_eq!(updated.as_str(), "2023-01-21T16:11:24.123+02:00");
    assert_eq!(created.parse().expect("parses").unix_timestamp(), 1_674_310_284);
    assert_eq!(updated.parse().expect("parses").unix_timestamp(), 1_674_310_284);
}

#[test]
fn a_mixed_page_round_trips() {
    let bytes = fixture("apps/page_mixed.json");
    let apps: Vec<Application> = okta_apps::from_slice(&bytes).expect("page decodes");
    let variants: Vec<String> = apps.iter().map(variant).collect();
    assert_eq!(
        variants,
        ["Bookmark", "BrowserPlugin", "OpenIdConnect", "Saml", "Office365", "Salesforce", "Zscalerbyz", "Unknown"]
    );
    let original: Value = serde_json::from_slice(&bytes).expect("fixture is JSON");
    assert_same(&serde_json::to_value(&apps).expect("encodes"), &original, "page_mixed.json");
}

#[test]
fn read_modify_write_keeps_what_the_model_does_not_know() {
    let mut app: Application = okta_apps::from_slice(&fixture("apps/unknown_fields.json")).expect("decodes");
    let Application::Bookmark(bookmark) = &mut app else { panic!("bookmark expected") };
    bookmark.label = Some("Renamed".to_owned());
    let mut expected: Value = serde_json::from_slice(&fixture("apps/unknown_fields.json")).expect("JSON");
    expected["label"] = Value::from("Renamed");
    assert_eq!(serde_json::to_value(&app).expect("encodes"), expected);
}

#[test]
fn secrets_never_print() {
    for name in ["apps/openid_connect.json", "apps/page_mixed.json"] {
        let bytes = fixture(name);
        let text = String::from_utf8_lossy(&bytes);
        let value: Value = serde_json::from_slice(&bytes).expect("JSON");
        let apps: Vec<Application> = match value {
            Value::Array(_) => okta_apps::from_slice(&bytes).expect("decodes"),
            _ => vec![okta_apps::from_slice(&bytes).expect("decodes")],
        };
        let debug = format!("{apps:?}");
        for secret in secrets_in(&text) {
            assert!(!debug.contains(&secret), "{name}: secret printed by Debug");
        }
        assert!(debug.contains("[redacted]") || !text.contains("client_secret"));
    }
}

/// Values of `client_secret` and `value` keys in the raw text.
fn secrets_in(text: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(text).expect("JSON");
    let mut out = Vec::new();
    collect_secrets(&value, &mut out);
    assert!(!out.is_empty() || !text.contains("client_secret"), "fixture has a secret to look for");
    out
}

fn collect_secrets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if let (true, Value::String(s)) = (k == "client_secret" || k == "value", v) {
                    out.push(s.clone());
                }
                collect_secrets(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_secrets(v, out)),
        _ => {}
    }
}

#[test]
fn a_key_name_with_a_null_sign_on_mode_is_the_directory_variant_and_kept() {
    // Without a sign-on mode the name does not pick: the object is kept whole
    // in the variant for apps without one.
    let text =
        r#"{"id":"0oa9","name":"google","label":"G","signOnMode":null,"settings":{"app":{"domain":"example.com"}}}"#;
    let app: Application = okta_apps::from_str(text).expect("decodes");
    assert_eq!(variant(&app), "Directory");
    assert_eq!(app.name(), Some("google"));
    let original: Value = serde_json::from_str(text).expect("JSON");
    assert_same(&serde_json::to_value(&app).expect("encodes"), &original, "inline");
}

#[test]
fn a_key_name_picks_its_variant_whatever_the_mode_says() {
    let text =
        r#"{"name":"google","label":"G","signOnMode":"BROWSER_PLUGIN","settings":{"app":{"domain":"example.com"}}}"#;
    let app: Application = okta_apps::from_str(text).expect("decodes");
    assert_eq!(variant(&app), "Google");
}

#[test]
fn built_apps_encode_their_key_and_mode() {
    use okta_apps::models::{
        BookmarkApplication, BookmarkApplicationSettings, BookmarkApplicationSettingsApplication, GoogleApplication,
        GoogleApplicationSettings, GoogleApplicationSettingsApplication,
    };
    let settings = BookmarkApplicationSettings {
        app: Some(BookmarkApplicationSettingsApplication::new("https://wiki.example.com")),
        ..Default::default()
    };
    let app: Application = BookmarkApplication::new("Wiki", settings).into();
    assert_eq!(
        serde_json::to_value(&app).expect("encodes"),
        serde_json::json!({"label": "Wiki", "name": "bookmark", "signOnMode": "BOOKMARK",
            "settings": {"app": {"url": "https://wiki.example.com"}}})
    );
    let google = GoogleApplication::new(
        "Workspace",
        okta_apps::models::ApplicationSignOnMode::Saml20,
        GoogleApplicationSettings::new(GoogleApplicationSettingsApplication::new("example.com")),
    );
    let app: Application = google.into();
    let value = serde_json::to_value(&app).expect("encodes");
    assert_eq!(value["name"], "google");
    let back: Application = okta_apps::from_value(&value).expect("decodes");
    assert_eq!(back, app);
}

/// A member every variant shares is changed through its `_mut` accessor on
/// any app, known variant or not, and the rest of the app is written back
/// as it came.
#[test]
fn shared_members_change_in_place_on_every_variant() {
    for (name, variant_name) in [("apps/saml_2_0.json", "Saml"), ("apps/unknown_sign_on_mode.json", "Unknown")] {
        let mut app = round_trip(name, variant_name);
        let mut expected: Value = serde_json::from_slice(&fixture(name)).expect("JSON");
        *app.label_mut() = Some("Renamed".to_owned());
        expected["label"] = Value::from("Renamed");
        assert_eq!(app.label(), Some("Renamed"));
        assert_same(&serde_json::to_value(&app).expect("encodes"), &expected, name);
        app.links_mut().take();
        assert!(serde_json::to_value(&app).expect("encodes").get("_links").is_none(), "{name}");
    }
}
