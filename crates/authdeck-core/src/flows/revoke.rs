//! Token revocation (RFC 7009), used on logout.

use url::Url;

use super::token_endpoint::{self, Placement};
use super::ClientIdentity;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::secret::{AccessToken, RefreshToken};

/// A token that can be revoked, which also says its `token_type_hint`.
#[derive(Debug, Clone, Copy)]
pub enum Revocable<'a> {
    Access(&'a AccessToken),
    Refresh(&'a RefreshToken),
}

impl Revocable<'_> {
    /// The RFC 7009 `token_type_hint`.
    pub fn hint(self) -> &'static str {
        match self {
            Revocable::Access(_) => "access_token",
            Revocable::Refresh(_) => "refresh_token",
        }
    }

    fn expose(self) -> String {
        match self {
            Revocable::Access(t) => t.expose().to_owned(),
            Revocable::Refresh(t) => t.expose().to_owned(),
        }
    }
}

/// Revokes `token`. RFC 7009 answers 200 for unknown tokens too, so any 200 is success.
pub async fn revoke(
    http: &HttpClient,
    revocation_url: &Url,
    client: &ClientIdentity,
    token: Revocable<'_>,
) -> Result<()> {
    let hint = token.hint();
    let params = vec![
        ("token".to_owned(), token.expose()),
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
