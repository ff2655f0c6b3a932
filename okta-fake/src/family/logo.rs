//! A logo upload (`multipart/form-data` with a `file` part), read as Okta
//! reads it: a PNG, JPG, GIF or SVG image under one MB, its type named by
//! the part or, for a generic type, by the file's name.

use axum::http::header;

use super::Call;
use crate::store::ApiError;

/// The image types a logo may have.
const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/svg+xml"];

/// The `file` part of a multipart logo upload: its media type and bytes.
pub(super) fn logo_part(call: &Call<'_>) -> Result<(String, Vec<u8>), ApiError> {
    let content_type = call.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split(';').find_map(|p| p.trim().strip_prefix("boundary=")))
    else {
        return Err(ApiError::unsupported_media_type("The logo must be sent as multipart/form-data."));
    };
    let delimiter = format!("--{}", boundary.trim_matches('"'));
    for part in split(call.body, delimiter.as_bytes()) {
        let Some(end) = find_bytes(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..end]);
        if !head.contains("name=\"file\"") {
            continue;
        }
        let declared = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim().eq_ignore_ascii_case("content-type").then(|| value.trim().to_ascii_lowercase())
        });
        let body = &part[end + 4..];
        let body = body.strip_suffix(b"\r\n").unwrap_or(body);
        let media_type = match declared {
            Some(declared) if IMAGE_TYPES.contains(&declared.as_str()) => Some(declared),
            // A generic type (or none): the file's name says what it is.
            None => by_file_name(&head),
            Some(declared) if declared == "application/octet-stream" => by_file_name(&head),
            Some(_) => None,
        }
        .ok_or_else(|| ApiError::validation("file", ["The logo must be a PNG, JPG, GIF or SVG image."]))?;
        if body.len() > 1_000_000 {
            return Err(ApiError::validation("file", ["The logo must be less than one MB."]));
        }
        return Ok((media_type, body.to_vec()));
    }
    Err(ApiError::validation("file", ["file: the logo's file part is required"]))
}

/// The image type the part's `filename` names by its extension.
fn by_file_name(head: &str) -> Option<String> {
    let name = head.split("filename=\"").nth(1)?.split('"').next()?.to_ascii_lowercase();
    let extension = name.rsplit_once('.')?.1;
    let media_type = match extension {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        _ => return None,
    };
    Some(media_type.to_owned())
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(at) = find_bytes(rest, delimiter) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    parts.into_iter().skip(1).map(|p| p.strip_prefix(b"\r\n").unwrap_or(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_name_generic_parts() {
        let head = "Content-Disposition: form-data; name=\"file\"; filename=\"icons/Logo.PNG\"";
        assert_eq!(by_file_name(head).as_deref(), Some("image/png"));
        assert_eq!(by_file_name("Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\""), None);
        assert_eq!(by_file_name("Content-Disposition: form-data; name=\"file\""), None);
    }
}
