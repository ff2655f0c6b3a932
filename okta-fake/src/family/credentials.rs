//! An app's credentials: signing keys (generated, cloned to another app),
//! CSRs (published as PEM, DER or CER), public JWKs, and client secrets
//! (at most two, listed with their values as orgs list them, the only active one kept).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::sso::{base64_std, find_key, keys, new_key};
use super::{Call, Reply, created, find, find_mut, no_content, now, ok, remove, remove_inactive, set};
use super::{lifecycle_links, set_status, status_of};
use crate::store::{ApiError, Org};
use crate::util::{id_of, new_id};
use axum::http::header;

/// The operations answered here.
pub(super) const OPS: &[&str] = &[
    "listApplicationKeys",
    "generateApplicationKey",
    "getApplicationKey",
    "cloneApplicationKey",
    "listCsrsForApplication",
    "generateCsrForApplication",
    "getCsrForApplication",
    "revokeCsrFromApplication",
    "publishCsrFromApplication",
    "listJwk",
    "addJwk",
    "getJwk",
    "deleteJwk",
    "activateOAuth2ClientJsonWebKey",
    "deactivateOAuth2ClientJsonWebKey",
    "listOAuth2ClientSecrets",
    "createOAuth2ClientSecret",
    "getOAuth2ClientSecret",
    "deleteOAuth2ClientSecret",
    "activateOAuth2ClientSecret",
    "deactivateOAuth2ClientSecret",
];

