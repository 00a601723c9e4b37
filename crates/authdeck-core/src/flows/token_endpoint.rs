//! One client for every token-endpoint request: client authentication, where the
//! parameters travel, and turning every answer into a token response or a clear error.
//! A token request of an account with a DPoP key carries a fresh proof (RFC 9449,
//! `dpop.rs`), and is sent once more with the provider's nonce when it asks for one.

use url::Url;

use super::error_code::ErrorCode;
use super::refusal::{self, Grant};
use crate::client_key::{self, AssertionClaims};
use crate::config::ClientAuth;
pub use crate::config::TokenPlacement as Placement;
use crate::dpop::{self, ProofFor};
use crate::error::{Error, Refusal};
use crate::http::{HttpClient, HttpResponse};
use crate::secret::{ClientKey, ClientSecret, DpopKey};
use crate::token::{Clock as _, SystemClock, TokenResponse};

/// The client's credentials for one request.
#[derive(Debug, Clone, Copy)]
pub struct ClientCreds<'a> {
    pub id: &'a str,
    pub auth: ClientAuth,
    pub secret: Option<&'a ClientSecret>,
    /// The private key of `private_key_jwt`.
    pub key: Option<&'a ClientKey>,
    /// The `aud` of client assertions; `None`: the URL of the endpoint called.
    pub audience: Option<&'a str>,
    /// The account's DPoP key: token requests ([`request`]) carry a proof of it.
    pub dpop: Option<&'a DpopKey>,
}

/// The `client_assertion_type` of RFC 7523 §2.2.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// An error response in the OAuth format (`{"error": …, "error_description": …}`), or
/// NOMAD's 401 `{"detail": …}` (code [`ErrorCode::Unauthenticated`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: u16,
    pub code: ErrorCode,
    pub description: Option<String>,
}

impl OAuthError {
    /// "invalid_client (Client authentication failed)".
    pub fn summary(&self) -> String {
        match &self.description {
            Some(d) => format!("{} ({d})", self.code),
            None => self.code.to_string(),
        }
    }
}

/// A failed token request: either the provider's OAuth error, which callers branch on
/// (`invalid_grant`, `authorization_pending`, …), or any other failure.
#[derive(Debug)]
pub enum TokenError {
    OAuth(OAuthError),
    Other(Error),
}

impl From<Error> for TokenError {
    fn from(e: Error) -> Self {
        TokenError::Other(e)
    }
}

impl TokenError {
    /// The error for a failed `grant` request: a refusal classified by
    /// [`refusal::classify`], or a provider error naming `what` was refused.
    pub fn into_error(self, grant: Grant, what: &str) -> Error {
        match self {
            TokenError::OAuth(o) => refusal::to_error(grant, &o, what),
            TokenError::Other(e) => e,
        }
    }
}

impl From<TokenError> for Error {
    fn from(e: TokenError) -> Self {
        e.into_error(Grant::Other, "the token request")
    }
}

