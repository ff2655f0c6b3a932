//! How a replayed answer is compared with the real one: which of the real
//! answer's members the fake's has, and which ids the fake handed out in
//! place of the real org's.

use std::collections::{HashMap, HashSet};

use okta_runtime::coverage::count_members;
use serde_json::Value;

/// Members counted, found and left out.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Members of the real answers compared.
    pub total: usize,
    /// Of those, members the fake's answers have too.
    pub present: usize,
    /// Members of seeded objects, not compared.
    pub seeded: usize,
    /// The path of each member missing (`settings.app.url`, `[].id`).
    pub missing: Vec<String>,
}

impl Tally {
    /// Adds another tally's counts (not its missing paths).
    pub fn add(&mut self, other: &Tally) {
        self.total += other.total;
        self.present += other.present;
        self.seeded += other.seeded;
    }

    fn missed(&mut self, path: String, count: usize) {
        self.total += count;
        self.missing.push(path);
    }
}

/// The real org's ids and the fake's in their place.
#[derive(Debug, Default)]
pub struct IdMap {
    fake: HashMap<String, String>,
}

/// Members whose string values are ids a later request may name.
pub(super) fn is_id_member(key: &str) -> bool {
    matches!(key, "id" | "kid" | "client_id") || key.ends_with("Id")
}

impl IdMap {
    /// The fake's id for a real one; the real one when the fake has it too
    /// (it was seeded) or it is not known.
    pub fn fake_of<'a>(&'a self, real: &'a str) -> &'a str {
        self.fake.get(real).map_or(real, String::as_str)
    }

