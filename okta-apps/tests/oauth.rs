//! OAuth 2.0 for service apps against the fake org's strict authorization
//! server: private-key JWT client credentials (RSA and EC, PEM and JWK),
//! tokens cached and refreshed once for all callers, DPoP with nonces, and
//! one test for each bug official SDKs shipped in this code.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use okta_apps::client::PrivateKey;
use okta_apps::{Client, Error, RetryPolicy};
use okta_fake::{FakeOrg, RecordedRequest};
use serde_json::json;

#[path = "common/service_apps.rs"]
mod service_apps;

use service_apps::{ALL, CLIENT_ID, client, key, key_file, org};

fn api_requests(fake: &FakeOrg) -> Vec<RecordedRequest> {
    fake.requests().into_iter().filter(|r| r.path.starts_with("/api/")).collect()
}

fn has_header(request: &RecordedRequest, name: &str) -> bool {
    request.headers.iter().any(|(n, _)| n == name)
}

#[test]
fn keys_load_from_every_format_and_the_same_key_reads_the_same() {
    for (file, alg) in [
        ("rsa-pkcs8.pem", "RS256"),
        ("rsa-pkcs1.pem", "RS256"),
        ("rsa.jwk.json", "RS256"),
        ("ec-pkcs8.pem", "ES256"),
        ("ec-sec1.pem", "ES256"),
        ("ec.jwk.json", "ES256"),
    ] {
        assert_eq!(key(file).algorithm(), alg, "{file}");
    }
    let rsa = key("rsa-pkcs8.pem").thumbprint();
    assert_eq!(key("rsa-pkcs1.pem").thumbprint(), rsa);
    assert_eq!(key("rsa.jwk.json").thumbprint(), rsa);
    let ec = key("ec-pkcs8.pem").thumbprint();
    assert_eq!(key("ec-sec1.pem").thumbprint(), ec);
    assert_eq!(key("ec.jwk.json").thumbprint(), ec);
    assert_eq!(key("ec.jwk.json").kid(), Some("test-ec"));

    let p384 = PrivateKey::from_file(key_file("ec-p384.pem")).expect_err("P-384 is refused");
    assert!(p384.to_string().contains("ec-p384.pem") && p384.to_string().contains("P-256"), "{p384}");
    let missing = PrivateKey::from_file(key_file("nope.pem")).expect_err("no file");
    assert!(missing.to_string().contains("nope.pem"), "{missing}");
    // No key material in Debug.
    let pem = std::fs::read_to_string(key_file("ec.jwk.json")).expect("read");
    let d = serde_json::from_str::<serde_json::Value>(&pem).expect("json")["d"].as_str().expect("d").to_owned();
    assert!(!format!("{:?}", key("ec.jwk.json")).contains(&d));
}

#[tokio::test]
async fn an_rsa_service_app_gets_one_token_and_calls_with_bearer() {
    let key = key("rsa-pkcs8.pem");
    let (fake, id) = org(&key, ALL, false).await;
    let client = client(&fake, key);
    let apps: Vec<_> = client.list_applications().stream().try_collect().await.expect("list");
    assert_eq!(apps.len(), 1);
    client.get_application(&id).send().await.expect("get");
    assert_eq!(fake.token_requests(), 1);
    assert!(api_requests(&fake).iter().all(|r| !has_header(r, "dpop")));
}

