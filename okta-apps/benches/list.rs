//! Listing 2,000 apps from the fake org in pages of 200: the client's
//! `.stream()` (typed, item by item, following Link headers) against the same
//! pages fetched as raw bytes with reqwest alone. A second row keeps every
//! app in a `Vec`, so that freeing them is counted too. The fake org serves
//! from a runtime of its own, so that the client's decoding and the server's
//! work do not share a task queue, as they never do against a real org.

use std::hint::black_box;

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::TryStreamExt;
use okta_apps::Client;
use okta_fake::FakeOrg;

const APPS: usize = 2_000;
const PAGE: i32 = 200;

fn list(c: &mut Criterion) {
    // The fake org runs on a runtime of its own, one thread, as a server in
    // another process would: its work does not queue behind the client's.
    let server = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let fake = server.block_on(FakeOrg::start()).expect("fake");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let apps = fixtures::apps();
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
    // How a stream is read: each app decoded, used, and dropped, as the raw
    // bytes of each page are below.
    group.bench_function("client stream (typed, item by item)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut apps = std::pin::pin!(client.list_applications().limit(PAGE).stream());
                let mut count = 0;
                while let Some(app) = apps.try_next().await.expect("list") {
                    black_box(&app);
                    count += 1;
                }
                assert_eq!(count, APPS);
            })
        })
    });
    // Keeping all 2,000 apps: the time includes freeing them.
    group.bench_function("client stream (typed, collected)", |b| {
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
