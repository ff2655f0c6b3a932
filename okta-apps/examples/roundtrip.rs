//! Checks every Application in the examples of an OpenAPI file: each decodes
//! to the variant its `name` and `signOnMode` call for and re-encodes to the
//! same JSON, and so does each copy of it with one object member set to
//! `null`, as real servers send them. It lists where the examples themselves
//! have a `null` the spec does not mark nullable, so the spec can say so.
//! Then every success example of every operation the crate has (matched by
//! method and path) must decode as that operation's success.
//! `cargo xtask roundtrip SPEC` runs it;
//! `cargo run -p okta-apps --example roundtrip -- SPEC` does too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use codegen::ir::TypeKind;
use okta_apps::models::Application;
use serde_json::Value;

/// How the crate's spec picks an `Application` variant, as the generator
/// lowers it (so a new OIN app needs no change here, and the names are the
/// generated ones): the key names (`x-okta-defined-as: {name: ...}`), the
/// variant of apps without a sign-on mode, and the discriminator's values.
#[derive(Debug, Default)]
struct Variants {
    keyed: BTreeMap<String, String>,
    modeless: Option<String>,
    modes: BTreeMap<String, String>,
}

impl Variants {
    /// Reads them from the `Application` union of a spec's lowered IR.
    fn from_spec(text: &str, origin: &str) -> Result<Self> {
        let loaded = codegen::load::load_str(text, origin)?;
        let (api, _) = codegen::lower::lower(&loaded.openapi);
        let union = api
            .types
            .iter()
            .find_map(|(_, def)| match &def.kind {
                TypeKind::Union(union) if def.name == "Application" => Some(union),
                _ => None,
            })
            .context("the spec has no Application union")?;
        let mut out = Variants { modeless: union.absent.clone(), ..Variants::default() };
        for variant in &union.variants {
            if let Some(key) = variant.defined_as.as_ref().filter(|d| d.property == "name") {
                out.keyed.insert(key.value.clone(), variant.name.clone());
            }
            for mode in &variant.discriminator {
                out.modes.insert(mode.clone(), variant.name.clone());
            }
        }
        Ok(out)
    }

    /// Those of the spec this crate is generated from.
    fn of_crate() -> Result<Self> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/applications.yaml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_spec(&text, &path.display().to_string())
    }

    /// The variant a payload must decode to, worked out from the payload alone.
    fn expected(&self, app: &Value) -> String {
        let mode = app.get("signOnMode");
        if let (None | Some(Value::Null), Some(modeless)) = (mode, &self.modeless) {
            return modeless.clone();
        }
        if mode.is_some_and(|m| !m.is_string()) {
            return "Unknown".to_owned();
        }
        let name = app.get("name").and_then(Value::as_str);
        if let Some(v) = name.and_then(|n| self.keyed.get(n)) {
            return v.clone();
        }
        mode.and_then(Value::as_str).and_then(|m| self.modes.get(m)).map_or_else(|| "Unknown".to_owned(), Clone::clone)
    }
}

/// Whether a JSON value looks like an app (an object with a `signOnMode` or
/// `label` and `settings`/`_links`).
fn looks_like_app(v: &Value) -> bool {
    v.as_object().is_some_and(|o| o.contains_key("signOnMode") && (o.contains_key("label") || o.contains_key("name")))
}

/// Checks one payload; `Err` says what went wrong.
fn check_app(variants: &Variants, app: &Value) -> Result<String> {
    let expected = variants.expected(app);
    let decoded: Application = okta_apps::from_value(app).map_err(|e| anyhow::anyhow!("decode: {e}"))?;
    let got = decoded.variant_name();
    if got != expected {
        bail!("decoded as {got}, expected {expected}");
    }
    let encoded = serde_json::to_value(&decoded)?;
    if let Some(difference) = json::first_difference(app, &encoded) {
        bail!("re-encoding changed the payload at {difference}");
    }
    Ok(expected)
}

#[path = "../tests/common/json.rs"]
mod json;
#[path = "../tests/common/nulls.rs"]
mod nulls;

/// Checks each copy of `app` with one member set to `null`; gives how many
/// were checked, and the failures.
fn check_nulled(app: &Value) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let round_trip = |json: &Value| {
        let decoded = okta_apps::from_value::<Application>(json).map_err(|e| e.to_string())?;
        serde_json::to_value(&decoded).map_err(|e| e.to_string())
    };
    let checked = nulls::each_null(app, "null at", round_trip, &mut failures);
    (checked, failures)
}

