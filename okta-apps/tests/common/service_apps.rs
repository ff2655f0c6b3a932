//! A fake org with a service app whose key is one of the test keys.

#![allow(dead_code)]

use std::path::PathBuf;

use okta_apps::Client;
use okta_apps::client::PrivateKey;
use okta_fake::{FakeOrg, FakeServiceApp};
use serde_json::json;

/// The service app's client id.
pub const CLIENT_ID: &str = "0oaservice1app";

/// The path of a test key.
pub fn key_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys").join(name)
}

/// A test key, loaded.
pub fn key(name: &str) -> PrivateKey {
    PrivateKey::from_file(key_file(name)).expect("test key")
}

/// A fake org with one app and the service app `CLIENT_ID` of `key`.
pub async fn org(key: &PrivateKey, scopes: &[&str], dpop: bool) -> (FakeOrg, String) {
    let fake = FakeOrg::start().await.expect("fake");
    let id = fake.insert(json!({ "label": "Wiki", "signOnMode": "BOOKMARK", "name": "bookmark" }));
    let app = FakeServiceApp::new(CLIENT_ID, key.public_jwk(), scopes.iter().copied());
    fake.register_service_app(if dpop { app.require_dpop() } else { app });
    (fake, id)
}

/// A client of the service app with `key`.
pub fn client(fake: &FakeOrg, key: PrivateKey) -> Client {
    Client::builder(fake.url()).private_key(CLIENT_ID, key).build().expect("client")
}

/// Both scopes of the Applications API.
pub const ALL: &[&str] = &["okta.apps.read", "okta.apps.manage"];
