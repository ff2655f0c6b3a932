//! The tasks behind `cargo xtask`, as a library so tests can run them.

pub mod contract;
pub mod coverage;
pub mod recordings;
pub mod replay;
pub mod standalone;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use codegen::files::{self, Mode, Report};

/// The spec the client is generated from, relative to the workspace root.
pub const SPEC: &str = "spec/applications.yaml";
/// Where the generated client code lives, relative to the workspace root.
pub const GENERATED: &str = "okta-apps/src/generated";
/// The generator's fixture specs, relative to the workspace root.
pub const FIXTURES: &str = "codegen/tests/fixtures";
/// What the generator makes of them, compiled by `codegen/tests/compile.rs`:
/// the one store of the fixtures' expected output (code and diagnostics),
/// refreshed by `cargo xtask codegen` and checked by its `--check`.
pub const EXPECTED: &str = "codegen/tests/expected";

/// `part` of `whole` in percent; all of nothing is all.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 { 100.0 } else { part as f64 * 100.0 / whole as f64 }
}

/// The cargo that runs this task (so nested builds use the same toolchain).
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

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
        (PathBuf::from("endpoints.rs"), generated.endpoints),
    ];
    let mut report =
        files::sync(&root.join(GENERATED), &files, "rs", mode).with_context(|| format!("writing {GENERATED}"))?;
    let fixtures = fixture_outputs(root)?;
    let more =
        files::sync(&root.join(EXPECTED), &fixtures, "rs", mode).with_context(|| format!("writing {EXPECTED}"))?;
    report.stale.extend(more.stale);
    report.missing.extend(more.missing);
    report.leftover.extend(more.leftover);
    Ok(report)
}

/// The fixture specs, sorted by file name.
pub fn fixture_specs(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join(FIXTURES);
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    Ok(specs)
}

/// Generated code for every fixture spec, and the module that includes it all.
fn fixture_outputs(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for spec in fixture_specs(root)? {
        let case = spec.file_stem().and_then(|s| s.to_str()).context("fixture file name is not UTF-8")?.to_owned();
        let spec_name = format!("{FIXTURES}/{case}.yaml");
        let options = codegen::Options { spec_name: spec_name.clone(), ..codegen::Options::default() };
        let generated =
            codegen::generate_file(&spec, &options).with_context(|| format!("generating from {spec_name}"))?;
        let models = format!("{case}_models.rs");
        let operations = format!("{case}_operations.rs");
        let endpoints = format!("{case}_endpoints.rs");
        files.push((PathBuf::from(&models), generated.models));
        files.push((PathBuf::from(&operations), generated.operations));
        files.push((PathBuf::from(&endpoints), generated.endpoints));
        // What the generator said of the fixture is part of its expected output.
        let mut doc = vec![format!(" Generated from `{spec_name}`.")];
        if !generated.diagnostics.is_empty() {
            doc.push(String::new());
            doc.extend(generated.diagnostics.iter().map(|d| format!(" - {d}")));
            doc.push(format!(" - {}", codegen::diag::summary(&generated.diagnostics)));
        }
        modules.push(codegen::print::IncludedModule {
            name: case.clone(),
            doc,
            files: vec![
                ("models".to_owned(), models),
                ("operations".to_owned(), operations),
                ("endpoints".to_owned(), endpoints),
            ],
        });
    }
    let header = codegen::print::header("cargo xtask codegen", FIXTURES);
    files.push((PathBuf::from("mod.rs"), codegen::print::include_modules(&header, &modules)?));
    Ok(files)
}
