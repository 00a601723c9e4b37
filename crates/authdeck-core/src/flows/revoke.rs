//! Token revocation (RFC 7009), used on logout.

use url::Url;

use super::token_endpoint::{self, Placement};
use super::ClientIdentity;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::secret::Secret;

/// Revokes `token` (`hint` is `access_token` or `refresh_token`). RFC 7009 answers 200
/// for unknown tokens too, so any 200 is success.
pub async fn revoke(
    http: &HttpClient,
    revocation_url: &Url,
    client: &ClientIdentity,
    token: &Secret<String>,
    hint: &str,
) -> Result<()> {
    let params = vec![
        ("token".to_owned(), token.expose().clone()),
        ("token_type_hint".to_owned(), hint.to_owned()),
    ];
    let resp = token_endpoint::send(
        http,
        revocation_url,
        client.creds(),
        &params,
        Placement::Form,
    )
    .await?;
    if resp.is_success() {
        return Ok(());
    }
    Err(match token_endpoint::error_from(revocation_url, &resp) {
        token_endpoint::TokenError::OAuth(o) => Error::Provider(format!(
            "the provider refused to revoke the {}: {}",
            hint.replace('_', " "),
            o.summary()
        )),
        token_endpoint::TokenError::Other(e) => e,
    })
}
