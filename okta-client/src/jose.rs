//! The little of JOSE that OAuth 2.0 for service apps needs: a private key
//! (RSA or EC P-256, from PEM or JWK) that signs compact JWS as RS256 or
//! ES256, its public JWK and RFC 7638 thumbprint. Signing and hashing are aws-lc-rs,
//! the crypto rustls already uses.

use std::fmt;
use std::path::Path;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject as _;
use serde_json::{Value, json};

/// Why a private key was refused. It never holds key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("private key: {0}")]
pub struct KeyError(String);

impl KeyError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// A private key a service app signs with: RSA (RS256) or EC P-256 (ES256).
///
/// Read it from PEM (PKCS#8 RSA or EC, PKCS#1 RSA, SEC 1 EC) or from a JWK
/// (what Okta's admin console hands out). Its `Debug` shows the algorithm and
/// key id, never the key.
///
/// ```
/// use okta_client::PrivateKey;
///
/// let key = PrivateKey::generate_es256()?.with_kid("my-key");
/// assert_eq!((key.algorithm(), key.kid()), ("ES256", Some("my-key")));
/// assert_eq!(key.public_jwk()["kty"], "EC");
/// assert!(!format!("{key:?}").contains(key.public_jwk()["x"].as_str().unwrap_or("?")));
/// # Ok::<(), okta_client::KeyError>(())
/// ```
pub struct PrivateKey {
    pair: Pair,
    kid: Option<String>,
}

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey").field("alg", &self.algorithm()).field("kid", &self.kid).finish_non_exhaustive()
    }
}

const ES256: &signature::EcdsaSigningAlgorithm = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;

