//! The fixture payloads under tests/fixtures/apps, shared by tests and benches.

use serde_json::Value;

/// Every fixture app, in file-name order; a page fixture gives all its apps.
pub fn apps() -> Vec<Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apps");
    let mut paths: Vec<_> =
        std::fs::read_dir(dir).expect("fixtures").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut apps = Vec::new();
    for path in paths {
        match serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON") {
            Value::Array(items) => apps.extend(items),
            v => apps.push(v),
        }
    }
    apps
}
