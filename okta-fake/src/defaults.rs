//! What Okta fills in when an app is created or replaced, learned from real
//! orgs' answers: the members every app gets (`orn`, `features`,
//! `accessibility`, `visibility`, `credentials.signing`, the VPN
//! notification settings, ...), those of each sign-on mode and template, the
//! name Okta gives a custom app, and the app's `_links`. A member the request
//! sets is kept; only absent ones are filled in.

use serde_json::{Map, Value, json};

use super::util::{app_href, new_id, set_lifecycle_link, str_at};
use okta_runtime::encode_unreserved;

/// One app's members.
type App = Map<String, Value>;

/// What the org is, as far as the apps it hands out show it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrgFacts {
    /// The org's id (`00o…`), part of every app's `orn`.
    pub(super) org_id: String,
    /// The name custom apps' generated names start with.
    pub(super) subdomain: String,
    /// The `kid` of the org's own signing key: OpenID Connect apps and some
    /// catalog SAML apps sign with it, and catalog apps list it among their keys.
    pub(super) org_kid: String,
    /// The org's default access policy (`rst…`), linked from every app.
    pub(super) access_policy: String,
    /// The org's default profile enrollment policy (`rst…`).
    pub(super) enrollment_policy: String,
}

impl OrgFacts {
    /// A new org's facts, with fresh ids.
    pub(super) fn new() -> Self {
        Self {
            org_id: new_id("00o"),
            subdomain: "fakeorg".to_owned(),
            org_kid: new_kid(),
            access_policy: new_id("rst"),
            enrollment_policy: new_id("rst"),
        }
    }
}

/// A key id as Okta writes them: 43 characters of base64url.
pub(super) fn new_kid() -> String {
    std::iter::repeat_with(|| {
        let c = fastrand::alphanumeric();
        match fastrand::u8(..64) {
            0 => '-',
            1 => '_',
            _ => c,
        }
    })
    .take(43)
    .collect()
}

/// Names of Okta's templates for custom apps: created by sign-on mode, not from the catalog.
const TEMPLATES: [&str; 8] = [
    "bookmark",
    "oidc_client",
    "template_swa",
    "template_swa3field",
    "template_basic_auth",
    "template_sps",
    "template_wsfed",
    "template_saml_2_0",
];

/// Whether `name` is an app of Okta's catalog: neither a template nor one
/// Okta generated for a custom app.
pub(super) fn is_catalog_name(name: &str) -> bool {
    !name.is_empty() && !TEMPLATES.contains(&name) && !is_generated_name(name)
}

/// Whether `name` is one Okta generated for a custom (App Integration
/// Wizard) app, as [`generated_name`] writes them: exactly
/// `<subdomain>_<label>_<n>`, the subdomain a DNS label (any org's, since
/// an app may come from another org), the label lower-case letters and
/// digits, `n` digits. No template is one, though `template_saml_2_0` ends
/// in `_<digit>` too.
pub(super) fn is_generated_name(name: &str) -> bool {
    let mut parts = name.split('_');
    let (Some(subdomain), Some(slug), Some(count), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let lower_alphanumeric = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !TEMPLATES.contains(&name)
        && !subdomain.is_empty()
        && subdomain.bytes().all(|b| lower_alphanumeric(b) || b == b'-')
        && slug.bytes().all(lower_alphanumeric)
        && !count.is_empty()
        && count.bytes().all(|b| b.is_ascii_digit())
}

/// The template Okta names an app of `sign_on_mode` created without a
/// name after; `None` for the modes whose apps get a [`generated_name`]
/// (SAML, auto-login, ...).
pub(super) fn template_name(sign_on_mode: &str) -> Option<&'static str> {
    match sign_on_mode {
        "BOOKMARK" => Some("bookmark"),
        "BASIC_AUTH" => Some("template_basic_auth"),
        "SECURE_PASSWORD_STORE" => Some("template_sps"),
        "WS_FEDERATION" => Some("template_wsfed"),
        "OPENID_CONNECT" => Some("oidc_client"),
        "BROWSER_PLUGIN" => Some("template_swa"),
        _ => None,
    }
}

