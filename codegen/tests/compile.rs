//! Every fixture's generated code compiles, warnings denied: the checked-in
//! outputs under `expected/` are kept current by `cargo xtask codegen` (and
//! checked by its `--check` and the freshness test).
#![deny(warnings)]
// The fixtures are libraries of types no test uses all of.
#![allow(dead_code)]

#[path = "expected/mod.rs"]
#[rustfmt::skip]
mod expected;

#[test]
fn generated_fixtures_compile() {
    use expected::discriminator_mapping::models::{Cat, Pet};
    // Building and decoding through the generated code, not only compiling it.
    let pet: Pet = okta_runtime::from_str(r#"{"kind":"kitten","lives":9}"#).expect("decodes");
    assert!(matches!(pet, Pet::Cat(cat) if matches!(*cat, Cat { lives: Some(9), .. })));

    // An inline enum written again in a child is the parent's type, so the
    // union reaches it in every variant.
    use expected::discriminator_implicit::models::{CircleStatus, Shape};
    let mut shape: Shape = okta_runtime::from_str(r#"{"shapeType":"Square","status":"ACTIVE"}"#).expect("decodes");
    assert_eq!(shape.status(), Some(&CircleStatus::Active));
    *shape.status_mut() = Some(CircleStatus::Inactive);
    assert_eq!(serde_json::to_string(&shape).expect("encodes"), r#"{"shapeType":"Square","status":"INACTIVE"}"#);
}

#[test]
fn unions_without_a_discriminator_pick_by_what_the_object_has() {
    use expected::untagged::models::{EcKey, Factor, JsonWebKey, Key, Scalar};

    // A property each variant fixes: decoded like a discriminator, with Unknown.
    let enc: JsonWebKey = okta_runtime::from_str(r#"{"use":"enc","kty":"RSA"}"#).expect("decodes");
    assert_eq!(enc.variant_name(), "EncryptionKey");
    let other: JsonWebKey = okta_runtime::from_str(r#"{"use":"wrap","k":1}"#).expect("decodes");
    assert_eq!(other.variant_name(), "Unknown");
    assert_eq!(serde_json::to_string(&other).expect("encodes"), r#"{"use":"wrap","k":1}"#);

    // A property only one variant declares: its presence picks the variant,
    // even where trying in order would stop at the first.
    let ec: Key = okta_runtime::from_str(r#"{"x":"1","y":"2"}"#).expect("decodes");
    assert!(matches!(&ec, Key::EcKey(key) if matches!(**key, EcKey { x: Some(_), y: Some(_), .. })), "{ec:?}");
    let answer: Factor = okta_runtime::from_str(r#"{"answer":"blue","hint":"sky"}"#).expect("decodes");
    assert!(matches!(answer, Factor::Variant1(_)), "{answer:?}");
    let neither: Factor = okta_runtime::from_str(r#"{"other":true}"#).expect("decodes");
    assert!(matches!(neither, Factor::Variant0(_)), "{neither:?}");
    assert_eq!(serde_json::to_string(&neither).expect("encodes"), r#"{"other":true}"#);
    // A wrong type inside the chosen variant names its path.
    let err = okta_runtime::from_str::<Factor>(r#"{"answer":7}"#).expect_err("wrong type");
    assert_eq!(err.path(), "answer", "{err}");

    // A variant that is a union itself: its own fixed `use` picks it, then
    // its discriminator picks its kind.
    use expected::untagged::models::{AddKeyBody, SigningKeys};
    let signing: AddKeyBody = okta_runtime::from_str(r#"{"use":"sig","kty":"EC","x":"1"}"#).expect("decodes");
    assert!(
        matches!(&signing, AddKeyBody::SigningKeys(keys) if matches!(**keys, SigningKeys::EcSigningKey(_))),
        "{signing:?}"
    );
    let encryption: AddKeyBody = okta_runtime::from_str(r#"{"use":"enc","kty":"RSA"}"#).expect("decodes");
    assert_eq!(encryption.variant_name(), "EncryptionKey");

    // A variant merged into another union's type: the rest are numbered on, without gaps.
    use expected::untagged::models::{Verify, VerifyVariant0};
    let verify: Verify = okta_runtime::from_str(r#"{"signature":"s"}"#).expect("decodes");
    assert!(matches!(&verify, Verify::Variant1(v) if matches!(**v, VerifyVariant0 { .. })), "{verify:?}");

    // Values of different JSON types are still tried in order.
    let scalar: Scalar = okta_runtime::from_str("5").expect("decodes");
    assert!(matches!(scalar, Scalar::Integer(5)), "{scalar:?}");
}

/// Decodes `text` as `T`, checks it re-encodes to the same JSON value, and
/// gives the value.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> T {
    let value: T = okta_runtime::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let again = serde_json::to_value(&value).expect("encodes");
    assert_eq!(again, serde_json::from_str::<serde_json::Value>(text).expect("json"), "{text}");
    value
}

#[test]
fn a_member_defined_by_its_discriminators_absence_takes_objects_without_one() {
    use expected::defined_as::models::{App, DirectoryApp};

    // Absent or null: the member marked `x-okta-defined-as: {mode: null}`,
    // even where a known name would pick another; the null goes back as sent.
    for text in [
        r#"{"label":"Corp","directory":"corp.example.com"}"#,
        r#"{"label":"Corp","mode":null,"directory":"corp.example.com"}"#,
        r#"{"name":"acme","mode":null,"label":"Corp"}"#,
    ] {
        let app: App = round_trip(text);
        assert_eq!(app.variant_name(), "Directory", "{text}");
    }
    let app: App = round_trip(r#"{"mode":null,"directory":"d","label":"L"}"#);
    assert!(matches!(&app, App::Directory(d) if d.directory.as_deref() == Some("d")), "{app:?}");
    // A mode this crate does not know is still unknown.
    assert_eq!(round_trip::<App>(r#"{"label":"X","mode":"LATER"}"#).variant_name(), "Unknown");
    // Known modes and names still pick as before.
    assert_eq!(round_trip::<App>(r#"{"name":"acme","mode":"LINK","tenant":"t"}"#).variant_name(), "Acme");
    assert_eq!(round_trip::<App>(r#"{"mode":"SAML"}"#).variant_name(), "Saml");
    // Its constructor sets no mode: the member is defined by having none.
    let built: App = DirectoryApp::new("Corp").into();
    assert_eq!(serde_json::to_string(&built).expect("encodes"), r#"{"label":"Corp"}"#);
}

#[test]
fn a_null_anywhere_in_a_generated_object_is_read_and_given_back() {
    use expected::additional_properties::models::{Closed, Holder, Open, TypedExtra};
    use expected::discriminator_mapping::models::{Cat, Pet};
    use expected::nullable_optional::models::Thing;

    // Keeping, typed and closed structs alike; required, nested and secret fields too.
    let open: Open = round_trip(r#"{"a":null,"b":null}"#);
    assert_eq!(open.a, None);
    let closed: Closed = round_trip(r#"{"a":null}"#);
    assert_eq!(closed.a, None);
    let typed: TypedExtra = round_trip(r#"{"a":null,"n":1,"m":null}"#);
    assert_eq!((typed.a, typed.additional_properties.len()), (None, 1));
    let holder: Holder = round_trip(r#"{"flags":null,"nested":{"k":{"x":null}},"anything":null}"#);
    assert!(holder.flags.is_none() && holder.anything.is_none());
    // Members of typed maps too: absent from the map, written back.
    let holder: Holder = round_trip(r#"{"flags":{"on":true,"off":null},"nested":{"k":null}}"#);
    assert_eq!(holder.flags.as_ref().map(|f| f.len()), Some(1));
    let thing: Thing =
        round_trip(r#"{"id":null,"name":null,"count":null,"note":null,"plain":{"value":null},"secret":null}"#);
    assert_eq!(thing.note, Some(okta_runtime::Nullable::Null), "nullable fields keep their own null");
    assert!(thing.plain.is_some_and(|c| c.value.is_none()));

    // Union members too; a null discriminator is the unknown variant, whole.
    let pet: Pet = round_trip(r#"{"kind":"kitten","name":null,"lives":null}"#);
    assert!(matches!(&pet, Pet::Cat(cat) if matches!(**cat, Cat { lives: None, .. })), "{pet:?}");
    let pet: Pet = round_trip(r#"{"kind":null,"name":null,"lives":3}"#);
    assert_eq!(pet.variant_name(), "Unknown");

    // What the caller sets is written instead of the null.
    let mut open: Open = okta_runtime::from_str(r#"{"a":null}"#).expect("decodes");
    open.a = Some("set".to_owned());
    assert_eq!(serde_json::to_string(&open).expect("encodes"), r#"{"a":"set"}"#);

    // A null item of a typed array, or a wrong type, stays a located error.
    let err = okta_runtime::from_str::<Holder>(r#"{"flags":{"on":"yes"}}"#).expect_err("wrong type in a typed map");
    assert_eq!(err.path(), "flags.on", "{err}");
    let err = okta_runtime::from_str::<expected::recursive::models::Node>(r#"{"children":[{},null]}"#)
        .expect_err("null item of a typed array");
    assert_eq!(err.path(), "children[1]", "{err}");
    let err = okta_runtime::from_str::<Thing>(r#"{"plain":{"value":7}}"#).expect_err("wrong type");
    assert_eq!(err.path(), "plain.value", "{err}");

    // The report names each null the spec does not allow.
    let thing = serde_json::json!({"id": null, "note": null, "plain": {"value": null}});
    let paths = okta_runtime::nulls_outside_spec::<Thing>(&thing).expect("decodes");
    assert_eq!(paths, ["id", "plain.value"]);
}

#[path = "../../okta-apps/tests/common/scripted.rs"]
mod scripted;

/// The generated endpoint functions of a fixture, on its own `Client`,
/// against a server on 127.0.0.1: a paged
/// list followed through its `Link` header, one item read, errors typed.
#[tokio::test]
async fn a_generated_client_pages_a_list_and_reads_an_item() {
    use expected::paging::endpoints::Client;
    use expected::paging::models::Widget;
    use futures_util::TryStreamExt;
    use scripted::{Reply, serve};

    let (url, requests) = serve(vec![
        Reply::Full(200, "link: </widgets?after=w2&limit=2>; rel=\"next\"\r\n", r#"[{"id":"w1"},{"id":"w2","x":1}]"#),
        Reply::Full(200, "", r#"[{"id":"w3","name":null}]"#),
        Reply::Full(200, "", r#"{"id":"w3","name":"Third"}"#),
        Reply::Full(404, "", r#"{"message":"no such widget"}"#),
        Reply::Full(204, "", ""),
        Reply::Full(200, "", r#"["a",7]"#),
        Reply::Full(201, "", ""),
        Reply::Full(201, "", ""),
        Reply::Full(200, "", "<md:EntityDescriptor/>"),
        Reply::Full(200, "", "0\u{82}\u{1}"),
        Reply::Full(203, "", r#"{"id":"w3","name":"Cached"}"#),
        Reply::Full(200, "", ""),
    ])
    .await;
    // The fixture's own client: its endpoint functions are inherent methods.
    let client = Client::builder(&url).api_token("00token").build().expect("client");

    let widgets: Vec<Widget> = client.list_widgets().limit(2).stream().try_collect().await.expect("every page");
    let ids: Vec<_> = widgets.iter().filter_map(|w| w.id.as_deref()).collect();
    assert_eq!(ids, ["w1", "w2", "w3"]);
    assert_eq!(serde_json::to_value(&widgets[2]).expect("encodes"), serde_json::json!({"id": "w3", "name": null}));

    let widget = client.get_widget("w3").send().await.expect("get");
    assert_eq!((widget.status, widget.value.name.as_deref()), (200, Some("Third")));

    let err = client.list_widgets().search("zz").send().await.expect_err("404");
    assert_eq!(err.status(), Some(404));
    client.polish_widget("w3").send().await.expect("204 without a body");

    // One item of a page that does not decode is one error; the others stay.
    let page = client.list_gadgets().send().await.expect("page").into_value();
    assert_eq!(page.decoded().collect::<Vec<_>>(), ["a"]);
    assert!(page.items[1].is_err());
    let pem = b"-----BEGIN CERTIFICATE-----".to_vec();
    client.publish_widget_certificate("w3", pem).send().await.expect("201");
    let logo = okta_runtime::FilePart::new("logo.png", "image/png", vec![0x89, b'P', b'N', b'G']);
    client.upload_widget_logo("w3", okta_runtime::Form::new().file("file", logo)).send().await.expect("201");
    let xml = client.get_widget_metadata("w3").send().await.expect("xml").into_value();
    assert_eq!(xml, "<md:EntityDescriptor/>");
    let csr = client.get_widget_csr("w3").send().await.expect("bytes").into_value();
    assert_eq!(csr, "0\u{82}\u{1}".as_bytes());
    // Another documented 2xx that reads as the success does is a success too.
    let cached = client.get_widget("w3").send().await.expect("203");
    assert_eq!((cached.status, cached.value.name.as_deref()), (203, Some("Cached")));
    client.polish_widget("w3").send().await.expect("200 where 204 is documented first");

    let lines = requests.lines();
    assert!(lines[0].starts_with("GET /widgets?limit=2 "), "{lines:?}");
    assert!(lines[1].starts_with("GET /widgets?after=w2&limit=2 "), "{lines:?}");
    assert!(lines[2].starts_with("GET /widgets/w3 "), "{lines:?}");
    assert!(lines[3].starts_with("GET /widgets?search=zz "), "{lines:?}");
    assert!(lines[4].starts_with("POST /widgets/w3/lifecycle/polish "), "{lines:?}");
    assert!(lines[6].starts_with("PUT /widgets/w3/certificate "), "{lines:?}");
    assert!(lines[7].starts_with("POST /widgets/w3/logo "), "{lines:?}");
}

/// Bodies and answers that are not JSON: bytes in a media type chosen among
/// the documented ones, a multipart form, text and bytes answers with their
/// `Accept`.
#[test]
fn media_types_other_than_json_are_sent_and_read() {
    use expected::paging::operations::*;
    use okta_runtime::{FilePart, Form, Operation, RequestError};

    let mut publish = PublishWidgetCertificate::new("w1", b"DER".to_vec());
    let request = publish.to_request().expect("request");
    assert_eq!(request.content_type.as_deref(), Some("application/x-pem-file"), "the first by default");
    publish.content_type = Some("application/pkix-cert".to_owned());
    assert_eq!(publish.to_request().expect("request").content_type.as_deref(), Some("application/pkix-cert"));
    publish.content_type = Some("text/plain".to_owned());
    assert!(matches!(publish.to_request(), Err(RequestError::MediaType { .. })));

    let upload = UploadWidgetLogo::new("w1", Form::new().text("caption", "ours"));
    assert_eq!(upload.to_request().expect_err("no file"), RequestError::MissingPart("file"));
    let form = Form::new().file("file", FilePart::new("a.svg", "image/svg+xml", b"<svg/>".to_vec()));
    let request = UploadWidgetLogo::new("w1", form).to_request().expect("request");
    let content_type = request.content_type.expect("content type");
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("multipart");
    let body = String::from_utf8(request.body.expect("body")).expect("utf8");
    assert!(body.starts_with(&format!("--{boundary}\r\n")) && body.ends_with(&format!("--{boundary}--\r\n")));
    assert!(body.contains("filename=\"a.svg\"\r\nContent-Type: image/svg+xml\r\n\r\n<svg/>\r\n"), "{body}");

    let metadata = GetWidgetMetadata::new("w1").to_request().expect("request");
    assert_eq!(metadata.accept, Some("text/xml"));
    let ok = GetWidgetMetadata::decode_response(200, b"<EntityDescriptor/>").expect("text");
    assert_eq!(ok, GetWidgetMetadataResponse::Ok("<EntityDescriptor/>".to_owned()));
    assert!(GetWidgetMetadata::decode_response(200, &[0xff, 0xfe]).is_err(), "not UTF-8");
    let not_found = GetWidgetMetadata::decode_response(404, br#"{"message":"gone"}"#).expect("json error");
    assert!(matches!(not_found, GetWidgetMetadataResponse::NotFound(_)));

    assert_eq!(GetWidgetCsr::new("w1").to_request().expect("request").accept, Some("application/pkcs10"));
    let der = [0x30, 0x82, 0x01, 0xff];
    assert_eq!(GetWidgetCsr::decode_response(200, &der).expect("bytes"), GetWidgetCsrResponse::Ok(der.to_vec()));
    assert_eq!(GetWidgetCsr::new("w1").to_request().expect("request").content_type, None);
    assert_eq!(ListWidgets::default().to_request().expect("request").accept, None, "JSON by default");

    // A success in JSON or another form: asked for by `accept`, read by what came.
    let mut report = GetWidgetReport::new("w1");
    assert_eq!(report.to_request().expect("request").accept, None);
    report.accept = Some("text/csv".to_owned());
    assert_eq!(report.to_request().expect("request").accept, Some("text/csv"));
    report.accept = Some("text/html".to_owned());
    assert!(matches!(report.to_request(), Err(RequestError::MediaType { .. })));
    let json = GetWidgetReport::decode_response(200, br#" {"id":"w1"}"#).expect("json");
    assert!(matches!(&json, GetWidgetReportResponse::Ok(w) if w.id.as_deref() == Some("w1")));
    let csv = GetWidgetReport::decode_response(200, b"id,name\nw1,First\n").expect("csv");
    assert_eq!(csv, GetWidgetReportResponse::OkCsv("id,name\nw1,First\n".to_owned()));
    assert!(GetWidgetReport::into_success(csv).is_ok(), "either form is the success");
}

/// The members a spec marks secret (`format: password`, `x-okta-secret`, a
/// write-only `clientSecret`) are secrets in the model and are listed for
/// redaction; their values show in neither `Debug` nor a redacted body.
#[test]
fn members_the_spec_marks_secret_are_listed_and_hidden() {
    use expected::formats::models::Scalars;
    use expected::formats::operations::SECRET_MEMBERS;

    assert_eq!(SECRET_MEMBERS, ["clientSecret", "password", "sharedKey"]);
    let body = r#"{"text":"shown","password":"pw-1","clientSecret":"cs-2","sharedKey":"sk-3"}"#;
    let scalars: Scalars = okta_runtime::from_str(body).expect("decodes");
    let printed = format!("{scalars:?}\n{}", okta_runtime::redact_body(body.as_bytes(), SECRET_MEMBERS));
    for secret in ["pw-1", "cs-2", "sk-3"] {
        assert!(!printed.contains(secret), "{secret} printed: {printed}");
    }
    assert!(printed.contains("shown"), "{printed}");
    assert_eq!(serde_json::to_string(&scalars).expect("encodes"), body, "the values are still sent");
}

/// Names the runtime or the generated code reserves are renamed in
/// lowering, one kind of collision each: an operation named like a client
/// method (`send`), a builder named like the client (`Client` →
/// `ClientBuilder` is free, the client is `Client`), parameters named like the
/// operation's own fields (`accept`, `content_type`, `body`) and like the
/// builder's methods (`send`, `stream`), and Rust keywords and std names.
#[test]
fn reserved_names_are_renamed_and_still_reach_the_wire() {
    use expected::hostile_names::endpoints::Client;
    use okta_runtime::Operation;

    let client = Client::builder("https://example.okta.com").api_token("00token").build().expect("client");
    let call = client.send_operation().accept2("a").content_type2("b").body2("c").set_send("d").set_stream("e");
    let request = call.operation().to_request().expect("request");
    let query: Vec<(&str, &str)> = request.query.iter().map(|(n, v)| (*n, v.as_str())).collect();
    assert_eq!(query, [("accept", "a"), ("content_type", "b"), ("body", "c"), ("send", "d"), ("stream", "e")]);
    assert_eq!(request.operation, "send");
    // Nothing shadows the runtime's own `send` on the crate's client.
    let _unsent = client.send(call.operation());
    assert_eq!(client.client().operation().to_request().expect("request").path, "/client");
    let _ = client.string_type().some("x");
}