/// Sends a token request with `params` (grant parameters and extras) and parses the
/// answer. The client's credentials are added as `creds.auth` says; with a DPoP key, a
/// fresh proof too, and the request is repeated once with the provider's nonce when it
/// answers `use_dpop_nonce` (RFC 9449 §8).
pub async fn request(
    http: &HttpClient,
    endpoint: &Url,
    creds: ClientCreds<'_>,
    params: &[(String, String)],
    placement: Placement,
) -> Result<TokenResponse, TokenError> {
    let resp = match creds.dpop {
        None => send(http, endpoint, creds, params, placement).await?,
        Some(key) => {
            let proof_with = |nonce: Option<&str>| {
                let method = match placement {
                    Placement::GetQuery => "GET",
                    Placement::Form | Placement::PostQuery => "POST",
                };
                let now = SystemClock.now();
                let request = ProofFor {
                    method,
                    url: endpoint,
                    access_token: None,
                    now,
                };
                dpop::proof_with_nonce(key, &request, nonce)
            };
            let nonce = dpop::remembered_nonce(endpoint);
            let proof = proof_with(nonce.as_deref())?;
            let resp = send_inner(http, endpoint, creds, params, placement, Some(&proof)).await?;
            let fresh = resp
                .dpop_nonce
                .clone()
                .filter(|n| Some(n) != nonce.as_ref());
            if let Some(n) = &resp.dpop_nonce {
                dpop::remember_nonce(endpoint, n);
            }
            let asks_nonce = !resp.is_success()
                && parse_oauth_error(&resp).is_some_and(|o| o.code == ErrorCode::UseDpopNonce);
            match fresh {
                Some(n) if asks_nonce => {
                    tracing::debug!("the token endpoint asked for a DPoP nonce: sending again");
                    let proof = proof_with(Some(&n))?;
                    let resp =
                        send_inner(http, endpoint, creds, params, placement, Some(&proof)).await?;
                    if let Some(n) = &resp.dpop_nonce {
                        dpop::remember_nonce(endpoint, n);
                    }
                    resp
                }
                _ => resp,
            }
        }
    };
    if resp.is_success() {
        if !resp.looks_like_json() {
            return Err(not_oauth(endpoint, &resp).into());
        }
        return Ok(TokenResponse::parse(&resp.body)?);
    }
    match error_from(endpoint, &resp) {
        TokenError::OAuth(o) if creds.dpop.is_none() && refusal::wants_dpop(&o) => {
            Err(TokenError::Other(refusal::dpop_required(&o)))
        }
        other => Err(other),
    }
}

/// Sends a request to an OAuth endpoint (token, revocation, device authorization) with
/// the client's credentials, returning the raw response.
pub async fn send(
    http: &HttpClient,
    endpoint: &Url,
    creds: ClientCreds<'_>,
    params: &[(String, String)],
    placement: Placement,
) -> Result<HttpResponse, TokenError> {
    send_inner(http, endpoint, creds, params, placement, None).await
}

/// [`send`], with a DPoP proof in the `DPoP` header when one is given.
async fn send_inner(
    http: &HttpClient,
    endpoint: &Url,
    creds: ClientCreds<'_>,
    params: &[(String, String)],
    placement: Placement,
    dpop_proof: Option<&str>,
) -> Result<HttpResponse, TokenError> {
    let mut all: Vec<(String, String)> = params.to_vec();
    let mut basic = None;
    match creds.auth {
        // A public client of a password grant may have no id at all (RFC 6749 §4.3.2).
        ClientAuth::None if creds.id.is_empty() => {}
        ClientAuth::None => all.push(("client_id".into(), creds.id.to_owned())),
        ClientAuth::ClientSecretPost => {
            let secret = require_secret(creds)?;
            all.push(("client_id".into(), creds.id.to_owned()));
            all.push(("client_secret".into(), secret.expose().to_owned()));
        }
        ClientAuth::ClientSecretBasic => {
            let secret = require_secret(creds)?;
            // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            basic = Some((enc(creds.id), enc(secret.expose())));
        }
        ClientAuth::ClientSecretJwt | ClientAuth::PrivateKeyJwt => {
            let audience = creds.audience.unwrap_or(endpoint.as_str());
            let jwt = client_assertion(creds, audience, SystemClock.now())?;
            all.push(("client_id".into(), creds.id.to_owned()));
            all.push((
                "client_assertion_type".into(),
                JWT_BEARER_ASSERTION.to_owned(),
            ));
            all.push(("client_assertion".into(), jwt));
        }
    }
    let mut url = endpoint.clone();
    let method = match placement {
        Placement::Form | Placement::PostQuery => reqwest::Method::POST,
        Placement::GetQuery => reqwest::Method::GET,
    };
    if placement != Placement::Form {
        url.query_pairs_mut().extend_pairs(all.iter());
    }
    let mut req = http
        .request(method, &url)
        .header(reqwest::header::ACCEPT, "application/json");
    if let Some((user, pass)) = basic {
        req = req.basic_auth(user, Some(pass));
    }
    if let Some(proof) = dpop_proof {
        req = req.header(dpop::DPOP_HEADER, proof);
    }
    req = match placement {
        Placement::Form => req.form(&all),
        Placement::PostQuery => req.header(reqwest::header::CONTENT_LENGTH, "0"),
        Placement::GetQuery => req,
    };
    let started = std::time::Instant::now();
    let sent = http.send(req, "the token endpoint").await;
    let took = started.elapsed();
    let mut resp = match sent {
        Ok(resp) => resp,
        Err(e) => {
            crate::activity::note_request(endpoint, None, took, None);
            return Err(e.into());
        }
    };
    let mut answer = None;
    if !resp.is_success() {
        // An error answer may echo what was sent (a refresh token in error_description, a
        // debug page quoting the form): such text must never reach a message.
        scrub(&mut resp.body, &sent_secrets(creds, &all));
        answer = parse_oauth_error(&resp).map(|o| o.summary());
    }
    // Every token request is noted for the account's activity (`activity.rs`); the
    // answer only once it is scrubbed.
    crate::activity::note_request(endpoint, Some(resp.status), took, answer);
    Ok(resp)
}