/// The name Okta generates for the `count`th custom app of the org: its
/// subdomain, the label's letters and digits in lower case, and the count.
pub(super) fn generated_name(subdomain: &str, label: &str, count: u64) -> String {
    let slug: String = label.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    format!("{subdomain}_{slug}_{count}")
}

/// The sign-on mode Okta keeps for an app of the catalog asked for in
/// `mode`: a catalog app's password sign-on (`AUTO_LOGIN`) is its
/// `BROWSER_PLUGIN` mode.
pub(super) fn catalog_mode(name: &str, mode: &str) -> String {
    if is_catalog_name(name) && mode == "AUTO_LOGIN" { "BROWSER_PLUGIN".to_owned() } else { mode.to_owned() }
}

/// Settles what Okta makes of the `name` and `signOnMode` asked for, before
/// the body is checked: a new app's name in lower case, a replaced app's
/// name the stored one (whatever the body says), a catalog app's password
/// sign-on as `BROWSER_PLUGIN`.
pub(super) fn settle_name_and_mode(app: &mut App, stored: Option<&App>) {
    match stored {
        Some(stored) => match stored.get("name") {
            Some(kept) => app.insert("name".to_owned(), kept.clone()),
            None => app.remove("name"),
        },
        None => match str_at(app, &["name"]).map(str::to_ascii_lowercase).filter(|name| !name.is_empty()) {
            Some(name) => app.insert("name".to_owned(), Value::String(name)),
            None => None,
        },
    };
    let name = str_at(app, &["name"]).unwrap_or_default().to_owned();
    if let Some(mode) = str_at(app, &["signOnMode"]) {
        let settled = catalog_mode(&name, mode);
        app.insert("signOnMode".to_owned(), Value::String(settled));
    }
}

/// The object member `key` of `map`, made an empty object first when absent or not an object.
fn object<'a>(map: &'a mut App, key: &str) -> &'a mut App {
    let slot = map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(inner) => inner,
        _ => unreachable!("just made an object"),
    }
}

/// Sets `key` to `value` unless `map` has it.
fn fill(map: &mut App, key: &str, value: Value) {
    map.entry(key.to_owned()).or_insert(value);
}

/// Fills in what Okta fills in for an app with this `id` (its `name` and
/// `signOnMode` already settled): see the module's documentation.
pub(super) fn fill_app(app: &mut App, id: &str, facts: &OrgFacts) {
    let name = str_at(app, &["name"]).unwrap_or_default().to_owned();
    let mode = str_at(app, &["signOnMode"]).unwrap_or_default().to_owned();
    fill(app, "orn", Value::String(format!("orn:okta:idp:{}:apps:{name}:{id}", facts.org_id)));
    fill(app, "features", json!([]));

    let accessibility = object(app, "accessibility");
    fill(accessibility, "selfService", Value::Bool(false));
    fill(accessibility, "errorRedirectUrl", Value::Null);
    fill(accessibility, "loginRedirectUrl", Value::Null);

    let visibility = object(app, "visibility");
    fill(visibility, "autoLaunch", Value::Bool(false));
    fill(visibility, "autoSubmitToolbar", Value::Bool(false));
    let hide = object(visibility, "hide");
    fill(hide, "iOS", Value::Bool(false));
    fill(hide, "web", Value::Bool(false));
    let links = object(visibility, "appLinks");
    if links.is_empty() {
        links.insert(app_link_name(&name, &mode), Value::Bool(true));
    }

    fill_credentials(object(app, "credentials"), &mode, facts);
    if mode == "OPENID_CONNECT" && (name == "oidc_client" || name.is_empty()) {
        fill_oauth_client(app, id);
    }
    fill_settings(object(app, "settings"), &name, &mode);

    // Template apps have none: real orgs send `null` or leave it out.
    let universal_logout = if name == "office365" {
        Some(
            json!({ "status": "DISABLED", "supportType": "PARTIAL", "identityStack": "SHARED", "protocol": "PROPRIETARY" }),
        )
    } else if name == "oidc_client" || (mode == "SAML_2_0" && is_generated_name(&name)) {
        Some(
            json!({ "status": "DISABLED", "supportType": "FULL", "identityStack": "NOT_SHARED", "protocol": "GLOBAL_TOKEN_REVOCATION" }),
        )
    } else if is_catalog_name(&name) {
        Some(json!({ "status": "UNSUPPORTED" }))
    } else {
        None
    };
    match universal_logout {
        Some(universal_logout) => fill(app, "universalLogout", universal_logout),
        // Orgs send `null` for apps of the Basic Auth template.
        None if name == "template_basic_auth" => fill(app, "universalLogout", Value::Null),
        None => {}
    }
    if name == "office365" {
        fill(object(app, "licensing"), "seatCount", Value::from(0));
    }
}

