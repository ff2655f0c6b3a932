//! What hangs off an app, as real orgs answer it: the provisioning
//! connection, the features, a logo sent as a generic file, app users and
//! group assignments, and listing apps by what they are assigned to.

use serde_json::{Value, json};

use super::{body_json, send, send_get, send_raw, started};

#[tokio::test]
async fn the_provisioning_connection_is_set_activated_and_keeps_its_token() {
    let (fake, http) = started().await;
    let id = fake.insert(json!({ "name": "okta_org2org", "label": "Partner org", "signOnMode": "SAML_2_0" }));
    let url = format!("{}/api/v1/apps/{id}/connections/default", fake.url());
    let unset = body_json(send_get(&http, &url).await).await;
    assert_eq!((&unset["status"], &unset["authScheme"]), (&json!("UNKNOWN"), &json!("UNKNOWN")));
    assert!(unset["_links"].get("activate").is_none());

    let token = json!({ "baseUrl": "https://partner.example.com", "profile": { "authScheme": "TOKEN", "token": "sekrit-token" } });
    let set = send(&http, reqwest::Method::POST, &url, Some(&token)).await;
    assert_eq!(set.status(), 200);
    let set = body_json(set).await;
    assert_eq!(set["status"], "DISABLED");
    assert_eq!(set["profile"], json!({ "authScheme": "TOKEN" }), "the token is never shown");
    assert_eq!(set["baseUrl"], "https://partner.example.com");
    assert_eq!(set["_links"]["activate"]["href"], format!("{url}/lifecycle/activate"));
    assert!(!fake.save_state().expect("state").contains("sekrit-token"), "nor kept");

    let activated = send(&http, reqwest::Method::POST, &format!("{url}/lifecycle/activate"), None).await;
    assert_eq!(activated.status(), 204);
    let enabled = body_json(send_get(&http, &url).await).await;
    assert_eq!(enabled["status"], "ENABLED");
    assert!(enabled["_links"]["deactivate"]["href"].is_string());
    assert_eq!(send_get(&http, &format!("{url}/jwks")).await.status(), 404, "a token connection has no key set");
    let deactivated = send(&http, reqwest::Method::POST, &format!("{url}/lifecycle/deactivate"), None).await;
    assert_eq!(deactivated.status(), 204);
    assert_eq!(body_json(send_get(&http, &url).await).await["status"], "DISABLED");

    let blank = json!({ "profile": { "authScheme": "TOKEN" } });
    assert_eq!(send(&http, reqwest::Method::POST, &url, Some(&blank)).await.status(), 400);
    let oauth = json!({ "profile": { "authScheme": "OAUTH2", "clientId": "0oapartner" } });
    let with_consent = send(&http, reqwest::Method::POST, &format!("{url}?activate=true"), Some(&oauth)).await;
    assert_eq!(body_json(with_consent).await["status"], "ENABLED");
    let jwks = body_json(send_get(&http, &format!("{url}/jwks")).await).await;
    assert_eq!(jwks["jwks"]["keys"][0]["kty"], "RSA");
    let callback = format!("{}/api/v1/apps/okta_org2org/{id}/oauth2/callback?code=abc&state=xyz", fake.url());
    assert_eq!(send(&http, reqwest::Method::POST, &callback, None).await.status(), 204);
    let wrong_app = format!("{}/api/v1/apps/slack/{id}/oauth2/callback?code=abc", fake.url());
    assert_eq!(send(&http, reqwest::Method::POST, &wrong_app, None).await.status(), 404);
    let no_connection = fake.insert(json!({ "label": "Wiki", "signOnMode": "BOOKMARK" }));
    let lonely = format!("{}/api/v1/apps/{no_connection}/connections/default/lifecycle/activate", fake.url());
    assert_eq!(send(&http, reqwest::Method::POST, &lonely, None).await.status(), 400);
    fake.shutdown().await;
}

