//! Project tasks. `cargo xtask codegen` regenerates the client from the spec;
//! `cargo xtask codegen --check` fails when the checked-in code is stale;
//! `roundtrip`, `coverage` and `contract` check the client against Okta's
//! examples, real orgs' recorded answers and the spec; `replay` checks the
//! fake org against real orgs' recorded sessions.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

// Generation allocates a small object per token (proc-macro2, syn); with
// mimalloc it takes about 30% less time than with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask codegen --spec FILE --out DIR [--name CRATE] [--runtime-version VERSION] [--deny-warnings]
       cargo xtask roundtrip SPEC
       cargo xtask coverage RECORDINGS [--min-typed PERCENT] [--min-known PERCENT] [--top N]
       cargo xtask contract
       cargo xtask replay RECORDINGS [--min-status PERCENT] [--min-members PERCENT] [--top N] [--only TEXT] [--verbose]";

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") if args.iter().any(|a| a == "--spec") => {
            let mut job = xtask::standalone::Standalone {
                spec: PathBuf::new(),
                out: PathBuf::new(),
                name: None,
                deny_warnings: false,
                runtime_version: None,
            };
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                let mut value = || rest.next().with_context(|| format!("{arg} takes a value\n{USAGE}"));
                match arg.as_str() {
                    "--spec" => job.spec = PathBuf::from(value()?),
                    "--out" => job.out = PathBuf::from(value()?),
                    "--name" => job.name = Some(value()?.clone()),
                    "--deny-warnings" => job.deny_warnings = true,
                    "--runtime-version" => job.runtime_version = Some(value()?.clone()),
                    other => bail!("unexpected argument {other}\n{USAGE}"),
                }
            }
            if job.out.as_os_str().is_empty() {
                bail!("--spec needs --out DIR\n{USAGE}");
            }
            let started = std::time::Instant::now();
            let summary = xtask::standalone::generate(&workspace_root(), &job)?;
            println!("{summary}");
            println!("generated {} in {:.2?}", job.out.display(), started.elapsed());
            Ok(ExitCode::SUCCESS)
        }
        Some("codegen") => {
            let check = match &args[1..] {
                [] => false,
                [flag] if flag == "--check" => true,
                other => bail!("unexpected arguments {other:?}\n{USAGE}"),
            };
            let mode = if check { codegen::files::Mode::Check } else { codegen::files::Mode::Write };
            let report = xtask::codegen(&workspace_root(), mode)?;
            if check {
                println!("{report}");
                return Ok(if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::FAILURE });
            }
            let written = report.stale.len() + report.missing.len();
            println!("wrote {written} files, removed {} leftovers", report.leftover.len());
            Ok(ExitCode::SUCCESS)
        }
        Some("contract") => {
            xtask::contract::run(&workspace_root())?;
            Ok(ExitCode::SUCCESS)
        }
        Some("replay") => {
            let options = replay_options(&args[1..])?;
            let report = xtask::replay::run(&workspace_root(), &options)?;
            print!("{}", report.render(options.top));
            let misses = report.misses(&options);
            for miss in &misses {
                eprintln!("replay: {miss}");
            }
            Ok(if misses.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Some("coverage") => {
            let mut recordings = None;
            let mut targets = xtask::coverage::Targets::default();
            let mut top = 25;
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                let mut value = || rest.next().with_context(|| format!("{arg} takes a value\n{USAGE}"));
                match arg.as_str() {
                    "--min-typed" => targets.min_typed = Some(percentage(arg, value()?)?),
                    "--min-known" => targets.min_known = Some(percentage(arg, value()?)?),
                    "--top" => top = value()?.parse().with_context(|| format!("--top takes a number\n{USAGE}"))?,
                    other if other.starts_with("--") => bail!("unexpected argument {other}\n{USAGE}"),
                    path if recordings.is_none() => recordings = Some(PathBuf::from(path)),
                    other => bail!("unexpected argument {other}\n{USAGE}"),
                }
            }
            let recordings = recordings.with_context(|| format!("coverage needs RECORDINGS\n{USAGE}"))?;
            let met = xtask::coverage::run(&workspace_root(), &recordings, targets, top)?;
            Ok(if met { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Some("roundtrip") => {
            let [spec] = &args[1..] else { bail!("{USAGE}") };
            let spec = std::fs::canonicalize(spec).with_context(|| format!("{spec} not found"))?;
            // The check needs the generated client, which xtask must not
            // depend on: it has to build when that code is stale or missing.
            let status = std::process::Command::new(xtask::cargo())
                .current_dir(workspace_root())
                .args(["run", "--quiet", "--package", "okta-apps", "--example", "roundtrip", "--"])
                .arg(spec)
                .status()
                .context("running the roundtrip example")?;
            Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        _ => bail!("{USAGE}"),
    }
}

/// The options of `cargo xtask replay`.
fn replay_options(args: &[String]) -> Result<xtask::replay::Options> {
    let mut options = xtask::replay::Options {
        recordings: PathBuf::new(),
        min_status: None,
        min_members: None,
        top: 25,
        only: None,
        verbose: false,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || rest.next().with_context(|| format!("{arg} takes a value\n{USAGE}"));
        match arg.as_str() {
            "--min-status" => options.min_status = Some(percentage(arg, value()?)?),
            "--min-members" => options.min_members = Some(percentage(arg, value()?)?),
            "--top" => {
                let text = value()?;
                options.top = text.parse().with_context(|| format!("--top takes a count, not {text}"))?;
            }
            "--only" => options.only = Some(value()?.clone()),
            "--verbose" => options.verbose = true,
            other if other.starts_with("--") => bail!("unexpected argument {other}\n{USAGE}"),
            path if options.recordings.as_os_str().is_empty() => options.recordings = PathBuf::from(path),
            other => bail!("unexpected argument {other}\n{USAGE}"),
        }
    }
    if options.recordings.as_os_str().is_empty() {
        bail!("replay needs the recordings file\n{USAGE}");
    }
    Ok(options)
}

/// The value of a flag that takes a percentage.
fn percentage(flag: &str, text: &str) -> Result<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .with_context(|| format!("{flag} takes a percentage from 0 to 100, not {text}"))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
