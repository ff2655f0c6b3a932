//! Every fixture's checked-in output under `expected/` is what the generator
//! makes of it now: a change to the generator that changes its output fails
//! here, in the generator's own tests, until `cargo xtask codegen` is run.

use std::path::Path;

#[test]
fn the_expected_outputs_are_what_the_generator_makes_now() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut specs: Vec<_> = std::fs::read_dir(tests.join("fixtures"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 10, "the fixtures are there: {specs:?}");
    let mut stale = Vec::new();
    for spec in &specs {
        let case = spec.file_stem().and_then(|s| s.to_str()).expect("UTF-8 name");
        let options = codegen::Options {
            spec_name: format!("codegen/tests/fixtures/{case}.yaml"),
            ..codegen::Options::default()
        };
        let generated = codegen::generate_file(spec, &options).unwrap_or_else(|e| panic!("{case}: {e}"));
        for (part, text) in
            [("models", generated.models), ("operations", generated.operations), ("endpoints", generated.endpoints)]
        {
            let file = tests.join("expected").join(format!("{case}_{part}.rs"));
            if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
                stale.push(file.display().to_string());
            }
        }
    }
    assert!(stale.is_empty(), "stale; run `cargo xtask codegen`: {stale:#?}");
}
