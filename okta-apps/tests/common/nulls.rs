//! Payloads with one member set to `null`, as real servers send them: shared
//! by the tests and the roundtrip check of published examples.

#![allow(dead_code)] // Each user takes the part it needs.

use serde_json::Value;

/// The JSON pointer of every object member of `value` that is not `null`
/// already, at any depth (inside arrays too), in document order.
pub fn members(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: &mut String, out: &mut Vec<String>) {
        let len = at.len();
        match value {
            Value::Object(members) => {
                for (key, member) in members {
                    at.push('/');
                    at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    if !member.is_null() {
                        out.push(at.clone());
                    }
                    walk(member, at, out);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    at.push_str(&format!("/{i}"));
                    walk(item, at, out);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut String::new(), &mut out);
    out
}

/// `value` with the member at `pointer` set to `null`.
pub fn with_null(value: &Value, pointer: &str) -> Value {
    let mut changed = value.clone();
    if let Some(member) = changed.pointer_mut(pointer) {
        *member = Value::Null;
    }
    changed
}

/// Checks each copy of `value` with one member set to `null`: `round_trip`
/// must give it back exactly. Returns how many copies were checked, and adds
/// a line per failure, labelled with `label` and the member's pointer.
pub fn each_null(
    value: &Value,
    label: &str,
    round_trip: impl Fn(&Value) -> Result<Value, String>,
    failures: &mut Vec<String>,
) -> usize {
    let members = members(value);
    for pointer in &members {
        let changed = with_null(value, pointer);
        match round_trip(&changed) {
            Ok(encoded) if encoded == changed => {}
            Ok(_) => failures.push(format!("{label} {pointer}: re-encoded differently")),
            Err(e) => failures.push(format!("{label} {pointer}: {e}")),
        }
    }
    members.len()
}
