//! The org's users and groups: listed and paged, and groups created, read
//! and deleted as Okta does it.

use serde_json::json;

use super::{body_json, bookmark, create, links, send, send_get, send_raw, started};

#[tokio::test]
async fn users_and_groups_are_listed_and_paged() {
    let (fake, http) = started().await;
    let url = fake.url();
    let group_ids: Vec<String> = ["Engineering", "Finance", "Support"]
        .iter()
        .map(|n| fake.insert_group(json!({ "profile": { "name": n } })))
        .collect();
    let user = fake.insert_user(json!({ "id": "00ukept", "profile": { "login": "ada@example.com" } }));
    assert_eq!(user, "00ukept");

    let first = send_get(&http, &format!("{url}/api/v1/groups?limit=2")).await;
    assert_eq!(first.status(), 200);
    let next = links(&first).into_iter().find(|l| l.contains("rel=\"next\"")).expect("a next link");
    let page = body_json(first).await;
    assert_eq!(page.as_array().map(Vec::len), Some(2));
    assert!(group_ids[0].starts_with("00g") && page[0]["id"] == group_ids[0].as_str(), "{page}");
    assert_eq!(
        (page[0]["type"].as_str(), page[0]["profile"]["name"].as_str()),
        (Some("OKTA_GROUP"), Some("Engineering"))
    );
    // A group inserted, not created, is shown as Okta shows every group.
    assert_eq!(page[0]["objectClass"], json!(["okta:user_group"]));
    assert!(page[0]["lastMembershipUpdated"].is_string(), "{page}");
    assert_eq!(page[0]["_links"]["users"]["href"], format!("{url}/api/v1/groups/{}/users", group_ids[0]));
    let target = next.split(['<', '>']).nth(1).expect("target").to_owned();
    let second = send_get(&http, &target).await;
    assert!(links(&second).iter().all(|l| !l.contains("rel=\"next\"")), "the last page links no further");
    assert_eq!(body_json(second).await[0]["id"], group_ids[2].as_str());

    let users = body_json(send_get(&http, &format!("{url}/api/v1/users")).await).await;
    assert_eq!((users[0]["id"].as_str(), users[0]["status"].as_str()), (Some("00ukept"), Some("ACTIVE")));
    assert_eq!(users[0]["profile"]["login"], "ada@example.com");
    let refused = send_get(&http, &format!("{url}/api/v1/users?limit=x")).await;
    assert_eq!(refused.status(), 400);

    // So is a group of a state file.
    let state = json!({ "format": 1, "base_url": url, "apps": [], "groups": [{ "id": "00gfromfile", "profile": { "name": "Ops" } }] });
    fake.load_state(&state.to_string()).expect("load");
    let loaded = body_json(send_get(&http, &format!("{url}/api/v1/groups/00gfromfile")).await).await;
    assert_eq!((&loaded["type"], &loaded["objectClass"]), (&json!("OKTA_GROUP"), &json!(["okta:user_group"])));
    assert_eq!(loaded["_links"]["apps"]["href"], format!("{url}/api/v1/groups/00gfromfile/apps"));
    fake.shutdown().await;
}

#[tokio::test]
async fn groups_are_created_read_and_deleted_with_their_assignments() {
    let (fake, http) = started().await;
    let url = fake.url();
    let groups = format!("{url}/api/v1/groups");
    let made = send(
        &http,
        reqwest::Method::POST,
        &groups,
        Some(&json!({ "profile": { "name": "Staff", "description": "Everyone" } })),
    )
    .await;
    assert_eq!(made.status(), 200, "Okta answers 200 to a new group");
    let group = body_json(made).await;
    let id = group["id"].as_str().expect("an id").to_owned();
    assert!(id.starts_with("00g") && id.len() == 20, "{id}");
    assert_eq!(
        (group["type"].as_str(), group["objectClass"][0].as_str()),
        (Some("OKTA_GROUP"), Some("okta:user_group"))
    );
    assert_eq!(group["profile"], json!({ "name": "Staff", "description": "Everyone" }));
    for member in ["created", "lastUpdated", "lastMembershipUpdated"] {
        assert!(group[member].is_string(), "{member}: {group}");
    }
    assert_eq!(group["_links"]["users"]["href"], format!("{url}/api/v1/groups/{id}/users"));

    let again = send(&http, reqwest::Method::POST, &groups, Some(&json!({ "profile": { "name": "Staff" } }))).await;
    assert_eq!(again.status(), 400);
    assert_eq!(body_json(again).await["errorCode"], "E0000001");
    let blank =
        body_json(send(&http, reqwest::Method::POST, &groups, Some(&json!({ "profile": { "name": " " } }))).await)
            .await;
    assert_eq!(blank["errorCauses"][0]["errorSummary"], "name: The field cannot be left blank");
    let garbled =
        send_raw(&http, reqwest::Method::POST, &groups, Some(("application/json", b"{not json".to_vec()))).await;
    assert_eq!((garbled.status().as_u16(), body_json(garbled).await["errorCode"].clone()), (400, json!("E0000003")));

    let read = send_get(&http, &format!("{url}/api/v1/groups/{id}")).await;
    assert_eq!(read.status(), 200);
    assert_eq!(body_json(read).await, group, "read back as created");

    let app = body_json(create(&http, &fake, &bookmark("Wiki")).await).await["id"].as_str().expect("id").to_owned();
    let assigned =
        send(&http, reqwest::Method::PUT, &format!("{url}/api/v1/apps/{app}/groups/{id}"), Some(&json!({}))).await;
    assert_eq!(assigned.status(), 200);
    let deleted = send(&http, reqwest::Method::DELETE, &format!("{url}/api/v1/groups/{id}"), None).await;
    assert_eq!(deleted.status(), 204);
    let gone = send_get(&http, &format!("{url}/api/v1/groups/{id}")).await;
    assert_eq!(gone.status(), 404);
    assert_eq!(body_json(gone).await["errorCode"], "E0000007");
    let assignments = body_json(send_get(&http, &format!("{url}/api/v1/apps/{app}/groups")).await).await;
    assert_eq!(assignments, json!([]), "a deleted group is no longer assigned");
    fake.shutdown().await;
}
