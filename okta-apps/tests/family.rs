//! The rest of the Applications family, end to end: the generated endpoint
//! functions against the fake org, with Okta's semantics and the bugs users
//! filed against the official SDKs.

use futures_util::TryStreamExt;
use okta_apps::Client;
use okta_apps::models::{
    AppUser, AppUserAssignRequest, ApplicationFeatureObject, ApplicationFeatureType, ApplicationGroupAssignment,
    LifecycleStatus,
};
use okta_apps::operations::{GenerateCsrForApplicationResponse, GetCsrForApplicationResponse};
use okta_apps::runtime::{FilePart, Form};
use okta_fake::FakeOrg;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

async fn org() -> (FakeOrg, Client, String) {
    let fake = FakeOrg::start().await.expect("fake");
    let id = fake.insert(json!({ "label": "Wiki", "signOnMode": "BOOKMARK", "name": "bookmark" }));
    let client = Client::builder(fake.url()).api_token(fake.api_token()).build().expect("client");
    (fake, client, id)
}

fn typed<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid body")
}

// okta-sdk-python #479 (assigning without a profile), okta-sdk-golang #304 (a profile of
// any shape), okta-sdk-dotnet #596 (`limit` ignored on the app-users list).
#[tokio::test]
async fn users_are_assigned_with_or_without_a_profile_and_listed_by_pages() {
    let (_fake, client, app) = org().await;
    let bare = client
        .assign_user_to_application(&app, typed::<AppUserAssignRequest>(json!({ "id": "00u1" })))
        .send()
        .await
        .expect("no profile needed")
        .into_value();
    assert_eq!(bare.profile.as_ref().map(serde_json::Map::len), Some(0));
    assert_eq!(bare.scope.as_ref().map(ToString::to_string).as_deref(), Some("USER"));

    let profile = json!({ "department": "Eng", "roles": ["a", "b"], "manager": null, "level": 3, "nested": {"x": 1} });
    let body = json!({
        "id": "00u2",
        "scope": "USER",
        "credentials": { "userName": "ada@example.com", "password": { "value": "correct horse" } },
        "profile": profile,
    });
    let ada =
        client.assign_user_to_application(&app, typed::<AppUserAssignRequest>(body)).send().await.expect("assign");
    let ada = ada.into_value();
    assert_eq!(Value::Object(ada.profile.clone().unwrap_or_default()), profile, "any profile, kept whole");
    let credentials = ada.credentials.as_ref().expect("credentials");
    assert_eq!(credentials.user_name.as_deref(), Some("ada@example.com"));
    assert!(credentials.password.as_ref().is_some_and(|p| p.value.is_none()), "the password is write-only");
    assert!(ada.password_changed.is_some());

    let update: okta_apps::models::AppUserUpdateRequest = typed(json!({ "profile": { "department": "Ops" } }));
    let updated = client.update_application_user(&app, "00u2", update).send().await.expect("update").into_value();
    let department = updated.profile.as_ref().and_then(|p| p.get("department")).cloned();
    assert_eq!(department, Some(json!("Ops")));
    assert_eq!(updated.profile.as_ref().and_then(|p| p.get("level")).cloned(), Some(json!(3)), "merged");

    for n in 3..=5 {
        let body = typed::<AppUserAssignRequest>(json!({ "id": format!("00u{n}") }));
        client.assign_user_to_application(&app, body).send().await.expect("assign");
    }
    let page = client.list_application_users(&app).limit(2).send().await.expect("page").into_value();
    assert_eq!(page.items.len(), 2, "limit is honoured");
    assert!(page.next_cursor().is_some());
    let all: Vec<AppUser> = client.list_application_users(&app).limit(2).stream().try_collect().await.expect("all");
    let ids: Vec<_> = all.iter().filter_map(|u| u.id.as_deref()).collect();
    assert_eq!(ids, ["00u1", "00u2", "00u3", "00u4", "00u5"]);

    client.unassign_user_from_application(&app, "00u1").send().await.expect("unassign");
    let gone = client.get_application_user(&app, "00u1").send().await.expect_err("unassigned");
    assert_eq!(gone.status(), Some(404));
    let missing_app = client.list_application_users("0oanope").send().await.expect_err("no such app");
    assert_eq!(
        missing_app.api().and_then(|e| e.error.as_ref()).and_then(|e| e.error_code.as_deref()),
        Some("E0000007")
    );
}

