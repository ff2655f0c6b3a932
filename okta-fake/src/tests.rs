//! Tests of the fake org over real HTTP, sent with reqwest.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::{FakeOptions, FakeOrg};

mod directory;
mod family;
mod okta;

const AUTH: &str = "SSWS test-token";

fn client() -> reqwest::Client {
    // No proxy from the environment may stand between the tests and 127.0.0.1.
    reqwest::Client::builder().no_proxy().build().expect("reqwest client")
}

/// A fake org with the default options, and a client to reach it.
async fn started() -> (FakeOrg, reqwest::Client) {
    (FakeOrg::start().await.expect("start"), client())
}

fn bookmark(label: &str) -> Value {
    json!({
        "label": label,
        "signOnMode": "BOOKMARK",
        "settings": { "app": { "url": "https://wiki.example.com/" } },
    })
}

async fn body_json(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("response body");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .expect("ASCII header")
        .to_owned()
}

fn links(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("link").iter().map(|value| value.to_str().expect("ASCII link").to_owned()).collect()
}

fn ids(page: &Value) -> Vec<String> {
    page.as_array().expect("array").iter().map(|app| app["id"].as_str().expect("id").to_owned()).collect()
}

fn labels(page: &Value) -> Vec<String> {
    page.as_array().expect("array").iter().map(|app| app["label"].as_str().expect("label").to_owned()).collect()
}

fn epoch_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs()
}

/// Sends a request with the API token, and the body as JSON if there is one.
async fn send(http: &reqwest::Client, method: reqwest::Method, url: &str, body: Option<&Value>) -> reqwest::Response {
    let body = body.map(|body| ("application/json", body.to_string().into_bytes()));
    send_raw(http, method, url, body).await
}

/// Sends a request with the API token, and if there is one a body as it is,
/// with its media type (`Content-Type`).
async fn send_raw(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut request = http.request(method, url).header("Authorization", AUTH);
    if let Some((media_type, body)) = body {
        request = request.header("Content-Type", media_type).body(body);
    }
    request.send().await.expect("send")
}

async fn send_get(http: &reqwest::Client, url: &str) -> reqwest::Response {
    send(http, reqwest::Method::GET, url, None).await
}

async fn create(http: &reqwest::Client, fake: &FakeOrg, body: &Value) -> reqwest::Response {
    send(http, reqwest::Method::POST, &format!("{}/api/v1/apps", fake.url()), Some(body)).await
}

#[tokio::test]
async fn requests_without_a_usable_token_get_401() {
    let (fake, http) = started().await;
    let url = format!("{}/api/v1/apps", fake.url());
    for auth in [None, Some("SSWS "), Some("Bearer  "), Some("Basic dXNlcjpwYXNz"), Some("fake-okta-api-token")] {
        let mut request = http.get(&url);
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.expect("send");
        assert_eq!(response.status(), 401, "{auth:?}");
        assert_eq!(header(&response, "content-type"), "application/json");
        assert!(header(&response, "x-okta-request-id").starts_with("fake-"));
        let challenge = header(&response, "www-authenticate");
        let error = body_json(response).await;
        assert_eq!(error["errorCode"], "E0000011");
        assert_eq!(error["errorSummary"], "Invalid token provided");
        assert_eq!(error["errorLink"], "E0000011");
        assert!(error["errorId"].as_str().is_some_and(|id| !id.is_empty()));
        assert!(error["errorCauses"].is_array());
        assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
    }

    let response = http.get(&url).header("Authorization", format!("SSWS {}", fake.api_token())).send().await;
    assert_eq!(response.expect("send").status(), 200);
    let squashed = http.get(&url).header("Authorization", format!("SSWS{}", fake.api_token())).send().await;
    assert_eq!(squashed.expect("send").status(), 200, "without a space, as Okta's Python SDK sends it");
    // An access token must be one the fake issued.
    let response = http.get(&url).header("Authorization", "Bearer some.access.token").send().await.expect("send");
    assert_eq!(response.status(), 401);

    let requests = fake.requests();
    assert_eq!(requests.len(), 8);
    let last = requests.last().expect("a request");
    assert_eq!((last.method.as_str(), last.path.as_str(), last.query.as_deref()), ("GET", "/api/v1/apps", None));
    assert!(last.headers.contains(&("authorization".to_owned(), "[redacted]".to_owned())));
    assert!(!format!("{requests:?}").contains("some.access.token"));
    assert_eq!(format!("{fake:?}"), format!("FakeOrg {{ url: {:?}, .. }}", fake.url()));
    fake.shutdown().await;
}

