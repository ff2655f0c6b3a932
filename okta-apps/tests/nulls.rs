//! Real servers send `null` where their spec says nothing. For every fixture
//! app, each member of each object set to `null` in turn decodes and
//! re-encodes to exactly the same JSON.

use okta_apps::models::Application;

#[path = "common/fixtures.rs"]
mod fixtures;
#[path = "common/nulls.rs"]
mod nulls;

#[test]
fn every_member_of_every_fixture_app_may_be_null() {
    let mut cases = 0;
    let mut failures = Vec::new();
    let round_trip = |json: &serde_json::Value| {
        let decoded = okta_apps::from_value::<Application>(json).map_err(|e| e.to_string())?;
        serde_json::to_value(&decoded).map_err(|e| e.to_string())
    };
    for (i, app) in fixtures::apps().iter().enumerate() {
        cases += nulls::each_null(app, &format!("app {i}"), round_trip, &mut failures);
    }
    assert!(cases > 1000, "only {cases} cases");
    assert!(failures.is_empty(), "{} of {cases} failed:\n{}", failures.len(), failures.join("\n"));
    println!("{cases} payloads, each with one member set to null, round-tripped exactly");
}

#[test]
fn a_null_the_spec_does_not_allow_reads_as_unset_and_is_written_back() {
    let text = r#"{"id":"0oa1","name":"bookmark","label":null,"signOnMode":"BOOKMARK",
        "settings":{"app":{"url":null,"requestIntegration":false},"notifications":null}}"#;
    let mut app: Application = okta_apps::from_str(text).expect("decodes");
    assert_eq!(app.label(), None);
    let Application::Bookmark(bookmark) = &mut app else { panic!("{app:?}") };
    let settings = bookmark.settings.as_ref().expect("settings");
    assert_eq!(settings.app.as_ref().and_then(|a| a.url.as_deref()), None);
    let sent: serde_json::Value = serde_json::from_str(text).expect("json");
    assert_eq!(serde_json::to_value(&app).expect("encodes"), sent);

    // A value the caller sets is written instead of the null; the others stay.
    let Application::Bookmark(bookmark) = &mut app else { unreachable!() };
    bookmark.label = Some("Wiki".to_owned());
    let encoded = serde_json::to_value(&app).expect("encodes");
    assert_eq!(encoded["label"], "Wiki");
    assert_eq!(encoded["settings"]["app"]["url"], serde_json::Value::Null);
    assert_eq!(encoded["settings"]["notifications"], serde_json::Value::Null);
}

#[test]
fn a_null_or_absent_discriminator_decodes_whole_as_the_variant_without_a_sign_on_mode() {
    for text in [
        r#"{"id":"0oa2","name":"google","signOnMode":null,"label":null,"settings":{"app":null}}"#,
        r#"{"id":"0oa3","label":"x","settings":null}"#,
    ] {
        let app: Application = okta_apps::from_str(text).expect("decodes");
        assert_eq!(app.variant_name(), "Directory", "{text}");
        let sent: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(serde_json::to_value(&app).expect("encodes"), sent);
    }
}

#[test]
fn the_report_names_each_null_the_spec_does_not_allow() {
    // `accessibility.errorRedirectUrl` is nullable in the spec, and the
    // members of `profile` are any JSON: neither is reported.
    let app = serde_json::json!({
        "name": "oidc_client", "signOnMode": "OPENID_CONNECT", "label": "Portal", "status": null,
        "accessibility": {"errorRedirectUrl": null}, "profile": {"team": null},
        "settings": {"oauthClient": {"logo_uri": null, "client_uri": null}},
        "credentials": {"oauthClient": {"client_id": "x", "token_endpoint_auth_method": null}}
    });
    let paths = okta_apps::runtime::nulls_outside_spec::<Application>(&app).expect("decodes");
    assert_eq!(
        paths,
        [
            "credentials.oauthClient.token_endpoint_auth_method",
            "settings.oauthClient.client_uri",
            "settings.oauthClient.logo_uri",
            "status"
        ]
    );
    // A payload that does not decode is an error, not a report.
    let bad = serde_json::json!({"name": "bookmark", "signOnMode": "BOOKMARK", "settings": {"app": {"url": 7}}});
    let err = okta_apps::runtime::nulls_outside_spec::<Application>(&bad).expect_err("wrong type");
    assert_eq!(err.path(), "settings.app.url");
    // Decoding keeps them all either way.
    let decoded: Application = okta_apps::from_value(&app).expect("decodes");
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), app);
}
