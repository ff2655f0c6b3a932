//! Secrets built in code or decoded never show in `Debug` output, yet go
//! out on the wire unchanged.

use okta_apps::Secret;
use okta_apps::models::{ApplicationCredentialsOAuthClient, PasswordCredential};

#[test]
fn password_values_are_redacted() {
    let credential = PasswordCredential { value: Some(Secret::from("hunter2-very-secret")), ..Default::default() };
    let debug = format!("{credential:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    let json = serde_json::to_value(&credential).expect("encodes");
    assert_eq!(json["value"], "hunter2-very-secret");
}

#[test]
fn client_secrets_are_redacted_after_decoding() {
    let client: ApplicationCredentialsOAuthClient =
        okta_apps::from_str(r#"{"client_id":"0oa1","client_secret":"s3cr3t-value-xyz"}"#).expect("decodes");
    let debug = format!("{client:?} {client:#?}");
    assert!(!debug.contains("s3cr3t-value-xyz"), "{debug}");
    assert_eq!(client.client_secret.as_ref().map(Secret::expose), Some("s3cr3t-value-xyz"));
}