/// Parameters whose values are secrets (RFC 6749, 7009, 7636, 8628, 7523, 8693).
const SECRET_PARAMS: &[&str] = &[
    "subject_token",
    "actor_token",
    "refresh_token",
    "code",
    "code_verifier",
    "password",
    "client_secret",
    "device_code",
    "token",
    "assertion",
    "client_assertion",
];

/// The secret values a request carries, in the forms an echo may show them: as sent,
/// form-urlencoded, and the Basic credentials' base64.
fn sent_secrets(creds: ClientCreds<'_>, params: &[(String, String)]) -> Vec<String> {
    use base64::Engine as _;
    let mut values: Vec<String> = params
        .iter()
        .filter(|(k, _)| SECRET_PARAMS.contains(&k.as_str()))
        .map(|(_, v)| v.clone())
        .collect();
    if let Some(secret) = creds.secret {
        values.push(secret.expose().to_owned());
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let basic = format!("{}:{}", enc(creds.id), enc(secret.expose()));
        values.push(base64::engine::general_purpose::STANDARD.encode(basic));
    }
    let encoded: Vec<String> = values
        .iter()
        .map(|v| url::form_urlencoded::byte_serialize(v.as_bytes()).collect())
        .collect();
    values.extend(encoded);
    // Very short values would blank out ordinary words; no real secret is that short. A
    // value inside a standard error code ("invalid" as a password) is left alone: the
    // code must stay readable, and it tells nothing about the secret.
    values
        .retain(|v| v.len() >= 6 && !ErrorCode::known_wire_forms().any(|c| c.contains(v.as_str())));
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
}

/// Replaces every occurrence of each secret in `body` with `[redacted]`.
fn scrub(body: &mut Vec<u8>, secrets: &[String]) {
    for secret in secrets {
        let needle = secret.as_bytes();
        if needle.is_empty() || body.len() < needle.len() {
            continue;
        }
        let mut out = Vec::with_capacity(body.len());
        let mut i = 0;
        while i < body.len() {
            if body[i..].starts_with(needle) {
                out.extend_from_slice(b"[redacted]");
                i += needle.len();
            } else {
                out.push(body[i]);
                i += 1;
            }
        }
        *body = out;
    }
}

/// A fresh client assertion (unique `jti`, a minute of validity) for one request.
pub fn client_assertion(
    creds: ClientCreds<'_>,
    audience: &str,
    now: i64,
) -> Result<String, TokenError> {
    let claims = AssertionClaims {
        client_id: creds.id,
        audience,
        now,
    };
    Ok(match creds.auth {
        ClientAuth::PrivateKeyJwt => {
            let key = creds.key.ok_or_else(|| {
                TokenError::Other(Error::Config(format!(
                    "client '{}' authenticates with private_key_jwt, but no private key is stored",
                    creds.id
                )))
            })?;
            client_key::sign_assertion(key, &claims)?
        }
        _ => client_key::mac_assertion(require_secret(creds)?, &claims)?,
    })
}

