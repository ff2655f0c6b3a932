//! The rate budget: Okta limits requests per endpoint and per minute, and
//! says in every answer how many are left (`X-Rate-Limit-Limit`,
//! `-Remaining`, `-Reset`). A client that may use only a share of each
//! limit (so other tools of the org keep the rest) waits for the window to
//! reset before it would take more, instead of running into 429s; and no
//! more requests than a set number are in flight at once.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::RateLimit;
use super::retry::server_now;

/// Why the client waits before sending a request, as [`Pause`] tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PauseCause {
    /// Sending now would use more of the endpoint's rate limit than the
    /// client's share ([`ClientBuilder::max_api_capacity`](super::ClientBuilder::max_api_capacity)):
    /// it waits for the limit's window to reset.
    RateBudget,
    /// The server answered 429 Too Many Requests: the client waits for the
    /// reset it named, then sends again.
    RateLimited,
    /// The request failed in a way that sending again may fix (a lost
    /// connection, a 502, 503 or 504): the client backs off, then sends again.
    Transient,
}

/// A wait the client makes before it sends a request, given to the hook set
/// with [`ClientBuilder::on_pause`](super::ClientBuilder::on_pause), so a
/// program can show it ("waiting 40 s for the rate limit").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pause {
    /// The operation that waits (`listApplications`).
    pub operation: &'static str,
    /// The path template whose limit it is (`/api/v1/apps`).
    pub endpoint: &'static str,
    /// How long it waits.
    pub wait: Duration,
    /// Why.
    pub cause: PauseCause,
}

/// The function [`Pause`]s are given to.
pub(super) type PauseHook = Arc<dyn Fn(&Pause) + Send + Sync>;

/// The share of each endpoint's limit the client may use, what it knows of
/// each endpoint's window, and the bound on requests in flight.
pub(super) struct Budget {
    /// Percent of each limit, 1 to 100.
    share: u8,
    endpoints: Mutex<HashMap<&'static str, Endpoint>>,
    in_flight: Option<Arc<Semaphore>>,
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("max_api_capacity", &self.share)
            .field("concurrency", &self.in_flight.as_ref().map(|s| s.available_permits()))
            .finish_non_exhaustive()
    }
}

/// One endpoint: the window the server last told of, and the requests sent
/// to it that have not been answered.
#[derive(Debug, Default)]
struct Endpoint {
    window: Option<Window>,
    sending: u64,
}

/// A rate-limit window, as the server's answers told of it.
#[derive(Debug, Clone, Copy)]
struct Window {
    limit: u64,
    /// The fewest left that any answer of this window said.
    remaining: u64,
    /// `X-Rate-Limit-Reset`, on the server's clock: which window this is.
    reset: u64,
    /// When it resets, on ours.
    resets_at: Instant,
}

/// What the budget says before a request is sent.
pub(super) enum Admit {
    /// Send it; the ticket is held until its answer is read.
    Send(Ticket),
    /// Wait this long first (the window resets then), and ask again.
    Wait(Duration),
}

/// A request admitted by the budget: counted as sent to its endpoint, and
/// holding its place among those in flight, until dropped.
pub(super) struct Ticket {
    budget: Arc<Budget>,
    endpoint: &'static str,
    _permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut endpoints = self.budget.endpoints.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(endpoint) = endpoints.get_mut(self.endpoint) {
            endpoint.sending = endpoint.sending.saturating_sub(1);
        }
    }
}

impl Budget {
    /// `share` percent of each limit (clamped to 1..=100); at most
    /// `concurrency` requests in flight (`None`: no bound).
    pub(super) fn new(share: u8, concurrency: Option<usize>) -> Self {
        Self {
            share: share.clamp(1, 100),
            endpoints: Mutex::new(HashMap::new()),
            in_flight: concurrency.map(|n| Arc::new(Semaphore::new(n.max(1)))),
        }
    }

    /// Waits for a place among the requests in flight, then asks whether a
    /// request to `endpoint` may be sent now. `longest` caps the wait it
    /// asks for: a reset a hostile server put far away costs one capped
    /// wait, after which its window is forgotten.
    pub(super) async fn admit(self: &Arc<Self>, endpoint: &'static str, longest: Duration) -> Admit {
        let permit = match &self.in_flight {
            // The semaphore is never closed, so acquiring only waits.
            Some(semaphore) => Arc::clone(semaphore).acquire_owned().await.ok(),
            None => None,
        };
        let mut endpoints = self.endpoints.lock().unwrap_or_else(PoisonError::into_inner);
        let state = endpoints.entry(endpoint).or_default();
        let now = Instant::now();
        if let Some(window) = state.window {
            if now >= window.resets_at {
                state.window = None;
            } else if window.limit - window.remaining.min(window.limit) + state.sending >= self.allowed(window.limit) {
                let wait = window.resets_at - now;
                if wait >= longest {
                    // Asked again after the capped wait, it sends.
                    state.window = None;
                }
                return Admit::Wait(wait.min(longest));
            }
        }
        state.sending += 1;
        Admit::Send(Ticket { budget: Arc::clone(self), endpoint, _permit: permit })
    }

