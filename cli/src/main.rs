//! `okta-apps`: an Okta org's applications as files to review, diff and
//! apply. `export` writes one YAML file per app, `plan` compares the files
//! with the org, `apply` makes the org what the files say. Progress goes to
//! standard error, documents to standard output.

mod diff;
mod doc;
mod org;
mod plan;
mod progress;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::sync::Arc;

use okta_apps::Client;
use okta_apps::client::PrivateKey;
use progress::Progress;
use serde_json::Value;

/// An Okta org's applications as files: export, plan, apply.
#[derive(Debug, Parser)]
#[command(name = "okta-apps", version)]
struct Cli {
    /// The org's URL (`https://example.okta.com`).
    #[arg(long, env = "OKTA_ORG_URL", global = true)]
    org: Option<String>,
    /// The share of each endpoint's rate limit to use, in percent; the rest
    /// is left to the org's other integrations.
    #[arg(long, value_name = "PERCENT", default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100), global = true)]
    max_api_capacity: u8,
    /// The most requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..), global = true)]
    concurrency: u16,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes one YAML file per app of the org under DIR/apps.
    Export {
        /// The folder to write to.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Prints what `apply` would do to make the org what the files say.
    Plan {
        /// The folder the files are in.
        #[arg(long)]
        dir: PathBuf,
        /// Also delete the apps that have no file.
        #[arg(long)]
        prune: bool,
        /// Print the plan as JSON.
        #[arg(long)]
        json: bool,
        /// Exit 0 for no changes, 2 for changes, 1 for errors.
        #[arg(long)]
        detailed_exitcode: bool,
    },
    /// Makes the org what the files say.
    Apply {
        /// The folder the files are in.
        #[arg(long)]
        dir: PathBuf,
        /// Also delete the apps that have no file.
        #[arg(long)]
        prune: bool,
        /// Apply without asking.
        #[arg(long)]
        yes: bool,
        /// Only print the plan.
        #[arg(long)]
        dry_run: bool,
    },
}

fn main() -> ExitCode {
    // A usage error exits 1, as every error does: 2 means "changes" to
    // `plan --detailed-exitcode`.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::from(error.use_stderr()));
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let quiet = matches!(cli.command, Command::Plan { json: true, .. });
    let progress = Arc::new(Progress::new(quiet));
    let concurrency = usize::from(cli.concurrency);
    let client = connect(&cli, &progress)?;
    match cli.command {
        Command::Export { dir } => {
            export(&client, &dir, concurrency, &progress).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan { dir, prune, json, detailed_exitcode } => {
            let plan = plan::make(&client, &dir, prune, concurrency, &progress).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&plan.to_json()).context("writing the plan")?);
            } else {
                print!("{}", plan.render());
            }
            Ok(match (detailed_exitcode, plan.is_empty()) {
                (true, false) => ExitCode::from(2),
                _ => ExitCode::SUCCESS,
            })
        }
        Command::Apply { dir, prune, yes, dry_run } => {
            let plan = plan::make(&client, &dir, prune, concurrency, &progress).await?;
            print!("{}", plan.render());
            if dry_run || plan.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            if !yes && !confirm()? {
                eprintln!("nothing applied");
                return Ok(ExitCode::from(1));
            }
            let failed = plan::apply(&client, &plan).await;
            Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// Asks on the terminal; without one, `--yes` is needed.
fn confirm() -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("standard input is not a terminal: pass --yes to apply");
    }
    eprint!("Apply these changes? Type yes: ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).context("reading the answer")?;
    Ok(answer.trim() == "yes")
}

/// A client from the flags and the environment: an API token
/// (`OKTA_API_TOKEN`), or a service app (`OKTA_CLIENT_ID`, `OKTA_PRIVATE_KEY`);
/// within its share of the rate limit, telling `progress` of its waits.
fn connect(cli: &Cli, progress: &Arc<Progress>) -> Result<Client> {
    let org = cli.org.as_deref().context("no org: pass --org or set OKTA_ORG_URL")?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let shown = Arc::clone(progress);
    let builder = Client::builder(org)
        .max_api_capacity(cli.max_api_capacity)
        .concurrency(usize::from(cli.concurrency))
        .on_pause(move |pause| shown.pause(pause));
    let builder = match (env("OKTA_API_TOKEN"), env("OKTA_CLIENT_ID"), env("OKTA_PRIVATE_KEY")) {
        (Some(token), _, _) => builder.api_token(token),
        (None, Some(client_id), Some(key)) => builder.private_key(client_id, PrivateKey::from_file(&key)?),
        _ => bail!("no credentials: set OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY"),
    };
    Ok(builder.build()?)
}

/// Okta's own apps, in every org, which nobody may change.
const OKTA_OWNED: &[&str] = &[
    "saasure",
    "okta_enduser",
    "okta_browser_plugin",
    "flow",
    "okta_flow_sso",
    "okta_account_settings",
    "okta_atspoke_sso",
];

async fn export(client: &Client, dir: &Path, concurrency: usize, progress: &Progress) -> Result<()> {
    progress.line("listing apps");
    let apps = org::apps(client).await?;
    let ids: Vec<(String, String)> = apps
        .iter()
        .map(|app| {
            let field = |name: &str| app.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
            (field("label"), field("id"))
        })
        .collect();
    // Every app's assignments first: a failure writes no file at all, so no
    // app goes missing from a folder that a later `--prune` would trust.
    let assignments = org::all_assignments(client, &ids, concurrency, progress).await?;
    let folder = dir.join("apps");
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    for (app, groups) in apps.iter().zip(&assignments) {
        let name = app.get("name").and_then(Value::as_str).unwrap_or_default();
        let file = doc::for_file(app, groups, OKTA_OWNED.contains(&name));
        let path = folder.join(doc::file_name(app));
        let text = yaml_serde::to_string(&file).with_context(|| format!("writing {} as YAML", path.display()))?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    eprintln!("exported {} apps to {}", apps.len(), folder.display());
    Ok(())
}
