//! Diagnostics: what is wrong in a spec, where (as a JSON pointer), and what
//! the generator did about it.

use std::fmt;

/// A JSON pointer into the spec document, e.g. `#/components/schemas/Foo`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// A pointer from its `#/a/b` form (a `$ref`); `None` for anything else.
    pub fn from_ref(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if rest.is_empty() || rest.starts_with('/') { Some(Self(rest.to_owned())) } else { None }
    }

    /// This pointer with one more segment, escaped (`~0`, `~1`) as RFC 6901 says.
    pub fn join(&self, segment: impl AsRef<str>) -> Self {
        let segment = segment.as_ref().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{segment}", self.0))
    }

    /// The pointer one level up (the root stays the root).
    pub fn parent_or_root(&self) -> Self {
        match self.0.rfind('/') {
            Some(i) => Self(self.0[..i].to_owned()),
            None => Self::root(),
        }
    }

    /// The unescaped segments.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~"))
    }

    /// The last segment, unescaped.
    pub fn last(&self) -> Option<String> {
        self.segments().last()
    }

    /// The name a `$ref` gives in `components/{section}`
    /// (`#/components/schemas/A~1B` is `A/B` of `schemas`), unescaped: the one
    /// place every `$ref` of a spec is read. `None` for any other reference.
    pub fn component_ref(reference: &str, section: &str) -> Option<String> {
        let pointer = Self::from_ref(reference)?;
        let mut segments = pointer.segments();
        match (segments.next(), segments.next(), segments.next(), segments.next()) {
            (Some(components), Some(found), Some(name), None) if components == "components" && found == section => {
                Some(name)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Generation went on with a stated fallback.
    Warning,
    /// Generation cannot produce correct code.
    Error,
}

/// One finding about the spec, located.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where in the spec.
    pub pointer: Pointer,
    /// Warning or error.
    pub severity: Severity,
    /// A short kind, used to count diagnostics (`duplicate-enum-value`, ...).
    pub kind: &'static str,
    /// What is wrong and what was done, lowercase, no trailing period.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}[{}]: {}: {}", self.kind, self.pointer, self.message)
    }
}

/// Collects diagnostics while a stage runs, so all of them are reported
/// together instead of stopping at the first.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a warning: the generator went on with a fallback.
    pub fn warn(&mut self, pointer: &Pointer, kind: &'static str, message: impl Into<String>) {
        self.push(pointer, Severity::Warning, kind, message);
    }

    /// Records an error: the output would be wrong.
    pub fn error(&mut self, pointer: &Pointer, kind: &'static str, message: impl Into<String>) {
        self.push(pointer, Severity::Error, kind, message);
    }

    fn push(&mut self, pointer: &Pointer, severity: Severity, kind: &'static str, message: impl Into<String>) {
        self.items.push(Diagnostic { pointer: pointer.clone(), severity, kind, message: message.into() });
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, sorted by place, then severity and kind, deduplicated.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }
}

/// A one-line count of diagnostics by kind: `2 warnings, 0 errors (duplicate-enum-value: 2)`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    let errors = diagnostics.len() - warnings;
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for d in diagnostics {
        *kinds.entry(d.kind).or_default() += 1;
    }
    let mut out = format!("{warnings} warnings, {errors} errors");
    if !kinds.is_empty() {
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        out.push_str(&format!(" ({})", parts.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_segments() {
        let p = Pointer::root().join("paths").join("/api/v1/apps").join("get");
        assert_eq!(p.to_string(), "#/paths/~1api~1v1~1apps/get");
        assert_eq!(Pointer::component_ref("#/components/schemas/A~1B~0C", "schemas").as_deref(), Some("A/B~C"));
        assert_eq!(Pointer::component_ref("#/components/parameters/p", "schemas"), None);
        assert_eq!(Pointer::component_ref("#/components/schemas/A/b", "schemas"), None);
        assert_eq!(Pointer::component_ref("other.yaml#/components/schemas/A", "schemas"), None);
        assert_eq!(p.last().as_deref(), Some("get"));
        assert_eq!(p.segments().nth(1).as_deref(), Some("/api/v1/apps"));
        assert_eq!(Pointer::root().join("a~b").to_string(), "#/a~0b");
    }

    #[test]
    fn refs_parse() {
        let p = Pointer::from_ref("#/components/schemas/Foo").expect("local ref");
        assert_eq!(p.to_string(), "#/components/schemas/Foo");
        assert!(Pointer::from_ref("other.yaml#/Foo").is_none());
    }

    #[test]
    fn summary_counts_kinds() {
        let mut d = Diagnostics::default();
        d.warn(&Pointer::root().join("b"), "duplicate-enum-value", "dropped");
        d.warn(&Pointer::root().join("a"), "duplicate-enum-value", "dropped");
        d.error(&Pointer::root().join("c"), "missing-ref", "no such schema");
        let sorted = d.into_sorted();
        assert_eq!(sorted[0].pointer.to_string(), "#/a");
        assert_eq!(summary(&sorted), "2 warnings, 1 errors (duplicate-enum-value: 2, missing-ref: 1)");
    }
}
