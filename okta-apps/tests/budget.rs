//! The rate budget against the fake org: a client given a share of the
//! limit waits for the window to reset instead of running into 429s, and
//! says that it waits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use okta_apps::Client;
use okta_apps::client::{Pause, PauseCause};
use okta_fake::FakeOrg;
use serde_json::json;

/// A fake allowing 10 requests a second, holding one app.
async fn strict_fake() -> (FakeOrg, String) {
    let fake = FakeOrg::start().await.expect("fake");
    let id = fake.insert(json!({
        "name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK", "status": "ACTIVE",
        "settings": { "app": { "url": "https://wiki.example.com" } }
    }));
    fake.set_rate_limit(10, Duration::from_secs(1));
    (fake, id)
}

type Pauses = Arc<Mutex<Vec<Pause>>>;

fn client(fake: &FakeOrg, percent: u8, pauses: &Pauses) -> Client {
    let seen = Arc::clone(pauses);
    Client::builder(fake.url())
        .api_token(fake.api_token())
        .max_api_capacity(percent)
        .on_pause(move |pause| seen.lock().expect("pauses").push(*pause))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_client_within_its_share_waits_for_the_reset_and_is_never_refused() {
    let (fake, id) = strict_fake().await;
    let pauses = Pauses::default();
    let client = client(&fake, 50, &pauses);
    for _ in 0..16 {
        let sent = client.get_application(&id).send().await.expect("get");
        // Half of ten a window: the org never saw this client use more.
        assert!(sent.rate_limit.remaining >= Some(5), "{:?}", sent.rate_limit);
    }
    assert_eq!(fake.over_limit(), 0, "the budget kept the client under the limit");
    let pauses = pauses.lock().expect("pauses");
    // Five requests a window: sixteen span four windows at least, and the
    // client waits for the resets it reaches before they come (how many
    // depends on how fast the requests go; one at the least).
    let budget: Vec<_> = pauses.iter().filter(|p| p.cause == PauseCause::RateBudget).collect();
    assert!(!budget.is_empty(), "{pauses:?}");
    assert!(budget.iter().all(|p| p.operation == "getApplication" && p.endpoint == "/api/v1/apps/{appId}"));
    assert!(budget.iter().all(|p| p.wait <= Duration::from_secs(2)), "{pauses:?}");
    assert!(pauses.iter().all(|p| p.cause != PauseCause::RateLimited), "{pauses:?}");
}

#[tokio::test]
async fn a_window_another_integration_spent_is_waited_out_after_the_orgs_429() {
    let (fake, id) = strict_fake().await;
    let other = Client::builder(fake.url()).api_token(fake.api_token()).build().expect("client");
    let pauses = Pauses::default();
    let client = client(&fake, 50, &pauses);
    loop {
        // The other integration uses the whole window (its budget is its own).
        let sent = other.get_application(&id).send().await.expect("get");
        if sent.rate_limit.remaining == Some(0) {
            break;
        }
    }
    client.get_application(&id).send().await.expect("get, after waiting out the 429");
    assert_eq!(fake.over_limit(), 1, "the org refused the first request of the client");
    let pauses = pauses.lock().expect("pauses");
    assert!(matches!(pauses.as_slice(), [p] if p.cause == PauseCause::RateLimited), "{pauses:?}");
}

#[tokio::test]
async fn concurrent_calls_of_clones_share_one_budget_and_a_bound_on_requests_in_flight() {
    let (fake, id) = strict_fake().await;
    let pauses = Pauses::default();
    let seen = Arc::clone(&pauses);
    let client = Client::builder(fake.url())
        .api_token(fake.api_token())
        .max_api_capacity(50)
        .concurrency(2)
        .on_pause(move |pause| seen.lock().expect("pauses").push(*pause))
        .build()
        .expect("client");
    let calls = (0..12).map(|_| {
        let (client, id) = (client.clone(), id.clone());
        tokio::spawn(async move { client.get_application(&id).send().await })
    });
    for call in futures_util::future::join_all(calls).await {
        let sent = call.expect("joined").expect("get");
        // The clones share one budget: half of the window between them.
        assert!(sent.rate_limit.remaining >= Some(5), "{:?}", sent.rate_limit);
    }
    assert_eq!(fake.over_limit(), 0);
    assert!(pauses.lock().expect("pauses").iter().any(|p| p.cause == PauseCause::RateBudget));
}
