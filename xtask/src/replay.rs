//! `cargo xtask replay RECORDINGS`: replays real orgs' recorded sessions
//! against the `okta-fake` binary and measures how faithfully it answers.
//!
//! Each cassette (one session against one org) gets a fresh fake org, seeded
//! with what the session assumes exists before its first request (users,
//! groups and apps it uses but did not create: see `seed`). Its
//! interactions are then sent in order, each request with the ids the real
//! org handed out replaced by the ones the fake handed out (learned from the
//! answers so far: see `compare::IdMap`). Each answer is compared with the
//! real one: its status, and which of the real answer's members are present
//! in the fake's (JSON members at every depth, XML elements and attributes).
//! Members of objects the replay seeded are not counted: the fake only gives
//! back what it was given.

mod compare;
mod seed;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use okta_runtime::coverage::count_members;

use crate::percent;
use crate::recordings::{self, AppPath, Interaction};
use compare::{IdMap, Tally};

/// The API token the replayed fake orgs accept.
const TOKEN: &str = "replay-token";

/// What to replay and what to require of it.
#[derive(Debug, Clone)]
pub struct Options {
    /// The recordings file (JSON lines, gzipped or not).
    pub recordings: PathBuf,
    /// Fails when fewer answers than this percentage have the real status.
    pub min_status: Option<f64>,
    /// Fails when fewer real members than this percentage are present.
    pub min_members: Option<f64>,
    /// How many of the most frequent differences to print.
    pub top: usize,
    /// Only the cassettes whose name contains this.
    pub only: Option<String>,
    /// Prints every difference of every interaction as it is found.
    pub verbose: bool,
}

/// What a replay found.
#[derive(Debug, Default)]
pub struct Report {
    /// Cassettes replayed.
    pub cassettes: usize,
    /// Interactions replayed.
    pub interactions: usize,
    /// Interactions the fake answered with the real org's status.
    pub same_status: usize,
    /// Real members compared, found present, and left out as seeded.
    pub members: Tally,
    /// Objects seeded before the sessions: (apps, users, groups).
    pub seeded: (usize, usize, usize),
    /// Each difference and how often it was found.
    pub differences: BTreeMap<String, usize>,
}

impl Report {
    /// The percentage of answers with the real status.
    pub fn status_share(&self) -> f64 {
        percent(self.same_status, self.interactions)
    }

    /// The percentage of the real answers' members present in the fake's.
    pub fn members_share(&self) -> f64 {
        percent(self.members.present, self.members.total)
    }

    /// The targets of `options` this report misses, as sentences.
    pub fn misses(&self, options: &Options) -> Vec<String> {
        let mut misses = Vec::new();
        if let Some(min) = options.min_status.filter(|min| self.status_share() < *min) {
            misses.push(format!("status as the real org's is {:.2}%, below {min}%", self.status_share()));
        }
        if let Some(min) = options.min_members.filter(|min| self.members_share() < *min) {
            misses.push(format!("real members present are {:.2}%, below {min}%", self.members_share()));
        }
        misses
    }
}

impl Report {
    /// The report, with the `top` most frequent differences.
    pub fn render(&self, top: usize) -> String {
        let mut f = String::new();
        let (apps, users, groups) = self.seeded;
        let _ = writeln!(
            &mut f,
            "replay: {} interactions in {} cassettes (seeded beforehand: {apps} apps, {users} users, {groups} groups)",
            self.interactions, self.cassettes
        );
        let _ = writeln!(
            &mut f,
            "status as the real org's: {} of {} ({:.2}%)",
            self.same_status,
            self.interactions,
            self.status_share()
        );
        let _ = writeln!(
            &mut f,
            "real members present: {} of {} ({:.2}%); {} members of seeded objects not counted",
            self.members.present,
            self.members.total,
            self.members_share(),
            self.members.seeded
        );
        let mut frequent: Vec<(&String, &usize)> = self.differences.iter().collect();
        frequent.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        if !frequent.is_empty() {
            let _ = writeln!(&mut f, "most frequent differences ({} kinds):", frequent.len());
        }
        for (what, count) in frequent.into_iter().take(top) {
            let _ = writeln!(&mut f, "{count:>7}  {what}");
        }
        f
    }
}

