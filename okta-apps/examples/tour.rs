//! A tour of the client: creates a bookmark app, a Google Workspace app and a
//! service (OIDC) app; lists, reads, replaces (keeping fields the model does
//! not know); assigns a group and a user; generates a signing key and rotates
//! the workspace onto it; creates a client secret; then deactivates and
//! deletes the apps.
//!
//! Runs against a built-in fake org by default:
//!     cargo run -p okta-apps --example tour
//! and against a real org when `OKTA_ORG_URL` is set, with either
//! `OKTA_API_TOKEN`, or `OKTA_CLIENT_ID` and `OKTA_PRIVATE_KEY` (the path of
//! a service app's private key, PEM or JWK; OAuth 2.0 with DPoP when the app
//! needs it). With `OKTA_CLIENT_ID` and `OKTA_PRIVATE_KEY` but no org URL, the
//! fake org registers that service app, requires DPoP of it, and the tour
//! runs on OAuth against it.
//!
//! On a real org, the assignments use `OKTA_TOUR_USER_ID` and
//! `OKTA_TOUR_GROUP_ID` (skipped when unset); the fake takes any ids.

use futures_util::TryStreamExt;
use okta_apps::client::PrivateKey;
use okta_apps::models::{
    AppUser, AppUserAssignRequest, Application, ApplicationGroupAssignment, ApplicationSignOnMode, BookmarkApplication,
    BookmarkApplicationSettings, BookmarkApplicationSettingsApplication, GoogleApplication, GoogleApplicationSettings,
    GoogleApplicationSettingsApplication, OpenIdConnectApplication,
};
use okta_apps::operations as ops;
use okta_apps::runtime::Operation as _;
use okta_apps::{Client, Secret};
use okta_fake::{FakeOrg, FakeServiceApp};

/// What the tour's calls need of a service app's token: each operation's scopes.
const TOUR_SCOPES: &[&[&str]] = &[
    ops::CreateApplication::SCOPES,
    ops::ListApplications::SCOPES,
    ops::AssignGroupToApplication::SCOPES,
    ops::AssignUserToApplication::SCOPES,
    ops::ListApplicationUsers::SCOPES,
];

