//! Lists as Okta pages them: `limit` items after the `after` cursor (an
//! item's id), answered with a `self` link and, when more items match, a
//! `next` link that keeps the request's other parameters.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use super::http::param;
use super::store::{ApiError, Org};
use okta_runtime::encode_unreserved;

/// One page of a list.
pub(super) struct Page {
    pub(super) items: Vec<Value>,
    /// The cursor for the next page, when more items match.
    pub(super) next_after: Option<String>,
}

/// One page of `items` that match, after the one with id `after` (an
/// unknown cursor gives an empty page), with the cursor of the next page
/// when more match.
pub(super) fn page_of<T>(
    items: &[T],
    id: fn(&T) -> Option<&str>,
    matching: impl Fn(&T) -> bool,
    after: Option<&str>,
    limit: usize,
    to_value: impl Fn(&T) -> Value,
) -> Page {
    let start = match after {
        None => 0,
        Some(cursor) => match items.iter().position(|item| id(item) == Some(cursor)) {
            Some(index) => index + 1,
            None => return Page { items: Vec::new(), next_after: None },
        },
    };
    let mut found = items.iter().skip(start).filter(|item| matching(item));
    let page: Vec<&T> = found.by_ref().take(limit).collect();
    let next_after =
        if found.next().is_some() { page.last().and_then(|item| id(item)).map(str::to_owned) } else { None };
    Page { items: page.into_iter().map(to_value).collect(), next_after }
}

/// A request for one page of the list at `path`: what its links are made
/// of, the page size it gets and the cursor it names.
pub(super) struct Listing<'a> {
    /// The origin the links start with.
    base: String,
    /// The list's path, as the request had it.
    path: &'a str,
    /// The request's query parameters, in its order.
    params: &'a [(String, String)],
    /// The page size: the request's `limit` within the org's page sizes.
    pub(super) limit: usize,
    /// Sent as the `next` link in place of the real one (see
    /// [`FakeOrg::set_next_link`](crate::FakeOrg::set_next_link)).
    next_link: Option<String>,
}

impl<'a> Listing<'a> {
    /// The page `params` ask for of the list at `base` + `path`; a `limit`
    /// that is no number is E0000001.
    pub(super) fn new(
        org: &Org,
        base: String,
        path: &'a str,
        params: &'a [(String, String)],
    ) -> Result<Self, ApiError> {
        let (default, max) = (org.options.default_page_size, org.options.max_page_size);
        let limit = param(params, "limit").map_or(Ok(default), |raw| parse_limit(raw, default, max))?;
        Ok(Self { base, path, params, limit, next_link: None })
    }

    /// Sends `link` as the `next` link instead of the real one, if set.
    pub(super) fn with_next_link(mut self, link: Option<String>) -> Self {
        self.next_link = link;
        self
    }

    /// The cursor the request names: the id of the item the page starts after.
    pub(super) fn after(&self) -> Option<&'a str> {
        param(self.params, "after").filter(|after| !after.is_empty())
    }

    /// The answer: `items` (the page) as JSON with a `self` link and, when
    /// `next_after` says more items match, a `next` link.
    pub(super) fn respond<T: Serialize>(&self, items: &[T], next_after: Option<&str>) -> Response {
        let mut response = Json(items).into_response();
        let next = self.next_link.clone().or_else(|| next_after.map(|cursor| self.url(Some(cursor))));
        append_link(response.headers_mut(), &self.url(self.after()), "self");
        if let Some(next) = next {
            append_link(response.headers_mut(), &next, "next");
        }
        response
    }

    /// The URL of the page after `after`: the cursor, the effective limit,
    /// and the other parameters the request had, in its order.
    fn url(&self, after: Option<&str>) -> String {
        let mut query: Vec<String> = after.map(|a| format!("after={}", encode_unreserved(a))).into_iter().collect();
        query.push(format!("limit={}", self.limit));
        for (name, value) in self.params.iter().filter(|(n, _)| n != "after" && n != "limit") {
            query.push(format!("{}={}", encode_unreserved(name), encode_unreserved(value)));
        }
        format!("{}{}?{}", self.base, self.path, query.join("&"))
    }
}

/// A `limit` value: 1..=max, the default for 0 or less, an E0000001 for anything else.
fn parse_limit(raw: &str, default: usize, max: usize) -> Result<usize, ApiError> {
    let raw = raw.trim();
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, raw),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(ApiError::validation("limit", [format!("limit: '{raw}' is not a valid integer")]));
    }
    if negative {
        return Ok(default);
    }
    // Too many digits for usize: still a number, and far above the maximum.
    Ok(match digits.parse::<usize>() {
        Ok(0) => default,
        Ok(limit) => limit.min(max),
        Err(_) => max,
    })
}

fn append_link(headers: &mut HeaderMap, url: &str, rel: &str) {
    match HeaderValue::from_str(&format!("<{url}>; rel=\"{rel}\"")) {
        Ok(value) => {
            headers.append(header::LINK, value);
        }
        Err(_) => tracing::warn!(url, rel, "fake okta org: link is not a valid header value; not sent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(parse_limit("5", 20, 200).ok(), Some(5));
        assert_eq!(parse_limit("500", 20, 200).ok(), Some(200));
        assert_eq!(parse_limit("99999999999999999999999", 20, 200).ok(), Some(200));
        assert_eq!(parse_limit("0", 20, 200).ok(), Some(20));
        assert_eq!(parse_limit("-1", 20, 200).ok(), Some(20));
        for bad in ["", "abc", "1.5", "-", "+3"] {
            assert!(parse_limit(bad, 20, 200).is_err(), "{bad}");
        }
    }
}
