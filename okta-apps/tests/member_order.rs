//! A union is decoded in one pass: the members before the ones that pick
//! its variant are kept as raw JSON, the rest are read as they come. Whatever
//! order the members come in, and whatever the input (text, a reader, a
//! value), an app decodes the same, and a bad value is named by its path.

#[path = "common/fixtures.rs"]
mod fixtures;

use okta_apps::models::Application;
use serde_json::Value;

/// The app's JSON text with its top-level members in the order `order` gives.
fn text_in_order(app: &Value, order: impl Fn(&mut Vec<(&String, &Value)>)) -> String {
    let Value::Object(members) = app else { panic!("a fixture app is an object") };
    let mut members: Vec<_> = members.iter().collect();
    order(&mut members);
    let members: Vec<String> = members
        .iter()
        .map(|(key, value)| format!("{}:{}", Value::from(key.as_str()), serde_json::to_string(value).expect("encodes")))
        .collect();
    format!("{{{}}}", members.join(","))
}

const PICKERS: [&str; 2] = ["name", "signOnMode"];

/// Every order worth trying: as stored (sorted), reversed, the members that
/// pick the variant first, and last.
fn orders(app: &Value) -> Vec<(&'static str, String)> {
    vec![
        ("sorted", text_in_order(app, |_| {})),
        ("reversed", text_in_order(app, |m| m.reverse())),
        ("pickers first", text_in_order(app, |m| m.sort_by_key(|(k, _)| !PICKERS.contains(&k.as_str())))),
        ("pickers last", text_in_order(app, |m| m.sort_by_key(|(k, _)| PICKERS.contains(&k.as_str())))),
    ]
}

#[test]
fn every_app_decodes_the_same_in_any_member_order_and_from_any_input() {
    let apps = fixtures::apps();
    assert!(apps.len() > 20, "the fixtures are there");
    for (i, app) in apps.iter().enumerate() {
        let expected: Application = okta_apps::from_value(app).unwrap_or_else(|e| panic!("app {i}: {e}"));
        assert_eq!(serde_json::to_value(&expected).expect("encodes"), *app, "app {i} round trip");
        for (order, text) in orders(app) {
            let from_text: Application = okta_apps::from_str(&text).unwrap_or_else(|e| panic!("app {i}, {order}: {e}"));
            assert_eq!(from_text, expected, "app {i}, {order}, from text");
            // A reader lends nothing: every kept member is copied.
            let from_reader: Application =
                serde_json::from_reader(text.as_bytes()).unwrap_or_else(|e| panic!("app {i}, {order}: {e}"));
            assert_eq!(from_reader, expected, "app {i}, {order}, from a reader");
        }
    }
}

/// A SAML app whose members come sorted, so `settings` is kept (read before
/// `signOnMode`), with `value` at `pointer`.
fn saml_with(pointer: &str, value: Value) -> String {
    let mut app = fixtures::apps()
        .into_iter()
        .find(|app| app["signOnMode"] == "SAML_2_0" && app.pointer(pointer).is_some())
        .expect("a SAML fixture has the member");
    *app.pointer_mut(pointer).expect("member") = value;
    text_in_order(&app, |_| {})
}

#[test]
fn a_bad_value_in_a_kept_member_is_named_by_its_path() {
    let text = saml_with("/settings/app", Value::from(7));
    let err = okta_apps::from_str::<Application>(&text).expect_err("settings.app is a number");
    assert_eq!(err.path(), "settings.app", "{err}");

    // Inside a union inside the kept member: both paths are joined.
    let text = saml_with("/settings/signOn/attributeStatements/1/values", Value::from(5));
    let err = okta_apps::from_str::<Application>(&text).expect_err("values is a number");
    assert_eq!(err.path(), "settings.signOn.attributeStatements[1].values", "{err}");
    assert!(err.message().contains("integer"), "{err}");

    // Inside a page, where the same app comes second.
    let page = format!("[{},{text}]", saml_with("/label", Value::from("fine")));
    let err = okta_apps::from_str::<Vec<Application>>(&page).expect_err("second app");
    assert_eq!(err.path(), "[1].settings.signOn.attributeStatements[1].values", "{err}");
}

#[test]
fn a_bad_value_read_as_it_comes_is_named_by_its_path() {
    let text = r#"{"name":"bookmark","signOnMode":"BOOKMARK","settings":{"app":{"url":12}}}"#;
    let err = okta_apps::from_str::<Application>(text).expect_err("url is a number");
    assert_eq!(err.path(), "settings.app.url", "{err}");
    let text = r#"{"settings":{"app":{"url":12}},"name":"bookmark","signOnMode":"BOOKMARK"}"#;
    let err = okta_apps::from_str::<Application>(text).expect_err("url is a number");
    assert_eq!(err.path(), "settings.app.url", "{err}");
}

#[test]
fn a_repeated_member_is_an_error_before_and_after_the_pick() {
    for text in [
        r#"{"label":"a","label":"b","name":"bookmark","signOnMode":"BOOKMARK"}"#,
        r#"{"name":"bookmark","signOnMode":"BOOKMARK","label":"a","label":"b"}"#,
    ] {
        let err = okta_apps::from_str::<Application>(text).expect_err("label twice");
        assert!(err.message().contains("duplicate field `label`"), "{text}: {err}");
    }
}

#[test]
fn an_object_without_the_picking_members_is_the_variant_without_a_sign_on_mode_and_whole() {
    // No `signOnMode` picks the variant the spec gives to apps without one.
    let text = r#"{"label":"a","settings":{"app":{"url":"https://x.example.com"}},"futureMember":[1,{"a":null}]}"#;
    let app: Application = okta_apps::from_str(text).expect("decodes");
    assert_eq!(app.variant_name(), "Directory");
    let sent: Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(serde_json::to_value(&app).expect("encodes"), sent);
}

#[test]
fn a_union_among_the_variants_of_a_union_tried_in_order_is_decoded() {
    use okta_apps::models::{OAuth2ClientJsonSigningKeyResponse as Signing, OAuth2ClientJsonWebKey as Jwk};
    let rsa =
        r#"{"id":"pks1","kid":"k1","kty":"RSA","alg":"RS256","use":"sig","e":"AQAB","n":"0vx7","status":"ACTIVE"}"#;
    let ec = r#"{"kid":"k2","kty":"EC","crv":"P-256","x":"f83O","y":"x_FE","status":"INACTIVE"}"#;
    for (text, expected) in [(rsa, "OAuth2ClientJsonWebKeyRsaResponse"), (ec, "OAuth2ClientJsonWebKeyEcResponse")] {
        let key: Jwk = okta_apps::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let Jwk::OAuth2ClientJsonSigningKeyResponse(signing) = &key else { panic!("not a signing key: {key:?}") };
        assert_eq!(Signing::variant_name(signing), expected);
        let sent: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(serde_json::to_value(&key).expect("encodes"), sent);
    }
    let list: Vec<Jwk> = okta_apps::from_str(&format!("[{rsa},{ec}]")).expect("a list");
    assert!(list.iter().all(|key| matches!(key, Jwk::OAuth2ClientJsonSigningKeyResponse(_))), "{list:?}");
}

#[test]
fn a_value_no_variant_takes_is_an_error_naming_the_union() {
    let err = okta_apps::from_str::<okta_apps::models::OAuth2ClientJsonWebKey>("[1]").expect_err("an array");
    assert!(err.message().contains("OAuth2ClientJsonWebKey"), "{err}");
}