/// Answers one of [`OPS`] for app `app_id` (the stored `app`).
pub(super) fn dispatch(org: &mut Org, call: &Call<'_>, app_id: &str, app: &Value) -> Result<Reply, ApiError> {
    let org_kid = org.facts.org_kid.clone();
    let family = org.family.entry(app_id.to_owned()).or_default();
    match call.op.id {
        // ApplicationSSOCredentialKey: signing keys
        "listApplicationKeys" => ok(Value::Array(keys(family, app, &org_kid).clone())),
        "generateApplicationKey" => {
            let years = call
                .query("validityYears")
                .and_then(|y| y.parse::<u32>().ok())
                .filter(|y| (2..=10).contains(y))
                .ok_or_else(|| {
                    ApiError::validation("validityYears", ["validityYears: a whole number of years from 2 to 10"])
                })?;
            let key = new_key(years, None);
            keys(family, app, &org_kid).push(key.clone());
            created(key)
        }
        "getApplicationKey" => ok(find_key(keys(family, app, &org_kid), call.path("keyId"))?.clone()),
        "cloneApplicationKey" => {
            let key = find_key(keys(family, app, &org_kid), call.path("keyId"))?.clone();
            let target = call.query("targetAid").unwrap_or_default().to_owned();
            let Some(target_app) = org.get(&target) else {
                return Err(ApiError::app_not_found(&target));
            };
            let target_keys = keys(org.family.entry(target).or_default(), &target_app, &org_kid);
            let kid = key.get("kid").cloned();
            if !target_keys.iter().any(|k| k.get("kid") == kid.as_ref()) {
                target_keys.push(key.clone());
            }
            created(key)
        }
        // ApplicationSSOCredentialKey: CSRs
        "listCsrsForApplication" => ok(Value::Array(family.csrs.clone())),
        "generateCsrForApplication" => {
            let body = call.json()?;
            if !body.get("subject").is_some_and(Value::is_object) {
                return Err(ApiError::validation("subject", ["subject: required"]));
            }
            let id = new_id("h5v");
            let der: Vec<u8> = [0x30, 0x82].into_iter().chain(id.bytes()).collect();
            let csr = json!({
                "id": id,
                "created": now(),
                "csr": base64_std(&der),
                "kty": "RSA",
                "_links": {
                    "self": { "href": format!("{}/credentials/csrs/{id}", call.app_href()) },
                    "publish": { "href": format!("{}/credentials/csrs/{id}/lifecycle/publish", call.app_href()), "hints": { "allow": ["POST"] } },
                },
            });
            family.csrs.push(csr.clone());
            Ok(csr_reply(call, StatusCode::CREATED, csr))
        }
        "getCsrForApplication" => {
            Ok(csr_reply(call, StatusCode::OK, find(&family.csrs, call.path("csrId"), "Csr")?.clone()))
        }
        "revokeCsrFromApplication" => {
            remove(&mut family.csrs, call.path("csrId"), "Csr")?;
            no_content()
        }
        "publishCsrFromApplication" => {
            let csr_id = call.path("csrId").to_owned();
            find(&family.csrs, &csr_id, "Csr")?;
            let media = call.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let known = ["application/x-x509-ca-cert", "application/pkix-cert", "application/x-pem-file"];
            if !known.iter().any(|k| media.starts_with(k)) {
                return Err(ApiError::unsupported_media_type(format!("Unsupported media type: {media}")));
            }
            if call.body.is_empty() {
                return Err(ApiError::validation("certificate", ["the body holds no certificate"]));
            }
            remove(&mut family.csrs, &csr_id, "Csr")?;
            let mut key = new_key(10, None);
            set(&mut key, "x5c", json!([base64_std(call.body)]));
            keys(family, app, &org_kid).push(key.clone());
            created(key)
        }
        // ApplicationSSOPublicKeys: JWKs
        "listJwk" => ok(Value::Array(family.jwks.clone())),
        "addJwk" => {
            let body = call.json()?;
            let kty = body.get("kty").and_then(Value::as_str).unwrap_or_default();
            if kty != "RSA" && kty != "EC" {
                return Err(ApiError::validation("kty", ["kty: RSA or EC"]));
            }
            let id = new_id("pks");
            let mut jwk = Value::Object(body.clone());
            set(&mut jwk, "id", Value::from(id.clone()));
            set(&mut jwk, "status", body.get("status").cloned().unwrap_or_else(|| Value::from("ACTIVE")));
            set(&mut jwk, "created", Value::String(now()));
            set(&mut jwk, "lastUpdated", Value::String(now()));
            set(&mut jwk, "_links", lifecycle_links(&format!("{}/credentials/jwks/{id}", call.app_href()), true));
            family.jwks.push(jwk.clone());
            created(jwk)
        }
        "getJwk" => ok(find(&family.jwks, call.path("keyId"), "JsonWebKey")?.clone()),
        "deleteJwk" => {
            remove_inactive(&mut family.jwks, call.path("keyId"), "JsonWebKey", "key")?;
            no_content()
        }
        "activateOAuth2ClientJsonWebKey" | "deactivateOAuth2ClientJsonWebKey" => {
            let active = call.op.id.starts_with("activate");
            let href = format!("{}/credentials/jwks/{}", call.app_href(), call.path("keyId"));
            let jwk = find_mut(&mut family.jwks, call.path("keyId"), "JsonWebKey")?;
            set_status(jwk, active, &href);
            ok(jwk.clone())
        }
        // ApplicationSSOPublicKeys: client secrets
        "listOAuth2ClientSecrets" => ok(Value::Array(family.secrets.clone())),
        "createOAuth2ClientSecret" => {
            let body = call.json_or_empty()?;
            if family.secrets.len() >= 2 {
                return Err(ApiError::validation(
                    "client_secret",
                    ["An app has at most two client secrets; delete one first."],
                ));
            }
            let secret = match body.get("client_secret").and_then(Value::as_str) {
                Some(s) if s.len() >= 14 => s.to_owned(),
                Some(_) => {
                    return Err(ApiError::validation("client_secret", ["client_secret: at least 14 characters"]));
                }
                None => crate::defaults::client_secret(),
            };
            let active = body.get("status").and_then(Value::as_str) != Some("INACTIVE");
            let stored = client_secret_record(&call.app_href(), &secret, active);
            family.secrets.push(stored.clone());
            created(stored)
        }
        "getOAuth2ClientSecret" => ok(find(&family.secrets, call.path("secretId"), "OAuth2ClientSecret")?.clone()),
        "deleteOAuth2ClientSecret" => {
            remove_inactive(&mut family.secrets, call.path("secretId"), "OAuth2ClientSecret", "secret")?;
            no_content()
        }
        "activateOAuth2ClientSecret" | "deactivateOAuth2ClientSecret" => {
            let active = call.op.id.starts_with("activate");
            let id = call.path("secretId").to_owned();
            let others_active =
                family.secrets.iter().filter(|s| id_of(s) != Some(&id) && status_of(s) == "ACTIVE").count();
            find(&family.secrets, &id, "OAuth2ClientSecret")?;
            if !active && others_active == 0 {
                return Err(ApiError::validation("status", ["The only active secret can't be deactivated."]));
            }
            let href = format!("{}/credentials/secrets/{id}", call.app_href());
            let secret = find_mut(&mut family.secrets, &id, "OAuth2ClientSecret")?;
            set_status(secret, active, &href);
            ok(secret.clone())
        }
        _ => Err(ApiError::unknown_route()),
    }
}

/// A new client secret of the app at `app_href`, holding `secret`, as Okta
/// lists it: orgs list and read the secret itself, not only its hash.
pub(super) fn client_secret_record(app_href: &str, secret: &str, active: bool) -> Value {
    let id = new_id("ocs");
    let href = format!("{app_href}/credentials/secrets/{id}");
    json!({
        "id": id,
        "created": now(),
        "lastUpdated": now(),
        "status": if active { "ACTIVE" } else { "INACTIVE" },
        "client_secret": secret,
        "secret_hash": okta_client::jose::sha256_b64(secret.as_bytes()),
        "_links": lifecycle_links(&href, active),
    })
}

/// A CSR as JSON, or, when the request asks for `application/pkcs10`, its
/// DER in base64 (`Content-Transfer-Encoding: base64`), as Okta answers.
fn csr_reply(call: &Call<'_>, status: StatusCode, csr: Value) -> Reply {
    let accept = call.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if accept.contains("application/pkcs10") {
        let base64 = csr.get("csr").and_then(Value::as_str).unwrap_or_default().as_bytes().to_vec();
        Reply::Bytes(status, "application/pkcs10", base64)
    } else {
        Reply::Json(status, csr)
    }
}
