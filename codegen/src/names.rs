//! Rust names for spec names: case conversion, keywords, escaping and collisions.
//!
//! Every identifier the generator emits is made here, so the rules live in one
//! place and each has a test.

/// Names the generated code spells itself, reserved wherever users' names
/// are claimed so that a spec cannot take them.
pub mod reserved {
    /// The field of a struct that keeps undeclared properties.
    pub const EXTRA_FIELD: &str = "additional_properties";
    /// The field of a closed struct that keeps the `null`s its fields cannot hold.
    pub const NULLS_FIELD: &str = "nulls";
    /// The variant of a union or string enum that keeps what the spec does not list.
    pub const UNKNOWN_VARIANT: &str = "Unknown";
    /// The variant of a response enum for an undocumented status or body.
    pub const OTHER_VARIANT: &str = "Other";
    /// The field of an operation that holds its request body.
    pub const BODY_FIELD: &str = "body";
    /// The field of an operation that picks its bytes body's media type,
    /// when the spec offers several.
    pub const CONTENT_TYPE_FIELD: &str = "content_type";
    /// The field of an operation that picks the media type its success is
    /// asked in, when the spec offers several.
    pub const ACCEPT_FIELD: &str = "accept";
    /// The client type every generated crate defines in its endpoints module,
    /// beside the builders.
    pub const CLIENT_TYPE: &str = "Client";
    /// The suffix of an endpoint function's builder (`ListApplicationsBuilder`).
    pub const BUILDER_SUFFIX: &str = "Builder";
    /// What the generated `Client` already has, itself or through the
    /// `okta_client::Client` it derefs to: an endpoint function of one of
    /// these names gets the suffix `_operation`.
    pub const CLIENT_METHODS: &[&str] = &[
        "send",
        "call",
        "page",
        "call_page",
        "pages",
        "items",
        "builder",
        "runtime",
        "org_url",
        "clone",
        "fmt",
        "from",
        "into",
        "deref",
    ];
    /// What a builder already has: a setter of one of these names gets the
    /// prefix `set_`.
    pub const BUILDER_METHODS: &[&str] = &["send", "stream", "pages", "operation", "clone", "fmt"];
}

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every keyword of Rust 2024, strict and reserved, plus the path keywords
/// that cannot be raw identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Type names that would shadow what generated code names without a path
/// (`Option`, `Vec`, ... are always written with full paths, but users
/// glob-import the models next to the prelude).
const RESERVED_TYPES: &[&str] = &["Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Box", "Self"];

/// Whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Splits on anything that is not alphanumeric and drops a leading digit run
/// into a prefix, so every result is a valid identifier body.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut prev: Option<char> = None;
    for c in raw.chars() {
        // heck reads `0PutEx` as one word (`0putex`): a digit followed by a
        // capital starts a new word.
        if prev.is_some_and(|p| p.is_ascii_digit()) && c.is_ascii_uppercase() {
            out.push('_');
        }
        prev = Some(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c == '+' {
            out.push_str("_plus_");
        } else {
            out.push('_');
        }
    }
    out
}

/// The field or function name for a wire name: `signOnMode` -> `sign_on_mode`,
/// `listOAuth2ClientSecrets` -> `list_oauth2_client_secrets`,
/// `_links` -> `links`, `type` -> `r#type`, `self` -> `self_`.
pub fn field_name(wire: &str) -> String {
    // `OAuth` is one word: `createOAuth2ClientSecret` -> `create_oauth2_client_secret`.
    let snake = clean(wire).replace("OAuth", "Oauth").to_snake_case();
    let snake = if snake.is_empty() { "field".to_owned() } else { snake };
    let snake = if snake.starts_with(|c: char| c.is_ascii_digit()) { format!("_{snake}") } else { snake };
    escape(snake)
}

/// The type name for a spec name: `application-links` -> `ApplicationLinks`.
pub fn type_name(spec: &str) -> String {
    let camel = clean(spec).to_upper_camel_case();
    let camel = if camel.is_empty() { "Type".to_owned() } else { camel };
    let camel = if camel.starts_with(|c: char| c.is_ascii_digit()) { format!("T{camel}") } else { camel };
    if RESERVED_TYPES.contains(&camel.as_str()) { format!("{camel}Type") } else { escape(camel) }
}

/// The variant name for an enum value: `SAML_2_0` -> `Saml20`, `sig` -> `Sig`,
/// `""` -> `Empty`, `1.0` -> `V1_0`.
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    let camel = clean(value).to_upper_camel_case();
    if camel.is_empty() {
        // Only punctuation: spell the characters so `*` and `-` differ.
        let spelled: String = value.chars().map(|c| format!("U{:X}", c as u32)).collect();
        return spelled;
    }
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        // Keep `1.0` and `10` apart: an underscore only between two digits,
        // which is still upper camel case.
        let mut out = String::from("V");
        for part in clean(value).split('_').filter(|p| !p.is_empty()) {
            if out.ends_with(|c: char| c.is_ascii_digit()) && part.starts_with(|c: char| c.is_ascii_digit()) {
                out.push('_');
            }
            out.push_str(&part.to_upper_camel_case());
        }
        out
    } else {
        escape(camel)
    }
}

