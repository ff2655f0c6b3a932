//! Stage 1: spec text (YAML or JSON) to a typed OpenAPI document.

use std::path::Path;

use crate::diag::Pointer;

/// Why a spec could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The text is not YAML or JSON.
    #[error("{origin}:{line}:{column}: not valid YAML or JSON: {message}")]
    Syntax {
        /// The file name, for messages.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The document is YAML but not an OpenAPI 3.0 document.
    #[error("{origin}: {pointer}: {message}")]
    Shape {
        /// The file name, for messages.
        origin: String,
        /// Where the document stops matching OpenAPI 3.0.
        pointer: Pointer,
        /// What did not match.
        message: String,
    },
}

/// A loaded spec: the typed document and the raw tree it came from (for
/// extensions and for locating problems).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// The same document as JSON.
    pub raw: serde_json::Value,
}

/// Reads and parses a spec file.
pub fn load_file(path: &Path) -> Result<Spec, LoadError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| LoadError::Io { path: path.display().to_string(), source })?;
    load_str(&text, &path.display().to_string())
}

/// Parses spec text; `origin` names it in errors.
pub fn load_str(text: &str, origin: &str) -> Result<Spec, LoadError> {
    let yaml: yaml_serde::Value = yaml_serde::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        LoadError::Syntax { origin: origin.to_owned(), line, column, message: e.to_string() }
    })?;
    let shape = |pointer: Pointer, message: String| LoadError::Shape { origin: origin.to_owned(), pointer, message };
    let yaml = string_keys(yaml);
    let raw = to_json(&yaml).map_err(|(mut segments, message)| {
        segments.reverse();
        shape(segments.iter().fold(Pointer::root(), |p, s| p.join(s)), message)
    })?;
    if !raw.is_object() {
        return Err(shape(Pointer::root(), "the document is not a mapping".to_owned()));
    }
    let version = raw.get("openapi").and_then(|v| v.as_str()).unwrap_or_default();
    if !version.starts_with("3.0") {
        return Err(shape(
            Pointer::root().join("openapi"),
            format!("unsupported version `{version}`: only OpenAPI 3.0.x is supported"),
        ));
    }
    // The typed document is read from the YAML tree, which keeps the order
    // of keys (properties, paths) as written; the JSON copy does not. Paths
    // are tracked (an allocation per key) only to locate a failure.
    match <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&yaml) {
        Ok(openapi) => Ok(Spec { openapi, raw }),
        Err(plain) => {
            let (pointer, message) = locate(&yaml).unwrap_or_else(|| {
                match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&yaml) {
                    Err(e) => (path_to_pointer(e.path()), e.inner().to_string()),
                    Ok(_) => (Pointer::root(), plain.to_string()),
                }
            });
            Err(shape(pointer, message))
        }
    }
}

/// Converts YAML (with string keys) to JSON. On failure, the path to the bad
/// node comes back innermost segment first.
fn to_json(value: &yaml_serde::Value) -> Result<serde_json::Value, (Vec<String>, String)> {
    use yaml_serde::Value as Y;
    Ok(match value {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => serde_json::Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(serde_json::Value::Number)
                    .ok_or_else(|| (Vec::new(), format!("number {f} cannot be represented in JSON")))?
            }
        }
        Y::String(s) => serde_json::Value::String(s.clone()),
        Y::Sequence(items) => serde_json::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    to_json(v).map_err(|(mut path, m)| {
                        path.push(i.to_string());
                        (path, m)
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let Y::String(key) = k else {
                    return Err((Vec::new(), "a mapping key is not a scalar".to_owned()));
                };
                let value = to_json(v).map_err(|(mut path, m)| {
                    path.push(key.clone());
                    (path, m)
                })?;
                out.insert(key.clone(), value);
            }
            serde_json::Value::Object(out)
        }
        Y::Tagged(tagged) => to_json(&tagged.value)?,
    })
}

/// openapiv3 reads most nodes through flattened maps that hide the path of
/// an error; reading the nodes one by one, deepest first, finds the one that fails.
fn locate(yaml: &yaml_serde::Value) -> Option<(Pointer, String)> {
    use Node::*;
    let components = Pointer::root().join("components");
    let sections = [
        (yaml.get("paths"), Pointer::root().join("paths"), PathItem),
        (yaml.pointer_get(&["components", "schemas"]), components.join("schemas"), Schema),
        (yaml.pointer_get(&["components", "parameters"]), components.join("parameters"), Parameter),
        (yaml.pointer_get(&["components", "responses"]), components.join("responses"), Response),
        (yaml.pointer_get(&["components", "requestBodies"]), components.join("requestBodies"), RequestBody),
    ];
    for (section, at, kind) in sections {
        for (key, value) in section.and_then(|s| s.as_mapping()).into_iter().flatten() {
            if let Some(found) = deepest(value, at.join(key.as_str().unwrap_or_default()), kind) {
                return Some(found);
            }
        }
    }
    None
}

/// The kinds of nodes `locate` reads.
#[derive(Clone, Copy)]
enum Node {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Schema,
}

trait PointerGet {
    fn pointer_get(&self, keys: &[&str]) -> Option<&yaml_serde::Value>;
}

