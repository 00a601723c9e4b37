//! Token revocation (RFC 7009): on logout, and of one token alone (`broker/inspect.rs`).

use url::Url;

use super::token_endpoint::{self, Placement};
use super::ClientIdentity;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::secret::{AccessToken, RefreshToken};

/// Which of an account's tokens a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WhichToken {
    Access,
    Refresh,
}

impl WhichToken {
    /// The RFC 7009 / RFC 7662 `token_type_hint`.
    pub fn hint(self) -> &'static str {
        match self {
            WhichToken::Access => "access_token",
            WhichToken::Refresh => "refresh_token",
        }
    }

    /// "access token", "refresh token".
    pub fn noun(self) -> &'static str {
        match self {
            WhichToken::Access => "access token",
            WhichToken::Refresh => "refresh token",
        }
    }
}

/// A token that can be revoked, which also says its `token_type_hint`.
#[derive(Debug, Clone, Copy)]
pub enum Revocable<'a> {
    Access(&'a AccessToken),
    Refresh(&'a RefreshToken),
}

impl Revocable<'_> {
    /// Which token it is.
    pub fn which(self) -> WhichToken {
        match self {
            Revocable::Access(_) => WhichToken::Access,
            Revocable::Refresh(_) => WhichToken::Refresh,
        }
    }

    /// The RFC 7009 `token_type_hint`.
    pub fn hint(self) -> &'static str {
        self.which().hint()
    }

    pub(super) fn expose(self) -> String {
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
            token.which().noun(),
            o.summary()
        )),
        token_endpoint::TokenError::Other(e) => e,
    })
}
