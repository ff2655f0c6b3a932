//! The runtime every crate generated from an Okta OpenAPI description stands
//! on. It names no schema and no operation of any spec.
//!
//! - Values that keep what the server sent (`null`, timestamps, unknown enum
//!   values, unknown union members, unknown members), secrets that never
//!   print, and decoding that names the JSON path of a bad value.
//! - [`coverage`]: which members of a payload a model holds in typed fields
//!   and which it keeps only as undeclared, to measure a spec against what
//!   servers send.
//! - The sans-IO request and response types and the [`Operation`] trait that
//!   generated operations implement, and Okta's error body ([`ErrorBody`]),
//!   which every Okta API shares.
//!
//! It does no I/O and needs neither tokio nor reqwest: the async client that
//! sends these requests is the `okta-client` crate, which stands on this one.

pub mod coverage;
mod decode;
mod error_body;
mod form;
mod map;
mod nullable;
mod nulls;
#[doc(hidden)]
pub mod object;
mod operation;
mod raw;
mod redact;
mod request;
mod secret;
mod string_enum;
mod thread_flag;
mod timestamp;
mod union;

#[doc(hidden)]
pub use decode::is_json_body;
#[doc(hidden)]
pub use decode::plain;
pub use decode::{DecodeError, from_slice, from_str, from_value, nulls_outside_spec, text};
pub use error_body::{ErrorBody, ErrorCause};
pub use form::{FilePart, Form};
pub use map::Map;
pub use nullable::Nullable;
pub use nulls::Nulls;
#[doc(hidden)]
pub use operation::error_body;
pub use operation::{Operation, OperationInfo, Paged, RawResponse, read_response};
#[doc(hidden)]
pub use raw::Probed;
pub use redact::{REDACTED, RawBody, SECRET_MEMBERS, is_secret_header, is_secret_member, redact_body};
#[doc(hidden)]
pub use request::RequestBuilder;
#[doc(hidden)]
pub use request::encode_unreserved;
pub use request::{Method, Request, RequestError};
pub use secret::Secret;
pub use timestamp::{Timestamp, TimestampError};
#[doc(hidden)]
pub use union::{Partial, Union, deserialize_in_order, deserialize_union, try_variant};

/// Decodes a string enum with an `Unknown(String)` variant without copying a
/// known value: generated enums call this from `Deserialize`.
#[doc(hidden)]
pub fn deserialize_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);

    impl<T> serde::de::Visitor<'_> for Visitor<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}
