//! `cargo xtask codegen --spec FILE --out DIR [--name CRATE] [--runtime-version VERSION]
//! [--deny-warnings]`: a standalone crate (Cargo.toml, models, operations, endpoints and
//! its own `Client`) from any OpenAPI 3.0.x file, on the runtime crates alone (`okta-runtime`,
//! and `okta-client` behind the default `client` feature): by a relative path to this
//! workspace's, or by version.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use codegen::diag::{Severity, summary};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Standalone {
    /// The spec file, YAML or JSON.
    pub spec: PathBuf,
    /// The crate's folder.
    pub out: PathBuf,
    /// The crate's name (default: the spec's file stem, kebab-cased).
    pub name: Option<String>,
    /// Fail on any warning.
    pub deny_warnings: bool,
    /// Depend on this version of `okta-runtime` and `okta-client` from the
    /// registry rather than on the workspace's by path.
    pub runtime_version: Option<String>,
}

fn crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("generated");
    let name: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let name = name.trim_matches('-').to_owned();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) { name } else { format!("api-{name}") }
}

/// Generates the crate; returns the diagnostics' summary line.
pub fn generate(root: &Path, job: &Standalone) -> Result<String> {
    let name = job.name.clone().unwrap_or_else(|| crate_name(&job.spec));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        bail!("`{name}` is not a valid crate name");
    }
    let spec_name = job.spec.display().to_string();
    let command = format!("cargo xtask codegen --spec {spec_name}");
    let options =
        codegen::Options { command: command.clone(), spec_name: spec_name.clone(), ..codegen::Options::default() };
    let generated = match codegen::generate_file(&job.spec, &options) {
        Ok(generated) => generated,
        Err(codegen::Error::Spec(diagnostics)) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            bail!("{spec_name}: {}", summary(&diagnostics));
        }
        Err(e) => return Err(e).with_context(|| format!("generating from {spec_name}")),
    };
    for d in &generated.diagnostics {
        eprintln!("{d}");
    }
    let line = summary(&generated.diagnostics);
    if job.deny_warnings && generated.diagnostics.iter().any(|d| d.severity == Severity::Warning) {
        bail!("{spec_name}: {line} (warnings denied)");
    }
    std::fs::create_dir_all(&job.out).with_context(|| format!("creating {}", job.out.display()))?;
    let runtime = match &job.runtime_version {
        Some(version) => Runtime::Version(version.clone()),
        None => Runtime::Path(relative_root(root, &job.out)?),
    };
    let header = codegen::print::header(&command, &spec_name);
    let manifest = manifest(&command, &name, &runtime)?;
    let lib = codegen::print::crate_root(&header, &format!(" Generated from `{spec_name}`."))?;
    let src = job.out.join("src");
    std::fs::create_dir_all(&src).with_context(|| format!("creating {}", src.display()))?;
    for (path, content) in [
        (job.out.join("Cargo.toml"), manifest),
        (src.join("lib.rs"), lib),
        (src.join("models.rs"), generated.models),
        (src.join("operations.rs"), generated.operations),
        (src.join("endpoints.rs"), generated.endpoints),
    ] {
        std::fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(line)
}

/// Where the generated crate gets `okta-runtime` and `okta-client`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// The path of the workspace that holds both, relative to the generated
    /// crate.
    Path(String),
    /// A version from the registry.
    Version(String),
}

/// The path from `out` to the workspace root, `/`-separated.
fn relative_root(root: &Path, out: &Path) -> Result<String> {
    let root = root.canonicalize().context("finding the workspace")?;
    let out = out.canonicalize().with_context(|| format!("finding {}", out.display()))?;
    let relative = pathdiff::diff_paths(&root, &out)
        .with_context(|| format!("no relative path from {} to {}", out.display(), root.display()))?;
    let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Ok(if parts.is_empty() { ".".to_owned() } else { parts.join("/") })
}

