//! Generation from spec text to formatted files, in memory: the Applications
//! spec always, and any other spec named by `CODEGEN_BENCH_SPEC` (such as
//! Okta's whole management spec).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};

// The allocator `cargo xtask codegen` runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn generate(c: &mut Criterion) {
    let mut specs = vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/applications.yaml"))];
    specs.extend(std::env::var_os("CODEGEN_BENCH_SPEC").map(PathBuf::from));
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for path in specs {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let options = codegen::Options::default();
        group.bench_function(&name, |b| {
            b.iter(|| black_box(codegen::generate_str(black_box(&text), &name, &options).expect("generates")))
        });
    }
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
