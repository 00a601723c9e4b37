//! Asking the provider about a stored token (introspection, RFC 7662) and revoking one
//! token alone (RFC 7009), without logging out. Both are recorded in the account's
//! activity and send their requests through `flows/token_endpoint.rs`.
//!
//! A revoked token is dropped from what is stored (`broker/store.rs`,
//! `TokenStore::drop_token`), under the account's lock: without its access token the
//! account renews at the next request; without its refresh token it shows that it
//! cannot refresh, and needs a login once the access token expires.

use url::Url;

use super::{existing_account, pasted, Broker};
use crate::activity::{self, ActivityKind};
use crate::config::Service;
use crate::discovery::ResolvedEndpoints;
use crate::error::{Error, Result};
use crate::flows::introspect::{self, Introspection};
use crate::flows::login;
use crate::flows::revoke::{self, Revocable, WhichToken};
use crate::ids::{AccountName, AccountRef, ServiceId};
use crate::secret::{AccessToken, RefreshToken};
use crate::vault::SecretKind;

/// Which of the two requests a service's provider takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProviderChecks {
    /// It has an introspection endpoint (RFC 7662).
    pub introspection: bool,
    /// It has a revocation endpoint (RFC 7009).
    pub revocation: bool,
    /// Its token is pasted: Authdeck knows no provider to ask.
    pub pasted: bool,
    /// The account holds an access token.
    pub has_access_token: bool,
    /// The account holds a refresh token.
    pub has_refresh_token: bool,
}

/// What a revocation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeReport {
    /// The account (the default one when none was named).
    pub account: AccountName,
    /// The other token, when the provider revoked it too (and it was dropped as well).
    pub also_revoked: Option<WhichToken>,
}

/// A stored token, of either kind.
enum Held {
    Access(AccessToken),
    Refresh(RefreshToken),
}

impl Held {
    fn revocable(&self) -> Revocable<'_> {
        match self {
            Held::Access(t) => Revocable::Access(t),
            Held::Refresh(t) => Revocable::Refresh(t),
        }
    }
}