#[tokio::test]
async fn features_logos_users_and_assignments() {
    let (fake, http) = started().await;
    let base = fake.url();
    let id = fake.insert(json!({ "name": "oidc_client", "label": "Portal", "signOnMode": "OPENID_CONNECT" }));
    let app = format!("{base}/api/v1/apps/{id}");

    let inbound = body_json(send_get(&http, &format!("{app}/features/INBOUND_PROVISIONING")).await).await;
    assert_eq!(inbound["status"], "DISABLED");
    assert_eq!(inbound["capabilities"]["importRules"]["userCreateAndMatch"]["exactMatchCriteria"], "USERNAME");
    let names: Vec<Value> = body_json(send_get(&http, &format!("{app}/features")).await)
        .await
        .as_array()
        .map(|f| f.iter().map(|f| f["name"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec![json!("USER_PROVISIONING"), json!("INBOUND_PROVISIONING")]);

    // A logo sent as a generic file: its name says it is a PNG.
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    let logo = |file_name: &str, body: &[u8]| {
        let mut multipart = format!(
            "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        multipart.extend_from_slice(body);
        multipart.extend_from_slice(b"\r\n--b0undary--\r\n");
        Some(("multipart/form-data; boundary=b0undary", multipart))
    };
    let upload = format!("{app}/logo");
    assert_eq!(send_raw(&http, reqwest::Method::POST, &upload, logo("icons/logo.png", &png)).await.status(), 201);
    assert_eq!(fake.logo(&id), Some(("image/png".to_owned(), png)));
    let text = send_raw(&http, reqwest::Method::POST, &upload, logo("notes.txt", b"hello")).await;
    assert_eq!(text.status(), 400, "not an image");

    // An OpenID Connect app's user gets the standard claims, from the Okta user where it has them.
    fake.insert_user(json!({ "id": "00uada", "profile": { "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com" } }));
    let assigned = send(&http, reqwest::Method::POST, &format!("{app}/users"), Some(&json!({ "id": "00uada" }))).await;
    assert_eq!(assigned.status(), 200);
    let user = body_json(assigned).await;
    assert_eq!(user["status"], "ACTIVE");
    assert_eq!(
        (&user["profile"]["name"], &user["profile"]["email"], &user["profile"]["zoneinfo"]),
        (&json!("Ada Lovelace"), &json!("ada@example.com"), &Value::Null)
    );

    let group = fake.insert_group(json!({ "profile": { "name": "Staff" } }));
    let assignment = send(&http, reqwest::Method::PUT, &format!("{app}/groups/{group}"), Some(&json!({}))).await;
    assert_eq!(body_json(assignment).await["_links"]["self"]["href"], format!("{app}/groups/{group}"));
    // The group embedded on request, as the org shows it; an assignment of a group the org lacks embeds none.
    send(&http, reqwest::Method::PUT, &format!("{app}/groups/00gnotinorg"), Some(&json!({}))).await;
    let expanded = body_json(send_get(&http, &format!("{app}/groups?expand=group")).await).await;
    assert_eq!(expanded[0]["_embedded"]["group"]["profile"]["name"], "Staff");
    assert_eq!(
        expanded[0]["_embedded"]["group"]["_links"]["apps"]["href"],
        format!("{base}/api/v1/groups/{group}/apps")
    );
    assert_eq!((expanded[1]["id"].as_str(), expanded[1].get("_embedded")), (Some("00gnotinorg"), None));
    let plain = body_json(send_get(&http, &format!("{app}/groups")).await).await;
    assert!(plain[0].get("_embedded").is_none(), "{plain}");

    // Apps by who is assigned to them, and the user's assignment embedded on request.
    let other = fake.insert(json!({ "name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK" }));
    let list = |query: &str| {
        let url = format!("{base}/api/v1/apps?{query}");
        let http = http.clone();
        async move { body_json(send_get(&http, &url).await).await }
    };
    let ids = |apps: &Value| {
        apps.as_array().map(|a| a.iter().map(|app| app["id"].clone()).collect::<Vec<_>>()).unwrap_or_default()
    };
    let by_user = list("filter=user.id+eq+%2200uada%22&expand=user%2F00uada").await;
    assert_eq!(ids(&by_user), vec![json!(id)]);
    assert_eq!(by_user[0]["_embedded"]["user"]["id"], "00uada");
    assert_eq!(ids(&list(&format!("filter=group.id+eq+%22{group}%22")).await), vec![json!(id)]);
    assert_eq!(ids(&list(&format!("filter=id+eq+%22{other}%22+and+status+eq+%22ACTIVE%22")).await), vec![json!(other)]);
    let refused = send_get(&http, &format!("{base}/api/v1/apps?filter=label+eq+%22Wiki%22")).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(body_json(refused).await["errorCode"], "E0000031");
    fake.shutdown().await;
}
