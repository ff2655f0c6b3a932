//! An app's user and group assignments and its group-push mappings: users
//! assigned with or without a profile (an OpenID Connect app's with the
//! standard claims), group priorities kept unique, a mapping deleted only
//! when inactive.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{AppFamily, Call, Reply, find, find_mut, no_content, now, ok, remove, remove_inactive, set};
use crate::directory::DirectoryKind;
use crate::store::{ApiError, Org};
use crate::util::{app_href, embed, id_of, new_id};
use okta_runtime::encode_unreserved;

/// The operations answered here.
pub(super) const OPS: &[&str] = &[
    "listApplicationUsers",
    "assignUserToApplication",
    "getApplicationUser",
    "updateApplicationUser",
    "unassignUserFromApplication",
    "listApplicationGroupAssignments",
    "getApplicationGroupAssignment",
    "assignGroupToApplication",
    "updateGroupAssignmentToApplication",
    "unassignApplicationFromGroup",
    "listGroupPushMappings",
    "createGroupPushMapping",
    "getGroupPushMapping",
    "updateGroupPushMapping",
    "deleteGroupPushMapping",
];

/// Answers one of [`OPS`] for app `app_id` (the stored `app`).
pub(super) fn dispatch(org: &mut Org, call: &Call<'_>, app_id: &str, app: &Value) -> Result<Reply, ApiError> {
    let family = org.family.entry(app_id.to_owned()).or_default();
    let list = |items: &[Value]| Ok(Reply::Page(items.to_vec()));
    match call.op.id {
        // ApplicationUsers
        "listApplicationUsers" => list(&family.users),
        "assignUserToApplication" => {
            let body = call.json()?;
            let user_id = body.get("id").and_then(Value::as_str).unwrap_or_default();
            let person = org.directory.list(DirectoryKind::User).iter().find(|u| id_of(u) == Some(user_id));
            let profile = app_user_profile(app, person);
            let user = assign_user(call, &body, family.users.iter().find(|u| id_of(u) == Some(user_id)), profile)?;
            let id = id_of(&user).unwrap_or_default().to_owned();
            family.users.retain(|u| id_of(u) != Some(&id));
            family.users.push(user.clone());
            ok(user)
        }
        "getApplicationUser" => ok(find(&family.users, call.path("userId"), "AppUser")?.clone()),
        "updateApplicationUser" => {
            let body = call.json()?;
            let user = find_mut(&mut family.users, call.path("userId"), "AppUser")?;
            update_user(user, &body);
            ok(user.clone())
        }
        "unassignUserFromApplication" => {
            remove(&mut family.users, call.path("userId"), "AppUser")?;
            no_content()
        }
        // ApplicationGroups
        "listApplicationGroupAssignments" => {
            let mut assignments = family.groups.clone();
            // `expand=group`: each with the org's group, as it shows it (none for a group it lacks).
            if call.query("expand") == Some("group") {
                embed(&mut assignments, "group", |id| org.directory.get(DirectoryKind::Group, id, &call.base));
            }
            Ok(Reply::Page(assignments))
        }
        "getApplicationGroupAssignment" => {
            ok(find(&family.groups, call.path("groupId"), "AppGroupAssignment")?.clone())
        }
        "assignGroupToApplication" => {
            let body = call.json_or_empty()?;
            let group_id = call.path("groupId").to_owned();
            let priority = match body.get("priority") {
                None | Some(Value::Null) => None,
                Some(p) => Some(p.as_u64().ok_or_else(|| {
                    ApiError::validation("priority", ["priority: must be a whole number, 0 or more"])
                })?),
            };
            let profile = body.get("profile").cloned().unwrap_or_else(|| json!({}));
            assign_group(family, &call.base, app_id, &group_id, priority, profile);
            ok(find(&family.groups, &group_id, "AppGroupAssignment")?.clone())
        }
        "updateGroupAssignmentToApplication" => {
            let group_id = call.path("groupId").to_owned();
            let patch: Vec<Value> = serde_json::from_slice(call.body).map_err(|_| ApiError::malformed())?;
            let assignment = find_mut(&mut family.groups, &group_id, "AppGroupAssignment")?;
            let mut priority = None;
            for operation in &patch {
                let path = operation.get("path").and_then(Value::as_str).unwrap_or_default();
                let op = operation.get("op").and_then(Value::as_str).unwrap_or("replace");
                let value = operation.get("value").cloned().unwrap_or(Value::Null);
                match (op, path.strip_prefix('/').unwrap_or(path).split('/').collect::<Vec<_>>().as_slice()) {
                    ("add" | "replace", ["priority"]) => {
                        priority =
                            Some(value.as_u64().ok_or_else(|| {
                                ApiError::validation("priority", ["priority: must be a whole number"])
                            })?);
                    }
                    ("add" | "replace", ["profile", key]) => {
                        if let Some(profile) = assignment.get_mut("profile").and_then(Value::as_object_mut) {
                            profile.insert((*key).to_owned(), value);
                        }
                    }
                    ("remove", ["profile", key]) => {
                        if let Some(profile) = assignment.get_mut("profile").and_then(Value::as_object_mut) {
                            profile.remove(*key);
                        }
                    }
                    _ => {
                        return Err(ApiError::validation(
                            "patch",
                            [format!("{op} {path}: not a path of a group assignment")],
                        ));
                    }
                }
            }
            set(assignment, "lastUpdated", Value::String(now()));
            if priority.is_some() {
                prioritise(&mut family.groups, &group_id, priority);
            }
            ok(find(&family.groups, &group_id, "AppGroupAssignment")?.clone())
        }
        "unassignApplicationFromGroup" => {
            let group_id = call.path("groupId").to_owned();
            remove(&mut family.groups, &group_id, "AppGroupAssignment")?;
            family.groups.sort_by_key(|g| g.get("priority").and_then(Value::as_u64).unwrap_or(u64::MAX));
            renumber(&mut family.groups);
            no_content()
        }
        // GroupPushMapping
        "listGroupPushMappings" => list(&family.push),
        "createGroupPushMapping" => {
            let body = call.json()?;
            let Some(source) = body.get("sourceGroupId").and_then(Value::as_str) else {
                return Err(ApiError::validation("sourceGroupId", ["sourceGroupId: required"]));
            };
            let target = match (
                body.get("targetGroupId").and_then(Value::as_str),
                body.get("targetGroupName").and_then(Value::as_str),
            ) {
                (Some(id), _) => id.to_owned(),
                (None, Some(_)) => new_id("00g"),
                (None, None) => {
                    return Err(ApiError::validation("target", ["targetGroupId or targetGroupName: required"]));
                }
            };
            if family.push.iter().any(|m| m.get("sourceGroupId").and_then(Value::as_str) == Some(source)) {
                return Err(ApiError::validation("sourceGroupId", ["The group is already pushed by another mapping."]));
            }
            let id = new_id("gPm");
            let mapping = json!({
                "id": id,
                "sourceGroupId": source,
                "targetGroupId": target,
                "status": body.get("status").cloned().unwrap_or_else(|| Value::from("ACTIVE")),
                "created": now(),
                "lastUpdated": now(),
                "lastPush": null,
                "_links": {
                    "app": { "href": call.app_href() },
                    "sourceGroup": { "href": format!("{}/api/v1/groups/{}", call.base, encode_unreserved(source)) },
                    "targetGroup": { "href": format!("{}/api/v1/groups/{}", call.base, encode_unreserved(&target)) },
                },
            });
            family.push.push(mapping.clone());
            // Okta documents 201; orgs answer 200.
            ok(mapping)
        }
        "getGroupPushMapping" => ok(find(&family.push, call.path("mappingId"), "GroupPushMapping")?.clone()),
        "updateGroupPushMapping" => {
            let body = call.json()?;
            let status = match body.get("status").and_then(Value::as_str) {
                Some(s @ ("ACTIVE" | "INACTIVE")) => s.to_owned(),
                _ => return Err(ApiError::validation("status", ["status: ACTIVE or INACTIVE"])),
            };
            let mapping = find_mut(&mut family.push, call.path("mappingId"), "GroupPushMapping")?;
            set(mapping, "status", Value::String(status));
            set(mapping, "lastUpdated", Value::String(now()));
            ok(mapping.clone())
        }
        "deleteGroupPushMapping" => {
            remove_inactive(&mut family.push, call.path("mappingId"), "GroupPushMapping", "mapping")?;
            // Okta documents 204; orgs answer 200 without a body.
            Ok(Reply::Empty(StatusCode::OK))
        }
        _ => Err(ApiError::unknown_route()),
    }
}

