//! Compact JWS read and checked against a public JWK (RS256 or ES256): what
//! the authorization server needs of a client assertion or a DPoP proof.

use aws_lc_rs::rsa::PublicKeyComponents;
use aws_lc_rs::signature;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// Segment `index` of a compact JWS (0: header, 1: claims) as JSON, unverified.
pub(crate) fn segment(jws: &str, index: usize) -> Result<Value, String> {
    let what = if index == 0 { "header" } else { "payload" };
    let part = jws.split('.').nth(index).ok_or_else(|| format!("no {what}"))?;
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| format!("{what} is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| format!("{what} is not JSON"))
}

/// A compact JWS taken apart and checked against a public JWK: its header
/// and claims, if the signature holds for the header's `alg` (RS256 or
/// ES256 only). Used by the fake org's authorization server.
pub(crate) fn verify(token: &str, jwk: &Value) -> Result<(Value, Value), String> {
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWS".to_owned());
    };
    let (header_json, claims_json) = (segment(token, 0)?, segment(token, 1)?);
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| "signature is not base64url".to_owned())?;
    let message = format!("{header}.{claims}");
    let member = |name: &str| -> Result<Vec<u8>, String> {
        let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| format!("the JWK has no `{name}`"))?;
        URL_SAFE_NO_PAD.decode(text).map_err(|_| format!("the JWK's `{name}` is not base64url"))
    };
    let verified = match (header_json.get("alg").and_then(Value::as_str), jwk.get("kty").and_then(Value::as_str)) {
        (Some("RS256"), Some("RSA")) => PublicKeyComponents { n: member("n")?, e: member("e")? }
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message.as_bytes(), &signature)
            .is_ok(),
        (Some("ES256"), Some("EC")) => {
            let mut point = vec![4];
            point.extend(member("x")?);
            point.extend(member("y")?);
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message.as_bytes(), &signature)
                .is_ok()
        }
        (alg, kty) => return Err(format!("alg {alg:?} does not fit a key of kty {kty:?}")),
    };
    if verified { Ok((header_json, claims_json)) } else { Err("the signature does not verify".to_owned()) }
}

#[cfg(test)]
mod tests {
    use okta_client::PrivateKey;
    use serde_json::json;

    use super::*;

    #[test]
    fn an_es256_jwt_verifies_against_its_public_jwk_and_fails_when_changed() {
        let key = PrivateKey::generate_es256().expect("key").with_kid("k1");
        let jwt = key.sign(json!({"typ": "JWT"}), &json!({"sub": "me"})).expect("signed");
        let (header, claims) = verify(&jwt, &key.public_jwk()).expect("verifies");
        assert_eq!((header["alg"].as_str(), header["kid"].as_str()), (Some("ES256"), Some("k1")));
        assert_eq!(claims["sub"], "me");
        let other = PrivateKey::generate_es256().expect("key");
        assert!(verify(&jwt, &other.public_jwk()).is_err());
        let tampered = jwt.replacen('.', ".eyJzdWIiOiJ5b3UifQ.", 1);
        assert!(verify(&tampered, &key.public_jwk()).is_err());
        assert_eq!(jwt.split('.').count(), 3);
    }
}