/// Replays every cassette of `options.recordings` against fresh fake orgs
/// (the `okta-fake` binary, built first) and reports what it found.
pub fn run(root: &Path, options: &Options) -> Result<Report> {
    let all = recordings::read(&options.recordings)?;
    let fake = build_fake(root)?;
    let work = root.join("target/replay");
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut report = Report::default();
    for (name, interactions) in recordings::by_cassette(&all) {
        if options.only.as_deref().is_some_and(|only| !name.contains(only)) {
            continue;
        }
        replay_cassette(&agent, &fake, &work, name, &interactions, options, &mut report)
            .with_context(|| format!("replaying {name}"))?;
    }
    Ok(report)
}

fn replay_cassette(
    agent: &ureq::Agent,
    fake: &Path,
    work: &Path,
    name: &str,
    interactions: &[&Interaction],
    options: &Options,
    report: &mut Report,
) -> Result<()> {
    let seed = seed::seed(interactions);
    report.seeded.0 += seed.apps.len();
    report.seeded.1 += seed.users.len();
    report.seeded.2 += seed.groups.len();
    let state = work.join("state.json");
    std::fs::write(&state, seed.state_file()?).with_context(|| format!("writing {}", state.display()))?;
    let org = FakeProcess::start(fake, &state)?;
    report.cassettes += 1;
    let mut ids = IdMap::default();
    for interaction in interactions {
        let answer = send(agent, &org.url, interaction, &ids)
            .with_context(|| format!("interaction {} ({} {})", interaction.id, interaction.method, interaction.path))?;
        report.interactions += 1;
        let route = route(&interaction.method, &interaction.path);
        let mut found = Vec::new();
        if answer.status == interaction.status {
            report.same_status += 1;
        } else {
            found.push(format!("status {} instead of {}: {route}", answer.status, interaction.status));
        }
        let mut tally = Tally::default();
        compare_bodies(interaction, &answer, &mut ids, &seed.ids, &mut tally);
        for path in &tally.missing {
            found.push(format!("missing {path}: {route}"));
        }
        if options.verbose {
            for difference in &found {
                println!("{name} #{}: {difference}", interaction.id);
            }
        }
        for difference in found {
            *report.differences.entry(difference).or_default() += 1;
        }
        report.members.add(&tally);
    }
    org.stop();
    Ok(())
}

/// Compares the fake's answer with the real one and learns the ids the fake
/// handed out. A request for a seeded app itself is not compared: the fake
/// only gives back what it was given.
fn compare_bodies(
    interaction: &Interaction,
    answer: &Answer,
    ids: &mut IdMap,
    seeded: &HashSet<String>,
    tally: &mut Tally,
) {
    let real_json = interaction.json_body();
    let fake_json: Option<serde_json::Value> = serde_json::from_slice(&answer.body).ok();
    match (real_json, fake_json) {
        (Some(real), fake) => {
            let fake = fake.unwrap_or(serde_json::Value::Null);
            ids.learn(&real, &fake);
            if matches!(interaction.app_path(), Some(AppPath::One(id)) if seeded.contains(id)) {
                tally.seeded += count_members(&real);
            } else {
                compare::json(&real, &fake, ids, seeded, "", tally);
            }
        }
        (None, _) if interaction.body.trim_start().starts_with('<') => {
            compare::xml(&interaction.body, &String::from_utf8_lossy(&answer.body), tally);
        }
        (None, _) => {}
    }
}

/// The request's route, ids replaced by `{id}`: `GET /api/v1/apps/{id}/groups`.
fn route(method: &str, path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| if compare::looks_like_id(segment) { "{id}".to_owned() } else { segment.to_owned() })
        .collect();
    format!("{method} {}", segments.join("/"))
}

