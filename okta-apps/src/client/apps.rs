//! The Applications operations on [`Client`]: one builder each, sent with
//! `.send()`; listing also pages with `.stream()`.

use std::collections::{HashSet, VecDeque};

use futures_core::Stream;
use serde_json::value::RawValue;

use super::{Client, Error, Raw, Response, link};
use crate::models::Application;
use crate::operations as ops;
use crate::runtime::{self, Operation, RequestError};

impl Client {
    /// `GET /api/v1/apps`: one page with [`ListApplications::send`], every
    /// app of every page with [`ListApplications::stream`].
    pub fn list_applications(&self) -> ListApplications {
        ListApplications { client: self.clone(), op: ops::ListApplications::default() }
    }

    /// `POST /api/v1/apps`: creates an app (activated unless `.activate(false)`).
    pub fn create_application(&self, app: impl Into<Application>) -> CreateApplication {
        CreateApplication { client: self.clone(), op: ops::CreateApplication::new(app.into()) }
    }

    /// `GET /api/v1/apps/{appId}`.
    pub fn get_application(&self, id: impl Into<String>) -> GetApplication {
        GetApplication { client: self.clone(), op: ops::GetApplication::new(id) }
    }

    /// `PUT /api/v1/apps/{appId}`: replaces the app; fields the model does not
    /// know are sent back as they came.
    pub fn replace_application(&self, id: impl Into<String>, app: impl Into<Application>) -> ReplaceApplication {
        ReplaceApplication { client: self.clone(), op: ops::ReplaceApplication::new(id, app.into()) }
    }

    /// `DELETE /api/v1/apps/{appId}`: Okta deletes only inactive apps.
    pub fn delete_application(&self, id: impl Into<String>) -> DeleteApplication {
        DeleteApplication { client: self.clone(), op: ops::DeleteApplication::new(id) }
    }

    /// `POST /api/v1/apps/{appId}/lifecycle/activate`.
    pub fn activate_application(&self, id: impl Into<String>) -> ActivateApplication {
        ActivateApplication { client: self.clone(), op: ops::ActivateApplication::new(id) }
    }

    /// `POST /api/v1/apps/{appId}/lifecycle/deactivate`.
    pub fn deactivate_application(&self, id: impl Into<String>) -> DeactivateApplication {
        DeactivateApplication { client: self.clone(), op: ops::DeactivateApplication::new(id) }
    }

    /// Builds, sends and decodes one operation: a 2xx status goes to `decode`,
    /// anything else becomes [`Error::Api`].
    async fn call<T>(
        &self,
        operation: &'static str,
        request: Result<runtime::Request, RequestError>,
        decode: impl FnOnce(&Raw) -> Result<T, Error>,
    ) -> Result<Response<T>, Error> {
        let request = request.map_err(|source| Error::InvalidInput { operation, source })?;
        let raw = self.send(request).await?;
        if !(200..300).contains(&raw.status) {
            return Err(raw.api_error(operation));
        }
        let value = decode(&raw)?;
        Ok(raw.response(value))
    }
}

fn decode_error(operation: &'static str, raw: &Raw, source: runtime::DecodeError) -> Error {
    Error::Decode { operation, source, raw: String::from_utf8_lossy(&raw.body).into_owned() }
}

/// One page of apps; the [`Response`] around it has the status, rate-limit
/// headers and request id.
#[derive(Debug)]
pub struct Page {
    /// The apps, in order; an app that does not decode is an `Err` holding its raw JSON.
    pub items: Vec<Result<Application, Error>>,
    /// The `next` link as Okta sent it, if there are more pages.
    pub next: Option<String>,
}

impl Page {
    /// The `after` cursor of the next page, if any.
    pub fn next_cursor(&self) -> Option<String> {
        let url = reqwest::Url::parse(self.next.as_deref()?).ok()?;
        url.query_pairs().find(|(k, _)| k == "after").map(|(_, v)| v.into_owned())
    }

    /// The apps that decoded.
    pub fn apps(&self) -> impl Iterator<Item = &Application> {
        self.items.iter().filter_map(|r| r.as_ref().ok())
    }

    /// All apps, or the first that did not decode.
    pub fn into_apps(self) -> Result<Vec<Application>, Error> {
        self.items.into_iter().collect()
    }

    /// Decodes a list body item by item.
    fn decode(raw: &Raw) -> Result<Page, Error> {
        Ok(Page { items: decode_items(raw)?, next: next_link(raw) })
    }
}

/// The `next` link of a list response, as sent.
fn next_link(raw: &Raw) -> Option<String> {
    link::next_link(raw.headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()))
}

