//! Every operation end to end against the built-in fake org on 127.0.0.1:
//! pagination, rate limits, hostile ids, header injection, errors, secrets.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use okta_apps::models::{
    Application, ApplicationLifecycleStatus, BookmarkApplication, BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication,
};
use okta_apps::{Client, Error, RetryPolicy};
use okta_fake::FakeOrg;
use serde_json::json;

fn bookmark(label: &str) -> BookmarkApplication {
    let settings = BookmarkApplicationSettings {
        app: Some(BookmarkApplicationSettingsApplication::new("https://wiki.example.com")),
        ..Default::default()
    };
    BookmarkApplication::new(label, settings)
}

fn client(fake: &FakeOrg) -> Client {
    Client::builder(fake.url()).api_token(fake.api_token()).build().expect("client")
}

fn fast_retries(n: u32) -> RetryPolicy {
    RetryPolicy::default().max_retries(n).jitter(Duration::from_millis(5)).max_wait(Duration::from_secs(3))
}

#[tokio::test]
async fn every_operation_end_to_end() {
    let fake = FakeOrg::start().await.expect("fake");
    let client = client(&fake);

    let created = client.create_application(bookmark("Wiki")).send().await.expect("create");
    let id = created.value.id().expect("id").to_owned();
    assert!(id.starts_with("0oa"));
    assert_eq!(created.value.status(), Some(&ApplicationLifecycleStatus::Active));
    assert!(created.value.created().is_some() && created.value.links().is_some());
    assert!(created.request_id.is_some());
    assert_eq!(created.rate_limit.limit, Some(10_000));

    let inactive = client.create_application(bookmark("Docs")).activate(false).send().await.expect("create");
    assert_eq!(inactive.value.status(), Some(&ApplicationLifecycleStatus::Inactive));

    let page = client.list_applications().send().await.expect("list");
    assert_eq!(page.value.decoded().count(), 2);
    assert_eq!((page.status, page.rate_limit.limit), (200, Some(10_000)));
    assert!(page.request_id.is_some());
    let sent = fake.requests().pop().expect("recorded");
    let agent = sent.headers.iter().find(|(k, _)| k == "user-agent").map(|(_, v)| v.as_str());
    assert_eq!(agent, Some(okta_apps::USER_AGENT));
    assert!(okta_apps::USER_AGENT.starts_with("okta-client-rust/"));
    assert!(page.value.next.is_none());

    let got = client.get_application(&id).send().await.expect("get");
    assert_eq!(got.value, created.value);

    client.deactivate_application(&id).send().await.expect("deactivate");
    let got = client.get_application(&id).send().await.expect("get");
    assert_eq!(got.value.status(), Some(&ApplicationLifecycleStatus::Inactive));
    client.activate_application(&id).send().await.expect("activate");

    // An active app cannot be deleted: Okta's error comes back whole.
    let err = client.delete_application(&id).send().await.expect_err("active");
    let api = err.api().expect("api error");
    assert_eq!(api.status, 403);
    assert_eq!(api.code(), Some("E0000056"));
    assert!(api.request_id.is_some());
    assert!(!api.causes().is_empty());

    client.deactivate_application(&id).send().await.expect("deactivate");
    client.delete_application(&id).send().await.expect("delete");
    let err = client.get_application(&id).send().await.expect_err("gone");
    assert_eq!(err.api().and_then(|e| e.code()), Some("E0000007"));
    assert_eq!(err.status(), Some(404));
    // The operation's own decoder read the error body: its documented variant.
    use okta_apps::operations::{GetApplicationResponse, ListApplicationsResponse};
    let decoded = err.api().and_then(|e| e.response::<GetApplicationResponse>());
    assert!(
        matches!(decoded, Some(GetApplicationResponse::NotFound(e)) if e.error_code.as_deref() == Some("E0000007")),
        "{decoded:?}"
    );
    assert!(err.api().and_then(|e| e.response::<ListApplicationsResponse>()).is_none(), "another operation's type");

    // Any operation, built by hand, through the same client.
    let op = okta_apps::operations::ListApplications { limit: Some(1), ..Default::default() };
    let page = client.send(&op).await.expect("list");
    assert_eq!(page.value.len(), 1);
    let missing = client.send(&okta_apps::operations::GetApplication::new(&id)).await.expect_err("gone");
    assert_eq!(missing.status(), Some(404));
    fake.shutdown().await;
}

