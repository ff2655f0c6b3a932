//! Runs every operation through the client against an org URL (in the
//! contract check, Prism proxying the fake org with the spec) and fails on
//! any unexpected answer: `cargo run -p okta-apps --example contract -- URL TOKEN`.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use okta_apps::models::{
    Application, ApplicationSignOnMode, BookmarkApplication, BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication, GoogleApplication, GoogleApplicationSettings,
    GoogleApplicationSettingsApplication,
};
use okta_apps::{Client, Error, RetryPolicy};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn check(what: &str, ok: bool) -> Result<()> {
    if ok {
        println!("ok: {what}");
        Ok(())
    } else {
        Err(format!("failed: {what}").into())
    }
}

async fn run(client: &Client) -> Result<()> {
    let settings = BookmarkApplicationSettings {
        app: Some(BookmarkApplicationSettingsApplication::new("https://wiki.example.com")),
        ..Default::default()
    };
    let bookmark = client.create_application(BookmarkApplication::new("Contract wiki", settings)).send().await?;
    let id = bookmark.value.id().ok_or("created app has no id")?.to_owned();
    check("createApplication (bookmark)", matches!(bookmark.value, Application::Bookmark(_)))?;

    let google = GoogleApplication::new(
        "Contract workspace",
        ApplicationSignOnMode::Saml20,
        GoogleApplicationSettings::new(GoogleApplicationSettingsApplication::new("example.com")),
    );
    let google = client.create_application(google).activate(false).okta_access_gateway_agent("contract").send().await?;
    let google_id = google.value.id().ok_or("created app has no id")?.to_owned();
    check("createApplication (google, inactive)", matches!(google.value, Application::Google(_)))?;

    let page = client.list_applications().limit(1).filter(r#"status eq "ACTIVE""#).send().await?;
    check("listApplications (one page)", page.value.items.len() == 1)?;
    let all: Vec<Application> = client.list_applications().limit(1).q("Contract").stream().try_collect().await?;
    check("listApplications (stream over pages)", all.len() == 2)?;

    let got = client.get_application(&id).expand(format!("user/{id}")).send().await?;
    check("getApplication", got.value.id() == Some(id.as_str()))?;

    let mut app = got.into_value();
    if let Application::Bookmark(b) = &mut app {
        b.label = Some("Contract wiki (renamed)".to_owned());
    }
    let replaced = client.replace_application(&id, app).send().await?;
    check("replaceApplication", replaced.value.label() == Some("Contract wiki (renamed)"))?;

    let missing = client.get_application("0oanotthere000000000").send().await;
    check("getApplication (404)", matches!(&missing, Err(e) if e.status() == Some(404)))?;
    let refused = client.delete_application(&id).send().await;
    check("deleteApplication of an active app (403)", matches!(&refused, Err(e) if e.status() == Some(403)))?;

    client.activate_application(&google_id).send().await?;
    check("activateApplication", true)?;
    for app_id in [&id, &google_id] {
        client.deactivate_application(app_id).send().await?;
        client.delete_application(app_id).send().await?;
    }
    check("deactivateApplication and deleteApplication", true)?;
    let gone = client.get_application(&id).send().await;
    check("getApplication after delete (404)", matches!(gone, Err(Error::Api(ref e)) if e.status == 404))?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, token] = args.as_slice() else {
        eprintln!("usage: contract URL TOKEN");
        return ExitCode::FAILURE;
    };
    let client = match Client::builder(url).api_token(token.as_str()).retry(RetryPolicy::none()).build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&client).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
