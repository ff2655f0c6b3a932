//! An app as a file: the app's members as the API names them, without the
//! members the org sets, secrets replaced by a marker, and its group
//! assignments under `_assignments`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

/// Members the org sets and a file leaves out.
pub const READ_ONLY: &[&str] = &["created", "lastUpdated", "_links", "_embedded"];

/// The member that holds an app's group assignments in its file.
pub const ASSIGNMENTS: &str = "_assignments";

/// The member that marks an app nobody may change.
pub const READ_ONLY_MARK: &str = "_readOnly";

/// What a secret's value is written as: "keep the value the org has".
pub const KEEP: &str = "(keep)";

/// A group assignment as a file holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The group's id: what the assignment is of.
    pub id: String,
    /// The group's name, for the reader: written on export, never compared
    /// nor sent.
    pub name: Option<String>,
    /// The assignment's priority, if set.
    pub priority: Option<Value>,
    /// The assignment's profile, if any.
    pub profile: Option<Value>,
}

impl Assignment {
    /// The group as a plan names it: its id, and its name when known.
    pub fn shown(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.id),
            None => self.id.clone(),
        }
    }

    /// As JSON, for a file.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("id".to_owned(), Value::from(self.id.clone()));
        if let Some(name) = &self.name {
            map.insert("name".to_owned(), Value::from(name.clone()));
        }
        if let Some(priority) = &self.priority {
            map.insert("priority".to_owned(), priority.clone());
        }
        if let Some(profile) = &self.profile {
            map.insert("profile".to_owned(), profile.clone());
        }
        Value::Object(map)
    }
}

/// Whether the member `name` holds a secret.
pub fn is_secret(name: &str) -> bool {
    okta_apps::runtime::is_secret_member(name, okta_apps::operations::SECRET_MEMBERS)
}

/// The app as its file holds it: read-only members gone, secrets marked.
pub fn for_file(app: &Value, assignments: &[Assignment], read_only: bool) -> Value {
    let mut out = match app {
        Value::Object(map) => {
            map.iter().filter(|(k, _)| !READ_ONLY.contains(&k.as_str())).map(|(k, v)| (k.clone(), mark(k, v))).collect()
        }
        _ => Map::new(),
    };
    if read_only {
        out.insert(READ_ONLY_MARK.to_owned(), Value::Bool(true));
    }
    let groups: Vec<Value> = assignments.iter().map(Assignment::to_value).collect();
    out.insert(ASSIGNMENTS.to_owned(), serde_json::json!({ "groups": groups }));
    Value::Object(out)
}

/// `value` with every secret member's value replaced by [`KEEP`].
fn mark(name: &str, value: &Value) -> Value {
    if is_secret(name) && !value.is_null() && !value.is_object() && !value.is_array() {
        return Value::from(KEEP);
    }
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), mark(k, v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(|v| mark(name, v)).collect()),
        other => other.clone(),
    }
}

/// A stable, readable file name: the label's letters and digits, then the id.
pub fn file_name(app: &Value) -> String {
    let label = app.get("label").and_then(Value::as_str).unwrap_or("app");
    let mut slug = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "app" } else { slug };
    match app.get("id").and_then(Value::as_str) {
        Some(id) => format!("{slug}-{}.yaml", id.replace(|c: char| !c.is_ascii_alphanumeric(), "_")),
        None => format!("{slug}.yaml"),
    }
}

/// One app file, read.
#[derive(Debug, Clone)]
pub struct AppFile {
    /// Where it is.
    pub path: PathBuf,
    /// The app's managed members (no `_assignments`, no `_readOnly`).
    pub app: Map<String, Value>,
    /// The group assignments it manages, when it has `_assignments.groups`.
    pub groups: Option<Vec<Assignment>>,
    /// Whether it is marked read-only.
    pub read_only: bool,
}

impl AppFile {
    /// The app's id, when the file has one.
    pub fn id(&self) -> Option<&str> {
        self.app.get("id").and_then(Value::as_str)
    }