#[tokio::test]
async fn replace_keeps_what_the_model_does_not_know() {
    let fake = FakeOrg::start().await.expect("fake");
    let id = fake.insert(json!({
        "name": "bookmark", "label": "Old", "signOnMode": "BOOKMARK", "status": "ACTIVE",
        "settings": {"app": {"url": "https://a.example.com", "futureField": 1}, "futureSetting": [1, 2]},
        "futureTop": {"x": null}
    }));
    let client = client(&fake);
    let mut app = client.get_application(&id).send().await.expect("get").into_value();
    let Application::Bookmark(b) = &mut app else { panic!("bookmark expected") };
    b.label = Some("New".into());
    let replaced = client.replace_application(&id, app).send().await.expect("replace");
    assert_eq!(replaced.value.label(), Some("New"));
    let stored = fake.get(&id).expect("stored");
    assert_eq!(stored["futureTop"], json!({"x": null}));
    assert_eq!(stored["settings"]["futureSetting"], json!([1, 2]));
    assert_eq!(stored["settings"]["app"]["futureField"], json!(1));
}

#[tokio::test]
async fn missing_fields_are_a_validation_error() {
    let fake = FakeOrg::start().await.expect("fake");
    let client = client(&fake);
    let mut app = bookmark("x");
    app.label = None;
    let err = client.create_application(app).send().await.expect_err("no label");
    let api = err.api().expect("api");
    assert_eq!((api.status, api.code()), (400, Some("E0000001")));
    assert!(api.causes().iter().any(|c| c.contains("label")), "{err}");
}