    /// How many requests of a window of `limit` the client may use.
    fn allowed(&self, limit: u64) -> u64 {
        (limit.saturating_mul(u64::from(self.share)) / 100).max(1)
    }

    /// Learns from an answer's headers what is left of `endpoint`'s window.
    /// Answers may arrive out of order: within one window the fewest left
    /// counts, and an answer of an older window is ignored.
    pub(super) fn observe(&self, endpoint: &'static str, headers: &HeaderMap) {
        let RateLimit { limit: Some(limit), remaining: Some(remaining), reset: Some(reset) } =
            RateLimit::from_headers(headers)
        else {
            return;
        };
        // Okta's windows last a minute; a day is past any honest reset.
        let in_secs = reset.saturating_sub(server_now(headers)).min(86_400);
        let resets_at = Instant::now() + Duration::from_secs(in_secs);
        let fresh = Window { limit, remaining, reset, resets_at };
        let mut endpoints = self.endpoints.lock().unwrap_or_else(PoisonError::into_inner);
        let state = endpoints.entry(endpoint).or_default();
        state.window = Some(match state.window {
            Some(known) if known.reset == reset => Window { remaining: known.remaining.min(remaining), ..known },
            Some(known) if known.reset > reset => known,
            _ => fresh,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(limit: u64, remaining: u64, reset_in: u64) -> HeaderMap {
        let now = server_now(&HeaderMap::new());
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", HeaderValue::from(limit));
        h.insert("x-rate-limit-remaining", HeaderValue::from(remaining));
        h.insert("x-rate-limit-reset", HeaderValue::from(now.saturating_add(reset_in)));
        h
    }

    async fn sends(budget: &Arc<Budget>, endpoint: &'static str) -> Option<Ticket> {
        match budget.admit(endpoint, Duration::from_secs(60)).await {
            Admit::Send(ticket) => Some(ticket),
            Admit::Wait(_) => None,
        }
    }

    #[tokio::test]
    async fn half_the_limit_is_used_then_the_client_waits_for_the_reset() {
        let budget = Arc::new(Budget::new(50, None));
        // Nothing known: send.
        assert!(sends(&budget, "/api/v1/apps").await.is_some());
        // 100 a minute, 51 left: 49 used, one more may go.
        budget.observe("/api/v1/apps", &headers(100, 51, 30));
        let ticket = sends(&budget, "/api/v1/apps").await.expect("the 50th request");
        // In flight, it counts: the 51st waits about until the reset.
        match budget.admit("/api/v1/apps", Duration::from_secs(60)).await {
            Admit::Wait(wait) => assert!(wait > Duration::from_secs(28) && wait <= Duration::from_secs(30), "{wait:?}"),
            Admit::Send(_) => panic!("sent past the budget"),
        }
        // Other endpoints have limits of their own.
        assert!(sends(&budget, "/api/v1/apps/{appId}/groups").await.is_some());
        drop(ticket);
        budget.observe("/api/v1/apps", &headers(100, 50, 30));
        assert!(sends(&budget, "/api/v1/apps").await.is_none());
        // A new window: the budget is whole again.
        budget.observe("/api/v1/apps", &headers(100, 99, 90));
        assert!(sends(&budget, "/api/v1/apps").await.is_some());
    }

    #[tokio::test]
    async fn answers_out_of_order_count_the_fewest_left_and_ignore_older_windows() {
        let budget = Arc::new(Budget::new(100, None));
        budget.observe("/e", &headers(10, 0, 30));
        budget.observe("/e", &headers(10, 5, 30));
        assert!(sends(&budget, "/e").await.is_none(), "the fewest left counts");
        budget.observe("/e", &headers(10, 9, 5));
        assert!(sends(&budget, "/e").await.is_none(), "an older window is ignored");
    }

    #[tokio::test]
    async fn a_reset_far_away_costs_one_capped_wait() {
        let budget = Arc::new(Budget::new(50, None));
        budget.observe("/e", &headers(10, 0, u64::MAX / 2));
        match budget.admit("/e", Duration::from_secs(60)).await {
            Admit::Wait(wait) => assert_eq!(wait, Duration::from_secs(60)),
            Admit::Send(_) => panic!("sent past the budget"),
        }
        assert!(sends(&budget, "/e").await.is_some(), "after the capped wait it sends");
    }

    #[tokio::test]
    async fn a_share_of_a_tiny_limit_is_still_one_request() {
        let budget = Arc::new(Budget::new(1, None));
        budget.observe("/e", &headers(2, 2, 30));
        assert!(sends(&budget, "/e").await.is_some());
    }

    #[tokio::test]
    async fn concurrency_bounds_the_requests_in_flight() {
        let budget = Arc::new(Budget::new(100, Some(2)));
        let first = sends(&budget, "/a").await.expect("first");
        let _second = sends(&budget, "/b").await.expect("second");
        let third = tokio::time::timeout(Duration::from_millis(50), sends(&budget, "/c")).await;
        assert!(third.is_err(), "a third waits for a place");
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(5), sends(&budget, "/c")).await;
        assert!(third.expect("a place freed").is_some());
    }
}
