//! Bad specs give located errors or warnings, never panics.

use codegen::{Error, Options};
use proptest::prelude::*;

fn generate(text: &str) -> Result<codegen::Generated, Error> {
    codegen::generate_str(text, "test.yaml", &Options::default())
}

const HEADER: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn a_missing_ref_is_an_error_at_its_node() {
    let spec = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Nope'}}\n"
    );
    let Err(Error::Spec(diagnostics)) = generate(&spec) else { panic!("expected a spec error") };
    let text = diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(text.contains("#/components/schemas/A/properties/b"), "{text}");
    assert!(text.contains("missing-ref"), "{text}");
    let err = generate(&spec).expect_err("error").to_string();
    assert!(err.ends_with("0 warnings, 1 errors (missing-ref: 1)"), "{err}");
}

#[test]
fn a_duplicate_enum_value_is_a_warning_and_kept_once() {
    let spec =
        format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    E:\n      type: string\n      enum: [A, B, A]\n");
    let generated = generate(&spec).expect("generates");
    assert_eq!(generated.diagnostics.len(), 1);
    assert_eq!(generated.diagnostics[0].pointer.to_string(), "#/components/schemas/E/enum/2");
    assert_eq!(generated.models.matches("= \"A\"").count(), 1);
}

#[test]
fn a_shape_error_names_the_node() {
    let spec = format!(
        "{HEADER}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: 7}}\n"
    );
    let err = generate(&spec).expect_err("bad schema").to_string();
    assert!(err.contains("#/paths/~1a/get/responses/200/content/application~1json/schema"), "{err}");
}

#[test]
fn syntax_errors_have_a_line() {
    let err = generate("openapi: 3.0.3\ninfo: {title: [\n").expect_err("bad yaml").to_string();
    assert!(err.starts_with("test.yaml:"), "{err}");
}

#[test]
fn path_parameters_without_required_are_warned_and_required() {
    let spec = format!(
        "{HEADER}paths:\n  /a/{{id}}:\n    get:\n      operationId: getA\n      parameters:\n        - {{name: id, in: path, schema: {{type: string}}}}\n      responses:\n        '204': {{description: ok}}\n"
    );
    let generated = generate(&spec).expect("generates");
    assert_eq!(generated.diagnostics[0].kind, "path-parameter-required");
    assert!(generated.operations.contains("pub fn new(id: impl Into<String>)"), "{}", generated.operations);
}

#[test]
fn a_child_of_two_parents_sets_its_discriminator_once() {
    let spec = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Policy:\n      type: object\n      properties:\n        type: {{type: string}}\n      discriminator:\n        propertyName: type\n        mapping: {{ACCESS: '#/components/schemas/Access'}}\n    Special:\n      allOf: [{{$ref: '#/components/schemas/Policy'}}]\n      discriminator:\n        propertyName: type\n        mapping: {{ACCESS: '#/components/schemas/Access'}}\n    Access:\n      allOf: [{{$ref: '#/components/schemas/Special'}}]\n"
    );
    let generated = generate(&spec).expect("generates");
    assert!(generated.models.contains("/// Sets `type` = `ACCESS`.\n"), "{}", generated.models);
}

#[test]
fn generation_is_deterministic() {
    let spec =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/applications.yaml")).expect("spec");
    let a = generate(&spec).expect("generates");
    let b = generate(&spec).expect("generates");
    assert_eq!(a.models, b.models);
    assert_eq!(a.operations, b.operations);
}