/// The name of an app's default link: `login` for templates and catalog
/// apps, `<name>_link` for OpenID Connect and custom apps.
fn app_link_name(name: &str, mode: &str) -> String {
    if mode == "OPENID_CONNECT" || is_generated_name(name) { format!("{name}_link") } else { "login".to_owned() }
}

/// The signing key Okta gives a new app of `mode`, if any: a SAML 2.0 app
/// its own, a SAML 1.1 or OpenID Connect app the org's.
fn signing_kid(mode: &str, facts: &OrgFacts) -> Option<String> {
    match mode {
        "SAML_2_0" => Some(new_kid()),
        "SAML_1_1" | "OPENID_CONNECT" => Some(facts.org_kid.clone()),
        _ => None,
    }
}

fn fill_credentials(credentials: &mut App, mode: &str, facts: &OrgFacts) {
    let template = object(credentials, "userNameTemplate");
    fill(template, "template", Value::from("${source.login}"));
    fill(template, "type", Value::from("BUILT_IN"));
    if template.get("type").and_then(Value::as_str) == Some("CUSTOM") {
        fill(template, "pushStatus", Value::from("DONT_PUSH"));
    }
    let signing = object(credentials, "signing");
    if !signing.contains_key("kid") {
        if let Some(kid) = signing_kid(mode, facts) {
            signing.insert("kid".to_owned(), Value::String(kid));
        }
    }
    if credentials.get("userName").is_some_and(|name| name.as_str() == Some("")) {
        credentials.remove("userName");
    }
    // A password is taken and never shown: `{}` where one is set.
    match credentials.get("password") {
        Some(Value::Object(password)) if password.get("value").is_some_and(|v| !v.is_null()) => {
            credentials.insert("password".to_owned(), json!({}));
        }
        Some(Value::Object(password)) if password.is_empty() => {}
        Some(_) => {
            credentials.remove("password");
        }
        None => {}
    }
    if credentials.get("password").is_some_and(|p| p.as_object().is_some_and(Map::is_empty))
        && credentials.get("scheme").and_then(Value::as_str) != Some("SHARED_USERNAME_AND_PASSWORD")
    {
        credentials.remove("password");
    }
    if matches!(mode, "BROWSER_PLUGIN" | "AUTO_LOGIN" | "BASIC_AUTH" | "SECURE_PASSWORD_STORE") {
        fill(credentials, "scheme", Value::from("EDIT_USERNAME_AND_PASSWORD"));
        fill(credentials, "revealPassword", Value::Bool(false));
    }
}