#[tokio::test]
async fn create_then_get() {
    let (fake, http) = started().await;
    let mut body = bookmark("Team wiki");
    body["newField"] = json!({ "kept": [1, null] });
    body["id"] = json!("0oaIgnoredIgnored123");
    let response = http
        .post(format!("{}/api/v1/apps", fake.url()))
        .header("Authorization", AUTH)
        .header("Content-Type", "application/json")
        .header("OktaAccessGateway-Agent", "agent/1.0")
        .body(body.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/json");
    let created = body_json(response).await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("0oa") && id.len() == 20 && id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    assert_ne!(id, "0oaIgnoredIgnored123");
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(created["name"], "bookmark");
    assert_eq!(created["label"], "Team wiki");
    assert_eq!(created["newField"], json!({ "kept": [1, null] }));
    assert_eq!(created["settings"]["app"], body["settings"]["app"]);
    assert_eq!(created["settings"]["notifications"]["vpn"]["network"]["connection"], "DISABLED", "filled in");
    let created_at = created["created"].as_str().expect("created");
    assert_eq!(created_at.len(), 24, "{created_at}");
    assert!(created_at.ends_with('Z') && created_at.as_bytes()[19] == b'.', "{created_at}");
    assert_eq!(created["lastUpdated"], created["created"]);
    let app_href = format!("{}/api/v1/apps/{id}", fake.url());
    assert_eq!(created["_links"]["deactivate"]["href"], format!("{app_href}/lifecycle/deactivate"));
    assert_eq!(created["_links"]["users"]["href"], format!("{app_href}/users"));
    assert_eq!(created["_links"]["groups"]["href"], format!("{app_href}/groups"));
    assert_eq!(created["_links"]["logo"][0]["name"], "medium");
    assert_eq!(
        created["_links"]["appLinks"],
        json!([{ "name": "login", "href": format!("{}/home/bookmark/{id}/login", fake.url()), "type": "text/html" }])
    );
    assert!(created["_links"].get("activate").is_none());

    let response = send_get(&http, &app_href).await;
    assert_eq!(response.status(), 200);
    assert_eq!(body_json(response).await, created);
    assert_eq!(fake.get(&id), Some(created.clone()));
    assert_eq!(fake.apps(), vec![created]);

    // Inactive on request; OIDC apps get client credentials; other custom apps a made-up name.
    let oidc = json!({
        "label": "Portal",
        "signOnMode": "OPENID_CONNECT",
        "settings": { "oauthClient": { "redirect_uris": ["https://portal.example.com/cb"] } },
    });
    let inactive = format!("{}/api/v1/apps?activate=false", fake.url());
    let response = send(&http, reqwest::Method::POST, &inactive, Some(&oidc)).await;
    assert_eq!(response.status(), 200);
    let portal = body_json(response).await;
    assert_eq!(portal["status"], "INACTIVE");
    assert_eq!(portal["name"], "oidc_client");
    assert_eq!(portal["credentials"]["oauthClient"]["client_id"], portal["id"]);
    assert!(portal["credentials"]["oauthClient"]["client_secret"].is_string());
    assert!(portal["_links"]["activate"]["href"].as_str().is_some_and(|href| href.ends_with("/lifecycle/activate")));
    assert!(portal["_links"].get("deactivate").is_none());

    let saml = json!({ "label": "My App!", "signOnMode": "SAML_2_0" });
    let custom = body_json(create(&http, &fake, &saml).await).await;
    assert_eq!(custom["name"], "fakeorg_myapp_1");

    // Validation.
    let response = create(&http, &fake, &json!({ "label": "", "settings": {} })).await;
    assert_eq!(response.status(), 400);
    let error = body_json(response).await;
    assert_eq!(error["errorCode"], "E0000001");
    assert!(error["errorSummary"].as_str().is_some_and(|summary| summary.starts_with("Api validation failed: ")));
    assert_eq!(
        error["errorCauses"],
        json!([
            { "errorSummary": "label: The field cannot be left blank" },
            { "errorSummary": "signOnMode: The field cannot be left blank" },
        ])
    );
    for bad in [json!([1, 2]), json!("text")] {
        let response = create(&http, &fake, &bad).await;
        assert_eq!(response.status(), 400);
        assert_eq!(body_json(response).await["errorCode"], "E0000003");
    }
    let garbled = Some(("application/json", b"{not json".to_vec()));
    let response = send_raw(&http, reqwest::Method::POST, &format!("{}/api/v1/apps", fake.url()), garbled).await;
    assert_eq!(response.status(), 400);
    assert_eq!(body_json(response).await["errorSummary"], "The request body was not well-formed.");
    assert_eq!(fake.apps().len(), 3);
    fake.shutdown().await;
}

#[tokio::test]
async fn pages_follow_link_headers() {
    let (fake, http) = started().await;
    let url = fake.url();
    let all: Vec<String> = (1..=5).map(|n| fake.insert(bookmark(&format!("App {n}")))).collect();

    let first = send_get(&http, &format!("{url}/api/v1/apps?limit=2")).await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        links(&first),
        [
            format!("<{url}/api/v1/apps?limit=2>; rel=\"self\""),
            format!("<{url}/api/v1/apps?after={}&limit=2>; rel=\"next\"", all[1]),
        ]
    );
    assert_eq!(ids(&body_json(first).await), all[0..2]);

    let second = send_get(&http, &format!("{url}/api/v1/apps?after={}&limit=2", all[1])).await;
    assert_eq!(
        links(&second),
        [
            format!("<{url}/api/v1/apps?after={}&limit=2>; rel=\"self\"", all[1]),
            format!("<{url}/api/v1/apps?after={}&limit=2>; rel=\"next\"", all[3]),
        ]
    );
    assert_eq!(ids(&body_json(second).await), all[2..4]);

    let third = send_get(&http, &format!("{url}/api/v1/apps?after={}&limit=2", all[3])).await;
    assert_eq!(links(&third), [format!("<{url}/api/v1/apps?after={}&limit=2>; rel=\"self\"", all[3])]);
    assert_eq!(ids(&body_json(third).await), all[4..5]);

    // An unknown cursor is an empty page; limits are capped at 200.
    let unknown = send_get(&http, &format!("{url}/api/v1/apps?after=0oaUnknown")).await;
    assert_eq!(body_json(unknown).await, json!([]));
    let capped = send_get(&http, &format!("{url}/api/v1/apps?limit=500")).await;
    assert_eq!(links(&capped), [format!("<{url}/api/v1/apps?limit=200>; rel=\"self\"")]);
    assert_eq!(ids(&body_json(capped).await), all);

    // The test hook replaces the next link, even on the last page.
    fake.set_next_link(Some("https://elsewhere.example/api/v1/apps?after=x".to_owned()));
    let hooked = send_get(&http, &format!("{url}/api/v1/apps")).await;
    assert_eq!(links(&hooked)[1], "<https://elsewhere.example/api/v1/apps?after=x>; rel=\"next\"");
    fake.set_next_link(None);
    let unhooked = send_get(&http, &format!("{url}/api/v1/apps")).await;
    assert_eq!(links(&unhooked).len(), 1);
    fake.shutdown().await;

    // The default page size comes from the options.
    let fake = FakeOrg::start_with(FakeOptions::default().default_page_size(3)).await.expect("start");
    let url = fake.url();
    for n in 1..=4 {
        fake.insert(bookmark(&format!("App {n}")));
    }
    let page = send_get(&http, &format!("{url}/api/v1/apps?limit=0")).await;
    let page_links = links(&page);
    assert_eq!(page_links[0], format!("<{url}/api/v1/apps?limit=3>; rel=\"self\""));
    assert!(page_links[1].contains("&limit=3>"), "{page_links:?}");
    assert_eq!(body_json(page).await.as_array().map(Vec::len), Some(3));
    fake.shutdown().await;
}

