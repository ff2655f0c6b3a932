//! Every fixture's generated code compiles, warnings denied: the checked-in
//! outputs under `expected/` are kept current by `cargo xtask codegen` (and
//! checked by its `--check` and the freshness test).
#![deny(warnings)]
// The fixtures are libraries of types no test uses all of.
#![allow(dead_code)]

#[path = "expected/mod.rs"]
#[rustfmt::skip]
mod expected;

#[test]
fn generated_fixtures_compile() {
    use expected::discriminator_mapping::models::{Cat, Pet};
    // Building and decoding through the generated code, not only compiling it.
    let pet: Pet = okta_apps::from_str(r#"{"kind":"kitten","lives":9}"#).expect("decodes");
    assert!(matches!(pet, Pet::Cat(Cat { lives: Some(9), .. })));
}
