//! `multipart/form-data` bodies (RFC 7578): named text and file parts,
//! encoded without I/O, so operations that upload (an app's logo) stay sans-IO.

use std::fmt;

/// A file to upload: its name, media type and bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The file name sent (`logo.png`).
    pub file_name: String,
    /// Its media type (`image/png`).
    pub media_type: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

impl FilePart {
    /// A file part.
    pub fn new(file_name: impl Into<String>, media_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self { file_name: file_name.into(), media_type: media_type.into(), bytes: bytes.into() }
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("media_type", &self.media_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Text(String),
    File(FilePart),
}

/// A `multipart/form-data` body: parts in the order added.
///
/// ```
/// use okta_runtime::{FilePart, Form};
///
/// let form = Form::new().file("file", FilePart::new("logo.png", "image/png", vec![0x89, b'P', b'N', b'G']));
/// let (content_type, body) = form.encode();
/// assert!(content_type.starts_with("multipart/form-data; boundary="));
/// assert!(String::from_utf8_lossy(&body).contains(r#"name="file"; filename="logo.png""#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Form {
    parts: Vec<(String, Value)>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part.
    #[must_use]
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((name.into(), Value::Text(value.into())));
        self
    }

    /// Adds a file part.
    #[must_use]
    pub fn file(mut self, name: impl Into<String>, file: FilePart) -> Self {
        self.parts.push((name.into(), Value::File(file)));
        self
    }

    /// Whether a part of this name was added.
    pub fn has(&self, name: &str) -> bool {
        self.parts.iter().any(|(n, _)| n == name)
    }

    /// The `Content-Type` (with its boundary) and the encoded body. The
    /// boundary is one that occurs in no part.
    pub fn encode(&self) -> (String, Vec<u8>) {
        let boundary = self.boundary();
        let mut body = Vec::new();
        for (name, value) in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let name = quoted(name);
            match value {
                Value::Text(text) => {
                    body.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                    );
                    body.extend_from_slice(text.as_bytes());
                }
                Value::File(file) => {
                    let disposition = format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                        quoted(&file.file_name),
                        single_line(&file.media_type),
                    );
                    body.extend_from_slice(disposition.as_bytes());
                    body.extend_from_slice(&file.bytes);
                }
            }
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }

    /// A boundary found in no part's content: `okta-runtime-form-boundary-`
    /// and the lowest eight-digit hex number that never follows that prefix
    /// in a part. One pass over the contents, however many would-be
    /// boundaries they hold.
    fn boundary(&self) -> String {
        let finder = memchr::memmem::Finder::new(BOUNDARY_PREFIX.as_bytes());
        let mut taken = std::collections::HashSet::new();
        for (_, value) in &self.parts {
            let content = match value {
                Value::Text(t) => t.as_bytes(),
                Value::File(f) => f.bytes.as_slice(),
            };
            for at in finder.find_iter(content) {
                let digits = content.get(at + BOUNDARY_PREFIX.len()..at + BOUNDARY_PREFIX.len() + 8);
                if let Some(n) =
                    digits.and_then(|d| std::str::from_utf8(d).ok()).and_then(|d| u32::from_str_radix(d, 16).ok())
                {
                    taken.insert(n);
                }
            }
        }
        // At most one number per occurrence is taken, so one is free.
        let free = (0u32..).find(|n| !taken.contains(n)).unwrap_or(u32::MAX);
        format!("{BOUNDARY_PREFIX}{free:08x}")
    }
}

/// What every boundary starts with.
const BOUNDARY_PREFIX: &str = "okta-runtime-form-boundary-";

/// A name or file name inside a quoted header parameter: quotes and line
/// breaks percent-encoded, as browsers do.
fn quoted(text: &str) -> String {
    text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// A header value on one line.
fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_encoded_in_order_with_a_boundary_in_none_of_them() {
        let clash = b"--okta-runtime-form-boundary-00000000".to_vec();
        let form = Form::new().text("note", "hi \"there\"").file("file", FilePart::new("a\"b.bin", "image/png", clash));
        let (content_type, body) = form.encode();
        assert_eq!(content_type, "multipart/form-data; boundary=okta-runtime-form-boundary-00000001");
        let text = String::from_utf8_lossy(&body);
        let expected = "--okta-runtime-form-boundary-00000001\r\n\
            Content-Disposition: form-data; name=\"note\"\r\n\r\nhi \"there\"\r\n\
            --okta-runtime-form-boundary-00000001\r\n\
            Content-Disposition: form-data; name=\"file\"; filename=\"a%22b.bin\"\r\nContent-Type: image/png\r\n\r\n\
            --okta-runtime-form-boundary-00000000\r\n\
            --okta-runtime-form-boundary-00000001--\r\n";
        assert_eq!(text, expected);
        assert!(form.has("file") && !form.has("other"));
        assert!(!format!("{form:?}").contains("00000000"), "Debug shows a file's length, not its bytes");
    }

    #[test]
    fn a_file_full_of_would_be_boundaries_is_encoded_in_one_pass() {
        // Every boundary from 0 to 9,999, back to back: the 10,000th is free.
        let mut bytes = Vec::new();
        for n in 0..10_000u32 {
            bytes.extend_from_slice(format!("--{BOUNDARY_PREFIX}{n:08x}").as_bytes());
        }
        let (content_type, body) =
            Form::new().file("file", FilePart::new("x.bin", "image/png", bytes.clone())).encode();
        assert!(content_type.ends_with("okta-runtime-form-boundary-00002710"), "{content_type}");
        assert_eq!(body.windows(bytes.len()).filter(|w| *w == bytes.as_slice()).count(), 1);
    }
}
