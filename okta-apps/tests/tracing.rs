//! Each request is one `okta.request` span with the operation, method, path
//! template, status, request id and retries, and no token; each retry is
//! an event.

use std::time::Duration;

use okta_apps::fake::FakeOrg;
use okta_apps::{Client, RetryPolicy};
use tracing_subscriber::fmt::format::FmtSpan;

#[path = "common/buffer.rs"]
mod buffer;
#[path = "common/scripted.rs"]
mod scripted;

use buffer::Buffer;
use scripted::{APP, Reply, serve};

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
