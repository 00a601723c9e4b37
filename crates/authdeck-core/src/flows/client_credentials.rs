//! Client credentials grant (RFC 6749 §4.4): the client's own token, no user involved.

use std::collections::BTreeMap;

use url::Url;

use super::refusal::Grant;
use super::token_endpoint::{self, Placement};
use super::{ClientIdentity, FlowContext};
use crate::error::Result;
use crate::token::TokenSet;

/// Fetches a token with the client's id and secret, plus the service's extra parameters
/// (`audience`, `resource`, …).
pub async fn fetch(
    ctx: &FlowContext,
    token_url: &Url,
    client: &ClientIdentity,
    scopes: &[String],
    extra: &BTreeMap<String, String>,
    placement: Placement,
) -> Result<TokenSet> {
    let mut params = vec![("grant_type".to_owned(), "client_credentials".to_owned())];
    push_scope(&mut params, scopes);
    push_extra(&mut params, extra);
    let resp = token_endpoint::request(&ctx.http, token_url, client.creds(), &params, placement)
        .await
        .map_err(|e| e.into_error(Grant::ClientCredentials, "the client credentials request"))?;
    Ok(TokenSet::from_response(resp, ctx.clock.now(), scopes))
}

/// Adds `scope=a b c` when there are scopes.
pub(crate) fn push_scope(params: &mut Vec<(String, String)>, scopes: &[String]) {
    if !scopes.is_empty() {
        params.push(("scope".into(), scopes.join(" ")));
    }
}

/// Adds the service's extra token parameters.
pub(crate) fn push_extra(params: &mut Vec<(String, String)>, extra: &BTreeMap<String, String>) {
    params.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
}
