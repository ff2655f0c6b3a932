//! `cargo test` fails when the checked-in generated code is stale.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let report = xtask::codegen(root, codegen::files::Mode::Check).expect("generation succeeds");
    assert!(report.is_clean(), "{report}");
}