/// An OpenID Connect app's client: its id (the app's, unless the request
/// names one), and a secret when it authenticates with one.
fn fill_oauth_client(app: &mut App, id: &str) {
    let client = object(object(app, "credentials"), "oauthClient");
    fill(client, "autoKeyRotation", Value::Bool(true));
    fill(client, "token_endpoint_auth_method", Value::from("client_secret_basic"));
    if client.get("client_id").and_then(Value::as_str).is_none_or(str::is_empty) {
        client.insert("client_id".to_owned(), Value::from(id));
    }
    let method = client.get("token_endpoint_auth_method").and_then(Value::as_str).unwrap_or_default();
    let uses_secret = matches!(method, "client_secret_basic" | "client_secret_post" | "client_secret_jwt");
    if uses_secret && client.get("client_secret").and_then(Value::as_str).is_none_or(str::is_empty) {
        client.insert("client_secret".to_owned(), Value::String(client_secret()));
    }
    if !uses_secret {
        client.remove("client_secret");
    }
    let settings = object(object(app, "settings"), "oauthClient");
    fill(settings, "client_uri", Value::Null);
    fill(settings, "logo_uri", Value::Null);
    fill(settings, "redirect_uris", json!([]));
    fill(settings, "wildcard_redirect", Value::from("DISABLED"));
    fill(settings, "dpop_bound_access_tokens", Value::Bool(false));
    fill(settings, "participate_slo", Value::Bool(false));
    let login = object(settings, "idp_initiated_login");
    fill(login, "mode", Value::from("DISABLED"));
    fill(login, "default_scope", json!([]));
    // Each public key the client signs with gets an id of its own.
    let keys = settings.get_mut("jwks").and_then(|jwks| jwks.get_mut("keys")).and_then(Value::as_array_mut);
    for key in keys.into_iter().flatten().filter_map(Value::as_object_mut) {
        fill(key, "id", Value::String(new_id("pks")));
        fill(key, "use", Value::Null);
        if key.get("kty").and_then(Value::as_str) == Some("EC") {
            fill(key, "crv", Value::Null);
        }
    }
}

/// A client secret as Okta makes them: 64 characters of base64url.
pub(super) fn client_secret() -> String {
    let mut secret = new_kid();
    secret.push_str(&new_kid()[..21]);
    secret
}

fn fill_settings(settings: &mut App, name: &str, mode: &str) {
    fill(settings, "app", json!({}));
    let vpn = object(object(settings, "notifications"), "vpn");
    fill(object(vpn, "network"), "connection", Value::from("DISABLED"));
    fill(vpn, "message", Value::Null);
    fill(vpn, "helpUrl", Value::Null);
    fill(settings, "manualProvisioning", Value::Bool(false));
    fill(settings, "implicitAssignment", Value::Bool(false));
    fill(settings, "emOptInStatus", Value::from("NONE"));
    let notes = object(settings, "notes");
    fill(notes, "admin", Value::Null);
    fill(notes, "enduser", Value::Null);
    let nulls: &[&str] = match name {
        "template_swa" => &["loginUrlRegex", "redirectUrl", "checkbox"],
        "template_swa3field" => &["loginUrlRegex", "redirectUrl"],
        "template_basic_auth" => &["loginUrlRegex"],
        "template_sps" => &[
            "optionalField1",
            "optionalField1Value",
            "optionalField2",
            "optionalField2Value",
            "optionalField3",
            "optionalField3Value",
        ],
        "office365" => &["occSettings", "office365FlexibleProvisioningMode", "office365ProvisioningType", "tenantType"],
        "pagerduty" => &["adminUserId"],
        "strongdm" => &["base_url"],
        "sharepoint_onpremise" => &["attributeStatements"],
        _ => &[],
    };
    let app = object(settings, "app");
    for key in nulls {
        fill(app, key, Value::Null);
    }
    match mode {
        "SAML_2_0" => {
            let sign_on = object(settings, "signOn");
            fill(sign_on, "idpIssuer", Value::from("http://www.okta.com/${org.externalKey}"));
            fill(sign_on, "spIssuer", Value::Null);
            fill(sign_on, "requestCompressed", Value::Bool(false));
            fill(sign_on, "inlineHooks", json!([]));
            fill(sign_on, "acsEndpoints", json!([]));
            fill(object(sign_on, "assertionEncryption"), "enabled", Value::Bool(false));
        }
        "AUTO_LOGIN" => fill(object(settings, "signOn"), "redirectUrl", Value::Null),
        _ => {}
    }
}

