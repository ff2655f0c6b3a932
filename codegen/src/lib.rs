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
    /// `endpoints.rs`: a client method and a builder per operation.
    pub endpoints: String,
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
    let printed = emit_parts(&api, &options.emit)?;
    let start = format!("{header}\n\n");
    let (mut models, mut operations, mut endpoints) = (start.clone(), start.clone(), start);
    for (part, text) in printed {
        match part {
            emit::Part::Models(_) => models.push_str(&text),
            emit::Part::Operations(_) => operations.push_str(&text),
            emit::Part::Endpoints => endpoints.push_str(&text),
        }
    }
    Ok(Generated { models, operations, endpoints, diagnostics: diagnostics.into_sorted() })
}

/// Emits and prints the parts of both files on every core, and returns them
/// in file order: the result does not depend on the number of threads.
fn emit_parts(api: &ir::Api, options: &EmitOptions) -> Result<Vec<(emit::Part, String)>, print::PrintError> {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Several parts per worker, so that no worker is left with a long tail.
    let parts = emit::parts(api, 4 * workers);
    let next = AtomicUsize::new(0);
    // Each worker takes the next part until none is left, and returns what it
    // printed with the parts' positions.
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = parts.get(i) else { return done };
            done.push((i, print::print_items(emit::part(api, part, options), part.file())));
        }
    };
    let mut printed: Vec<(usize, Result<String, print::PrintError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(parts.len())).map(|_| scope.spawn(work)).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    if printed.len() != parts.len() {
        return Err(print::PrintError { what: "a part".to_owned(), message: "its thread panicked".to_owned() });
    }
    printed.sort_by_key(|(i, _)| *i);
    parts.into_iter().zip(printed).map(|(part, (_, text))| Ok((part, text?))).collect()
}
