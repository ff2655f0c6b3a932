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
    let text = std::fs::read_to_string(path)
        .map_err(|source| LoadError::Io { path: path.display().to_string(), source })?;
    load_str(&text, &path.display().to_string())
}

/// Parses spec text; `origin` names it in errors.
pub fn load_str(text: &str, origin: &str) -> Result<Spec, LoadError> {
    let yaml: yaml_serde::Value = yaml_serde::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        LoadError::Syntax { origin: origin.to_owned(), line, column, message: e.to_string() }
    })?;
    let raw = to_json(yaml, &Pointer::root()).map_err(|(pointer, message)| LoadError::Shape {
        origin: origin.to_owned(),
        pointer,
        message,
    })?;
    if !raw.is_object() {
        return Err(LoadError::Shape {
            origin: origin.to_owned(),
            pointer: Pointer::root(),
            message: "the document is not a mapping".to_owned(),
        });
    }
    let version = raw.get("openapi").and_then(|v| v.as_str()).unwrap_or_default();
    if !version.starts_with("3.0") {
        return Err(LoadError::Shape {
            origin: origin.to_owned(),
            pointer: Pointer::root().join("openapi"),
            message: format!("unsupported version `{version}`: only OpenAPI 3.0.x is supported"),
        });
    }
    let openapi = serde_path_to_error::deserialize(&raw).map_err(|e| LoadError::Shape {
        origin: origin.to_owned(),
        pointer: path_to_pointer(e.path()),
        message: e.inner().to_string(),
    })?;
    Ok(Spec { openapi, raw })
}

/// Converts YAML to JSON, with keys that YAML reads as numbers or booleans
/// (`200:`) turned into strings as OpenAPI means them.
fn to_json(value: yaml_serde::Value, at: &Pointer) -> Result<serde_json::Value, (Pointer, String)> {
    use yaml_serde::Value as Y;
    Ok(match value {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => serde_json::Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(serde_json::Value::Number)
                    .ok_or_else(|| (at.clone(), format!("number {f} cannot be represented in JSON")))?
            }
        }
        Y::String(s) => serde_json::Value::String(s),
        Y::Sequence(items) => serde_json::Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &at.join(i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => return Err((at.clone(), "a mapping key is not a scalar".to_owned())),
                };
                let value = to_json(v, &at.join(&key))?;
                out.insert(key, value);
            }
            serde_json::Value::Object(out)
        }
        Y::Tagged(tagged) => to_json(tagged.value, at)?,
    })
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