/// Decodes each app of a list body on its own: one that does not decode is
/// an `Err` with its raw JSON, and the others are unaffected.
fn decode_items(raw: &Raw) -> Result<Vec<Result<Application, Error>>, Error> {
    const OP: &str = ops::ListApplications::OPERATION_ID;
    // Almost every page decodes whole; only a page that does not is split.
    if let Ok(apps) = serde_json::from_slice::<Vec<Application>>(&raw.body) {
        return Ok(apps.into_iter().map(Ok).collect());
    }
    let items: Vec<Box<RawValue>> = runtime::from_slice(&raw.body).map_err(|e| decode_error(OP, raw, e))?;
    Ok(items
        .into_iter()
        .map(|item| {
            runtime::from_str::<Application>(item.get()).map_err(|source| Error::Decode {
                operation: OP,
                source,
                raw: item.get().to_owned(),
            })
        })
        .collect())
}

/// `listApplications`; see [`Client::list_applications`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream()"]
pub struct ListApplications {
    client: Client,
    op: ops::ListApplications,
}

impl ListApplications {
    /// Apps whose `label` or `name` starts with `q`.
    pub fn q(mut self, q: impl Into<String>) -> Self {
        self.op.q = Some(q.into());
        self
    }

    /// Starts after this cursor (from [`Page::next_cursor`]).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.op.after = Some(cursor.into());
        self
    }

    /// Apps per page (Okta allows up to 200).
    pub fn limit(mut self, limit: i32) -> Self {
        self.op.limit = Some(limit);
        self
    }

    /// A filter expression: `status eq "ACTIVE"`, `name eq "okta_org2org"`, ...
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.op.filter = Some(filter.into());
        self
    }

    /// Embeds a resource: `user/{userId}`.
    pub fn expand(mut self, expand: impl Into<String>) -> Self {
        self.op.expand = Some(expand.into());
        self
    }

    /// Asks for a smaller set of properties per app.
    pub fn use_optimization(mut self, on: bool) -> Self {
        self.op.use_optimization = Some(on);
        self
    }

    /// Includes VPN settings even where no VPN notification is set.
    pub fn always_include_vpn_settings(mut self, on: bool) -> Self {
        self.op.always_include_vpn_settings = Some(on);
        self
    }

    /// Includes inactive apps that are not deleted.
    pub fn include_non_deleted(mut self, on: bool) -> Self {
        self.op.include_non_deleted = Some(on);
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Response<Page>, Error> {
        self.client.call(ops::ListApplications::OPERATION_ID, self.op.to_request(), Page::decode).await
    }

    /// Every app of every page, following `Link: <...>; rel="next"` as sent,
    /// only to the org's own origin, and stopping if a link comes back.
    pub fn stream(self) -> impl Stream<Item = Result<Application, Error>> + Send + 'static {
        let state = Pager {
            client: self.client,
            next: Some(Fetch::First(Box::new(self.op))),
            buffer: VecDeque::new(),
            seen: HashSet::new(),
        };
        futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((item, state));
                }
                let fetch = state.next.take()?;
                let raw = match state.fetch(fetch).await {
                    Ok(raw) => raw,
                    Err(e) => return Some((Err(e), state)),
                };
                // The next page is requested before this one is decoded, so
                // decoding overlaps the round trip.
                let followed = state.follow(next_link(&raw));
                match decode_items(&raw) {
                    Ok(items) => state.buffer.extend(items),
                    Err(e) => {
                        state.next = None;
                        return Some((Err(e), state));
                    }
                }
                if let Err(e) = followed {
                    state.buffer.push_back(Err(e));
                }
            }
        })
    }
}

/// What the pager fetches next.
enum Fetch {
    First(Box<ops::ListApplications>),
    Pending(Prefetch),
}

/// A page being fetched in the background; dropping it cancels the request.
struct Prefetch(tokio::task::JoinHandle<Result<Raw, Error>>);

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Pager {
    client: Client,
    next: Option<Fetch>,
    buffer: VecDeque<Result<Application, Error>>,
    seen: HashSet<String>,
}

impl Pager {
    /// The raw response of the next page; an error status is an error.
    async fn fetch(&self, fetch: Fetch) -> Result<Raw, Error> {
        const OP: &str = ops::ListApplications::OPERATION_ID;
        let raw = match fetch {
            Fetch::First(op) => {
                let request = op.to_request().map_err(|source| Error::InvalidInput { operation: OP, source })?;
                self.client.send(request).await?
            }
            Fetch::Pending(mut prefetch) => {
                (&mut prefetch.0).await.map_err(|e| Error::Config(format!("the page request task ended: {e}")))??
            }
        };
        if !(200..300).contains(&raw.status) {
            return Err(raw.api_error(OP));
        }
        Ok(raw)
    }

