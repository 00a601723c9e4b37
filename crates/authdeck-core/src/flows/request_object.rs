//! Signed request objects (JAR, RFC 9101): the browser login's authorization parameters
//! in one JWT, signed with the client's private key (`private_key_jwt`) or, without one,
//! HS256 with the client secret, so the provider knows they come from the client and
//! were not changed in the browser. The JWT carries `iss` and `client_id` (the client),
//! `aud` (the provider's issuer), `iat`, `nbf`, `exp` (five minutes) and a fresh `jti`
//! (§4, §10.8); the browser (or the pushed request, RFC 9126) then carries only
//! `client_id` and `request`.

use serde_json::{Map, Value};

use super::ClientIdentity;
use crate::client_key::{self, JwtSigner};
use crate::error::{Error, Result};

/// How long a request object is valid: the provider checks it when the browser arrives
/// (or when it is pushed), right after it is made.
pub const LIFETIME_SECS: i64 = 300;

/// The `typ` of a request object (RFC 9101 §10.8).
pub const TYP: &str = "oauth-authz-req+jwt";

/// The signed request object of `params` (the authorization request's parameters) for
/// the provider `audience`.
pub fn sign(
    client: &ClientIdentity,
    audience: &str,
    params: &[(String, String)],
    now: i64,
) -> Result<String> {
    let by = match (&client.key, &client.secret) {
        (Some(key), _) => JwtSigner::Key(key),
        (None, Some(secret)) => JwtSigner::Secret(secret),
        (None, None) => {
            return Err(Error::Config(format!(
                "client '{}' has neither a private key nor a client secret to sign its request objects with: use private_key_jwt or a confidential client, or set request_object = \"plain\"",
                client.client_id
            )))
        }
    };
    client_key::sign_jwt(by, TYP, &claims(&client.client_id, audience, params, now)?)
}

/// The claims: the parameters, then the ones the RFC asks for (which win).
fn claims(client_id: &str, audience: &str, params: &[(String, String)], now: i64) -> Result<Value> {
    let mut claims = Map::new();
    for (k, v) in params {
        claims.insert(k.clone(), Value::String(v.clone()));
    }
    claims.insert("iss".into(), client_id.into());
    claims.insert("client_id".into(), client_id.into());
    claims.insert("aud".into(), audience.into());
    claims.insert("iat".into(), now.into());
    claims.insert("nbf".into(), now.into());
    claims.insert("exp".into(), (now + LIFETIME_SECS).into());
    claims.insert("jti".into(), client_key::random_id()?.into());
    Ok(Value::Object(claims))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientAuth;
    use crate::secret::ClientSecret;
    use base64::Engine as _;

    fn part(jwt: &str, i: usize) -> Value {
        let raw = jwt.split('.').nth(i).expect("part");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .expect("base64url");
        serde_json::from_slice(&bytes).expect("json")
    }

    #[test]
    fn the_request_object_carries_the_parameters_and_the_rfcs_claims() {
        let params = vec![
            ("response_type".to_owned(), "code".to_owned()),
            ("scope".to_owned(), "openid".to_owned()),
            ("state".to_owned(), "st".to_owned()),
            ("iss".to_owned(), "not-the-client".to_owned()),
        ];
        let secret = ClientIdentity::new(
            "app".into(),
            ClientAuth::ClientSecretJwt,
            Some(ClientSecret::new("a-secret-of-enough-length-for-hs256")),
        );
        let jwt = sign(&secret, "https://id.test", &params, 1_000).expect("signed");
        let header = part(&jwt, 0);
        assert_eq!(header["alg"], "HS256");
        assert_eq!(header["typ"], TYP);
        let c = part(&jwt, 1);
        assert_eq!(c["iss"], "app", "the client, not a parameter");
        assert_eq!(c["client_id"], "app");
        assert_eq!(c["aud"], "https://id.test");
        assert_eq!(
            (c["iat"].as_i64(), c["exp"].as_i64()),
            (Some(1_000), Some(1_300))
        );
        assert_eq!(
            (c["response_type"].as_str(), c["state"].as_str()),
            (Some("code"), Some("st"))
        );
        let again = sign(&secret, "https://id.test", &params, 1_000).expect("signed");
        assert_ne!(part(&again, 1)["jti"], c["jti"], "a fresh jti each time");

        let key = crate::client_key::generate_es256().expect("key");
        let mut keyed = ClientIdentity::new("app".into(), ClientAuth::PrivateKeyJwt, None);
        keyed.key = Some(key);
        assert_eq!(
            part(&sign(&keyed, "a", &params, 0).expect("signed"), 0)["alg"],
            "ES256"
        );

        let public = ClientIdentity::new("app".into(), ClientAuth::None, None);
        let err = sign(&public, "a", &params, 0).expect_err("nothing to sign with");
        assert!(err.to_string().contains("request_object"), "{err}");
    }
}