// terraform-provider-okta #738 and #1373 (group priorities colliding), okta-sdk-java #954
// (listing the groups assigned to an app).
#[tokio::test]
async fn group_assignments_keep_priorities_unique_and_list_by_pages() {
    let (_fake, client, app) = org().await;
    let assign = |group: &'static str, priority: Option<i64>| {
        let client = client.clone();
        let app = app.clone();
        async move {
            let mut call = client.assign_group_to_application(&app, group);
            if let Some(priority) = priority {
                call = call.body(ApplicationGroupAssignment { priority: Some(priority), ..Default::default() });
            }
            call.send().await.expect("assign").into_value()
        }
    };
    assert_eq!(assign("00g1", None).await.priority, Some(0));
    assert_eq!(assign("00g2", Some(0)).await.priority, Some(0), "takes the priority asked for");
    assign("00g3", Some(1)).await;
    let groups: Vec<ApplicationGroupAssignment> =
        client.list_application_group_assignments(&app).limit(2).stream().try_collect().await.expect("all pages");
    let mut by_priority: Vec<_> = groups.iter().map(|g| (g.priority, g.id.clone().unwrap_or_default())).collect();
    by_priority.sort();
    assert_eq!(
        by_priority,
        [(Some(0), "00g2".to_owned()), (Some(1), "00g3".to_owned()), (Some(2), "00g1".to_owned())],
        "others move down; no two share a priority"
    );

    let patch = typed(
        json!([{ "op": "replace", "path": "/priority", "value": 0 }, { "op": "add", "path": "/profile/role", "value": "admin" }]),
    );
    let moved = client.update_group_assignment_to_application(&app, "00g1").body(patch).send().await.expect("patch");
    let moved = moved.into_value();
    assert_eq!(moved.priority, Some(0));
    assert_eq!(moved.profile.as_ref().and_then(|p| p.get("role")).cloned(), Some(json!("admin")));

    client.unassign_application_from_group(&app, "00g2").send().await.expect("unassign");
    let left = client.get_application_group_assignment(&app, "00g3").send().await.expect("get").into_value();
    assert_eq!(left.priority, Some(1), "priorities close up");
}