/// The fake's answer.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// Sends a recorded request to the fake org at `url`, with the real org's
/// ids replaced by the fake's.
fn send(agent: &ureq::Agent, url: &str, interaction: &Interaction, ids: &IdMap) -> Result<Answer> {
    let target = ids.to_fake(&interaction.target());
    let body = ids.to_fake(&interaction.request_body).into_bytes();
    let accept = if interaction.path.ends_with("/sso/saml/metadata") { "application/xml" } else { "application/json" };
    let mut request = ureq::http::Request::builder()
        .method(interaction.method.as_str())
        .uri(format!("{url}{target}"))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("Accept", accept);
    if !body.is_empty() {
        request = request.header("Content-Type", content_type(&interaction.request_body));
    }
    let mut response = agent.run(request.body(body)?).context("sending the request to the fake org")?;
    let status = response.status().as_u16();
    let body = response.body_mut().with_config().limit(64 << 20).read_to_vec().context("reading the answer")?;
    Ok(Answer { status, body })
}

/// The media type of a recorded request body: multipart with the boundary
/// its first line names, else JSON.
fn content_type(body: &str) -> String {
    match body.strip_prefix("--").and_then(|rest| rest.split("\r\n").next()) {
        Some(boundary) if !boundary.is_empty() => format!("multipart/form-data; boundary={boundary}"),
        _ => "application/json".to_owned(),
    }
}

/// Builds the `okta-fake` binary and returns its path.
fn build_fake(root: &Path) -> Result<PathBuf> {
    let output = Command::new(crate::cargo())
        .current_dir(root)
        .args(["build", "--quiet", "--package", "okta-fake", "--bin", "okta-fake", "--message-format=json"])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build")?;
    if !output.status.success() {
        bail!("cargo build of okta-fake failed");
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|message| message.pointer("/target/name").and_then(|v| v.as_str()) == Some("okta-fake"))
        .and_then(|message| message.get("executable").and_then(|v| v.as_str()).map(PathBuf::from))
        .context("cargo build named no okta-fake executable")
}

/// A running `okta-fake`, stopped (by its pid) when dropped.
struct FakeProcess {
    child: Child,
    url: String,
}

impl FakeProcess {
    fn start(binary: &Path, state: &Path) -> Result<FakeProcess> {
        let mut child = Command::new(binary)
            .args(["--api-token", TOKEN, "--rate-limit", "1000000", "--state"])
            .arg(state)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("the fake org's standard output")?;
        let mut first = String::new();
        let read = BufReader::new(stdout).read_line(&mut first);
        let process = FakeProcess { child, url: first.trim().to_owned() };
        read.context("reading the fake org's first line")?;
        if !process.url.starts_with("http://") {
            bail!("okta-fake printed `{}` instead of its URL", process.url);
        }
        Ok(process)
    }

    fn stop(self) {}
}

impl Drop for FakeProcess {
    fn drop(&mut self) {
        let pid = self.child.id();
        if let Err(error) = self.child.kill() {
            eprintln!("replay: stopping okta-fake (pid {pid}): {error}");
        }
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_hide_ids() {
        assert_eq!(route("GET", "/api/v1/apps/0oa1b2c3d4e5f6g7h8i9/groups"), "GET /api/v1/apps/{id}/groups");
        assert_eq!(
            route("PUT", "/api/v1/apps/0oa1b2c3d4e5f6g7h8i9/features/USER_PROVISIONING"),
            "PUT /api/v1/apps/{id}/features/USER_PROVISIONING"
        );
    }

    #[test]
    fn multipart_bodies_keep_their_boundary() {
        assert_eq!(content_type("--b0und\r\nContent-Disposition: form-data"), "multipart/form-data; boundary=b0und");
        assert_eq!(content_type("{\"label\":\"x\"}"), "application/json");
    }

    #[test]
    fn shares_and_targets() {
        let mut report = Report { interactions: 200, same_status: 197, ..Report::default() };
        report.members.total = 1000;
        report.members.present = 960;
        let options = Options {
            recordings: PathBuf::new(),
            min_status: Some(99.0),
            min_members: Some(95.0),
            top: 5,
            only: None,
            verbose: false,
        };
        assert_eq!(report.misses(&options), vec!["status as the real org's is 98.50%, below 99%".to_owned()]);
        report.same_status = 198;
        assert!(report.misses(&options).is_empty());
        assert!(report.render(5).contains("real members present: 960 of 1000 (96.00%)"));
    }
}
