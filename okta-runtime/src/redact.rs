//! Redacted views of what a server sent, for errors and logs: the values of
//! secret members of a JSON body replaced, credential headers named but not
//! shown. The views are made from any bytes (a body cut off, not JSON at all)
//! without failing, since an error about a bad body must still print.

use std::fmt;

/// What stands in for a secret value in a redacted view.
pub const REDACTED: &str = "[redacted]";

/// Member names whose values are secret in every Okta API, whatever the
/// spec says: OAuth 2.0 and JOSE credentials, and the usual names of
/// passwords and keys. A generated crate adds the members its spec marks
/// secret (`format: password`, `x-okta-secret: true`): its `SECRET_MEMBERS`.
pub const SECRET_MEMBERS: &[&str] = &[
    "access_token",
    "api_token",
    "apiToken",
    "client_assertion",
    "client_secret",
    "clientSecret",
    "d",
    "dp",
    "dq",
    "id_token",
    "k",
    "p",
    "password",
    "private_key",
    "privateKey",
    "q",
    "qi",
    "refresh_token",
    "secret",
    "sharedSecret",
    "shared_secret",
    "token",
];

/// The most of a body a redacted view shows.
const VIEW_LIMIT: usize = 4096;

/// Whether `name` is a secret member: in [`SECRET_MEMBERS`] or in `extra`,
/// ASCII case aside.
pub fn is_secret_member(name: &str, extra: &[&str]) -> bool {
    SECRET_MEMBERS.iter().chain(extra).any(|s| s.eq_ignore_ascii_case(name))
}

/// Whether a header carries a credential: `Authorization`, `Cookie`,
/// `Set-Cookie`, `DPoP` and the like, and any header named like a token,
/// secret, key, password or session.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "dpop" | "x-csrf-token")
        || ["token", "secret", "api-key", "apikey", "password", "session", "credential"]
            .iter()
            .any(|w| name.contains(w))
}

/// `body` as text with the value of every member named in
/// [`SECRET_MEMBERS`] or `extra` (ASCII case aside) replaced by
/// `"[redacted]"`, at any depth, whether the body is valid JSON or not.
/// Every `"name":` is found wherever it stands, so a stray quote before it
/// cannot hide a secret. Long bodies are cut after a few kilobytes (the
/// view says how long the whole was).
pub fn redact_body(body: &[u8], extra: &[&str]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(text.len().min(VIEW_LIMIT) + 32);
    let mut scanner = Scanner { text: &text, at: 0 };
    while let Some(c) = scanner.peek() {
        if out.len() >= VIEW_LIMIT {
            out.push_str(&format!("… ({} bytes in all)", body.len()));
            return out;
        }
        scanner.at += c.len_utf8();
        out.push(c);
        if c != '"' {
            continue;
        }
        let Some(name_len) = secret_name_at(scanner.rest(), extra) else { continue };
        // The name, its closing quote, the `:` and the space around it.
        let start = scanner.at;
        scanner.at += name_len + 1;
        scanner.skip_whitespace();
        scanner.at += 1;
        scanner.skip_whitespace();
        out.push_str(&text[start..scanner.at]);
        let value = scanner.at;
        if scanner.peek() == Some('"') {
            scanner.skip_string();
            out.push('"');
            out.push_str(REDACTED);
            if scanner.at > value + 1 && text[..scanner.at].ends_with('"') {
                // The closing quote is read again: in a body with a stray
                // quote it may open the next member's name.
                scanner.at -= 1;
            } else {
                out.push('"');
            }
        } else if scanner.skip_value() {
            out.push('"');
            out.push_str(REDACTED);
            out.push('"');
        }
    }
    out
}

/// If `rest` (what follows a `"`) starts with a secret member's name, its
/// closing quote and a `:`, the name's length.
fn secret_name_at(rest: &str, extra: &[&str]) -> Option<usize> {
    let close = rest.find('"')?;
    let name = &rest[..close];
    (is_secret_member(name, extra) && rest[close + 1..].trim_start().starts_with(':')).then_some(close)
}

/// A cursor over text that may be any bytes made text: every step stays
/// inside it, whatever it holds.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl Scanner<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.at += c.len_utf8();
        }
    }

    /// Past a string that starts here, escapes included, or to the end.
    fn skip_string(&mut self) {
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '"' => return,
                _ => {}
            }
        }
    }

    /// Past one value (a string, an object or array with what it holds, or
    /// a scalar); whether there was one.
    fn skip_value(&mut self) -> bool {
        match self.peek() {
            None => false,
            Some('"') => {
                self.skip_string();
                true
            }
            Some('{' | '[') => {
                let mut depth = 0usize;
                while let Some(c) = self.peek() {
                    match c {
                        '"' => {
                            self.skip_string();
                            continue;
                        }
                        '{' | '[' => depth += 1,
                        '}' | ']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.at += 1;
                                return true;
                            }
                        }
                        _ => {}
                    }
                    self.at += c.len_utf8();
                }
                true
            }
            Some(_) => {
                let start = self.at;
                // A scalar holds no structure: what does is not swallowed with it.
                while self.peek().is_some_and(|c| !matches!(c, ',' | '}' | ']' | '"' | '{' | '[') && !c.is_whitespace())
                {
                    self.bump();
                }
                self.at > start
            }
        }
    }
}