/// An app user from an assignment: the user's id, scope, credentials
/// (a password is taken, never shown) and profile (empty when not given).
fn assign_user(
    call: &Call<'_>,
    body: &Map<String, Value>,
    existing: Option<&Value>,
    profile: Map<String, Value>,
) -> Result<Value, ApiError> {
    let Some(id) = body.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()) else {
        return Err(ApiError::validation("id", ["id: the user's id is required"]));
    };
    let mut user = existing.cloned().unwrap_or_else(|| {
        json!({
            "id": id,
            "externalId": null,
            "created": now(),
            "scope": "USER",
            "status": "ACTIVE",
            "statusChanged": now(),
            "passwordChanged": null,
            "syncState": "DISABLED",
            "lastSync": null,
            "credentials": { "userName": id },
            "profile": profile,
            "_links": {
                "app": { "href": call.app_href() },
                "user": { "href": format!("{}/api/v1/users/{}", call.base, encode_unreserved(id)) },
            },
        })
    });
    if let Some(scope) = body.get("scope") {
        set(&mut user, "scope", scope.clone());
    }
    update_user(&mut user, body);
    Ok(user)
}

/// The profile a new app user starts with: for an OpenID Connect app, the
/// standard claims its user schema has (from the Okta user's profile where
/// it has them, else `null`); for other apps, none.
fn app_user_profile(app: &Value, person: Option<&Value>) -> Map<String, Value> {
    if app.get("signOnMode").and_then(Value::as_str) != Some("OPENID_CONNECT") {
        return Map::new();
    }
    let from = |key: &str| person.and_then(|p| p.pointer(&format!("/profile/{key}"))).cloned();
    let mut profile = Map::new();
    for claim in [
        "street_address",
        "country",
        "website",
        "zoneinfo",
        "birthdate",
        "gender",
        "formatted",
        "profile",
        "locality",
        "given_name",
        "middle_name",
        "locale",
        "picture",
        "name",
        "nickname",
        "phone_number",
        "region",
        "postal_code",
        "family_name",
        "email",
    ] {
        profile.insert(claim.to_owned(), Value::Null);
    }
    let first = from("firstName");
    let last = from("lastName");
    let full = match (first.as_ref().and_then(Value::as_str), last.as_ref().and_then(Value::as_str)) {
        (Some(first), Some(last)) => Some(Value::String(format!("{first} {last}"))),
        _ => None,
    };
    for (claim, value) in [
        ("given_name", first),
        ("family_name", last),
        ("name", full),
        ("email", from("email")),
        ("locale", from("locale")),
    ] {
        if let Some(value) = value {
            profile.insert(claim.to_owned(), value);
        }
    }
    profile
}

