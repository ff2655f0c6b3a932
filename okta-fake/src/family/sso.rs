//! An app's SAML and OIDC signing keys (`/credentials/keys`) and its SAML
//! metadata (`/sso/saml/metadata`), as Okta gives them: the key whose `kid`
//! the app's `credentials.signing.kid` names comes first.

use serde_json::{Value, json};

use super::{AppFamily, now};
use crate::store::{ApiError, format_millis, now_millis};

/// A day, in milliseconds.
const DAY_MILLIS: i128 = 86_400_000;

/// The app's signing keys: the one its `credentials.signing.kid` names (or a
/// new one when it names none), then for a catalog app the org's own key
/// (`org_kid`), each valid ten years, until more are made.
pub(super) fn keys<'a>(family: &'a mut AppFamily, app: &Value, org_kid: &str) -> &'a mut Vec<Value> {
    family.keys.get_or_insert_with(|| {
        let kid = app.pointer("/credentials/signing/kid").and_then(Value::as_str).filter(|kid| !kid.is_empty());
        let mut keys = vec![new_key(10, kid)];
        let name = app.get("name").and_then(Value::as_str).unwrap_or_default();
        if crate::defaults::is_catalog_name(name) && kid != Some(org_kid) {
            keys.push(new_key(10, Some(org_kid)));
        }
        keys
    })
}

pub(super) fn find_key<'a>(keys: &'a [Value], kid: &str) -> Result<&'a Value, ApiError> {
    keys.iter()
        .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid))
        .ok_or_else(|| ApiError::not_found(kid, "AppKeyCredential"))
}

/// A signing key credential valid `years` years, with `kid` or a new one
/// (its certificate and modulus are random bytes: the fake signs nothing).
pub(super) fn new_key(years: u32, kid: Option<&str>) -> Value {
    let kid = kid.map_or_else(crate::defaults::new_kid, str::to_owned);
    let modulus: Vec<u8> = std::iter::repeat_with(|| fastrand::u8(..)).take(256).collect();
    let certificate: Vec<u8> = std::iter::repeat_with(|| fastrand::u8(..)).take(64).collect();
    // Okta's keys expire on a whole second.
    let expires = (now_millis() + 365 * DAY_MILLIS * i128::from(years)).div_euclid(1000) * 1000;
    json!({
        "kty": "RSA",
        "created": now(),
        "lastUpdated": now(),
        "expiresAt": format_millis(expires),
        "kid": kid,
        "use": "sig",
        "x5c": [base64_std(&certificate)],
        "x5t#S256": okta_client::jose::sha256_b64(&certificate),
        "e": "AQAB",
        "n": okta_client::jose::b64(&modulus),
    })
}

pub(super) fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Escapes text for an XML attribute or element.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SAML 2.0 IdP metadata of a SAML app signed with `key`: its signing
/// certificate, whether it wants signed requests, its name ID format, its
/// single sign-on endpoints and, with single logout on, its logout endpoints
/// (each for the POST and Redirect bindings).
pub(super) fn saml_metadata(app: &Value, app_id: &str, key: &Value, base: &str) -> String {
    let certificate = key.pointer("/x5c/0").and_then(Value::as_str).unwrap_or_default();
    let name = app.get("name").and_then(Value::as_str).unwrap_or_default();
    let sign_on = app.pointer("/settings/signOn");
    let signed_requests =
        sign_on.and_then(|s| s.get("samlSignedRequestEnabled")).and_then(Value::as_bool) == Some(true);
    let unspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    let name_ids: Vec<&str> = if app.get("signOnMode").and_then(Value::as_str) == Some("SAML_1_1") {
        vec![unspecified, "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"]
    } else {
        vec![sign_on.and_then(|s| s.get("subjectNameIdFormat")).and_then(Value::as_str).unwrap_or(unspecified)]
    };
    let name_ids: String =
        name_ids.iter().map(|format| format!("<md:NameIDFormat>{}</md:NameIDFormat>", xml_escape(format))).collect();
    let slo = sign_on.and_then(|s| s.pointer("/slo/enabled")).and_then(Value::as_bool) == Some(true);
    let endpoint = |element: &str, path: &str| {
        ["HTTP-POST", "HTTP-Redirect"]
            .iter()
            .map(|binding| {
                format!(
                    "<md:{element} Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:{binding}\" Location=\"{}\"/>",
                    xml_escape(&format!("{base}/app/{name}/{app_id}/{path}"))
                )
            })
            .collect::<String>()
    };
    let logout = if slo { endpoint("SingleLogoutService", "slo/saml") } else { String::new() };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><md:EntityDescriptor entityID=\"http://www.okta.com/{id}\" \
         xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"><md:IDPSSODescriptor WantAuthnRequestsSigned=\"{signed_requests}\" \
         protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:KeyDescriptor use=\"signing\">\
         <ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{certificate}\
         </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>{logout}{name_ids}{sso}</md:IDPSSODescriptor></md:EntityDescriptor>",
        id = xml_escape(app_id),
        sso = endpoint("SingleSignOnService", "sso/saml"),
    )
}
