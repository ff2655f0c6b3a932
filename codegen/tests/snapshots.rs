//! Snapshots of the generated code for each fixture spec, one concern each.
//! The same outputs are checked in under `expected/` and compiled by
//! `compile.rs`.

use std::path::Path;

fn generate(case: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{case}.yaml"));
    let options = codegen::Options { spec_name: format!("codegen/tests/fixtures/{case}.yaml"), ..Default::default() };
    let generated = codegen::generate_file(&path, &options).unwrap_or_else(|e| panic!("{case}: {e}"));
    let mut out = String::new();
    for d in &generated.diagnostics {
        out.push_str(&format!("// {d}\n"));
    }
    out.push_str(&format!(
        "// ---- models.rs\n{}\n// ---- operations.rs\n{}\n// ---- endpoints.rs\n{}",
        generated.models, generated.operations, generated.endpoints
    ));
    out
}

macro_rules! snapshot_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                insta::assert_snapshot!(generate(stringify!($case)));
            }
        )*

        #[test]
        fn every_fixture_has_a_snapshot_test() {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
            let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
                .expect("fixtures")
                .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
                .collect();
            on_disk.sort();
            let mut listed = vec![$(stringify!($case).to_owned()),*];
            listed.sort();
            assert_eq!(on_disk, listed);
        }
    };
}

snapshot_cases!(
    additional_properties,
    all_of,
    defined_as,
    discriminator_implicit,
    discriminator_mapping,
    enums,
    formats,
    hostile_names,
    inline_objects,
    nullable_optional,
    paging,
    parameters,
    recursive,
    untagged,
);
