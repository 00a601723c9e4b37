//! Assertions: header, claims, and signatures that verify with the public JWK Authdeck
//! prints (so the key registered at the provider is the one that signs).

use super::*;

/// Test fixtures made with OpenSSL for these tests only (never used anywhere else).
const RSA_PKCS8: &str = include_str!("test-rsa.pem");
const RSA_PKCS1: &str = include_str!("test-rsa-pkcs1.pem");
const EC_SEC1: &str = include_str!("test-ec-sec1.pem");

fn b64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).expect("base64url")
}

fn parts(jwt: &str) -> (Value, Value, Vec<u8>, String) {
    let mut it = jwt.split('.');
    let (h, p, s) = (
        it.next().expect("header"),
        it.next().expect("payload"),
        it.next().expect("signature"),
    );
    assert!(it.next().is_none(), "three parts");
    let json = |s: &str| serde_json::from_slice::<Value>(&b64(s)).expect("json");
    (json(h), json(p), b64(s), format!("{h}.{p}"))
}

fn claims() -> AssertionClaims<'static> {
    AssertionClaims {
        client_id: "app-1",
        audience: "https://id.test/token",
        now: 1_700_000_000,
    }
}

fn check_claims(payload: &Value) {
    assert_eq!(payload["iss"], "app-1");
    assert_eq!(payload["sub"], "app-1");
    assert_eq!(payload["aud"], "https://id.test/token");
    assert_eq!(payload["iat"], 1_700_000_000);
    assert_eq!(payload["exp"], 1_700_000_000 + ASSERTION_LIFETIME_SECS);
    assert!(payload["jti"].as_str().is_some_and(|j| j.len() >= 20));
}

#[test]
fn es256_assertions_verify_with_the_printed_jwk() {
    let key = generate_es256().expect("generate");
    assert!(key.expose().starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(key_alg(&key).expect("alg"), KeyAlg::Es256);
    let jwk = public_jwk(&key).expect("jwk");
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["crv"], "P-256");
    assert_eq!(jwk["alg"], "ES256");
    assert_eq!(jwk["use"], "sig");
    assert!(jwk.get("d").is_none(), "no private part: {jwk}");

    let jwt = sign_assertion(&key, &claims()).expect("sign");
    let (header, payload, sig, input) = parts(&jwt);
    assert_eq!(
        header,
        json!({"alg": "ES256", "typ": "JWT", "kid": jwk["kid"]})
    );
    check_claims(&payload);

    let mut point = vec![4_u8];
    point.extend(b64(jwk["x"].as_str().expect("x")));
    point.extend(b64(jwk["y"].as_str().expect("y")));
    let public = signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point);
    public.verify(input.as_bytes(), &sig).expect("verifies");
    // Another message does not verify: the check can fail.
    assert!(public.verify(b"other", &sig).is_err());

    // Every assertion has its own jti.
    let (_, again, _, _) = parts(&sign_assertion(&key, &claims()).expect("sign"));
    assert_ne!(payload["jti"], again["jti"]);
    // Two generated keys differ.
    let other = public_jwk(&generate_es256().expect("generate")).expect("jwk");
    assert_ne!(jwk["kid"], other["kid"]);
}

#[test]
fn rs256_keys_are_imported_in_either_format_and_verify() {
    let (pkcs8, alg) =
        import(&format!("some text before\n{RSA_PKCS8}\nand after")).expect("import");
    assert_eq!(alg, KeyAlg::Rs256);
    assert!(pkcs8.expose().starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(!pkcs8.expose().contains("text"));
    let (pkcs1, _) = import(RSA_PKCS1).expect("import pkcs1");
    let jwk = public_jwk(&pkcs8).expect("jwk");
    assert_eq!(jwk, public_jwk(&pkcs1).expect("jwk"), "the same key");
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS256");
    assert!(jwk.get("d").is_none() && jwk.get("p").is_none(), "{jwk}");

    let (header, payload, sig, input) = parts(&sign_assertion(&pkcs1, &claims()).expect("sign"));
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], jwk["kid"]);
    check_claims(&payload);
    let public = signature::RsaPublicKeyComponents {
        n: b64(jwk["n"].as_str().expect("n")),
        e: b64(jwk["e"].as_str().expect("e")),
    };
    public
        .verify(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            input.as_bytes(),
            &sig,
        )
        .expect("verifies");
}

#[test]
fn the_rfc7638_thumbprint_is_the_kid() {
    // RFC 7638 §3.1's example key and thumbprint.
    let members = json!({
        "e": "AQAB",
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    });
    assert_eq!(
        thumbprint(&members),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

#[test]
fn client_secret_jwt_is_an_hs256_mac_of_the_secret() {
    let secret = ClientSecret::new("a-long-client-secret-value");
    let jwt = mac_assertion(&secret, &claims()).expect("mac");
    let (header, payload, tag, input) = parts(&jwt);
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
    check_claims(&payload);
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"a-long-client-secret-value");
    ring::hmac::verify(&key, input.as_bytes(), &tag).expect("verifies");
    let wrong = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"another secret");
    assert!(ring::hmac::verify(&wrong, input.as_bytes(), &tag).is_err());
    assert!(!jwt.contains("a-long-client-secret-value"));
}

#[test]
fn unusable_keys_are_refused_with_what_to_do_and_never_quoted() {
    let err = import(EC_SEC1).expect_err("sec1").to_string();
    assert!(
        err.contains("PKCS#8") && err.contains("openssl pkcs8"),
        "{err}"
    );
    let body_line = EC_SEC1.lines().nth(1).expect("a base64 line");
    assert!(!err.contains(body_line), "{err}");

    let err = import("not a key").expect_err("text").to_string();
    assert!(err.contains("PEM"), "{err}");
    let err = import("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        .expect_err("junk")
        .to_string();
    assert!(err.contains("ES256") && err.contains("RS256"), "{err}");
    let err = import("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        .expect_err("certificate")
        .to_string();
    assert!(err.contains("not a private key"), "{err}");
    let err = import("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----\n")
        .expect_err("encrypted")
        .to_string();
    assert!(err.contains("encrypted"), "{err}");
}
