//! What OAuth 2.0 adds to each call: signing a DPoP proof (ES256, with its
//! `jti`, `htu` and `ath`) and a client assertion (RS256 and ES256), and a
//! call to the fake org with a cached Bearer token against one with a DPoP
//! proof (the fake verifies each proof, so that row holds both sides).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use okta_apps::Client;
use okta_apps::client::PrivateKey;
use okta_fake::{FakeOrg, FakeServiceApp};
use serde_json::json;

fn key(name: &str) -> PrivateKey {
    PrivateKey::from_file(key_path(name)).expect("test key")
}

fn key_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys").join(name)
}

fn signing(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    let dpop = PrivateKey::generate_es256().expect("key");
    let jwk = dpop.public_jwk();
    group.bench_function("DPoP proof (ES256)", |b| {
        b.iter(|| {
            let claims = json!({
                "jti": "3q2-7wAAAAA3q2-7wAAAA",
                "htm": "GET",
                "htu": "https://example.okta.com/api/v1/apps/0oa1abcdefghijklmnop",
                "iat": 1_800_000_000u64,
                "nonce": "a-nonce-from-the-server",
                "ath": "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo",
            });
            black_box(dpop.sign(json!({ "typ": "dpop+jwt", "jwk": jwk }), &claims).expect("signed"))
        })
    });
    for (file, name) in [("rsa-pkcs8.pem", "client assertion (RS256)"), ("ec-pkcs8.pem", "client assertion (ES256)")] {
        let key = key(file);
        group.bench_function(name, |b| {
            b.iter(|| {
                let claims = json!({
                    "iss": "0oaservice1app", "sub": "0oaservice1app",
                    "aud": "https://example.okta.com/oauth2/v1/token",
                    "iat": 1_800_000_000u64, "exp": 1_800_000_300u64, "jti": "3q2-7wAAAAA3q2-7wAAAA",
                });
                black_box(key.sign(json!({ "typ": "JWT" }), &claims).expect("signed"))
            })
        });
    }
    group.finish();
}

fn calls(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt.block_on(FakeOrg::start()).expect("fake");
    let id = fake.insert(json!({ "label": "Wiki", "signOnMode": "BOOKMARK", "name": "bookmark" }));
    let key = key("ec-pkcs8.pem");
    fake.register_service_app(FakeServiceApp::new("0oaservice1app", key.public_jwk(), ["okta.apps.read"]));
    let build = |dpop: bool| {
        Client::builder(fake.url())
            .private_key("0oaservice1app", PrivateKey::from_file(key_path("ec-pkcs8.pem")).expect("key"))
            .scopes(["okta.apps.read"])
            .dpop(dpop)
            .build()
            .expect("client")
    };
    let mut group = c.benchmark_group("get_application");
    for (name, dpop) in [("Bearer token", false), ("DPoP proof", true)] {
        let client = build(dpop);
        group.bench_function(name, |b| {
            b.iter(|| black_box(rt.block_on(client.get_application(&id).send()).expect("get")))
        });
    }
    group.finish();
}

criterion_group!(benches, signing, calls);
criterion_main!(benches);
