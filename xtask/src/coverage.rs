//! `cargo xtask coverage RECORDINGS`: how much of what real orgs say about
//! their apps the generated client holds in typed fields. The apps of the
//! recorded answers (GET, POST and PUT on `/api/v1/apps` and
//! `/api/v1/apps/{appId}`) and of the recorded request bodies are fed, as
//! recorded, to the okta-apps `coverage` example, which decodes each as a
//! user's code would and says where its members landed; this module picks the
//! payloads, adds up the answers and judges them against the targets.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use okta_runtime::coverage::{JsonType, MemberCoverage, UndeclaredMember, count_members};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::percent;
use crate::recordings::{AppPath, Interaction};

/// An app payload of the recordings.
#[derive(Debug, Clone)]
pub struct Payload {
    /// Where it comes from: `cassette#id METHOD path`, and `[i]` for an item of a list.
    pub label: String,
    /// An org's answer, or a request body sent to one.
    pub kind: Kind,
    /// The app's JSON text, as recorded.
    pub text: String,
}

/// Which side of an interaction a payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An app in an org's answer.
    Answer,
    /// An app sent in a request body.
    Request,
}

/// The app payloads of `interactions`: every app of a 2xx answer to a GET,
/// POST or PUT of `/api/v1/apps` or `/api/v1/apps/{appId}` (each item of a
/// list), and every JSON body POSTed to `/api/v1/apps` or PUT to an app.
pub fn payloads(interactions: &[Interaction]) -> Result<Vec<Payload>> {
    let mut out = Vec::new();
    for i in interactions {
        let Some(app_path) = i.app_path() else { continue };
        let one = matches!(app_path, AppPath::One(_));
        let label = format!("{}#{} {} {}", i.cassette, i.id, i.method, i.path);
        let method = i.method.to_ascii_uppercase();
        let answers = matches!(method.as_str(), "GET" | "POST" | "PUT") && (200..300).contains(&i.status);
        if answers && !i.body.trim().is_empty() {
            let body: Box<RawValue> =
                serde_json::from_str(&i.body).with_context(|| format!("{label}: the answer is not JSON"))?;
            if body.get().starts_with('[') {
                let items: Vec<Box<RawValue>> =
                    serde_json::from_str(body.get()).with_context(|| format!("{label}: reading the list"))?;
                for (n, item) in items.into_iter().enumerate() {
                    let text = item.get().to_owned();
                    out.push(Payload { label: format!("{label} [{n}]"), kind: Kind::Answer, text });
                }
            } else {
                out.push(Payload { label: label.clone(), kind: Kind::Answer, text: body.get().to_owned() });
            }
        }
        let sends = (method == "POST" && !one) || (method == "PUT" && one);
        if sends && !i.request_body.trim().is_empty() {
            let body: Box<RawValue> = serde_json::from_str(&i.request_body)
                .with_context(|| format!("{label}: the request body is not JSON"))?;
            out.push(Payload { label, kind: Kind::Request, text: body.get().to_owned() });
        }
    }
    Ok(out)
}

/// What the example says of one payload.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Facts {
    /// Why it did not decode, if it did not.
    pub error: Option<String>,
    /// The `Application` variant it decoded to.
    pub variant: String,
    /// Where re-encoding changed it, if it did.
    pub round_trip: Option<String>,
    /// Where its members landed.
    #[serde(flatten)]
    pub coverage: MemberCoverage,
}

/// The targets `.ci/run` holds the recordings to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Targets {
    /// Least share (percent) of the answers' member occurrences in typed fields.
    pub min_typed: Option<f64>,
    /// Least share (percent) of the answers' apps decoded to a known variant.
    pub min_known: Option<f64>,
}

