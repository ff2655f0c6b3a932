//! Which members of a payload land in typed fields, and which only in the
//! maps that keep what the spec does not declare: how a spec is measured
//! against what servers really send.
//!
//! A decoded value is encoded once more in a "typed members only" mode, on
//! this thread: kept undeclared members are left out, a member the spec
//! declares as any JSON is written as a stand-in, and so is an enum value the
//! spec does not list. Comparing that with the payload tells every member's
//! fate without a second reading of the spec. The normal encoding pays for
//! none of this: the mode is looked at only where a kept member, a free-form
//! member or an unlisted enum value is about to be written.

use std::cell::Cell;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::thread_flag::ThreadFlag;

thread_local! {
    static TYPED_ONLY_FLAG: Cell<bool> = const { Cell::new(false) };
}

/// Typed-only encoding, on this thread.
static TYPED_ONLY: ThreadFlag = ThreadFlag::new(&TYPED_ONLY_FLAG);

/// Whether this thread encodes typed members only.
pub(crate) fn typed_only() -> bool {
    TYPED_ONLY.is_on()
}

/// What typed-only encoding writes for a member declared as any JSON. It
/// never leaves this module: the comparison reads it back.
const FREE_FORM: &str = "\u{0}okta-runtime: free-form";
/// What it writes before an enum value the spec does not list.
const UNLISTED: &str = "\u{0}okta-runtime: unlisted ";

/// A free-form member as typed-only encoding writes it.
pub(crate) struct FreeForm;

impl Serialize for FreeForm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(FREE_FORM)
    }
}

/// Writes an enum value the spec does not list: as sent, or under typed-only
/// encoding marked as such. Generated string enums call this for their
/// `Unknown` variant.
#[doc(hidden)]
pub fn serialize_unlisted<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if typed_only() {
        serializer.collect_str(&format_args!("{UNLISTED}{value}"))
    } else {
        serializer.serialize_str(value)
    }
}

/// The JSON type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    /// `null`
    Null,
    /// `true` or `false`
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }

    /// Its name as JSON Schema spells it (`string`, `object`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Number => "number",
            Self::String => "string",
            Self::Array => "array",
            Self::Object => "object",
        }
    }
}

/// A member the decoded value keeps only among its undeclared members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndeclaredMember {
    /// Where it is, as [`DecodeError::path`](super::DecodeError::path) writes
    /// paths (`settings.url`, `links[0].href`).
    pub path: String,
    /// The JSON type of its value.
    #[serde(rename = "type")]
    pub json_type: JsonType,
    /// How many member occurrences it accounts for: itself and every member
    /// inside its value.
    pub members: usize,
}

/// A typed member whose enum does not list the value it holds (kept as sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlistedValue {
    /// Where it is; an array item's path ends in its index.
    pub path: String,
    /// The value.
    pub value: String,
}

/// Where the members of a payload landed when it was decoded; as JSON, the
/// fields by their names (what `cargo xtask coverage` reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberCoverage {
    /// Members held by a typed field.
    pub typed: usize,
    /// Members inside a member the spec declares as any JSON (a free-form
    /// map, say): reached by name, as undeclared ones are.
    pub free_form: usize,
    /// The undeclared members, outermost only: a member inside one is
    /// counted in its [`UndeclaredMember::members`].
    pub undeclared: Vec<UndeclaredMember>,
    /// Typed members (and array items) holding an enum value the spec does not list.
    pub unlisted: Vec<UnlistedValue>,
}

impl MemberCoverage {
    /// Every object member of the payload, at any depth: the typed, the
    /// free-form and the undeclared ones.
    pub fn members(&self) -> usize {
        self.typed + self.free_form + self.undeclared_members()
    }

    /// How many member occurrences are undeclared.
    pub fn undeclared_members(&self) -> usize {
        self.undeclared.iter().map(|m| m.members).sum()
    }
}

/// Where the members of `sent` landed when it was decoded to `decoded`:
/// which are held by typed fields, which only by the maps that keep
/// undeclared members, and which typed ones hold enum values the spec does
/// not list. `decoded` must be what `sent` decodes to.
///
/// ```
/// # use okta_runtime::coverage::{member_coverage, JsonType};
/// #[derive(Debug, Default)]
/// pub struct Link {
///     pub href: Option<String>,
///     pub other: serde_json::Map<String, serde_json::Value>,
/// }
/// okta_runtime::object_impls!(Link { href = "href", ..other });
///
/// let sent = serde_json::json!({"href": "https://a.example", "hints": {"allow": ["GET"]}});
/// let link: Link = okta_runtime::from_value(&sent)?;
/// let coverage = member_coverage(&sent, &link).expect("encodes");
/// assert_eq!((coverage.members(), coverage.typed), (3, 1));
/// assert_eq!(coverage.undeclared[0].path, "hints");
/// assert_eq!((coverage.undeclared[0].json_type, coverage.undeclared[0].members), (JsonType::Object, 2));
/// # Ok::<(), okta_runtime::DecodeError>(())
/// ```
///
/// # Errors
/// When `decoded` does not encode.
pub fn member_coverage<T: Serialize + ?Sized>(sent: &Value, decoded: &T) -> Result<MemberCoverage, serde_json::Error> {
    let typed = TYPED_ONLY.with(|| serde_json::to_value(decoded))?;
    let mut coverage = MemberCoverage::default();
    compare(sent, Some(&typed), &mut String::new(), &mut coverage);
    Ok(coverage)
}

