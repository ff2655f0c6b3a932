//! The runtime's coverage report on this crate's models: which members of an
//! app land in typed fields, which are kept only as undeclared (with their
//! path and JSON type), which sit inside free-form members, and which enum
//! values the spec does not list. `cargo xtask coverage` stands on it.

use okta_apps::models::Application;
use okta_apps::runtime::coverage::{JsonType, count_members, member_coverage};
use serde_json::json;

#[test]
fn undeclared_members_free_form_members_and_unlisted_values_are_told_apart() {
    let sent = json!({
        "id": "0oa1", "name": "pagerduty", "label": "On call", "status": "ARCHIVED", "signOnMode": "SAML_2_0",
        "features": ["IMPORT_NEW_USERS", "TIME_TRAVEL"],
        "futureTopLevel": null,
        "profile": {"team": "sre", "escalation": {"level": 2}},
        "visibility": {"appLinks": {"pagerduty_link": true, "admin_link": null}},
        "settings": {
            "app": {"subdomain": "examplecorp", "futureToggle": true},
            "signOn": {"attributeStatements": [{"type": "EXPRESSION", "name": "team", "values": ["user.team"], "scope": "x"}]}
        },
        "_links": {"futureLink": {"href": "https://examplecorp.okta.example/x", "hints": {"allow": ["GET"]}}}
    });
    let app: Application = okta_apps::from_value(&sent).expect("decodes");
    assert_eq!(app.variant_name(), "PagerDuty");
    let coverage = member_coverage(&sent, &app).expect("encodes");

    let mut undeclared: Vec<(&str, JsonType, usize)> =
        coverage.undeclared.iter().map(|m| (m.path.as_str(), m.json_type, m.members)).collect();
    undeclared.sort();
    assert_eq!(
        undeclared,
        [
            ("_links.futureLink", JsonType::Object, 4),
            ("futureTopLevel", JsonType::Null, 1),
            ("settings.app.futureToggle", JsonType::Boolean, 1),
            ("settings.signOn.attributeStatements[0].scope", JsonType::String, 1),
        ]
    );
    let mut unlisted: Vec<(&str, &str)> =
        coverage.unlisted.iter().map(|u| (u.path.as_str(), u.value.as_str())).collect();
    unlisted.sort();
    assert_eq!(unlisted, [("features[1]", "TIME_TRAVEL"), ("status", "ARCHIVED")]);
    // `profile` is any JSON: its three members are reached by name.
    assert_eq!(coverage.free_form, 3);
    // Every member of the payload is counted once, in one of the three.
    assert_eq!(coverage.members(), count_members(&sent));
    assert_eq!(coverage.members(), 30);
}

#[test]
fn an_app_of_unknown_kind_has_only_its_common_members_typed() {
    let sent = json!({
        "id": "0oa2", "name": "examplecorp_radius_1", "label": "VPN", "signOnMode": "RADIUS_FOR_CISCO_ASA",
        "settings": {"app": {"port": 1812}}, "credentials": {"userNameTemplate": {"type": "BUILT_IN"}}
    });
    let app: Application = okta_apps::from_value(&sent).expect("decodes");
    assert_eq!(app.variant_name(), "Unknown");
    let coverage = member_coverage(&sent, &app).expect("encodes");
    let undeclared: Vec<(&str, usize)> = coverage.undeclared.iter().map(|m| (m.path.as_str(), m.members)).collect();
    assert_eq!(undeclared, [("credentials", 3), ("settings", 3)]);
    assert_eq!(coverage.unlisted.len(), 1, "the sign-on mode is not in its enum");
    assert_eq!((coverage.members(), coverage.typed), (10, 4));
}
