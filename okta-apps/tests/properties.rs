//! Property tests: for generated apps (fixtures changed at random: labels,
//! enum values known and unknown, extra fields at several depths, nulls and
//! absences), decoding then encoding gives back the input, and encoding is
//! stable across another decode.

use okta_apps::models::Application;
use proptest::prelude::*;
use serde_json::Value;

#[path = "common/fixtures.rs"]
mod fixtures;

/// JSON without floats (serde_json's default float parsing may differ in the last bit).
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
        "\\PC{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Extra fields, named so they cannot collide with known ones.
fn extras() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec(("zz[a-zA-Z0-9_]{1,8}", json()), 0..3)
}

#[derive(Debug, Clone)]
struct Change {
    fixture: usize,
    label: Option<String>,
    status: Option<String>,
    sign_on_mode: Option<Value>,
    top: Vec<(String, Value)>,
    settings: Vec<(String, Value)>,
    app: Vec<(String, Value)>,
    drop_key: Option<usize>,
    null_notes: bool,
}

fn change() -> impl Strategy<Value = Change> {
    let status = prop_oneof![Just("ACTIVE".to_owned()), Just("INACTIVE".to_owned()), "[A-Z_]{1,12}"];
    let mode = prop_oneof![
        Just(Value::Null),
        prop::sample::select(vec!["BOOKMARK", "SAML_2_0", "OPENID_CONNECT", "AUTO_LOGIN", "RADIUS_FOR_CISCO_ASA"])
            .prop_map(Value::from),
        "[A-Z_]{1,12}".prop_map(Value::from),
    ];
    (
        0usize..1000,
        prop::option::of("\\PC{0,16}"),
        prop::option::of(status),
        prop::option::weighted(0.2, mode),
        extras(),
        extras(),
        extras(),
        prop::option::of(0usize..40),
        any::<bool>(),
    )
        .prop_map(|(fixture, label, status, sign_on_mode, top, settings, app, drop_key, null_notes)| Change {
            fixture,
            label,
            status,
            sign_on_mode,
            top,
            settings,
            app,
            drop_key,
            null_notes,
        })
}

fn apply(mut app: Value, c: &Change) -> Value {
    let obj = app.as_object_mut().expect("apps are objects");
    if let Some(label) = &c.label {
        obj.insert("label".into(), Value::from(label.clone()));
    }
    if let Some(status) = &c.status {
        obj.insert("status".into(), Value::from(status.clone()));
    }
    if let Some(mode) = &c.sign_on_mode {
        obj.insert("signOnMode".into(), mode.clone());
    }
    if let Some(i) = c.drop_key {
        // Any optional key may be absent; keep the discriminating ones.
        let keys: Vec<String> = obj.keys().filter(|k| !["name", "signOnMode"].contains(&k.as_str())).cloned().collect();
        if !keys.is_empty() {
            obj.remove(&keys[i % keys.len()]);
        }
    }
    obj.extend(c.top.iter().cloned());
    if let Some(Value::Object(settings)) = obj.get_mut("settings") {
        settings.extend(c.settings.iter().cloned());
        if c.null_notes {
            settings.insert("notes".into(), serde_json::json!({"admin": null, "enduser": null}));
        }
        if let Some(Value::Object(app)) = settings.get_mut("app") {
            app.extend(c.app.iter().cloned());
        }
    }
    app
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decode_encode_is_lossless_and_stable(c in change()) {
        let apps = fixtures::apps();
        let input = apply(apps[c.fixture % apps.len()].clone(), &c);
        let decoded: Application = okta_apps::from_value(&input).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let encoded = serde_json::to_value(&decoded).expect("encodes");
        prop_assert_eq!(&encoded, &input);
        let again: Application = okta_apps::from_value(&encoded).expect("re-decodes");
        prop_assert_eq!(&again, &decoded);
        prop_assert_eq!(serde_json::to_string(&again).expect("encodes"), serde_json::to_string(&decoded).expect("encodes"));
    }

    #[test]
    fn any_json_decodes_or_errors_without_panicking(value in json()) {
        let _ = okta_apps::from_value::<Application>(&value);
        let text = value.to_string();
        let _ = okta_apps::from_str::<Vec<Application>>(&text);
    }

    #[test]
    fn truncated_payloads_error_without_panicking(cut in 0usize..4000) {
        let apps = fixtures::apps();
        let text = serde_json::to_string(&apps[cut % apps.len()]).expect("encodes");
        let cut = cut.min(text.len().saturating_sub(1));
        if text.is_char_boundary(cut) {
            prop_assert!(okta_apps::from_str::<Application>(&text[..cut]).is_err());
        }
    }
}

#[test]
fn the_fixture_set_is_not_empty() {
    assert!(fixtures::apps().len() > 20);
}
