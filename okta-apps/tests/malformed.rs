//! Payloads that are wrong give errors that say where, never panics.

use okta_apps::models::Application;

fn decode(name: &str) -> Result<Application, okta_apps::DecodeError> {
    let path = format!("{}/tests/fixtures/malformed/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    okta_apps::from_slice(&bytes)
}

#[test]
fn wrong_types_name_the_json_path() {
    for (name, path, needle) in [
        ("wrong_type_url.json", "settings.app.url", "integer"),
        ("wrong_type_label.json", "label", "boolean"),
        ("wrong_status_type.json", "status", "integer"),
        ("wrong_type_in_oin.json", "settings.app.domain", "sequence"),
    ] {
        let err = decode(name).expect_err(name);
        assert_eq!(err.path(), path, "{name}: {err}");
        assert!(err.message().contains(needle), "{name}: {err}");
        assert!(err.to_string().starts_with(path), "{name}: {err}");
    }
}

#[test]
fn not_an_object_is_an_error() {
    for name in ["not_an_object.json", "null.json"] {
        let err = decode(name).expect_err(name);
        assert_eq!(err.path(), ".", "{name}: {err}");
        assert!(err.message().contains("expected a JSON object"), "{name}: {err}");
    }
}

#[test]
fn truncated_json_is_an_error() {
    let err = decode("truncated.json").expect_err("truncated");
    assert!(err.message().contains("EOF"), "{err}");
    assert!(err.position().0 > 1, "{err:?}");
}

#[test]
fn an_error_inside_a_page_names_the_item() {
    let page = r#"[{"name":"bookmark","label":"a","signOnMode":"BOOKMARK"},
                   {"name":"bookmark","label":"b","signOnMode":"BOOKMARK","settings":{"app":{"url":7}}}]"#;
    let err = okta_apps::from_str::<Vec<Application>>(page).expect_err("bad item");
    assert_eq!(err.path(), "[1].settings.app.url", "{err}");
}

#[test]
fn trailing_garbage_is_an_error() {
    let err = okta_apps::from_str::<Application>(r#"{"label":"a"} x"#).expect_err("trailing");
    assert_eq!(err.path(), ".");
}

#[test]
fn a_null_item_of_a_typed_array_is_an_error_naming_it() {
    let app = r#"{"name":"oidc_client","label":"a","signOnMode":"OPENID_CONNECT",
                  "settings":{"oauthClient":{"redirect_uris":["https://a.example.com/cb",null]}}}"#;
    let err = okta_apps::from_str::<Application>(app).expect_err("null item");
    assert_eq!(err.path(), "settings.oauthClient.redirect_uris[1]", "{err}");
    assert!(err.message().contains("null"), "{err}");
}

#[test]
fn a_discriminator_of_the_wrong_type_is_an_error_naming_it() {
    let app = r#"{"name":"x","label":"a","signOnMode":42}"#;
    let err = okta_apps::from_str::<Application>(app).expect_err("numeric signOnMode");
    assert_eq!(err.path(), "signOnMode", "{err}");
}
