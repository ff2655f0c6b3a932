//! A typed client for Okta's Applications API.
//!
//! [`models`] holds one type per schema of `spec/applications.yaml`, generated
//! by `cargo xtask codegen`. Every model keeps what it does not know: unknown
//! fields, unknown enum values, unknown kinds of application, `null` apart from
//! absent, and timestamps as written. A GET, a change and a PUT never drop data.
//!
//! ```
//! use okta_apps::models::{Application, BookmarkApplication, BookmarkApplicationSettings,
//!     BookmarkApplicationSettingsApplication};
//!
//! let json = r#"{"id":"0oa1","name":"bookmark","label":"Wiki","signOnMode":"BOOKMARK",
//!     "settings":{"app":{"url":"https://wiki.example.com"}},"newField":42}"#;
//! let app: Application = okta_apps::from_str(json)?;
//! assert!(matches!(app, Application::Bookmark(_)));
//! assert_eq!(app.label(), Some("Wiki"));
//! // Unknown fields survive the round trip.
//! assert_eq!(serde_json::to_value(&app)?, serde_json::from_str::<serde_json::Value>(json)?);
//!
//! // Building a request: required fields are constructor arguments.
//! let settings = BookmarkApplicationSettings {
//!     app: Some(BookmarkApplicationSettingsApplication::new("https://docs.example.com")),
//!     ..Default::default()
//! };
//! let new_app: Application = BookmarkApplication::new("Docs", settings).into();
//! assert_eq!(new_app.sign_on_mode().map(|m| m.as_str()), Some("BOOKMARK"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// The runtime the generated code stands on (the `okta-runtime` crate):
/// the lossless codec, the sans-IO request types and the [`Operation`](runtime::Operation)
/// trait, Okta's error body.
pub use okta_runtime as runtime;

/// The async client: its builder, errors and paging (the `okta-client`
/// crate), with this crate's [`Client`] and the builders its endpoint
/// functions return.
#[cfg(feature = "client")]
pub mod client {
    pub use crate::endpoints::Client;
    pub use crate::endpoints::*;
    pub use okta_client::*;
}

#[cfg(feature = "client")]
pub use client::{
    ApiError, Auth, Call, ClientBuilder, Error, Items, Page, Pages, RateLimit, Response, RetryPolicy, USER_AGENT,
};
#[cfg(feature = "client")]
pub use endpoints::Client;

/// The API's types, generated from `spec/applications.yaml`.
#[rustfmt::skip]
#[path = "generated/models.rs"]
pub mod models;

/// One request type and one response type per operation of the spec,
/// without I/O: build a [`runtime::Request`], send it any way you like, and
/// decode the status and body.
///
/// ```
/// use okta_apps::operations::{ListApplications, ListApplicationsResponse};
/// use okta_apps::runtime::{Method, Operation};
///
/// let op = ListApplications { limit: Some(20), ..Default::default() };
/// let request = op.to_request()?;
/// assert_eq!((request.method, request.path.as_str()), (Method::Get, "/api/v1/apps"));
/// assert_eq!(request.query, [("limit", "20".to_owned())]);
///
/// let response = ListApplications::decode_response(429, br#"{"errorCode":"E0000047"}"#)?;
/// assert!(matches!(response, ListApplicationsResponse::TooManyRequests(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[rustfmt::skip]
#[path = "generated/operations.rs"]
pub mod operations;

/// This crate's [`Client`], with an endpoint function per operation, and the
/// builders they return (`ListApplicationsBuilder`, ...).
#[cfg(feature = "client")]
#[rustfmt::skip]
#[path = "generated/endpoints.rs"]
pub mod endpoints;

// The README's examples run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use runtime::{DecodeError, ErrorBody, Nullable, Secret, Timestamp, from_slice, from_str, from_value};
