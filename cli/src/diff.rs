//! The semantic comparison of a file's members with the org's app: member
//! order, number spelling and members the file leaves out do not count.

use serde_json::{Map, Value};

use crate::doc::{is_marker, is_secret};

/// Members the comparison leaves to other actions: `id` names the app,
/// `status` is its lifecycle.
const NOT_MEMBERS: &[&str] = &["id", "status"];

/// One managed member whose value differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `settings.app.url`, `redirect_uris[0]`...
    pub path: String,
    /// What the org has (`null` when absent).
    pub old: Value,
    /// What the file says.
    pub new: Value,
}

/// The managed members of `file` that differ from `org`, in file order.
pub fn changes(file: &Map<String, Value>, org: &Map<String, Value>) -> Vec<Change> {
    let mut out = Vec::new();
    for (key, value) in file.iter().filter(|(k, _)| !NOT_MEMBERS.contains(&k.as_str())) {
        walk(key, key, value, org.get(key).unwrap_or(&Value::Null), &mut out);
    }
    out
}

fn walk(path: &str, name: &str, file: &Value, org: &Value, out: &mut Vec<Change>) {
    if is_secret(name) && is_marker(file) {
        return;
    }
    match (file, org) {
        (Value::Object(file), Value::Object(org)) => {
            for (key, value) in file {
                walk(&format!("{path}.{key}"), key, value, org.get(key).unwrap_or(&Value::Null), out);
            }
        }
        _ if covers(name, file, org) => {}
        _ => out.push(Change { path: path.to_owned(), old: org.clone(), new: file.clone() }),
    }
}

/// Whether the org's `org` is what the file's `file` says: numbers by value,
/// objects by the members the file has, arrays item by item.
pub fn covers(name: &str, file: &Value, org: &Value) -> bool {
    match (file, org) {
        _ if is_secret(name) && is_marker(file) => true,
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => a == b,
            _ => a.as_f64() == b.as_f64(),
        },
        (Value::Object(file), Value::Object(org)) => {
            file.iter().all(|(k, v)| covers(k, v, org.get(k).unwrap_or(&Value::Null)))
        }
        (Value::Array(file), Value::Array(org)) => {
            file.len() == org.len() && file.iter().zip(org).all(|(f, o)| covers(name, f, o))
        }
        (a, b) => a == b,
    }
}

/// `file`'s members laid over `org`'s: objects member by member, anything
/// else replaced; a secret's marker keeps the org's value or takes the one it
/// names. What the file leaves out stays as the org has it.
pub fn overlay(org: &mut Map<String, Value>, file: &Map<String, Value>) -> anyhow::Result<()> {
    for (key, value) in file {
        let slot = org.entry(key.clone()).or_insert(Value::Null);
        lay(key, slot, value)?;
    }
    Ok(())
}

fn lay(name: &str, slot: &mut Value, file: &Value) -> anyhow::Result<()> {
    if is_secret(name) && is_marker(file) {
        if let Some(value) = marked_secret(file)? {
            *slot = value;
        }
        return Ok(());
    }
    match (slot, file) {
        (Value::Object(slot), Value::Object(file)) => overlay(slot, file),
        (slot, file) => {
            *slot = without_markers(file)?;
            Ok(())
        }
    }
}

/// The value a secret's marker stands for, or `None` for "keep the org's".
fn marked_secret(marker: &Value) -> anyhow::Result<Option<Value>> {
    Ok(marker.as_str().map(crate::doc::secret_value).transpose()?.flatten().map(Value::String))
}

/// A value from a file with its secret markers resolved; a `(keep)` with
/// nothing to keep is left out.
pub fn without_markers(value: &Value) -> anyhow::Result<Value> {
    Ok(match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if is_secret(k) && is_marker(v) {
                    if let Some(secret) = marked_secret(v)? {
                        out.insert(k.clone(), secret);
                    }
                } else {
                    out.insert(k.clone(), without_markers(v)?);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(without_markers).collect::<Result<_, _>>()?),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn only_managed_members_that_differ_count() {
        let org = map(
            json!({"label": "Wiki", "settings": {"app": {"url": "a", "extra": 1}}, "n": 1.0, "x": [1, {"a": 1, "b": 2}]}),
        );
        let same = map(json!({"settings": {"app": {"url": "a"}}, "n": 1, "x": [1, {"a": 1}]}));
        assert!(changes(&same, &org).is_empty());
        let edited = map(json!({"label": "Docs", "settings": {"app": {"url": "b"}}}));
        let found: Vec<String> = changes(&edited, &org).into_iter().map(|c| c.path).collect();
        assert_eq!(found, ["label", "settings.app.url"]);
        let secret = map(json!({"credentials": {"oauthClient": {"client_secret": "(keep)"}}}));
        assert!(changes(&secret, &map(json!({"credentials": {"oauthClient": {"client_secret": "s"}}}))).is_empty());
    }

    #[test]
    fn the_file_is_laid_over_the_org_and_keeps_secrets_and_unmanaged_members() {
        let mut org = map(
            json!({"label": "Wiki", "settings": {"app": {"url": "a", "extra": 1}}, "credentials": {"oauthClient": {"client_secret": "s"}}}),
        );
        let file = map(
            json!({"settings": {"app": {"url": "b"}}, "credentials": {"oauthClient": {"client_secret": "(keep)"}}}),
        );
        overlay(&mut org, &file).expect("overlay");
        assert_eq!(
            Value::Object(org),
            json!({"label": "Wiki", "settings": {"app": {"url": "b", "extra": 1}}, "credentials": {"oauthClient": {"client_secret": "s"}}})
        );
    }
}