/// Walks `sent` beside its typed-only encoding `typed` (`None` where that has nothing).
fn compare(sent: &Value, typed: Option<&Value>, path: &mut String, coverage: &mut MemberCoverage) {
    match sent {
        Value::Object(members) => {
            for (key, value) in members {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match typed.and_then(|t| t.get(key)) {
                    None => {
                        let members = 1 + count_members(value);
                        coverage.undeclared.push(UndeclaredMember {
                            path: path.clone(),
                            json_type: JsonType::of(value),
                            members,
                        });
                    }
                    Some(typed) => {
                        coverage.typed += 1;
                        inside(value, typed, path, coverage);
                    }
                }
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                match typed.and_then(|t| t.get(i)) {
                    Some(typed) => inside(item, typed, path, coverage),
                    None => compare(item, None, path, coverage),
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Walks a typed member's (or array item's) value.
fn inside(sent: &Value, typed: &Value, path: &mut String, coverage: &mut MemberCoverage) {
    match typed.as_str() {
        Some(FREE_FORM) => {
            coverage.free_form += count_members(sent);
        }
        Some(text) if text.starts_with(UNLISTED) => {
            let value = sent.as_str().unwrap_or(&text[UNLISTED.len()..]).to_owned();
            coverage.unlisted.push(UnlistedValue { path: path.clone(), value });
        }
        _ => compare(sent, Some(typed), path, coverage),
    }
}

/// How many object members a value holds, at any depth (inside arrays too).
pub fn count_members(value: &Value) -> usize {
    match value {
        Value::Object(members) => members.values().map(|v| 1 + count_members(v)).sum(),
        Value::Array(items) => items.iter().map(count_members).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Map, Nulls};
    use serde_json::json;

    #[derive(Clone, Debug)]
    enum Mode {
        Saml,
        Unknown(String),
    }
    crate::string_enum_impls!(Mode { Saml = "SAML" });

    #[derive(Debug, Default)]
    struct Settings {
        url: Option<String>,
        other: serde_json::Map<String, Value>,
    }
    crate::object_impls!(Settings { url = "url", ..other });

    #[derive(Debug, Default)]
    struct Closed {
        on: Option<bool>,
        nulls: Nulls,
    }
    crate::object_impls!(Closed { on = "on"; nulls = nulls });

    #[derive(Debug, Default)]
    struct App {
        mode: Option<Mode>,
        modes: Option<Vec<Mode>>,
        settings: Option<Settings>,
        links: Option<Map<bool>>,
        notes: Option<serde_json::Map<String, Value>>,
        closed: Option<Closed>,
        label: Option<String>,
        other: serde_json::Map<String, Value>,
    }
    crate::object_impls!(App {
        mode = "mode", modes = "modes", settings = "settings", links = "links",
        notes = "notes" as any, closed = "closed", label = "label", ..other
    });

    fn coverage(sent: &Value) -> MemberCoverage {
        let app: App = crate::from_value(sent).expect("decodes");
        assert_eq!(&serde_json::to_value(&app).expect("encodes"), sent, "round trip");
        member_coverage(sent, &app).expect("encodes")
    }

    #[test]
    fn undeclared_members_are_found_at_every_depth_with_their_type() {
        let sent = json!({
            "label": "Wiki",
            "extra": {"a": 1, "b": [{"c": true}]},
            "settings": {"url": "https://a.example", "signOn": null, "flag": false},
            "closed": {"on": null},
        });
        let c = coverage(&sent);
        let mut found: Vec<(&str, JsonType, usize)> =
            c.undeclared.iter().map(|m| (m.path.as_str(), m.json_type, m.members)).collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("extra", JsonType::Object, 4),
                ("settings.flag", JsonType::Boolean, 1),
                ("settings.signOn", JsonType::Null, 1)
            ]
        );
        // label, settings, settings.url, closed, closed.on (a kept null of a declared member)
        assert_eq!((c.members(), c.typed, c.free_form, c.undeclared_members()), (11, 5, 0, 6));
        assert!(c.unlisted.is_empty());
    }

    #[test]
    fn typed_maps_are_typed_and_free_form_members_are_counted_apart() {
        let sent = json!({"links": {"login": true, "admin": null}, "notes": {"team": "a", "tags": {"x": 1}}});
        let c = coverage(&sent);
        assert_eq!((c.members(), c.typed, c.free_form), (7, 4, 3), "{c:?}");
        assert!(c.undeclared.is_empty());
    }

    #[test]
    fn enum_values_the_spec_does_not_list_are_named() {
        let sent = json!({"mode": "WS_FED", "modes": ["SAML", "OTHER"]});
        let c = coverage(&sent);
        assert_eq!((c.members(), c.typed), (2, 2));
        let unlisted: Vec<(&str, &str)> = c.unlisted.iter().map(|u| (u.path.as_str(), u.value.as_str())).collect();
        assert_eq!(unlisted, [("mode", "WS_FED"), ("modes[1]", "OTHER")]);
    }

    #[test]
    fn a_fully_declared_payload_is_fully_typed_and_normal_encoding_is_untouched() {
        let sent = json!({"mode": "SAML", "settings": {"url": "u"}, "label": null});
        let c = coverage(&sent);
        assert_eq!((c.members(), c.typed), (4, 4));
        // The mode ended with the call: unknown members and values are written again.
        let app: App = crate::from_value(&json!({"mode": "X", "more": 1})).expect("decodes");
        assert_eq!(serde_json::to_value(&app).expect("encodes"), json!({"mode": "X", "more": 1}));
    }
}
