//! Transient failures against a scripted server on 127.0.0.1: what is sent
//! again, what is not, how long the client waits, and the deadline.

use std::time::{Duration, Instant};

use okta_apps::models::{BookmarkApplication, BookmarkApplicationSettings, BookmarkApplicationSettingsApplication};
use okta_apps::{Client, Error, RetryPolicy};
use tokio::net::TcpListener;

#[path = "common/scripted.rs"]
mod scripted;

use scripted::{APP, Reply, serve};

fn client(url: &str, policy: RetryPolicy) -> Client {
    Client::builder(url).api_token("00retries").retry(policy).build().expect("client")
}

/// Quick retries: no jitter, 10 ms backoff.
fn quick() -> RetryPolicy {
    RetryPolicy::default().jitter(Duration::ZERO).backoff(Duration::from_millis(10))
}

fn bookmark() -> BookmarkApplication {
    let settings = BookmarkApplicationSettings {
        app: Some(BookmarkApplicationSettingsApplication::new("https://wiki.example.com")),
        ..Default::default()
    };
    BookmarkApplication::new("Wiki", settings)
}

#[tokio::test]
async fn a_503_then_200_succeeds_with_one_retry() {
    let (url, hits) = serve(vec![Reply::Full(503, "", r#"{"errorCode":"E0000009"}"#), Reply::Full(200, "", APP)]).await;
    let app = client(&url, quick()).get_application("0oa1").send().await.expect("retried");
    assert_eq!((app.retries, hits.count()), (1, 2));
    assert_eq!(app.value.label(), Some("Wiki"));
}

#[tokio::test]
async fn each_transient_status_and_a_lost_connection_are_retried_for_reads() {
    for first in
        [Reply::Full(502, "", ""), Reply::Full(504, "", "<html>gateway</html>"), Reply::Close, Reply::CutMidBody]
    {
        let (url, hits) = serve(vec![first, Reply::Full(200, "", APP)]).await;
        let app = client(&url, quick()).get_application("0oa1").send().await.expect("retried");
        assert_eq!((app.retries, hits.count()), (1, 2));
    }
}

#[tokio::test]
async fn a_body_cut_off_is_retried_for_get_and_not_for_create() {
    let (url, hits) = serve(vec![Reply::CutMidBody, Reply::Full(200, "", APP)]).await;
    let app = client(&url, quick()).get_application("0oa1").send().await.expect("retried");
    assert_eq!((app.retries, hits.count()), (1, 2));

    let (url, hits) = serve(vec![Reply::CutMidBody, Reply::Full(200, "", APP)]).await;
    let err = client(&url, quick()).create_application(bookmark()).send().await.expect_err("not retried");
    assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("createApplication") && err.to_string().contains("1 attempt"), "{err}");
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn create_is_retried_on_transient_failures_only_when_the_caller_opts_in() {
    let (url, hits) = serve(vec![Reply::Full(503, "", ""), Reply::Full(200, "", APP)]).await;
    let err = client(&url, quick()).create_application(bookmark()).send().await.expect_err("not retried");
    assert_eq!((err.status(), hits.count()), (Some(503), 1));

    let (url, hits) = serve(vec![Reply::Full(503, "", ""), Reply::Full(200, "", APP)]).await;
    let policy = quick().retry_non_idempotent(true);
    let app = client(&url, policy).create_application(bookmark()).send().await.expect("opted in");
    assert_eq!((app.retries, hits.count()), (1, 2));

    // A 429 was not acted on: every operation retries it.
    let (url, hits) = serve(vec![Reply::Full(429, "x-rate-limit-reset: 0\r\n", ""), Reply::Full(200, "", APP)]).await;
    let app = client(&url, quick()).create_application(bookmark()).send().await.expect("rate limit");
    assert_eq!((app.retries, hits.count()), (1, 2));
}

#[tokio::test]
async fn lifecycle_posts_are_idempotent_and_retried() {
    let (url, hits) = serve(vec![Reply::Full(502, "", ""), Reply::Full(200, "", "")]).await;
    let done = client(&url, quick()).deactivate_application("0oa1").send().await.expect("retried");
    assert_eq!((done.retries, hits.count()), (1, 2));
}

#[tokio::test]
async fn retries_stop_at_the_count_and_the_error_says_how_many() {
    let (url, hits) = serve((0..5).map(|_| Reply::Full(503, "x-okta-request-id: r1\r\n", "")).collect()).await;
    let err = client(&url, quick().max_retries(2)).get_application("0oa1").send().await.expect_err("gave up");
    let api = err.api().expect("api error");
    assert_eq!((api.status, api.retries, hits.count()), (503, 2, 3));
    assert!(err.to_string().contains("after 2 retries"), "{err}");

    let (url, hits) = serve((0..5).map(|_| Reply::Close).collect()).await;
    let err = client(&url, quick().max_retries(1)).get_application("0oa1").send().await.expect_err("gave up");
    assert!(matches!(err, Error::Transport { attempts: 2, .. }), "{err:?}");
    assert_eq!(hits.count(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let (url, _) = serve(vec![Reply::Full(503, "retry-after: 1\r\n", ""), Reply::Full(200, "", APP)]).await;
    let started = Instant::now();
    let app = client(&url, quick()).get_application("0oa1").send().await.expect("retried");
    assert_eq!(app.retries, 1);
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
}

#[tokio::test]
async fn the_deadline_cuts_a_long_rate_limit_wait_short_with_a_clear_error() {
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() + 3600;
    let headers: &'static str = Box::leak(format!("x-rate-limit-reset: {reset}\r\n").into_boxed_str());
    let (url, hits) = serve(vec![Reply::Full(429, headers, r#"{"errorCode":"E0000047"}"#)]).await;
    let policy = quick().max_wait(Duration::from_secs(7200)).deadline(Some(Duration::from_secs(5)));
    let started = Instant::now();
    let err = client(&url, policy).get_application("0oa1").send().await.expect_err("deadline");
    // Given up at once, not after sleeping into the deadline.
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(matches!(err, Error::DeadlineExceeded { attempts: 1, .. }), "{err:?}");
    assert_eq!((err.status(), hits.count()), (Some(429), 1));
    let text = err.to_string();
    assert!(text.contains("deadline of 5s") && text.contains("E0000047"), "{text}");
}

#[tokio::test]
async fn the_deadline_bounds_a_request_that_never_answers() {
    // A listener that accepts and never replies.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let policy = quick().deadline(Some(Duration::from_millis(300)));
    let err = client(&url, policy).get_application("0oa1").send().await.expect_err("deadline");
    assert!(matches!(err, Error::DeadlineExceeded { attempts: 1, last: None, .. }), "{err:?}");
}