    /// `text` with every real id the map knows replaced by the fake's; the
    /// longest ids first, so one that holds another is replaced whole, and
    /// in the same order on every run.
    pub fn to_fake(&self, text: &str) -> String {
        let mut ids: Vec<(&String, &String)> = self.fake.iter().collect();
        ids.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(b.0)));
        let mut out = text.to_owned();
        for (real, fake) in ids {
            if out.contains(real.as_str()) {
                out = out.replace(real.as_str(), fake);
            }
        }
        out
    }

    /// Learns the fake's ids from an answer and the real one: an id member
    /// whose value differs at the same place.
    pub fn learn(&mut self, real: &Value, fake: &Value) {
        match (real, fake) {
            (Value::Object(real), Value::Object(fake)) => {
                for (key, real_value) in real {
                    let Some(fake_value) = fake.get(key) else { continue };
                    match (real_value, fake_value) {
                        (Value::String(r), Value::String(f)) if is_id_member(key) && r != f && !r.is_empty() => {
                            self.fake.entry(r.clone()).or_insert_with(|| f.clone());
                        }
                        _ => self.learn(real_value, fake_value),
                    }
                }
            }
            (Value::Array(real), Value::Array(fake)) => {
                for (r, f) in pair(real, fake, self) {
                    if let Some(f) = f {
                        self.learn(r, f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// What identifies an element of a list: its `id`, else its `kid`, else its `name`.
fn identity(value: &Value) -> Option<&str> {
    ["id", "kid", "name"].into_iter().find_map(|key| value.get(key).and_then(Value::as_str))
}

/// Pairs each real element with the fake's: by identity (through the id map)
/// where the real one has one the fake answer holds, then the rest in order.
fn pair<'a>(real: &'a [Value], fake: &'a [Value], ids: &IdMap) -> Vec<(&'a Value, Option<&'a Value>)> {
    let mut taken = vec![false; fake.len()];
    let mut pairs: Vec<(&Value, Option<usize>)> = real
        .iter()
        .map(|r| {
            let found = identity(r).and_then(|id| {
                let wanted = ids.fake_of(id);
                fake.iter().enumerate().position(|(i, f)| !taken[i] && identity(f) == Some(wanted))
            });
            if let Some(i) = found {
                taken[i] = true;
            }
            (r, found)
        })
        .collect();
    let mut rest = (0..fake.len()).filter(|i| !taken[*i]);
    for (r, found) in &mut pairs {
        // An element the map already knows and the fake lacks stays unpaired.
        let known = identity(r).is_some_and(|id| ids.fake.contains_key(id));
        if found.is_none() && !known {
            *found = rest.next();
        }
    }
    pairs.into_iter().map(|(r, found)| (r, found.and_then(|i| fake.get(i)))).collect()
}

/// Counts the members of `real` and those of them `fake` has at the same
/// place; list elements are paired as [`IdMap::learn`] pairs them. Elements
/// that are seeded objects are left out.
pub fn json(real: &Value, fake: &Value, ids: &IdMap, seeded: &HashSet<String>, path: &str, tally: &mut Tally) {
    match real {
        Value::Object(map) => {
            for (key, value) in map {
                let here = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match fake.get(key) {
                    Some(found) => {
                        tally.total += 1;
                        tally.present += 1;
                        json(value, found, ids, seeded, &here, tally);
                    }
                    None => tally.missed(here, 1 + count_members(value)),
                }
            }
        }
        Value::Array(items) => {
            let empty = Vec::new();
            let fake_items = fake.as_array().unwrap_or(&empty);
            let here = format!("{path}[]");
            for (r, f) in pair(items, fake_items, ids) {
                if identity(r).is_some_and(|id| seeded.contains(id)) {
                    tally.seeded += count_members(r);
                    continue;
                }
                match f {
                    Some(f) => json(r, f, ids, seeded, &here, tally),
                    None if count_members(r) > 0 => tally.missed(format!("{here} (an element)"), count_members(r)),
                    None => {}
                }
            }
        }
        _ => {}
    }
}

/// Counts the elements and attributes of the real XML document and those
/// of them the fake's has at the same place (children paired by name, in
/// order). A fake answer that is not XML has none of them.
pub fn xml(real: &str, fake: &str, tally: &mut Tally) {
    let Ok(real) = roxmltree::Document::parse(real) else { return };
    match roxmltree::Document::parse(fake) {
        Ok(fake) => xml_element(real.root_element(), Some(fake.root_element()), "", tally),
        Err(_) => xml_element(real.root_element(), None, "", tally),
    }
}

fn xml_element(real: roxmltree::Node<'_, '_>, fake: Option<roxmltree::Node<'_, '_>>, path: &str, tally: &mut Tally) {
    let name = real.tag_name().name();
    let here = if path.is_empty() { name.to_owned() } else { format!("{path}/{name}") };
    let fake = fake.filter(|f| f.tag_name().name() == name);
    tally.total += 1;
    match fake {
        Some(_) => tally.present += 1,
        None => tally.missing.push(format!("<{here}>")),
    }
    for attribute in real.attributes() {
        tally.total += 1;
        if fake.is_some_and(|f| f.attribute(attribute.name()).is_some()) {
            tally.present += 1;
        } else {
            tally.missing.push(format!("<{here} @{}>", attribute.name()));
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for child in real.children().filter(roxmltree::Node::is_element) {
        let child_name = child.tag_name().name();
        let nth = seen.entry(child_name).or_default();
        let counterpart =
            fake.and_then(|f| f.children().filter(|c| c.is_element() && c.tag_name().name() == child_name).nth(*nth));
        *nth += 1;
        xml_element(child, counterpart, &here, tally);
    }
}

/// Whether a path segment is an id (`0oa1b2c3d4e5f6g7h8i9`), not a name
/// (`USER_PROVISIONING`, `metadata`).
pub fn looks_like_id(segment: &str) -> bool {
    segment.len() >= 16
        && segment.bytes().all(|b| b.is_ascii_alphanumeric())
        && segment.bytes().any(|b| b.is_ascii_digit())
        && segment.bytes().any(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_learned_and_put_in_place() {
        let mut ids = IdMap::default();
        let real = json!({ "id": "0oaREAL", "credentials": { "signing": { "kid": "kREAL" } }, "label": "Wiki" });
        let fake = json!({ "id": "0oaFAKE", "credentials": { "signing": { "kid": "kFAKE" } }, "label": "Other" });
        ids.learn(&real, &fake);
        assert_eq!(ids.fake_of("0oaREAL"), "0oaFAKE");
        assert_eq!(ids.fake_of("Wiki"), "Wiki", "only id members are ids");
        assert_eq!(
            ids.to_fake("/api/v1/apps/0oaREAL/sso/saml/metadata?kid=kREAL"),
            "/api/v1/apps/0oaFAKE/sso/saml/metadata?kid=kFAKE"
        );
        let real_list = json!([{ "id": "ocsREAL1" }, { "id": "0oaREAL" }]);
        let fake_list = json!([{ "id": "0oaFAKE" }, { "id": "ocsFAKE1" }]);
        ids.learn(&real_list, &fake_list);
        assert_eq!(ids.fake_of("ocsREAL1"), "ocsFAKE1", "unknown elements pair in order with the fake's left over");
    }

    #[test]
    fn members_are_counted_at_every_depth() {
        let ids = IdMap::default();
        let real = json!({ "a": 1, "b": { "c": null, "d": [ { "id": "x", "e": 1 }, { "id": "y", "f": 2 } ] }, "g": { "h": 1 } });
        let fake = json!({ "a": 2, "b": { "d": [ { "id": "y" }, { "id": "x", "e": 3 } ] } });
        let mut tally = Tally::default();
        json(&real, &fake, &ids, &HashSet::new(), "", &mut tally);
        assert_eq!(count_members(&real), 10);
        assert_eq!((tally.total, tally.present), (10, 6));
        assert_eq!(tally.missing, vec!["b.c", "b.d[].f", "g"]);

        let mut seeded = Tally::default();
        let only_seeded: HashSet<String> = ["x".to_owned()].into();
        json(&real, &fake, &ids, &only_seeded, "", &mut seeded);
        assert_eq!((seeded.total, seeded.seeded), (8, 2), "a seeded element is left out");
    }

    #[test]
    fn xml_elements_and_attributes() {
        let real = r#"<md:E xmlns:md="urn:m" entityID="x"><md:K use="s"><C>1</C></md:K><md:S B="p" L="l"/><md:S B="r" L="l"/></md:E>"#;
        let fake = r#"<md:E xmlns:md="urn:m" entityID="y"><md:K><C>2</C></md:K><md:S B="p" L="l"/></md:E>"#;
        let mut tally = Tally::default();
        xml(real, fake, &mut tally);
        assert_eq!((tally.total, tally.present), (11, 7));
        assert_eq!(tally.missing, vec!["<E/K @use>", "<E/S>", "<E/S @B>", "<E/S @L>"]);
        let mut none = Tally::default();
        xml(real, "{\"errorCode\":\"E0000007\"}", &mut none);
        assert_eq!((none.total, none.present), (11, 0));
    }

    #[test]
    fn ids_in_paths() {
        assert!(looks_like_id("0oa1b2c3d4e5f6g7h8i9"));
        assert!(looks_like_id("rsttivnuvg01CxhjA1d7"));
        assert!(!looks_like_id("USER_PROVISIONING"));
        assert!(!looks_like_id("metadata"));
    }
}
