//! `Link` headers (RFC 8288), as Okta sends them for pagination.

/// The target of the first `rel="next"` link among `values` (each a `Link`
/// header value, possibly holding several comma-separated links).
pub fn next_link<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    values
        .into_iter()
        .flat_map(split_links)
        .find(|(_, rels)| rels.iter().any(|r| r.eq_ignore_ascii_case("next")))
        .map(|(url, _)| url)
}

/// Splits one header value into (target, relations), honouring `<...>` and
/// quoted strings, which may hold commas.
fn split_links(value: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = value.trim();
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else { break };
        let url = rest[open + 1..open + close].trim().to_owned();
        rest = &rest[open + close + 1..];
        // Parameters up to the next comma outside quotes.
        let mut end = rest.len();
        let mut quoted = false;
        for (i, c) in rest.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let params = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        let mut rels = Vec::new();
        for param in params.split(';') {
            let Some((name, value)) = param.split_once('=') else { continue };
            if name.trim().eq_ignore_ascii_case("rel") {
                rels.extend(value.trim().trim_matches('"').split_whitespace().map(str::to_owned));
            }
        }
        out.push((url, rels));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_headers() {
        let headers = [
            r#"<https://o.okta.com/api/v1/apps?limit=2>; rel="self""#,
            r#"<https://o.okta.com/api/v1/apps?after=0oa2&limit=2>; rel="next""#,
        ];
        assert_eq!(next_link(headers).as_deref(), Some("https://o.okta.com/api/v1/apps?after=0oa2&limit=2"));
    }

    #[test]
    fn comma_separated_and_unquoted() {
        let header = r#"<https://o/a?x=1,2>; rel="self", <https://o/a?after=b>; rel=next"#;
        assert_eq!(next_link([header]).as_deref(), Some("https://o/a?after=b"));
    }

    #[test]
    fn several_relations_and_none() {
        assert_eq!(next_link([r#"<u>; title="a, b"; rel="prev next""#]).as_deref(), Some("u"));
        assert_eq!(next_link([r#"<u>; rel="self""#]), None);
        assert_eq!(next_link(["garbage"]), None);
    }
}
