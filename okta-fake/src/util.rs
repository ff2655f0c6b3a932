//! Small helpers every part of the fake shares: Okta's ids, reading JSON,
//! and the URLs and links Okta writes.

use serde_json::{Map, Value};

use okta_runtime::encode_unreserved;

/// `len` random ASCII letters and digits.
pub(super) fn random_alphanumeric(len: usize) -> String {
    std::iter::repeat_with(fastrand::alphanumeric).take(len).collect()
}

/// A fresh id as Okta writes them: a three-character prefix naming the
/// kind of object (`0oa` an app, `00g` a group, ...) and 17 letters and digits.
pub(super) fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", random_alphanumeric(17))
}

/// The `id` of a JSON object, when it is a string.
pub(super) fn id_of(item: &Value) -> Option<&str> {
    item.get("id").and_then(Value::as_str)
}

/// The string at `path` (member names, outermost first) in `object`.
pub(super) fn str_at<'a>(object: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let (first, rest) = path.split_first()?;
    rest.iter().try_fold(object.get(*first)?, |value, key| value.get(key))?.as_str()
}

/// The URL of app `id` in the org at `base`: `{base}/api/v1/apps/{id}`.
pub(super) fn app_href(base: &str, id: &str) -> String {
    format!("{base}/api/v1/apps/{}", encode_unreserved(id))
}