fn require_secret<'a>(creds: ClientCreds<'a>) -> Result<&'a ClientSecret, TokenError> {
    creds.secret.ok_or_else(|| {
        TokenError::Other(Error::Config(format!(
            "client '{}' authenticates with {}, but no client secret is stored",
            creds.id,
            creds.auth.as_str()
        )))
    })
}

/// Turns a non-success response into an OAuth error or a clear provider error.
pub fn error_from(endpoint: &Url, resp: &HttpResponse) -> TokenError {
    if resp.looks_like_json() {
        if let Some(oauth) = parse_oauth_error(resp) {
            return TokenError::OAuth(oauth);
        }
    }
    TokenError::Other(not_oauth(endpoint, resp))
}

/// Reads `{"error":…, "error_description":…}` (the description shortened and cleaned),
/// or NOMAD's (FastAPI's) HTTP 401 `{"detail": "<text>"}`, which has no OAuth code.
pub fn parse_oauth_error(resp: &HttpResponse) -> Option<OAuthError> {
    let value: serde_json::Value = serde_json::from_slice(&resp.body).ok()?;
    if let Some(code) = value.get("error").and_then(|e| e.as_str()) {
        let description = value
            .get("error_description")
            .and_then(|d| d.as_str())
            .map(clean_text);
        return Some(OAuthError {
            status: resp.status,
            code: ErrorCode::parse(&clean_text(code)),
            description,
        });
    }
    let detail = value.get("detail").and_then(|d| d.as_str());
    match (resp.status, detail) {
        (401, Some(detail)) => Some(OAuthError {
            status: resp.status,
            code: ErrorCode::Unauthenticated,
            description: Some(clean_text(detail)),
        }),
        _ => None,
    }
}

/// Keeps provider text printable and short.
pub fn clean_text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out: String = cleaned.trim().chars().take(300).collect();
    if cleaned.trim().chars().count() > 300 {
        out.push('…');
    }
    out
}