/// A path with its array indices left out: `_links.logo[0].href` -> `_links.logo[].href`.
fn general(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

/// One undeclared path over all answers.
#[derive(Debug, Default)]
struct PathTally {
    apps: usize,
    occurrences: usize,
    types: BTreeSet<JsonType>,
}

/// Adds one payload's undeclared members to the tallies by path.
fn tally(tallies: &mut BTreeMap<String, PathTally>, undeclared: &[UndeclaredMember]) {
    let mut seen = BTreeSet::new();
    for u in undeclared {
        let path = general(&u.path);
        let tally = tallies.entry(path.clone()).or_default();
        tally.apps += usize::from(seen.insert(path));
        tally.occurrences += u.members;
        tally.types.insert(u.json_type);
    }
}

/// The most frequent paths of `tallies` (most apps first), under a heading.
fn render_paths(s: &mut String, what: &str, tallies: &BTreeMap<String, PathTally>, top: usize) {
    let mut paths: Vec<(&String, &PathTally)> = tallies.iter().collect();
    paths.sort_by(|a, b| b.1.apps.cmp(&a.1.apps).then(b.1.occurrences.cmp(&a.1.occurrences)).then(a.0.cmp(b.0)));
    if paths.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "undeclared members in {what} ({} paths; the {} most frequent: apps, occurrences inside, JSON types):",
        paths.len(),
        top.min(paths.len())
    );
    for (path, t) in paths.into_iter().take(top) {
        let types: Vec<&str> = t.types.iter().map(|t| t.as_str()).collect();
        let _ = writeln!(s, "  {:>5} {:>6}  {path}  {}", t.apps, t.occurrences, types.join("|"));
    }
}

/// The figures over all payloads.
#[derive(Debug, Default)]
pub struct Report {
    /// Apps in answers.
    pub answers: usize,
    /// Apps in request bodies.
    pub requests: usize,
    /// Member occurrences in the answers.
    pub members: usize,
    /// Of them, in typed fields.
    pub typed: usize,
    /// Of them, inside free-form members.
    pub free_form: usize,
    /// Outermost undeclared members in the answers (one for each, whatever it holds).
    pub undeclared_outermost: usize,
    /// Answers decoded to a known variant.
    pub known: usize,
    /// Member occurrences in the request bodies, and of them in typed fields.
    pub request_members: (usize, usize),
    /// Payloads that did not decode or did not re-encode to themselves.
    pub round_trip_failures: Vec<String>,
    /// `name` and `signOnMode` of the answers decoded as unknown, with how many.
    unknown: BTreeMap<String, usize>,
    undeclared: BTreeMap<String, PathTally>,
    request_undeclared: BTreeMap<String, PathTally>,
    unlisted: BTreeMap<(String, String), usize>,
}

impl Report {
    /// Adds up what the example said of each payload.
    pub fn new(payloads: &[Payload], facts: &[Facts]) -> Self {
        let mut r = Report::default();
        for (payload, facts) in payloads.iter().zip(facts) {
            let sent: Value = serde_json::from_str(&payload.text).unwrap_or(Value::Null);
            if let Some(error) = &facts.error {
                r.round_trip_failures.push(format!("{}: {error}", payload.label));
            } else if let Some(at) = &facts.round_trip {
                r.round_trip_failures.push(format!("{}: re-encoding changed it at {at}", payload.label));
            }
            // A payload that does not decode has no member in a typed field.
            let coverage = &facts.coverage;
            let members = if facts.error.is_some() { count_members(&sent) } else { coverage.members() };
            for u in &coverage.unlisted {
                *r.unlisted.entry((general(&u.path), u.value.clone())).or_default() += 1;
            }
            if payload.kind == Kind::Request {
                r.requests += 1;
                r.request_members.0 += members;
                r.request_members.1 += coverage.typed;
                tally(&mut r.request_undeclared, &coverage.undeclared);
                continue;
            }
            r.answers += 1;
            r.members += members;
            r.typed += coverage.typed;
            r.free_form += coverage.free_form;
            if facts.error.is_none() && facts.variant != "Unknown" {
                r.known += 1;
            } else {
                let text = |key: &str| sent.get(key).map_or_else(|| "absent".to_owned(), Value::to_string);
                *r.unknown.entry(format!("name {}, signOnMode {}", text("name"), text("signOnMode"))).or_default() += 1;
            }
            r.undeclared_outermost += coverage.undeclared.len();
            tally(&mut r.undeclared, &coverage.undeclared);
        }
        r
    }

