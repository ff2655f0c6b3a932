//! Small helpers every part of the fake shares: Okta's ids, reading JSON,
//! and the URLs and links Okta writes.

use serde_json::{Map, Value, json};

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

/// Sets the link that changes the lifecycle of what `href` names:
/// `deactivate` while it is `active`, else `activate`, in place of the
/// other. `hinted` adds Okta's hint that the link takes a POST, which the
/// parts of an app (keys, secrets, the provisioning connection) carry and
/// the app itself does not.
pub(super) fn set_lifecycle_link(links: &mut Map<String, Value>, href: &str, active: bool, hinted: bool) {
    links.remove("activate");
    links.remove("deactivate");
    let rel = if active { "deactivate" } else { "activate" };
    let mut link = json!({ "href": format!("{href}/lifecycle/{rel}") });
    if hinted {
        link["hints"] = json!({ "allow": ["POST"] });
    }
    links.insert(rel.to_owned(), link);
}

/// `expand`: each of `items` with what `find` gives for its id under
/// `_embedded.{rel}`, as Okta embeds it (nothing when `find` finds nothing).
pub(super) fn embed(items: &mut [Value], rel: &str, find: impl Fn(&str) -> Option<Value>) {
    for item in items {
        let found = id_of(item).and_then(&find);
        if let (Some(found), Some(object)) = (found, item.as_object_mut()) {
            let mut embedded = Map::new();
            embedded.insert(rel.to_owned(), found);
            object.insert("_embedded".to_owned(), Value::Object(embedded));
        }
    }
}

/// Whether `whole` holds everything `part` says: every member of a `part`
/// object is in the `whole` object with a value that covers the part's,
/// recursively, and members `whole` has beyond them do not count. Any other
/// value (an array, a string, a number, a bool, `null`) covers only an equal
/// one: arrays are compared whole, not member by member.
///
/// ```
/// use serde_json::json;
///
/// let app = json!({ "label": "Wiki", "settings": { "app": { "url": "https://w.example.com" }, "notes": null } });
/// assert!(okta_fake::covers(&app, &json!({ "settings": { "app": { "url": "https://w.example.com" } } })));
/// assert!(!okta_fake::covers(&app, &json!({ "settings": { "app": { "url": "https://other.example.com" } } })));
/// assert!(!okta_fake::covers(&app, &json!({ "status": "ACTIVE" })), "a member `whole` lacks");
/// assert!(!okta_fake::covers(&json!([1, 2]), &json!([1])), "arrays are compared whole");
/// ```
#[must_use]
pub fn covers(whole: &Value, part: &Value) -> bool {
    match (whole, part) {
        (Value::Object(whole), Value::Object(part)) => {
            part.iter().all(|(key, value)| whole.get(key).is_some_and(|w| covers(w, value)))
        }
        (whole, part) => whole == part,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_links_replace_each_other() {
        let mut links = Map::new();
        set_lifecycle_link(&mut links, "https://o.example/x", true, false);
        assert_eq!(
            Value::Object(links.clone()),
            json!({ "deactivate": { "href": "https://o.example/x/lifecycle/deactivate" } })
        );
        set_lifecycle_link(&mut links, "https://o.example/x", false, true);
        assert_eq!(
            Value::Object(links),
            json!({ "activate": { "href": "https://o.example/x/lifecycle/activate", "hints": { "allow": ["POST"] } } })
        );
    }
}
