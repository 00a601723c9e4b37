//! Accounts whose token the user pastes: the `bearer` flow (a token obtained elsewhere,
//! with the expiry of its JWT `exp` when it has one) and the `api-key` flow (a key used
//! as is, which never expires). Authdeck cannot renew either: once a pasted bearer token
//! expires, the user pastes a new one.

use super::{Broker, ValidToken};
use crate::activity::ActivityKind;
use crate::config::Flow;
use crate::error::{Error, Result};
use crate::hint::Hint;
use crate::ids::{AccountName, AccountRef, ServiceId};
use crate::secret::AccessToken;
use crate::token::TokenSet;

/// The reason shown when a pasted token has expired.
pub(crate) const EXPIRED: &str = "the pasted token expired; paste a new token";

/// "token" or "API key".
pub(crate) fn what(flow: Flow) -> &'static str {
    if flow == Flow::ApiKey {
        "API key"
    } else {
        "token"
    }
}

/// "Login required": paste a new token.
pub(crate) fn login_required(at: &AccountRef, flow: Flow, had_one: bool) -> Error {
    let reason = if had_one {
        EXPIRED.to_owned()
    } else {
        format!("no {} has been pasted yet", what(flow))
    };
    Error::login_required(at, reason).with_hint(Hint::PasteToken {
        service: at.service.to_string(),
        account: at.account.to_string(),
    })
}

impl Broker {
    /// Stores a pasted token (flow `bearer`) or API key (flow `api-key`) as the account's
    /// access token, creating the account if it is new. A bearer token's expiry is its
    /// JWT `exp` when it has one (unknown otherwise); an expired one is refused.
    pub async fn store_pasted(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        token: AccessToken,
    ) -> Result<ValidToken> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        if !service.flow.is_pasted() {
            return Err(Error::Config(format!(
                "'{service_id}' logs in with the {} flow and takes no pasted token",
                service.flow
            ))
            .with_hint(Hint::LogIn {
                service: service_id.to_string(),
                account: account
                    .map_or(crate::config::DEFAULT_ACCOUNT, AccountName::as_str)
                    .to_owned(),
            }));
        }
        let at = super::login::login_account(service_id, service, account)?;
        let trimmed = token.expose().trim();
        let trimmed = if service.flow == Flow::Bearer {
            // People paste what a header holds; keep the token alone.
            trimmed
                .strip_prefix("Bearer ")
                .or_else(|| trimmed.strip_prefix("bearer "))
                .map_or(trimmed, str::trim)
        } else {
            trimmed
        };
        if trimmed.is_empty() {
            return Err(Error::Config(format!(
                "the pasted {} is empty: nothing was stored",
                what(service.flow)
            )));
        }
        let now = self.now();
        let tokens = TokenSet {
            access_token: AccessToken::new(trimmed),
            refresh_token: None,
            id_token: None,
            token_type: if service.flow == Flow::ApiKey {
                crate::format::API_KEY_TOKEN_TYPE.into()
            } else {
                "Bearer".into()
            },
            scopes: Vec::new(),
            expires_at: if service.flow == Flow::Bearer {
                crate::token::jwt_exp(trimmed)
            } else {
                None
            },
            obtained_at: now,
            refresh_expires_at: None,
        };
        if !crate::token::is_valid(tokens.expires_at, now, 0) {
            return Err(Error::Config(format!(
                "the pasted token of '{service_id}' has already expired (its JWT `exp` is in the past): get a fresh one"
            )));
        }
        self.ensure_account(&at, service)?;
        let lock = self.store.lock(&at).await?;
        self.store.store(&at, &tokens, lock).await?;
        let seen = crate::activity::Observed::default();
        self.record(&at, ActivityKind::Paste, seen, Ok(())).await;
        Ok(ValidToken::from(&tokens))
    }
}
