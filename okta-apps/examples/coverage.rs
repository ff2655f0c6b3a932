//! Says of each app payload on standard input (JSON values, one after the
//! other, as an org sent them) what a user of the crate gets from it: the
//! `Application` variant it decodes to, whether encoding it again gives the
//! same JSON value, and which of its members land in typed fields
//! (`okta_runtime::coverage`). Writes one JSON line per payload, in order.
//! `cargo xtask coverage RECORDINGS` feeds it the apps real orgs sent and
//! adds up its answers.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use okta_apps::models::Application;
use okta_apps::runtime::coverage::{MemberCoverage, member_coverage};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// What is said of one payload: why it did not decode, else its variant,
/// where re-encoding changed it, and where its members landed.
#[derive(Debug, Default, Serialize)]
struct Facts {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    variant: &'static str,
    round_trip: Option<String>,
    #[serde(flatten)]
    coverage: MemberCoverage,
}

/// Decodes one payload from its text, as the client decodes a body.
fn facts(text: &str) -> Facts {
    let sent: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Facts { error: Some(format!("not JSON: {e}")), ..Facts::default() },
    };
    let app: Application = match okta_apps::from_str(text) {
        Ok(app) => app,
        Err(e) => return Facts { error: Some(format!("does not decode: {e}")), ..Facts::default() },
    };
    let round_trip = match serde_json::to_value(&app) {
        Ok(encoded) => json::first_difference(&sent, &encoded),
        Err(e) => Some(format!("does not encode: {e}")),
    };
    let coverage = match member_coverage(&sent, &app) {
        Ok(c) => c,
        Err(e) => return Facts { error: Some(format!("does not encode: {e}")), ..Facts::default() },
    };
    Facts { error: None, variant: app.variant_name(), round_trip, coverage }
}

#[path = "../tests/common/json.rs"]
mod json;

fn main() -> ExitCode {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for payload in serde_json::Deserializer::from_reader(stdin).into_iter::<Box<RawValue>>() {
        let line = match payload {
            Ok(text) => serde_json::to_string(&facts(text.get())),
            Err(e) => {
                eprintln!("error: reading the payloads: {e}");
                return ExitCode::FAILURE;
            }
        };
        let written = line.map_err(std::io::Error::from).and_then(|line| writeln!(out, "{line}"));
        if let Err(e) = written {
            eprintln!("error: writing the facts: {e}");
            return ExitCode::FAILURE;
        }
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing the facts: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bookmark_with_an_undeclared_member_is_told_apart() {
        let text = r#"{"name":"bookmark","label":"Wiki","signOnMode":"BOOKMARK","status":"RETIRED",
            "settings":{"app":{"url":"https://wiki.example.com"},"madeUp":{"a":1}}}"#;
        let f = facts(text);
        assert_eq!((f.error.as_deref(), f.variant, f.round_trip.as_deref()), (None, "Bookmark", None));
        let undeclared: Vec<(&str, &str, usize)> =
            f.coverage.undeclared.iter().map(|u| (u.path.as_str(), u.json_type.as_str(), u.members)).collect();
        assert_eq!(undeclared, [("settings.madeUp", "object", 2)]);
        assert_eq!((f.coverage.members(), f.coverage.typed), (9, 7));
        let unlisted: Vec<(&str, &str)> =
            f.coverage.unlisted.iter().map(|u| (u.path.as_str(), u.value.as_str())).collect();
        assert_eq!(unlisted, [("status", "RETIRED")]);
    }

    #[test]
    fn what_does_not_decode_or_differs_is_said() {
        assert!(facts(r#"{"name":"bookmark","signOnMode":"BOOKMARK","settings":{"app":{"url":5}}}"#).error.is_some());
        assert!(facts("{").error.is_some());
        let sent = serde_json::json!({"a": {"b": [1, 2]}, "c": 1});
        let changed = serde_json::json!({"a": {"b": [1, 3]}, "c": 1, "d": 2});
        assert_eq!(json::first_difference(&sent, &changed).as_deref(), Some("a.b[1]: 2 became 3"));
        let added = serde_json::json!({"a": {"b": [1, 2]}, "c": 1, "d": 2});
        assert_eq!(json::first_difference(&sent, &added).as_deref(), Some(".: `d` added"));
        assert_eq!(json::first_difference(&sent, &sent), None);
    }
}
