//! Decoding and encoding a 200-app page: typed `Vec<Application>` against
//! `serde_json::Value`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use okta_apps::models::Application;
use serde_json::Value;

#[path = "../tests/common/fixtures.rs"]
mod fixtures;
#[path = "../tests/common/nulls.rs"]
mod nulls;

/// A page of 200 apps, cycling through the fixture payloads with unique ids,
/// each with three members set to `null` as real orgs send them (most where
/// the spec does not allow one).
fn page() -> Vec<u8> {
    let apps = fixtures::apps();
    let page: Vec<Value> = (0..200)
        .map(|i| {
            let mut app = apps[i % apps.len()].clone();
            app["id"] = Value::from(format!("0oa{i:017}"));
            let members = nulls::members(&app);
            for k in 1..=3 {
                // Members past the first few, so the variant stays the same.
                let pointer = &members[(i * 7 + k * 13) % members.len()];
                if !matches!(pointer.as_str(), "/id" | "/name" | "/signOnMode") {
                    app = nulls::with_null(&app, pointer);
                }
            }
            app
        })
        .collect();
    serde_json::to_vec(&page).expect("encodes")
}

fn decode(c: &mut Criterion) {
    let bytes = page();
    let mut group = c.benchmark_group("decode_200_apps");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(&bytes)).expect("decodes")))
    });
    group.bench_function("Vec<Application>", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Vec<Application>>(black_box(&bytes)).expect("decodes")))
    });
    group.bench_function("Vec<Application> with paths", |b| {
        b.iter(|| black_box(okta_apps::from_slice::<Vec<Application>>(black_box(&bytes)).expect("decodes")))
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    let bytes = page();
    let values: Value = serde_json::from_slice(&bytes).expect("decodes");
    let apps: Vec<Application> = serde_json::from_slice(&bytes).expect("decodes");
    let mut group = c.benchmark_group("encode_200_apps");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&values)).expect("encodes")))
    });
    group.bench_function("Vec<Application>", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&apps)).expect("encodes")))
    });
    group.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
