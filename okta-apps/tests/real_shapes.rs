//! Apps shaped as real orgs return them (payloads written for these tests):
//! every OIN, template and Okta-owned app and every directory integration
//! decodes to its own variant, comes back as sent, and holds every member in
//! a typed field, with no enum value outside its enum.

use okta_apps::models::Application;
use okta_apps::runtime::coverage::member_coverage;
use serde_json::{Value, json};

#[path = "common/json.rs"]
mod json;

const ORG: &str = "https://examplecorp.okta.example";

/// An app as a real org answers it: the members every app has, the links
/// real orgs add, and `settings` with the given `app` (and `signOn`).
fn app(id: &str, name: &str, mode: Value, settings_app: Value, sign_on: Option<Value>) -> Value {
    let href = |path: &str| json!({ "href": format!("{ORG}/api/v1/apps/{id}{path}") });
    let mut settings = json!({
        "app": settings_app,
        "notifications": {"vpn": {"network": {"connection": "DISABLED"}, "message": null, "helpUrl": null}},
        "manualProvisioning": false,
        "implicitAssignment": false,
        "emOptInStatus": "NONE",
        "notes": {"admin": null, "enduser": null}
    });
    if let Some(sign_on) = sign_on {
        settings["signOn"] = sign_on;
    }
    let mut app = json!({
        "id": id,
        "name": name,
        "label": format!("ExampleCorp {name}"),
        "status": "ACTIVE",
        "lastUpdated": "2026-02-03T04:05:06.000Z",
        "created": "2026-01-02T03:04:05.000Z",
        "accessibility": {"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null},
        "visibility": {
            "autoLaunch": false, "autoSubmitToolbar": false,
            "hide": {"iOS": false, "web": false}, "appLinks": {format!("{name}_link"): true}
        },
        "features": [],
        "signOnMode": mode,
        "credentials": {"userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}, "signing": {}},
        "settings": settings,
        "profile": null,
        "_links": {
            "uploadLogo": {"href": format!("{ORG}/api/v1/apps/{id}/logo"), "hints": {"allow": ["POST"]}},
            "policies": {"href": format!("{ORG}/api/v1/apps/{id}/policies"), "hints": {"allow": ["PUT"]}},
            "profileEnrollment": {"href": format!("{ORG}/api/v1/policies/rst7h2k4VxQm9sLp30g7")},
            "accessPolicy": {"href": format!("{ORG}/api/v1/policies/rst1a2b3c4D5e6F7g0g7")},
            "appLinks": [{"name": format!("{name}_link"), "href": format!("{ORG}/home/{name}/{id}/aln1"), "type": "text/html"}],
            "groups": href("/groups"),
            "users": href("/users"),
            "logo": [{"name": "medium", "href": format!("{ORG}/assets/img/logos/{name}.png"), "type": "image/png"}],
            "deactivate": href("/lifecycle/deactivate")
        }
    });
    if mode_is(&app, "BROWSER_PLUGIN") {
        app["credentials"]["scheme"] = json!("EDIT_USERNAME_AND_PASSWORD");
        app["credentials"]["revealPassword"] = json!(false);
    }
    app
}

fn mode_is(app: &Value, mode: &str) -> bool {
    app["signOnMode"] == mode
}

/// The SAML 2.0 sign-on settings an OIN app answers with.
fn oin_saml() -> Value {
    json!({
        "defaultRelayState": null, "ssoAcsUrlOverride": null, "audienceOverride": null,
        "recipientOverride": null, "destinationOverride": null, "attributeStatements": []
    })
}

/// Decodes `sent`, checks the variant, the round trip and that every member is typed.
fn check(sent: &Value, variant: &str) -> Application {
    let text = serde_json::to_string(sent).expect("JSON");
    let app: Application = okta_apps::from_str(&text).unwrap_or_else(|e| panic!("{variant}: {e}"));
    assert_eq!(app.variant_name(), variant, "{}", sent["name"]);
    let encoded = serde_json::to_value(&app).expect("encodes");
    assert_eq!(json::first_difference(sent, &encoded), None, "{variant}: round trip");
    let coverage = member_coverage(sent, &app).expect("encodes");
    assert!(coverage.undeclared.is_empty(), "{variant}: undeclared {:?}", coverage.undeclared);
    assert!(coverage.unlisted.is_empty(), "{variant}: unlisted {:?}", coverage.unlisted);
    assert_eq!((coverage.typed, coverage.free_form), (coverage.members(), 0), "{variant}");
    app
}

#[test]
fn every_oin_and_okta_app_real_orgs_have_decodes_to_its_variant_with_every_member_typed() {
    let cases: Vec<(&str, &str, &str, Value, Option<Value>)> = vec![
        (
            "pagerduty",
            "SAML_2_0",
            "PagerDuty",
            json!({"adminUserId": null, "baseUrl": "https://examplecorp.pagerduty.example", "subdomain": "examplecorp"}),
            Some(oin_saml()),
        ),
        (
            "pagerduty",
            "BROWSER_PLUGIN",
            "PagerDuty",
            json!({"adminUserId": null, "baseUrl": "https://examplecorp.pagerduty.example", "subdomain": "examplecorp"}),
            None,
        ),
        ("aws_console", "BROWSER_PLUGIN", "AwsConsole", json!({}), None),
        (
            "amazon_aws",
            "BROWSER_PLUGIN",
            "AmazonAws",
            json!({
                "accessKey": null, "accountID": null, "appFilter": "okta", "awsEnvironmentType": "aws.amazon",
                "groupFilter": "aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)", "identityProviderArn": null,
                "joinAllRoles": false, "loginURL": "https://console.aws.example/home", "overrideAcsURL": null,
                "roleValuePattern": "arn:aws:iam::${accountid}:saml-provider/OKTA,arn:aws:iam::${accountid}:role/${role}",
                "secretKey": null, "secretKeyEnc": null, "sessionDuration": 3600, "useGroupMapping": false,
                "webSSOAllowedClient": null
            }),
            None,
        ),
        (
            "sharepoint_onpremise",
            "SAML_1_1",
            "SharePointOnPremise",
            json!({"attributeStatements": null, "groupFilter": "team.*", "siteURL": "https://sharepoint.example.com"}),
            Some(
                json!({"defaultRelayState": null, "ssoAcsUrlOverride": null, "audienceOverride": null, "recipientOverride": null}),
            ),
        ),
        (
            "facebook_at_work",
            "SAML_2_0",
            "FacebookAtWork",
            json!({
                "communityId": null, "facebookOrgId": null, "facebookSubDomain": "https://examplecorp.workplace.example",
                "useWorkplaceDomain": false
            }),
            Some(oin_saml()),
        ),
        (
            "boxnet",
            "BROWSER_PLUGIN",
            "Boxnet",
            json!({"groupFilter": null, "pushGroupsWithSAML": false, "siteURL": null}),
            None,
        ),
        (
            "zendesk",
            "BROWSER_PLUGIN",
            "Zendesk",
            json!({"authToken": null, "companySubDomain": "examplecorp", "encryptedAuthToken": null}),
            None,
        ),
        (
            "docusign",
            "SAML_2_0",
            "DocuSign",
            json!({"acsUrl": null, "audRestriction": null, "instanceType": "www", "samlEmailAddress": "false"}),
            Some({
                let mut s = oin_saml();
                s["honorForceAuthn"] = json!(false);
                s
            }),
        ),
        ("strongdm", "OPENID_CONNECT", "StrongDm", json!({"base_url": null}), None),
        ("deel", "OPENID_CONNECT", "Deel", json!({}), None),
        ("applauz", "OPENID_CONNECT", "Applauz", json!({}), None),
        ("jeli", "OPENID_CONNECT", "Jeli", json!({"oktaSubDomain": "examplecorp"}), None),
        (
            "flow",
            "OPENID_CONNECT",
            "Flow",
            json!({
                "redirectURI": "https://oauth.workflows.okta.example/oauth/callback",
                "serviceDomain": "https://oauth.workflows.okta.example"
            }),
            None,
        ),
        (
            "okta_flow_sso",
            "OPENID_CONNECT",
            "OktaFlowSso",
            json!({
                "initiateLoginURI": "https://examplecorp.workflows.okta.example/oidc/login",
                "redirectURI": "https://examplecorp.workflows.okta.example/oidc/callback"
            }),
            None,
        ),
        (
            "okta_atspoke_sso",
            "OPENID_CONNECT",
            "OktaAtspokeSso",
            json!({
                "initiateLoginURI": "https://examplecorp.at.okta.example/oidc/login",
                "redirectURI": "https://examplecorp.at.okta.example/oidc/callback"
            }),
            None,
        ),
        (
            "okta_access_requests_resource_catalog",
            "OPENID_CONNECT",
            "OktaAccessRequestsResourceCatalog",
            json!({}),
            None,
        ),
        ("okta_iga_reviewer", "OPENID_CONNECT", "OktaIgaReviewer", json!({"initiateLoginURI": null}), None),
        (
            "okta_iga_security_access_reviews",
            "OPENID_CONNECT",
            "OktaIgaSecurityAccessReviews",
            json!({"initiateLoginURI": null}),
            None,
        ),
        ("saasure", "OPENID_CONNECT", "Saasure", json!({}), None),
        ("okta_enduser", "OPENID_CONNECT", "OktaEndUser", json!({}), None),
        ("okta_browser_plugin", "OPENID_CONNECT", "OktaBrowserPlugin", json!({}), None),
        ("okta_account_settings", "OPENID_CONNECT", "OktaAccountSettings", json!({}), None),
        ("ldap_interface", "OPENID_CONNECT", "LdapInterface", json!({"domainName": null}), None),
        ("partner_portal", "OPENID_CONNECT", "PartnerPortal", json!({}), None),
        ("test-cwo-app", "OPENID_CONNECT", "TestCwoApp", json!({"redirectURI": null, "postLogoutUri": null}), None),
        (
            "office365",
            "BROWSER_PLUGIN",
            "Office365",
            json!({
                "domain": "examplecorp.example", "domains": [], "msftTenant": "examplecorp", "occSettings": null,
                "office365FlexibleProvisioningMode": null, "office365ProvisioningType": null, "requireAdminConsent": false,
                "tenantType": null, "windowsTransportEnabled": false, "wsFedConfigureType": "AUTO"
            }),
            None,
        ),
        (
            "salesforce",
            "BROWSER_PLUGIN",
            "Salesforce",
            json!({
                "customDomain": null, "instanceType": "SANDBOX", "integrationType": "STANDARD", "loginUrl": null,
                "logoutUrl": null, "myDomain": null, "orgID": null, "portalID": null, "siteURL": null
            }),
            None,
        ),
        (
            "zoomus",
            "SAML_2_0",
            "ZoomUs",
            json!({"acs_url": null, "audience_uri": null, "subDomain": "examplecorp"}),
            Some({
                let mut s = oin_saml();
                s["configuredAttributeStatements"] = json!([
                    {"type": "GROUP", "name": "Teams", "namespace": null, "filterType": null, "filterValue": null}
                ]);
                s
            }),
        ),
        (
            "okta_org2org",
            "OPENID_CONNECT",
            "Org2Org",
            json!({
                "acsUrl": null, "audRestriction": null, "baseUrl": "https://examplecorp-emea.okta.example", "idpId": null
            }),
            None,
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (i, (name, mode, variant, settings_app, sign_on)) in cases.into_iter().enumerate() {
        let sent = app(&format!("0oa{i:017}"), name, json!(mode), settings_app, sign_on);
        check(&sent, variant);
        seen.insert(variant);
    }
    // 25 new key names and 4 that gained members (pagerduty comes in two modes).
    assert_eq!(seen.len(), 29, "one variant for each key name");
}

#[test]
fn typed_members_of_new_variants_are_reachable_and_secrets_do_not_print() {
    let mut sent = app(
        "0oa1",
        "amazon_aws",
        json!("BROWSER_PLUGIN"),
        json!({
            "secretKey": "wJalrXUtnFEMI-example-only", "sessionDuration": 7200, "joinAllRoles": true
        }),
        None,
    );
    sent["credentials"]["userName"] = json!("deploy");
    let app = check(&sent, "AmazonAws");
    let Application::AmazonAws(aws) = &app else { unreachable!("checked") };
    let settings = aws.settings.as_ref().and_then(|s| s.app.as_ref()).expect("settings.app");
    assert_eq!((settings.session_duration, settings.join_all_roles), (Some(7200), Some(true)));
    assert!(!format!("{app:?}").contains("wJalrXUtnFEMI"), "the secret key printed");
    let links = app.links().expect("_links");
    assert!(links.upload_logo.as_ref().is_some_and(|l| l.href.as_deref().is_some_and(|h| h.ends_with("/logo"))));
    assert!(links.policies.is_some() && links.profile_enrollment.is_some());
}

#[test]
fn directory_integrations_without_a_sign_on_mode_are_the_directory_variant() {
    let ad = json!({
        "activationEmail": null, "filterGroupsByOU": false, "jitGroupsAcrossDomains": false, "login": null,
        "namingContext": "corp.example.com", "password": null, "scanRate": null, "searchOrgUnit": null
    });
    for (name, mode, settings_app) in [
        ("active_directory", Some(Value::Null), ad),
        ("csv_directory_v2", Some(Value::Null), json!({})),
        ("deelhr", None, json!({})),
        ("custom_identity_source", Some(Value::Null), json!({})),
    ] {
        let mut sent = app("0oa2", name, Value::Null, settings_app, None);
        if mode.is_none() {
            sent.as_object_mut().expect("object").remove("signOnMode");
        }
        sent["features"] = json!(["IMPORT_NEW_USERS", "IMPORT_PROFILE_UPDATES", "PROFILE_MASTERING"]);
        let app = check(&sent, "Directory");
        assert_eq!((app.name(), app.sign_on_mode()), (Some(name), None));
        if name == "active_directory" {
            let Application::Directory(dir) = &app else { unreachable!("checked") };
            let settings = dir.settings.as_ref().and_then(|s| s.app.as_ref()).expect("settings.app");
            assert_eq!(settings.naming_context.as_deref(), Some("corp.example.com"));
        }
    }
}

#[test]
fn template_and_custom_apps_hold_what_real_orgs_add_in_typed_fields() {
    // A SWA app with a custom username template (real orgs send its `suffix`).
    let mut swa = app(
        "0oa3",
        "template_swa",
        json!("BROWSER_PLUGIN"),
        json!({
            "buttonField": "btn-login", "checkbox": "remember-me", "loginUrlRegex": null, "passwordField": "password",
            "redirectUrl": "https://intranet.example.com/landing", "url": "https://intranet.example.com/login",
            "usernameField": "username"
        }),
        None,
    );
    swa["credentials"]["userNameTemplate"] =
        json!({"template": "user.firstName", "type": "CUSTOM", "suffix": "corp", "pushStatus": "DONT_PUSH"});
    check(&swa, "BrowserPlugin");
    let swa3 = app(
        "0oa4",
        "template_swa3field",
        json!("BROWSER_PLUGIN"),
        json!({
            "buttonSelector": "#go", "extraFieldSelector": "#tenant", "extraFieldValue": "acme", "loginUrlRegex": null,
            "passwordSelector": "#pass", "redirectUrl": null, "targetURL": "https://erp.example.com/login",
            "userNameSelector": "#user"
        }),
        None,
    );
    check(&swa3, "BrowserPlugin");
    let basic = app(
        "0oa5",
        "template_basic_auth",
        json!("BASIC_AUTH"),
        json!({
            "authURL": "https://files.example.com/auth", "loginUrlRegex": null, "url": "https://files.example.com/"
        }),
        None,
    );
    check(&basic, "BasicAuth");
    // A custom SAML app: an empty `settings.app`, a signed-request switch, an inline hook with its link.
    let saml = app(
        "0oa6",
        "examplecorp_wiki_1",
        json!("SAML_2_0"),
        json!({}),
        Some(json!({
            "defaultRelayState": "", "ssoAcsUrl": "https://wiki.example.com/saml/acs", "audience": "https://wiki.example.com",
            "recipient": "https://wiki.example.com/saml/acs", "destination": "https://wiki.example.com/saml/acs",
            "subjectNameIdTemplate": "${user.userName}",
            "subjectNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            "responseSigned": true, "assertionSigned": true, "signatureAlgorithm": "RSA_SHA256", "digestAlgorithm": "SHA256",
            "honorForceAuthn": true, "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            "samlSignedRequestEnabled": false,
            "inlineHooks": [{"id": "calh1a2b3c4d5e6f0g7", "_links": {"self": {
                "href": format!("{ORG}/api/v1/inlineHooks/calh1a2b3c4d5e6f0g7"), "hints": {"allow": ["GET", "PUT", "DELETE"]}
            }}}]
        })),
    );
    check(&saml, "Saml");
    let auto = app(
        "0oa7",
        "examplecorp_timesheet_1",
        json!("AUTO_LOGIN"),
        json!({}),
        Some(json!({
            "loginUrl": "https://timesheet.example.com/login", "redirectUrl": null
        })),
    );
    check(&auto, "AutoLogin");
    // An OAuth 2.0 client: an empty `settings.app`, its credentials link, keys sent without `use` or `crv`.
    let mut oidc = app("0oa8", "oidc_client", json!("OPENID_CONNECT"), json!({}), None);
    oidc["settings"]["oauthClient"] = json!({
        "application_type": "service", "grant_types": ["client_credentials"], "redirect_uris": [],
        "response_types": ["token"], "issuer_mode": "DYNAMIC", "wildcard_redirect": "DISABLED",
        "jwks": {"keys": [
            {"kty": "RSA", "id": "pks1a2b3c4d5e6f7g0g7", "status": "ACTIVE", "kid": "k1", "use": null, "e": "AQAB", "n": "xjlCRBqkOA"},
            {"kty": "EC", "id": "pks7g6f5e4d3c2b1a0g7", "status": "ACTIVE", "kid": "k2", "use": null,
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "crv": null},
            {"kty": "RSA", "id": "pks0a1b2c3d4e5f6g0g7", "status": "INACTIVE", "kid": "k3", "use": "sig", "e": "AQAB", "n": "0vx7agoebG"}
        ]}
    });
    oidc["credentials"]["oauthClient"] = json!({"autoKeyRotation": true, "client_id": "0oa8", "pkce_required": false, "token_endpoint_auth_method": "private_key_jwt"});
    oidc["_links"]["clientCredentials"] =
        json!([{"name": "secrets", "href": format!("{ORG}/api/v1/apps/0oa8/credentials/secrets")}]);
    check(&oidc, "OpenIdConnect");
}