    /// Share of the answers' member occurrences in typed fields, in percent.
    pub fn typed_share(&self) -> f64 {
        percent(self.typed, self.members)
    }

    /// Share of the answers' apps decoded to a known variant, in percent.
    pub fn known_share(&self) -> f64 {
        percent(self.known, self.answers)
    }

    /// What falls short of `targets`; an inexact round trip always does.
    pub fn shortfalls(&self, targets: Targets) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(min) = targets.min_typed.filter(|min| self.typed_share() < *min) {
            out.push(format!("typed member occurrences {:.2}% < {min}%", self.typed_share()));
        }
        if let Some(min) = targets.min_known.filter(|min| self.known_share() < *min) {
            out.push(format!("apps in a known variant {:.2}% < {min}%", self.known_share()));
        }
        if !self.round_trip_failures.is_empty() {
            out.push(format!("{} payloads do not round-trip exactly", self.round_trip_failures.len()));
        }
        out
    }

    /// The report, with the `top` most frequent undeclared paths and unlisted values.
    pub fn render(&self, top: usize) -> String {
        let mut s = String::new();
        let undeclared = self.members - self.typed - self.free_form;
        let _ = writeln!(s, "app answers: {} apps; request bodies: {} apps", self.answers, self.requests);
        let _ = writeln!(
            s,
            "typed members: {} of {} member occurrences in answers ({:.2}%); {} inside free-form members, {} undeclared",
            self.typed,
            self.members,
            self.typed_share(),
            self.free_form,
            undeclared
        );
        // Members inside an undeclared one are in no typed field either;
        // some measures count only the outermost, so that figure is given too.
        let _ = writeln!(
            s,
            "  counting an undeclared member once, not the members inside it: {:.2}%",
            percent(self.typed, self.typed + self.free_form + self.undeclared_outermost)
        );
        let _ = writeln!(s, "known variant: {} of {} apps ({:.2}%)", self.known, self.answers, self.known_share());
        for (what, n) in &self.unknown {
            let _ = writeln!(s, "  unknown: {n:>4}  {what}");
        }
        let (req_members, req_typed) = self.request_members;
        let _ = writeln!(
            s,
            "request bodies: {req_typed} of {req_members} member occurrences typed ({:.2}%)",
            percent(req_typed, req_members)
        );
        let failures = self.round_trip_failures.len();
        let _ = writeln!(
            s,
            "round trip: {} of {} payloads decode and re-encode to the same JSON value",
            self.answers + self.requests - failures,
            self.answers + self.requests
        );
        for f in self.round_trip_failures.iter().take(top) {
            let _ = writeln!(s, "  {f}");
        }
        render_paths(&mut s, "answers", &self.undeclared, top);
        render_paths(&mut s, "request bodies", &self.request_undeclared, top);
        let mut values: Vec<(&(String, String), &usize)> = self.unlisted.iter().collect();
        values.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !values.is_empty() {
            let _ = writeln!(s, "enum values the spec does not list ({}; kept as sent):", values.len());
        }
        for ((path, value), n) in values.into_iter().take(top) {
            let _ = writeln!(s, "  {n:>5}  {path} = {value:?}");
        }
        s
    }
}

