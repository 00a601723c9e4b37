//! Token exchange (RFC 8693): an account's valid access token, sent as the
//! `subject_token`, for a token meant for another audience or resource, with the scopes
//! asked for (a subset of what the provider allows). The client authenticates as it does
//! for every token request (`token_endpoint.rs`). Nothing is stored here.

use url::Url;

use super::client_credentials::push_scope;
use super::refusal::{self, Grant};
use super::token_endpoint::{self, Placement, TokenError};
use super::{ClientIdentity, FlowContext};
use crate::config::ExchangeTarget;
use crate::error::{Error, Result};
use crate::secret::AccessToken;
use crate::token::TokenSet;

/// The `grant_type` of RFC 8693 §2.1.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The token type of an access token as subject (RFC 8693 §3).
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// The parameters of the exchange request, without the client's authentication.
pub fn params(subject: &AccessToken, target: &ExchangeTarget) -> Vec<(String, String)> {
    let mut params = vec![
        ("grant_type".to_owned(), GRANT_TYPE.to_owned()),
        ("subject_token".to_owned(), subject.expose().to_owned()),
        (
            "subject_token_type".to_owned(),
            ACCESS_TOKEN_TYPE.to_owned(),
        ),
        (
            "requested_token_type".to_owned(),
            ACCESS_TOKEN_TYPE.to_owned(),
        ),
    ];
    if let Some(audience) = &target.audience {
        params.push(("audience".to_owned(), audience.clone()));
    }
    if let Some(resource) = &target.resource {
        params.push(("resource".to_owned(), resource.clone()));
    }
    push_scope(&mut params, &target.scopes);
    params
}

/// Exchanges `subject` for a token for `target`. A refusal of the target, the scope or
/// the grant is an [`Error::ExchangeRefused`]; a refused client or subject token is a
/// [`crate::error::Refusal`] like any other grant's.
pub async fn exchange(
    ctx: &FlowContext,
    token_url: &Url,
    client: &ClientIdentity,
    subject: &AccessToken,
    target: &ExchangeTarget,
    placement: Placement,
) -> Result<TokenSet> {
    let params = params(subject, target);
    match token_endpoint::request(&ctx.http, token_url, client.creds(), &params, placement).await {
        Ok(resp) => {
            if resp
                .issued_token_type
                .as_deref()
                .is_some_and(|t| t != ACCESS_TOKEN_TYPE)
            {
                return Err(Error::Provider(format!(
                    "the provider exchanged the token for a '{}' instead of an access token: check the exchange target",
                    token_endpoint::clean_text(resp.issued_token_type.as_deref().unwrap_or(""))
                )));
            }
            Ok(TokenSet::from_response(
                resp,
                ctx.clock.now(),
                &target.scopes,
            ))
        }
        Err(TokenError::OAuth(o)) if refusal::classify(Grant::Exchange, &o).is_none() => {
            Err(Error::ExchangeRefused {
                target: target.label(),
                code: o.code,
                description: o.description,
            })
        }
        Err(e) => Err(e.into_error(Grant::Exchange, "the token exchange")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_names_the_subject_the_audience_resource_and_scopes() {
        let target = ExchangeTarget {
            audience: Some("billing".into()),
            resource: Some("https://billing.test/api".into()),
            scopes: vec!["api:read".into()],
        };
        let p = params(&AccessToken::new("subject-at"), &target);
        let get = |k: &str| {
            p.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        assert_eq!(get("grant_type"), GRANT_TYPE);
        assert_eq!(get("subject_token"), "subject-at");
        assert_eq!(get("subject_token_type"), ACCESS_TOKEN_TYPE);
        assert_eq!(get("audience"), "billing");
        assert_eq!(get("resource"), "https://billing.test/api");
        assert_eq!(get("scope"), "api:read");
        let bare = params(
            &AccessToken::new("x"),
            &ExchangeTarget {
                audience: Some("a".into()),
                ..ExchangeTarget::default()
            },
        );
        assert!(!bare.iter().any(|(k, _)| k == "scope" || k == "resource"));
    }
}