/// Merges an update: `credentials.userName`, a password (which only sets
/// `passwordChanged`), and the profile's attributes.
pub(super) fn update_user(user: &mut Value, body: &Map<String, Value>) {
    if let Some(credentials) = body.get("credentials").and_then(Value::as_object) {
        if let Some(name) = credentials.get("userName") {
            if let Some(c) = user.get_mut("credentials").and_then(Value::as_object_mut) {
                c.insert("userName".to_owned(), name.clone());
            }
        }
        if credentials.get("password").is_some_and(|p| p.get("value").is_some()) {
            if let Some(c) = user.get_mut("credentials").and_then(Value::as_object_mut) {
                c.insert("password".to_owned(), json!({}));
            }
            set(user, "passwordChanged", Value::String(now()));
        }
    }
    if let Some(profile) = body.get("profile").and_then(Value::as_object) {
        if let Some(p) = user.get_mut("profile").and_then(Value::as_object_mut) {
            merge(p, profile);
        }
    }
    set(user, "lastUpdated", Value::String(now()));
}

/// Deep-merges `from` into `into`.
pub(super) fn merge(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(value)) => merge(inner, value),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Assigns group `group_id` to the app, at `priority` (last when `None`),
/// replacing any assignment of that group.
pub(crate) fn assign_group(
    family: &mut AppFamily,
    base: &str,
    app_id: &str,
    group_id: &str,
    priority: Option<u64>,
    profile: Value,
) {
    family.groups.retain(|g| id_of(g) != Some(group_id));
    let app = app_href(base, app_id);
    let assignment = json!({
        "id": group_id,
        "lastUpdated": now(),
        "priority": 0,
        "profile": profile,
        "_links": {
            "app": { "href": app },
            "self": { "href": format!("{app}/groups/{}", encode_unreserved(group_id)) },
            "group": { "href": format!("{base}/api/v1/groups/{}", encode_unreserved(group_id)) },
        },
    });
    family.groups.push(assignment);
    prioritise(&mut family.groups, group_id, priority);
}

/// Gives group `id` the priority asked for (the next free one when none),
/// moving the groups at and after it down one, so priorities stay 0, 1, 2...
fn prioritise(groups: &mut Vec<Value>, id: &str, priority: Option<u64>) {
    let Some(index) = groups.iter().position(|g| id_of(g) == Some(id)) else { return };
    let group = groups.remove(index);
    groups.sort_by_key(|g| g.get("priority").and_then(Value::as_u64).unwrap_or(u64::MAX));
    let at = priority.map_or(groups.len(), |p| usize::try_from(p).unwrap_or(usize::MAX).min(groups.len()));
    groups.insert(at, group);
    renumber(groups);
}

/// Numbers the groups 0, 1, 2... in their order.
pub(super) fn renumber(groups: &mut [Value]) {
    for (priority, group) in groups.iter_mut().enumerate() {
        set(group, "priority", Value::from(priority));
    }
}