#[tokio::test]
async fn filter_and_q() {
    let (fake, http) = started().await;
    let url = fake.url();
    fake.insert(json!({ "label": "Alpha Wiki", "name": "bookmark", "signOnMode": "BOOKMARK", "status": "ACTIVE" }));
    let beta = fake.insert(json!({
        "label": "beta portal", "name": "oidc_client", "signOnMode": "OPENID_CONNECT", "status": "INACTIVE"
    }));
    fake.insert(json!({
        "label": "Alpine", "name": "template_sps", "signOnMode": "SECURE_PASSWORD_STORE", "status": "INACTIVE"
    }));

    let list = |query: &str| {
        let http = http.clone();
        let target = format!("{url}/api/v1/apps?{query}");
        async move { send_get(&http, &target).await }
    };

    let inactive = list("filter=status%20eq%20%22INACTIVE%22").await;
    assert_eq!(labels(&body_json(inactive).await), ["beta portal", "Alpine"]);
    let active = list("filter=status+eq+%22ACTIVE%22").await;
    assert_eq!(labels(&body_json(active).await), ["Alpha Wiki"]);
    let by_name = list("filter=name%20eq%20%22oidc_client%22").await;
    assert_eq!(labels(&body_json(by_name).await), ["beta portal"]);
    let prefix = list("q=al").await;
    assert_eq!(labels(&body_json(prefix).await), ["Alpha Wiki", "Alpine"]);
    let by_name_prefix = list("q=OIDC").await;
    assert_eq!(labels(&body_json(by_name_prefix).await), ["beta portal"]);
    let no_match = list("q=wiki").await;
    assert_eq!(body_json(no_match).await, json!([]));
    let ignored = list("useOptimization=true&alwaysIncludeVpnSettings=false&includeNonDeleted=true&expand=x").await;
    assert_eq!(ignored.status(), 200);
    assert_eq!(labels(&body_json(ignored).await).len(), 3);

    // The next link carries the filter and q, percent-encoded.
    let paged = list("filter=status%20eq%20%22INACTIVE%22&q=b&limit=1").await;
    assert_eq!(labels(&body_json(paged).await), ["beta portal"]);
    let paged = list("filter=status%20eq%20%22INACTIVE%22&limit=1").await;
    assert_eq!(
        links(&paged)[1],
        format!("<{url}/api/v1/apps?after={beta}&limit=1&filter=status%20eq%20%22INACTIVE%22>; rel=\"next\"")
    );
    let next = list(&format!("after={beta}&limit=1&filter=status%20eq%20%22INACTIVE%22")).await;
    assert_eq!(labels(&body_json(next).await), ["Alpine"]);

    for bad in ["filter=label%20eq%20%22x%22", "filter=status%20eq%20%22DELETED%22", "filter=status%20eq%20ACTIVE"] {
        let response = list(bad).await;
        assert_eq!(response.status(), 400, "{bad}");
        let error = body_json(response).await;
        assert_eq!(error["errorCode"], "E0000031", "{bad}");
        assert_eq!(error["errorSummary"], "Invalid search criteria.");
    }
    let response = list("limit=abc").await;
    assert_eq!(response.status(), 400);
    assert_eq!(body_json(response).await["errorCode"], "E0000001");
    fake.shutdown().await;
}

