//! The tasks behind `cargo xtask`, as a library so tests can run them.


use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use codegen::files::{self, Mode, Report};

/// The spec the client is generated from, relative to the workspace root.
pub const SPEC: &str = "spec/applications.yaml";
/// Where the generated client code lives, relative to the workspace root.
pub const GENERATED: &str = "okta-apps/src/generated";

/// Regenerates (or, with [`Mode::Check`], checks) everything generated from
/// the workspace's spec.
pub fn codegen(root: &Path, mode: Mode) -> Result<Report> {
    let options = codegen::Options::default();
    let spec = root.join(SPEC);
    let generated = codegen::generate_file(&spec, &options).with_context(|| format!("generating from {SPEC}"))?;
    for d in &generated.diagnostics {
        eprintln!("{d}");
    }
    let files = vec![
        (PathBuf::from("models.rs"), generated.models),
        (PathBuf::from("operations.rs"), generated.operations),
    ];
    files::sync(&root.join(GENERATED), &files, "rs", mode).with_context(|| format!("writing {GENERATED}"))
}