#[tokio::test]
async fn streams_every_page() {
    let fake = FakeOrg::start().await.expect("fake");
    for i in 0..7 {
        fake.insert(
            json!({"name": "bookmark", "label": format!("App {i}"), "signOnMode": "BOOKMARK", "status": "ACTIVE"}),
        );
    }
    let client = client(&fake);
    let first = client.list_applications().limit(3).send().await.expect("page").into_value();
    assert_eq!(first.items.len(), 3);
    assert!(first.next_cursor().is_some());
    let second = client
        .list_applications()
        .limit(3)
        .after(first.next_cursor().expect("cursor"))
        .send()
        .await
        .expect("page")
        .value;
    assert_eq!(second.decoded().next().and_then(Application::label), Some("App 3"));

    let apps: Vec<Application> = client.list_applications().limit(3).stream().try_collect().await.expect("stream");
    let labels: Vec<&str> = apps.iter().filter_map(Application::label).collect();
    assert_eq!(labels, ["App 0", "App 1", "App 2", "App 3", "App 4", "App 5", "App 6"]);
    let list_requests = fake.requests().iter().filter(|r| r.method == "GET" && r.path == "/api/v1/apps").count();
    assert_eq!(list_requests, 2 + 3, "two single pages, then three pages streamed");

    let filtered: Vec<Application> =
        client.list_applications().filter(r#"status eq "ACTIVE""#).q("App 1").stream().try_collect().await.expect("q");
    assert_eq!(filtered.len(), 1);
}

#[tokio::test]
async fn an_undecodable_app_is_one_error_and_the_stream_goes_on() {
    let fake = FakeOrg::start().await.expect("fake");
    fake.insert(json!({"name": "bookmark", "label": "A", "signOnMode": "BOOKMARK", "status": "ACTIVE"}));
    fake.insert(json!({"name": "bookmark", "label": "B", "signOnMode": "BOOKMARK", "status": "ACTIVE", "settings": {"app": {"url": 5}}}));
    fake.insert(json!({"name": "bookmark", "label": "C", "signOnMode": "BOOKMARK", "status": "ACTIVE"}));
    let items: Vec<Result<Application, Error>> = client(&fake).list_applications().limit(2).stream().collect().await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[2].is_ok());
    match &items[1] {
        Err(Error::Decode { source, raw, .. }) => {
            assert_eq!(source.path(), "settings.app.url");
            assert!(raw.expose().contains("\"label\":\"B\""), "{raw:?}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_foreign_next_link_is_refused() {
    let fake = FakeOrg::start().await.expect("fake");
    for label in ["A", "B"] {
        fake.insert(json!({"name": "bookmark", "label": label, "signOnMode": "BOOKMARK", "status": "ACTIVE"}));
    }
    fake.set_next_link(Some("https://evil.example.com/api/v1/apps?after=x".to_owned()));
    let items: Vec<Result<Application, Error>> = client(&fake).list_applications().limit(1).stream().collect().await;
    assert!(items[0].is_ok());
    assert!(matches!(items.last(), Some(Err(Error::ForeignNextLink { .. }))), "{items:?}");
    assert_eq!(fake.requests().len(), 1, "nothing was sent to the other host");
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_a_loop_error() {
    let fake = FakeOrg::start().await.expect("fake");
    for label in ["A", "B", "C"] {
        fake.insert(json!({"name": "bookmark", "label": label, "signOnMode": "BOOKMARK", "status": "ACTIVE"}));
    }
    fake.set_next_link(Some(format!("{}/api/v1/apps?after=loop&limit=1", fake.url())));
    let client = client(&fake);
    let items: Vec<Result<Application, Error>> =
        tokio::time::timeout(Duration::from_secs(10), client.list_applications().limit(1).stream().collect())
            .await
            .expect("the stream ends");
    let (last, pages) = items.split_last().expect("items");
    assert!(pages.iter().all(Result::is_ok));
    assert!(matches!(last, Err(Error::PageLoop { url, .. }) if url.ends_with("after=loop&limit=1")), "{last:?}");
    assert_eq!(fake.requests().len(), 2, "the first page, then the looping link once");
}

#[tokio::test]
async fn rate_limits_are_waited_out_and_retried() {
    let fake = FakeOrg::start().await.expect("fake");
    let client =
        Client::builder(fake.url()).api_token(fake.api_token()).retry(fast_retries(2)).build().expect("client");
    fake.rate_limit_next(1, Duration::from_secs(1));
    let started = std::time::Instant::now();
    let page = client.list_applications().send().await.expect("retried");
    assert!(page.value.items.is_empty());
    assert_eq!(page.retries, 1);
    assert!(started.elapsed() >= Duration::from_millis(500), "waited for the reset");
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let header = |i: usize, name: &str| requests[i].headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(header(1, "x-okta-retry-count").as_deref(), Some("1"));
    assert!(header(1, "x-okta-retry-for").is_some_and(|v| v.starts_with("fake-")));
    assert!(header(0, "x-okta-retry-count").is_none());
}

#[tokio::test]
async fn when_retries_run_out_the_error_keeps_everything() {
    let fake = FakeOrg::start().await.expect("fake");
    let client =
        Client::builder(fake.url()).api_token(fake.api_token()).retry(fast_retries(1)).build().expect("client");
    fake.rate_limit_next(5, Duration::from_millis(100));
    let err = client.get_application("0oa1").send().await.expect_err("rate limited");
    let api = err.api().expect("api");
    assert_eq!(api.status, 429);
    assert_eq!(api.code(), Some("E0000047"));
    assert_eq!(api.retries, 1);
    assert_eq!(api.rate_limit.remaining, Some(0));
    assert!(api.headers.contains_key("x-rate-limit-reset"));
    assert!(api.body.expose().contains("E0000047"));
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let fake = FakeOrg::start().await.expect("fake");
    let client =
        Client::builder(fake.url()).api_token(fake.api_token()).retry(RetryPolicy::none()).build().expect("client");
    fake.rate_limit_next(1, Duration::from_secs(30));
    let started = std::time::Instant::now();
    let err = client.list_applications().send().await.expect_err("429");
    assert_eq!(err.status(), Some(429));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn hostile_ids_never_change_the_path() {
    let fake = FakeOrg::start().await.expect("fake");
    let client = client(&fake);
    for id in ["../x", "a/b", "?q", "#f", "ünïcødé", "a b", "%2F", "x/../../y"] {
        let err = client.get_application(id).send().await.expect_err("no such app");
        assert_eq!(err.status(), Some(404), "{id}: {err}");
        let last = fake.requests().pop().expect("recorded");
        let rest = last.path.strip_prefix("/api/v1/apps/").expect("same route");
        assert!(!rest.contains('/'), "{id} became {}", last.path);
        assert!(last.query.is_none(), "{id} added a query");
    }
    for id in ["", ".", ".."] {
        let before = fake.requests().len();
        let err = client.delete_application(id).send().await.expect_err("refused");
        assert!(matches!(err, Error::InvalidInput { .. }), "{id:?}: {err}");
        assert_eq!(fake.requests().len(), before, "nothing sent for {id:?}");
    }
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused() {
    let fake = FakeOrg::start().await.expect("fake");
    let err = client(&fake)
        .create_application(bookmark("x"))
        .okta_access_gateway_agent("agent\r\nX-Evil: 1")
        .send()
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn no_authorization_is_a_401() {
    let fake = FakeOrg::start().await.expect("fake");
    let response = reqwest::get(format!("{}/api/v1/apps", fake.url())).await.expect("sent");
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["errorCode"], "E0000011");
}

#[tokio::test]
async fn tokens_never_print() {
    let token = "00super-secret-token-value";
    let fake = FakeOrg::start().await.expect("fake");
    let client = Client::builder(fake.url()).api_token(token).retry(RetryPolicy::none()).build().expect("client");
    let bearer = Client::builder(fake.url()).bearer_token(token).build().expect("client");
    fake.rate_limit_next(1, Duration::from_secs(1));
    let err = client.get_application("0oa1").send().await.expect_err("429");
    let not_found = client.get_application("0oa1").send().await.expect_err("404");
    let printed = format!(
        "{client:?} {bearer:?} {:?} {:?} {err} {err:?} {not_found} {not_found:?} {:?}",
        okta_apps::Auth::api_token(token),
        okta_apps::Auth::bearer(token),
        fake.requests()
    );
    assert!(!printed.contains(token), "{printed}");
    assert!(printed.contains("[redacted]"));
}

#[test]
fn org_urls_must_be_https_except_loopback() {
    let build = |url: &str| Client::builder(url).api_token("t").build();
    assert!(build("https://example.okta.com").is_ok());
    assert!(build("http://127.0.0.1:8080").is_ok());
    assert!(build("http://localhost:1234").is_ok());
    assert!(build("http://[::1]:9").is_ok());
    assert!(matches!(build("http://example.okta.com"), Err(Error::Config(_))));
    assert!(matches!(build("ftp://example.okta.com"), Err(Error::Config(_))));
    assert!(matches!(build("https://example.okta.com/api"), Err(Error::Config(_))));
    assert!(matches!(Client::builder("https://example.okta.com").build(), Err(Error::Config(_))));
}

/// What an endpoint's `send`, `stream` and `pages` return: named types that
/// can be kept in a struct and spawned, and nothing goes out before the
/// future is first polled.
#[tokio::test]
async fn sends_and_streams_are_named_send_static_and_lazy() {
    use okta_apps::client::{Call, Items, Page, Pages, Response};

    struct Pending {
        app: Call<Response<Application>>,
        first: Call<Response<Page<Application>>>,
        items: Items<Application>,
        pages: Pages<Application>,
    }
    fn spawnable<T: Send + 'static>(_: &T) {}

    let fake = FakeOrg::start().await.expect("fake");
    let client = client(&fake);
    let id =
        client.create_application(bookmark("Wiki")).send().await.expect("create").value.id().expect("id").to_owned();
    let before = fake.requests().len();
    let pending = Pending {
        app: client.get_application(&id).send(),
        first: client.list_applications().limit(1).send(),
        items: client.list_applications().stream(),
        pages: client.list_applications().pages(),
    };
    spawnable(&pending.app);
    spawnable(&pending.items);
    assert_eq!(fake.requests().len(), before, "nothing is sent before a poll");

    let app = tokio::spawn(pending.app).await.expect("joins").expect("get");
    assert_eq!(app.value.id(), Some(id.as_str()));
    assert_eq!(pending.first.await.expect("page").value.decoded().count(), 1);
    assert_eq!(pending.items.try_collect::<Vec<_>>().await.expect("items").len(), 1);
    assert_eq!(pending.pages.try_collect::<Vec<_>>().await.expect("pages").len(), 1);
    assert_eq!(fake.requests().len(), before + 4);
}
