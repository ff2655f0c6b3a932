//! Sending any generated operation: one call decoded through the
//! operation's own decoder, or every page of a paged list, each item decoded
//! on its own. The generated endpoint functions are thin builders over these.

use std::collections::HashSet;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::value::RawValue;

use super::error::Decoded;
use super::send::{Raw, Target};
use super::{Client, Error, Response, link};
use okta_runtime::{self as runtime, Operation, Paged};

/// A call in flight, as an endpoint function's `send` returns it: a named,
/// `Send` and `'static` future, so it can be stored, spawned or awaited
/// later. Nothing is sent until it is first polled.
pub type Call<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// Every page of a paged list, as [`Client::pages`] and a paged endpoint's
/// `pages` return it: a named, `Send` and `'static` stream.
pub type Pages<T> = Pin<Box<dyn Stream<Item = Result<Response<Page<T>>, Error>> + Send + 'static>>;

/// Every item of a paged list, as [`Client::items`] and a paged endpoint's
/// `stream` return it: a named, `Send` and `'static` stream.
pub type Items<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

impl Client {
    /// [`Client::send`], owning the operation: what an endpoint function's
    /// `send` returns.
    pub fn call<O>(&self, op: O) -> Call<Response<O::Success>>
    where
        O: Operation + Send + Sync + 'static,
        O::Success: Send,
    {
        let client = self.clone();
        Box::pin(async move { client.send(&op).await })
    }

    /// [`Client::page`], owning the operation: what a paged endpoint
    /// function's `send` returns.
    pub fn call_page<O>(&self, op: O) -> Call<Response<Page<O::Item>>>
    where
        O: Paged + Send + Sync + 'static,
        O::Item: Send,
    {
        let client = self.clone();
        Box::pin(async move { client.page(&op).await })
    }

    /// Sends any operation and decodes its success value (`()` for one
    /// without a body). Every non-2xx status, and a 2xx the spec does not
    /// document for it, is [`Error::Api`].
    ///
    /// ```no_run
    /// use okta_runtime::Operation;
    /// use okta_client::{Client, Error};
    ///
    /// // Any generated operation: its success comes decoded.
    /// async fn run<O: Operation>(client: &Client, op: &O) -> Result<O::Success, Error> {
    ///     Ok(client.send(op).await?.into_value())
    /// }
    /// ```
    pub async fn send<O: Operation>(&self, op: &O) -> Result<Response<O::Success>, Error> {
        let raw = self.send_operation(op).await?;
        let response = O::decode_response(raw.status, &raw.body).map_err(|source| Error::Decode {
            operation: O::OPERATION_ID,
            source,
            raw: raw.raw_body(&raw.body),
        })?;
        match O::into_success(response) {
            Ok(value) => Ok(raw.response(value)),
            // A documented 2xx other than the first, or one not documented.
            Err(other) => Err(raw.api_error_with(O::OPERATION_ID, Some(Decoded::new(other)))),
        }
    }

    /// One page of a paged list: its items, each decoded on its own, and the
    /// link to the next page.
    pub async fn page<O: Paged>(&self, op: &O) -> Result<Response<Page<O::Item>>, Error> {
        let raw = self.send_operation(op).await?;
        let next = next_url::<O>(&raw)?;
        let page = Page::decode::<O>(&raw, next)?;
        Ok(raw.response(page))
    }

    /// Every page of a paged list, from `op` on: [`Client::page`], then each
    /// `Link: <...>; rel="next"` (resolved against the page that sent it),
    /// only to the org's own origin. A link back to a page already read is
    /// [`Error::PageLoop`], one to another origin [`Error::ForeignNextLink`],
    /// an unreadable `Link` header [`Error::InvalidLinkHeader`]: each comes
    /// after the items of the page that carried it, and ends the stream. The
    /// next page is requested while the current one is decoded.
    pub fn pages<O>(&self, op: O) -> Pages<O::Item>
    where
        O: Paged + Send + Sync + 'static,
        O::Item: Send,
    {
        let state = Pager::<O> {
            client: self.clone(),
            next: Some(Fetch::First(Box::new(op))),
            failed: None,
            seen: HashSet::new(),
        };
        Box::pin(futures_util::stream::unfold(state, |mut state| async move {
            if let Some(error) = state.failed.take() {
                return Some((Err(error), state));
            }
            let fetch = state.next.take()?;
            let raw = match state.fetch(fetch).await {
                Ok(raw) => raw,
                Err(e) => return Some((Err(e), state)),
            };
            state.read(&raw);
            // Follow before decoding, so decoding overlaps the next round trip.
            let next = match next_url::<O>(&raw) {
                Ok(next) => next,
                Err(e) => {
                    state.failed = Some(e);
                    None
                }
            };
            if let Err(e) = state.follow(next.clone()) {
                state.failed = Some(e);
            }
            let page = match Page::decode::<O>(&raw, next) {
                Ok(page) => Ok(raw.response(page)),
                Err(e) => {
                    state.next = None;
                    Err(e)
                }
            };
            Some((page, state))
        }))
    }

    /// Every item of every page of a paged list (see [`Client::pages`]); an
    /// item that does not decode is one `Err` holding its raw JSON, and the
    /// stream goes on.
    pub fn items<O>(&self, op: O) -> Items<O::Item>
    where
        O: Paged + Send + Sync + 'static,
        O::Item: Send,
    {
        self.pages(op).map_ok(|page| futures_util::stream::iter(page.value.items)).try_flatten().boxed()
    }