#[tokio::test]
async fn an_active_app_is_deactivated_before_delete() {
    let (fake, http) = started().await;
    let created = body_json(create(&http, &fake, &bookmark("Wiki")).await).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let app_url = format!("{}/api/v1/apps/{id}", fake.url());

    let refused = send(&http, reqwest::Method::DELETE, &app_url, None).await;
    assert_eq!(refused.status(), 403);
    let error = body_json(refused).await;
    assert_eq!(error["errorCode"], "E0000056");
    assert_eq!(error["errorSummary"], "Delete application forbidden.");
    assert_eq!(error["errorCauses"], json!([{ "errorSummary": "Application must be deactivated before deletion." }]));
    assert!(fake.get(&id).is_some());

    let deactivated = send(&http, reqwest::Method::POST, &format!("{app_url}/lifecycle/deactivate"), None).await;
    assert_eq!(deactivated.status(), 200);
    assert_eq!(deactivated.text().await.expect("body"), "");
    let inactive = fake.get(&id).expect("still stored");
    assert_eq!(inactive["status"], "INACTIVE");
    assert_eq!(inactive["_links"]["activate"]["href"], format!("{app_url}/lifecycle/activate"));
    assert!(inactive["_links"].get("deactivate").is_none());
    assert!(inactive["lastUpdated"].as_str() > created["lastUpdated"].as_str());

    let reactivated = send(&http, reqwest::Method::POST, &format!("{app_url}/lifecycle/activate"), None).await;
    assert_eq!(reactivated.status(), 200);
    assert_eq!(fake.get(&id).expect("stored")["status"], "ACTIVE");
    let deactivated = send(&http, reqwest::Method::POST, &format!("{app_url}/lifecycle/deactivate"), None).await;
    assert_eq!(deactivated.status(), 200);

    let deleted = send(&http, reqwest::Method::DELETE, &app_url, None).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(deleted.text().await.expect("body"), "");
    assert_eq!(fake.get(&id), None);
    assert_eq!(send_get(&http, &app_url).await.status(), 404);
    let gone = send(&http, reqwest::Method::POST, &format!("{app_url}/lifecycle/activate"), None).await;
    assert_eq!(gone.status(), 404);
    fake.shutdown().await;
}