/// A body as it was received, kept for whoever needs it, and printed
/// (`Debug`) only as its redacted view ([`redact_body`]).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct RawBody {
    text: String,
    secrets: &'static [&'static str],
}

impl RawBody {
    /// Keeps `body` (as text, invalid UTF-8 replaced); `secrets` are the
    /// member names to redact beside [`SECRET_MEMBERS`].
    pub fn new(body: &[u8], secrets: &'static [&'static str]) -> Self {
        Self { text: String::from_utf8_lossy(body).into_owned(), secrets }
    }

    /// The body exactly as received. It may hold secrets (an app's client
    /// secret, a token): never log it.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The body with the values of secret members replaced.
    pub fn redacted(&self) -> String {
        redact_body(self.text.as_bytes(), self.secrets)
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.redacted(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_members_are_replaced_at_any_depth() {
        let body = br#"{"id":"0oa1","credentials":{"oauthClient":{"client_id":"c","client_secret":"s3cr3t"}},
            "password" : {"value": "hunter2"}, "list":[{"token":12345}], "label":"Wiki"}"#;
        let view = redact_body(body, &["value"]);
        for secret in ["s3cr3t", "hunter2", "12345"] {
            assert!(!view.contains(secret), "{view}");
        }
        assert!(view.contains(r#""client_secret":"[redacted]""#), "{view}");
        assert!(view.contains(r#""password" : "[redacted]""#), "{view}");
        assert!(view.contains(r#""label":"Wiki""#) && view.contains(r#""client_id":"c""#), "{view}");
    }

    #[test]
    fn malformed_and_cut_off_bodies_are_redacted_too() {
        let cut = br#"{"client_secret":"abc\"def"#;
        assert_eq!(redact_body(cut, &[]), r#"{"client_secret":"[redacted]""#);
        let unclosed = br#"[{"d": {"x": ["y""#;
        assert_eq!(redact_body(unclosed, &[]), r#"[{"d": "[redacted]""#);
        assert_eq!(redact_body(b"<html>oops</html>", &[]), "<html>oops</html>");
        // A value that is not a member's stays: only names before `:` count.
        assert_eq!(redact_body(br#"["password","token"]"#, &[]), r#"["password","token"]"#);
        // A stray quote does not hide what follows it.
        assert_eq!(redact_body(br#""{"Client_Secret": "x"}"#, &[]), r#""{"Client_Secret": "[redacted]"}"#);
        assert_eq!(redact_body(br#"{"token":"#, &[]), r#"{"token":"#);
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = vec![b'x'; 10_000];
        let view = redact_body(&body, &[]);
        assert!(view.len() < 4200 && view.ends_with("(10000 bytes in all)"), "{}", view.len());
    }

    #[test]
    fn raw_bodies_print_redacted_and_expose_the_original() {
        let raw = RawBody::new(br#"{"client_secret":"s3cr3t"}"#, &[]);
        assert_eq!(format!("{raw:?}"), r#""{\"client_secret\":\"[redacted]\"}""#);
        assert_eq!(raw.expose(), r#"{"client_secret":"s3cr3t"}"#);
    }

    #[test]
    fn credential_headers() {
        for name in ["Authorization", "cookie", "Set-Cookie", "DPoP", "x-api-key", "X-Auth-Token", "x-session-id"] {
            assert!(is_secret_header(name), "{name}");
        }
        for name in ["content-type", "x-rate-limit-reset", "dpop-nonce", "www-authenticate", "link"] {
            assert!(!is_secret_header(name), "{name}");
        }
    }
}

/// Fuzzing (proptest over arbitrary input): whatever a server sends, the
/// redacted view neither panics nor shows a secret. The number of cases
/// comes from `PROPTEST_CASES` (256 unless set).
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn redaction_takes_any_bytes_and_hides_every_secret_value(
            bytes in prop::collection::vec(any::<u8>(), 0..256),
            secret in "[A-Za-z0-9]{12,20}",
            prefix in "[{\\[ ,\"a-z:]{0,12}",
        ) {
            let _ = super::redact_body(&bytes, &["value"]);
            let body = format!(r#"{prefix}{{"client_secret": "{secret}", "x": {{"password":"{secret}"}}}}"#);
            let view = super::redact_body(body.as_bytes(), &[]);
            prop_assert!(!view.contains(&secret), "{}", view);
        }
    }
}
