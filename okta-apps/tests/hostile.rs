//! A hostile or broken server cannot steal a credential, crash the client,
//! put it to sleep for a year, or make it lose pages: redirects elsewhere,
//! absurd headers, pages that loop or link relatively, bodies without end,
//! secrets in error bodies, token endpoints that fail, rotate nonces or run
//! on another clock.

use std::time::{Duration, SystemTime};

use base64::Engine;
use futures_util::StreamExt;
use okta_apps::client::PrivateKey;
use okta_apps::{Client, Error, RetryPolicy};

#[path = "common/hostile.rs"]
mod hostile;

use hostile::{Hostile, Received, Reply};

const APP: &str = r#"{"id":"0oa1","name":"bookmark","label":"Wiki","signOnMode":"BOOKMARK","status":"ACTIVE",
    "settings":{"app":{"url":"https://wiki.example.com"}}}"#;
const TOKEN: &str = "00hostile-api-token";

fn quick() -> RetryPolicy {
    RetryPolicy::default().jitter(Duration::ZERO).backoff(Duration::from_millis(10))
}

fn client(url: &str) -> Client {
    Client::builder(url).api_token(TOKEN).retry(quick()).build().expect("client")
}

fn page(id: &str) -> String {
    APP.replace("0oa1", id)
}

// ---- 1. Redirects ----

#[tokio::test]
async fn a_redirect_elsewhere_is_an_error_and_nothing_reaches_the_other_host() {
    let elsewhere = Hostile::start(|_, _| Reply::json(200, "", APP)).await;
    let target = format!("{}/steal?token=very-secret-query", elsewhere.url);
    for status in [301, 302, 303, 307, 308] {
        let location = target.clone();
        let org = Hostile::start(move |_, _| Reply::json(status, &format!("location: {location}\r\n"), "")).await;
        let err = client(&org.url).get_application("0oa1").send().await.expect_err("not followed");
        let Error::Redirect { status: got, location: Some(origin), .. } = &err else { panic!("{err:?}") };
        assert_eq!((*got, origin.as_str()), (status, elsewhere.url.as_str()));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("very-secret-query") && !shown.contains("/steal"), "{shown}");
        // Opting in to redirects changes nothing for another origin.
        let follows = Client::builder(&org.url).api_token(TOKEN).follow_redirects(5).build().expect("client");
        let body = okta_apps::models::BookmarkApplication::new("W", Default::default());
        let err = follows.replace_application("0oa1", body).send().await.expect_err("not followed");
        assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    }
    assert_eq!(elsewhere.count(), 0, "no request, token or body went to the other origin");
}

#[tokio::test]
async fn same_origin_redirects_are_followed_only_when_asked_and_only_so_far() {
    let org = Hostile::start(|request, _| match request.target.as_str() {
        "/api/v1/apps/old" => Reply::json(307, "location: /api/v1/apps/0oa1\r\n", ""),
        "/api/v1/apps/loop" => Reply::json(302, "location: /api/v1/apps/loop\r\n", ""),
        _ => Reply::json(200, "", APP),
    })
    .await;
    let err = client(&org.url).get_application("old").send().await.expect_err("not by default");
    assert!(matches!(err, Error::Redirect { status: 307, .. }), "{err:?}");

    let follows = Client::builder(&org.url).api_token(TOKEN).follow_redirects(3).build().expect("client");
    let app = follows.get_application("old").send().await.expect("followed");
    assert_eq!(app.value.id(), Some("0oa1"));
    let last = org.to("/api/v1/apps/0oa1").pop().expect("reached");
    assert_eq!(last.header("authorization"), Some(format!("SSWS {TOKEN}").as_str()));

    let before = org.count();
    let err = follows.get_application("loop").send().await.expect_err("bounded");
    assert!(matches!(err, Error::Redirect { status: 302, .. }), "{err:?}");
    assert_eq!(org.count() - before, 4, "the request and three hops");
}

// ---- 2. Absurd headers ----

