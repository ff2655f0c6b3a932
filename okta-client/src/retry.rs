//! When a request is sent again, and how long the client waits first: on
//! 429 until the rate limit resets; on a transient failure (connection lost,
//! response cut off, 502/503/504) with exponential backoff, for idempotent
//! operations only; never past the call's deadline.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{self, HeaderMap};

use super::RateLimit;

/// What to do when a request fails in a way that sending it again may fix.
///
/// - **429 Too Many Requests**, for every operation (Okta did not act on it):
///   wait until `X-Rate-Limit-Reset`, measured against the response's `Date`.
/// - **Transient failures**: a connection that fails before a response
///   arrives, a response cut off mid-body, and 502, 503 or 504. Retried only
///   for idempotent operations (GET, PUT, DELETE and the lifecycle POSTs the
///   spec marks `x-idempotent`), since sending a create again could create
///   twice; [`RetryPolicy::retry_non_idempotent`] opts in for the others.
///   The wait honours `Retry-After`, else doubles from [`RetryPolicy::backoff`].
///
/// Every wait is capped by [`RetryPolicy::max_wait`] and gets up to
/// [`RetryPolicy::jitter`] added; all attempts and waits of one call fit in
/// [`RetryPolicy::deadline`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_wait: Duration,
    jitter: Duration,
    backoff: Duration,
    deadline: Option<Duration>,
    non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Two retries; a rate-limited request waits for the reset, a transient
    /// failure 250 ms then 500 ms; up to one second of jitter; no wait over a
    /// minute; five minutes for the whole call.
    fn default() -> Self {
        Self {
            max_retries: 2,
            max_wait: Duration::from_secs(60),
            jitter: Duration::from_secs(1),
            backoff: Duration::from_millis(250),
            deadline: Some(Duration::from_secs(300)),
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry: a 429 or a transient failure is returned as an error at once.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// How many times a request is sent again, at most.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The longest wait before one retry, whatever the headers say.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The most random time added to each wait, so clients do not retry in step.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// The wait before the first retry after a transient failure without a
    /// `Retry-After`; it doubles for each further one.
    pub fn backoff(mut self, first: Duration) -> Self {
        self.backoff = first;
        self
    }

    /// The most time one call may take, attempts and waits together; a retry
    /// that would end past it is not made, and the call fails with
    /// [`Error::DeadlineExceeded`](super::Error::DeadlineExceeded). `None`:
    /// no limit but the request timeout and the count of retries.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Also retries operations that are not idempotent (creating an app) on
    /// transient failures, accepting that one may then be carried out twice.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    pub(super) fn max(&self) -> u32 {
        self.max_retries
    }

    pub(super) fn longest_wait(&self) -> Duration {
        self.max_wait
    }

    pub(super) fn call_deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// Whether a transient failure of this operation may be retried.
    pub(super) fn retries_transient(&self, idempotent: bool) -> bool {
        idempotent || self.non_idempotent
    }

    /// How long to wait after a 429 or a transient failure before retry
    /// number `retry` (0 for the first); `headers` when a response came.
    /// [`Wait::TooLong`] when the server asks for more than
    /// [`RetryPolicy::max_wait`]: the call gives up rather than sleep.
    pub(super) fn wait(&self, status: Option<u16>, retry: u32, headers: Option<&HeaderMap>) -> Wait {
        match headers.and_then(|h| asked_wait(status.unwrap_or(0), h)) {
            Some(asked) if asked > self.max_wait => Wait::TooLong(asked),
            Some(asked) => Wait::Sleep(self.capped(asked.saturating_add(self.random_jitter()))),
            None if status == Some(429) => {
                Wait::Sleep(self.capped(Duration::from_secs(1).saturating_add(self.random_jitter())))
            }
            None => {
                let factor = 2u32.saturating_pow(retry.min(16));
                Wait::Sleep(self.capped(self.backoff.saturating_mul(factor).saturating_add(self.random_jitter())))
            }
        }
    }

    fn capped(&self, wait: Duration) -> Duration {
        wait.min(self.max_wait)
    }

    fn random_jitter(&self) -> Duration {
        if self.jitter.is_zero() {
            return Duration::ZERO;
        }
        Duration::from_millis(fastrand::u64(0..=self.jitter.as_millis().try_into().unwrap_or(u64::MAX)))
    }
}

/// What to do before sending again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wait {
    /// Sleep this long (jitter added, capped), then send again.
    Sleep(Duration),
    /// The server asked for this long, more than the policy waits: give up.
    TooLong(Duration),
}

/// How long the server asks the client to wait before sending again: after
/// a 429, until `X-Rate-Limit-Reset` (measured against `Date`), else
/// `Retry-After`; after any other status, `Retry-After`. Saturating: a
/// reset or a `Retry-After` of any size is a long wait, never an overflow.
pub(crate) fn asked_wait(status: u16, headers: &HeaderMap) -> Option<Duration> {
    let reset = (status == 429).then(|| RateLimit::from_headers(headers).reset).flatten();
    match reset {
        Some(reset) => Some(Duration::from_secs(reset.saturating_sub(server_now(headers)))),
        None => retry_after(headers),
    }
}

/// The server's clock (its `Date`), else ours, in seconds since the epoch.
pub(crate) fn server_now(headers: &HeaderMap) -> u64 {
    server_date(headers).unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs())
}

/// The response's `Date`, in seconds since the epoch, if it has a readable one.
pub(crate) fn server_date(headers: &HeaderMap) -> Option<u64> {
    let date = httpdate::parse_http_date(headers.get(header::DATE)?.to_str().ok()?).ok()?;
    Some(date.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

/// `Retry-After`: seconds, or an HTTP date measured against `Date`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // Seconds too large for a u64 are still a wait, the longest there is.
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(u64::MAX));
    }
    let at = httpdate::parse_http_date(value).ok()?.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(server_now(headers))))
}