/// The generated crate's `Cargo.toml`, written as TOML by a TOML library.
pub fn manifest(command: &str, name: &str, runtime: &Runtime) -> Result<String> {
    use toml::{Table, Value};
    let table = |pairs: Vec<(&str, Value)>| -> Value {
        Value::Table(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Table>())
    };
    let text = |s: &str| Value::String(s.to_owned());
    let list = |items: &[&str]| Value::Array(items.iter().map(|s| text(s)).collect());
    let source = |krate: &str| match runtime {
        Runtime::Path(root) => ("path", text(&format!("{root}/{krate}"))),
        Runtime::Version(version) => ("version", text(version)),
    };
    let mut doc = Table::new();
    doc.insert(
        "package".to_owned(),
        table(vec![
            ("name", text(name)),
            ("version", text("0.1.0")),
            ("edition", text("2024")),
            ("publish", Value::Boolean(false)),
        ]),
    );
    doc.insert(
        "dependencies".to_owned(),
        table(vec![
            ("okta-runtime", table(vec![source("okta-runtime")])),
            ("okta-client", table(vec![source("okta-client"), ("optional", Value::Boolean(true))])),
            ("serde", text("1")),
            ("serde_json", text("1")),
        ]),
    );
    doc.insert(
        "features".to_owned(),
        table(vec![("default", list(&["client"])), ("client", list(&["dep:okta-client"]))]),
    );
    // A crate of its own, even inside another workspace.
    doc.insert("workspace".to_owned(), Value::Table(Table::new()));
    let body = toml::to_string(&doc).context("writing Cargo.toml")?;
    Ok(format!(
        "# @generated by `{command}`. Do not edit.\n# The default `client` feature brings the async client, `okta-client`.\n{body}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_toml_with_relative_paths_or_a_version() {
        let text = manifest("cargo xtask codegen --spec \"a b\".yaml", "my-api", &Runtime::Path("../x y".into()))
            .expect("manifest");
        assert!(text.starts_with("# @generated by `cargo xtask codegen --spec \"a b\".yaml`"), "{text}");
        let doc: toml::Table = toml::from_str(&text).expect("parses as TOML");
        assert_eq!(doc["package"]["name"].as_str(), Some("my-api"));
        let deps = &doc["dependencies"];
        assert_eq!(deps["okta-runtime"]["path"].as_str(), Some("../x y/okta-runtime"));
        assert_eq!(deps["okta-client"]["path"].as_str(), Some("../x y/okta-client"));
        assert_eq!(deps["okta-client"]["optional"].as_bool(), Some(true));
        let client: Vec<&str> =
            doc["features"]["client"].as_array().expect("list").iter().filter_map(toml::Value::as_str).collect();
        assert_eq!(client, ["dep:okta-client"]);
        assert!(doc["workspace"].as_table().is_some_and(toml::Table::is_empty));

        let text = manifest("c", "my-api", &Runtime::Version("0.1".into())).expect("manifest");
        let doc: toml::Table = toml::from_str(&text).expect("parses as TOML");
        for krate in ["okta-runtime", "okta-client"] {
            assert_eq!(doc["dependencies"][krate]["version"].as_str(), Some("0.1"), "{krate}");
            assert!(doc["dependencies"][krate].get("path").is_none(), "{krate}");
        }
    }

    #[test]
    fn the_runtime_paths_are_relative() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
        let out = std::env::temp_dir().join(format!("okta-standalone-{}", std::process::id()));
        std::fs::create_dir_all(&out).expect("dir");
        let path = relative_root(root, &out).expect("relative");
        assert!(!Path::new(&path).is_absolute(), "{path}");
        for krate in ["okta-runtime", "okta-client"] {
            assert!(out.join(&path).join(krate).join("Cargo.toml").exists(), "{path}/{krate}");
        }
        std::fs::remove_dir_all(&out).ok();
    }
}