/// The variant name of a documented status: `200` -> `Ok`, `429` ->
/// `TooManyRequests`, `2XX` -> `Success`; one without a name of its own is
/// `Status` and its number.
pub fn status_name(status: &str) -> String {
    let known = match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "NoContent",
        "301" => "MovedPermanently",
        "302" => "Found",
        "304" => "NotModified",
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "NotFound",
        "405" => "MethodNotAllowed",
        "409" => "Conflict",
        "412" => "PreconditionFailed",
        "415" => "UnsupportedMediaType",
        "422" => "UnprocessableEntity",
        "429" => "TooManyRequests",
        "500" => "InternalServerError",
        "501" => "NotImplemented",
        "502" => "BadGateway",
        "503" => "ServiceUnavailable",
        "2XX" => "Success",
        "4XX" => "ClientError",
        "5XX" => "ServerError",
        "default" => "Default",
        _ => return format!("Status{status}"),
    };
    known.to_owned()
}

/// Makes a keyword usable: `r#type` where a raw identifier works, `self_`
/// where it does not.
fn escape(word: String) -> String {
    if NOT_RAW.contains(&word.as_str()) {
        format!("{word}_")
    } else if is_keyword(&word) {
        format!("r#{word}")
    } else {
        word
    }
}

/// The name without a leading `r#`, for building derived names.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Hands out names unique within one scope, in the order they are asked for:
/// the first `foo` stays `foo`, the next becomes `foo2`, and so on.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// Claims `name`, or the first free `name2`, `name3`, ...; returns what it got.
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let base = unraw(name);
        let mut n = 2;
        loop {
            let candidate = format!("{base}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_named_by_meaning_else_by_number() {
        assert_eq!(status_name("200"), "Ok");
        assert_eq!(status_name("4XX"), "ClientError");
        assert_eq!(status_name("default"), "Default");
        assert_eq!(status_name("418"), "Status418");
    }

    #[test]
    fn fields_are_snake_case() {
        assert_eq!(field_name("signOnMode"), "sign_on_mode");
        assert_eq!(field_name("client_secret"), "client_secret");
        assert_eq!(field_name("listOAuth2ClientSecrets"), "list_oauth2_client_secrets");
        assert_eq!(field_name("deactivateOAuth2ClientJsonWebKey"), "deactivate_oauth2_client_json_web_key");
        assert_eq!(field_name("iOS"), "i_os");
        assert_eq!(field_name("OktaAccessGateway-Agent"), "okta_access_gateway_agent");
    }

    #[test]
    fn leading_underscores_and_digits() {
        assert_eq!(field_name("_links"), "links");
        assert_eq!(field_name("_embedded"), "embedded");
        assert_eq!(field_name("2fa"), "_2fa");
        assert_eq!(field_name(""), "field");
        assert_eq!(field_name("$ref"), "r#ref");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("gen"), "r#gen");
        assert_eq!(field_name("async"), "r#async");
        assert_eq!(field_name("try"), "r#try");
        assert_eq!(field_name("ref"), "r#ref");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("super"), "super_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(type_name("Self"), "SelfType");
    }

    #[test]
    fn types_are_upper_camel() {
        assert_eq!(type_name("ApplicationLinks"), "ApplicationLinks");
        assert_eq!(type_name("Saml2.0PutEx"), "Saml20PutEx");
        assert_eq!(type_name("oauth2-client"), "Oauth2Client");
        assert_eq!(type_name("3rdParty"), "T3rdParty");
        assert_eq!(type_name("Option"), "OptionType");
        assert_eq!(type_name("result"), "ResultType");
    }

    #[test]
    fn variants() {
        assert_eq!(variant_name("SAML_2_0"), "Saml20");
        assert_eq!(variant_name("sig"), "Sig");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("1.0"), "V1_0");
        assert_eq!(variant_name("1FA"), "V1Fa");
        assert_eq!(variant_name("2_fa"), "V2Fa");
        assert_eq!(variant_name("*"), "U2A");
        assert_eq!(variant_name("RS256"), "Rs256");
        assert_eq!(variant_name("self"), "Self_");
    }

    #[test]
    fn scopes_number_collisions() {
        let mut scope = Scope::with_reserved(&["additional_properties"]);
        assert_eq!(scope.claim("temp_password"), "temp_password");
        assert_eq!(scope.claim("temp_password"), "temp_password2");
        assert_eq!(scope.claim("additional_properties"), "additional_properties2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type2");
    }
}
