//! DPoP (RFC 9449): proofs of possession of an account's key, so that its access token is
//! useless to anyone who copies it.
//!
//! A proof is a JWS (`typ: dpop+jwt`, ES256) signed with the account's [`DpopKey`], its
//! public key in the header (`jwk`), with a fresh `jti`, `iat`, the request's method
//! (`htm`) and URL without query or fragment (`htu`), the server's `nonce` when it asked
//! for one, and, towards a resource server, the SHA-256 of the access token (`ath`).
//! Signing is `client_key.rs`'s.
//!
//! Nonces (RFC 9449 §8, §9): a server that wants one answers `use_dpop_nonce` with a
//! `DPoP-Nonce` header; the request is then sent once more with it. The last nonce each
//! origin gave is remembered in this process's memory ([`remember_nonce`]) and put in the
//! next proofs to that origin, so a server that asks once is not asked again per request.
//! A nonce is no secret (the server hands it to anyone); it is never written anywhere.
//!
//! When DPoP is used is the service's `dpop` setting ([`DpopMode`]): `never` (the default:
//! a service that never asked keeps plain bearer tokens, even though many providers
//! advertise DPoP), `auto` (when the provider's metadata lists ES256 in
//! `dpop_signing_alg_values_supported`), `always`.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::json;
use url::Url;

pub use crate::config::DpopMode;
use crate::error::{Error, Result};
use crate::secret::{AccessToken, DpopKey};

/// The `typ` header of a DPoP proof.
pub const PROOF_TYPE: &str = "dpop+jwt";

/// The only algorithm Authdeck's DPoP keys sign with.
pub const ALG: &str = "ES256";

/// The header that carries a proof.
pub const DPOP_HEADER: &str = "DPoP";

/// The header a server sends a nonce in.
pub const NONCE_HEADER: &str = "DPoP-Nonce";

/// The OAuth error (token endpoint) or `WWW-Authenticate` error (resource server) that
/// asks for a nonce.
pub const USE_NONCE: &str = "use_dpop_nonce";

/// Whether a service in `mode` uses DPoP with a provider whose metadata lists `algs` in
/// `dpop_signing_alg_values_supported` (empty when it lists none or was not fetched).
pub fn applies(mode: DpopMode, algs: &[String]) -> bool {
    match mode {
        DpopMode::Never => false,
        DpopMode::Always => true,
        DpopMode::Auto => algs.iter().any(|a| a == ALG),
    }
}

/// One request a proof is for.
#[derive(Debug, Clone, Copy)]
pub struct ProofFor<'a> {
    /// The HTTP method (`POST`, `GET`, …).
    pub method: &'a str,
    /// The URL the request goes to (its query and fragment are left out of `htu`).
    pub url: &'a Url,
    /// The access token sent with the request (to a resource server): its hash is `ath`.
    pub access_token: Option<&'a AccessToken>,
    /// Unix seconds.
    pub now: i64,
}

/// A fresh proof for `request`, with the nonce last remembered for its origin.
pub fn proof(key: &DpopKey, request: &ProofFor<'_>) -> Result<String> {
    let nonce = remembered_nonce(request.url);
    proof_with_nonce(key, request, nonce.as_deref())
}

/// A fresh proof for `request` with `nonce` (none: no `nonce` claim).
pub fn proof_with_nonce(
    key: &DpopKey,
    request: &ProofFor<'_>,
    nonce: Option<&str>,
) -> Result<String> {
    let mut jti = [0_u8; 18];
    SystemRandom::new()
        .fill(&mut jti)
        .map_err(|_| Error::Local("the system's random generator failed".into()))?;
    let mut claims = json!({
        "jti": URL_SAFE_NO_PAD.encode(jti),
        "htm": request.method,
        "htu": htu(request.url),
        "iat": request.now,
    });
    if let Some(map) = claims.as_object_mut() {
        if let Some(nonce) = nonce {
            map.insert("nonce".into(), nonce.into());
        }
        if let Some(token) = request.access_token {
            map.insert("ath".into(), ath(token).into());
        }
    }
    crate::client_key::sign_with_embedded_jwk(key, PROOF_TYPE, &claims)
}

/// The `htu` of a request to `url`: the URL without its query and fragment (RFC 9449 §4.2).
pub fn htu(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// The `ath` of an access token: the base64url SHA-256 of its ASCII (RFC 9449 §4.2).
pub fn ath(token: &AccessToken) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.expose().as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// The public key's RFC 7638 thumbprint: the `jkt` a bound token's `cnf` names, and the
/// `dpop_jkt` of a pushed authorization request.
pub fn thumbprint(key: &DpopKey) -> Result<String> {
    crate::client_key::dpop_thumbprint(key)
}

/// Whether a resource server's `WWW-Authenticate` value asks for a DPoP nonce:
/// `DPoP error="use_dpop_nonce", …` (RFC 9449 §9), possibly among other challenges.
pub fn asks_for_nonce(www_authenticate: &str) -> bool {
    // One challenge per scheme name; parameters are `name=value` or `name="value"`.
    let lower = www_authenticate.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let scheme_at = |i: usize| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 4).copied();
        matches!(before, None | Some(b' ' | b',')) && matches!(after, None | Some(b' '))
    };
    let Some(start) = lower
        .match_indices("dpop")
        .map(|(i, _)| i)
        .find(|&i| scheme_at(i))
    else {
        return false;
    };
    lower[start..]
        .split(',')
        .map(str::trim)
        .map(|part| part.trim_start_matches("dpop").trim())
        .take_while(|part| !part.is_empty())
        .any(|param| {
            param.split_once('=').is_some_and(|(name, value)| {
                name.trim() == "error" && value.trim().trim_matches('"') == USE_NONCE
            })
        })
}

