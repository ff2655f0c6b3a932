//! How a media type's body is read: as JSON, as text, or as bytes.

use crate::ir::{Encoding, TypeRef};

/// The media type of JSON bodies.
pub(crate) const JSON: &str = "application/json";
/// The media type of multipart forms.
pub(crate) const FORM: &str = "multipart/form-data";

/// `application/json` and its relatives (`application/problem+json`), not
/// JSON merge patch.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    (essence == JSON || essence.ends_with("+json")) && !essence.contains("merge-patch")
}

/// A media type read as text: `text/*` and XML.
pub(crate) fn is_text(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.starts_with("text/") || essence.ends_with("/xml") || essence.ends_with("+xml")
}

/// How a body that is not JSON is read: text as a string, anything else as bytes.
pub(crate) fn non_json(media_type: &str) -> (Encoding, TypeRef) {
    if is_text(media_type) { (Encoding::Text, TypeRef::String) } else { (Encoding::Bytes, TypeRef::Bytes) }
}
