//! Recorded HTTP interactions with real orgs, one JSON object a line,
//! optionally gzip-compressed: what `cargo xtask coverage` and
//! `cargo xtask replay` read.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// One request and the real org's answer to it.
#[derive(Debug, Clone, Deserialize)]
pub struct Interaction {
    /// The recording it belongs to: interactions of one cassette share an org's state.
    pub cassette: String,
    /// Its position in its cassette.
    pub id: u64,
    /// The request's method.
    pub method: String,
    /// The request's path, without the host.
    pub path: String,
    /// The request's query, without `?` (empty if none).
    #[serde(default)]
    pub query: String,
    /// The body sent, as text (empty if none).
    #[serde(default)]
    pub request_body: String,
    /// The status the org answered.
    pub status: u16,
    /// The answer's media type (empty if none).
    #[serde(default)]
    pub content_type: String,
    /// The answer's body, as text.
    #[serde(default)]
    pub body: String,
}

/// Which apps resource a request's path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppPath<'a> {
    /// `/api/v1/apps`: the list, or where apps are created.
    List,
    /// `/api/v1/apps/{appId}`: one app, by its id.
    One(&'a str),
}

impl Interaction {
    /// Whether the request's path is `/api/v1/apps` or one app under it;
    /// `None` for anything else (an app's users, its lifecycle, ...).
    pub fn app_path(&self) -> Option<AppPath<'_>> {
        match self.path.strip_prefix("/api/v1/apps")? {
            "" => Some(AppPath::List),
            rest => rest.strip_prefix('/').filter(|id| !id.is_empty() && !id.contains('/')).map(AppPath::One),
        }
    }

    /// The request's target: path and query.
    pub fn target(&self) -> String {
        if self.query.is_empty() { self.path.clone() } else { format!("{}?{}", self.path, self.query) }
    }

    /// The answer's body as JSON, when it is JSON.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The request's body as JSON, when it is JSON.
    pub fn json_request_body(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.request_body).ok()
    }
}

/// Reads every interaction of a file (`.gz` or plain), in recorded order.
/// A line that is not an interaction is an error naming its line number.
pub fn read(path: &Path) -> Result<Vec<Interaction>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let gzipped = path.extension().is_some_and(|e| e == "gz");
    let reader: Box<dyn Read> = if gzipped { Box::new(flate2::read::GzDecoder::new(file)) } else { Box::new(file) };
    parse(BufReader::new(reader)).with_context(|| format!("reading {}", path.display()))
}

/// Parses interactions from JSON lines; blank lines are skipped.
pub fn parse(reader: impl BufRead) -> Result<Vec<Interaction>> {
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("line {}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let interaction = serde_json::from_str(&line).with_context(|| format!("line {}: not an interaction", n + 1))?;
        out.push(interaction);
    }
    Ok(out)
}

/// Interactions grouped by cassette, each group in recorded order, cassettes
/// in the order they first appear.
pub fn by_cassette(interactions: &[Interaction]) -> Vec<(&str, Vec<&Interaction>)> {
    let mut groups: Vec<(&str, Vec<&Interaction>)> = Vec::new();
    for i in interactions {
        match groups.iter_mut().find(|(name, _)| *name == i.cassette) {
            Some((_, list)) => list.push(i),
            None => groups.push((&i.cassette, vec![i])),
        }
    }
    for (_, list) in &mut groups {
        list.sort_by_key(|i| i.id);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_grouped_and_located_when_wrong() {
        let text = r#"{"cassette":"b","id":1,"method":"GET","path":"/api/v1/apps/0oa1","query":"","request_body":"","status":200,"content_type":"application/json","body":"{\"id\":\"0oa1\"}"}

{"cassette":"a","id":0,"method":"GET","path":"/api/v1/apps","query":"limit=2","request_body":"","status":200,"content_type":"application/json","body":"[]"}
{"cassette":"b","id":0,"method":"POST","path":"/api/v1/apps","query":"","request_body":"{}","status":400,"content_type":"application/json","body":"{}"}
"#;
        let all = parse(text.as_bytes()).expect("parses");
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].target(), "/api/v1/apps?limit=2");
        assert_eq!(all[0].json_body(), Some(serde_json::json!({"id": "0oa1"})));
        let groups = by_cassette(&all);
        let order: Vec<(&str, Vec<u64>)> =
            groups.iter().map(|(name, list)| (*name, list.iter().map(|i| i.id).collect())).collect();
        assert_eq!(order, vec![("b", vec![0, 1]), ("a", vec![0])]);
        assert_eq!(all[0].app_path(), Some(AppPath::One("0oa1")));
        assert_eq!(all[1].app_path(), Some(AppPath::List));
        let users = Interaction { path: "/api/v1/apps/0oa1/users".to_owned(), ..all[0].clone() };
        assert_eq!(users.app_path(), None);
        let err = parse("{\"cassette\":1}\n".as_bytes()).expect_err("not an interaction");
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
    }
}