/// An answer that is not a usable OAuth response, described without quoting its body.
pub fn not_oauth(endpoint: &Url, resp: &HttpResponse) -> Error {
    let place = format!("{}{}", crate::http::origin(endpoint), endpoint.path());
    let ct = resp
        .content_type
        .as_deref()
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_owned())
        .unwrap_or_else(|| "no content type".to_owned());
    let hint = match resp.status {
        300..=399 => {
            "Authdeck does not follow redirects from OAuth endpoints: check the configured URL"
        }
        404 | 405 => "check the configured endpoint URL",
        500..=599 => "the provider has a problem; try again later",
        200..=299 => "check that the URL points at a token endpoint",
        _ => "check the service's settings",
    };
    let message = format!(
        "{place} answered HTTP {} ({ct}) instead of an OAuth JSON response: {hint}",
        resp.status
    );
    if resp.is_server_error() {
        Error::refused(Refusal::ProviderBroken, message)
    } else {
        Error::Provider(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_secrets_are_scrubbed_from_error_answers() {
        let secret = ClientSecret::new("client/secret+value");
        let creds = ClientCreds {
            id: "app",
            auth: ClientAuth::ClientSecretBasic,
            secret: Some(&secret),
            key: None,
            audience: None,
            dpop: None,
        };
        let params = vec![
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("refresh_token".to_owned(), "rt-0123456789".to_owned()),
            ("scope".to_owned(), "openid".to_owned()),
        ];
        let secrets = sent_secrets(creds, &params);
        let mut body = br#"{"error":"invalid_grant","error_description":"token rt-0123456789 (client/secret+value, client%2Fsecret%2Bvalue) for openid"}"#.to_vec();
        scrub(&mut body, &secrets);
        let text = String::from_utf8(body).expect("utf-8");
        assert!(!text.contains("rt-0123456789"), "{text}");
        assert!(
            !text.contains("secret+value") && !text.contains("secret%2Bvalue"),
            "{text}"
        );
        assert!(
            text.contains("[redacted]") && text.contains("for openid"),
            "{text}"
        );

        // A password that is part of an error code does not garble the code.
        let params = vec![("password".to_owned(), "invalid".to_owned())];
        let creds = ClientCreds {
            id: "app",
            auth: ClientAuth::None,
            secret: None,
            key: None,
            audience: None,
            dpop: None,
        };
        let mut body = br#"{"error":"invalid_grant"}"#.to_vec();
        scrub(&mut body, &sent_secrets(creds, &params));
        assert_eq!(body, br#"{"error":"invalid_grant"}"#.to_vec());
    }

    #[test]
    fn echoed_assertions_are_scrubbed_too() {
        let params = vec![
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            (
                "client_assertion".to_owned(),
                "eyJhbGciOi.eyJpc3Mi.c2lnbmF0dXJl".to_owned(),
            ),
        ];
        let creds = ClientCreds {
            id: "app",
            auth: ClientAuth::PrivateKeyJwt,
            secret: None,
            key: None,
            audience: None,
            dpop: None,
        };
        let mut body =
            br#"{"error":"invalid_client","error_description":"bad eyJhbGciOi.eyJpc3Mi.c2lnbmF0dXJl"}"#
                .to_vec();
        scrub(&mut body, &sent_secrets(creds, &params));
        let text = String::from_utf8(body).expect("utf-8");
        assert!(!text.contains("c2lnbmF0dXJl"), "{text}");
    }

    #[test]
    fn a_private_key_jwt_client_without_a_key_says_so() {
        let creds = ClientCreds {
            id: "app",
            auth: ClientAuth::PrivateKeyJwt,
            secret: None,
            key: None,
            audience: None,
            dpop: None,
        };
        let Err(TokenError::Other(e)) = client_assertion(creds, "https://id.test/token", 0) else {
            panic!("no key, no assertion");
        };
        assert!(e.to_string().contains("no private key"), "{e}");
    }

    fn resp(status: u16, ct: &str, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some(ct.into()),
            body: body.as_bytes().to_vec(),
            dpop_nonce: None,
        }
    }

    #[test]
    fn oauth_errors_are_recognised() {
        let url = Url::parse("https://id.test/token").expect("url");
        match error_from(
            &url,
            &resp(
                400,
                "application/json",
                r#"{"error":"invalid_grant","error_description":"grant\nrevoked"}"#,
            ),
        ) {
            TokenError::OAuth(o) => {
                assert_eq!(o.code, ErrorCode::InvalidGrant);
                assert_eq!(o.summary(), "invalid_grant (grant revoked)");
            }
            TokenError::Other(e) => panic!("{e}"),
        }
        let err = Error::from(error_from(
            &url,
            &resp(502, "text/html", "<html>bad gateway SECRET</html>"),
        ));
        let text = err.to_string();
        assert!(
            text.contains("HTTP 502 (text/html)") && !text.contains("SECRET"),
            "{text}"
        );
        assert_eq!(err.refusal(), Some(Refusal::ProviderBroken));
        // NOMAD's wrong password: no OAuth code, but a 401 with a FastAPI detail.
        match error_from(
            &url,
            &resp(
                401,
                "application/json",
                r#"{"detail":"Incorrect username or password"}"#,
            ),
        ) {
            TokenError::OAuth(o) => {
                assert_eq!(o.code, ErrorCode::Unauthenticated);
                assert_eq!(
                    o.description.as_deref(),
                    Some("Incorrect username or password")
                );
            }
            TokenError::Other(e) => panic!("{e}"),
        }
        // A detail on another status (a 422 validation list) is no refusal.
        assert!(matches!(
            error_from(
                &url,
                &resp(
                    422,
                    "application/json",
                    r#"{"detail":[{"msg":"Field required"}]}"#
                )
            ),
            TokenError::Other(_)
        ));
    }
}
