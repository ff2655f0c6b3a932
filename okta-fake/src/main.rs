//! `okta-fake`: the fake Okta org as a server of its own, for tests in any
//! language. Prints its base URL as the first line of standard output, then
//! serves until stopped (Ctrl-C or SIGTERM); `--state FILE` keeps the org
//! between runs, `--seed DIR` loads the apps of an `okta-apps export` folder,
//! `--service-app` registers OAuth 2.0 service apps.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use okta_client::jose::PrivateKey;
use okta_fake::{DEFAULT_API_TOKEN, FakeOptions, FakeOrg, FakeServiceApp};

/// The scopes service apps are granted unless `--service-app-scopes` says otherwise.
const SERVICE_APP_SCOPES: &str =
    "okta.apps.read okta.apps.manage okta.groups.read okta.groups.manage okta.users.read okta.users.manage";

/// A fake Okta org serving the Applications API over HTTP.
#[derive(Debug, Parser)]
#[command(name = "okta-fake", version)]
struct Args {
    /// The address to listen on; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The API token it accepts (`Authorization: SSWS <token>`); any other is refused.
    #[arg(long, value_name = "TOKEN", default_value = DEFAULT_API_TOKEN)]
    api_token: String,
    /// Loads the org from FILE at start (if it exists) and saves it there on shutdown.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Loads the apps of an `okta-apps export` folder (DIR/apps/*.yaml) at start.
    #[arg(long, value_name = "DIR")]
    seed: Option<PathBuf>,
    /// Requests allowed a minute, over all endpoints; the next get a 429.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    rate_limit: u64,
    /// Items on a page of a list request without `limit` (Okta's default is 20).
    #[arg(long, value_name = "N", default_value_t = 20)]
    page_size: usize,
    /// Registers a service app with the OAuth 2.0 authorization server
    /// (`/oauth2/v1/token`, client credentials with a private-key JWT): its
    /// client id and the file of its key, a JWK or PEM (only the public half
    /// is read). Repeatable.
    #[arg(long, value_name = "CLIENT_ID=KEY_FILE")]
    service_app: Vec<String>,
    /// The scopes the service apps are granted, space-separated.
    #[arg(long, value_name = "SCOPES", default_value = SERVICE_APP_SCOPES)]
    service_app_scopes: String,
    /// Requires DPoP-bound access tokens of the service apps.
    #[arg(long)]
    require_dpop: bool,
    /// Logs every request to standard error.
    #[arg(long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let level = if args.verbose { tracing::Level::DEBUG } else { tracing::Level::WARN };
    tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr).init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("okta-fake: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("okta-fake: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let options =
        FakeOptions::default().listen(args.listen).api_token(&args.api_token).default_page_size(args.page_size);
    let fake = FakeOrg::start_with(options).await.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    fake.set_rate_limit(args.rate_limit, Duration::from_secs(60));
    for service_app in &args.service_app {
        fake.register_service_app(service_app_of(service_app, &args.service_app_scopes, args.require_dpop)?);
    }
    if let Some(path) = &args.state {
        match std::fs::read_to_string(path) {
            Ok(text) => fake.load_state(&text).map_err(|e| format!("{}: {e}", path.display()))?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(format!("{}: {error}", path.display())),
        }
    }
    if let Some(dir) = &args.seed {
        let count = fake.seed(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        eprintln!("okta-fake: {count} apps loaded from {}", dir.display());
    }
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", fake.url()).and_then(|()| stdout.flush()).map_err(|e| format!("standard output: {e}"))?;
    stopped().await;
    let saved = match &args.state {
        Some(path) => save(&fake, path),
        None => Ok(()),
    };
    fake.shutdown().await;
    saved
}

/// A service app from `CLIENT_ID=KEY_FILE`: the key in the file (a public
/// JWK, or a private key as a JWK or PEM, of which only the public half is
/// kept), granted `scopes`.
fn service_app_of(arg: &str, scopes: &str, dpop: bool) -> Result<FakeServiceApp, String> {
    let Some((client_id, file)) = arg.split_once('=').filter(|(id, file)| !id.is_empty() && !file.is_empty()) else {
        return Err(format!("--service-app takes CLIENT_ID=KEY_FILE, not {arg}"));
    };
    let text = std::fs::read_to_string(file).map_err(|e| format!("--service-app {client_id}: {file}: {e}"))?;
    let public_jwk = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(jwk) if jwk.get("kty").is_some() && jwk.get("d").is_none() => jwk,
        _ => PrivateKey::parse(&text).map_err(|e| format!("--service-app {client_id}: {file}: {e}"))?.public_jwk(),
    };
    let app = FakeServiceApp::new(client_id, public_jwk, scopes.split_whitespace());
    Ok(if dpop { app.require_dpop() } else { app })
}

/// Waits for Ctrl-C, or SIGTERM on Unix.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Writes the state beside `path`, then moves it there, so a crash never
/// leaves half a file.
fn save(fake: &FakeOrg, path: &Path) -> Result<(), String> {
    let text = fake.save_state().map_err(|e| e.to_string())?;
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("saving the state to {}: {e}", path.display()))
}