/// The `_links` Okta gives an app: its users, groups, logo and lifecycle,
/// its policies, its app links, and by sign-on mode its SAML metadata and
/// setup instructions or its client credentials.
pub(super) fn links(app: &App, base: &str, facts: &OrgFacts) -> App {
    let id = str_at(app, &["id"]).unwrap_or_default();
    let name = str_at(app, &["name"]).unwrap_or_default();
    let mode = str_at(app, &["signOnMode"]).unwrap_or_default();
    let active = str_at(app, &["status"]) == Some("ACTIVE");
    let href = app_href(base, id);
    let mut links = Map::new();
    if mode.starts_with("SAML") {
        let help = format!("{base}/app/{name}/{}/setup/help/{mode}/instructions", encode_unreserved(id));
        links.insert("help".to_owned(), json!({ "href": help, "type": "text/html" }));
    }
    if mode == "SAML_2_0" {
        links.insert(
            "metadata".to_owned(),
            json!({ "href": format!("{href}/sso/saml/metadata"), "type": "application/xml" }),
        );
    }
    links.insert("uploadLogo".to_owned(), json!({ "href": format!("{href}/logo"), "hints": { "allow": ["POST"] } }));
    let app_links: Vec<Value> = app
        .get("visibility")
        .and_then(|v| v.get("appLinks"))
        .and_then(Value::as_object)
        .map(|names| {
            names
                .keys()
                .map(|link| {
                    let target = format!("{base}/home/{name}/{}/{link}", encode_unreserved(id));
                    json!({ "name": link, "href": target, "type": "text/html" })
                })
                .collect()
        })
        .unwrap_or_default();
    links.insert("appLinks".to_owned(), Value::Array(app_links));
    links.insert(
        "profileEnrollment".to_owned(),
        json!({ "href": format!("{base}/api/v1/policies/{}", facts.enrollment_policy) }),
    );
    links.insert("policies".to_owned(), json!({ "href": format!("{href}/policies"), "hints": { "allow": ["PUT"] } }));
    links.insert("groups".to_owned(), json!({ "href": format!("{href}/groups") }));
    links.insert(
        "logo".to_owned(),
        json!([{ "name": "medium", "href": format!("{base}/assets/img/logos/default.png"), "type": "image/png" }]),
    );
    if mode == "OPENID_CONNECT" {
        links.insert(
            "clientCredentials".to_owned(),
            json!([{ "name": "secrets", "href": format!("{href}/credentials/secrets") }]),
        );
    }
    links.insert(
        "accessPolicy".to_owned(),
        json!({ "href": format!("{base}/api/v1/policies/{}", facts.access_policy) }),
    );
    links.insert("users".to_owned(), json!({ "href": format!("{href}/users") }));
    set_lifecycle_link(&mut links, &href, active, false);
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(template_name("BOOKMARK"), Some("bookmark"));
        assert_eq!(template_name("SAML_2_0"), None);
        assert_eq!(generated_name("acme", "My App-2!", 3), "acme_myapp2_3");
        assert!(is_generated_name("acme_myapp2_3"));
        assert!(is_generated_name("classic-00_wiki_12") && is_generated_name("acme__1"), "any org's, any label");
        assert!(
            !is_generated_name("template_swa") && !is_generated_name("oidc_client") && !is_generated_name("office365")
        );
        assert!(!is_generated_name("template_saml_2_0"), "a template, though it ends in _<digit>");
        assert!(!is_generated_name("acme_my_app_3") && !is_generated_name("acme_app_") && !is_generated_name("_app_1"));
        assert!(!is_catalog_name("template_saml_2_0") && is_catalog_name("office365"));
        assert_eq!(catalog_mode("office365", "AUTO_LOGIN"), "BROWSER_PLUGIN");
        assert_eq!(catalog_mode("template_swa", "AUTO_LOGIN"), "AUTO_LOGIN");
        assert_eq!(catalog_mode("", "AUTO_LOGIN"), "AUTO_LOGIN");
        assert_eq!(new_kid().len(), 43);
        assert_eq!(client_secret().len(), 64);
    }
}
