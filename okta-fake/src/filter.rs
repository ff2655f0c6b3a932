//! listApplications' `filter` and `q` as Okta reads them: `filter` is one or
//! more `<property> eq <value>` joined by `and`, on `id`, `status`, `name`,
//! `credentials.signing.kid`, `settings.slo.enabled`, `user.id` (apps the
//! user is assigned to) and `group.id` (apps the group is assigned to);
//! anything else is Okta's E0000031. `q` keeps the apps whose `name` or
//! `label` starts with it, ignoring case.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::store::ApiError;
use super::util::str_at;

/// What a filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Property {
    Id,
    Status,
    Name,
    SigningKid,
    SloEnabled,
    UserId,
    GroupId,
}

/// A parsed `filter`: every condition must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Filter(Vec<(Property, String)>);

/// Who an app is assigned to, for `user.id` and `group.id`.
pub(super) trait Assignments {
    /// Whether user `id` is assigned to the app.
    fn has_user(&self, id: &str) -> bool;
    /// Whether group `id` is assigned to the app.
    fn has_group(&self, id: &str) -> bool;
}

fn invalid() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "E0000031", "Invalid search criteria.")
}

/// Parses a `filter` value.
pub(super) fn parse(filter: &str) -> Result<Filter, ApiError> {
    let mut conditions = Vec::new();
    for condition in filter.trim().split(" and ") {
        let mut words = condition.trim().splitn(3, ' ');
        let (Some(property), Some(operator), Some(value)) = (words.next(), words.next(), words.next()) else {
            return Err(invalid());
        };
        if operator != "eq" {
            return Err(invalid());
        }
        let property = match property {
            "id" => Property::Id,
            "status" => Property::Status,
            "name" => Property::Name,
            "credentials.signing.kid" => Property::SigningKid,
            "settings.slo.enabled" => Property::SloEnabled,
            "user.id" => Property::UserId,
            "group.id" => Property::GroupId,
            _ => return Err(invalid()),
        };
        let value = value.trim();
        let value = if property == Property::SloEnabled {
            match value {
                "true" | "false" => value.to_owned(),
                _ => return Err(invalid()),
            }
        } else {
            quoted(value).ok_or_else(invalid)?.to_owned()
        };
        if property == Property::Status && value != "ACTIVE" && value != "INACTIVE" {
            return Err(invalid());
        }
        conditions.push((property, value));
    }
    Ok(Filter(conditions))
}

/// The inside of `"..."`, which may not hold another quote.
fn quoted(value: &str) -> Option<&str> {
    value.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')).filter(|inner| !inner.contains('"'))
}

impl Filter {
    /// The user a `user.id eq "..."` condition names, if any.
    pub(super) fn user(&self) -> Option<&str> {
        self.0.iter().find(|(p, _)| *p == Property::UserId).map(|(_, v)| v.as_str())
    }

    /// Whether `app`, assigned as `assignments` says, passes every condition.
    pub(super) fn matches(&self, app: &Map<String, Value>, assignments: &dyn Assignments) -> bool {
        self.0.iter().all(|(property, value)| match property {
            Property::Id => str_at(app, &["id"]) == Some(value),
            Property::Status => str_at(app, &["status"]) == Some(value),
            Property::Name => str_at(app, &["name"]) == Some(value),
            Property::SigningKid => str_at(app, &["credentials", "signing", "kid"]) == Some(value),
            Property::SloEnabled => {
                let slo = app.get("settings").and_then(|s| s.get("signOn")).and_then(|s| s.get("slo"));
                let enabled = slo.and_then(|s| s.get("enabled")).and_then(Value::as_bool).unwrap_or(false);
                enabled.to_string() == *value
            }
            Property::UserId => assignments.has_user(value),
            Property::GroupId => assignments.has_group(value),
        })
    }
}

/// Whether `app`'s `name` or `label` starts with `q`, ignoring case.
pub(super) fn matches_q(app: &Map<String, Value>, q: &str) -> bool {
    let q = q.to_lowercase();
    ["label", "name"]
        .into_iter()
        .any(|key| str_at(app, &[key]).is_some_and(|value| value.to_lowercase().starts_with(&q)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Assigned;

    impl Assignments for Assigned {
        fn has_user(&self, id: &str) -> bool {
            id == "00uada"
        }
        fn has_group(&self, id: &str) -> bool {
            id == "00gstaff"
        }
    }

    #[test]
    fn filters_as_okta_reads_them() {
        let app = json!({ "id": "0oa1", "name": "acme_saml_1", "label": "Wiki", "status": "ACTIVE",
            "credentials": { "signing": { "kid": "k1" } }, "settings": { "signOn": { "slo": { "enabled": true } } } });
        let app = app.as_object().cloned().unwrap_or_default();
        let holds = |filter: &str| parse(filter).map(|f| f.matches(&app, &Assigned));
        assert_eq!(holds(r#"status eq "ACTIVE""#).ok(), Some(true));
        assert_eq!(holds(r#"status eq "INACTIVE""#).ok(), Some(false));
        assert_eq!(holds(r#"name eq "acme_saml_1" and id eq "0oa1""#).ok(), Some(true));
        assert_eq!(holds(r#"credentials.signing.kid eq "k1""#).ok(), Some(true));
        assert_eq!(holds("settings.slo.enabled eq true").ok(), Some(true));
        assert_eq!(holds(r#"user.id eq "00uada" and group.id eq "00gstaff""#).ok(), Some(true));
        assert_eq!(holds(r#"group.id eq "00gother""#).ok(), Some(false));
        assert_eq!(
            parse(r#"user.id eq "00uada""#).ok().and_then(|f| f.user().map(str::to_owned)),
            Some("00uada".to_owned())
        );
        for bad in
            [r#"status eq "DELETED""#, r#"label eq "x""#, "status eq ACTIVE", r#"name eq "a"b""#, "", r#"name sw "a""#]
        {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(matches_q(&app, "WI") && matches_q(&app, "acme") && !matches_q(&app, "iki"));
    }
}