/// Runs the check over `components/examples` of the spec at `path`; returns
/// how many apps were checked.
fn run(path: &Path) -> Result<usize> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let spec = codegen::load::load_str(&text, &path.display().to_string())?;
    let examples = spec
        .raw
        .pointer("/components/examples")
        .and_then(Value::as_object)
        .context("the spec has no components/examples")?;
    let variants = Variants::of_crate()?;
    let mut checked = 0;
    let mut nulled = 0;
    let mut failures = Vec::new();
    let mut outside_spec = BTreeSet::new();
    for (name, example) in examples {
        let Some(value) = example.get("value") else { continue };
        let apps: Vec<(String, &Value)> = match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .filter(|(_, v)| looks_like_app(v))
                .map(|(i, v)| (format!("{name}[{i}]"), v))
                .collect(),
            v if looks_like_app(v) => vec![(name.clone(), v)],
            _ => continue,
        };
        for (label, app) in apps {
            match check_app(&variants, app) {
                Ok(variant) => {
                    checked += 1;
                    println!("ok {label}: {variant}");
                }
                Err(e) => failures.push(format!("{label}: {e:#}")),
            }
            let (count, nulled_failures) = check_nulled(app);
            nulled += count;
            failures.extend(nulled_failures.into_iter().map(|f| format!("{label}: {f}")));
            if let Ok(paths) = okta_apps::runtime::nulls_outside_spec::<Application>(app) {
                outside_spec.extend(paths);
            }
        }
    }
    if !failures.is_empty() {
        bail!("{} of {} apps failed:\n{}", failures.len(), checked + failures.len(), failures.join("\n"));
    }
    if checked == 0 {
        bail!("no Application examples found in {}", path.display());
    }
    let (read, operation_failures) = check_operations(&spec.raw);
    if !operation_failures.is_empty() {
        bail!("{} of {read} success examples failed:\n{}", operation_failures.len(), operation_failures.join("\n"));
    }
    println!("{checked} apps decoded to the right variant and re-encoded exactly");
    println!("{read} success examples of the crate's operations decoded as their operation's success");
    println!("{nulled} copies of them, each with one object member set to null, re-encoded exactly");
    if outside_spec.is_empty() {
        println!("every null in the examples is where the spec allows one");
    } else {
        println!("nulls where the spec does not mark the property nullable (kept all the same):");
        for path in &outside_spec {
            println!("  {path}");
        }
    }
    Ok(checked)
}

/// Whether two path templates name the same path, whatever their parameters are called.
fn same_template(a: &str, b: &str) -> bool {
    let param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x == y || (param(x) && param(y)))
}

/// The examples of a response's content: `examples` (inline or `$ref`) and `example`.
fn examples_of<'a>(spec: &'a Value, content: &'a Value) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    if let Some(examples) = content.get("examples").and_then(Value::as_object) {
        for (name, example) in examples {
            let example = match example.get("$ref").and_then(Value::as_str) {
                Some(reference) => spec.pointer(reference.trim_start_matches('#')).unwrap_or(&Value::Null),
                None => example,
            };
            if let Some(value) = example.get("value") {
                out.push((name.clone(), value));
            }
        }
    }
    if let Some(value) = content.get("example") {
        out.push(("example".to_owned(), value));
    }
    out
}

