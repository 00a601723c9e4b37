//! Refresh token grant (RFC 6749 §6), with rotation: when the provider returns a new
//! refresh token the old one is dead, and the caller must persist the new one before
//! anything else (see `broker`).

use std::collections::BTreeMap;

use url::Url;

use super::client_credentials::push_extra;
use super::token_endpoint::{self, Placement, TokenError};
use super::{ClientIdentity, FlowContext};
use crate::secret::RefreshToken;
use crate::token::TokenSet;

/// Exchanges `refresh_token` for a new token set. A response without a refresh token
/// keeps the old one (rotation is optional for the provider).
pub async fn refresh(
    ctx: &FlowContext,
    token_url: &Url,
    client: &ClientIdentity,
    refresh_token: &RefreshToken,
    previous_scopes: &[String],
    extra: &BTreeMap<String, String>,
    placement: Placement,
) -> Result<TokenSet, TokenError> {
    let mut params = vec![
        ("grant_type".to_owned(), "refresh_token".to_owned()),
        (
            "refresh_token".to_owned(),
            refresh_token.expose().to_owned(),
        ),
    ];
    push_extra(&mut params, extra);
    let resp =
        token_endpoint::request(&ctx.http, token_url, client.creds(), &params, placement).await?;
    let mut tokens = TokenSet::from_response(resp, ctx.clock.now(), previous_scopes);
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = Some(refresh_token.clone());
    }
    Ok(tokens)
}
