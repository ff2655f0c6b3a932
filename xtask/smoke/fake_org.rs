//! Copied by `.ci/run` into the crate generated from Okta's whole management
//! spec (`okta-management`): its own `Client`, built by the runtime's builder,
//! lists apps, groups and users from the fake org, each as that crate's own
//! types, through its inherent endpoint functions.

use futures_util::TryStreamExt;
use okta_fake::FakeOrg;
use okta_management::Client;
use serde_json::json;

/// The type of `items`' elements, by name.
fn item_type<T>(_: &[T]) -> &'static str {
    std::any::type_name::<T>()
}

#[tokio::test]
async fn the_crates_own_client_lists_apps_groups_and_users() {
    let fake = FakeOrg::start().await.expect("fake org");
    let app = fake.insert(json!({
        "name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK",
        "settings": { "app": { "url": "https://wiki.example.com", "requestIntegration": false } }
    }));
    let groups: Vec<String> =
        ["Engineering", "Finance", "Support"].iter().map(|name| fake.insert_group(json!({ "profile": { "name": name } }))).collect();
    let user = fake.insert_user(json!({
        "profile": { "login": "ada@example.com", "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace" }
    }));
    let client = Client::builder(fake.url()).api_token(fake.api_token()).build().expect("client");

    let apps: Vec<_> = client.list_applications().stream().try_collect().await.expect("apps");
    assert_eq!(item_type(&apps), "okta_management::models::Application");
    let json = serde_json::to_value(&apps).expect("encodes");
    assert_eq!(json[0]["id"], app.as_str());
    assert_eq!(json[0]["settings"]["app"]["url"], "https://wiki.example.com");

    // Two to a page: the second page comes through the `Link` header.
    let listed: Vec<_> = client.list_groups().limit(2).stream().try_collect().await.expect("groups");
    assert!(item_type(&listed).starts_with("okta_management::models::"), "{}", item_type(&listed));
    let json = serde_json::to_value(&listed).expect("encodes");
    let ids: Vec<&str> = json.as_array().expect("array").iter().filter_map(|g| g["id"].as_str()).collect();
    assert_eq!(ids, groups.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(json[0]["profile"]["name"], "Engineering");

    let users: Vec<_> = client.list_users().stream().try_collect().await.expect("users");
    assert!(item_type(&users).starts_with("okta_management::models::"), "{}", item_type(&users));
    let json = serde_json::to_value(&users).expect("encodes");
    assert_eq!((json[0]["id"].as_str(), json[0]["profile"]["login"].as_str()), (Some(user.as_str()), Some("ada@example.com")));
    fake.shutdown().await;
}