#[tokio::test]
async fn signing_keys_are_generated_cloned_and_csrs_published() {
    let (fake, client, app) = org().await;
    let other = fake.insert(json!({ "label": "Other", "signOnMode": "SAML_2_0", "name": "other_saml" }));
    let keys = client.list_application_keys(&app).send().await.expect("list").into_value();
    assert_eq!(keys.len(), 1, "an app starts with one key");
    let key = client.generate_application_key(&app, 3).send().await.expect("generate").into_value();
    let kid = key.kid.clone().expect("kid");
    let expires = key.expires_at.as_ref().map(ToString::to_string).unwrap_or_default();
    let in_three_years = time::OffsetDateTime::now_utc().year() + 3;
    assert!(expires.starts_with(&in_three_years.to_string()), "{expires}");
    let bad = client.generate_application_key(&app, 1).send().await.expect_err("1 year is too short");
    assert_eq!(bad.status(), Some(400));

    client.clone_application_key(&app, &kid, &other).send().await.expect("clone");
    let cloned = client.get_application_key(&other, &kid).send().await.expect("on the other app").into_value();
    assert_eq!(cloned.kid.as_deref(), Some(kid.as_str()));

    // SAML metadata for the other app, signed by the cloned key, as XML.
    let xml = client.preview_saml_metadata_for_application(&other, &kid).send().await.expect("metadata").into_value();
    assert!(xml.starts_with("<?xml") && xml.contains(&format!("entityID=\"http://www.okta.com/{other}\"")), "{xml}");
    let not_saml = client.preview_saml_metadata_for_application(&app, &kid).send().await.expect_err("bookmark");
    assert_eq!(not_saml.status(), Some(404));

    let subject = json!({ "subject": { "countryName": "US", "commonName": "wiki.example.com" } });
    let csr = client.generate_csr_for_application(&app, typed::<okta_apps::models::CsrMetadata>(subject.clone()));
    let csr = csr.send().await.expect("csr").into_value();
    let GenerateCsrForApplicationResponse::Created(csr) = csr else { panic!("JSON by default: {csr:?}") };
    let csr_id = csr.id.clone().expect("id");
    let base64 = csr.csr.clone().expect("the CSR, base64");
    // The same CSR as PKCS#10, when asked.
    let pkcs10 =
        client.get_csr_for_application(&app, &csr_id).accept("application/pkcs10").send().await.expect("pkcs10");
    assert_eq!(pkcs10.into_value(), GetCsrForApplicationResponse::OkPkcs10(base64.into_bytes()));
    let pem = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".to_vec();
    let published = client
        .publish_csr_from_application(&app, &csr_id, pem)
        .content_type("application/x-pem-file")
        .send()
        .await
        .expect("publish")
        .into_value();
    let published_kid = published.kid.expect("kid");
    let keys = client.list_application_keys(&app).send().await.expect("list").into_value();
    assert!(keys.iter().any(|k| k.kid.as_deref() == Some(published_kid.as_str())));
    assert!(client.list_csrs_for_application(&app).send().await.expect("list").into_value().is_empty());
    let second = client.generate_csr_for_application(&app, typed::<okta_apps::models::CsrMetadata>(subject));
    match second.accept("application/pkcs10").send().await.expect("csr").into_value() {
        GenerateCsrForApplicationResponse::CreatedPkcs10(der) => assert!(!der.is_empty()),
        other => panic!("asked for PKCS#10: {other:?}"),
    }
    let csrs = client.list_csrs_for_application(&app).send().await.expect("list").into_value();
    let second = csrs[0].id.clone().expect("id");
    client.revoke_csr_from_application(&app, &second).send().await.expect("revoke");
    let wrong = client.publish_csr_from_application(&app, "nope", b"x".to_vec()).content_type("text/plain");
    assert!(matches!(wrong.send().await, Err(okta_apps::Error::InvalidInput { .. })), "checked before sending");
}

// Client secrets: listed with their values as orgs list them (never in Debug), at most two, and the activation rules.
#[tokio::test]
async fn client_secrets_are_listed_hidden_from_debug_and_kept_to_two() {
    let (_fake, client, app) = org().await;
    let first = client.create_oauth2_client_secret(&app).send().await.expect("create").into_value();
    let secret = first.client_secret.as_ref().expect("shown at creation");
    assert!(secret.expose().len() >= 14);
    assert!(!format!("{first:?}").contains(secret.expose()), "never in Debug");
    let first_id = first.id.clone().expect("id");
    let listed = client.list_oauth2_client_secrets(&app).send().await.expect("list").into_value();
    let listed_secret = listed.iter().find(|s| s.id == first.id).and_then(|s| s.client_secret.as_ref());
    assert_eq!(listed_secret.map(|s| s.expose()), Some(secret.expose()), "orgs list the value");
    assert!(!format!("{listed:?}").contains(secret.expose()), "never in Debug");
    let given: okta_apps::models::OAuth2ClientSecretRequestBody =
        typed(json!({ "client_secret": "a-secret-of-our-own-choosing", "status": "INACTIVE" }));
    let second = client.create_oauth2_client_secret(&app).body(given).send().await.expect("second").into_value();
    assert_eq!(second.status, Some(LifecycleStatus::Inactive));
    let third = client.create_oauth2_client_secret(&app).send().await.expect_err("at most two");
    assert_eq!(third.status(), Some(400));

    let only = client.deactivate_oauth2_client_secret(&app, &first_id).send().await.expect_err("the only active one");
    assert_eq!(only.status(), Some(400));
    let active = client.delete_oauth2_client_secret(&app, &first_id).send().await.expect_err("active");
    assert_eq!(active.status(), Some(400));
    let second_id = second.id.expect("id");
    client.activate_oauth2_client_secret(&app, &second_id).send().await.expect("activate");
    client.deactivate_oauth2_client_secret(&app, &first_id).send().await.expect("now it may go");
    client.delete_oauth2_client_secret(&app, &first_id).send().await.expect("delete inactive");
    assert_eq!(client.list_oauth2_client_secrets(&app).send().await.expect("list").into_value().len(), 1);
}

