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

#[test]
fn unions_without_a_discriminator_pick_by_what_the_object_has() {
    use expected::untagged::models::{EcKey, Factor, JsonWebKey, Key, Scalar};

    // A property each variant fixes: decoded like a discriminator, with Unknown.
    let enc: JsonWebKey = okta_apps::from_str(r#"{"use":"enc","kty":"RSA"}"#).expect("decodes");
    assert_eq!(enc.variant_name(), "EncryptionKey");
    let other: JsonWebKey = okta_apps::from_str(r#"{"use":"wrap","k":1}"#).expect("decodes");
    assert_eq!(other.variant_name(), "Unknown");
    assert_eq!(serde_json::to_string(&other).expect("encodes"), r#"{"use":"wrap","k":1}"#);

    // A property only one variant declares: its presence picks the variant,
    // even where trying in order would stop at the first.
    let ec: Key = okta_apps::from_str(r#"{"x":"1","y":"2"}"#).expect("decodes");
    assert!(matches!(ec, Key::EcKey(EcKey { x: Some(_), y: Some(_), .. })), "{ec:?}");
    let answer: Factor = okta_apps::from_str(r#"{"answer":"blue","hint":"sky"}"#).expect("decodes");
    assert!(matches!(answer, Factor::Variant2(_)), "{answer:?}");
    let neither: Factor = okta_apps::from_str(r#"{"other":true}"#).expect("decodes");
    assert!(matches!(neither, Factor::Variant0(_)), "{neither:?}");
    assert_eq!(serde_json::to_string(&neither).expect("encodes"), r#"{"other":true}"#);
    // A wrong type inside the chosen variant names its path.
    let err = okta_apps::from_str::<Factor>(r#"{"answer":7}"#).expect_err("wrong type");
    assert_eq!(err.path(), "answer", "{err}");

    // A variant that is a union itself: its own fixed `use` picks it, then
    // its discriminator picks its kind.
    use expected::untagged::models::{AddKeyBody, SigningKeys};
    let signing: AddKeyBody = okta_apps::from_str(r#"{"use":"sig","kty":"EC","x":"1"}"#).expect("decodes");
    assert!(matches!(&signing, AddKeyBody::SigningKeys(SigningKeys::EcSigningKey(_))), "{signing:?}");
    let encryption: AddKeyBody = okta_apps::from_str(r#"{"use":"enc","kty":"RSA"}"#).expect("decodes");
    assert_eq!(encryption.variant_name(), "EncryptionKey");

    // Values of different JSON types are still tried in order.
    let scalar: Scalar = okta_apps::from_str("5").expect("decodes");
    assert!(matches!(scalar, Scalar::Integer(5)), "{scalar:?}");
}
