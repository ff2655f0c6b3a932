//! A tour of the client: creates a bookmark app and a Google Workspace app,
//! lists, reads, replaces (keeping fields the model does not know),
//! deactivates and deletes them.
//!
//! Runs against a built-in fake org by default:
//!     cargo run -p okta-apps --example tour
//! and against a real org when `OKTA_ORG_URL` is set, with either
//! `OKTA_API_TOKEN`, or `OKTA_CLIENT_ID` and `OKTA_PRIVATE_KEY` (the path of
//! a service app's private key, PEM or JWK; OAuth 2.0 with DPoP when the app
//! needs it). With `OKTA_CLIENT_ID` and `OKTA_PRIVATE_KEY` but no org URL, the
//! fake org registers that service app, requires DPoP of it, and the tour
//! runs on OAuth against it.

use futures_util::TryStreamExt;
use okta_apps::client::PrivateKey;
use okta_apps::fake::{FakeOrg, FakeServiceApp};
use okta_apps::models::{
    Application, ApplicationSignOnMode, BookmarkApplication, BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication, GoogleApplication, GoogleApplicationSettings,
    GoogleApplicationSettingsApplication,
};
use okta_apps::{Client, Secret};

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
            (Client::builder(url).private_key(client_id, PrivateKey::from_file(key)?).build()?, None)
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
            (Client::builder(fake.url()).private_key(client_id, key).build()?, Some(fake))
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

    for id in [&bookmark_id, &google_id] {
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