    /// Starts fetching the next link, if it is safe and new.
    fn follow(&mut self, next: Option<String>) -> Result<(), Error> {
        let Some(next) = next else { return Ok(()) };
        let url = reqwest::Url::parse(&next)
            .or_else(|_| self.client.inner.base.join(&next))
            .map_err(|_| Error::ForeignNextLink { url: next.clone() })?;
        if !self.client.same_origin(&url) {
            return Err(Error::ForeignNextLink { url: next });
        }
        if !self.seen.insert(url.as_str().to_owned()) {
            tracing::warn!(next = %url, "the next link repeats an earlier one; stopping");
            return Ok(());
        }
        let client = self.client.clone();
        let task = tokio::spawn(async move {
            type Op = ops::ListApplications;
            let target = super::Target {
                operation: Op::OPERATION_ID,
                method: Op::METHOD,
                template: Op::PATH,
                idempotent: Op::IDEMPOTENT,
            };
            client.send_url(target, url, Vec::new(), None).await
        });
        self.next = Some(Fetch::Pending(Prefetch(task)));
        Ok(())
    }
}

/// `createApplication`; see [`Client::create_application`].
#[derive(Debug, Clone)]
#[must_use = "call .send()"]
pub struct CreateApplication {
    client: Client,
    op: ops::CreateApplication,
}

impl CreateApplication {
    /// Whether to activate the app on creation (Okta's default: true).
    pub fn activate(mut self, activate: bool) -> Self {
        self.op.activate = Some(activate);
        self
    }

    /// The `OktaAccessGateway-Agent` header.
    pub fn okta_access_gateway_agent(mut self, agent: impl Into<String>) -> Self {
        self.op.okta_access_gateway_agent = Some(agent.into());
        self
    }

    /// Creates the app; returns it as Okta stored it.
    pub async fn send(self) -> Result<Response<Application>, Error> {
        self.client
            .call_for_app(&self.op, |r| match r {
                ops::CreateApplicationResponse::Ok(app) => Some(app),
                _ => None,
            })
            .await
    }
}

/// `getApplication`; see [`Client::get_application`].
#[derive(Debug, Clone)]
#[must_use = "call .send()"]
pub struct GetApplication {
    client: Client,
    op: ops::GetApplication,
}

impl GetApplication {
    /// Embeds the app user: `user/{userId}`.
    pub fn expand(mut self, expand: impl Into<String>) -> Self {
        self.op.expand = Some(expand.into());
        self
    }

    /// Reads the app.
    pub async fn send(self) -> Result<Response<Application>, Error> {
        self.client
            .call_for_app(&self.op, |r| match r {
                ops::GetApplicationResponse::Ok(app) => Some(app),
                _ => None,
            })
            .await
    }
}

/// `replaceApplication`; see [`Client::replace_application`].
#[derive(Debug, Clone)]
#[must_use = "call .send()"]
pub struct ReplaceApplication {
    client: Client,
    op: ops::ReplaceApplication,
}

impl ReplaceApplication {
    /// Replaces the app; returns it as Okta stored it.
    pub async fn send(self) -> Result<Response<Application>, Error> {
        self.client
            .call_for_app(&self.op, |r| match r {
                ops::ReplaceApplicationResponse::Ok(app) => Some(app),
                _ => None,
            })
            .await
    }
}

impl Client {
    /// `call` for the operations that answer with one app: the generated
    /// decoder reads the body, `ok` picks the app out of its success variant.
    async fn call_for_app<O: Operation>(
        &self,
        op: &O,
        ok: fn(O::Response) -> Option<Application>,
    ) -> Result<Response<Application>, Error> {
        let operation = O::OPERATION_ID;
        self.call(operation, op.to_request(), |raw| match O::decode_response(raw.status, &raw.body) {
            Ok(response) => ok(response).ok_or_else(|| unexpected(operation, raw)),
            Err(e) => Err(decode_error(operation, raw, e)),
        })
        .await
    }
}

/// A 2xx the spec does not document for the operation.
fn unexpected(operation: &'static str, raw: &Raw) -> Error {
    raw.clone().api_error(operation)
}

macro_rules! lifecycle {
    ($(#[$doc:meta])* $name:ident, $op:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        #[must_use = "call .send()"]
        pub struct $name {
            client: Client,
            op: ops::$op,
        }

        impl $name {
            /// Sends it; there is no body to decode.
            pub async fn send(self) -> Result<Response<()>, Error> {
                self.client.call(ops::$op::OPERATION_ID, self.op.to_request(), |_| Ok(())).await
            }
        }
    };
}

lifecycle!(
    /// `deleteApplication`; see [`Client::delete_application`].
    DeleteApplication,
    DeleteApplication
);
lifecycle!(
    /// `activateApplication`; see [`Client::activate_application`].
    ActivateApplication,
    ActivateApplication
);
lifecycle!(
    /// `deactivateApplication`; see [`Client::deactivate_application`].
    DeactivateApplication,
    DeactivateApplication
);
