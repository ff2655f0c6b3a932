//! The `okta-fake` binary as users run it: its first line, its token, its
//! state file across restarts, an export folder as its seed.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// A running `okta-fake` and the URL it printed.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_okta-fake"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("okta-fake starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).expect("a first line");
        let url = first.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
        Server { child, url }
    }

    /// Stops it as a service manager does (SIGTERM) and waits for it.
    fn stop(mut self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("exits");
        assert!(exit.success(), "{exit:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okta-fake-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    dir
}

async fn call(url: &str, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{url}{path}"))
        .header("authorization", format!("SSWS {token}"))
        .header("accept", "application/json");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("answer");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON") })
}

fn state_path(dir: &Path) -> String {
    dir.join("org.json").to_str().expect("UTF-8").to_owned()
}

#[tokio::test]
async fn it_prints_its_url_accepts_only_its_token_and_keeps_its_state_across_restarts() {
    let dir = folder("state");
    let state = state_path(&dir);
    let server = Server::start(&["--api-token", "s3cret-token", "--state", &state]);
    let (status, error) = call(&server.url, "another", reqwest::Method::GET, "/api/v1/apps", None).await;
    assert_eq!((status, error["errorCode"].as_str()), (401, Some("E0000011")));
    let bookmark = json!({
        "name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK",
        "settings": { "app": { "url": "https://wiki.example.com" } }, "newMember": { "kept": true }
    });
    let (status, created) =
        call(&server.url, "s3cret-token", reqwest::Method::POST, "/api/v1/apps", Some(bookmark)).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    server.stop();
    assert!(std::fs::read_to_string(&state).expect("saved on shutdown").contains(&id));
    let orn = created["orn"].clone();

    let server = Server::start(&["--api-token", "s3cret-token", "--state", &state]);
    let (status, app) =
        call(&server.url, "s3cret-token", reqwest::Method::GET, &format!("/api/v1/apps/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!((app["label"].as_str(), &app["newMember"]), (Some("Wiki"), &json!({ "kept": true })));
    assert_eq!(app["orn"], orn, "the same org: its id in every app's orn");
    let (_, again) = call(&server.url, "s3cret-token", reqwest::Method::POST, "/api/v1/apps", Some(json!({
        "name": "bookmark", "label": "Docs", "signOnMode": "BOOKMARK", "settings": { "app": { "url": "https://docs.example.com" } }
    }))).await;
    let org_of = |orn: &Value| orn.as_str().and_then(|o| o.split(':').nth(3)).map(str::to_owned);
    assert_eq!(org_of(&again["orn"]), org_of(&orn));
    let href = app["_links"]["users"]["href"].as_str().unwrap_or_default();
    assert!(href.starts_with(&format!("{}/api/v1/apps/", server.url)), "links follow the new origin: {href}");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_export_folder_seeds_its_apps_assignments_and_groups() {
    let dir = folder("seed");
    std::fs::create_dir_all(dir.join("apps")).expect("apps");
    std::fs::write(
        dir.join("apps").join("portal-0oaportal.yaml"),
        "id: 0oaportal\nname: oidc_client\nlabel: Portal\nsignOnMode: OPENID_CONNECT\nstatus: INACTIVE\n\
         credentials:\n  oauthClient:\n    client_id: 0oaportal\n    client_secret: (keep)\n\
         _assignments:\n  groups:\n  - id: 00gstaff\n    name: Staff\n    priority: 0\n",
    )
    .expect("file");
    let server = Server::start(&["--seed", dir.to_str().expect("UTF-8")]);
    let token = okta_fake::DEFAULT_API_TOKEN;
    let (status, app) = call(&server.url, token, reqwest::Method::GET, "/api/v1/apps/0oaportal", None).await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(app["status"], "INACTIVE");
    let secret = app["credentials"]["oauthClient"]["client_secret"].as_str().expect("a secret");
    assert!(secret != "(keep)" && secret.len() >= 32, "a marker becomes a generated secret");
    let path = "/api/v1/apps/0oaportal/groups?expand=group";
    let (status, groups) = call(&server.url, token, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200);
    assert_eq!(groups[0]["id"], "00gstaff");
    assert_eq!(groups[0]["_embedded"]["group"]["profile"]["name"], "Staff");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn service_apps_get_access_tokens_for_their_scopes() {
    use okta_client::jose::{PrivateKey, unix_now};

    let dir = folder("service");
    let key = PrivateKey::generate_es256().expect("a key");
    let jwk = dir.join("service.jwk.json");
    std::fs::write(&jwk, key.public_jwk().to_string()).expect("key file");
    let registered = format!("0oaservice={}", jwk.to_str().expect("UTF-8"));
    let server = Server::start(&["--service-app", &registered, "--service-app-scopes", "okta.apps.read"]);
    let token_url = format!("{}/oauth2/v1/token", server.url);
    let claims = json!({ "iss": "0oaservice", "sub": "0oaservice", "aud": token_url,
        "exp": unix_now() + 300, "jti": format!("jti-{}", std::process::id()) });
    let assertion = key.sign(json!({ "typ": "JWT" }), &claims).expect("signed");
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("scope", "okta.apps.read")
        .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .append_pair("client_assertion", &assertion)
        .finish();
    let issued = reqwest::Client::new()
        .post(&token_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("token answer");
    assert_eq!(issued.status(), 200);
    let issued: Value = issued.json().await.expect("JSON");
    let access_token = issued["access_token"].as_str().expect("an access token").to_owned();
    let bearer = |method: reqwest::Method, path: &str| {
        reqwest::Client::new()
            .request(method, format!("{}{path}", server.url))
            .header("authorization", format!("Bearer {access_token}"))
    };
    assert_eq!(bearer(reqwest::Method::GET, "/api/v1/apps").send().await.expect("answer").status(), 200);
    let refused =
        bearer(reqwest::Method::POST, "/api/v1/apps").json(&json!({ "label": "x", "signOnMode": "BOOKMARK" }));
    assert_eq!(refused.send().await.expect("answer").status(), 403, "okta.apps.manage was not granted");
    server.stop();

    let bad = Command::new(env!("CARGO_BIN_EXE_okta-fake"))
        .args(["--service-app", "0oaservice"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("CLIENT_ID=KEY_FILE"));
    let _ = std::fs::remove_dir_all(&dir);
}