fn nonces() -> &'static Mutex<BTreeMap<String, String>> {
    static NONCES: OnceLock<Mutex<BTreeMap<String, String>>> = OnceLock::new();
    NONCES.get_or_init(|| Mutex::new(BTreeMap::new()))
}

/// The origins whose nonce is remembered at most (a process talks to a handful).
const MAX_ORIGINS: usize = 64;

/// Remembers the nonce `url`'s origin gave, for the next proofs to it. A value that is
/// not a valid nonce (RFC 9449 §8.1: printable ASCII without `"` or `\`) is ignored.
pub fn remember_nonce(url: &Url, nonce: &str) {
    let valid = !nonce.is_empty()
        && nonce.len() <= 1024
        && nonce
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\');
    if !valid {
        return;
    }
    if let Ok(mut map) = nonces().lock() {
        let origin = crate::http::origin(url);
        if map.len() >= MAX_ORIGINS && !map.contains_key(&origin) {
            map.clear();
        }
        map.insert(origin, nonce.to_owned());
    }
}

/// The nonce last remembered for `url`'s origin.
pub fn remembered_nonce(url: &Url) -> Option<String> {
    nonces()
        .lock()
        .ok()
        .and_then(|map| map.get(&crate::http::origin(url)).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(part: &str) -> serde_json::Value {
        let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
        serde_json::from_slice(&bytes).expect("json")
    }

    #[test]
    fn a_proof_carries_what_rfc_9449_asks_and_verifies_with_its_jwk() {
        let key = crate::client_key::generate_dpop_key().expect("key");
        let url = Url::parse("https://as.test:8443/token?x=1#frag").expect("url");
        let token = AccessToken::new("at-123");
        let request = ProofFor {
            method: "POST",
            url: &url,
            access_token: Some(&token),
            now: 1_700_000_000,
        };
        let jws = proof_with_nonce(&key, &request, Some("n-1")).expect("proof");
        let parts: Vec<&str> = jws.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header = decode(parts[0]);
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["kty"], "EC");
        assert!(header["jwk"].get("d").is_none(), "no private part");
        let claims = decode(parts[1]);
        assert_eq!(claims["htm"], "POST");
        assert_eq!(claims["htu"], "https://as.test:8443/token");
        assert_eq!(claims["iat"], 1_700_000_000);
        assert_eq!(claims["nonce"], "n-1");
        assert_eq!(claims["ath"], ath(&token));
        assert_eq!(claims["jti"].as_str().map(str::len), Some(24));

        // The signature verifies with the public key of the header.
        let x = URL_SAFE_NO_PAD
            .decode(header["jwk"]["x"].as_str().expect("x"))
            .expect("x");
        let y = URL_SAFE_NO_PAD
            .decode(header["jwk"]["y"].as_str().expect("y"))
            .expect("y");
        let mut point = vec![4_u8];
        point.extend(x);
        point.extend(y);
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).expect("sig");
        let input = format!("{}.{}", parts[0], parts[1]);
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point)
            .verify(input.as_bytes(), &sig)
            .expect("valid signature");

        // Each proof is fresh; without a token there is no ath.
        let bare = ProofFor {
            access_token: None,
            ..request
        };
        let other = proof_with_nonce(&key, &bare, None).expect("proof");
        let claims2 = decode(other.split('.').nth(1).expect("claims"));
        assert_ne!(claims2["jti"], claims["jti"]);
        assert!(claims2.get("ath").is_none() && claims2.get("nonce").is_none());
    }

    #[test]
    fn the_ath_is_rfc_9449s_example() {
        // RFC 9449 §7.1: the access token `Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU`.
        let token = AccessToken::new("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU");
        assert_eq!(ath(&token), "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
    }

    #[test]
    fn the_mode_decides_from_the_metadata_only_for_auto() {
        let es256 = vec!["ES256".to_owned(), "EdDSA".to_owned()];
        let other = vec!["EdDSA".to_owned()];
        assert!(!applies(DpopMode::Never, &es256));
        assert!(applies(DpopMode::Always, &[]));
        assert!(applies(DpopMode::Auto, &es256));
        assert!(!applies(DpopMode::Auto, &other));
        assert!(!applies(DpopMode::Auto, &[]));
    }

    #[test]
    fn nonce_challenges_are_recognised() {
        assert!(asks_for_nonce(
            r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#
        ));
        assert!(asks_for_nonce(
            r#"Bearer realm="x", DPoP algs="ES256", error="use_dpop_nonce""#
        ));
        assert!(!asks_for_nonce(r#"DPoP error="invalid_token""#));
        assert!(!asks_for_nonce(r#"Bearer error="use_dpop_nonce""#));
        assert!(!asks_for_nonce(""));
    }

    #[test]
    fn nonces_are_remembered_per_origin() {
        let a = Url::parse("https://nonce-a.test/token").expect("url");
        let a2 = Url::parse("https://nonce-a.test/other?q=1").expect("url");
        let b = Url::parse("https://nonce-b.test/token").expect("url");
        remember_nonce(&a, "first");
        remember_nonce(&a2, "second");
        assert_eq!(remembered_nonce(&a).as_deref(), Some("second"));
        assert_eq!(remembered_nonce(&b), None);
        remember_nonce(&b, "bad\"nonce");
        assert_eq!(remembered_nonce(&b), None);
    }
}