// okta-sdk-nodejs #496: EC keys refused because RS256 was hard-coded.
#[tokio::test]
async fn ec_keys_sign_es256_from_pem_and_jwk() {
    for file in ["ec-pkcs8.pem", "ec-sec1.pem", "ec.jwk.json", "rsa.jwk.json", "rsa-pkcs1.pem"] {
        let key = key(file);
        let (fake, id) = org(&key, ALL, false).await;
        client(&fake, key).get_application(&id).send().await.unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

// okta-sdk-python #363, okta-sdk-java #879 and #891, okta-sdk-dotnet #505, #535 and #616:
// tokens never refreshed after they expired.
#[tokio::test]
async fn tokens_are_refreshed_before_they_expire() {
    let key = key("ec-pkcs8.pem");
    let (fake, id) = org(&key, ALL, false).await;
    fake.set_token_lifetime(Duration::from_secs(1));
    let client = client(&fake, key);
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(2_300) {
        let response = client.get_application(&id).send().await.expect("never an expired token");
        // Never sent with an expired token and sent again.
        assert_eq!(response.retries, 0);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Refreshed at half the one-second life (the default five minutes early is longer).
    let requests = fake.token_requests();
    assert!((4..=6).contains(&requests), "{requests} token requests in 2.3 s");
}

#[tokio::test]
async fn a_revoked_token_gets_one_new_token_and_one_retry() {
    let key = key("rsa-pkcs8.pem");
    let (fake, id) = org(&key, ALL, false).await;
    let client = client(&fake, key);
    client.get_application(&id).send().await.expect("get");
    fake.revoke_tokens();
    let response = client.get_application(&id).send().await.expect("the retry has a new token");
    assert_eq!((fake.token_requests(), response.retries), (2, 1));
    assert_eq!(api_requests(&fake).len(), 3);
}

// Expiry in the middle of a paged listing.
#[tokio::test]
async fn a_listing_survives_its_token_expiring_between_pages() {
    let key = key("ec.jwk.json");
    let (fake, _) = org(&key, ALL, true).await;
    for i in 0..49 {
        fake.insert(json!({ "label": format!("App {i}"), "signOnMode": "BOOKMARK", "name": "bookmark" }));
    }
    let client = client(&fake, key);
    let mut pages = std::pin::pin!(client.list_applications().limit(5).pages());
    let mut seen = 0;
    while let Some(page) = pages.try_next().await.expect("every page") {
        if seen == 0 {
            fake.revoke_tokens();
        }
        seen += page.value.items.len();
    }
    assert_eq!(seen, 50);
    // The first token, then one after the revocation (each with a nonce round).
    assert_eq!(fake.token_requests(), 4);
}

#[tokio::test]
async fn concurrent_calls_wait_for_one_token_request() {
    let key = key("rsa-pkcs8.pem");
    let (fake, id) = org(&key, ALL, false).await;
    let client = client(&fake, key);
    let calls = (0..20).map(|_| {
        let (client, id) = (client.clone(), id.clone());
        tokio::spawn(async move { client.get_application(&id).send().await.map(|_| ()) })
    });
    for call in futures_util::future::join_all(calls).await {
        call.expect("task").expect("call");
    }
    assert_eq!(fake.token_requests(), 1);
}

/// The figure for the note: 1,000 calls over 10 tasks while one-second tokens expire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_calls_over_ten_tasks_need_few_token_requests() {
    let key = key("ec-pkcs8.pem");
    let (fake, id) = org(&key, ALL, true).await;
    fake.set_token_lifetime(Duration::from_secs(1));
    let client = client(&fake, key);
    let started = Instant::now();
    let tasks = (0..10).map(|_| {
        let (client, id) = (client.clone(), id.clone());
        tokio::spawn(async move {
            for _ in 0..100 {
                client.get_application(&id).send().await?;
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            Ok::<_, Error>(())
        })
    });
    for task in futures_util::future::join_all(tasks).await {
        task.expect("task").expect("no call fails");
    }
    let elapsed = started.elapsed();
    let requests = fake.token_requests();
    // One refresh per half second at most, each a token request and its nonce round.
    let refreshes = elapsed.as_secs_f64() / 0.5;
    println!("1,000 calls over 10 tasks in {elapsed:?}: {requests} token requests");
    assert!(requests >= 4 && requests as f64 <= 2.0 * (refreshes + 2.0), "{requests} in {elapsed:?}");
}

// terraform-provider-okta #2392 and #2598: a DPoP proof or client assertion sent again
// after a 429 is answered "already used"; the fake spends both before it rate-limits.
#[tokio::test]
async fn a_429_is_retried_with_a_new_assertion_and_a_new_proof() {
    let key = key("rsa.jwk.json");
    let (fake, id) = org(&key, ALL, true).await;
    let client = Client::builder(fake.url())
        .private_key(CLIENT_ID, key)
        .retry(RetryPolicy::default().max_wait(Duration::from_secs(2)).jitter(Duration::ZERO))
        .build()
        .expect("client");
    // The token endpoint's first answer is a 429.
    fake.rate_limit_next(1, Duration::ZERO);
    client.get_application(&id).send().await.expect("token after a 429");
    // Now the API's.
    fake.rate_limit_next(1, Duration::ZERO);
    let response = client.get_application(&id).send().await.expect("call after a 429");
    assert_eq!(response.retries, 1);
}

// okta-sdk-nodejs and okta-sdk-golang: a use_dpop_nonce retry that never runs, or never stops.
#[tokio::test]
async fn a_nonce_challenge_is_answered_by_exactly_one_retry() {
    let key = key("ec-pkcs8.pem");
    let (fake, id) = org(&key, ALL, true).await;
    let client = client(&fake, key);
    // The DPoP switch and the token endpoint's nonce: three token requests; the API's
    // first nonce challenge: two API requests.
    client.get_application(&id).send().await.expect("get");
    assert_eq!((fake.token_requests(), api_requests(&fake).len()), (3, 2));
    let api = api_requests(&fake);
    assert!(api.iter().all(|r| has_header(r, "dpop")));

    fake.challenge_dpop_nonce_next(1);
    let response = client.get_application(&id).send().await.expect("one retry with the new nonce");
    assert_eq!((response.retries, api_requests(&fake).len()), (1, 4));

    fake.challenge_dpop_nonce_next(100);
    let error = client.get_application(&id).send().await.expect_err("a server that always challenges");
    assert_eq!(error.status(), Some(401));
    assert_eq!(api_requests(&fake).len(), 6, "exactly one retry");

    // A rotated nonce at the token endpoint: one retry there too.
    fake.challenge_dpop_nonce_next(0);
    fake.rotate_dpop_nonces();
    fake.revoke_tokens();
    client.get_application(&id).send().await.expect("new token with the new nonce");
}

#[tokio::test]
async fn dpop_from_the_start_with_the_callers_key() {
    let key = key("rsa-pkcs1.pem");
    let (fake, id) = org(&key, ALL, false).await;
    let client = Client::builder(fake.url())
        .private_key(CLIENT_ID, key)
        .dpop(true)
        .dpop_key(PrivateKey::generate_es256().expect("key"))
        .build()
        .expect("client");
    client.get_application(&id).send().await.expect("get");
    // No DPoP switch: a token request and its nonce round.
    assert_eq!(fake.token_requests(), 2);
    let refused = Client::builder(fake.url())
        .private_key(CLIENT_ID, self::key("rsa-pkcs8.pem"))
        .dpop_key(self::key("rsa.jwk.json"));
    assert!(matches!(refused.build(), Err(Error::Config(_))));
}

// okta-sdk-nodejs #453: htu rejected for an org URL with a trailing slash.
#[tokio::test]
async fn an_org_url_with_a_trailing_slash_signs_the_same_htu_and_aud() {
    let key = key("ec-pkcs8.pem");
    let (fake, id) = org(&key, ALL, true).await;
    let client = Client::builder(format!("{}/", fake.url())).private_key(CLIENT_ID, key).build().expect("client");
    client.get_application(&id).send().await.expect("the fake checks htu and aud exactly");
    let apps: Vec<_> = client.list_applications().limit(1).stream().try_collect().await.expect("with a query");
    assert_eq!(apps.len(), 1);
}

// okta-sdk-golang: token endpoint errors reduced to "empty access token".
#[tokio::test]
async fn token_endpoint_errors_say_what_happened() {
    let key = key("rsa-pkcs8.pem");
    let (fake, id) = org(&key, &["okta.apps.read"], false).await;

    let error = Client::builder(fake.url())
        .private_key("0oaunknown", self::key("rsa-pkcs8.pem"))
        .build()
        .expect("client")
        .get_application(&id)
        .send()
        .await
        .expect_err("unknown client");
    let Error::Token { status, error: Some(code), operation, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*status, code.as_str(), *operation), (401, "invalid_client", "getApplication"));

    let error = client(&fake, self::key("ec-pkcs8.pem")).get_application(&id).send().await.expect_err("wrong key");
    let Error::Token { error: Some(code), description: Some(description), .. } = &error else { panic!("{error:?}") };
    assert_eq!(code, "invalid_client");
    assert!(description.contains("signature") || description.contains("alg"), "{description}");

    // The default scopes include okta.apps.manage, which this app lacks.
    let error = client(&fake, self::key("rsa-pkcs8.pem")).get_application(&id).send().await.expect_err("scope");
    let Error::Token { status: 400, error: Some(code), .. } = &error else { panic!("{error:?}") };
    assert_eq!(code, "invalid_scope");
    assert!(error.to_string().contains("invalid_scope") && error.to_string().contains("okta.apps.manage"), "{error}");
}

#[tokio::test]
async fn each_operation_needs_its_scopes() {
    let key = key("rsa-pkcs8.pem");
    let (fake, id) = org(&key, &["okta.apps.read"], false).await;
    let client =
        Client::builder(fake.url()).private_key(CLIENT_ID, key).scopes(["okta.apps.read"]).build().expect("client");
    client.get_application(&id).send().await.expect("read");
    let error = client.deactivate_application(&id).send().await.expect_err("manage needed");
    let api = error.api().expect("api error");
    assert_eq!(api.status, 403);
    let challenge = api.headers.get("www-authenticate").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(challenge.contains("insufficient_scope") && challenge.contains("okta.apps.manage"), "{challenge}");
    // Not a token problem: no second token.
    assert_eq!(fake.token_requests(), 1);
}
