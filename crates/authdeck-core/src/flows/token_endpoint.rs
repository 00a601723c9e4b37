//! One client for every token-endpoint request: client authentication, where the
//! parameters travel, and turning every answer into a token response or a clear error.

use url::Url;

use crate::config::ClientAuth;
pub use crate::config::TokenPlacement as Placement;
use crate::error::Error;
use crate::http::{HttpClient, HttpResponse};
use crate::secret::Secret;
use crate::token::TokenResponse;

/// The client's credentials for one request.
#[derive(Debug, Clone, Copy)]
pub struct ClientCreds<'a> {
    pub id: &'a str,
    pub auth: ClientAuth,
    pub secret: Option<&'a Secret<String>>,
}

/// An error response in the OAuth format (`{"error": …, "error_description": …}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: u16,
    pub code: String,
    pub description: Option<String>,
}

impl OAuthError {
    /// "invalid_client (Client authentication failed)".
    pub fn summary(&self) -> String {
        match &self.description {
            Some(d) => format!("{} ({d})", self.code),
            None => self.code.clone(),
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

impl From<TokenError> for Error {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::OAuth(o) => Error::Provider(format!(
                "the provider refused the token request: {}",
                o.summary()
            )),
            TokenError::Other(e) => e,
        }
    }
}

/// Sends a token request with `params` (grant parameters and extras) and parses the
/// answer. The client's credentials are added as `creds.auth` says.
pub async fn request(
    http: &HttpClient,
    endpoint: &Url,
    creds: ClientCreds<'_>,
    params: &[(String, String)],
    placement: Placement,
) -> Result<TokenResponse, TokenError> {
    let resp = send(http, endpoint, creds, params, placement).await?;
    if resp.is_success() {
        if !resp.looks_like_json() {
            return Err(not_oauth(endpoint, &resp).into());
        }
        return Ok(TokenResponse::parse(&resp.body)?);
    }
    Err(error_from(endpoint, &resp))
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
    let mut all: Vec<(String, String)> = params.to_vec();
    let mut basic = None;
    match creds.auth {
        // A public client of a password grant may have no id at all (RFC 6749 §4.3.2).
        ClientAuth::None if creds.id.is_empty() => {}
        ClientAuth::None => all.push(("client_id".into(), creds.id.to_owned())),
        ClientAuth::ClientSecretPost => {
            let secret = require_secret(creds)?;
            all.push(("client_id".into(), creds.id.to_owned()));
            all.push(("client_secret".into(), secret.expose().clone()));
        }
        ClientAuth::ClientSecretBasic => {
            let secret = require_secret(creds)?;
            // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            basic = Some((enc(creds.id), enc(secret.expose())));
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
    req = match placement {
        Placement::Form => req.form(&all),
        Placement::PostQuery => req.header(reqwest::header::CONTENT_LENGTH, "0"),
        Placement::GetQuery => req,
    };
    let mut resp = http.send(req, "the token endpoint").await?;
    if !resp.is_success() {
        // An error answer may echo what was sent (a refresh token in error_description, a
        // debug page quoting the form): such text must never reach a message.
        scrub(&mut resp.body, &sent_secrets(creds, params));
    }
    Ok(resp)
}

/// Parameters whose values are secrets (RFC 6749, 7009, 7636, 8628, 7523).
const SECRET_PARAMS: &[&str] = &[
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

/// The error codes of RFC 6749, 6750, 7009 and 8628.
const OAUTH_ERROR_CODES: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    "invalid_token",
    "insufficient_scope",
    "unsupported_token_type",
    "authorization_pending",
    "slow_down",
    "expired_token",
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
        values.push(secret.expose().clone());
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
    values.retain(|v| v.len() >= 6 && !OAUTH_ERROR_CODES.iter().any(|c| c.contains(v.as_str())));
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

fn require_secret<'a>(creds: ClientCreds<'a>) -> Result<&'a Secret<String>, TokenError> {
    creds.secret.ok_or_else(|| {
        TokenError::Other(Error::Config(format!(
            "client '{}' authenticates with {}, but no client secret is stored: run `authdeck service secret <service> --client-secret-stdin`",
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

/// Reads `{"error":…, "error_description":…}` (the description shortened and cleaned).
pub fn parse_oauth_error(resp: &HttpResponse) -> Option<OAuthError> {
    let value: serde_json::Value = serde_json::from_slice(&resp.body).ok()?;
    let code = value.get("error")?.as_str()?.to_owned();
    let description = value
        .get("error_description")
        .and_then(|d| d.as_str())
        .map(clean_text);
    Some(OAuthError {
        status: resp.status,
        code: clean_text(&code),
        description,
    })
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
    Error::Provider(format!(
        "{place} answered HTTP {} ({ct}) instead of an OAuth JSON response: {hint}",
        resp.status
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_secrets_are_scrubbed_from_error_answers() {
        let secret = Secret::new("client/secret+value".to_owned());
        let creds = ClientCreds {
            id: "app",
            auth: ClientAuth::ClientSecretBasic,
            secret: Some(&secret),
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
        };
        let mut body = br#"{"error":"invalid_grant"}"#.to_vec();
        scrub(&mut body, &sent_secrets(creds, &params));
        assert_eq!(body, br#"{"error":"invalid_grant"}"#.to_vec());
    }

    fn resp(status: u16, ct: &str, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some(ct.into()),
            body: body.as_bytes().to_vec(),
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
                assert_eq!(o.code, "invalid_grant");
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
    }
}