#[tokio::test]
async fn unknown_apps_are_404_and_unknown_routes_405() {
    let (fake, http) = started().await;
    let url = fake.url();
    let response = send_get(&http, &format!("{url}/api/v1/apps/0oaNotThere")).await;
    assert_eq!(response.status(), 404);
    assert_eq!(header(&response, "content-type"), "application/json");
    let error = body_json(response).await;
    assert_eq!(error["errorCode"], "E0000007");
    assert_eq!(error["errorSummary"], "Not found: Resource not found: 0oaNotThere (AppInstance)");
    assert_eq!(error["errorLink"], "E0000007");
    assert_eq!(error["errorCauses"], json!([]));

    // An encoded slash is part of one id, not a path separator.
    fake.insert(json!({ "id": "a/b", "label": "Slashed", "signOnMode": "BOOKMARK" }));
    let slashed = send_get(&http, &format!("{url}/api/v1/apps/a%2Fb")).await;
    assert_eq!(slashed.status(), 200);
    assert_eq!(body_json(slashed).await["label"], "Slashed");
    let deactivated =
        send(&http, reqwest::Method::POST, &format!("{url}/api/v1/apps/a%2Fb/lifecycle/deactivate"), None).await;
    assert_eq!(deactivated.status(), 200);
    assert_eq!(fake.get("a/b").expect("stored")["status"], "INACTIVE");
    assert_eq!(fake.requests().last().expect("request").path, "/api/v1/apps/a%2Fb/lifecycle/deactivate");
    let dotted = send_get(&http, &format!("{url}/api/v1/apps/..%2Fx")).await;
    assert_eq!(dotted.status(), 404);
    assert_eq!(body_json(dotted).await["errorSummary"], "Not found: Resource not found: ../x (AppInstance)");

    // A route Okta does not have, or a method it does not have there: 405 (E0000022).
    for (method, path) in [("GET", "/api/v1/zones"), ("GET", "/api/v1/apps/a/b"), ("PATCH", "/api/v1/apps")] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = send(&http, method.clone(), &format!("{url}{path}"), None).await;
        assert_eq!(response.status(), 405, "{method} {path}");
        let error = body_json(response).await;
        assert_eq!(error["errorCode"], "E0000022", "{method} {path}");
        assert_eq!(error["errorSummary"], "The endpoint does not support the provided HTTP method");
    }
    fake.shutdown().await;
}

#[tokio::test]
async fn injected_rate_limits() {
    let (fake, http) = started().await;
    let url = format!("{}/api/v1/apps", fake.url());

    let before = send_get(&http, &url).await;
    assert_eq!(header(&before, "x-rate-limit-limit"), "10000");
    let remaining_before: u64 = header(&before, "x-rate-limit-remaining").parse().expect("number");
    let reset: u64 = header(&before, "x-rate-limit-reset").parse().expect("number");
    assert!(remaining_before < 10_000);
    assert!(reset >= epoch_secs() && reset <= epoch_secs() + 61, "{reset}");

    fake.rate_limit_next(2, Duration::from_millis(29_500));
    for _ in 0..2 {
        let limited = send_get(&http, &url).await;
        let now = epoch_secs();
        assert_eq!(limited.status(), 429);
        assert_eq!(header(&limited, "x-rate-limit-remaining"), "0");
        assert_eq!(header(&limited, "x-rate-limit-limit"), "10000");
        assert!(header(&limited, "x-okta-request-id").starts_with("fake-"));
        let reset: u64 = header(&limited, "x-rate-limit-reset").parse().expect("number");
        assert!(reset >= now + 29 && reset <= now + 31, "{reset} vs {now}");
        let error = body_json(limited).await;
        assert_eq!(error["errorCode"], "E0000047");
        assert_eq!(error["errorSummary"], "API call exceeded rate limit due to too many requests.");
    }

    let after = send_get(&http, &url).await;
    assert_eq!(after.status(), 200);
    let remaining_after: u64 = header(&after, "x-rate-limit-remaining").parse().expect("number");
    assert!(remaining_after < remaining_before);
    assert_ne!(header(&after, "x-okta-request-id"), header(&before, "x-okta-request-id"));
    assert_eq!(fake.requests().len(), 4);
    fake.shutdown().await;
}

