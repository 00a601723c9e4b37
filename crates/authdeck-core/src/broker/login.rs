//! Logging in and out. The grant a login runs is chosen from the service's flow in
//! [`crate::flows::login`]; the broker resolves what it needs (endpoints, the client's
//! secret, the account's password), creates the account if it is new, and stores the
//! tokens through the one route of `broker/store.rs`. Pasted tokens are in
//! `broker/pasted.rs`.

use tokio_util::sync::CancellationToken;

use super::{existing_account, in_account, pasted, Broker, ValidToken};
use crate::activity::ActivityKind;
use crate::config::{AccountName, Service};
use crate::error::{Error, Result};
use crate::flows::revoke::Revocable;
use crate::flows::{self, login, LoginObserver};
use crate::hint::Hint;
use crate::ids::{AccountRef, ServiceId};
use crate::secret::{AccessToken, RefreshToken};
use crate::token::TokenSet;
use crate::vault::SecretKind;

/// What logout did.
#[derive(Debug, Clone, Default)]
pub struct LogoutReport {
    /// Whether the provider confirmed revocation of the tokens.
    pub revoked: bool,
    /// Why revocation was skipped or failed (the local tokens are deleted anyway).
    pub revocation_note: Option<String>,
}

/// The account a login or a pasted token is for: the named one (a new name creates it),
/// else the default one of the service.
pub(super) fn login_account(
    service_id: &ServiceId,
    service: &Service,
    account: Option<&AccountName>,
) -> Result<AccountRef> {
    match account {
        Some(name) => Ok(AccountRef::new(service_id.clone(), name.clone())),
        None => existing_account(service_id, service, None),
    }
}

impl Broker {
    /// Logs `account` (default: `default`) of `service_id` in with the service's flow,
    /// creating the account if it is new, and stores the tokens.
    pub async fn login(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        observer: &dyn LoginObserver,
        cancel: &CancellationToken,
    ) -> Result<ValidToken> {
        // The tokens will be stored once the flow ends (and a confidential client's
        // secret is read before it starts): open the keyring's session meanwhile, the
        // earlier the better (its key exchange is ~2.5 ms of CPU).
        self.store.vault.prepare_in_background();
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = login_account(service_id, service, account)?;
        if service.flow.is_pasted() {
            return Err(Error::Config(format!(
                "'{service_id}' takes a pasted {}, not a login",
                pasted::what(service.flow)
            ))
            .with_hint(Hint::PasteToken {
                service: at.service.to_string(),
                account: at.account.to_string(),
            }));
        }
        let (logged_in, seen) = crate::activity::observe(async {
            let tokens = self
                .run_login(&at, service, observer, cancel)
                .await
                .and_then(|t| t.with_field(service.token_field))
                .map_err(|e| in_account(e, &at, service))?;
            self.ensure_account(&at, service)?;
            let lock = self.store.lock(&at).await?;
            self.store.store(&at, &tokens, lock).await?;
            Ok::<_, Error>(ValidToken::from(&tokens))
        })
        .await;
        // A failed login of a name that is no account yet leaves no activity behind.
        if logged_in.is_ok() || service.account(at.account.as_str()).is_some() {
            self.record(
                &at,
                ActivityKind::Login,
                seen,
                logged_in.as_ref().map(|_| ()),
            )
            .await;
        }
        logged_in
    }

    /// The service's login flow, up to the new tokens (nothing stored yet).
    async fn run_login(
        &self,
        at: &AccountRef,
        service: &Service,
        observer: &dyn LoginObserver,
        cancel: &CancellationToken,
    ) -> Result<TokenSet> {
        let endpoints = self.endpoints(&at.service, service).await?;
        let mut client = self
            .client_identity(&at.service, service, &endpoints)
            .await?;
        client.dpop = self.dpop_key_for(at, service, &endpoints, false).await?;
        let user = self.user_password(at, service).await?;
        let req = login::Request::new(
            at.service.as_str(),
            service,
            &endpoints,
            &client,
            user.as_ref(),
        );
        Ok(
            login::run(&self.ctx, &req, self.browser.as_ref(), observer, cancel)
                .await?
                .with_refresh_lifetime(service.refresh_token_lifetime),
        )
    }

    /// Revokes the account's tokens at the provider (when it has a revocation endpoint)
    /// and deletes them locally. The account then needs a login; its stored password
    /// and the service's client secret are kept.
    pub async fn logout(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
    ) -> Result<LogoutReport> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = existing_account(service_id, service, account)?;
        self.recorded(&at, ActivityKind::Logout, self.logout_locked(&at, service))
            .await
    }

    /// [`Broker::logout`] of the configured account `at`.
    async fn logout_locked(&self, at: &AccountRef, service: &Service) -> Result<LogoutReport> {
        let service_id = &at.service;
        let _lock = self.store.lock(at).await?;
        let revocable = [SecretKind::AccessToken, SecretKind::RefreshToken];
        let stored = self.store.vault.get_tokens(at, &revocable).await?;
        let (access, refresh) = (stored.access_token, stored.refresh_token);
        let mut report = LogoutReport::default();
        if service.flow.is_pasted() && access.is_some() {
            report.revocation_note = Some(format!(
                "Authdeck cannot revoke a pasted {}; it stays valid at the service until it expires or you revoke it there",
                pasted::what(service.flow)
            ));
        } else if access.is_some() || refresh.is_some() {
            match self.revoke_all(service_id, service, access, refresh).await {
                Ok(true) => report.revoked = true,
                Ok(false) => {
                    report.revocation_note =
                        Some("the provider has no revocation endpoint; the tokens stay valid there until they expire".into());
                }
                Err(e) => report.revocation_note = Some(format!("revocation failed: {e}")),
            }
        }
        self.store.clear(at, "logged out").await?;
        // The next login binds its tokens to a new key.
        let dpop_key = crate::vault::SecretKey::account(at, SecretKind::DpopKey);
        self.store.vault.delete(dpop_key).await?;
        Ok(report)
    }

    /// Revokes the refresh token (which ends the grant at most providers), then the
    /// access token. `Ok(false)`: there is no revocation endpoint.
    async fn revoke_all(
        &self,
        service_id: &ServiceId,
        service: &Service,
        access: Option<AccessToken>,
        refresh: Option<RefreshToken>,
    ) -> Result<bool> {
        let endpoints = self.endpoints(service_id, service).await?;
        let Some(url) = endpoints.revocation.clone() else {
            return Ok(false);
        };
        let client = self
            .client_identity(service_id, service, &endpoints)
            .await?;
        if let Some(rt) = &refresh {
            flows::revoke::revoke(&self.ctx.http, &url, &client, Revocable::Refresh(rt)).await?;
        }
        if let Some(at) = &access {
            flows::revoke::revoke(&self.ctx.http, &url, &client, Revocable::Access(at)).await?;
        }
        Ok(true)
    }
}