/// Runs the okta-apps `coverage` example over the payloads: each app's text
/// on its standard input, one line of facts per app back.
pub fn facts(root: &Path, payloads: &[Payload]) -> Result<Vec<Facts>> {
    // The example needs the generated client, which xtask must not depend
    // on: it has to build when that code is stale or missing.
    let mut child = Command::new(crate::cargo())
        .current_dir(root)
        .args(["run", "--quiet", "--package", "okta-apps", "--example", "coverage"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running the coverage example")?;
    let mut stdin = child.stdin.take().context("the example's standard input")?;
    let texts: Vec<String> = payloads.iter().map(|p| p.text.clone()).collect();
    // Written from a thread, so that neither side waits on a full pipe.
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        for text in texts {
            stdin.write_all(text.as_bytes())?;
            stdin.write_all(b"\n")?;
        }
        Ok(())
    });
    let stdout = child.stdout.take().context("the example's standard output")?;
    let mut out = Vec::with_capacity(payloads.len());
    for (n, line) in BufReader::new(stdout).lines().enumerate() {
        let line = line.context("reading the example's answer")?;
        let facts: Facts = serde_json::from_str(&line).with_context(|| format!("the example's line {}", n + 1))?;
        out.push(facts);
    }
    let status = child.wait().context("waiting for the coverage example")?;
    match writer.join() {
        Ok(written) => written.context("writing to the coverage example")?,
        Err(_) => bail!("the thread writing to the coverage example panicked"),
    }
    if !status.success() {
        bail!("the coverage example failed ({status})");
    }
    if out.len() != payloads.len() {
        bail!("the coverage example answered {} of {} payloads", out.len(), payloads.len());
    }
    Ok(out)
}

/// The figures of recorded `interactions`, from the crate at `root`.
pub fn report(root: &Path, interactions: &[Interaction]) -> Result<Report> {
    let payloads = payloads(interactions)?;
    if payloads.is_empty() {
        bail!("no app answers to GET, POST or PUT on /api/v1/apps");
    }
    let facts = facts(root, &payloads)?;
    Ok(Report::new(&payloads, &facts))
}

