//! Where two JSON values differ: shared by the round-trip tests and the
//! examples that check payloads (`roundtrip`, `coverage`).

use serde_json::Value;

/// The first place where `encoded` differs from `sent`, with what differs
/// (`settings.app.url: "a" became "b"`, `label: left out`, `.: "x" added`);
/// `None` when they are the same JSON value. Member order does not count.
pub fn first_difference(sent: &Value, encoded: &Value) -> Option<String> {
    difference(sent, encoded, &mut String::new())
}

fn difference(sent: &Value, encoded: &Value, path: &mut String) -> Option<String> {
    fn here(path: &str, what: &str) -> Option<String> {
        Some(format!("{}: {what}", if path.is_empty() { "." } else { path }))
    }
    match (sent, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let found = match b.get(key) {
                    None => here(path, "left out"),
                    Some(other) => difference(value, other, path),
                };
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            let added = b.keys().find(|k| !a.contains_key(*k))?;
            here(path, &format!("`{added}` added"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = difference(x, y, path);
                path.truncate(len);
                found
            })
        }
        (a, b) if a == b => None,
        (a, b) => here(path, &format!("{a} became {b}")),
    }
}