#[tokio::test]
async fn absurd_waits_never_panic_nor_sleep_they_return_the_error_with_the_wait_asked() {
    let headers = [
        "retry-after: 18446744073709551615\r\n",
        "retry-after: 999999999999999999999999999999\r\n",
        "x-rate-limit-reset: 18446744073709551615\r\nx-rate-limit-remaining: 0\r\n",
        "date: Thu, 01 Jan 1970 00:00:00 GMT\r\nx-rate-limit-reset: 99999999999\r\n",
        "retry-after: Fri, 31 Dec 9999 23:59:59 GMT\r\n",
    ];
    for header in headers {
        // A reset counts after a 429; `Retry-After` after either.
        let statuses: &[u16] = if header.contains("retry-after") { &[429, 503] } else { &[429] };
        for &status in statuses {
            let org = Hostile::start(move |_, _| Reply::json(status, header, r#"{"errorCode":"E0000047"}"#)).await;
            let started = std::time::Instant::now();
            let err = client(&org.url).get_application("0oa1").send().await.expect_err("gives up");
            assert!(started.elapsed() < Duration::from_secs(5), "{header}: slept");
            assert_eq!(org.count(), 1, "{header}: not sent again");
            let api = err.api().unwrap_or_else(|| panic!("{header}: {err:?}"));
            assert_eq!(api.status, status);
            assert!(api.retry_after.is_some_and(|w| w > Duration::from_secs(3600)), "{header}: {:?}", api.retry_after);
            assert!(err.to_string().contains("the server asks to wait"), "{err}");
        }
    }
}

#[tokio::test]
async fn a_wait_within_the_policy_is_slept_and_one_past_the_deadline_is_not() {
    let org = Hostile::start(|_, i| match i {
        0 => Reply::json(429, "retry-after: 1\r\n", "{}"),
        _ => Reply::json(200, "", APP),
    })
    .await;
    let app = client(&org.url).get_application("0oa1").send().await.expect("retried");
    assert_eq!(app.retries, 1);

    let org = Hostile::start(|_, _| Reply::json(429, "retry-after: 30\r\n", "{}")).await;
    let policy = quick().deadline(Some(Duration::from_secs(2)));
    let client = Client::builder(&org.url).api_token(TOKEN).retry(policy).build().expect("client");
    let err = client.get_application("0oa1").send().await.expect_err("deadline");
    assert!(matches!(&err, Error::DeadlineExceeded { last: Some(_), .. }), "{err:?}");
    assert_eq!(err.status(), Some(429));
}

#[tokio::test]
async fn garbage_and_non_ascii_headers_do_not_panic() {
    let junk = "x-rate-limit-limit: -1\r\nx-rate-limit-remaining: 1e99\r\nx-rate-limit-reset: \u{00e9}t\u{00e9}\r\n\
        date: yesterday\r\nretry-after: -5\r\nwww-authenticate: \"\"\"===,,\r\nx-okta-request-id: \u{2603}\r\n";
    let org = Hostile::start(move |_, i| match i {
        0 => Reply::json(503, junk, "not json"),
        _ => Reply::json(200, junk, APP),
    })
    .await;
    let app = client(&org.url).get_application("0oa1").send().await.expect("read");
    assert_eq!(app.rate_limit.limit, None);
    assert_eq!(app.retries, 1);
}

// ---- 3. Secrets ----

#[tokio::test]
async fn errors_print_bodies_and_headers_redacted_and_keep_them_whole() {
    let secret_app = r#"{"id":"0oa1","name":"oidc_client","signOnMode":"OPENID_CONNECT","label":42,
        "credentials":{"oauthClient":{"client_id":"c1","client_secret":"THE-CLIENT-SECRET"}},
        "settings":{"app":{"token":"ORG2ORG-TOKEN"}}, "password":{"value":"HUNTER2"}}"#;
    let org = Hostile::start(move |request, _| match request.target.as_str() {
        "/api/v1/apps/bad" => Reply::json(200, "", secret_app),
        _ => Reply::json(
            400,
            "set-cookie: sid=THE-SESSION-COOKIE\r\nx-okta-request-id: req-1\r\n",
            r#"{"errorCode":"E0000001","errorSummary":"no","client_secret":"ECHOED-SECRET"}"#,
        ),
    })
    .await;
    let client = client(&org.url);
    let decode = client.get_application("bad").send().await.expect_err("label is not a string");
    let api = client.get_application("other").send().await.expect_err("400");
    for err in [&decode, &api] {
        let shown = format!("{err} {err:?} {err:#?}");
        for secret in ["THE-CLIENT-SECRET", "ORG2ORG-TOKEN", "HUNTER2", "THE-SESSION-COOKIE", "ECHOED-SECRET", TOKEN] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
        assert!(shown.contains("[redacted]") || shown.contains("Sensitive"), "{shown}");
    }
    let Error::Decode { raw, source, .. } = &decode else { panic!("{decode:?}") };
    assert_eq!(source.path(), "label");
    assert!(raw.expose().contains("THE-CLIENT-SECRET"), "the raw body stays reachable");
    let api = api.api().expect("api error");
    assert!(api.body.expose().contains("ECHOED-SECRET"));
    assert_eq!(api.headers.get("set-cookie").and_then(|v| v.to_str().ok()), Some("sid=THE-SESSION-COOKIE"));
    assert_eq!((api.code(), api.request_id.as_deref()), (Some("E0000001"), Some("req-1")));
}

// ---- 5. Paging ----

/// A list server: page `n` answers app `0oa{n}` with the Link header `link(n)`.
async fn pages(link: impl Fn(usize) -> String + Send + Sync + 'static) -> Hostile {
    Hostile::start(move |request, _| {
        let n: usize = request
            .target
            .split("after=")
            .nth(1)
            .and_then(|a| a.split('&').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or(1);
        Reply::json(200, &link(n), &format!("[{}]", page(&format!("0oa{n}"))))
    })
    .await
}

async fn list(org: &Hostile) -> (Vec<String>, Option<Error>) {
    let mut stream = std::pin::pin!(client(&org.url).list_applications().limit(1).stream());
    let (mut ids, mut error) = (Vec::new(), None);
    while let Some(item) = stream.next().await {
        match item {
            Ok(app) => ids.push(app.id().unwrap_or_default().to_owned()),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    (ids, error)
}

#[tokio::test]
async fn a_first_page_linking_to_itself_gives_its_items_once_then_a_loop_error() {
    let org = pages(|_| "link: </api/v1/apps?limit=1>; rel=\"next\"\r\n".to_owned()).await;
    let (ids, error) = list(&org).await;
    assert_eq!(ids, ["0oa1"]);
    assert!(matches!(error, Some(Error::PageLoop { .. })), "{error:?}");
    assert_eq!(org.count(), 1);

    let org = pages(|n| format!("link: <?after={}&limit=1>; rel=\"next\"\r\n", if n == 3 { 2 } else { n + 1 })).await;
    let (ids, error) = list(&org).await;
    assert_eq!(ids, ["0oa1", "0oa2", "0oa3"]);
    assert!(matches!(error, Some(Error::PageLoop { .. })), "{error:?}");
}

#[tokio::test]
async fn relative_quoted_and_combined_links_are_followed_to_the_last_page() {
    let forms: [fn(usize) -> String; 4] = [
        // Relative to the page that sent it, not to the org's root.
        |n| format!("link: <apps?after={}&limit=1>; rel=next\r\n", n + 1),
        // Quoted parameters holding `;` and `,`, and several links in one header.
        |n| {
            format!(
                "link: <https://ignored.example/x>; title=\"a; rel=next, b\"; rel=\"self\", </api/v1/apps?after={}&limit=1>; rel=\"next\"\r\n",
                n + 1
            )
        },
        // Separate headers, the next one last.
        |n| {
            format!(
                "link: </api/v1/apps?limit=1>; rel=\"self\"\r\nlink: </api/v1/apps?after={}&limit=1>; rel=next\r\n",
                n + 1
            )
        },
        // Not ASCII, but UTF-8.
        |n| format!("link: </api/v1/apps?after={}&limit=1&q=caf\u{00e9}>; rel=\"next\"\r\n", n + 1),
    ];
    for form in forms {
        let org = pages(move |n| if n < 3 { form(n) } else { String::new() }).await;
        let (ids, error) = list(&org).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(ids, ["0oa1", "0oa2", "0oa3"], "{}", form(1));
        assert!(org.received().iter().all(|r| r.target.starts_with("/api/v1/apps?")), "{:?}", org.received());
    }
}

#[tokio::test]
async fn an_unreadable_link_header_is_an_error_after_the_page_never_a_silent_stop() {
    let org = Hostile::start(|_, _| {
        let mut head =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nlink: </api/v1/apps?after=\xff>; rel=\"next\r\n"
                .to_vec();
        let body = format!("[{APP}]");
        head.extend_from_slice(format!("content-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).as_bytes());
        Reply::Bytes(head)
    })
    .await;
    let (ids, error) = list(&org).await;
    assert_eq!(ids, ["0oa1"]);
    assert!(matches!(error, Some(Error::InvalidLinkHeader { .. })), "{error:?}");
    let err = client(&org.url).list_applications().send().await.expect_err("one page, unreadable link");
    assert!(matches!(err, Error::InvalidLinkHeader { .. }), "{err:?}");
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused() {
    let org = pages(|_| "link: <https://elsewhere.example/api/v1/apps?after=2>; rel=\"next\"\r\n".to_owned()).await;
    let (ids, error) = list(&org).await;
    assert_eq!(ids, ["0oa1"]);
    assert!(matches!(error, Some(Error::ForeignNextLink { .. })), "{error:?}");
}

// ---- 6. Bounded bodies ----

#[tokio::test]
async fn an_endless_or_huge_body_stops_at_the_limit() {
    let endless = Hostile::start(|_, _| Reply::Endless("content-type: application/json\r\n".to_owned())).await;
    let limited = |url: &str| {
        Client::builder(url).api_token(TOKEN).max_response_bytes(1 << 20).retry(quick()).build().expect("client")
    };
    let err = limited(&endless.url).list_applications().send().await.expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { limit: 1_048_576, .. }), "{err:?}");
    assert_eq!(endless.count(), 1, "not retried");

    let huge = Hostile::start(|_, _| {
        Reply::Bytes(b"HTTP/1.1 200 OK\r\ncontent-length: 99999999999\r\nconnection: close\r\n\r\n[".to_vec())
    })
    .await;
    let err = limited(&huge.url).get_application("0oa1").send().await.expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    // The default limit is far above a page of 200 apps.
    const { assert!(okta_apps::client::DEFAULT_MAX_RESPONSE_BYTES > 200 * 64 * 1024) };
}

// ---- 7. Token refresh ----

fn service_app(url: &str, policy: RetryPolicy) -> Client {
    let key = PrivateKey::generate_es256().expect("key");
    Client::builder(url).private_key("0oaservice", key).retry(policy).build().expect("client")
}

fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

fn form_value(request: &Received, name: &str) -> Option<String> {
    form_urlencoded::parse(&request.body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn now() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[tokio::test]
async fn a_failed_token_request_is_shared_by_every_waiter_and_remembered() {
    let org = Hostile::start(|request, _| match request.target.as_str() {
        "/oauth2/v1/token" => Reply::After(
            Duration::from_millis(200),
            Box::new(Reply::json(503, "", r#"{"error":"temporarily_unavailable"}"#)),
        ),
        _ => Reply::json(200, "", APP),
    })
    .await;
    let client = service_app(&org.url, quick().max_retries(2));
    let calls = (0..5).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_application("0oa1").send().await })
    });
    for call in calls {
        let err = call.await.expect("task").expect_err("no token");
        assert!(matches!(err, Error::Token { status: 503, .. }), "{err:?}");
    }
    assert_eq!(org.to("/oauth2/v1/token").len(), 3, "one request and two retries, for all five callers");
    let err = client.get_application("0oa1").send().await.expect_err("remembered");
    assert!(matches!(err, Error::Token { status: 503, .. }), "{err:?}");
    assert_eq!(org.to("/oauth2/v1/token").len(), 3, "a call right after gets the same failure at once");
    assert_eq!(org.to("/api/v1/apps/0oa1").len(), 0);
}

#[tokio::test]
async fn the_calls_deadline_covers_the_token_request() {
    let org = Hostile::start(|_, _| {
        Reply::After(Duration::from_secs(20), Box::new(Reply::json(200, "", r#"{"access_token":"t"}"#)))
    })
    .await;
    let client = service_app(&org.url, quick().deadline(Some(Duration::from_millis(500))));
    let started = std::time::Instant::now();
    let err = client.get_application("0oa1").send().await.expect_err("deadline");
    assert!(matches!(err, Error::DeadlineExceeded { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A token endpoint issuing DPoP tokens, and an API that answers every
/// request with a new `DPoP-Nonce` on a success.
#[tokio::test]
async fn a_nonce_sent_on_a_success_is_used_by_the_next_proof() {
    let org = Hostile::start(|request, i| match request.target.as_str() {
        "/oauth2/v1/token" => Reply::json(200, "", r#"{"access_token":"tok","token_type":"DPoP","expires_in":3600}"#),
        _ => Reply::json(200, &format!("dpop-nonce: nonce-{i}\r\n"), APP),
    })
    .await;
    let key = PrivateKey::generate_es256().expect("key");
    let client = Client::builder(&org.url).private_key("0oaservice", key).dpop(true).build().expect("client");
    for _ in 0..3 {
        client.get_application("0oa1").send().await.expect("ok");
    }
    let api = org.to("/api/v1/apps/0oa1");
    let nonces: Vec<_> = api.iter().map(|r| claims(r.header("dpop").expect("proof"))["nonce"].clone()).collect();
    assert_eq!(nonces, [serde_json::Value::Null, "nonce-1".into(), "nonce-2".into()]);
}

fn date_in(offset: u64) -> String {
    httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(offset))
}

/// An org whose clock is ten minutes ahead of ours: its token endpoint
/// (when `token_checks`) refuses an assertion, and its API (when
/// `api_checks`) a DPoP proof, whose `iat` is not on its clock, saying so
/// with its `Date`.
async fn ahead_by_ten_minutes(token_checks: bool, api_checks: bool) -> Hostile {
    Hostile::start(move |request, _| {
        let ahead = now() + 600;
        let date = format!("date: {}\r\n", date_in(600));
        if request.target == "/oauth2/v1/token" {
            let assertion = form_value(request, "client_assertion").unwrap_or_default();
            if token_checks && claims(&assertion)["iat"].as_u64().unwrap_or(0).abs_diff(ahead) > 60 {
                let body = r#"{"error":"invalid_client","error_description":"The client_assertion token has an issued at time too far in the past."}"#;
                return Reply::json(401, &date, body);
            }
            return Reply::json(200, "", r#"{"access_token":"tok","token_type":"DPoP"}"#);
        }
        let proof = request.header("dpop").map(claims).unwrap_or_default();
        if api_checks && proof["iat"].as_u64().unwrap_or(0).abs_diff(ahead) > 60 {
            let challenge = "www-authenticate: DPoP error=\"invalid_dpop_proof\", error_description=\"The DPoP proof iat is too old\"\r\n";
            return Reply::json(401, &format!("{date}{challenge}"), "");
        }
        Reply::json(200, "", APP)
    })
    .await
}

#[tokio::test]
async fn a_clock_off_by_minutes_is_learned_from_the_servers_date_then_one_retry() {
    // The token endpoint refuses the assertion.
    let org = ahead_by_ten_minutes(true, true).await;
    let app = service_app(&org.url, quick()).get_application("0oa1").send().await.expect("on the server's clock");
    assert_eq!(app.value.id(), Some("0oa1"));
    assert_eq!(org.to("/oauth2/v1/token").len(), 2, "one refusal, one retry");
    assert_eq!(org.to("/api/v1/apps/0oa1").len(), 1, "the proof was made on the learned clock");

    // The API refuses the proof.
    let org = ahead_by_ten_minutes(false, true).await;
    let app = service_app(&org.url, quick()).get_application("0oa1").send().await.expect("on the server's clock");
    assert_eq!(app.retries, 1);
    assert_eq!(org.to("/api/v1/apps/0oa1").len(), 2, "one refusal, one retry");

    // A refusal that is not about time is not retried.
    let org = Hostile::start(|_, _| {
        let body = r#"{"error":"invalid_client","error_description":"No such client."}"#;
        Reply::json(401, &format!("date: {}\r\n", date_in(600)), body)
    })
    .await;
    let err = service_app(&org.url, quick()).get_application("0oa1").send().await.expect_err("refused");
    assert!(matches!(err, Error::Token { status: 401, .. }), "{err:?}");
    assert_eq!(org.count(), 1);
}