#[tokio::test]
async fn jwks_grants_tokens_claims_and_group_push() {
    let (fake, client, app) = org().await;
    // JWKs: an active key cannot be deleted.
    let jwk = json!({ "kid": "k1", "kty": "RSA", "e": "AQAB", "n": "AQAB-modulus", "use": "sig", "status": "ACTIVE" });
    let added = client.add_jwk(&app, typed::<okta_apps::models::AddJwkBody>(jwk)).send().await.expect("add");
    let added = serde_json::to_value(added.into_value()).expect("encodes");
    let jwk_id = added["id"].as_str().expect("id").to_owned();
    assert_eq!(client.delete_jwk(&app, &jwk_id).send().await.expect_err("active").status(), Some(400));
    client.deactivate_oauth2_client_json_web_key(&app, &jwk_id).send().await.expect("deactivate");
    client.delete_jwk(&app, &jwk_id).send().await.expect("delete");
    let listed = client.list_jwk(&app).send().await.expect("list").into_value();
    assert!(matches!(&listed, okta_apps::models::ListJwkOk::Array(keys) if keys.is_empty()), "{listed:?}");

    // Grants.
    let grant: okta_apps::models::OAuth2ScopeConsentGrant =
        typed(json!({ "issuer": format!("{}/oauth2/default", fake.url()), "scopeId": "okta.users.read" }));
    let grant = client.grant_consent_to_scope(&app, grant).send().await.expect("grant").into_value();
    let grant_id = grant.id.clone().expect("id");
    assert_eq!(client.list_scope_consent_grants(&app).send().await.expect("list").into_value().len(), 1);
    client.get_scope_consent_grant(&app, &grant_id).send().await.expect("get");
    client.revoke_scope_consent_grant(&app, &grant_id).send().await.expect("revoke");

    // Tokens: issued by users signing in, listed by pages, revoked.
    let token_ids: Vec<String> = (0..3)
        .map(|n| fake.issue_app_token(&app, &format!("00u{n}"), &["openid", "offline_access"]).expect("app"))
        .collect();
    let tokens: Vec<_> =
        client.list_oauth2_tokens_for_application(&app).limit(2).stream().try_collect().await.expect("all");
    assert_eq!(tokens.len(), 3);
    client.revoke_oauth2_token_for_application(&app, &token_ids[0]).send().await.expect("revoke one");
    let token = client.get_oauth2_token_for_application(&app, &token_ids[1]).send().await.expect("get").into_value();
    assert_eq!(token.user_id.as_deref(), Some("00u1"));
    client.revoke_oauth2_tokens_for_application(&app).send().await.expect("revoke all");
    assert_eq!(client.list_oauth2_tokens_for_application(&app).send().await.expect("list").into_value().items.len(), 0);

    // Federated claims.
    let claim: okta_apps::models::FederatedClaimRequestBody =
        typed(json!({ "name": "role", "expression": "user.role" }));
    let claim = client.create_federated_claim(&app, claim).send().await.expect("create").into_value();
    let claim_id = claim.id.clone().expect("id");
    let replaced = client
        .replace_federated_claim(&app, &claim_id)
        .body(typed::<okta_apps::models::FederatedClaim>(json!({ "name": "role", "expression": "user.title" })))
        .send()
        .await
        .expect("replace");
    // Okta documents 201 for a replacement; orgs answer 200: both are a success.
    assert_eq!(replaced.status, 200);
    let replaced = replaced.into_value();
    assert_eq!(
        (replaced.expression.as_deref(), replaced.created.as_deref()),
        (Some("user.title"), claim.created.as_deref())
    );
    client.delete_federated_claim(&app, &claim_id).send().await.expect("delete");

    // Group push: an active mapping cannot be deleted.
    let mapping: okta_apps::models::CreateGroupPushMappingRequest =
        typed(json!({ "sourceGroupId": "00gsource", "targetGroupName": "Pushed" }));
    let mapping = client.create_group_push_mapping(&app, mapping).send().await.expect("create");
    assert_eq!(mapping.status, 200, "as orgs answer (Okta documents 201)");
    let mapping = mapping.into_value();
    let mapping_id = mapping.id.clone().expect("id");
    assert!(mapping.target_group_id.is_some() && mapping.last_push.is_some(), "lastPush is null, and kept");
    let active = client.delete_group_push_mapping(&app, &mapping_id, false).send().await.expect_err("active");
    assert_eq!(active.status(), Some(400));
    client
        .update_group_push_mapping(
            &app,
            &mapping_id,
            typed::<okta_apps::models::UpdateGroupPushMappingRequest>(json!({ "status": "INACTIVE" })),
        )
        .send()
        .await
        .expect("off");
    let deleted = client.delete_group_push_mapping(&app, &mapping_id, false).send().await.expect("delete");
    assert_eq!(deleted.status, 200, "as orgs answer (Okta documents 204)");
}