/// Decodes every success example of every operation of `spec` that the
/// crate has, through that operation's own decoder; gives how many were read,
/// and the failures.
fn check_operations(spec: &Value) -> (usize, Vec<String>) {
    let (mut read, mut failures) = (0, Vec::new());
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return (0, failures) };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            let Some(info) = okta_apps::operations::OPERATIONS
                .iter()
                .find(|i| i.method.as_str().eq_ignore_ascii_case(method) && same_template(i.path, path))
            else {
                continue;
            };
            let Some(responses) = op.get("responses").and_then(Value::as_object) else { continue };
            for (status, response) in responses {
                let Some(status) = status.parse::<u16>().ok().filter(|s| (200..300).contains(s)) else { continue };
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(reference) => spec.pointer(reference.trim_start_matches('#')).unwrap_or(&Value::Null),
                    None => response,
                };
                let Some(content) = response.get("content").and_then(Value::as_object) else { continue };
                for (media_type, content) in content {
                    for (name, value) in examples_of(spec, content) {
                        let body = match value {
                            Value::String(text) if !media_type.contains("json") => text.clone().into_bytes(),
                            other => other.to_string().into_bytes(),
                        };
                        read += 1;
                        let label = format!("{} {status} {media_type} {name}", info.id);
                        match (info.read)(status, &body) {
                            Ok(true) => {}
                            Ok(false) => failures.push(format!("{label}: not read as the success")),
                            Err(e) => failures.push(format!("{label}: {e}")),
                        }
                    }
                }
            }
        }
    }
    (read, failures)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec] = args.as_slice() else {
        eprintln!("usage: roundtrip SPEC");
        return ExitCode::FAILURE;
    };
    match run(Path::new(spec)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_whatever_their_parameters_are_called() {
        assert!(same_template("/api/v1/apps/{appId}/jwks/{keyId}", "/api/v1/apps/{appId}/jwks/{jwkId}"));
        assert!(!same_template("/api/v1/apps/{appId}", "/api/v1/apps/{appId}/users"));
        assert!(!same_template("/api/v1/apps/{appId}/users", "/api/v1/apps/{appId}/groups"));
    }

    #[test]
    fn expected_variants_follow_the_spec() {
        let member = |defined: Value| serde_json::json!({"x-okta-defined-as": defined, "allOf": [{"$ref": "#/components/schemas/Application"}]});
        let spec = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "Application": {"type": "object", "properties": {"name": {"type": "string"},
                "signOnMode": {"type": "string"}},
                "discriminator": {"propertyName": "signOnMode", "mapping": {
                    "SAML_2_0": "#/components/schemas/SamlApplication"}}},
            "SamlApplication": {"allOf": [{"$ref": "#/components/schemas/Application"}]},
            "GoogleApplication": member(serde_json::json!({"name": "google"})),
            "DirectoryApplication": member(serde_json::json!({"signOnMode": null})),
        }}})
        .to_string();
        let variants = Variants::from_spec(&spec, "test.json").expect("reads");
        let app = |v: Value| variants.expected(&v);
        assert_eq!(app(serde_json::json!({"name": "google", "signOnMode": "SAML_2_0"})), "Google");
        assert_eq!(app(serde_json::json!({"name": "my_saml", "signOnMode": "SAML_2_0"})), "Saml");
        assert_eq!(app(serde_json::json!({"name": "x", "signOnMode": "RADIUS_FOR_CISCO_ASA"})), "Unknown");
        assert_eq!(app(serde_json::json!({"name": "x", "signOnMode": null})), "Directory");
        assert_eq!(app(serde_json::json!({"name": "google"})), "Directory");
        assert_eq!(app(serde_json::json!({"name": "google", "signOnMode": 7})), "Unknown");
        let without = Variants { modeless: None, ..Variants::from_spec(&spec, "test.json").expect("reads") };
        assert_eq!(without.expected(&serde_json::json!({"name": "x", "signOnMode": null})), "Unknown");
        assert_eq!(without.expected(&serde_json::json!({"name": "google"})), "Google");
    }

    #[test]
    fn the_crates_spec_names_every_variant_the_crate_decodes_to() {
        let variants = Variants::of_crate().expect("the crate's spec");
        assert_eq!(variants.keyed.get("pagerduty").map(String::as_str), Some("PagerDuty"));
        assert_eq!(variants.modes.get("SAML_2_0").map(String::as_str), Some("Saml"));
        assert_eq!(variants.modeless.as_deref(), Some("Directory"));
        for (key, variant) in &variants.keyed {
            let app = serde_json::json!({"name": key, "label": "a", "signOnMode": "SAML_2_0"});
            assert_eq!(check_app(&variants, &app).expect(key), *variant);
        }
    }

    #[test]
    fn a_good_app_passes_and_a_changed_one_fails() {
        let variants = Variants::of_crate().expect("the crate's spec");
        let good = serde_json::json!({"name": "bookmark", "label": "a", "signOnMode": "BOOKMARK",
            "settings": {"app": {"url": "https://a.example.com"}, "x": 1}});
        assert_eq!(check_app(&variants, &good).expect("passes"), "Bookmark");
        let bad = serde_json::json!({"name": "bookmark", "label": "a", "signOnMode": "BOOKMARK",
            "settings": {"app": {"url": 5}}});
        assert!(check_app(&variants, &bad).is_err());
    }
}
