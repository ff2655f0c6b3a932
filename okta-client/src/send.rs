//! Sending one request: the credentials of each attempt, retries as the
//! policy says, redirects refused (or followed on the org's origin when
//! asked), bodies read up to a limit, all within the call's deadline, in
//! one `okta.request` span.

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use tracing::Instrument;

use super::budget::{Admit, Pause, PauseCause};
use super::error::{ApiError, Decoded};
use super::retry::{self, Wait};
use super::{Client, Credentials, Error, RateLimit, Response, oauth, request_id};
use okta_runtime::{RawBody, Request, is_secret_header};

/// What came back, before it is decoded.
#[derive(Clone)]
pub(super) struct Raw {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
    pub(super) retries: u32,
    /// Where the answer came from (after any redirect followed): what a
    /// relative link in it is resolved against.
    pub(super) url: reqwest::Url,
    /// The member names the operation's spec marks secret.
    pub(super) secrets: &'static [&'static str],
}

impl Raw {
    pub(super) fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    pub(super) fn response<T>(&self, value: T) -> Response<T> {
        Response {
            value,
            status: self.status,
            rate_limit: RateLimit::from_headers(&self.headers),
            request_id: self.request_id(),
            retries: self.retries,
        }
    }

    /// This body (or a part of it), kept for an error: printed redacted.
    pub(super) fn raw_body(&self, body: &[u8]) -> RawBody {
        RawBody::new(body, self.secrets)
    }

    /// The error for this response, without the operation's own decoding
    /// (a 429 or transient failure that was to be retried).
    pub(super) fn api_error(self, operation: &'static str) -> Error {
        self.api_error_with(operation, None)
    }

    /// The error for this response, with what the operation's decoder made of it.
    pub(super) fn api_error_with(self, operation: &'static str, response: Option<Decoded>) -> Error {
        let error = okta_runtime::from_slice::<okta_runtime::ErrorBody>(&self.body).ok();
        Error::Api(Box::new(ApiError {
            operation,
            status: self.status,
            error,
            response,
            request_id: self.request_id(),
            rate_limit: RateLimit::from_headers(&self.headers),
            retry_after: retry::asked_wait(self.status, &self.headers),
            body: self.raw_body(&self.body),
            headers: self.headers,
            retries: self.retries,
        }))
    }
}

/// Which operation a request is, for the span, errors and retries.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target {
    pub(super) operation: &'static str,
    pub(super) method: okta_runtime::Method,
    pub(super) template: &'static str,
    pub(super) idempotent: bool,
    pub(super) secrets: &'static [&'static str],
}

impl Target {
    /// What `O` says of itself.
    pub(super) fn of<O: okta_runtime::Operation>() -> Self {
        Self {
            operation: O::OPERATION_ID,
            method: O::METHOD,
            template: O::PATH,
            idempotent: O::IDEMPOTENT,
            secrets: O::SECRET_MEMBERS,
        }
    }
}

/// What a 401 from the API may ask for, once each per call.
#[derive(Default)]
struct Resends {
    nonce: bool,
    token: bool,
    clock: bool,
    count: u32,
}

