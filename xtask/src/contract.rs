//! `cargo xtask contract`: an independent check of the client and the fake
//! org against the spec. Prism (`@stoplight/prism-cli`, installed locally
//! with npm) proxies the fake org and validates every request and response
//! against spec/applications.yaml; the contract example runs every operation
//! through the client, via Prism. Any violation Prism reports fails the check.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The Prism release the check runs (a 5.x, pinned).
pub const PRISM: &str = "@stoplight/prism-cli@5.14.2";

/// A child process that is killed (by its PID) when dropped.
struct Process {
    name: &'static str,
    child: Child,
}

impl Drop for Process {
    fn drop(&mut self) {
        let pid = self.child.id();
        if let Err(e) = self.child.kill() {
            eprintln!("contract: stopping {} (pid {pid}): {e}", self.name);
        }
        let _ = self.child.wait();
    }
}

/// Builds the okta-apps examples and returns the path of each one asked for.
fn build_examples(root: &Path, names: &[&str]) -> Result<Vec<PathBuf>> {
    let output = Command::new(crate::cargo())
        .current_dir(root)
        .args(["build", "--quiet", "--package", "okta-apps", "--examples", "--message-format=json"])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build")?;
    if !output.status.success() {
        bail!("cargo build of the okta-apps examples failed");
    }
    let mut found = vec![None; names.len()];
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let name = message.pointer("/target/name").and_then(|v| v.as_str());
        let exe = message.get("executable").and_then(|v| v.as_str());
        if let (Some(name), Some(exe)) = (name, exe) {
            if let Some(i) = names.iter().position(|n| *n == name) {
                found[i] = Some(PathBuf::from(exe));
            }
        }
    }
    names.iter().zip(found).map(|(n, p)| p.with_context(|| format!("no executable for example {n}"))).collect()
}

/// Installs Prism under `dir` unless it is there already; returns its binary.
fn install_prism(dir: &Path) -> Result<PathBuf> {
    let bin = dir.join("node_modules/.bin/prism");
    let marker = dir.join(".installed");
    if bin.exists() && std::fs::read_to_string(&marker).is_ok_and(|m| m == PRISM) {
        return Ok(bin);
    }
    std::fs::create_dir_all(dir)?;
    println!("contract: installing {PRISM} in {}", dir.display());
    let status = Command::new("npm")
        .current_dir(dir)
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
        .arg(dir)
        .arg(PRISM)
        .status()
        .context("running npm (is Node.js installed?)")?;
    if !status.success() || !bin.exists() {
        bail!("npm install {PRISM} failed");
    }
    std::fs::write(&marker, PRISM)?;
    Ok(bin)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for(port: u16, within: Duration) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < within {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("nothing listens on 127.0.0.1:{port} after {within:?}")
}

/// Lines of Prism's log that report a violation of the spec: its validator's
/// `Violation` lines, and any warning or error (a request Prism refused).
pub fn violations(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("Violation")
                || l.contains('\u{2716}')
                || l.contains('\u{26a0}')
                || l.contains(" error ")
                || l.contains(" warning ")
        })
        .collect()
}

/// Runs the whole check from the workspace root.
pub fn run(root: &Path) -> Result<()> {
    let work = root.join("target/contract");
    let prism = install_prism(&work)?;
    let [fake_server, contract] = <[PathBuf; 2]>::try_from(build_examples(root, &["fake_server", "contract"])?)
        .map_err(|_| anyhow::anyhow!("examples missing"))?;

    let port = free_port()?;
    let mut fake = Process {
        name: "fake org",
        child: Command::new(&fake_server)
            .args(["--public-url".to_owned(), format!("http://127.0.0.1:{port}")])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the fake org")?,
    };
    let mut first_line = String::new();
    let stdout = fake.child.stdout.take().context("fake org stdout")?;
    BufReader::new(stdout).read_line(&mut first_line).context("reading the fake org's URL")?;
    let fake_url = first_line.trim().to_owned();
    if !fake_url.starts_with("http://127.0.0.1:") {
        bail!("the fake org printed `{fake_url}` instead of its URL");
    }
    println!("contract: fake org at {fake_url} (pid {})", fake.child.id());

    let log_path = work.join("prism.log");
    let log = std::fs::File::create(&log_path)?;
    let prism = Process {
        name: "prism",
        child: Command::new(&prism)
            .current_dir(root)
            .args(["proxy", "spec/applications.yaml", &fake_url, "--errors", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting prism")?,
    };
    println!("contract: prism proxy on 127.0.0.1:{port} (pid {})", prism.child.id());
    wait_for(port, Duration::from_secs(90)).context("waiting for prism")?;

    let status = Command::new(&contract)
        .args([format!("http://127.0.0.1:{port}"), "fake-okta-api-token".to_owned()])
        .status()
        .context("running the contract example")?;
    drop(prism);
    drop(fake);
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let found = violations(&log);
    for line in &found {
        eprintln!("prism: {line}");
    }
    if !status.success() {
        bail!("the contract run failed (prism log: {})", log_path.display());
    }
    if !found.is_empty() {
        bail!("prism reported {} violations of spec/applications.yaml", found.len());
    }
    println!("contract: every operation conforms to spec/applications.yaml");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_are_found_in_the_log() {
        let log = "[CLI] info ok\n[VALIDATOR] warning Violation: response.header Link\n[HTTP SERVER] info done";
        assert_eq!(violations(log).len(), 1);
        let refused =
            "[2:20:05 PM] \u{203a} [HTTP SERVER] get /api/v1/apps \u{2716}  error     Request terminated with error";
        assert_eq!(violations(refused).len(), 1);
        let fine =
            "[2:19:52 PM] \u{203a}     [PROXY] \u{2139}  info      The upstream call to /api/v1/apps has returned 403";
        assert!(violations(fine).is_empty());
    }
}
