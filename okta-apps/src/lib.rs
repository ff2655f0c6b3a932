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

extern crate self as okta_apps;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "fake")]
pub mod fake;
pub mod runtime;

#[cfg(feature = "client")]
pub use client::{ApiError, Auth, Client, ClientBuilder, Error, Page, RateLimit, Response, RetryPolicy, USER_AGENT};

/// The API's types, generated from `spec/applications.yaml`.
#[rustfmt::skip]
#[path = "generated/models.rs"]
pub mod models;

/// One request type and one response type per operation of the spec,
/// without I/O: build a [`runtime::Request`], send it any way you like, and
/// decode the status and body.
#[rustfmt::skip]
#[path = "generated/operations.rs"]
pub mod operations;

/// The endpoint functions on [`Client`] and their builders, re-exported by
/// [`client`].
#[cfg(feature = "client")]
#[rustfmt::skip]
#[path = "generated/endpoints.rs"]
mod endpoints;

// The README's examples run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use runtime::{DecodeError, Nullable, Secret, Timestamp, from_slice, from_str, from_value};