    /// Builds and sends an operation's request; the raw response, any status.
    async fn send_operation<O: Operation>(&self, op: &O) -> Result<Raw, Error> {
        let request = op.to_request().map_err(|source| Error::InvalidInput { operation: O::OPERATION_ID, source })?;
        let raw = self.send_request(Target::of::<O>(), request).await?;
        if !(200..300).contains(&raw.status) {
            return Err(operation_error::<O>(raw));
        }
        Ok(raw)
    }
}

/// The error for an error status, with the body read by the operation's
/// own decoder (kept only if it decodes).
fn operation_error<O: Operation>(raw: Raw) -> Error {
    let decoded = O::decode_response(raw.status, &raw.body).ok().map(Decoded::new);
    raw.api_error_with(O::OPERATION_ID, decoded)
}

/// The next page's URL of a page: its `Link: rel="next"` target, resolved
/// against the URL the page came from.
fn next_url<O: Operation>(raw: &Raw) -> Result<Option<reqwest::Url>, Error> {
    let invalid = |reason: String| Error::InvalidLinkHeader { operation: O::OPERATION_ID, reason };
    let values = raw.headers.get_all(reqwest::header::LINK).iter().map(reqwest::header::HeaderValue::as_bytes);
    let Some(next) = link::next_link(values).map_err(invalid)? else { return Ok(None) };
    raw.url.join(&next).map(Some).map_err(|e| invalid(format!("the next link `{next}` is not a URL: {e}")))
}

/// One page of a list.
#[derive(Debug)]
pub struct Page<T> {
    /// The items, in order; one that does not decode is an `Err` holding its raw JSON.
    pub items: Vec<Result<T, Error>>,
    /// The next page's URL, if there are more pages: the `Link: rel="next"`
    /// target resolved against this page's URL.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The `after` cursor of the next page, if any.
    pub fn next_cursor(&self) -> Option<String> {
        let url = reqwest::Url::parse(self.next.as_deref()?).ok()?;
        url.query_pairs().find(|(k, _)| k == "after").map(|(_, v)| v.into_owned())
    }

    /// The items that decoded.
    pub fn decoded(&self) -> impl Iterator<Item = &T> {
        self.items.iter().filter_map(|r| r.as_ref().ok())
    }

    /// All items, or the first that did not decode.
    pub fn into_decoded(self) -> Result<Vec<T>, Error> {
        self.items.into_iter().collect()
    }

    /// Decodes a list body item by item.
    fn decode<O: Paged<Item = T>>(raw: &Raw, next: Option<reqwest::Url>) -> Result<Self, Error>
    where
        T: serde::de::DeserializeOwned,
    {
        let next = next.map(String::from);
        // Almost every page decodes whole; only a page that does not is split.
        if let Some(items) = runtime::plain::<Vec<T>>(&raw.body) {
            return Ok(Page { items: items.into_iter().map(Ok).collect(), next });
        }
        let operation = O::OPERATION_ID;
        let items: Vec<Box<RawValue>> = runtime::from_slice(&raw.body).map_err(|source| Error::Decode {
            operation,
            source,
            raw: raw.raw_body(&raw.body),
        })?;
        let items = items
            .into_iter()
            .map(|item| {
                runtime::from_str::<T>(item.get()).map_err(|source| Error::Decode {
                    operation,
                    source,
                    raw: raw.raw_body(item.get().as_bytes()),
                })
            })
            .collect();
        Ok(Page { items, next })
    }
}

/// What the pager fetches next.
enum Fetch<O> {
    First(Box<O>),
    Pending(Prefetch),
}

/// A page being fetched in the background; dropping it cancels the request.
struct Prefetch(tokio::task::JoinHandle<Result<Raw, Error>>);

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Pager<O> {
    client: Client,
    next: Option<Fetch<O>>,
    /// An error found while following a link, given after the page.
    failed: Option<Error>,
    /// Every page URL requested or read, the first included.
    seen: HashSet<String>,
}

impl<O: Paged> Pager<O> {
    /// The raw response of the next page; an error status is an error.
    async fn fetch(&self, fetch: Fetch<O>) -> Result<Raw, Error> {
        let raw = match fetch {
            Fetch::First(op) => self.client.send_operation(op.as_ref()).await?,
            Fetch::Pending(mut prefetch) => {
                (&mut prefetch.0).await.map_err(|e| Error::Config(format!("the page request task ended: {e}")))??
            }
        };
        if !(200..300).contains(&raw.status) {
            return Err(operation_error::<O>(raw));
        }
        Ok(raw)
    }

    /// Remembers the URL a page came from.
    fn read(&mut self, raw: &Raw) {
        self.seen.insert(raw.url.as_str().to_owned());
    }

    /// Starts fetching the next page, if it is on the org and new.
    fn follow(&mut self, next: Option<reqwest::Url>) -> Result<(), Error> {
        let Some(url) = next else { return Ok(()) };
        if !self.client.same_origin(&url) {
            return Err(Error::ForeignNextLink { operation: O::OPERATION_ID, url: url.into() });
        }
        if !self.seen.insert(url.as_str().to_owned()) {
            return Err(Error::PageLoop { operation: O::OPERATION_ID, url: url.into() });
        }
        let client = self.client.clone();
        let target = Target::of::<O>();
        let task = tokio::spawn(async move { client.send_url(target, url, Vec::new(), None, None).await });
        self.next = Some(Fetch::Pending(Prefetch(task)));
        Ok(())
    }
}
