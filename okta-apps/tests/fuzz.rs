//! Fuzzing (proptest over arbitrary input) of the object decoder on the
//! generated models: any bytes, and real-shaped apps with bytes changed or
//! cut off. Nothing may panic. The number of cases comes from
//! `PROPTEST_CASES` (256 unless set).

use okta_apps::models::Application;
use okta_apps::runtime;
use proptest::prelude::*;

/// Fixture apps to mutate: valid JSON to start from, so the decoder gets deep.
const FIXTURES: &[&str] = &[
    include_str!("fixtures/apps/openid_connect.json"),
    include_str!("fixtures/apps/saml_2_0.json"),
    include_str!("fixtures/apps/org2org.json"),
    include_str!("fixtures/apps/unknown_fields.json"),
];

proptest! {
    #[test]
    fn the_object_decoder_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = runtime::from_slice::<Application>(&bytes);
        let _ = runtime::from_slice::<Vec<Application>>(&bytes);
    }

    #[test]
    fn the_object_decoder_takes_any_mutation_of_a_real_app(
        fixture in 0..FIXTURES.len(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = FIXTURES[fixture].as_bytes().to_vec();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        let _ = runtime::from_slice::<Application>(&bytes);
        let _ = runtime::from_slice::<Application>(&bytes[..cut.index(bytes.len())]);
    }
}