    /// The app's label, or its file name.
    pub fn label(&self) -> String {
        match self.app.get("label").and_then(Value::as_str) {
            Some(label) => label.to_owned(),
            None => self.path.display().to_string(),
        }
    }
}

/// Reads every `*.yaml` file under `dir/apps`, in name order.
pub fn read_dir(dir: &Path) -> Result<Vec<AppFile>> {
    let apps = dir.join("apps");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&apps)
        .with_context(|| format!("reading {}", apps.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut ids = BTreeMap::new();
    for path in paths {
        let file = read_file(&path)?;
        if let Some(id) = file.id() {
            if let Some(other) = ids.insert(id.to_owned(), path.clone()) {
                bail!("{} and {} both hold app {id}", other.display(), path.display());
            }
        }
        files.push(file);
    }
    Ok(files)
}

/// Reads one app file.
pub fn read_file(path: &Path) -> Result<AppFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: Value = yaml_serde::from_str(&text).with_context(|| format!("{}: not YAML", path.display()))?;
    let Value::Object(mut app) = value else { bail!("{}: an app file holds a mapping", path.display()) };
    let read_only = app.remove(READ_ONLY_MARK).is_some_and(|v| v == Value::Bool(true));
    let groups = match app.remove(ASSIGNMENTS) {
        None => None,
        Some(assignments) => match assignments.get("groups") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let id = item
                            .get("id")
                            .and_then(Value::as_str)
                            .with_context(|| format!("{}: {ASSIGNMENTS}.groups[{i}] has no id", path.display()))?;
                        Ok(Assignment {
                            id: id.to_owned(),
                            name: item.get("name").and_then(Value::as_str).map(str::to_owned),
                            priority: item.get("priority").cloned(),
                            profile: item.get("profile").cloned(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
            Some(_) => bail!("{}: {ASSIGNMENTS}.groups is not a list", path.display()),
        },
    };
    Ok(AppFile { path: path.to_owned(), app, groups, read_only })
}

/// The value a secret marker in a file stands for: `(keep)` the org's
/// (`None`), `${NAME}` the environment variable `NAME`'s.
pub fn secret_value(marker: &str) -> Result<Option<String>> {
    if marker == KEEP {
        return Ok(None);
    }
    match marker.strip_prefix("${").and_then(|m| m.strip_suffix('}')) {
        Some(name) => {
            std::env::var(name).map(Some).with_context(|| format!("the environment variable {name} is not set"))
        }
        None => Ok(Some(marker.to_owned())),
    }
}

/// Whether a file's value for a secret member says where the value is
/// rather than what it is.
pub fn is_marker(value: &Value) -> bool {
    value.as_str().is_some_and(|s| s == KEEP || (s.starts_with("${") && s.ends_with('}')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn files_leave_out_what_the_org_sets_and_mark_secrets() {
        let app = json!({
            "id": "0oa1", "label": "Portal / SSO", "created": "x", "_links": {},
            "credentials": { "oauthClient": { "client_id": "c", "client_secret": "s3cr3t" } },
            "settings": { "app": { "password": null } }
        });
        let file = for_file(&app, &[], false);
        assert_eq!(file["credentials"]["oauthClient"]["client_secret"], KEEP);
        assert_eq!(file["credentials"]["oauthClient"]["client_id"], "c");
        assert!(file.get("created").is_none() && file.get("_links").is_none());
        assert_eq!(file["settings"]["app"]["password"], Value::Null, "a null is not a secret");
        assert_eq!(file_name(&app), "portal-sso-0oa1.yaml");
        assert!(!file.to_string().contains("s3cr3t"));
    }

    #[test]
    fn markers_name_where_a_secret_is() {
        assert_eq!(secret_value(KEEP).expect("keep"), None);
        assert!(secret_value("${OKTA_APPS_TEST_UNSET_VARIABLE}").is_err());
        assert!(is_marker(&json!("${X}")) && is_marker(&json!(KEEP)) && !is_marker(&json!("plain")));
    }
}
