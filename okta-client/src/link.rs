//! `Link` headers (RFC 8288), as Okta sends them for pagination: several
//! links to a header and several headers, parameters quoted or not, commas
//! and semicolons inside quotes and inside `<...>`. A header that is not
//! RFC 8288 is an error, never a silent "no more pages".

/// One link of a `Link` header: its target as written and its relations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The URI reference between `<` and `>`, as written (maybe relative).
    pub target: String,
    /// The relation types of its first `rel` parameter, lowercased.
    pub rels: Vec<String>,
}

/// The target of the first `rel="next"` link among `values` (the `Link`
/// header values of one response, as bytes); an error says what in them
/// cannot be read.
pub fn next_link<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Result<Option<String>, String> {
    let mut next = None;
    for value in values {
        let text = std::str::from_utf8(value).map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))?;
        for link in parse(text)? {
            if next.is_none() && link.rels.iter().any(|r| r == "next") {
                next = Some(link.target);
            }
        }
    }
    Ok(next)
}

/// Parses one `Link` header value into its links.
pub fn parse(value: &str) -> Result<Vec<Link>, String> {
    let mut cursor = Cursor { text: value, at: 0 };
    let mut links = Vec::new();
    loop {
        // Empty list elements (`, ,`) are allowed.
        cursor.skip_while(|c| c == ',' || is_ows(c));
        let Some(c) = cursor.peek() else { return Ok(links) };
        if c != '<' {
            return Err(format!("expected `<` at byte {}, found `{c}`", cursor.at));
        }
        cursor.at += 1;
        let start = cursor.at;
        let Some(close) = cursor.rest().find('>') else {
            return Err(format!("the `<` at byte {} is never closed", start - 1));
        };
        let target = cursor.rest()[..close].trim().to_owned();
        cursor.at += close + 1;
        let mut rels = None;
        loop {
            cursor.skip_while(is_ows);
            match cursor.peek() {
                None | Some(',') => break,
                Some(';') => cursor.at += 1,
                Some(c) => return Err(format!("expected `;` or `,` at byte {}, found `{c}`", cursor.at)),
            }
            cursor.skip_while(is_ows);
            let name = cursor.take_while(is_tchar);
            if name.is_empty() {
                // A trailing `;` before the next link or the end.
                if matches!(cursor.peek(), None | Some(',')) {
                    continue;
                }
                return Err(format!("expected a parameter name at byte {}", cursor.at));
            }
            let name = name.to_ascii_lowercase();
            cursor.skip_while(is_ows);
            let value = if cursor.peek() == Some('=') {
                cursor.at += 1;
                cursor.skip_while(is_ows);
                if cursor.peek() == Some('"') { cursor.quoted()? } else { cursor.take_while(is_tchar).to_owned() }
            } else {
                String::new()
            };
            // Only the first `rel` counts (RFC 8288, 3.3).
            if name == "rel" && rels.is_none() {
                rels = Some(value.split_whitespace().map(str::to_ascii_lowercase).collect());
            }
        }
        links.push(Link { target, rels: rels.unwrap_or_default() });
    }
}

/// Optional whitespace (RFC 9110).
fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A token character (RFC 9110, 5.6.2).
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let end = rest.char_indices().find(|&(_, c)| !keep(c)).map_or(rest.len(), |(i, _)| i);
        self.at += end;
        &rest[..end]
    }

    fn skip_while(&mut self, skip: impl Fn(char) -> bool) {
        self.take_while(skip);
    }

    /// A quoted string starting here, its escapes undone.
    fn quoted(&mut self) -> Result<String, String> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => out.push(escaped),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err(format!("the quoted string at byte {start} is never closed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(values: &[&str]) -> Option<String> {
        next_link(values.iter().map(|v| v.as_bytes())).expect("readable")
    }

    fn unreadable(values: &[&str]) -> bool {
        next_link(values.iter().map(|v| v.as_bytes())).is_err()
    }

    #[test]
    fn separate_headers() {
        let headers = [
            r#"<https://o.okta.com/api/v1/apps?limit=2>; rel="self""#,
            r#"<https://o.okta.com/api/v1/apps?after=0oa2&limit=2>; rel="next""#,
        ];
        assert_eq!(next(&headers).as_deref(), Some("https://o.okta.com/api/v1/apps?after=0oa2&limit=2"));
    }

    #[test]
    fn comma_separated_and_unquoted() {
        let header = r#"<https://o/a?x=1,2>; rel="self", <https://o/a?after=b>; rel=next"#;
        assert_eq!(next(&[header]).as_deref(), Some("https://o/a?after=b"));
    }

    #[test]
    fn quoted_parameters_may_hold_semicolons_commas_and_escapes() {
        let header = r#"<u1>; title="a; rel=next, b"; rel="self", <u2>; title="say \"hi\"; x"; rel="prev next""#;
        assert_eq!(next(&[header]).as_deref(), Some("u2"));
        let links = parse(header).expect("parses");
        assert_eq!(links[0].rels, ["self"]);
        assert_eq!(links[1], Link { target: "u2".to_owned(), rels: vec!["prev".to_owned(), "next".to_owned()] });
    }

    #[test]
    fn only_the_first_rel_counts_and_case_does_not() {
        assert_eq!(next(&[r#"<u>; rel="self"; rel="next""#]), None);
        assert_eq!(next(&[r#"<u>; REL="Next""#]).as_deref(), Some("u"));
        assert_eq!(next(&[r#"<u>; rel="self""#]), None);
        assert_eq!(next(&[]), None);
        assert_eq!(next(&["<u>;", " , <v>; rel=next;"]).as_deref(), Some("v"));
    }

    #[test]
    fn unreadable_headers_are_errors() {
        for bad in ["garbage", "<u", r#"<u>; rel="next"#, "<u> rel=next", "<u>; =x"] {
            assert!(unreadable(&[bad]), "{bad}");
        }
        assert!(next_link([&b"<https://o/\xff>; rel=next"[..]]).is_err());
        // UTF-8 that is not ASCII is read, not dropped.
        assert_eq!(next(&["<https://o/ä?after=x>; rel=next"]).as_deref(), Some("https://o/ä?after=x"));
    }
}
