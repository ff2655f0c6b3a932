//! The generated operations without a client: the requests they build and
//! the responses they decode, documented or not.

use okta_apps::models::{Application, BookmarkApplication, BookmarkApplicationSettings};
use okta_apps::operations::{
    ActivateApplication, CreateApplication, CreateApplicationResponse, DeleteApplication, DeleteApplicationResponse,
    GetApplication, GetApplicationResponse, ListApplications,
};
use okta_apps::runtime::{Method, Operation, RawResponse, RequestError};

#[test]
fn each_operation_names_itself() {
    assert_eq!(
        (ListApplications::OPERATION_ID, ListApplications::METHOD, ListApplications::PATH),
        ("listApplications", Method::Get, "/api/v1/apps")
    );
    assert_eq!(
        (GetApplication::OPERATION_ID, GetApplication::METHOD, GetApplication::PATH),
        ("getApplication", Method::Get, "/api/v1/apps/{appId}")
    );
    assert_eq!(ActivateApplication::PATH, "/api/v1/apps/{appId}/lifecycle/activate");
}

#[test]
fn requests_carry_encoded_paths_queries_headers_and_bodies() {
    let get = GetApplication { expand: Some("user/00u1".to_owned()), ..GetApplication::new("0oa/1 x") };
    let request = get.to_request().expect("builds");
    assert_eq!((request.operation, request.method), ("getApplication", Method::Get));
    assert_eq!(request.path, "/api/v1/apps/0oa%2F1%20x");
    assert_eq!(request.query, [("expand", "user/00u1".to_owned())]);
    assert_eq!(request.body, None);

    let app: Application = BookmarkApplication::new("Docs", BookmarkApplicationSettings::default()).into();
    let create = CreateApplication {
        activate: Some(false),
        okta_access_gateway_agent: Some("agent/1".to_owned()),
        ..CreateApplication::new(app)
    };
    let request = create.to_request().expect("builds");
    assert_eq!((request.method, request.path.as_str()), (Method::Post, "/api/v1/apps"));
    assert_eq!(request.query, [("activate", "false".to_owned())]);
    assert_eq!(request.headers, [("OktaAccessGateway-Agent", "agent/1".to_owned())]);
    let body: serde_json::Value = serde_json::from_slice(request.body.as_deref().expect("a body")).expect("json");
    assert_eq!((body["name"].as_str(), body["signOnMode"].as_str()), (Some("bookmark"), Some("BOOKMARK")));
}

#[test]
fn a_request_that_cannot_be_built_is_an_error() {
    let err = DeleteApplication::new("").to_request().expect_err("empty id");
    assert_eq!(err, RequestError::EmptyPathParameter("appId"));
    let header = CreateApplication {
        okta_access_gateway_agent: Some("a\r\nX-Injected: 1".to_owned()),
        ..CreateApplication::new(BookmarkApplication::new("Docs", BookmarkApplicationSettings::default()).into())
    };
    assert!(header.to_request().is_err());
}

#[test]
fn documented_responses_decode_by_status() {
    let app = br#"{"id":"0oa1","name":"bookmark","label":"Wiki","signOnMode":"BOOKMARK"}"#;
    let Ok(GetApplicationResponse::Ok(app)) = GetApplication::decode_response(200, app) else { panic!("an app") };
    assert_eq!(app.label(), Some("Wiki"));

    let error = br#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 0oa1 (AppInstance)"}"#;
    let Ok(GetApplicationResponse::NotFound(error)) = GetApplication::decode_response(404, error) else {
        panic!("an error object")
    };
    assert_eq!(error.error_code.as_deref(), Some("E0000007"));

    assert_eq!(DeleteApplication::decode_response(204, b""), Ok(DeleteApplicationResponse::NoContent));
}

#[test]
fn anything_else_is_kept_raw() {
    // An undocumented status, and an error body that is not Okta's error object.
    for (status, body) in [(418, &b"teapot"[..]), (404, &b"<html>not found</html>"[..])] {
        let response = GetApplication::decode_response(status, body).expect("kept");
        assert_eq!(response, GetApplicationResponse::Other(RawResponse::new(status, body)));
    }
}

#[test]
fn a_success_body_that_does_not_decode_is_an_error_naming_the_path() {
    let body = br#"{"name":"bookmark","label":"a","signOnMode":"BOOKMARK","settings":{"app":{"url":7}}}"#;
    let err = CreateApplication::decode_response(200, body).expect_err("bad url");
    assert_eq!(err.path(), "settings.app.url", "{err}");
    assert!(matches!(CreateApplication::decode_response(503, b""), Ok(CreateApplicationResponse::Other(_))));
}