impl Client {
    /// Sends a request built by an operation to the org.
    pub(super) async fn send_request(&self, target: Target, request: Request) -> Result<Raw, Error> {
        let mut url = self.inner.base.clone();
        url.set_path(&request.path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let content_type = request.content_type.unwrap_or_else(|| "application/octet-stream".to_owned());
        let body = request.body.map(|body| (content_type, body));
        self.send_url(target, url, request.headers, body, request.accept).await
    }

    /// Sends to a full URL (a `next` link), retrying as the policy says.
    pub(super) async fn send_url(
        &self,
        target: Target,
        mut url: reqwest::Url,
        headers: Vec<(&'static str, String)>,
        body: Option<(String, Vec<u8>)>,
        accept: Option<&'static str>,
    ) -> Result<Raw, Error> {
        let operation = target.operation;
        let span = tracing::info_span!(
            "okta.request",
            operation,
            method = target.method.as_str(),
            path = target.template,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            retries = tracing::field::Empty,
        );
        async move {
            let policy = self.inner.retry;
            let method = reqwest::Method::from_bytes(target.method.as_str().as_bytes())
                .map_err(|_| Error::Config(format!("unsupported method {}", target.method)))?;
            let clock = Deadline { started: Instant::now(), deadline: policy.call_deadline(), operation };
            let mut retry_for: Option<String> = None;
            let (mut attempt, mut hops) = (0u32, 0u8);
            let mut resends = Resends::default();
            // The token generation the API refused, so the next attempt gets a newer one.
            let mut rejected: Option<u64> = None;
            loop {
                let sent_before = attempt + resends.count;
                // Admitted by the rate budget before the credentials are
                // made, so a DPoP proof is never older than the wait.
                let ticket = loop {
                    match clock
                        .within(sent_before, self.inner.budget.admit(target.template, policy.longest_wait()))
                        .await?
                    {
                        Admit::Send(ticket) => break ticket,
                        Admit::Wait(wait) => {
                            clock.allows(sent_before, wait)?;
                            self.pause(target, wait, PauseCause::RateBudget);
                            tokio::time::sleep(wait).await;
                        }
                    }
                };
                let (authorization, proof, generation) =
                    clock.within(sent_before, self.authorization(operation, &method, &url, rejected)).await??;
                let mut builder = self
                    .inner
                    .http
                    .request(method.clone(), url.clone())
                    .header(header::AUTHORIZATION, authorization)
                    .header(header::ACCEPT, accept.unwrap_or("application/json"));
                if let Some(proof) = proof {
                    builder = builder.header("DPoP", proof);
                }
                for (name, value) in &headers {
                    builder = builder.header(*name, value.as_str());
                }
                if let Some((content_type, body)) = &body {
                    builder = builder.header(header::CONTENT_TYPE, content_type.as_str()).body(body.clone());
                }
                if sent_before > 0 {
                    if let Some(id) = &retry_for {
                        builder = builder.header("X-Okta-Retry-For", id.as_str());
                    }
                    builder = builder.header("X-Okta-Retry-Count", sent_before.to_string());
                }
                let span = tracing::Span::current();
                span.record("retries", sent_before);
                let exchanged = exchange(builder, self.inner.max_body);
                let outcome = clock.within(sent_before, exchanged).await?;
                if let Ok((_, headers, _)) = &outcome {
                    self.inner.budget.observe(target.template, headers);
                }
                drop(ticket);
                // What failed, and how long to wait before sending again; or the result.
                let (failure, wait) = match outcome {
                    Ok((status, headers, body)) => {
                        let raw = Raw {
                            status,
                            headers,
                            body,
                            retries: sent_before,
                            url: url.clone(),
                            secrets: target.secrets,
                        };
                        span.record("status", raw.status);
                        if let Some(id) = raw.request_id() {
                            span.record("request_id", id.as_str());
                        }
                        if let Credentials::ServiceApp(oauth) = &self.inner.credentials {
                            // A server may rotate its nonce on any answer (RFC 9449).
                            oauth.observe(&url, &raw.headers);
                            if raw.status == 401 {
                                match oauth.challenge(&url, &raw.headers) {
                                    Some(oauth::Challenge::Nonce) if !resends.nonce => {
                                        tracing::info!("the API asks for a new DPoP nonce; sending again with it");
                                        resends.nonce = true;
                                        resends.count += 1;
                                        continue;
                                    }
                                    Some(oauth::Challenge::InvalidToken) if !resends.token => {
                                        tracing::info!(
                                            "the API refused the access token; sending again with a new one"
                                        );
                                        resends.token = true;
                                        rejected = generation;
                                        resends.count += 1;
                                        continue;
                                    }
                                    Some(oauth::Challenge::Clock) if !resends.clock => {
                                        tracing::info!(
                                            "the API refused the DPoP proof's time; sending again on its clock"
                                        );
                                        resends.clock = true;
                                        resends.count += 1;
                                        continue;
                                    }
                                    _ => {}
                                }
                            }
                        }
                        if (300..400).contains(&raw.status) {
                            url = self.redirect(&raw, &method, hops, operation)?;
                            hops += 1;
                            continue;
                        }
                        let retryable = raw.status == 429
                            || (retry::is_transient_status(raw.status) && policy.retries_transient(target.idempotent));
                        if attempt >= policy.max() || !retryable {
                            return Ok(raw);
                        }
                        let wait = match policy.wait(Some(raw.status), attempt, Some(&raw.headers)) {
                            Wait::Sleep(wait) => wait,
                            Wait::TooLong(asked) => {
                                tracing::warn!(
                                    status = raw.status,
                                    wait_s = asked.as_secs(),
                                    "the server asks to wait longer than the retry policy allows; giving up"
                                );
                                return Ok(raw);
                            }
                        };
                        if retry_for.is_none() {
                            retry_for = raw.request_id();
                        }
                        (raw.api_error(operation), wait)
                    }
                    Err(Failure::TooLarge) => {
                        return Err(Error::ResponseTooLarge { operation, limit: self.inner.max_body });
                    }
                    Err(Failure::Transport(source)) => {
                        let retryable =
                            retry::is_transient_error(&source) && policy.retries_transient(target.idempotent);
                        let error = Error::Transport { operation, source: source.into(), attempts: sent_before + 1 };
                        if attempt >= policy.max() || !retryable {
                            return Err(error);
                        }
                        let Wait::Sleep(wait) = policy.wait(None, attempt, None) else { return Err(error) };
                        (error, wait)
                    }
                };
                let cause = match &failure {
                    Error::Api(api) if api.status == 429 => PauseCause::RateLimited,
                    _ => PauseCause::Transient,
                };
                clock.check(sent_before, wait, failure)?;
                self.pause(target, wait, cause);
                tracing::warn!(
                    attempt = sent_before + 1,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "request failed; sending it again"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// Tells the hook, if one is set, of a wait before sending.
    fn pause(&self, target: Target, wait: Duration, cause: PauseCause) {
        if cause == PauseCause::RateBudget {
            tracing::info!(
                endpoint = target.template,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "waiting for the rate limit's window to reset, to stay within the client's share"
            );
        }
        if let Some(hook) = &self.inner.on_pause {
            hook(&Pause { operation: target.operation, endpoint: target.template, wait, cause });
        }
    }

    /// Where a redirect leads, if it may be followed: on the org's origin,
    /// within the hops allowed, with a method it keeps. Else the error.
    fn redirect(
        &self,
        raw: &Raw,
        method: &reqwest::Method,
        hops: u8,
        operation: &'static str,
    ) -> Result<reqwest::Url, Error> {
        let location =
            raw.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).and_then(|l| raw.url.join(l).ok());
        let keeps_method =
            matches!(raw.status, 307 | 308) || (matches!(raw.status, 301..=303) && method == reqwest::Method::GET);
        match location {
            Some(next) if keeps_method && hops < self.inner.redirects && self.same_origin(&next) => {
                tracing::info!(status = raw.status, "following a redirect on the org's origin");
                Ok(next)
            }
            location => Err(Error::Redirect {
                operation,
                status: raw.status,
                location: location.map(|l| l.origin().ascii_serialization()),
            }),
        }
    }

    /// The `Authorization` header of one attempt, the DPoP proof if the
    /// token is DPoP-bound, and the token's generation (for a service app).
    async fn authorization(
        &self,
        operation: &'static str,
        method: &reqwest::Method,
        url: &reqwest::Url,
        rejected: Option<u64>,
    ) -> Result<(HeaderValue, Option<HeaderValue>, Option<u64>), Error> {
        match &self.inner.credentials {
            Credentials::Static(auth) => Ok((auth.header()?, None, None)),
            Credentials::ServiceApp(oauth) => {
                let token =
                    oauth.token(&self.inner.http, &self.inner.retry, self.inner.max_body, operation, rejected).await?;
                let (authorization, proof) = oauth.authorize(&token, method, url)?;
                Ok((authorization, proof, Some(token.generation)))
            }
        }
    }
}

/// One call's deadline: every attempt, token request and wait ends within it.
struct Deadline {
    started: Instant,
    deadline: Option<Duration>,
    operation: &'static str,
}

impl Deadline {
    /// `work`, or [`Error::DeadlineExceeded`] when the deadline passes first.
    async fn within<T>(&self, sent_before: u32, work: impl Future<Output = T>) -> Result<T, Error> {
        let Some(deadline) = self.deadline else { return Ok(work.await) };
        let left = deadline.saturating_sub(self.started.elapsed());
        tokio::time::timeout(left, work).await.map_err(|_| Error::DeadlineExceeded {
            operation: self.operation,
            attempts: sent_before + 1,
            deadline,
            last: None,
        })
    }

    /// Whether waiting `wait` before sending still ends within the
    /// deadline; if not, the error.
    fn allows(&self, sent_before: u32, wait: Duration) -> Result<(), Error> {
        match self.deadline {
            Some(deadline) if self.started.elapsed().saturating_add(wait) > deadline => {
                Err(Error::DeadlineExceeded { operation: self.operation, attempts: sent_before, deadline, last: None })
            }
            _ => Ok(()),
        }
    }

    /// Whether waiting `wait` still ends within the deadline; if not, the
    /// error holding `failure`.
    fn check(&self, sent_before: u32, wait: Duration, failure: Error) -> Result<(), Error> {
        match self.deadline {
            Some(deadline) if self.started.elapsed().saturating_add(wait) > deadline => Err(Error::DeadlineExceeded {
                operation: self.operation,
                attempts: sent_before + 1,
                deadline,
                last: Some(Box::new(failure)),
            }),
            _ => Ok(()),
        }
    }
}

/// Why an exchange gave no response to look at.
pub(super) enum Failure {
    /// No response, or one cut off.
    Transport(reqwest::Error),
    /// The body grew past the limit.
    TooLarge,
}

/// Sends one attempt and reads the whole body, up to `limit` bytes; the
/// headers that carry credentials are marked sensitive, so no `Debug` shows them.
pub(super) async fn exchange(
    builder: reqwest::RequestBuilder,
    limit: u64,
) -> Result<(u16, HeaderMap, Vec<u8>), Failure> {
    let response = builder.send().await.map_err(Failure::Transport)?;
    read(response, limit).await
}

/// Reads a response: its status, its headers (credentials marked
/// sensitive) and its body, up to `limit` bytes.
pub(super) async fn read(mut response: reqwest::Response, limit: u64) -> Result<(u16, HeaderMap, Vec<u8>), Failure> {
    let status = response.status().as_u16();
    let mut headers = response.headers().clone();
    for (name, value) in &mut headers {
        if is_secret_header(name.as_str()) {
            value.set_sensitive(true);
        }
    }
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return Err(Failure::TooLarge);
    }
    // Trust a declared length only as far as a first allocation goes.
    let capacity = usize::try_from(declared.unwrap_or(0).min(1 << 20)).unwrap_or(0);
    let mut body = Vec::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        if u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX) > limit {
            return Err(Failure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body))
}