/// A status that says the server, or one in front of it, failed for now.
pub(super) fn is_transient_status(status: u16) -> bool {
    matches!(status, 502..=504)
}

/// A transport failure that sending again may fix: the connection failed,
/// was lost, timed out, or the body was cut off; not a request that could
/// not be built.
pub(super) fn is_transient_error(error: &reqwest::Error) -> bool {
    !(error.is_builder() || error.is_redirect() || error.is_status())
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_str(v).expect("valid"));
        }
        map
    }

    fn rate_limited(policy: &RetryPolicy, h: &HeaderMap) -> Wait {
        policy.wait(Some(429), 0, Some(h))
    }

    #[test]
    fn waits_until_the_reset_measured_against_the_date_header() {
        // Date: 1,700,000,000 s; reset 5 s later; the local clock plays no part.
        let h = headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT"), ("x-rate-limit-reset", "1700000005")]);
        let policy = RetryPolicy::default().jitter(Duration::ZERO);
        assert_eq!(rate_limited(&policy, &h), Wait::Sleep(Duration::from_secs(5)));
        let Wait::Sleep(jittered) = rate_limited(&RetryPolicy::default().jitter(Duration::from_millis(300)), &h) else {
            panic!("a short wait is slept")
        };
        assert!(jittered >= Duration::from_secs(5) && jittered <= Duration::from_millis(5300), "{jittered:?}");
    }

    #[test]
    fn the_smallest_reset_counts_and_a_longer_wait_than_the_policy_allows_gives_up() {
        let h = headers(&[
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("x-rate-limit-reset", "1700000090"),
            ("x-rate-limit-reset", "1700000030"),
        ]);
        let policy = RetryPolicy::default().jitter(Duration::ZERO);
        assert_eq!(RateLimit::from_headers(&h).reset, Some(1_700_000_030));
        assert_eq!(rate_limited(&policy, &h), Wait::Sleep(Duration::from_secs(30)));
        let short = policy.max_wait(Duration::from_secs(10));
        assert_eq!(rate_limited(&short, &h), Wait::TooLong(Duration::from_secs(30)));
    }

    #[test]
    fn a_reset_in_the_past_or_missing_waits_briefly() {
        let policy = RetryPolicy::default().jitter(Duration::ZERO);
        let past = headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT"), ("x-rate-limit-reset", "1600000000")]);
        assert_eq!(rate_limited(&policy, &past), Wait::Sleep(Duration::ZERO));
        assert_eq!(rate_limited(&policy, &HeaderMap::new()), Wait::Sleep(Duration::from_secs(1)));
    }

    #[test]
    fn absurd_headers_are_long_waits_never_overflows() {
        let policy = RetryPolicy::default().jitter(Duration::from_secs(u64::MAX));
        for h in [
            headers(&[("retry-after", "18446744073709551615")]),
            headers(&[("retry-after", "99999999999999999999999999999")]),
            headers(&[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")]),
            headers(&[("x-rate-limit-reset", "18446744073709551615")]),
            headers(&[("date", "Thu, 01 Jan 1970 00:00:00 GMT"), ("x-rate-limit-reset", "18446744073709551615")]),
        ] {
            let wait = policy.wait(Some(429), 0, Some(&h));
            assert!(matches!(wait, Wait::TooLong(asked) if asked > Duration::from_secs(3600 * 24 * 365)), "{wait:?}");
            assert!(matches!(policy.wait(Some(503), 99, Some(&h)), Wait::TooLong(_) | Wait::Sleep(_)));
        }
        // A huge jitter and backoff are capped by the longest wait.
        let wait = policy.backoff(Duration::MAX).wait(Some(503), u32::MAX, None);
        assert_eq!(wait, Wait::Sleep(Duration::from_secs(60)));
    }

    #[test]
    fn transient_waits_double_and_honour_retry_after() {
        let policy = RetryPolicy::default().jitter(Duration::ZERO).backoff(Duration::from_millis(100));
        let waits: Vec<_> = (0..4).map(|n| policy.wait(Some(503), n, None)).collect();
        assert_eq!(waits, [100, 200, 400, 800].map(|ms| Wait::Sleep(Duration::from_millis(ms))));
        let capped = policy.max_wait(Duration::from_millis(300));
        assert_eq!(capped.wait(None, 5, None), Wait::Sleep(Duration::from_millis(300)));
        let seconds = headers(&[("retry-after", "3")]);
        assert_eq!(policy.wait(Some(503), 0, Some(&seconds)), Wait::Sleep(Duration::from_secs(3)));
        assert_eq!(capped.wait(Some(503), 0, Some(&seconds)), Wait::TooLong(Duration::from_secs(3)));
        let date =
            headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT"), ("retry-after", "Tue, 14 Nov 2023 22:13:27 GMT")]);
        assert_eq!(policy.wait(Some(503), 0, Some(&date)), Wait::Sleep(Duration::from_secs(7)));
        let junk = headers(&[("retry-after", "soon")]);
        assert_eq!(policy.wait(Some(503), 1, Some(&junk)), Wait::Sleep(Duration::from_millis(200)));
    }

    #[test]
    fn only_idempotent_operations_retry_transient_failures_unless_asked() {
        let policy = RetryPolicy::default();
        assert!(policy.retries_transient(true) && !policy.retries_transient(false));
        assert!(policy.retry_non_idempotent(true).retries_transient(false));
        assert!([502, 503, 504].into_iter().all(is_transient_status));
        assert!(![500, 501, 429, 404].into_iter().any(is_transient_status));
    }
}
