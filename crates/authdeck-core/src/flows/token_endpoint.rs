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
    Ok(http.send(req, "the token endpoint").await?)
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
    let place = format!(
        "{}://{}{}",
        endpoint.scheme(),
        endpoint.authority(),
        endpoint.path()
    );
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