impl Broker {
    /// Which of introspection and revocation the provider of `account` of `service_id`
    /// (the default one when `None`) offers (its endpoints as configured, else from its
    /// metadata), and which of the two tokens the account holds.
    pub async fn provider_checks(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
    ) -> Result<ProviderChecks> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = existing_account(service_id, service, account)?;
        let state = self.store.state.load(&at)?.unwrap_or_default();
        let held = ProviderChecks {
            has_access_token: state.has_access_token,
            has_refresh_token: state.has_refresh_token,
            ..ProviderChecks::default()
        };
        if service.flow.is_pasted() {
            return Ok(ProviderChecks {
                pasted: true,
                ..held
            });
        }
        let endpoints = self.endpoints(service_id, service).await?;
        Ok(ProviderChecks {
            introspection: endpoints.introspection.is_some(),
            revocation: endpoints.revocation.is_some(),
            ..held
        })
    }

    /// Asks the provider whether the account's stored `which` token is active, and what
    /// it says of it. Returns the account used (the default one when `None`).
    pub async fn introspect(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        which: WhichToken,
    ) -> Result<(AccountName, Introspection)> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = existing_account(service_id, service, account)?;
        let answer = self
            .recorded(&at, ActivityKind::Introspect, async {
                let (endpoints, url) = self
                    .endpoint_for(&at, service, |e| e.introspection.as_ref(), "introspection")
                    .await?;
                let held = self.held(&at, which).await?;
                let client = self
                    .client_identity(&at.service, service, &endpoints)
                    .await?;
                let answer =
                    introspect::introspect(&self.ctx.http, &url, &client, held.revocable()).await?;
                activity::note_answer(if answer.active {
                    "active"
                } else {
                    "not active"
                });
                Ok(answer)
            })
            .await?;
        Ok((at.account, answer))
    }

    /// Revokes the account's stored `which` token at the provider and drops it from what
    /// is stored, without logging out. RFC 7009 lets a provider revoke the other token
    /// of the grant with it (oidc-provider does, both ways): where the provider can be
    /// asked, the other token is checked afterwards and dropped too when it is no longer
    /// active, so the account never holds a token that cannot work.
    pub async fn revoke(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        which: WhichToken,
    ) -> Result<RevokeReport> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = existing_account(service_id, service, account)?;
        let kind = match which {
            WhichToken::Access => ActivityKind::RevokeAccess,
            WhichToken::Refresh => ActivityKind::RevokeRefresh,
        };
        let endpoints = self
            .recorded(&at, kind, async {
                let (endpoints, url) = self
                    .endpoint_for(&at, service, |e| e.revocation.as_ref(), "revocation")
                    .await?;
                let lock = self.store.lock(&at).await?;
                let held = self.held(&at, which).await?;
                let client = self
                    .client_identity(&at.service, service, &endpoints)
                    .await?;
                revoke::revoke(&self.ctx.http, &url, &client, held.revocable()).await?;
                let reason = self.stranded(&at, service, which)?;
                self.store.drop_token(&at, which, reason, lock).await?;
                Ok(endpoints)
            })
            .await?;
        let other = match which {
            WhichToken::Access => WhichToken::Refresh,
            WhichToken::Refresh => WhichToken::Access,
        };
        let also_revoked = self
            .drop_if_inactive(&at, service, &endpoints, other)
            .await
            .then_some(other);
        Ok(RevokeReport {
            account: at.account,
            also_revoked,
        })
    }

    /// The reason to mark the account as needing a login once its `dropped` token is
    /// gone, when nothing would be left to get a token without the user.
    fn stranded(
        &self,
        at: &AccountRef,
        service: &Service,
        dropped: WhichToken,
    ) -> Result<Option<&'static str>> {
        let state = self.store.state.load(at)?.unwrap_or_default();
        let left_access = state.has_access_token && dropped != WhichToken::Access;
        let left_refresh = state.has_refresh_token && dropped != WhichToken::Refresh;
        if left_access || left_refresh || login::fetches_without_user(service.flow) {
            return Ok(None);
        }
        Ok(Some("its tokens were revoked at the provider"))
    }

    /// Asks the provider (when it can be asked) whether the account's stored `which`
    /// token is still active, and drops it when it is not. Whether it was dropped; a
    /// failed check keeps the token (it is logged, not returned).
    async fn drop_if_inactive(
        &self,
        at: &AccountRef,
        service: &Service,
        endpoints: &ResolvedEndpoints,
        which: WhichToken,
    ) -> bool {
        let Some(url) = endpoints.introspection.as_ref() else {
            return false;
        };
        let checked = async {
            let lock = self.store.lock(at).await?;
            let Ok(held) = self.held(at, which).await else {
                return Ok(false);
            };
            let client = self
                .client_identity(&at.service, service, endpoints)
                .await?;
            let answer =
                introspect::introspect(&self.ctx.http, url, &client, held.revocable()).await?;
            if answer.active {
                return Ok(false);
            }
            let reason = self.stranded(at, service, which)?;
            self.store.drop_token(at, which, reason, lock).await?;
            Ok::<_, Error>(true)
        };
        match checked.await {
            Ok(dropped) => dropped,
            Err(e) => {
                tracing::warn!(
                    "{at}: could not check the {} after the revocation: {e}",
                    which.noun()
                );
                false
            }
        }
    }

    /// The service's endpoint `pick` chooses (`what`: its name for the error), with
    /// every endpoint resolved.
    async fn endpoint_for(
        &self,
        at: &AccountRef,
        service: &Service,
        pick: impl Fn(&ResolvedEndpoints) -> Option<&Url>,
        what: &str,
    ) -> Result<(ResolvedEndpoints, Url)> {
        if service.flow.is_pasted() {
            return Err(Error::Config(format!(
                "'{}' takes a pasted {}: Authdeck knows no provider to ask about it; check or revoke it where you created it",
                at.service,
                pasted::what(service.flow)
            )));
        }
        let endpoints = self.endpoints(&at.service, service).await?;
        let url = pick(&endpoints).cloned().ok_or_else(|| {
            Error::Config(format!(
                "the provider of '{}' has no {what} endpoint (its metadata lists none and endpoints.{what} is not set): ask its administrators whether it has one, then set it",
                at.service
            ))
        })?;
        Ok((endpoints, url))
    }

    /// The account's stored `which` token, or a clear error when there is none.
    async fn held(&self, at: &AccountRef, which: WhichToken) -> Result<Held> {
        let kind = match which {
            WhichToken::Access => SecretKind::AccessToken,
            WhichToken::Refresh => SecretKind::RefreshToken,
        };
        let stored = self.store.vault.get_tokens(at, &[kind]).await?;
        let held = match which {
            WhichToken::Access => stored.access_token.map(Held::Access),
            WhichToken::Refresh => stored.refresh_token.map(Held::Refresh),
        };
        held.ok_or_else(|| Error::login_required(at, format!("no {} is stored", which.noun())))
    }
}
