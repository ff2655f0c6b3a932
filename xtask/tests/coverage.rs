//! `cargo xtask coverage` end to end: recorded interactions in, through the
//! okta-apps `coverage` example (built and run as the command runs it), the
//! figures out.

use std::path::Path;

use serde_json::json;
use xtask::coverage::{Targets, report};
use xtask::recordings;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root")
}

/// One recorded interaction, as a line of the recordings format.
fn line(id: u64, method: &str, path: &str, request: &serde_json::Value, status: u16, body: &str) -> String {
    let request = if request.is_null() { String::new() } else { request.to_string() };
    json!({
        "cassette": "apps", "id": id, "method": method, "path": path, "query": "",
        "request_body": request, "status": status, "content_type": "application/json", "body": body
    })
    .to_string()
}

#[test]
fn recorded_apps_are_measured_through_the_crates_own_decoding() {
    let bookmark = json!({"id": "0oa1", "name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK",
        "settings": {"app": {"url": "https://wiki.example.com", "requestIntegration": false}, "manualProvisioning": false}});
    // A member no spec declares, at two depths, and a kind of app the spec does not know.
    let odd = json!({"id": "0oa2", "name": "examplecorp_vpn_1", "label": "VPN", "signOnMode": "RADIUS_FOR_CISCO_ASA",
        "settings": {"app": {"port": 1812}}, "futureFlag": true});
    let directory = json!({"id": "0oa3", "name": "active_directory", "label": "corp.example.com", "signOnMode": null,
        "settings": {"app": {"namingContext": "corp.example.com", "scanRate": null}}});
    let list = json!([bookmark, odd]).to_string();
    let lines = [
        line(0, "GET", "/api/v1/apps", &serde_json::Value::Null, 200, &list),
        line(1, "GET", "/api/v1/apps/0oa3", &serde_json::Value::Null, 200, &directory.to_string()),
        line(2, "PUT", "/api/v1/apps/0oa1", &bookmark, 200, &bookmark.to_string()),
        line(3, "POST", "/api/v1/apps/0oa1/lifecycle/deactivate", &serde_json::Value::Null, 200, "{}"),
    ];
    let interactions = recordings::parse(lines.join("\n").as_bytes()).expect("recordings");

    let report = report(root(), &interactions).expect("measured");
    assert_eq!((report.answers, report.requests), (4, 1));
    assert_eq!(report.known, 3, "the RADIUS app is Unknown; the directory one is not");
    assert!(report.round_trip_failures.is_empty(), "{:?}", report.round_trip_failures);
    // The bookmark (twice) has 9 members and the directory 8, all typed; of
    // the RADIUS app's 8, only id, name, label and signOnMode are.
    assert_eq!((report.members, report.typed), (9 + 8 + 8 + 9, 9 + 4 + 8 + 9));
    let text = report.render(10);
    assert!(text.contains("futureFlag  boolean"), "{text}");
    assert!(text.contains("settings  object"), "{text}");
    assert!(text.contains("unknown:    1  name \"examplecorp_vpn_1\", signOnMode \"RADIUS_FOR_CISCO_ASA\""), "{text}");
    assert!(text.contains("round trip: 5 of 5 payloads"), "{text}");
    assert_eq!(report.shortfalls(Targets { min_typed: Some(90.0), min_known: None }).len(), 1, "{text}");
    assert!(report.shortfalls(Targets { min_typed: Some(50.0), min_known: Some(75.0) }).is_empty(), "{text}");
}
