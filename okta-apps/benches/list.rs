//! Listing 2,000 apps from the fake org in pages of 200: the client's
//! `.stream()` (typed, item by item, following Link headers) against the same
//! pages fetched as raw bytes with reqwest alone.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::TryStreamExt;
use okta_apps::Client;
use okta_apps::fake::FakeOrg;
use serde_json::Value;

const APPS: usize = 2_000;
const PAGE: i32 = 200;

fn fixtures() -> Vec<Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apps");
    let mut paths: Vec<_> =
        std::fs::read_dir(dir).expect("fixtures").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut apps = Vec::new();
    for path in paths {
        match serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON") {
            Value::Array(items) => apps.extend(items),
            v => apps.push(v),
        }
    }
    apps
}

fn list(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt.block_on(FakeOrg::start()).expect("fake");
    let apps = fixtures();
    for i in 0..APPS {
        let mut app = apps[i % apps.len()].clone();
        if let Some(o) = app.as_object_mut() {
            o.remove("id");
        }
        fake.insert(app);
    }
    let client = Client::builder(fake.url()).api_token(fake.api_token()).build().expect("client");
    let http = reqwest::Client::new();
    let auth = format!("SSWS {}", fake.api_token());
    let first = format!("{}/api/v1/apps?limit={PAGE}", fake.url());

    let mut group = c.benchmark_group("list_2000_apps");
    group.throughput(Throughput::Elements(APPS as u64));
    group.sample_size(20);
    group.bench_function("client stream (typed)", |b| {
        b.iter(|| {
            let apps: Vec<_> =
                rt.block_on(client.list_applications().limit(PAGE).stream().try_collect()).expect("list");
            assert_eq!(apps.len(), APPS);
            black_box(apps)
        })
    });
    group.bench_function("reqwest raw bytes", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut next = Some(first.clone());
                let mut bytes = 0;
                while let Some(url) = next.take() {
                    let response = http.get(&url).header("Authorization", &auth).send().await.expect("sent");
                    next = response
                        .headers()
                        .get_all("link")
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .find(|v| v.contains("rel=\"next\""))
                        .and_then(|v| Some(v[v.find('<')? + 1..v.find('>')?].to_owned()));
                    bytes += response.bytes().await.expect("body").len();
                }
                black_box(bytes)
            })
        })
    });
    group.finish();
}

criterion_group!(benches, list);
criterion_main!(benches);
