//! Resource owner password credentials grant (RFC 6749 §4.3), for the services that
//! still use it. The password comes from the keyring and goes only to the token endpoint.

use std::collections::BTreeMap;

use url::Url;

use super::client_credentials::{push_extra, push_scope};
use super::refusal::Grant;
use super::token_endpoint::{self, Placement};
use super::{ClientIdentity, FlowContext};
use crate::error::Result;
use crate::secret::Password;
use crate::token::TokenSet;

/// Fetches a token for `username` with `password`; the client secret is optional
/// (`client.auth` decides).
#[allow(clippy::too_many_arguments)]
pub async fn fetch(
    ctx: &FlowContext,
    token_url: &Url,
    client: &ClientIdentity,
    username: &str,
    password: &Password,
    scopes: &[String],
    extra: &BTreeMap<String, String>,
    placement: Placement,
) -> Result<TokenSet> {
    let mut params = vec![
        ("grant_type".to_owned(), "password".to_owned()),
        ("username".to_owned(), username.to_owned()),
        ("password".to_owned(), password.expose().to_owned()),
    ];
    push_scope(&mut params, scopes);
    push_extra(&mut params, extra);
    let resp = token_endpoint::request(&ctx.http, token_url, client.creds(), &params, placement)
        .await
        .map_err(|e| e.into_error(Grant::Password, "the password login"))?;
    Ok(TokenSet::from_response(resp, ctx.clock.now(), scopes))
}
