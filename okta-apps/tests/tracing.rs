//! Each request is one `okta.request` span with the operation, method, path
//! template, status, request id and retries, and no token; each retry is
//! an event.

use std::time::Duration;

use okta_apps::{Client, RetryPolicy};
use okta_fake::FakeOrg;
use tracing_subscriber::fmt::format::FmtSpan;

#[path = "common/buffer.rs"]
mod buffer;
#[path = "common/scripted.rs"]
mod scripted;
#[path = "common/service_apps.rs"]
mod service_apps;

use buffer::Buffer;
use scripted::{APP, Reply, serve};
use service_apps::{ALL, client, key, key_file, org};

#[tokio::test]
async fn one_span_per_request_without_the_token() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let token = "00tracing-secret-token";
    let fake = FakeOrg::start().await.expect("fake");
    let client = Client::builder(fake.url()).api_token(token).build().expect("client");
    let _ = client.get_application("0oa404").send().await;

    let out = buffer.text();
    let spans: Vec<&str> = out.lines().filter(|l| l.contains("okta.request") && l.contains("close")).collect();
    assert_eq!(spans.len(), 1, "{out}");
    for field in [
        "operation=\"getApplication\"",
        "method=\"GET\"",
        "path=\"/api/v1/apps/{appId}\"",
        "status=404",
        "retries=0",
        "request_id=\"fake-",
    ] {
        assert!(spans[0].contains(field), "{field} missing: {}", spans[0]);
    }
    assert!(!out.contains(token), "{out}");
}

#[tokio::test]
async fn each_retry_is_an_event_without_the_token() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (url, _) = serve(vec![Reply::Full(503, "", ""), Reply::Close, Reply::Full(200, "", APP)]).await;
    Client::builder(&url)
        .api_token("00retries")
        .retry(RetryPolicy::default().jitter(Duration::ZERO).backoff(Duration::from_millis(10)))
        .build()
        .expect("client")
        .get_application("0oa1")
        .send()
        .await
        .expect("retried");
    let out = buffer.text();
    let events: Vec<&str> = out.lines().filter(|l| l.contains("sending it again")).collect();
    assert_eq!(events.len(), 2, "{out}");
    assert!(events[0].contains("attempt=1") && events[0].contains("status=503"), "{}", events[0]);
    assert!(events[1].contains("attempt=2"), "{}", events[1]);
    assert!(!out.contains("00retries"), "{out}");
}

// Every test of this file installs its own subscriber: an event first seen
// by a test without one could otherwise be cached as uninteresting.
#[tokio::test]
async fn keys_assertions_proofs_and_tokens_stay_out_of_traces_and_printouts() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let key = key("ec.jwk.json");
    let (fake, id) = org(&key, ALL, true).await;
    let client = client(&fake, key);
    client.get_application(&id).send().await.expect("get");
    fake.revoke_tokens();
    client.get_application(&id).send().await.expect("get again");
    let error = client.deactivate_application("0oa404").send().await.expect_err("404");

    let out = buffer.text();
    assert!(out.contains("requesting an access token") && out.contains("DPoP nonce"), "{out}");
    let printed = format!("{out}\n{client:?}\n{error}\n{error:?}\n{:?}", fake.requests());
    // JWTs (assertions, proofs) start with a base64url `{"`.
    assert!(!printed.contains("eyJ"), "a JWT was printed");
    // The fake's access tokens are 40 letters and digits; nothing that long is printed.
    let longest = printed.split(|c: char| !c.is_ascii_alphanumeric()).map(str::len).max().unwrap_or(0);
    assert!(longest < 40, "a token-like run of {longest} characters was printed");
    let jwk = std::fs::read_to_string(key_file("ec.jwk.json")).expect("read");
    let d = serde_json::from_str::<serde_json::Value>(&jwk).expect("json")["d"].as_str().expect("d").to_owned();
    assert!(!printed.contains(&d), "the private key was printed");
}
