//! Runs every operation through the client against an org URL (in the
//! contract check, Prism proxying the fake org with the spec) and fails on
//! any unexpected answer: `cargo run -p okta-apps --example contract -- URL TOKEN`.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use okta_apps::models::{
    Application, ApplicationSignOnMode, BookmarkApplication, BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication, GoogleApplication, GoogleApplicationSettings,
    GoogleApplicationSettingsApplication,
};
use okta_apps::{Client, Error, RetryPolicy};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn check(what: &str, ok: bool) -> Result<()> {
    if ok {
        println!("ok: {what}");
        Ok(())
    } else {
        Err(format!("failed: {what}").into())
    }
}

async fn run(client: &Client) -> Result<()> {
    let settings = BookmarkApplicationSettings {
        app: Some(BookmarkApplicationSettingsApplication::new("https://wiki.example.com")),
        ..Default::default()
    };
    let bookmark = client.create_application(BookmarkApplication::new("Contract wiki", settings)).send().await?;
    let id = bookmark.value.id().ok_or("created app has no id")?.to_owned();
    check("createApplication (bookmark)", matches!(bookmark.value, Application::Bookmark(_)))?;

    let google = GoogleApplication::new(
        "Contract workspace",
        ApplicationSignOnMode::Saml20,
        GoogleApplicationSettings::new(GoogleApplicationSettingsApplication::new("example.com")),
    );
    let google = client.create_application(google).activate(false).okta_access_gateway_agent("contract").send().await?;
    let google_id = google.value.id().ok_or("created app has no id")?.to_owned();
    check("createApplication (google, inactive)", matches!(google.value, Application::Google(_)))?;

    let page = client.list_applications().limit(1).filter(r#"status eq "ACTIVE""#).send().await?;
    check("listApplications (one page)", page.value.items.len() == 1)?;
    let all: Vec<Application> = client.list_applications().limit(1).q("Contract").stream().try_collect().await?;
    check("listApplications (stream over pages)", all.len() == 2)?;

    let got = client.get_application(&id).expand(format!("user/{id}")).send().await?;
    check("getApplication", got.value.id() == Some(id.as_str()))?;

    let mut app = got.into_value();
    if let Application::Bookmark(b) = &mut app {
        b.label = Some("Contract wiki (renamed)".to_owned());
    }
    let replaced = client.replace_application(&id, app).send().await?;
    check("replaceApplication", replaced.value.label() == Some("Contract wiki (renamed)"))?;

    let missing = client.get_application("0oanotthere000000000").send().await;
    check("getApplication (404)", matches!(&missing, Err(e) if e.status() == Some(404)))?;
    let refused = client.delete_application(&id).send().await;
    check("deleteApplication of an active app (403)", matches!(&refused, Err(e) if e.status() == Some(403)))?;

    family(client, &id, &google_id).await?;

    client.activate_application(&google_id).send().await?;
    check("activateApplication", true)?;
    for app_id in [&id, &google_id] {
        client.deactivate_application(app_id).send().await?;
        client.delete_application(app_id).send().await?;
    }
    check("deactivateApplication and deleteApplication", true)?;
    let gone = client.get_application(&id).send().await;
    check("getApplication after delete (404)", matches!(gone, Err(Error::Api(ref e)) if e.status == 404))?;
    Ok(())
}

fn body<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    Ok(serde_json::from_value(value)?)
}