/// Mutations of the fixture specs and the Applications spec: whatever the
/// input, the generator returns `Ok` or a located `Err`, and never panics.
fn seeds() -> Vec<String> {
    let mut out =
        vec![std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/applications.yaml")).expect("spec")];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut paths: Vec<_> =
        std::fs::read_dir(dir).expect("fixtures").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    out.extend(paths.iter().map(|p| std::fs::read_to_string(p).expect("fixture")));
    out
}

/// Mutates a spec's JSON tree: drops, retypes or replaces one node.
fn mutate(value: &mut serde_json::Value, choice: &[u16]) {
    use serde_json::Value;
    let Some((&pick, rest)) = choice.split_first() else { return };
    let replacement = |pick: u16| match pick % 9 {
        0 => Value::Null,
        1 => Value::from(7),
        2 => Value::from("#/components/schemas/Nope"),
        3 => serde_json::json!({"$ref": "#/components/schemas/Nope"}),
        4 => serde_json::json!([]),
        5 => serde_json::json!({"type": "object", "discriminator": {"propertyName": "x"}}),
        6 => serde_json::json!({"allOf": [{"$ref": "#/components/schemas/Application"}]}),
        7 => serde_json::json!({"type": "string", "enum": ["a", "a", 1, null]}),
        _ => serde_json::json!({"oneOf": [{"type": "string"}], "nullable": true}),
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[usize::from(pick) % keys.len()];
            if rest.is_empty() || pick % 5 == 0 {
                if pick % 3 == 0 {
                    map.remove(key);
                } else if let Some(slot) = map.get_mut(key) {
                    *slot = replacement(pick / 3);
                }
            } else if let Some(child) = map.get_mut(key) {
                mutate(child, rest);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = usize::from(pick) % items.len();
            if rest.is_empty() { items[i] = replacement(pick) } else { mutate(&mut items[i], rest) }
        }
        other => *other = replacement(pick),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("CODEGEN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_specs_never_panic(seed in 0usize..64, path in proptest::collection::vec(any::<u16>(), 1..8), times in 1usize..4) {
        let seeds = seeds();
        let text = &seeds[seed % seeds.len()];
        let spec = codegen::load::load_str(text, "seed").expect("seeds load");
        let mut raw = spec.raw;
        for i in 0..times {
            let rotated: Vec<u16> = path.iter().map(|p| p.wrapping_add(i as u16 * 7919)).collect();
            mutate(&mut raw, &rotated);
        }
        let text = serde_json::to_string(&raw).expect("encodes");
        match generate(&text) {
            Ok(_) => {}
            Err(Error::Spec(diagnostics)) => prop_assert!(!diagnostics.is_empty()),
            Err(Error::Load(e)) => prop_assert!(e.to_string().contains('#') || e.to_string().contains(':')),
            Err(Error::Print(e)) => prop_assert!(false, "generated code does not parse: {e}"),
        }
    }
}

#[test]
fn wrong_defaults_and_foreign_patterns_are_located_warnings() {
    let spec = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        n: {{type: integer, default: 'ten'}}\n        s: {{type: string, pattern: '(?i)^abc$'}}\n        ok: {{type: boolean, default: true}}\n"
    );
    let generated = generate(&spec).expect("generates");
    let found: Vec<String> = generated.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("#/components/schemas/A/properties/n/default") && found[0].contains("default-type"));
    assert!(found[1].contains("#/components/schemas/A/properties/s/pattern") && found[1].contains("pattern-dialect"));
}

#[test]
fn refs_to_missing_parameters_bodies_and_responses_are_located_errors() {
    let spec = format!(
        "{HEADER}paths:\n  /a:\n    post:\n      operationId: postA\n      parameters: [{{$ref: '#/components/parameters/P'}}]\n      requestBody: {{$ref: '#/components/requestBodies/B'}}\n      responses:\n        '200': {{$ref: '#/components/responses/R'}}\n"
    );
    let Err(Error::Spec(diagnostics)) = generate(&spec) else { panic!("expected errors") };
    let places: Vec<String> = diagnostics.iter().map(|d| format!("{} {}", d.kind, d.pointer)).collect();
    assert_eq!(
        places,
        [
            "missing-ref #/paths/~1a/post/parameters/0",
            "missing-ref #/paths/~1a/post/requestBody",
            "missing-ref #/paths/~1a/post/responses/200",
        ]
    );
}

#[test]
fn a_null_defined_as_key_on_another_property_or_twice_is_warned() {
    let member = |name: &str, key: &str| {
        format!(
            "    {name}:\n      x-okta-defined-as: {{{key}: null}}\n      allOf:\n        - $ref: '#/components/schemas/App'\n"
        )
    };
    let spec = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    App:\n      type: object\n      properties:\n        name: {{type: string}}\n        mode: {{type: string}}\n      discriminator:\n        propertyName: mode\n{}{}{}",
        member("First", "mode"),
        member("Second", "mode"),
        member("Named", "name"),
    );
    let generated = generate(&spec).expect("generates");
    let found: Vec<String> = generated.diagnostics.iter().map(|d| format!("{} {}", d.kind, d.pointer)).collect();
    assert_eq!(
        found,
        [
            "defined-as-null #/components/schemas/Named/x-okta-defined-as",
            "defined-as-null #/components/schemas/Second/x-okta-defined-as",
        ],
        "{found:?}"
    );
    assert!(
        generated.models.contains("if key0.is_absent_or_null() {\n            object.decode(Self::First)"),
        "{}",
        generated.models
    );
}
