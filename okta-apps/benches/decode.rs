//! Decoding and encoding a 200-app page: typed `Vec<Application>` against
//! `serde_json::Value`. The page comes twice: with each app's members sorted
//! by name (as `serde_json::Value` writes them, `settings` before
//! `signOnMode`), and as the fake org sends it, in Okta's order.

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
/// the spec does not allow one); members sorted by name.
fn page() -> Vec<u8> {
    serde_json::to_vec(&apps()).expect("encodes")
}

/// The same page as the fake org sends it: each app's members in Okta's order.
fn page_in_okta_order() -> Vec<u8> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let fake = okta_fake::FakeOrg::start().await.expect("fake");
        for app in apps() {
            fake.insert(app);
        }
        let url = format!("{}/api/v1/apps?limit=200", fake.url());
        let response = reqwest::Client::new()
            .get(url)
            .header("Authorization", format!("SSWS {}", fake.api_token()))
            .send()
            .await
            .expect("sent");
        response.bytes().await.expect("body").to_vec()
    })
}

fn apps() -> Vec<Value> {
    let apps = fixtures::apps();
    (0..200)
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
        .collect()
}

fn decode(c: &mut Criterion) {
    for (group, bytes) in [("decode_200_apps", page()), ("decode_200_apps_okta_order", page_in_okta_order())] {
        let mut group = c.benchmark_group(group);
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
