//! Writing generated files, or checking that the files on disk are current.
//! One function serves the command line, its `--check` mode and tests.

use std::fmt;
use std::path::{Path, PathBuf};

/// Write the files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what differs, delete leftovers.
    Write,
    /// Change nothing; report what differs.
    Check,
}

/// What differs between the expected files and the folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files whose content differs.
    pub stale: Vec<PathBuf>,
    /// Files that do not exist yet.
    pub missing: Vec<PathBuf>,
    /// Generated-looking files nobody generates any more.
    pub leftover: Vec<PathBuf>,
}

impl Report {
    /// Whether the folder is current.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.leftover.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return write!(f, "generated files are up to date");
        }
        for (label, paths) in [("stale", &self.stale), ("missing", &self.missing), ("leftover", &self.leftover)] {
            for p in paths {
                writeln!(f, "{label}: {}", p.display())?;
            }
        }
        write!(f, "run `cargo xtask codegen` and commit")
    }
}

/// An I/O failure, with the path.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct FilesError {
    /// The file or folder.
    pub path: String,
    /// The cause.
    pub source: std::io::Error,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FilesError + '_ {
    move |source| FilesError { path: path.display().to_string(), source }
}

/// Brings `dir` in line with `files` (relative path, content), or reports how
/// it differs. Leftovers are files in `dir` with the `extension` of generated
/// files that start with `@generated` and are not in `files`.
pub fn sync(dir: &Path, files: &[(PathBuf, String)], extension: &str, mode: Mode) -> Result<Report, FilesError> {
    let mut report = Report::default();
    for (relative, content) in files {
        let path = dir.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == *content => {}
            Ok(_) => report.stale.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => report.missing.push(path.clone()),
            Err(e) => return Err(io(&path)(e)),
        }
    }
    if dir.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == extension))
            .collect();
        entries.sort();
        for path in entries {
            let known = files.iter().any(|(rel, _)| dir.join(rel) == path);
            let generated = std::fs::read_to_string(&path)
                .is_ok_and(|t| t.lines().next().is_some_and(|l| l.contains("@generated")));
            if !known && generated {
                report.leftover.push(path);
            }
        }
    }
    if mode == Mode::Write {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for (relative, content) in files {
            let path = dir.join(relative);
            if report.stale.contains(&path) || report.missing.contains(&path) {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io(parent))?;
                }
                std::fs::write(&path, content).map_err(io(&path))?;
            }
        }
        for path in &report.leftover {
            std::fs::remove_file(path).map_err(io(path))?;
        }
    }
    Ok(report)
}
