//! What the token panel shows of asking the provider about a token (RFC 7662) and of
//! revoking one (RFC 7009): which of the two the provider offers, and its answer. None
//! of it is a secret: the provider's verdict, times, scopes and names.

use authdeck_core::broker::ProviderChecks;
use authdeck_core::flows::introspect::Introspection;
use authdeck_core::flows::revoke::WhichToken;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which of an account's tokens a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TokenChoice {
    Access,
    Refresh,
}

impl From<TokenChoice> for WhichToken {
    fn from(c: TokenChoice) -> Self {
        match c {
            TokenChoice::Access => WhichToken::Access,
            TokenChoice::Refresh => WhichToken::Refresh,
        }
    }
}

impl From<WhichToken> for TokenChoice {
    fn from(w: WhichToken) -> Self {
        match w {
            WhichToken::Access => TokenChoice::Access,
            WhichToken::Refresh => TokenChoice::Refresh,
        }
    }
}

/// What a revocation did: the account's new view, and the other token when the provider
/// revoked it too (it is forgotten as well).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevokeOutcome {
    pub account: super::AccountView,
    pub also_revoked: Option<TokenChoice>,
}

/// Which of introspection and revocation the service's provider offers.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderChecksView {
    pub introspection: bool,
    pub revocation: bool,
    /// The token is pasted: there is no provider to ask.
    pub pasted: bool,
    pub has_access_token: bool,
    pub has_refresh_token: bool,
}

impl From<ProviderChecks> for ProviderChecksView {
    fn from(c: ProviderChecks) -> Self {
        ProviderChecksView {
            introspection: c.introspection,
            revocation: c.revocation,
            pasted: c.pasted,
            has_access_token: c.has_access_token,
            has_refresh_token: c.has_refresh_token,
        }
    }
}

/// What the provider said of a token, as it said it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IntrospectionView {
    pub active: bool,
    #[ts(type = "number | null")]
    pub expires_at: Option<i64>,
    #[ts(type = "number | null")]
    pub issued_at: Option<i64>,
    pub scopes: Vec<String>,
    pub client_id: Option<String>,
    pub token_type: Option<String>,
    pub username: Option<String>,
}

impl From<Introspection> for IntrospectionView {
    fn from(i: Introspection) -> Self {
        IntrospectionView {
            active: i.active,
            expires_at: i.expires_at,
            issued_at: i.issued_at,
            scopes: i.scopes,
            client_id: i.client_id,
            token_type: i.token_type,
            username: i.username,
        }
    }
}
