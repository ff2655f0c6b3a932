//! What a recorded session assumes its org has before its first request:
//! the users, groups and apps it uses without having created them. They
//! are given to the fake org as a state file (`okta-fake --state`), with
//! the real org's ids.

use std::collections::HashSet;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::compare::{is_id_member, looks_like_id};
use crate::recordings::{AppPath, Interaction};

/// The objects to seed a fake org with before a session.
#[derive(Debug, Default)]
pub struct Seed {
    /// Apps, each as the session first shows it (or only its id when it never does).
    pub apps: Vec<Value>,
    /// Users the session assigns.
    pub users: Vec<Value>,
    /// Groups the session assigns or pushes.
    pub groups: Vec<Value>,
    /// The ids of the seeded apps: the fake answers them as it was given them.
    pub ids: HashSet<String>,
}

/// The kinds of objects a session may assume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    App,
    User,
    Group,
}

impl Seed {
    fn has(&self, kind: Kind, id: &str) -> bool {
        let list = match kind {
            Kind::App => &self.apps,
            Kind::User => &self.users,
            Kind::Group => &self.groups,
        };
        list.iter().any(|object| object.get("id").and_then(Value::as_str) == Some(id))
    }

    fn add(&mut self, kind: Kind, id: &str) {
        if self.has(kind, id) {
            return;
        }
        match kind {
            Kind::App => {
                self.apps.push(json!({ "id": id, "label": id }));
                self.ids.insert(id.to_owned());
            }
            Kind::User => self.users.push(json!({ "id": id, "profile": { "login": format!("{id}@example.com") } })),
            Kind::Group => self.groups.push(json!({ "id": id, "profile": { "name": id } })),
        }
    }

    /// Seeds `app` as the session first shows it, in place of its bare id.
    fn add_app(&mut self, app: &Value) {
        let Some(id) = app.get("id").and_then(Value::as_str) else { return };
        let bare =
            |object: &Value| object.get("id").and_then(Value::as_str) == Some(id) && object.get("_links").is_none();
        match self.apps.iter().position(bare) {
            Some(index) => self.apps[index] = app.clone(),
            None if !self.has(Kind::App, id) => self.apps.push(app.clone()),
            None => {}
        }
        self.ids.insert(id.to_owned());
    }

    /// The state file that gives the fake org these objects. Links in them
    /// point at the recorded org, whose origin the fake replaces with its own.
    pub fn state_file(&self) -> Result<String> {
        let origin = self.apps.iter().find_map(origin).unwrap_or_default();
        let state = json!({
            "format": 1,
            "base_url": origin,
            "apps": self.apps,
            "users": self.users,
            "groups": self.groups,
        });
        serde_json::to_string(&state).context("writing the seed as a state file")
    }
}

/// The origin (`https://host`) of the first link of an app.
fn origin(app: &Value) -> Option<String> {
    let href = app.get("_links")?.as_object()?.values().find_map(|link| link.get("href")?.as_str())?;
    let (scheme, rest) = href.split_once("://")?;
    let host = rest.split('/').next()?;
    Some(format!("{scheme}://{host}"))
}

/// What `interactions`, in order, use before any answer has shown it.
pub fn seed(interactions: &[&Interaction]) -> Seed {
    let mut seed = Seed::default();
    let mut answered: HashSet<String> = HashSet::new();
    for interaction in interactions {
        for (kind, id) in referenced(interaction) {
            if !answered.contains(&id) {
                seed.add(kind, &id);
            }
        }
        if !(200..300).contains(&interaction.status) {
            continue;
        }
        let Some(answer) = interaction.json_body() else { continue };
        let creates = interaction.method == "POST" && interaction.app_path() == Some(AppPath::List);
        if !creates {
            for app in apps_in(interaction, &answer) {
                let new = app.get("id").and_then(Value::as_str).is_some_and(|id| !answered.contains(id));
                if new {
                    seed.add_app(app);
                }
            }
        }
        collect_ids(&answer, &mut answered);
    }
    seed
}

/// The apps an answer holds: the app of `/api/v1/apps/{id}`, the items of `/api/v1/apps`.
fn apps_in<'a>(interaction: &Interaction, answer: &'a Value) -> Vec<&'a Value> {
    match (interaction.app_path(), answer) {
        (Some(AppPath::List), Value::Array(items)) => items.iter().collect(),
        (Some(AppPath::One(_)), Value::Object(_)) => vec![answer],
        _ => Vec::new(),
    }
}

/// Every string an id member of `value` holds.
fn collect_ids(value: &Value, into: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(s) if is_id_member(key) => {
                        into.insert(s.clone());
                    }
                    other => collect_ids(other, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_ids(item, into)),
        _ => {}
    }
}

