//! One payload per model family of the Applications family (app users,
//! group assignments, features, keys, CSRs, secrets, JWKs, grants, tokens,
//! claims, group push, connections, interclient trust), shaped like what real
//! orgs send, with unknown members, unknown enum values and `null`s: each
//! decodes and re-encodes exactly, and so does each copy with one member set
//! to `null`.

use std::path::Path;

use okta_apps::models::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[path = "common/nulls.rs"]
mod nulls;

/// Decodes `json` as `T` and encodes it back.
fn round_trip<T: DeserializeOwned + Serialize>(json: &Value) -> Result<Value, String> {
    let decoded = okta_apps::from_value::<T>(json).map_err(|e| e.to_string())?;
    serde_json::to_value(&decoded).map_err(|e| e.to_string())
}

type Check = fn(&Value) -> Result<Value, String>;

/// Each fixture file and the type it is read as.
const FILES: &[(&str, Check)] = &[
    ("app_user.json", round_trip::<AppUser>),
    ("app_user_group_scope.json", round_trip::<AppUser>),
    ("group_assignment.json", round_trip::<ApplicationGroupAssignment>),
    ("feature_user_provisioning.json", round_trip::<ApplicationFeatureObject>),
    ("feature_inbound.json", round_trip::<ApplicationFeatureObject>),
    ("key_credential.json", round_trip::<JsonWebKey>),
    ("csr.json", round_trip::<Csr>),
    ("client_secret.json", round_trip::<OAuth2ClientSecret>),
    ("jwk_rsa.json", round_trip::<OAuth2ClientJsonSigningKeyResponse>),
    ("jwk_ec.json", round_trip::<OAuth2ClientJsonSigningKeyResponse>),
    ("grant.json", round_trip::<OAuth2ScopeConsentGrant>),
    ("refresh_token.json", round_trip::<OAuth2RefreshToken>),
    ("federated_claim.json", round_trip::<FederatedClaim>),
    ("group_push_mapping.json", round_trip::<GroupPushMapping>),
    ("provisioning_connection.json", round_trip::<ProvisioningConnectionResponse>),
    ("cross_app_access_connection.json", round_trip::<OrgCrossAppAccessConnection>),
    ("interclient_trust_mapping.json", round_trip::<InterclientTrustMapping>),
];

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/family").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_family_payload_round_trips_exactly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/family");
    let on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    for name in &on_disk {
        assert!(FILES.iter().any(|(file, _)| file == name), "{name} has no type in FILES");
    }
    for (file, check) in FILES {
        let json = fixture(file);
        let encoded = check(&json).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(encoded, json, "{file} re-encoded differently");
    }
}

#[test]
fn every_member_of_every_family_payload_may_be_null() {
    let mut cases = 0;
    let mut failures = Vec::new();
    for (file, check) in FILES {
        cases += nulls::each_null(&fixture(file), file, check, &mut failures);
    }
    assert!(cases > 300, "only {cases} cases");
    assert!(failures.is_empty(), "{} of {cases} failed:\n{}", failures.len(), failures.join("\n"));
    println!("{cases} family payloads, each with one member set to null, round-tripped exactly");
}

#[test]
fn unknown_enum_values_and_members_are_kept_and_readable() {
    let user: AppUser = okta_apps::from_value(&fixture("app_user_group_scope.json")).expect("decodes");
    assert!(matches!(&user.status, Some(AppUserStatus::Unknown(s)) if s == "PROVISIONING"), "{:?}", user.status);
    assert!(user.additional_properties.contains_key("sourceGroupIds"));
    let encoded = serde_json::to_value(&user).expect("encodes");
    assert_eq!(encoded, fixture("app_user_group_scope.json"));
    let org2org = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/apps/org2org.json");
    let org2org: Value = serde_json::from_str(&std::fs::read_to_string(org2org).expect("read")).expect("json");
    let app: Application = okta_apps::from_value(&org2org).expect("decodes");
    assert!(matches!(app, Application::Org2Org(_)), "the eighth OIN app: {}", app.variant_name());
    assert_eq!(serde_json::to_value(&app).expect("encodes"), org2org);
}
