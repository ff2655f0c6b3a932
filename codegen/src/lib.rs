//! Generates a typed Rust client from an OpenAPI 3.0 description.
//!
//! The stages, each a module with one entry point:
//! [`load`] (text to document) → [`lower`](lower::lower) (document to [`ir`])
//! → [`emit`] (IR to tokens) → [`print`](mod@print) (tokens to files).
//! [`files::sync`] writes the result or checks that it is current.

pub mod diag;
pub mod emit;
pub mod files;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod print;

use std::path::Path;

pub use diag::{Diagnostic, Pointer, Severity};
pub use emit::EmitOptions;

/// How to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The command named in each file's `@generated` line.
    pub command: String,
    /// The spec's name in the `@generated` line (`spec/applications.yaml`).
    pub spec_name: String,
    /// What generated code refers to.
    pub emit: EmitOptions,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            command: "cargo xtask codegen".to_owned(),
            spec_name: "spec/applications.yaml".to_owned(),
            emit: EmitOptions::default(),
        }
    }
}

/// The generated sources.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `models.rs`: every type.
    pub models: String,
    /// `operations.rs`: a request struct and a response enum per operation.
    pub operations: String,
    /// Warnings: what the spec got wrong and what was done instead.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why nothing was generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec could not be read.
    #[error(transparent)]
    Load(#[from] load::LoadError),
    /// The spec has errors; all of them, sorted by place.
    #[error("{}", render(.0))]
    Spec(Vec<Diagnostic>),
    /// A generator bug: the emitted code does not parse.
    #[error(transparent)]
    Print(#[from] print::PrintError),
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    lines.push(diag::summary(diagnostics));
    lines.join("\n")
}

/// Generates from spec text; `origin` names it in errors.
pub fn generate_str(text: &str, origin: &str, options: &Options) -> Result<Generated, Error> {
    let spec = load::load_str(text, origin)?;
    generate_spec(&spec.openapi, options)
}

/// Generates from a spec file.
pub fn generate_file(path: &Path, options: &Options) -> Result<Generated, Error> {
    let spec = load::load_file(path)?;
    generate_spec(&spec.openapi, options)
}

/// Generates from a loaded document.
pub fn generate_spec(openapi: &openapiv3::OpenAPI, options: &Options) -> Result<Generated, Error> {
    let (api, diagnostics) = lower::lower(openapi);
    if diagnostics.has_errors() {
        return Err(Error::Spec(diagnostics.into_sorted()));
    }
    let header = print::header(&options.command, &options.spec_name);
    // The two files are independent: emit and print them side by side.
    let (models, operations) = std::thread::scope(|scope| {
        let models = scope.spawn(|| print::print(emit::models(&api, &options.emit), &header, "models"));
        let operations = print::print(emit::operations(&api, &options.emit), &header, "operations");
        let models = models.join().unwrap_or_else(|_| {
            Err(print::PrintError { what: "models".to_owned(), message: "the printing thread panicked".to_owned() })
        });
        (models, operations)
    });
    Ok(Generated { models: models?, operations: operations?, diagnostics: diagnostics.into_sorted() })
}