#[tokio::test]
async fn replace_keeps_server_fields_and_unknown_ones() {
    let (fake, http) = started().await;
    let mut body = bookmark("Wiki");
    body["newField"] = json!(1);
    let created = body_json(create(&http, &fake, &body).await).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let app_url = format!("{}/api/v1/apps/{id}", fake.url());

    let mut changed = created.clone();
    changed["label"] = json!("Renamed");
    changed["id"] = json!("0oaSomethingElse000");
    changed["created"] = json!("2000-01-01T00:00:00.000Z");
    changed["lastUpdated"] = json!("2000-01-01T00:00:00.000Z");
    changed["status"] = json!("INACTIVE");
    changed["name"] = json!("renamed");
    changed["_links"] = json!({});
    changed["unknownTop"] = json!({ "nested": [true, null] });
    changed.as_object_mut().expect("object").remove("newField");
    let response = send(&http, reqwest::Method::PUT, &app_url, Some(&changed)).await;
    assert_eq!(response.status(), 200);
    let replaced = body_json(response).await;
    for kept in ["id", "created", "status", "name", "_links"] {
        assert_eq!(replaced[kept], created[kept], "{kept}");
    }
    assert_eq!(replaced["label"], "Renamed");
    assert_eq!(replaced["unknownTop"], json!({ "nested": [true, null] }));
    assert!(replaced.get("newField").is_none());
    assert!(replaced["lastUpdated"].as_str() > created["lastUpdated"].as_str(), "{replaced}");
    assert_eq!(fake.get(&id), Some(replaced.clone()));

    // Twice in the same millisecond still moves lastUpdated forward.
    let again = send(&http, reqwest::Method::PUT, &app_url, Some(&changed)).await;
    assert!(body_json(again).await["lastUpdated"].as_str() > replaced["lastUpdated"].as_str());

    let unknown =
        send(&http, reqwest::Method::PUT, &format!("{}/api/v1/apps/0oaNotThere", fake.url()), Some(&changed)).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(body_json(unknown).await["errorCode"], "E0000007");

    changed["label"] = json!("");
    let invalid = send(&http, reqwest::Method::PUT, &app_url, Some(&changed)).await;
    assert_eq!(invalid.status(), 400);
    let error = body_json(invalid).await;
    assert_eq!(error["errorCode"], "E0000001");
    assert_eq!(error["errorCauses"], json!([{ "errorSummary": "label: The field cannot be left blank" }]));
    fake.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let fake = FakeOrg::start().await.expect("start");
    let url = format!("{}/api/v1/apps", fake.url());
    let http = client();
    assert_eq!(send_get(&http, &url).await.status(), 200);
    fake.shutdown().await;
    let fresh = client();
    assert!(fresh.get(&url).header("Authorization", AUTH).send().await.is_err());
}

/// The top-level member names of a JSON object, in the order they were written.
fn member_order(text: &str) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'de> serde::de::Visitor<'de> for Names {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<Vec<String>, A::Error> {
            while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                self.0.push(key);
            }
            Ok(self.0)
        }
    }
    serde::Deserializer::deserialize_map(&mut serde_json::Deserializer::from_str(text), Names(Vec::new()))
        .unwrap_or_else(|e| panic!("not an object ({e}): {text}"))
}

#[tokio::test]
async fn apps_are_written_in_oktas_member_order() {
    let (fake, http) = started().await;
    let mut app = bookmark("Ordered");
    app["zzFuture"] = json!(true);
    let id = fake.insert(app);
    let expected = ["id", "label", "status", "lastUpdated", "created", "signOnMode", "settings", "zzFuture", "_links"];

    let one = send_get(&http, &format!("{}/api/v1/apps/{id}", fake.url())).await.text().await.expect("body");
    assert_eq!(member_order(&one), expected, "{one}");
    let list = send_get(&http, &format!("{}/api/v1/apps", fake.url())).await.text().await.expect("body");
    let first =
        serde_json::from_str::<Vec<Box<serde_json::value::RawValue>>>(&list).expect("a list")[0].get().to_owned();
    assert_eq!(member_order(&first), expected, "{first}");
    fake.shutdown().await;
}
