//! A tour of the client: creates a bookmark app and a Google Workspace app,
//! lists, reads, replaces (keeping fields the model does not know),
//! deactivates and deletes them.
//!
//! Runs against a built-in fake org by default:
//!     cargo run -p okta-apps --example tour
//! and against a real org when `OKTA_ORG_URL` and `OKTA_API_TOKEN` are set.

use futures_util::TryStreamExt;
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
    let real = std::env::var("OKTA_ORG_URL").ok().zip(std::env::var("OKTA_API_TOKEN").ok());
    let (client, fake) = match real {
        Some((url, token)) => {
            println!("using the org at {url}");
            (Client::builder(url).api_token(Secret::from(token)).build()?, None)
        }
        None => {
            let fake = okta_apps::fake::FakeOrg::start().await?;
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