fn status(app: &Application) -> String {
    app.status().map(ToString::to_string).unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let service_app = var("OKTA_CLIENT_ID").zip(var("OKTA_PRIVATE_KEY"));
    let (client, fake) = match (var("OKTA_ORG_URL"), var("OKTA_API_TOKEN"), service_app) {
        (Some(url), Some(token), _) => {
            println!("using the org at {url}, with an API token");
            (Client::builder(url).api_token(Secret::from(token)).build()?, None)
        }
        (Some(url), None, Some((client_id, key))) => {
            println!("using the org at {url}, as service app {client_id}");
            let client = Client::builder(url)
                .private_key(client_id, PrivateKey::from_file(key)?)
                .scopes(TOUR_SCOPES.iter().flat_map(|scopes| scopes.iter().copied()))
                .build()?;
            (client, None)
        }
        (Some(_), None, None) => {
            return Err("OKTA_ORG_URL needs OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY".into());
        }
        (None, _, Some((client_id, key))) => {
            let fake = FakeOrg::start().await?;
            let key = PrivateKey::from_file(key)?;
            let scopes = okta_apps::operations::SCOPES.iter().copied();
            fake.register_service_app(FakeServiceApp::new(&client_id, key.public_jwk(), scopes).require_dpop());
            println!("using a fake org at {}, as service app {client_id} with DPoP", fake.url());
            let client = Client::builder(fake.url())
                .private_key(client_id, key)
                .scopes(TOUR_SCOPES.iter().flat_map(|scopes| scopes.iter().copied()))
                .build()?;
            (client, Some(fake))
        }
        (None, _, None) => {
            let fake = FakeOrg::start().await?;
            println!("using a fake org at {}", fake.url());
            (Client::builder(fake.url()).api_token(fake.api_token()).build()?, Some(fake))
        }
    };

    let settings = BookmarkApplicationSettings {
        app: Some(BookmarkApplicationSettingsApplication::new("https://wiki.example.com")),
        ..Default::default()
    };
    let bookmark = client
        .create_application(BookmarkApplication::new("okta-apps tour: wiki", settings))
        .send()
        .await?
        .into_value();
    let bookmark_id = bookmark.id().unwrap_or_default().to_owned();
    println!("createApplication: {} {bookmark_id} ({})", bookmark.label().unwrap_or("?"), status(&bookmark));

    let google = GoogleApplication::new(
        "okta-apps tour: workspace",
        ApplicationSignOnMode::Saml20,
        GoogleApplicationSettings::new(GoogleApplicationSettingsApplication::new("example.com")),
    );
    let google = client.create_application(google).activate(false).send().await?.into_value();
    let google_id = google.id().unwrap_or_default().to_owned();
    println!("createApplication: {} {google_id} ({})", google.label().unwrap_or("?"), status(&google));

    let apps: Vec<Application> = client.list_applications().q("okta-apps tour").limit(1).stream().try_collect().await?;
    println!("listApplications: {} apps, one per page", apps.len());
    for app in &apps {
        let mode = app.sign_on_mode().map(ToString::to_string).unwrap_or_default();
        println!("  - {mode} {}", app.label().unwrap_or("?"));
    }

    let fetched = client.get_application(&bookmark_id).send().await?.into_value();
    println!("getApplication: {bookmark_id} is {}", status(&fetched));

    // Read, change one field, write back: everything else travels as it came.
    let mut app = fetched;
    if let Application::Bookmark(bookmark) = &mut app {
        bookmark.label = Some("okta-apps tour: team wiki".to_owned());
        bookmark.additional_properties.insert("tourNote".to_owned(), serde_json::json!({"kept": true}));
    }
    let replaced = client.replace_application(&bookmark_id, app).send().await?.into_value();
    println!("replaceApplication: label is now {}", replaced.label().unwrap_or("?"));

    // Who may use the wiki: a group, first by priority, and one user without a profile.
    let on_fake = fake.is_some();
    let pick = |name: &str, fake_id: &str| var(name).or_else(|| on_fake.then(|| fake_id.to_owned()));
    match (pick("OKTA_TOUR_GROUP_ID", "00gtourengineers"), pick("OKTA_TOUR_USER_ID", "00utourada")) {
        (Some(group_id), Some(user_id)) => {
            let first = ApplicationGroupAssignment { priority: Some(0), ..Default::default() };
            let group = client.assign_group_to_application(&bookmark_id, &group_id).body(first).send().await?;
            println!("assignGroupToApplication: {group_id} at priority {:?}", group.value.priority);
            client.assign_user_to_application(&bookmark_id, AppUserAssignRequest::new(&user_id)).send().await?;
            let users: Vec<AppUser> = client.list_application_users(&bookmark_id).stream().try_collect().await?;
            println!("assignUserToApplication: {user_id}; the wiki has {} users", users.len());
            client.unassign_user_from_application(&bookmark_id, &user_id).send().await?;
            client.unassign_application_from_group(&bookmark_id, &group_id).send().await?;
        }
        _ => println!("assignments skipped: set OKTA_TOUR_GROUP_ID and OKTA_TOUR_USER_ID"),
    }

    // Rotate the workspace's SAML signing key: a new key valid two years, then sign with it.
    let key = client.generate_application_key(&google_id, 2).send().await?.into_value();
    let kid = key.kid.clone().unwrap_or_default();
    println!(
        "generateApplicationKey: {kid}, valid until {}",
        key.expires_at.map(|t| t.to_string()).unwrap_or_default()
    );
    let mut workspace = client.get_application(&google_id).send().await?.into_value();
    if let Application::Google(google) = &mut workspace {
        let credentials = google.credentials.get_or_insert_with(Default::default);
        credentials.signing.get_or_insert_with(Default::default).kid = Some(kid.clone());
    }
    let rotated = client.replace_application(&google_id, workspace).send().await?.into_value();
    if let Application::Google(google) = &rotated {
        let now = google.credentials.as_ref().and_then(|c| c.signing.as_ref()).and_then(|s| s.kid.as_deref());
        println!("replaceApplication: the workspace signs with {}", now.unwrap_or("?"));
    }

    // A service app and a second client secret, shown once, at creation.
    let service: OpenIdConnectApplication = serde_json::from_value(serde_json::json!({
        "name": "oidc_client",
        "label": "okta-apps tour: service",
        "signOnMode": "OPENID_CONNECT",
        "credentials": { "oauthClient": { "token_endpoint_auth_method": "client_secret_basic" } },
        "settings": { "oauthClient": {
            "application_type": "service",
            "grant_types": ["client_credentials"],
            "response_types": ["token"],
        } },
    }))?;
    let service = client.create_application(service).send().await?.into_value();
    let service_id = service.id().unwrap_or_default().to_owned();
    println!("createApplication: {} {service_id}", service.label().unwrap_or("?"));
    let secret = client.create_oauth2_client_secret(&service_id).send().await?.into_value();
    let shown = secret.client_secret.as_ref().map_or(0, |s| s.expose().len());
    println!("createOAuth2ClientSecret: {} ({shown} characters, shown once)", secret.id.unwrap_or_default());

    for id in [&bookmark_id, &google_id, &service_id] {
        client.deactivate_application(id).send().await?;
        println!("deactivateApplication: {id}");
        client.delete_application(id).send().await?;
        println!("deleteApplication: {id}");
    }
    match client.get_application(&bookmark_id).send().await {
        Err(e) => println!("getApplication after delete: {e}"),
        Ok(_) => println!("getApplication after delete: still there"),
    }
    if let Some(fake) = fake {
        fake.shutdown().await;
    }
    Ok(())
}