/// `cargo xtask coverage`: prints the report of the recordings at
/// `recordings`; `Ok(false)` when it falls short of `targets`.
pub fn run(root: &Path, recordings: &Path, targets: Targets, top: usize) -> Result<bool> {
    let interactions = crate::recordings::read(recordings)?;
    let report = report(root, &interactions).with_context(|| recordings.display().to_string())?;
    print!("{}", report.render(top));
    let shortfalls = report.shortfalls(targets);
    for s in &shortfalls {
        eprintln!("coverage: {s}");
    }
    Ok(shortfalls.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use okta_runtime::coverage::UnlistedValue;

    fn interaction(method: &str, path: &str, status: u16, request: &str, body: &str) -> Interaction {
        Interaction {
            cassette: "c".to_owned(),
            id: 0,
            method: method.to_owned(),
            path: path.to_owned(),
            query: String::new(),
            request_body: request.to_owned(),
            status,
            content_type: "application/json".to_owned(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn apps_are_picked_from_answers_and_request_bodies_as_recorded() {
        let all = [
            interaction("GET", "/api/v1/apps", 200, "", r#"[{"id":"a", "b":1},{"id":"b"}]"#),
            interaction("PUT", "/api/v1/apps/0oa1", 200, r#"{"label":"x"}"#, r#"{"id":"0oa1"}"#),
            interaction("POST", "/api/v1/apps", 400, r#"{"label":"y"}"#, r#"{"errorCode":"E0000001"}"#),
            interaction("POST", "/api/v1/apps/0oa1/lifecycle/activate", 200, "", "{}"),
            interaction("GET", "/api/v1/apps/0oa1/groups", 200, "", "[]"),
            interaction("DELETE", "/api/v1/apps/0oa1", 204, "", ""),
        ];
        let picked = payloads(&all).expect("reads");
        let texts: Vec<(&str, Kind, &str)> =
            picked.iter().map(|p| (p.label.as_str(), p.kind, p.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                ("c#0 GET /api/v1/apps [0]", Kind::Answer, r#"{"id":"a", "b":1}"#),
                ("c#0 GET /api/v1/apps [1]", Kind::Answer, r#"{"id":"b"}"#),
                ("c#0 PUT /api/v1/apps/0oa1", Kind::Answer, r#"{"id":"0oa1"}"#),
                ("c#0 PUT /api/v1/apps/0oa1", Kind::Request, r#"{"label":"x"}"#),
                ("c#0 POST /api/v1/apps", Kind::Request, r#"{"label":"y"}"#),
            ]
        );
        let bad = [interaction("GET", "/api/v1/apps/0oa1", 200, "", "<html>")];
        assert!(format!("{:#}", payloads(&bad).expect_err("not JSON")).contains("c#0 GET /api/v1/apps/0oa1"));
    }

    #[test]
    fn figures_add_up_and_targets_are_judged() {
        let payload = |kind, text: &str| Payload { label: "l".to_owned(), kind, text: text.to_owned() };
        let payloads = [
            payload(Kind::Answer, r#"{"name":"a","signOnMode":"X","settings":{"x":[{"y":1}]}}"#),
            payload(Kind::Answer, r#"{"name":"d","signOnMode":null,"settings":{"x":[]}}"#),
            payload(Kind::Request, r#"{"name":"a"}"#),
            payload(Kind::Answer, r#"{"a":{"b":1}}"#),
        ];
        let undeclared =
            |path: &str, json_type, members| UndeclaredMember { path: path.to_owned(), json_type, members };
        let coverage =
            |typed, free_form, undeclared, unlisted| MemberCoverage { typed, free_form, undeclared, unlisted };
        let facts = [
            Facts {
                variant: "Saml".to_owned(),
                coverage: coverage(
                    3,
                    0,
                    vec![undeclared("settings.x", JsonType::Array, 2)],
                    vec![UnlistedValue { path: "signOnMode".to_owned(), value: "X".to_owned() }],
                ),
                ..Facts::default()
            },
            Facts {
                variant: "Unknown".to_owned(),
                coverage: coverage(3, 0, vec![undeclared("settings.x", JsonType::Object, 1)], Vec::new()),
                ..Facts::default()
            },
            Facts {
                variant: "Saml".to_owned(),
                coverage: coverage(0, 0, vec![undeclared("name", JsonType::String, 1)], Vec::new()),
                ..Facts::default()
            },
            Facts { error: Some("decode: a: wrong".to_owned()), ..Facts::default() },
        ];
        let report = Report::new(&payloads, &facts);
        assert_eq!((report.answers, report.requests, report.members, report.typed, report.known), (3, 1, 11, 6, 1));
        assert_eq!(report.request_members, (1, 0));
        assert_eq!(report.round_trip_failures, ["l: decode: a: wrong"]);
        let text = report.render(10);
        assert!(text.contains("typed members: 6 of 11 member occurrences in answers (54.55%)"), "{text}");
        assert!(text.contains("known variant: 1 of 3 apps (33.33%)"), "{text}");
        // 6 typed, 2 outermost undeclared (the one that did not decode counts none).
        assert!(text.contains("not the members inside it: 75.00%"), "{text}");
        assert!(text.contains("unknown:    1  name \"d\", signOnMode null"), "{text}");
        assert!(text.contains("unknown:    1  name absent, signOnMode absent"), "{text}");
        assert!(text.contains("      2      3  settings.x  array|object"), "{text}");
        assert!(text.contains("signOnMode = \"X\""), "{text}");
        assert!(text.contains("round trip: 3 of 4 payloads"), "{text}");
        assert!(text.contains("undeclared members in request bodies (1 paths"), "{text}");
        assert!(text.contains("      1      1  name  string"), "{text}");
        let all = Targets { min_typed: Some(50.0), min_known: Some(30.0) };
        assert_eq!(report.shortfalls(all), ["1 payloads do not round-trip exactly"]);
        let strict = Targets { min_typed: Some(99.0), min_known: Some(99.5) };
        assert_eq!(report.shortfalls(strict).len(), 3);
    }

    #[test]
    fn paths_lose_their_indices() {
        assert_eq!(general("_links.logo[0].href"), "_links.logo[].href");
        assert_eq!(general("a[12][3].b"), "a[][].b");
        assert_eq!(general("settings.app"), "settings.app");
    }
}
