//! Fuzzing (proptest over arbitrary input) of everything a server's answer
//! reaches before any check: each header parser and the `Link` parser.
//! Nothing may panic (the redacted view of a body is fuzzed in
//! `okta-runtime`, the object decoder on generated models, in the tests of a
//! generated crate). The
//! number of cases comes from `PROPTEST_CASES` (256 unless set).

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::retry::{self, RetryPolicy};
use super::{RateLimit, link, oauth};

/// Header values as servers could send them: any bytes a header may hold.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        "[0-9]{0,40}".prop_map(String::into_bytes),
        "-?[0-9 .e+]{0,24}".prop_map(String::into_bytes),
        "(Mon|Fri|Sun), [0-9]{1,3} (Jan|Dec|Xyz) [0-9]{1,6} [0-9]{1,2}:[0-9]{2}:[0-9]{2} (GMT|UTC)"
            .prop_map(String::into_bytes),
    ]
}

/// Text shaped like a `Link` header, to get past its first check.
fn link_like() -> impl Strategy<Value = String> {
    "([<>;,=\" \\t\\\\a-z/?&:.]|rel|next|title|<https://o/a\\?after=[0-9]>){0,40}"
}

/// Text shaped like a `WWW-Authenticate` header.
fn challenge_like() -> impl Strategy<Value = String> {
    "(DPoP |Bearer |error|_description|=|\"|,| |invalid_dpop_proof|use_dpop_nonce|invalid_token|iat|\\\\|[a-z]){0,30}"
}

/// A header map with `name` set to each of `values` that a header can hold.
fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            map.append(HeaderName::from_static(name), value);
        }
    }
    map
}

proptest! {
    #[test]
    fn the_link_parser_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..128), text in link_like()) {
        let _ = link::next_link([bytes.as_slice()]);
        let _ = link::next_link([text.as_bytes(), bytes.as_slice()]);
        if let Ok(links) = link::parse(&text) {
            for l in links {
                prop_assert!(text.contains(&l.target));
            }
        }
    }

    #[test]
    fn wait_headers_never_panic_and_waits_are_bounded(
        retry_after in header_bytes(),
        reset in header_bytes(),
        date in header_bytes(),
        status in prop_oneof![Just(429u16), Just(503u16), any::<u16>()],
        attempt in any::<u32>(),
    ) {
        let map = headers(&[("retry-after", &retry_after), ("x-rate-limit-reset", &reset), ("date", &date)]);
        let policy = RetryPolicy::default();
        let _ = retry::asked_wait(status, &map);
        let _ = RateLimit::from_headers(&map);
        match policy.wait(Some(status), attempt, Some(&map)) {
            retry::Wait::Sleep(wait) => prop_assert!(wait <= std::time::Duration::from_secs(60)),
            retry::Wait::TooLong(asked) => prop_assert!(asked > std::time::Duration::from_secs(60)),
        }
    }

    #[test]
    fn challenges_and_nonces_never_panic(
        www in challenge_like(),
        raw in prop::collection::vec(any::<u8>(), 0..64),
        nonce in header_bytes(),
        date in header_bytes(),
    ) {
        let _ = oauth::auth_param(&www, "error");
        let _ = oauth::auth_param(&www, "error_description");
        let map = headers(&[("www-authenticate", www.as_bytes()), ("www-authenticate", &raw), ("dpop-nonce", &nonce), ("date", &date)]);
        let oauth = oauth::tests::service_app();
        let url = reqwest::Url::parse("https://example.okta.com/api/v1/apps").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let _ = oauth.challenge(&url, &map);
        oauth.observe(&url, &map);
    }
}