/// Every operation of the rest of the family that the fake implements.
async fn family(client: &Client, app: &str, saml_app: &str) -> Result<()> {
    use okta_apps::models::*;
    use okta_apps::operations;
    use okta_apps::runtime::{FilePart, Form};
    use serde_json::json;

    // ApplicationUsers
    client
        .assign_user_to_application(app, body::<AppUserAssignRequest>(json!({ "id": "00ucontract1" }))?)
        .send()
        .await?;
    let with_profile = json!({ "id": "00ucontract2", "scope": "USER", "credentials": { "userName": "c2@example.com", "password": { "value": "pw-contract" } }, "profile": { "title": "Tester" } });
    client.assign_user_to_application(app, body::<AppUserAssignRequest>(with_profile)?).send().await?;
    check("assignUserToApplication (with and without profile)", true)?;
    let users: Vec<AppUser> = client.list_application_users(app).limit(1).stream().try_collect().await?;
    check("listApplicationUsers (paged)", users.len() == 2)?;
    client.get_application_user(app, "00ucontract2").send().await?;
    client
        .update_application_user(
            app,
            "00ucontract2",
            body::<AppUserUpdateRequest>(json!({ "profile": { "title": "Lead" } }))?,
        )
        .send()
        .await?;
    client.unassign_user_from_application(app, "00ucontract1").send().await?;
    check("getApplicationUser, updateApplicationUser, unassignUserFromApplication", true)?;

    // ApplicationGroups
    client.assign_group_to_application(app, "00gcontract1").send().await?;
    client
        .assign_group_to_application(app, "00gcontract2")
        .body(body::<ApplicationGroupAssignment>(json!({ "priority": 0, "profile": {} }))?)
        .send()
        .await?;
    let groups: Vec<ApplicationGroupAssignment> =
        client.list_application_group_assignments(app).limit(20).stream().try_collect().await?;
    check("assignGroupToApplication, listApplicationGroupAssignments", groups.len() == 2)?;
    client.get_application_group_assignment(app, "00gcontract1").send().await?;
    let patch = body::<Vec<JsonPatchOperation>>(json!([{ "op": "replace", "path": "/priority", "value": 0 }]))?;
    client.update_group_assignment_to_application(app, "00gcontract1").body(patch).send().await?;
    client.unassign_application_from_group(app, "00gcontract2").send().await?;
    check("getApplicationGroupAssignment, updateGroupAssignmentToApplication, unassignApplicationFromGroup", true)?;

    // ApplicationFeatures
    let features = client.list_features_for_application(app).send().await?;
    check("listFeaturesForApplication", features.value.len() == 2)?;
    client.get_feature_for_application(app, ApplicationFeatureType::UserProvisioning).send().await?;
    let enable =
        body::<UpdateFeatureForApplicationBody>(json!({ "create": { "lifecycleCreate": { "status": "ENABLED" } } }))?;
    client.update_feature_for_application(app, ApplicationFeatureType::UserProvisioning, enable).send().await?;
    check("getFeatureForApplication, updateFeatureForApplication", true)?;

    // ApplicationSSOCredentialKey
    let keys = client.list_application_keys(app).send().await?.into_value();
    let key = client.generate_application_key(app, 2).send().await?.into_value();
    let kid = key.kid.clone().ok_or("generated key has no kid")?;
    client.get_application_key(app, &kid).send().await?;
    client.clone_application_key(app, &kid, saml_app).send().await?;
    check("listApplicationKeys, generateApplicationKey, getApplicationKey, cloneApplicationKey", keys.len() == 1)?;
    let metadata = client.preview_saml_metadata_for_application(saml_app, &kid).send().await?;
    check("previewSamlMetadataForApplication (XML)", metadata.value.contains("EntityDescriptor"))?;
    let subject = json!({ "subject": { "countryName": "US", "commonName": "contract.example.com" }, "subjectAltNames": { "dnsNames": ["contract.example.com"] } });
    let csr =
        client.generate_csr_for_application(app, body::<CsrMetadata>(subject.clone())?).send().await?.into_value();
    let operations::GenerateCsrForApplicationResponse::Created(csr) = csr else { return Err("CSR not JSON".into()) };
    let csr_id = csr.id.ok_or("CSR has no id")?;
    client.get_csr_for_application(app, &csr_id).send().await?;
    let pkcs10 = client.get_csr_for_application(app, &csr_id).accept("application/pkcs10").send().await?;
    check(
        "getCsrForApplication (as application/pkcs10)",
        matches!(pkcs10.value, operations::GetCsrForApplicationResponse::OkPkcs10(_)),
    )?;
    let csrs = client.list_csrs_for_application(app).send().await?;
    let pem = b"-----BEGIN CERTIFICATE-----\nMIIBcontract\n-----END CERTIFICATE-----\n".to_vec();
    client.publish_csr_from_application(app, &csr_id, pem).content_type("application/x-pem-file").send().await?;
    let second = client
        .generate_csr_for_application(app, body::<CsrMetadata>(subject)?)
        .accept("application/pkcs10")
        .send()
        .await?;
    check(
        "generateCsrForApplication (as application/pkcs10)",
        matches!(second.value, operations::GenerateCsrForApplicationResponse::CreatedPkcs10(_)),
    )?;
    let pending = client.list_csrs_for_application(app).send().await?.into_value();
    client.revoke_csr_from_application(app, pending[0].id.as_deref().ok_or("CSR has no id")?).send().await?;
    check("CSRs: generate, get, list, publish, revoke", csrs.value.len() == 1)?;

    // ApplicationSSOPublicKeys
    let jwk = json!({ "kid": "contract-k1", "kty": "RSA", "e": "AQAB", "n": "AQAB-contract", "use": "sig", "status": "ACTIVE" });
    let added = serde_json::to_value(client.add_jwk(app, body::<AddJwkBody>(jwk)?).send().await?.into_value())?;
    let jwk_id = added["id"].as_str().ok_or("JWK has no id")?.to_owned();
    client.list_jwk(app).send().await?;
    client.get_jwk(app, &jwk_id).send().await?;
    client.deactivate_oauth2_client_json_web_key(app, &jwk_id).send().await?;
    client.activate_oauth2_client_json_web_key(app, &jwk_id).send().await?;
    client.deactivate_oauth2_client_json_web_key(app, &jwk_id).send().await?;
    client.delete_jwk(app, &jwk_id).send().await?;
    check("JWKs: add, list, get, activate, deactivate, delete", true)?;
    let first = client.create_oauth2_client_secret(app).send().await?.into_value();
    let second = client
        .create_oauth2_client_secret(app)
        .body(body::<OAuth2ClientSecretRequestBody>(json!({ "status": "INACTIVE" }))?)
        .send()
        .await?
        .into_value();
    let (first, second) = (first.id.ok_or("no id")?, second.id.ok_or("no id")?);
    client.list_oauth2_client_secrets(app).send().await?;
    client.get_oauth2_client_secret(app, &first).send().await?;
    client.activate_oauth2_client_secret(app, &second).send().await?;
    client.deactivate_oauth2_client_secret(app, &first).send().await?;
    client.delete_oauth2_client_secret(app, &first).send().await?;
    let third = client.delete_oauth2_client_secret(app, &second).send().await;
    check(
        "client secrets: create, list, get, activate, deactivate, delete (an active one: 400)",
        matches!(&third, Err(e) if e.status() == Some(400)),
    )?;

    // ApplicationGrants
    let grant = body::<OAuth2ScopeConsentGrant>(
        json!({ "issuer": "https://contract.example.com/oauth2/default", "scopeId": "okta.users.read" }),
    )?;
    let grant = client.grant_consent_to_scope(app, grant).send().await?.into_value();
    let grant_id = grant.id.ok_or("grant has no id")?;
    client.list_scope_consent_grants(app).send().await?;
    client.get_scope_consent_grant(app, &grant_id).send().await?;
    client.revoke_scope_consent_grant(app, &grant_id).send().await?;
    check("grants: grant, list, get, revoke", true)?;

    // ApplicationTokens (the fake has none to give without a sign-in)
    let tokens = client.list_oauth2_tokens_for_application(app).limit(5).send().await?;
    let missing = client.get_oauth2_token_for_application(app, "oarnotthere").send().await;
    let revoke_missing = client.revoke_oauth2_token_for_application(app, "oarnotthere").send().await;
    client.revoke_oauth2_tokens_for_application(app).send().await?;
    check(
        "tokens: list, get and revoke (404), revoke all",
        tokens.value.items.is_empty()
            && matches!(&missing, Err(e) if e.status() == Some(404))
            && matches!(&revoke_missing, Err(e) if e.status() == Some(404)),
    )?;

    // ApplicationSSOFederatedClaims
    let claim = client
        .create_federated_claim(
            app,
            body::<FederatedClaimRequestBody>(json!({ "name": "role", "expression": "user.role" }))?,
        )
        .send()
        .await?
        .into_value();
    let claim_id = claim.id.ok_or("claim has no id")?;
    client.list_federated_claims(app).send().await?;
    client.get_federated_claim(app, &claim_id).send().await?;
    client
        .replace_federated_claim(app, &claim_id)
        .body(body::<FederatedClaim>(json!({ "name": "role", "expression": "user.title" }))?)
        .send()
        .await?;
    client.delete_federated_claim(app, &claim_id).send().await?;
    check("federated claims: create, list, get, replace, delete", true)?;

    // GroupPushMapping
    let mapping = body::<CreateGroupPushMappingRequest>(
        json!({ "sourceGroupId": "00gcontract1", "targetGroupName": "Contract pushed" }),
    )?;
    let mapping = client.create_group_push_mapping(app, mapping).send().await?.into_value();
    let mapping_id = mapping.id.ok_or("mapping has no id")?;
    let mappings: Vec<GroupPushMapping> = client.list_group_push_mappings(app).limit(1).stream().try_collect().await?;
    client.get_group_push_mapping(app, &mapping_id).send().await?;
    client
        .update_group_push_mapping(
            app,
            &mapping_id,
            body::<UpdateGroupPushMappingRequest>(json!({ "status": "INACTIVE" }))?,
        )
        .send()
        .await?;
    client.delete_group_push_mapping(app, &mapping_id, false).send().await?;
    check("group push: create, list, get, update, delete", mappings.len() == 1)?;

    // ApplicationPolicies, ApplicationLogos
    client.assign_application_policy(app, "rstcontract").send().await?;
    let logo = FilePart::new("logo.png", "image/png", vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']);
    client.upload_application_logo(app, Form::new().file("file", logo)).send().await?;
    check("assignApplicationPolicy, uploadApplicationLogo", true)?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, token] = args.as_slice() else {
        eprintln!("usage: contract URL TOKEN");
        return ExitCode::FAILURE;
    };
    let client = match Client::builder(url).api_token(token.as_str()).retry(RetryPolicy::none()).build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&client).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
