//! Token introspection (RFC 7662): asking the provider whether a token is still active,
//! and what it says the token is for. The request goes through `token_endpoint.rs` like
//! every other (client authentication, scrubbing, the activity note). What comes back is
//! the provider's word, kept as it said it; a token the provider does not know, that
//! expired or was revoked is simply "not active" (RFC 7662 §2.2).

use serde::Deserialize;
use url::Url;

use super::revoke::{Revocable, WhichToken};
use super::token_endpoint::{self, Placement};
use super::ClientIdentity;
use crate::error::{Error, Result};
use crate::http::HttpClient;

/// What the provider said of a token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Introspection {
    /// Whether the provider considers the token active.
    pub active: bool,
    /// Expiry (Unix seconds), as the provider said.
    pub expires_at: Option<i64>,
    /// When it was issued (Unix seconds), as the provider said.
    pub issued_at: Option<i64>,
    /// The scopes it grants, space-separated in the answer.
    pub scopes: Vec<String>,
    /// The client it was issued to.
    pub client_id: Option<String>,
    /// The kind of token ("Bearer", "access_token", …).
    pub token_type: Option<String>,
    /// The resource owner's human-readable name, when the provider gives one.
    pub username: Option<String>,
}

/// The answer's members Authdeck reads (RFC 7662 §2.2); others are ignored.
#[derive(Deserialize)]
struct Answer {
    active: Option<serde_json::Value>,
    #[serde(default)]
    exp: Option<serde_json::Value>,
    #[serde(default)]
    iat: Option<serde_json::Value>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    username: Option<String>,
}

/// A time member: a JSON number, or a number written as a string (as some providers do).
fn seconds(value: Option<&serde_json::Value>) -> Option<i64> {
    match value? {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads an introspection answer. `what` names the token for the error.
pub fn parse(body: &[u8], which: WhichToken) -> Result<Introspection> {
    let bad = || {
        Error::Provider(format!(
            "the provider's answer about the {} is not an introspection response (no \"active\" member): check the introspection endpoint",
            which.noun()
        ))
    };
    let answer: Answer = serde_json::from_slice(body).map_err(|_| bad())?;
    // RFC 7662 says a boolean; a string "true" is read kindly, anything else is an error.
    let active = match answer.active.ok_or_else(bad)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("true") => true,
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("false") => false,
        _ => return Err(bad()),
    };
    let text = |s: Option<String>| {
        s.map(|v| token_endpoint::clean_text(&v))
            .filter(|v| !v.is_empty())
    };
    Ok(Introspection {
        active,
        expires_at: seconds(answer.exp.as_ref()),
        issued_at: seconds(answer.iat.as_ref()),
        scopes: answer
            .scope
            .as_deref()
            .map(|s| {
                s.split_whitespace()
                    .map(token_endpoint::clean_text)
                    .collect()
            })
            .unwrap_or_default(),
        client_id: text(answer.client_id),
        token_type: text(answer.token_type),
        username: text(answer.username),
    })
}

/// Asks the provider at `introspection_url` about `token`.
pub async fn introspect(
    http: &HttpClient,
    introspection_url: &Url,
    client: &ClientIdentity,
    token: Revocable<'_>,
) -> Result<Introspection> {
    let which = token.which();
    let params = vec![
        ("token".to_owned(), token.expose()),
        ("token_type_hint".to_owned(), which.hint().to_owned()),
    ];
    let resp = token_endpoint::send(
        http,
        introspection_url,
        client.creds(),
        &params,
        Placement::Form,
    )
    .await?;
    if resp.is_success() {
        if !resp.looks_like_json() {
            return Err(token_endpoint::not_oauth(introspection_url, &resp));
        }
        return parse(&resp.body, which);
    }
    Err(match token_endpoint::error_from(introspection_url, &resp) {
        token_endpoint::TokenError::OAuth(o) => {
            let refused = Error::Provider(format!(
                "the provider refused to say whether the {} is active: {}",
                which.noun(),
                o.summary()
            ));
            match super::refusal::classify(super::Grant::Other, &o) {
                Some(refusal) => Error::refused(refusal, refused.to_string()),
                None => refused,
            }
        }
        token_endpoint::TokenError::Other(e) => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_answer_keeps_what_the_provider_said() {
        let body = br#"{"active":true,"exp":1700003600,"iat":"1700000000","scope":"openid  api:read","client_id":"app","token_type":"Bearer","username":"ada","sub":"x"}"#;
        let i = parse(body, WhichToken::Access).expect("parses");
        assert_eq!(
            i,
            Introspection {
                active: true,
                expires_at: Some(1_700_003_600),
                issued_at: Some(1_700_000_000),
                scopes: vec!["openid".into(), "api:read".into()],
                client_id: Some("app".into()),
                token_type: Some("Bearer".into()),
                username: Some("ada".into()),
            }
        );
    }

    #[test]
    fn an_inactive_answer_is_just_inactive() {
        let i = parse(br#"{"active":false}"#, WhichToken::Refresh).expect("parses");
        assert_eq!(i, Introspection::default());
    }

    #[test]
    fn an_answer_without_active_is_an_error_naming_the_token() {
        for body in [&br#"{"exp":1}"#[..], b"not json", br#"{"active":1}"#] {
            let e = parse(body, WhichToken::Refresh).expect_err("no verdict");
            assert!(e.to_string().contains("refresh token"), "{e}");
        }
    }
}