#[tokio::test]
async fn features_policy_logo_and_the_operations_the_fake_leaves_out() {
    let (fake, client, app) = org().await;
    let features = client.list_features_for_application(&app).send().await.expect("list").into_value();
    assert!(matches!(
        features.as_slice(),
        [
            ApplicationFeatureObject::UserProvisioningApplicationFeature(_),
            ApplicationFeatureObject::InboundProvisioningApplicationFeature(_)
        ]
    ));
    let enable: okta_apps::models::UpdateFeatureForApplicationBody =
        typed(json!({ "create": { "lifecycleCreate": { "status": "ENABLED" } } }));
    let updated = client
        .update_feature_for_application(&app, ApplicationFeatureType::UserProvisioning, enable)
        .send()
        .await
        .expect("update")
        .into_value();
    let updated = serde_json::to_value(updated).expect("encodes");
    assert_eq!(
        (
            updated["status"].as_str(),
            updated.pointer("/capabilities/create/lifecycleCreate/status").and_then(Value::as_str)
        ),
        (Some("ENABLED"), Some("ENABLED"))
    );

    client.assign_application_policy(&app, "rst1policy").send().await.expect("assign policy");
    let linked = fake.get(&app).and_then(|a| a.pointer("/_links/accessPolicy/href").cloned());
    assert_eq!(linked, Some(json!(format!("{}/api/v1/policies/rst1policy", fake.url()))));

    let png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    let form = Form::new().file("file", FilePart::new("logo.png", "image/png", png.clone()));
    client.upload_application_logo(&app, form).send().await.expect("upload");
    assert_eq!(fake.logo(&app), Some(("image/png".to_owned(), png)));
    let no_file = client.upload_application_logo(&app, Form::new().text("caption", "x")).send().await;
    assert!(matches!(no_file, Err(okta_apps::Error::InvalidInput { .. })), "the file part is required");

    let connection = client.get_default_provisioning_connection_for_application(&app).send().await.expect("get");
    let connection = serde_json::to_value(connection.into_value()).expect("encodes");
    assert_eq!(connection["status"], "UNKNOWN", "never set: the app does not provision");

    // What the fake leaves out answers as Okta answers a route it does not have.
    let error = client.list_cross_app_access_connections(&app).send().await.expect_err("not there");
    let api = error.api().expect("api error");
    assert_eq!(api.status, 405);
    assert_eq!(api.error.as_ref().and_then(|e| e.error_code.clone()).as_deref(), Some("E0000022"));
}