/// The apps, users and groups a request names: in its path
/// (`/api/v1/apps/{appId}/users/{userId}`, `.../groups/{groupId}`), in the
/// body of a user assignment, and as a group push's source or target.
fn referenced(interaction: &Interaction) -> Vec<(Kind, String)> {
    let mut found = Vec::new();
    let segments: Vec<&str> = interaction.path.split('/').collect();
    if let ["", "api", "v1", "apps", app, rest @ ..] = segments.as_slice() {
        if looks_like_id(app) {
            found.push((Kind::App, (*app).to_owned()));
        }
        match rest {
            ["users", user, ..] => found.push((Kind::User, (*user).to_owned())),
            ["groups", group, ..] => found.push((Kind::Group, (*group).to_owned())),
            _ => {}
        }
        let body = interaction.json_request_body().unwrap_or(Value::Null);
        if rest == ["users"] {
            if let Some(user) = body.get("id").and_then(Value::as_str) {
                found.push((Kind::User, user.to_owned()));
            }
        }
        if rest.first() == Some(&"group-push") {
            for key in ["sourceGroupId", "targetGroupId"] {
                if let Some(group) = body.get(key).and_then(Value::as_str) {
                    found.push((Kind::Group, group.to_owned()));
                }
            }
            let query = form_pairs(&interaction.query);
            if let Some((_, group)) = query.iter().find(|(k, _)| k == "sourceGroupId") {
                found.push((Kind::Group, group.clone()));
            }
        }
    }
    found.retain(|(_, id)| !id.is_empty());
    found
}

/// The pairs of a query string, decoded.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recordings::parse;

    #[test]
    fn what_a_session_assumes_is_seeded_and_what_it_makes_is_not() {
        let lines = [
            r#"{"cassette":"c","id":0,"method":"POST","path":"/api/v1/apps","request_body":"{}","status":200,"body":"{\"id\":\"0oamade00000000000a1\",\"_links\":{\"users\":{\"href\":\"https://org.example.com/api/v1/apps/0oamade00000000000a1/users\"}}}"}"#,
            r#"{"cassette":"c","id":1,"method":"PUT","path":"/api/v1/apps/0oamade00000000000a1/groups/00gthere0000000000a1","request_body":"{}","status":200,"body":"{\"id\":\"00gthere0000000000a1\"}"}"#,
            r#"{"cassette":"c","id":2,"method":"POST","path":"/api/v1/apps/0oamade00000000000a1/users","request_body":"{\"id\":\"00uthere0000000000a1\"}","status":200,"body":"{}"}"#,
            r#"{"cassette":"c","id":3,"method":"GET","path":"/api/v1/apps/0oaold000000000000a1/features/USER_PROVISIONING","status":200,"body":"{}"}"#,
            r#"{"cassette":"c","id":4,"method":"GET","path":"/api/v1/apps","query":"limit=200","status":200,"body":"[{\"id\":\"0oamade00000000000a1\"},{\"id\":\"0oaolder00000000000a\",\"label\":\"Old\",\"_links\":{\"self\":{\"href\":\"https://org.example.com/x\"}}}]"}"#,
            r#"{"cassette":"c","id":5,"method":"GET","path":"/api/v1/apps/0oamade00000000000a1/group-push/mappings","query":"sourceGroupId=00gsrc000000000000a1","status":200,"body":"[]"}"#,
        ];
        let all = parse(lines.join("\n").as_bytes()).expect("parses");
        let refs: Vec<&Interaction> = all.iter().collect();
        let seed = seed(&refs);
        let ids =
            |list: &[Value]| list.iter().map(|o| o["id"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>();
        assert_eq!(ids(&seed.apps), ["0oaold000000000000a1", "0oaolder00000000000a"]);
        assert_eq!(seed.apps[1]["label"], "Old", "an app the session lists is seeded as listed");
        assert_eq!(ids(&seed.users), ["00uthere0000000000a1"]);
        assert_eq!(ids(&seed.groups), ["00gthere0000000000a1", "00gsrc000000000000a1"]);
        assert!(seed.ids.contains("0oaolder00000000000a") && !seed.ids.contains("0oamade00000000000a1"));
        let state: Value = serde_json::from_str(&seed.state_file().expect("state")).expect("JSON");
        assert_eq!(state["base_url"], "https://org.example.com");
    }

    #[test]
    fn queries_are_decoded() {
        assert_eq!(
            form_pairs("a=b+c%22&d"),
            vec![("a".to_owned(), "b c\"".to_owned()), ("d".to_owned(), String::new())]
        );
    }
}