impl PointerGet for yaml_serde::Value {
    fn pointer_get(&self, keys: &[&str]) -> Option<&yaml_serde::Value> {
        keys.iter().try_fold(self, |v, k| v.get(*k))
    }
}

/// The deepest node under `value` that does not read as `kind`, if any.
fn deepest(value: &yaml_serde::Value, at: Pointer, kind: Node) -> Option<(Pointer, String)> {
    use openapiv3::ReferenceOr;
    fn check<T: serde::de::DeserializeOwned>(v: &yaml_serde::Value) -> Result<(), (Pointer, String)> {
        serde_path_to_error::deserialize::<_, T>(v)
            .map(drop)
            .map_err(|e| (path_to_pointer(e.path()), e.inner().to_string()))
    }
    let result = match kind {
        Node::PathItem => check::<ReferenceOr<openapiv3::PathItem>>(value),
        Node::Operation => check::<openapiv3::Operation>(value),
        Node::Parameter => check::<ReferenceOr<openapiv3::Parameter>>(value),
        Node::RequestBody => check::<ReferenceOr<openapiv3::RequestBody>>(value),
        Node::Response => check::<ReferenceOr<openapiv3::Response>>(value),
        Node::Schema => check::<ReferenceOr<openapiv3::Schema>>(value),
    };
    let (inner, message) = result.err()?;
    let mut children: Vec<(Pointer, &yaml_serde::Value, Node)> = Vec::new();
    let mut map_children = |key: &str, node: Node| {
        if let Some(m) = value.get(key).and_then(|v| v.as_mapping()) {
            for (k, v) in m {
                children.push((at.join(key).join(k.as_str().unwrap_or_default()), v, node));
            }
        }
    };
    match kind {
        Node::PathItem => {
            for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
                if let Some(op) = value.get(method) {
                    children.push((at.join(method), op, Node::Operation));
                }
            }
        }
        Node::Operation => {
            map_children("responses", Node::Response);
            if let Some(body) = value.get("requestBody") {
                children.push((at.join("requestBody"), body, Node::RequestBody));
            }
        }
        Node::Schema => {
            map_children("properties", Node::Schema);
            for key in ["items", "additionalProperties", "not"] {
                if let Some(v) = value.get(key).filter(|v| v.is_mapping()) {
                    children.push((at.join(key), v, Node::Schema));
                }
            }
        }
        Node::Response | Node::RequestBody => {
            if let Some(content) = value.get("content").and_then(|c| c.as_mapping()) {
                for (media, m) in content {
                    if let Some(schema) = m.get("schema") {
                        let here = at.join("content").join(media.as_str().unwrap_or_default()).join("schema");
                        children.push((here, schema, Node::Schema));
                    }
                }
            }
        }
        Node::Parameter => {
            if let Some(schema) = value.get("schema") {
                children.push((at.join("schema"), schema, Node::Schema));
            }
        }
    }
    for list in ["parameters", "allOf", "oneOf", "anyOf"] {
        let node = if list == "parameters" { Node::Parameter } else { Node::Schema };
        if let Some(items) = value.get(list).and_then(|v| v.as_sequence()) {
            for (i, item) in items.iter().enumerate() {
                children.push((at.join(list).join(i.to_string()), item, node));
            }
        }
    }
    for (here, child, node) in children {
        if let Some(found) = deepest(child, here, node) {
            return Some(found);
        }
    }
    let mut pointer = at;
    for segment in inner.segments() {
        pointer = pointer.join(segment);
    }
    Some((pointer, message))
}

/// The same tree with every mapping key a string, as OpenAPI means them.
fn string_keys(value: yaml_serde::Value) -> yaml_serde::Value {
    use yaml_serde::Value as Y;
    match value {
        Y::Sequence(items) => Y::Sequence(items.into_iter().map(string_keys).collect()),
        Y::Mapping(map) => Y::Mapping(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::Number(n) => Y::String(n.to_string()),
                        Y::Bool(b) => Y::String(b.to_string()),
                        Y::Null => Y::String("null".to_owned()),
                        other => other,
                    };
                    (key, string_keys(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => string_keys(tagged.value),
        other => other,
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer.join(index.to_string()),
            Segment::Map { key } => pointer.join(key),
            Segment::Enum { variant } => pointer.join(variant),
            Segment::Unknown => pointer,
        };
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_have_a_line() {
        let err = load_str("openapi: 3.0.3\ninfo: [\n", "bad.yaml").expect_err("bad yaml");
        let text = err.to_string();
        assert!(text.starts_with("bad.yaml:"), "{text}");
        assert!(matches!(err, LoadError::Syntax { line, .. } if line >= 2), "{text}");
    }

    #[test]
    fn shape_errors_have_a_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = load_str(text, "s.yaml").expect_err("bad shape");
        assert!(err.to_string().contains("#/paths/~1a/get"), "{err}");
    }

    #[test]
    fn version_is_checked() {
        let err = load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "s").expect_err("3.1");
        assert!(err.to_string().contains("#/openapi"), "{err}");
    }

    #[test]
    fn numeric_keys_become_strings() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        let spec = load_str(text, "s").expect("loads");
        assert!(spec.raw.pointer("/paths/~1a/get/responses/200").is_some());
    }
}
