//! The built `okta-apps` binary over HTTP against the fake org, as users run
//! it: its files, its output and its exit codes.

use std::path::{Path, PathBuf};
use std::process::Output;

use okta_fake::{FakeOrg, covers};
use serde_json::{Value, json};

/// Runs the binary against `fake` with `args`.
fn run(fake: &FakeOrg, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_okta-apps"))
        .args(args)
        .env("OKTA_ORG_URL", fake.url())
        .env("OKTA_API_TOKEN", fake.api_token())
        .env_remove("OKTA_CLIENT_ID")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

/// A folder of its own for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okta-apps-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The files under `dir/apps`, by name, with their text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir.join("apps"))
        .expect("apps folder")
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).expect("read")))
        .collect();
    out.sort();
    out
}

/// An org with apps of every sign-on mode (and one this crate does not know)
/// and several OIN apps, unknown members included, as real orgs answer them.
fn seed(fake: &FakeOrg) -> (String, String) {
    let wiki = fake.insert(json!({
        "name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK", "status": "ACTIVE",
        "visibility": { "autoSubmitToolbar": false, "hide": { "iOS": false, "web": false }, "appLinks": { "login": true } },
        "settings": { "app": { "url": "https://wiki.example.com", "requestIntegration": false }, "notes": { "admin": null, "enduser": null } },
        "accessibility": { "selfService": false },
        "newMemberOktaAddedLastRelease": { "enabled": true, "weight": 1.5 }
    }));
    let portal = fake.insert(json!({
        "name": "oidc_client", "label": "Portal", "signOnMode": "OPENID_CONNECT",
        "credentials": { "oauthClient": { "client_id": "0oaportal", "client_secret": "portal-secret-value-1234", "token_endpoint_auth_method": "client_secret_basic" } },
        "settings": { "oauthClient": { "redirect_uris": ["https://portal.example.com/cb"], "grant_types": ["authorization_code"], "response_types": ["code"], "application_type": "web" } }
    }));
    fake.insert(json!({
        "name": "google", "label": "Google Workspace", "signOnMode": "SAML_2_0",
        "settings": { "app": { "domain": "example.com", "afwOnly": false } }
    }));
    fake.insert(json!({
        "name": "template_swa", "label": "Legacy SWA", "signOnMode": "BROWSER_PLUGIN",
        "settings": { "app": { "buttonField": "btn", "passwordField": "pw", "usernameField": "user", "url": "https://legacy.example.com" } }
    }));
    fake.insert(json!({ "name": "active_directory", "label": "example.com", "signOnMode": null, "status": "ACTIVE" }));
    fake.insert(json!({ "name": "saasure", "label": "Okta Admin Console", "signOnMode": "OPENID_CONNECT" }));
    // Every other sign-on mode, a mode this crate does not know, and more OIN apps.
    let others = [
        json!({
            "name": "example_timesheets_1", "label": "Timesheets", "signOnMode": "AUTO_LOGIN",
            "credentials": { "scheme": "EDIT_USERNAME_AND_PASSWORD", "userNameTemplate": { "template": "${source.login}", "type": "BUILT_IN" } },
            "settings": { "signOn": { "loginUrl": "https://time.example.com/login", "redirectUrl": null } }
        }),
        json!({
            "name": "template_basic_auth", "label": "Intranet", "signOnMode": "BASIC_AUTH",
            "settings": { "app": { "url": "https://intranet.example.com", "authURL": "https://intranet.example.com/auth" } }
        }),
        json!({
            "name": "example_sp_2", "label": "Legacy SP", "signOnMode": "SAML_1_1",
            "settings": { "signOn": { "defaultRelayState": "", "ssoAcsUrl": "https://sp.example.com/acs" } }
        }),
        json!({
            "name": "template_sps", "label": "Vendor Portal", "signOnMode": "SECURE_PASSWORD_STORE",
            "credentials": { "scheme": "EDIT_USERNAME_AND_PASSWORD", "password": { "value": "sps-password-value-5678" } },
            "settings": { "app": { "url": "https://vendor.example.com", "usernameField": "u", "passwordField": "p", "optionalField1": null } }
        }),
        json!({
            "name": "template_wsfed", "label": "SharePoint Farm", "signOnMode": "WS_FEDERATION",
            "settings": { "app": { "realm": "urn:farm", "wReplyURL": "https://farm.example.com/_trust/", "siteURL": "https://farm.example.com" } }
        }),
        json!({
            "name": "example_future_3", "label": "Future Login", "signOnMode": "PASSKEY_FEDERATION",
            "settings": { "passkey": { "rpId": "future.example.com" } }
        }),
        json!({
            "name": "office365", "label": "Microsoft 365", "signOnMode": "BROWSER_PLUGIN",
            "settings": { "app": { "domain": "example.onmicrosoft.com", "msftTenant": "example" } }
        }),
        json!({
            "name": "salesforce", "label": "Salesforce", "signOnMode": "SAML_2_0",
            "settings": { "app": { "instanceType": "PRODUCTION", "integrationType": "STANDARD" } }
        }),
    ];
    for app in others {
        fake.insert(app);
    }
    for i in 0..300 {
        fake.insert(json!({
            "name": "bookmark", "label": format!("Link {i:03}"), "signOnMode": "BOOKMARK",
            "settings": { "app": { "url": format!("https://l{i}.example.com"), "requestIntegration": false } }
        }));
    }
    (wiki, portal)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_plan_edit_apply_and_plan_again() {
    let fake = FakeOrg::start().await.expect("fake org");
    let (wiki, portal) = seed(&fake);
    let apps = fake.apps().len();
    assert!(apps > 300, "a few hundred apps: {apps}");
    let dir = folder("round");
    let dir_arg = dir.to_str().expect("UTF-8 path");

    let out = run(&fake, &["export", "--dir", dir_arg]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "progress goes to stderr");
    let first = files(&dir);
    assert_eq!(first.len(), apps, "one file per app");
    // The fewest requests: two pages of 200 for the listing, one per app for its assignments.
    let api = |fake: &FakeOrg| fake.requests().iter().filter(|r| r.path.starts_with("/api/")).count();
    assert_eq!(api(&fake), 2 + apps);
    let all: String = first.iter().map(|(_, t)| t.as_str()).collect();
    assert!(!all.contains("portal-secret-value-1234"), "a secret was written");
    assert!(!all.contains("sps-password-value-5678"), "a password was written");
    assert!(
        all.contains("PASSKEY_FEDERATION") && all.contains("rpId"),
        "an app of an unknown sign-on mode is exported whole"
    );
    assert!(!all.contains("lastUpdated:") && !all.contains("_links:"), "read-only members are left out");
    assert!(all.contains("newMemberOktaAddedLastRelease"), "unknown members are kept");
    let wiki_file = first.iter().find(|(n, _)| n == &format!("wiki-{wiki}.yaml")).expect("stable readable name");
    assert!(wiki_file.1.contains("https://wiki.example.com"));
    let admin = first.iter().find(|(n, _)| n.starts_with("okta-admin-console")).expect("Okta's own app");
    assert!(admin.1.contains("_readOnly: true"), "{}", admin.1);

    // The same org exported twice: the same bytes.
    assert_eq!(code(&run(&fake, &["export", "--dir", dir_arg])), 0);
    assert_eq!(files(&dir), first);

    // Exporting then planning shows no change, on every app.
    let before = api(&fake);
    let out = run(&fake, &["plan", "--dir", dir_arg, "--json", "--detailed-exitcode"]);
    assert_eq!(api(&fake) - before, 2 + apps, "plan: the listing and each app's assignments");
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).expect("JSON plan");
    assert_eq!(plan, json!({ "changes": [] }));

    // One member edited, one deleted from the file, in two files.
    let wiki_path = dir.join("apps").join(&wiki_file.0);
    let edited = wiki_file.1.replace("https://wiki.example.com", "https://docs.example.com");
    let edited: String =
        edited.lines().filter(|l| !l.contains("requestIntegration")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&wiki_path, edited).expect("edit");
    let portal_path = dir.join("apps").join(format!("portal-{portal}.yaml"));
    let portal_text = std::fs::read_to_string(&portal_path).expect("portal file");
    std::fs::write(
        &portal_path,
        portal_text.replace("- authorization_code", "- authorization_code\n    - refresh_token"),
    )
    .expect("edit");
    let before_wiki = fake.get(&wiki).expect("wiki");
    let before_portal = fake.get(&portal).expect("portal");

    let out = run(&fake, &["plan", "--dir", dir_arg, "--json", "--detailed-exitcode"]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).expect("JSON plan");
    assert_eq!(
        plan,
        json!({ "changes": [
            { "id": portal, "label": "Portal", "action": "update", "members": ["settings.oauthClient.grant_types"] },
            { "id": wiki, "label": "Wiki", "action": "update", "members": ["settings.app.url"] },
        ] }),
        "exactly the edited members, in file order: the deleted one is not managed"
    );
    let human = run(&fake, &["plan", "--dir", dir_arg]);
    let shown = text(&human.stdout);
    assert!(
        shown.contains("settings.app.url: \"https://wiki.example.com\" -> \"https://docs.example.com\""),
        "{shown}"
    );

    // Without a terminal and without --yes, nothing is applied.
    let out = run(&fake, &["apply", "--dir", dir_arg]);
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("--yes"), "{}", text(&out.stderr));
    assert_eq!(fake.get(&wiki), Some(before_wiki.clone()));

    let out = run(&fake, &["apply", "--dir", dir_arg, "--yes"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = run(&fake, &["plan", "--dir", dir_arg, "--detailed-exitcode"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));

    // Only the edited member changed; the unmanaged one and the secret stayed.
    let after_wiki = fake.get(&wiki).expect("wiki");
    assert_eq!(after_wiki["settings"]["app"]["url"], "https://docs.example.com");
    assert_eq!(after_wiki["settings"]["app"]["requestIntegration"], false, "a member left out of a file stays");
    let mut expected = before_wiki.clone();
    expected["settings"]["app"]["url"] = json!("https://docs.example.com");
    expected.as_object_mut().expect("object").remove("lastUpdated");
    let mut after = after_wiki.clone();
    after.as_object_mut().expect("object").remove("lastUpdated");
    // A replacement may gain what Okta fills in; nothing the app had changes.
    assert!(covers(&after, &expected), "{after:#}\nlacks or changes some of\n{expected:#}");
    let after_portal = fake.get(&portal).expect("portal");
    assert_eq!(after_portal["credentials"]["oauthClient"]["client_secret"], "portal-secret-value-1234");
    assert_eq!(after_portal["settings"]["oauthClient"]["grant_types"], json!(["authorization_code", "refresh_token"]));
    assert!(covers(&after_portal["credentials"], &before_portal["credentials"]), "{}", after_portal["credentials"]);
    let _ = std::fs::remove_dir_all(&dir);
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_deletes_only_with_its_flag_and_new_files_create() {
    let fake = FakeOrg::start().await.expect("fake org");
    let (wiki, _) = seed(&fake);
    let dir = folder("prune");
    let dir_arg = dir.to_str().expect("UTF-8 path");
    assert_eq!(code(&run(&fake, &["export", "--dir", dir_arg])), 0);
    std::fs::remove_file(dir.join("apps").join(format!("wiki-{wiki}.yaml"))).expect("remove");
    std::fs::write(
        dir.join("apps").join("new-docs.yaml"),
        "name: bookmark\nlabel: Docs\nsignOnMode: BOOKMARK\nsettings:\n  app:\n    url: https://docs.example.com\n",
    )
    .expect("new file");

    let out = run(&fake, &["plan", "--dir", dir_arg, "--json"]);
    assert_eq!(code(&out), 0, "without --detailed-exitcode changes still exit 0");
    let plan: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(plan, json!({ "changes": [{ "id": null, "label": "Docs", "action": "create", "members": [] }] }));

    let out = run(&fake, &["plan", "--dir", dir_arg, "--json", "--prune"]);
    let plan: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let actions: Vec<(&str, &str)> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| (c["label"].as_str().unwrap_or(""), c["action"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(actions, [("Docs", "create"), ("Wiki", "delete")]);

    let out = run(&fake, &["apply", "--dir", dir_arg, "--yes"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(fake.get(&wiki).is_some(), "no prune, no delete");
    let docs: Vec<Value> = fake.apps().into_iter().filter(|a| a["label"] == "Docs").collect();
    assert_eq!(docs.len(), 1, "created once");
    let docs_id = docs[0]["id"].as_str().expect("id").to_owned();
    let file = std::fs::read_to_string(dir.join("apps").join("new-docs.yaml")).expect("file");
    assert!(file.contains(&docs_id), "the new id is written into its file: {file}");

    let out = run(&fake, &["apply", "--dir", dir_arg, "--yes", "--prune"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(fake.get(&wiki).is_none(), "pruned");
    assert!(fake.get(&docs_id).is_some(), "not created twice, not pruned");
    assert_eq!(code(&run(&fake, &["plan", "--dir", dir_arg, "--prune", "--detailed-exitcode"])), 0);
    let _ = std::fs::remove_dir_all(&dir);
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_exit_1_and_name_the_problem() {
    let fake = FakeOrg::start().await.expect("fake org");
    let dir = folder("errors");
    let out = run(&fake, &["plan", "--dir", dir.to_str().expect("UTF-8"), "--detailed-exitcode"]);
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("apps"), "{}", text(&out.stderr));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-apps"))
        .args(["export", "--dir", "x"])
        .env_remove("OKTA_ORG_URL")
        .output()
        .expect("runs");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("OKTA_ORG_URL"), "{}", text(&out.stderr));
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_org_ignores_is_reported_and_a_429_waits() {
    let fake = FakeOrg::start().await.expect("fake org");
    let (wiki, _) = seed(&fake);
    let dir = folder("ignored");
    let dir_arg = dir.to_str().expect("UTF-8 path");
    // The first request gets a 429: export waits for the reset and goes on.
    fake.rate_limit_next(1, std::time::Duration::from_millis(500));
    let out = run(&fake, &["export", "--dir", dir_arg]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(files(&dir).len(), fake.apps().len());

    // Okta keeps an app's `name`: a file that changes it is applied, read
    // back, and the member the org did not keep is reported.
    let path = dir.join("apps").join(format!("wiki-{wiki}.yaml"));
    let file = std::fs::read_to_string(&path).expect("file");
    std::fs::write(&path, file.replace("name: bookmark", "name: bookmark_renamed")).expect("edit");
    let out = run(&fake, &["apply", "--dir", dir_arg, "--yes"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("did not keep name"), "{err}");
    assert_eq!(fake.get(&wiki).expect("wiki")["name"], "bookmark");
    let _ = std::fs::remove_dir_all(&dir);
    fake.shutdown().await;
}

/// A client of the fake, to set the org up as a test needs it.
fn client(fake: &FakeOrg) -> okta_apps::Client {
    okta_apps::Client::builder(fake.url()).api_token(fake.api_token()).build().expect("client")
}

/// The ids of the groups assigned to app `id`, in the org's order.
async fn assigned(fake: &FakeOrg, id: &str) -> Vec<String> {
    use futures_util::TryStreamExt as _;
    let found: Vec<_> =
        client(fake).list_application_group_assignments(id).stream().try_collect().await.expect("assignments");
    found.into_iter().filter_map(|a| a.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_assignments_are_exported_with_their_names_and_applied() {
    let fake = FakeOrg::start().await.expect("fake org");
    let (wiki, _) = seed(&fake);
    let group = |name: &str| fake.insert_group(json!({ "profile": { "name": name, "description": null } }));
    let (engineering, sales, support) = (group("Engineering"), group("Sales"), group("Support"));
    let okta = client(&fake);
    for g in [&engineering, &sales] {
        let body = okta_apps::models::ApplicationGroupAssignment::default();
        okta.assign_group_to_application(&wiki, g).body(body).send().await.expect("assign");
    }
    let dir = folder("groups");
    let dir_arg = dir.to_str().expect("UTF-8 path");
    let out = run(&fake, &["export", "--dir", dir_arg]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));

    let path = dir.join("apps").join(format!("wiki-{wiki}.yaml"));
    let mut file: Value = yaml_serde::from_str(&std::fs::read_to_string(&path).expect("file")).expect("YAML");
    assert_eq!(
        file["_assignments"],
        json!({ "groups": [
            { "id": engineering, "name": "Engineering", "priority": 0 },
            { "id": sales, "name": "Sales", "priority": 1 },
        ] })
    );
    let out = run(&fake, &["plan", "--dir", dir_arg, "--json", "--detailed-exitcode"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));

    // Sales out, Support in: the name is for the reader, the id counts.
    file["_assignments"]["groups"] = json!([
        { "id": engineering, "name": "Engineering (renamed in the file only)", "priority": 0 },
        { "id": support },
    ]);
    std::fs::write(&path, yaml_serde::to_string(&file).expect("YAML")).expect("write");
    let out = run(&fake, &["plan", "--dir", dir_arg, "--json"]);
    let plan: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        plan,
        json!({ "changes": [{
            "id": wiki, "label": "Wiki", "action": "assign",
            "members": [format!("groups.{support}"), format!("groups.{sales}")],
        }] })
    );
    let human = text(&run(&fake, &["plan", "--dir", dir_arg]).stdout);
    assert!(human.contains(&format!("+ group {support}\n")), "{human}");
    assert!(human.contains(&format!("- group {sales} (Sales)")), "{human}");

    let out = run(&fake, &["apply", "--dir", dir_arg, "--yes"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(assigned(&fake, &wiki).await, [engineering.clone(), support.clone()]);
    let out = run(&fake, &["plan", "--dir", dir_arg, "--detailed-exitcode"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_and_plan_keep_to_their_share_of_the_rate_limit_and_say_when_they_wait() {
    let fake = FakeOrg::start().await.expect("fake org");
    for i in 0..40 {
        fake.insert(json!({
            "name": "bookmark", "label": format!("Link {i:02}"), "signOnMode": "BOOKMARK",
            "settings": { "app": { "url": format!("https://l{i}.example.com") } }
        }));
    }
    // Twenty requests a second; half of them are the command's.
    fake.set_rate_limit(20, std::time::Duration::from_secs(1));
    let dir = folder("budget");
    let dir_arg = dir.to_str().expect("UTF-8 path");
    let out = run(&fake, &["export", "--dir", dir_arg, "--concurrency", "4"]);
    let stderr = text(&out.stderr);
    assert_eq!(code(&out), 0, "{stderr}");
    assert_eq!(files(&dir).len(), 40);
    assert_eq!(fake.over_limit(), 0, "never refused: {stderr}");
    assert!(stderr.contains("for the rate limit of /api/v1/apps/{appId}/groups"), "{stderr}");
    assert!(stderr.contains("reading assignments: 40/40 apps"), "plain progress lines: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "no decoration off a terminal: {stderr:?}");

    // With --json nothing but the document: no progress at all.
    let out = run(&fake, &["plan", "--dir", dir_arg, "--json", "--max-api-capacity", "100"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).expect("JSON"), json!({ "changes": [] }));

    // A share out of range is a usage error: exit 1, never 2 ("changes").
    let out = run(&fake, &["plan", "--dir", dir_arg, "--detailed-exitcode", "--max-api-capacity", "0"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("max-api-capacity"), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    fake.shutdown().await;
}
