//! What the fake org does as real orgs do: the members Okta fills in on
//! create and replace, the bodies it refuses, and the keys and SAML metadata
//! of the apps it made. Payloads are ours, shaped like real ones.

use serde_json::{Value, json};

use super::{FakeOrg, body_json, create, send, send_get, started};

async fn made(http: &reqwest::Client, fake: &FakeOrg, body: Value) -> Value {
    let response = create(http, fake, &body).await;
    assert_eq!(response.status(), 200, "{body}");
    body_json(response).await
}

fn text(value: &Value, pointer: &str) -> String {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no {pointer} in {value}")).to_owned()
}

#[tokio::test]
async fn every_app_gets_what_okta_fills_in() {
    let (fake, http) = started().await;
    let url = fake.url();
    let wiki = made(
        &http,
        &fake,
        json!({ "label": "Wiki", "signOnMode": "BOOKMARK", "settings": { "app": { "url": "https://wiki.example.com" } } }),
    )
    .await;
    let id = text(&wiki, "/id");
    let orn = text(&wiki, "/orn");
    assert!(orn.starts_with("orn:okta:idp:00o") && orn.ends_with(&format!(":apps:bookmark:{id}")), "{orn}");
    assert_eq!(wiki["features"], json!([]));
    assert_eq!(
        wiki["accessibility"],
        json!({ "selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null })
    );
    assert_eq!(
        wiki["visibility"],
        json!({ "autoLaunch": false, "autoSubmitToolbar": false, "hide": { "iOS": false, "web": false }, "appLinks": { "login": true } })
    );
    assert_eq!(
        wiki["credentials"],
        json!({ "userNameTemplate": { "template": "${source.login}", "type": "BUILT_IN" }, "signing": {} })
    );
    let settings = &wiki["settings"];
    assert_eq!(
        settings["notifications"],
        json!({ "vpn": { "network": { "connection": "DISABLED" }, "message": null, "helpUrl": null } })
    );
    assert_eq!((&settings["manualProvisioning"], &settings["implicitAssignment"]), (&json!(false), &json!(false)));
    assert_eq!(
        (&settings["emOptInStatus"], &settings["notes"]),
        (&json!("NONE"), &json!({ "admin": null, "enduser": null }))
    );
    assert!(wiki.get("universalLogout").is_none(), "a template app has no universal logout");
    let intranet = made(
        &http,
        &fake,
        json!({ "label": "Intranet", "signOnMode": "BASIC_AUTH",
            "settings": { "app": { "url": "https://in.example.com", "authURL": "https://in.example.com/auth" } } }),
    )
    .await;
    assert_eq!(intranet.get("universalLogout"), Some(&Value::Null), "orgs send null for a Basic Auth app");
    let links = &wiki["_links"];
    assert_eq!(links["uploadLogo"]["href"], format!("{url}/api/v1/apps/{id}/logo"));
    assert_eq!(links["policies"]["hints"]["allow"], json!(["PUT"]));
    for rel in ["accessPolicy", "profileEnrollment"] {
        assert!(text(links, &format!("/{rel}/href")).starts_with(&format!("{url}/api/v1/policies/rst")), "{rel}");
    }
    assert!(links.get("metadata").is_none() && links.get("clientCredentials").is_none());

    // A password app: its scheme, a write-only password, a custom template's push status.
    let swa = made(
        &http,
        &fake,
        json!({ "label": "Legacy", "name": "template_swa", "signOnMode": "BROWSER_PLUGIN",
            "credentials": { "scheme": "SHARED_USERNAME_AND_PASSWORD", "userName": "shared", "password": { "value": "hunter2" },
                "userNameTemplate": { "template": "user.firstName", "type": "CUSTOM" } },
            "settings": { "app": { "url": "https://legacy.example.com/login" } } }),
    )
    .await;
    assert_eq!(swa["credentials"]["password"], json!({}), "taken, never shown");
    assert!(!swa.to_string().contains("hunter2"));
    assert_eq!(
        (text(&swa, "/credentials/userNameTemplate/pushStatus"), &swa["credentials"]["revealPassword"]),
        ("DONT_PUSH".to_owned(), &json!(false))
    );
    assert_eq!(swa["settings"]["app"]["loginUrlRegex"], Value::Null);
    let plain = made(
        &http,
        &fake,
        json!({ "label": "Plain", "name": "template_swa", "signOnMode": "BROWSER_PLUGIN", "credentials": { "userName": "", "password": {} } }),
    )
    .await;
    assert_eq!(text(&plain, "/credentials/scheme"), "EDIT_USERNAME_AND_PASSWORD");
    assert!(plain["credentials"].get("userName").is_none() && plain["credentials"].get("password").is_none());

    // A catalog app: its name in lower case, password sign-on as BROWSER_PLUGIN.
    let office = made(
        &http,
        &fake,
        json!({ "label": "Mail", "name": "Office365", "signOnMode": "AUTO_LOGIN",
        "settings": { "app": { "domain": "example.com", "msftTenant": "example" } } }),
    )
    .await;
    assert_eq!(
        (text(&office, "/name"), text(&office, "/signOnMode")),
        ("office365".to_owned(), "BROWSER_PLUGIN".to_owned())
    );
    assert_eq!(office["licensing"], json!({ "seatCount": 0 }));
    assert_eq!(text(&office, "/universalLogout/supportType"), "PARTIAL");
    assert_eq!(office["settings"]["app"]["tenantType"], Value::Null);
    fake.shutdown().await;
}

#[tokio::test]
async fn openid_connect_apps_share_the_org_key_and_list_their_first_secret() {
    let (fake, http) = started().await;
    let url = fake.url();
    let body = |label: &str| {
        json!({ "label": label, "signOnMode": "OPENID_CONNECT",
            "credentials": { "oauthClient": { "token_endpoint_auth_method": "client_secret_basic" } },
            "settings": { "oauthClient": { "grant_types": ["authorization_code"], "response_types": ["code"],
                "redirect_uris": ["https://portal.example.com/cb"], "application_type": "web",
                "jwks": { "keys": [{ "kty": "EC", "kid": "k1", "x": "x", "y": "y", "status": "ACTIVE" }] } } } })
    };
    let portal = made(&http, &fake, body("Portal")).await;
    let other = made(&http, &fake, body("Other")).await;
    let id = text(&portal, "/id");
    assert_eq!(text(&portal, "/name"), "oidc_client");
    assert_eq!(text(&portal, "/credentials/oauthClient/client_id"), id);
    let secret = text(&portal, "/credentials/oauthClient/client_secret");
    assert_eq!(secret.len(), 64);
    assert_eq!(text(&portal, "/credentials/signing/kid"), text(&other, "/credentials/signing/kid"), "the org's key");
    assert_eq!(portal["visibility"]["appLinks"], json!({ "oidc_client_link": true }));
    let client_settings = &portal["settings"]["oauthClient"];
    assert_eq!((&client_settings["client_uri"], &client_settings["participate_slo"]), (&Value::Null, &json!(false)));
    assert_eq!(client_settings["idp_initiated_login"], json!({ "mode": "DISABLED", "default_scope": [] }));
    let key = &client_settings["jwks"]["keys"][0];
    assert!(text(key, "/id").starts_with("pks") && key["use"].is_null() && key["crv"].is_null(), "{key}");
    assert_eq!(text(&portal, "/universalLogout/protocol"), "GLOBAL_TOKEN_REVOCATION");
    assert_eq!(
        text(&portal, "/_links/clientCredentials/0/href"),
        format!("{url}/api/v1/apps/{id}/credentials/secrets")
    );

    let secrets = body_json(send_get(&http, &format!("{url}/api/v1/apps/{id}/credentials/secrets")).await).await;
    assert_eq!(secrets.as_array().map(Vec::len), Some(1), "the secret it was created with");
    assert_eq!((text(&secrets, "/0/status"), text(&secrets, "/0/id").starts_with("ocs")), ("ACTIVE".to_owned(), true));
    // A second secret, generated: made as Okta makes secrets, listed as the first one is.
    let second = send(&http, reqwest::Method::POST, &format!("{url}/api/v1/apps/{id}/credentials/secrets"), None).await;
    assert_eq!(second.status(), 201);
    let second = body_json(second).await;
    let value = text(&second, "/client_secret");
    let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    assert!(value.len() == 64 && value.bytes().all(base64url), "{value}");
    let members = |secret: &Value| secret.as_object().map(|s| s.keys().cloned().collect::<Vec<_>>());
    assert_eq!(members(&second), members(&secrets[0]));
    assert_eq!(second["_links"]["deactivate"]["hints"]["allow"], secrets[0]["_links"]["deactivate"]["hints"]["allow"]);

    // Replaced without its credentials, it keeps its client, secret and key; a private-key client has no secret.
    let mut replacement = body("Portal 2");
    replacement["credentials"]["oauthClient"]["client_secret"] = json!("");
    let replaced =
        body_json(send(&http, reqwest::Method::PUT, &format!("{url}/api/v1/apps/{id}"), Some(&replacement)).await)
            .await;
    assert_eq!(text(&replaced, "/label"), "Portal 2");
    assert_eq!(text(&replaced, "/credentials/oauthClient/client_secret"), secret);
    assert_eq!(text(&replaced, "/credentials/signing/kid"), text(&portal, "/credentials/signing/kid"));
    assert_eq!(
        (text(&replaced, "/orn"), text(&replaced, "/created")),
        (text(&portal, "/orn"), text(&portal, "/created"))
    );
    let mut keyed = body("Service");
    keyed["credentials"]["oauthClient"]["token_endpoint_auth_method"] = json!("private_key_jwt");
    let service = made(&http, &fake, keyed).await;
    assert!(service["credentials"]["oauthClient"].get("client_secret").is_none());
    fake.shutdown().await;
}

#[tokio::test]
async fn saml_apps_get_a_generated_name_their_own_key_and_metadata() {
    let (fake, http) = started().await;
    let url = fake.url();
    let sign_on = json!({ "ssoAcsUrl": "https://sp.example.com/acs", "audience": "https://sp.example.com",
        "recipient": "https://sp.example.com/acs", "destination": "https://sp.example.com/acs",
        "subjectNameIdTemplate": "${user.userName}", "subjectNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        "responseSigned": true, "assertionSigned": true, "signatureAlgorithm": "RSA_SHA256", "digestAlgorithm": "SHA256",
        "slo": { "enabled": true, "issuer": "https://sp.example.com", "logoutUrl": "https://sp.example.com/logout" } });
    let saml = made(
        &http,
        &fake,
        json!({ "label": "Travel-Desk 2", "signOnMode": "SAML_2_0", "settings": { "signOn": sign_on } }),
    )
    .await;
    let id = text(&saml, "/id");
    let name = text(&saml, "/name");
    assert_eq!(name, "fakeorg_traveldesk2_1");
    assert_eq!(saml["visibility"]["appLinks"], json!({ format!("{name}_link"): true }));
    let on = &saml["settings"]["signOn"];
    assert_eq!(
        (text(on, "/idpIssuer"), &on["spIssuer"], &on["assertionEncryption"]),
        ("http://www.okta.com/${org.externalKey}".to_owned(), &Value::Null, &json!({ "enabled": false }))
    );
    assert_eq!(
        (&on["inlineHooks"], &on["acsEndpoints"], &on["requestCompressed"]),
        (&json!([]), &json!([]), &json!(false))
    );
    assert_eq!(text(&saml, "/_links/metadata/href"), format!("{url}/api/v1/apps/{id}/sso/saml/metadata"));
    assert!(text(&saml, "/_links/help/href").ends_with("/setup/help/SAML_2_0/instructions"));

    let kid = text(&saml, "/credentials/signing/kid");
    assert_eq!(kid.len(), 43);
    let keys = body_json(send_get(&http, &format!("{url}/api/v1/apps/{id}/credentials/keys")).await).await;
    assert_eq!((keys.as_array().map(Vec::len), text(&keys, "/0/kid")), (Some(1), kid.clone()), "its own key, no other");
    let metadata = send_get(&http, &format!("{url}/api/v1/apps/{id}/sso/saml/metadata?kid={kid}")).await;
    assert_eq!(metadata.status(), 200);
    assert_eq!(metadata.headers()["content-type"], "application/xml", "as orgs send it");
    let xml = metadata.text().await.expect("body");
    assert!(xml.contains(&format!("<ds:X509Certificate>{}</ds:X509Certificate>", text(&keys, "/0/x5c/0"))), "{xml}");
    assert!(xml.contains("<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"));
    assert_eq!(xml.matches("<md:SingleSignOnService ").count(), 2, "POST and Redirect");
    assert_eq!(xml.matches("<md:SingleLogoutService ").count(), 2, "single logout is on");
    assert!(xml.contains("WantAuthnRequestsSigned=\"false\""));
    let unknown = send_get(&http, &format!("{url}/api/v1/apps/{id}/sso/saml/metadata?kid=nope")).await;
    assert_eq!(unknown.status(), 404);

    // A catalog SAML 1.1 app signs with the org's key and lists it; its metadata names two formats.
    let sharepoint = made(
        &http,
        &fake,
        json!({ "label": "Intranet", "name": "sharepoint_onpremise", "signOnMode": "SAML_1_1",
        "settings": { "app": { "siteURL": "https://intranet.example.com" } } }),
    )
    .await;
    let sp_id = text(&sharepoint, "/id");
    let sp_kid = text(&sharepoint, "/credentials/signing/kid");
    let sp_keys = body_json(send_get(&http, &format!("{url}/api/v1/apps/{sp_id}/credentials/keys")).await).await;
    assert_eq!(text(&sp_keys, "/0/kid"), sp_kid);
    let sp_xml = send_get(&http, &format!("{url}/api/v1/apps/{sp_id}/sso/saml/metadata?kid={sp_kid}"))
        .await
        .text()
        .await
        .expect("xml");
    assert_eq!(sp_xml.matches("<md:NameIDFormat>").count(), 2, "{sp_xml}");
    assert!(!sp_xml.contains("SingleLogoutService"));
    let bookmark = made(
        &http,
        &fake,
        json!({ "label": "Wiki", "signOnMode": "BOOKMARK", "settings": { "app": { "url": "https://w.example.com" } } }),
    )
    .await;
    let none = send_get(&http, &format!("{url}/api/v1/apps/{}/sso/saml/metadata?kid=x", text(&bookmark, "/id"))).await;
    assert_eq!(none.status(), 404, "no metadata for an app that does not sign on with SAML");

    // An app of the SAML 2.0 template is no custom app, though its name ends in `_<digit>`.
    let template = made(
        &http,
        &fake,
        json!({ "label": "Legacy SSO", "name": "template_saml_2_0", "signOnMode": "SAML_2_0",
            "settings": { "signOn": { "ssoAcsUrl": "https://legacy.example.com/acs" } } }),
    )
    .await;
    assert_eq!(template["visibility"]["appLinks"], json!({ "login": true }));
    assert!(template.get("universalLogout").is_none(), "a template app has no universal logout");
    let next = made(&http, &fake, json!({ "label": "Travel", "signOnMode": "SAML_2_0" })).await;
    assert_eq!(text(&next, "/name"), "fakeorg_travel_2", "the template app was not counted as a custom one");
    fake.shutdown().await;
}

#[tokio::test]
async fn bodies_a_real_org_refuses() {
    let (fake, http) = started().await;
    let url = fake.url();
    let refused = |body: Value| {
        let http = http.clone();
        let fake = &fake;
        async move {
            let response = create(&http, fake, &body).await;
            assert_eq!(response.status(), 400, "{body}");
            body_json(response).await
        }
    };
    let zoom = refused(json!({ "label": "Zoom", "name": "zoomus", "signOnMode": "BROWSER_PLUGIN" })).await;
    assert_eq!(
        (text(&zoom, "/errorCode"), text(&zoom, "/errorSummary")),
        ("E0000001".to_owned(), "Api validation failed: signOnMode".to_owned())
    );
    assert!(text(&zoom, "/errorCauses/0/errorSummary").contains("SAML_2_0"));
    let unknown = refused(json!({ "label": "Radius", "signOnMode": "RADIUS_FOR_CISCO_ASA" })).await;
    assert_eq!(text(&unknown, "/errorCode"), "E0000001");
    let office = refused(json!({ "label": "Mail", "name": "office365", "signOnMode": "SAML_1_1",
        "settings": { "app": { "domain": "example.com", "msftTenant": "example", "wsFedConfigureType": "AUTO", "requireAdminConsent": false } } })).await;
    assert_eq!(text(&office, "/errorSummary"), "Api validation failed: settings");
    assert!(text(&office, "/errorCauses/0/errorSummary").contains("admin consent"));

    // A custom auto-login app's sign-on settings change only while it is active.
    let sign_on = |login: &str| json!({ "loginUrl": login, "redirectUrl": "https://crm.example.com" });
    let body =
        |login: &str| json!({ "label": "CRM", "signOnMode": "AUTO_LOGIN", "settings": { "signOn": sign_on(login) } });
    let crm = made(&http, &fake, body("https://crm.example.com/login")).await;
    let app_url = format!("{url}/api/v1/apps/{}", text(&crm, "/id"));
    assert!(text(&crm, "/name").starts_with("fakeorg_crm_"));
    assert_eq!(
        send(&http, reqwest::Method::POST, &format!("{app_url}/lifecycle/deactivate"), None).await.status(),
        200
    );
    let renamed = send(&http, reqwest::Method::PUT, &app_url, Some(&json!({ "label": "CRM 2", "signOnMode": "AUTO_LOGIN", "settings": { "signOn": sign_on("https://crm.example.com/login") } }))).await;
    assert_eq!(renamed.status(), 200, "the label may change");
    let moved = send(&http, reqwest::Method::PUT, &app_url, Some(&body("https://crm.example.com/signin"))).await;
    assert_eq!(moved.status(), 400);
    let error = body_json(moved).await;
    assert_eq!(
        (text(&error, "/errorCode"), error["errorCauses"].as_array().map(Vec::len)),
        ("E0000024".to_owned(), Some(1))
    );
    assert_eq!(send(&http, reqwest::Method::POST, &format!("{app_url}/lifecycle/activate"), None).await.status(), 200);
    assert_eq!(
        send(&http, reqwest::Method::PUT, &app_url, Some(&body("https://crm.example.com/signin"))).await.status(),
        200,
        "active again"
    );
    fake.shutdown().await;
}
