//! The org as a file: its apps, what hangs off each (assignments, keys,
//! secrets, grants, tokens, claims, push mappings, the logo) and its users
//! and groups, saved as JSON and loaded back; and an `okta-apps export`
//! folder loaded as the org's apps.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::defaults::OrgFacts;
use crate::directory::{Directory, DirectoryKind};
use crate::family::AppFamily;
use crate::store::Org;
use crate::util::id_of;

/// What a state file holds.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    /// The format, for files written by later versions.
    format: u32,
    /// The origin the links in it were made for.
    base_url: String,
    apps: Vec<Value>,
    #[serde(default)]
    families: BTreeMap<String, AppFamily>,
    #[serde(default)]
    users: Vec<Value>,
    #[serde(default)]
    groups: Vec<Value>,
    /// What the org's apps show of it: its id, its own key, its policies.
    #[serde(default)]
    org: Option<OrgFacts>,
    /// Custom apps created so far.
    #[serde(default)]
    custom_count: u64,
}

/// The format [`save`] writes.
const FORMAT: u32 = 1;

/// The org as the text of a state file. The authorization server (service
/// apps, issued tokens) is not saved: tokens would not outlive the process.
pub(crate) fn save(org: &Org) -> Result<String, String> {
    let state = State {
        format: FORMAT,
        base_url: org.base_url.clone(),
        apps: org.apps(),
        families: org.family.clone(),
        users: org.directory.list(DirectoryKind::User).to_vec(),
        groups: org.directory.list(DirectoryKind::Group).to_vec(),
        org: Some(org.facts.clone()),
        custom_count: org.custom_count,
    };
    serde_json::to_string_pretty(&state).map_err(|e| format!("cannot write the state: {e}"))
}

/// Replaces the org's apps, families, users and groups with those of a state
/// file's `text`; links made for another origin are moved to this one.
pub(crate) fn load(org: &mut Org, text: &str) -> Result<(), String> {
    let probe: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let old_base = probe.get("base_url").and_then(Value::as_str).unwrap_or_default().to_owned();
    let text = if old_base.is_empty() || old_base == org.base_url {
        text.to_owned()
    } else {
        text.replace(&old_base, &org.base_url)
    };
    let state: State = serde_json::from_str(&text).map_err(|e| format!("not a state file: {e}"))?;
    if state.format > FORMAT {
        return Err(format!("state format {} is newer than this fake's ({FORMAT})", state.format));
    }
    org.clear();
    for app in state.apps {
        if !app.get("id").is_some_and(Value::is_string) {
            return Err("an app without a string id".to_owned());
        }
        org.insert(app);
    }
    org.family = state.families;
    org.directory = Directory::default();
    for (kind, objects) in [(DirectoryKind::User, state.users), (DirectoryKind::Group, state.groups)] {
        for object in objects {
            if !object.is_object() {
                return Err(format!("a {} that is not a JSON object", kind.noun()));
            }
            org.insert_directory(kind, object);
        }
    }
    if let Some(facts) = state.org {
        org.facts = facts;
    }
    org.custom_count = state.custom_count;
    Ok(())
}

/// Loads the apps of an `okta-apps export` folder (`dir/apps/*.yaml`): each
/// file's members as the app, its `_assignments.groups` as group
/// assignments (adding a group of that id and name to the directory when
/// the org lacks one). A secret the file holds only as a marker (`(keep)`,
/// `${NAME}`) gets a generated value. Returns how many apps were loaded.
pub(crate) fn seed(org: &mut Org, dir: &Path) -> Result<usize, String> {
    let folder = dir.join("apps");
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    paths.sort();
    for path in &paths {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value: Value = yaml_serde::from_str(&text).map_err(|e| format!("{}: not YAML: {e}", path.display()))?;
        let Value::Object(mut app) = value else { return Err(format!("{}: not a mapping", path.display())) };
        app.remove("_readOnly");
        let assignments = app.remove("_assignments");
        let app = unmark(Value::Object(app));
        let id = org.insert(app);
        let groups = assignments.as_ref().and_then(|a| a.get("groups")).and_then(Value::as_array);
        for (priority, group) in groups.into_iter().flatten().enumerate() {
            let Some(group_id) = id_of(group) else {
                return Err(format!("{}: a group assignment without an id", path.display()));
            };
            if !org.directory.list(DirectoryKind::Group).iter().any(|g| id_of(g) == Some(group_id)) {
                let name = group.get("name").and_then(Value::as_str).unwrap_or(group_id);
                org.insert_directory(DirectoryKind::Group, json!({ "id": group_id, "profile": { "name": name } }));
            }
            let mut assignment = Map::new();
            assignment.insert("id".to_owned(), Value::from(group_id));
            let priority = group.get("priority").cloned().unwrap_or_else(|| Value::from(priority));
            assignment.insert("priority".to_owned(), priority);
            assignment.insert("profile".to_owned(), group.get("profile").cloned().unwrap_or_else(|| json!({})));
            org.assign_group(&id, Value::Object(assignment));
        }
    }
    Ok(paths.len())
}

/// `value` with every secret marker replaced by a generated secret.
fn unmark(value: Value) -> Value {
    match value {
        Value::String(s) if s == "(keep)" || (s.starts_with("${") && s.ends_with('}')) => {
            Value::String(crate::util::random_alphanumeric(40))
        }
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, unmark(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(unmark).collect()),
        other => other,
    }
}