impl PrivateKey {
    /// Reads a key from PEM or, if the text is a JSON object, from a JWK.
    ///
    /// # Errors
    /// When the text is neither, or the key is not RSA or EC P-256.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        if text.trim_start().starts_with('{') { Self::from_jwk(text) } else { Self::from_pem(text) }
    }

    /// Reads a key file: PEM, or a JWK (see [`PrivateKey::parse`]).
    ///
    /// # Errors
    /// When the file cannot be read or holds no usable key; the error names the file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, KeyError> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|e| KeyError::new(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text).map_err(|KeyError(e)| KeyError::new(format!("{}: {e}", path.display())))
    }

    /// Reads a PEM key: `PRIVATE KEY` (PKCS#8, RSA or EC P-256),
    /// `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC 1, P-256).
    ///
    /// # Errors
    /// When there is no private key in the text, or it is of another kind.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| KeyError::new(format!("no PEM private key found ({e})")))?;
        let pair = match &der {
            PrivateKeyDer::Pkcs1(der) => RsaKeyPair::from_der(der.secret_pkcs1_der())
                .map(Pair::Rsa)
                .map_err(|e| KeyError::new(format!("PKCS#1 RSA key refused: {e}")))?,
            PrivateKeyDer::Sec1(der) => EcdsaKeyPair::from_private_key_der(ES256, der.secret_sec1_der())
                .map(Pair::Ec)
                .map_err(|e| KeyError::new(format!("SEC 1 EC key refused (only P-256 is supported): {e}")))?,
            PrivateKeyDer::Pkcs8(der) => {
                let der = der.secret_pkcs8_der();
                match RsaKeyPair::from_pkcs8(der) {
                    Ok(rsa) => Pair::Rsa(rsa),
                    Err(_) => EcdsaKeyPair::from_pkcs8(ES256, der)
                        .map(Pair::Ec)
                        .map_err(|e| KeyError::new(format!("PKCS#8 key is neither RSA nor EC P-256: {e}")))?,
                }
            }
            _ => return Err(KeyError::new("unsupported PEM private key kind")),
        };
        Ok(Self { pair, kid: None })
    }

    /// Reads a private JWK: `kty` `RSA` (with `n`, `e`, `d`, `p`, `q`, `dp`,
    /// `dq`, `qi`) or `EC` on `P-256` (with `x`, `y`, `d`). Its `kid`, if
    /// any, is kept.
    ///
    /// # Errors
    /// When the JSON is not a private RSA or EC P-256 JWK; the error names
    /// the missing or bad member.
    pub fn from_jwk(jwk: &str) -> Result<Self, KeyError> {
        let jwk: Value = serde_json::from_str(jwk).map_err(|e| KeyError::new(format!("JWK is not JSON: {e}")))?;
        let member = |name: &str| -> Result<Vec<u8>, KeyError> {
            let text = jwk
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| KeyError::new(format!("JWK member `{name}` is missing")))?;
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|_| KeyError::new(format!("JWK member `{name}` is not base64url")))
        };
        let pair = match jwk.get("kty").and_then(Value::as_str) {
            Some("RSA") => {
                let components = KeyPairComponents {
                    public_key: PublicKeyComponents { n: member("n")?, e: member("e")? },
                    d: member("d")?,
                    p: member("p")?,
                    q: member("q")?,
                    dP: member("dp")?,
                    dQ: member("dq")?,
                    qInv: member("qi")?,
                };
                RsaKeyPair::from_components(&components)
                    .map(Pair::Rsa)
                    .map_err(|e| KeyError::new(format!("RSA JWK refused: {e}")))?
            }
            Some("EC") => {
                match jwk.get("crv").and_then(Value::as_str) {
                    Some("P-256") => {}
                    other => return Err(KeyError::new(format!("EC JWK curve {other:?} is not P-256"))),
                }
                let mut point = vec![4];
                point.extend(member("x")?);
                point.extend(member("y")?);
                EcdsaKeyPair::from_private_key_and_public_key(ES256, &member("d")?, &point)
                    .map(Pair::Ec)
                    .map_err(|e| KeyError::new(format!("EC JWK refused: {e}")))?
            }
            other => return Err(KeyError::new(format!("JWK `kty` {other:?} is neither RSA nor EC"))),
        };
        let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
        Ok(Self { pair, kid })
    }

    /// A new EC P-256 key, made in memory (the client's DPoP key, or a key
    /// for tests).
    ///
    /// # Errors
    /// When the system's random source fails.
    pub fn generate_es256() -> Result<Self, KeyError> {
        let pair = EcdsaKeyPair::generate(ES256).map_err(|_| KeyError::new("cannot generate an EC P-256 key"))?;
        Ok(Self { pair: Pair::Ec(pair), kid: None })
    }

    /// The same key with key id `kid` (sent as the `kid` of each JWS header).
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The JWS algorithm the key signs with: `RS256` or `ES256`.
    pub fn algorithm(&self) -> &'static str {
        match self.pair {
            Pair::Rsa(_) => "RS256",
            Pair::Ec(_) => "ES256",
        }
    }

    /// The public half as a JWK (with the `kid`, if any): what to register
    /// with the service app.
    pub fn public_jwk(&self) -> Value {
        let mut jwk = self.public_members();
        if let (Some(kid), Some(object)) = (&self.kid, jwk.as_object_mut()) {
            object.insert("kid".to_owned(), Value::String(kid.clone()));
        }
        jwk
    }

    /// The RFC 7638 thumbprint of the public key, base64url.
    pub fn thumbprint(&self) -> String {
        thumbprint(&self.public_members()).unwrap_or_default()
    }

    /// The public key's required members only, as RFC 7638 wants them (and
    /// as a DPoP proof's header carries them).
    pub(crate) fn public_members(&self) -> Value {
        match &self.pair {
            Pair::Rsa(rsa) => {
                let public = rsa.public_key();
                json!({
                    "kty": "RSA",
                    "n": b64(public.modulus().big_endian_without_leading_zero()),
                    "e": b64(public.exponent().big_endian_without_leading_zero()),
                })
            }
            Pair::Ec(ec) => {
                // The uncompressed point: 0x04, then x and y of 32 bytes each.
                let point = ec.public_key().as_ref();
                let (x, y) = point.get(1..).unwrap_or_default().split_at(point.len().saturating_sub(1) / 2);
                json!({ "kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y) })
            }
        }
    }

    /// Signs `claims` as a compact JWS (a JWT): `alg`, and `kid` if the key
    /// has one, are set in `header`. What the client does for each client
    /// assertion and DPoP proof.
    ///
    /// # Errors
    /// When the crypto library fails to sign.
    pub fn sign(&self, header: Value, claims: &Value) -> Result<String, KeyError> {
        self.sign_jwt(header, claims, true)
    }

    /// Signs `header.claims` as a compact JWS; `alg` (and `kid`, if the key
    /// has one and `with_kid` says so) go into the header.
    pub(crate) fn sign_jwt(&self, mut header: Value, claims: &Value, with_kid: bool) -> Result<String, KeyError> {
        if let Some(object) = header.as_object_mut() {
            object.insert("alg".to_owned(), Value::from(self.algorithm()));
            if let (true, Some(kid)) = (with_kid, &self.kid) {
                object.insert("kid".to_owned(), Value::String(kid.clone()));
            }
        }
        let signing_input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
        let signature = match &self.pair {
            Pair::Rsa(rsa) => {
                let mut signature = vec![0; rsa.public_modulus_len()];
                rsa.sign(&signature::RSA_PKCS1_SHA256, &SystemRandom::new(), signing_input.as_bytes(), &mut signature)
                    .map_err(|_| KeyError::new("RSA signing failed"))?;
                signature
            }
            Pair::Ec(ec) => ec
                .sign(&SystemRandom::new(), signing_input.as_bytes())
                .map_err(|_| KeyError::new("EC signing failed"))?
                .as_ref()
                .to_vec(),
        };
        Ok(format!("{signing_input}.{}", b64(&signature)))
    }
}

/// Seconds since the Unix epoch: `iat` and `exp`.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of `bytes`, base64url: DPoP's `ath`, and thumbprints.
pub fn sha256_b64(bytes: &[u8]) -> String {
    b64(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref())
}

/// 16 random bytes, base64url: a `jti` or a nonce.
pub(crate) fn random_id() -> Result<String, KeyError> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| KeyError::new("the system's random source failed"))?;
    Ok(b64(&bytes))
}

/// The RFC 7638 thumbprint of a public JWK: SHA-256 of its required
/// members in lexicographic order, base64url. `None` for a JWK that is not
/// RSA or EC or lacks a member.
pub fn thumbprint(jwk: &Value) -> Option<String> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    // serde_json's maps keep keys sorted, as the canonical form needs.
    let canonical = match text("kty")? {
        "RSA" => json!({ "e": text("e")?, "kty": "RSA", "n": text("n")? }),
        "EC" => json!({ "crv": text("crv")?, "kty": "EC", "x": text("x")?, "y": text("y")? }),
        _ => return None,
    };
    Some(sha256_b64(canonical.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thumbprint_is_rfc_7638s() {
        // The example of RFC 7638, section 3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(thumbprint(&jwk).as_deref(), Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason_and_without_their_material() {
        let missing = PrivateKey::from_jwk(r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#).expect_err("no d");
        assert!(missing.to_string().contains("`d`"), "{missing}");
        let curve = PrivateKey::from_jwk(r#"{"kty":"EC","crv":"P-384","d":"secretvalue"}"#).expect_err("curve");
        assert!(curve.to_string().contains("P-384") && !curve.to_string().contains("secretvalue"), "{curve}");
        assert!(PrivateKey::parse("not a key").is_err());
        assert!(PrivateKey::from_jwk(r#"{"kty":"oct","k":"AA"}"#).is_err());
    }
}
