//! What an app's OAuth 2.0 clients were given: consent grants, the refresh
//! tokens its users hold, and its federated claims.

use serde_json::{Value, json};

use super::{Call, Reply, created, find, no_content, now, ok, remove, set};
use crate::store::{ApiError, Org};
use crate::util::{id_of, new_id};

/// The operations answered here.
pub(super) const OPS: &[&str] = &[
    "listScopeConsentGrants",
    "grantConsentToScope",
    "getScopeConsentGrant",
    "revokeScopeConsentGrant",
    "listOAuth2TokensForApplication",
    "getOAuth2TokenForApplication",
    "revokeOAuth2TokenForApplication",
    "revokeOAuth2TokensForApplication",
    "listFederatedClaims",
    "createFederatedClaim",
    "replaceFederatedClaim",
    "getFederatedClaim",
    "deleteFederatedClaim",
];

/// Answers one of [`OPS`] for app `app_id` (the stored `app`).
pub(super) fn dispatch(org: &mut Org, call: &Call<'_>, app_id: &str, app: &Value) -> Result<Reply, ApiError> {
    let family = org.family.entry(app_id.to_owned()).or_default();
    let list = |items: &[Value]| Ok(Reply::Page(items.to_vec()));
    match call.op.id {
        // ApplicationGrants
        "listScopeConsentGrants" => ok(Value::Array(family.grants.clone())),
        "grantConsentToScope" => {
            let body = call.json()?;
            let (Some(issuer), Some(scope)) =
                (body.get("issuer").and_then(Value::as_str), body.get("scopeId").and_then(Value::as_str))
            else {
                return Err(ApiError::validation("grant", ["issuer and scopeId are required"]));
            };
            let id = new_id("oag");
            let grant = json!({
                "id": id,
                "issuer": issuer,
                "scopeId": scope,
                "status": "ACTIVE",
                "source": "ADMIN",
                "created": now(),
                "lastUpdated": now(),
                "createdBy": { "id": "00ufakeadmin", "type": "User" },
                "_links": { "app": { "href": call.app_href() }, "self": { "href": format!("{}/grants/{id}", call.app_href()) } },
            });
            let mut grant = grant;
            if let Some(client_id) = app.pointer("/credentials/oauthClient/client_id") {
                set(&mut grant, "clientId", client_id.clone());
            }
            family.grants.push(grant.clone());
            created(grant)
        }
        "getScopeConsentGrant" => ok(find(&family.grants, call.path("grantId"), "OAuth2ScopeConsentGrant")?.clone()),
        "revokeScopeConsentGrant" => {
            remove(&mut family.grants, call.path("grantId"), "OAuth2ScopeConsentGrant")?;
            no_content()
        }
        // ApplicationTokens
        "listOAuth2TokensForApplication" => list(&family.tokens),
        "getOAuth2TokenForApplication" => ok(find(&family.tokens, call.path("tokenId"), "OAuth2RefreshToken")?.clone()),
        "revokeOAuth2TokenForApplication" => {
            remove(&mut family.tokens, call.path("tokenId"), "OAuth2RefreshToken")?;
            no_content()
        }
        "revokeOAuth2TokensForApplication" => {
            family.tokens.clear();
            no_content()
        }
        // ApplicationSSOFederatedClaims
        "listFederatedClaims" => ok(Value::Array(family.claims.clone())),
        "createFederatedClaim" | "replaceFederatedClaim" => {
            let body = call.json()?;
            let (Some(name), Some(expression)) =
                (body.get("name").and_then(Value::as_str), body.get("expression").and_then(Value::as_str))
            else {
                return Err(ApiError::validation("claim", ["name and expression are required"]));
            };
            let replacing = call.op.id == "replaceFederatedClaim";
            let id = if replacing { call.path("claimId").to_owned() } else { new_id("ofc") };
            let created_at = if replacing {
                find(&family.claims, &id, "FederatedClaim")?.get("created").cloned().unwrap_or(Value::Null)
            } else {
                Value::String(now())
            };
            let claim = json!({ "id": id, "name": name, "expression": expression, "created": created_at, "lastUpdated": now() });
            family.claims.retain(|c| id_of(c) != Some(&id));
            family.claims.push(claim.clone());
            // A new claim is 201; orgs answer a replacement with 200.
            if replacing { ok(claim) } else { created(claim) }
        }
        "getFederatedClaim" => ok(find(&family.claims, call.path("claimId"), "FederatedClaim")?.clone()),
        "deleteFederatedClaim" => {
            remove(&mut family.claims, call.path("claimId"), "FederatedClaim")?;
            no_content()
        }
        _ => Err(ApiError::unknown_route()),
    }
}
