//! Getting a valid token: the cached one, else a refreshed one, else a re-fetched one
//! (client credentials and password accounts), else [`Error::LoginRequired`].
//!
//! Renewals of one account are serialised across processes by its lock
//! ([`super::store::AccountLock`]) and the cache is checked again after taking it, so the
//! desktop app, the agent and a CLI never spend the same rotating refresh token twice.
//! New tokens are stored through the one route of `broker/store.rs` (a rotated refresh
//! token first) before they are handed out. The [`super::cache::SecretCache`] supplies
//! a remembered refresh token or client secret when it has one; a rejected one is
//! forgotten and the keyring's tried once.

use super::{existing_account, in_account, pasted, Broker, ValidToken, DEFAULT_MIN_VALID};
use crate::activity::ActivityKind;
use crate::config::{AssertionAudience, Service};
use crate::discovery::{self, ResolvedEndpoints};
use crate::error::{Error, ErrorKind, Refusal, Result};
use crate::flows::refusal::{self, Grant};
use crate::flows::token_endpoint::TokenError;
use crate::flows::{self, login, ClientIdentity};
use crate::hint::Hint;
use crate::ids::{AccountName, AccountRef, ServiceId};
use crate::secret::{AccessToken, RefreshToken};
use crate::state::AccountState;
use crate::token::TokenSet;

impl Broker {
    /// A token for `account` of `service_id` valid for at least `min_valid` seconds.
    pub async fn token(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        min_valid: i64,
    ) -> Result<ValidToken> {
        Ok(self
            .token_for_account(service_id, account, min_valid)
            .await?
            .1)
    }

    /// Like [`Broker::token`], also naming the account used (the default one when
    /// `account` is `None`).
    pub async fn token_for_account(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        min_valid: i64,
    ) -> Result<(AccountName, ValidToken)> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = existing_account(service_id, service, account)?;
        if let Some(token) = self.cached(&at, min_valid).await? {
            return Ok((at.account, token));
        }
        let lock = self.store.lock(&at).await?;
        // Another process may have refreshed while we waited for the lock.
        if let Some(token) = self.cached(&at, min_valid).await? {
            return Ok((at.account, token));
        }
        let (renewed, seen) = crate::activity::observe(async {
            let tokens = self
                .renew(&at, service)
                .await
                .and_then(|t| t.with_field(service.token_field))
                .map_err(|e| in_account(e, &at, service))?
                .with_refresh_lifetime(service.refresh_token_lifetime);
            self.store.store(&at, &tokens, lock).await?;
            Ok::<_, Error>(ValidToken::from(&tokens))
        })
        .await;
        // A renewal that found nothing to try (no refresh token, a pasted token) is no
        // event: it would repeat at every request until the user logs in.
        let nothing_tried = seen.endpoint.is_none()
            && matches!(&renewed, Err(e) if e.kind() == ErrorKind::LoginRequired);
        if !nothing_tried {
            // A refresh unless `renew` said it re-fetched.
            self.record(
                &at,
                ActivityKind::Refresh,
                seen,
                renewed.as_ref().map(|_| ()),
            )
            .await;
        }
        Ok((at.account, renewed?))
    }

    /// The stored token if it is valid long enough; `LoginRequired` if the account is
    /// marked so.
    async fn cached(&self, at: &AccountRef, min_valid: i64) -> Result<Option<ValidToken>> {
        let Some(state) = self.store.state.load(at)? else {
            return Ok(None);
        };
        if let Some(reason) = &state.login_required {
            return Err(Error::login_required(at, reason.clone()));
        }
        if !state.has_access_token
            || !crate::token::is_valid(state.expires_at, self.now(), min_valid)
        {
            return Ok(None);
        }
        let stored = self.store.vault.access_token(at).await?;
        Ok(stored.map(|access_token| ValidToken {
            access_token,
            token_type: state.token_type.clone().unwrap_or_else(|| "Bearer".into()),
            expires_at: state.expires_at,
            scopes: state.scopes.clone(),
        }))
    }

    /// Gets a new token without the user: refresh, else re-fetch, else `LoginRequired`.
    /// Called with the account's lock held; the caller stores the tokens (through
    /// [`super::store::TokenStore::store`]) before anything else.
    async fn renew(&self, at: &AccountRef, service: &Service) -> Result<TokenSet> {
        let state = self.store.state.load(at)?.unwrap_or_default();
        if service.flow.is_pasted() {
            return Err(pasted::login_required(
                at,
                service.flow,
                state.has_access_token,
            ));
        }
        let endpoints = self.endpoints(&at.service, service).await?;
        let (mut client, mut client_remembered) = self
            .renewal_client(&at.service, service, &endpoints)
            .await?;
        let bound = state
            .token_type
            .as_deref()
            .is_some_and(crate::format::is_dpop);
        let dpop_key = self.dpop_key_for(at, service, &endpoints, bound).await?;
        client.dpop.clone_from(&dpop_key);
        let mut refresh = if state.has_refresh_token {
            self.refresh_token(at, &state).await?
        } else {
            None
        };
        let mut extra = service.token_params.clone();
        extra.extend(service.refresh_params.clone());
        while let Some((refresh_token, remembered)) = refresh.take() {
            let result = flows::refresh::refresh(
                &self.ctx,
                &endpoints.refresh,
                &client,
                &refresh_token,
                &state.scopes,
                &extra,
                service.token_request,
            )
            .await;
            match result {
                Ok(mut tokens) => {
                    // A refresh token that was not rotated keeps the end it had.
                    if tokens.refresh_expires_at.is_none()
                        && tokens.refresh_token.as_ref() == Some(&refresh_token)
                    {
                        tokens.refresh_expires_at = state.refresh_expires_at;
                    }
                    return Ok(tokens);
                }
                Err(TokenError::OAuth(o))
                    if client_remembered
                        && refusal::classify(Grant::Refresh, &o)
                            == Some(Refusal::BadClientCredentials) =>
                {
                    // The secret may have changed in another process: the keyring's, once.
                    tracing::info!("{}: client secret rejected, reading it again", at.service);
                    client = self
                        .client_identity(&at.service, service, &endpoints)
                        .await?;
                    client.dpop.clone_from(&dpop_key);
                    client_remembered = false;
                    refresh = Some((refresh_token, remembered));
                }
                Err(TokenError::OAuth(o))
                    if refusal::classify(Grant::Refresh, &o) == Some(Refusal::GrantExpired) =>
                {
                    tracing::info!("{at}: refresh token rejected ({})", o.code);
                    if remembered {
                        // The keyring may hold a newer one than memory: try it, once.
                        self.store.cache.forget_refresh_token(at);
                        refresh = self
                            .store
                            .vault
                            .refresh_token(at)
                            .await?
                            .filter(|stored| *stored != refresh_token)
                            .map(|stored| (stored, false));
                        if refresh.is_some() {
                            continue;
                        }
                    }
                    if !login::fetches_without_user(service.flow) {
                        let reason = "the provider no longer accepts the refresh token (it expired or was revoked)";
                        self.store.clear(at, reason).await?;
                        return Err(Error::refused(Refusal::GrantExpired, reason));
                    }
                }
                Err(e) => return Err(e.into_error(Grant::Refresh, "the refresh")),
            }
        }
        if client_remembered {
            // Re-fetching is rare and cannot be retried as cheaply: the keyring's secret.
            client = self
                .client_identity(&at.service, service, &endpoints)
                .await?;
            client.dpop.clone_from(&dpop_key);
        }
        if !login::fetches_without_user(service.flow) {
            let reason = if state.has_access_token {
                "the token expired and there is no refresh token"
            } else {
                "not logged in"
            };
            return Err(Error::login_required(at, reason));
        }
        crate::activity::note_kind(ActivityKind::Refetch);
        let user = self.user_password(at, service).await?;
        let req = login::Request::new(
            at.service.as_str(),
            service,
            &endpoints,
            &client,
            user.as_ref(),
        );
        login::without_user(&self.ctx, &req).await
    }

    /// The account's user name and the password stored for it, for a service of the
    /// password flow (`None` for the other flows).
    pub(super) async fn user_password(
        &self,
        at: &AccountRef,
        service: &Service,
    ) -> Result<Option<login::UserPassword>> {
        if !login::needs_password(service.flow) {
            return Ok(None);
        }
        let username = service
            .account(at.account.as_str())
            .and_then(|a| a.username.clone())
            .ok_or_else(|| {
                Error::Config(format!(
                    "account '{}' of '{}' has no username",
                    at.account, at.service
                ))
                .with_hint(Hint::SetUsername {
                    service: at.service.to_string(),
                    account: at.account.to_string(),
                })
            })?;
        let password = self.store.vault.password(at).await?.ok_or_else(|| {
            Error::login_required(at, "no password is stored").with_hint(Hint::StorePassword {
                service: at.service.to_string(),
                account: at.account.to_string(),
            })
        })?;
        Ok(Some(login::UserPassword { username, password }))
    }

    /// The refresh token to spend (and whether it came from memory): the remembered one
    /// while the state file is the one it was kept with, else the keyring's.
    async fn refresh_token(
        &self,
        at: &AccountRef,
        state: &AccountState,
    ) -> Result<Option<(RefreshToken, bool)>> {
        if let Some(token) = self.store.cache.refresh_token(at, state) {
            return Ok(Some((token, true)));
        }
        let token = self.store.vault.refresh_token(at).await?;
        if let Some(token) = &token {
            self.store
                .cache
                .keep_refresh_token(at, state.clone(), token.clone());
        }
        Ok(token.map(|t| (t, false)))
    }

    pub(super) async fn endpoints(
        &self,
        service_id: &ServiceId,
        service: &Service,
    ) -> Result<ResolvedEndpoints> {
        discovery::resolve(
            &self.ctx.http,
            &self.dirs.cache,
            service_id,
            service,
            self.now(),
        )
        .await
    }

    /// The client for a renewal (and whether its secret came from memory).
    async fn renewal_client(
        &self,
        service_id: &ServiceId,
        service: &Service,
        endpoints: &ResolvedEndpoints,
    ) -> Result<(ClientIdentity, bool)> {
        let auth = service.effective_client_auth();
        if auth.needs_secret() {
            if let Some(secret) = self.store.cache.client_secret(service_id) {
                let mut client = ClientIdentity::new(service.client_id.clone(), auth, Some(secret));
                client.audience = assertion_audience(service, endpoints);
                return Ok((client, true));
            }
        }
        Ok((
            self.client_identity(service_id, service, endpoints).await?,
            false,
        ))
    }

    /// The client, its secret (kept in memory, if any) or private key read from the
    /// keyring, with the audience of its assertions.
    pub(super) async fn client_identity(
        &self,
        service_id: &ServiceId,
        service: &Service,
        endpoints: &ResolvedEndpoints,
    ) -> Result<ClientIdentity> {
        let auth = service.effective_client_auth();
        let secret = if auth.needs_secret() {
            let secret = self.store.vault.client_secret(service_id).await?;
            if let Some(secret) = &secret {
                self.store
                    .cache
                    .keep_client_secret(service_id, secret.clone());
            }
            Some(secret.ok_or_else(|| {
                Error::Config(format!(
                    "'{service_id}' authenticates with a client secret, but none is stored"
                ))
                .with_hint(Hint::StoreClientSecret {
                    service: service_id.to_string(),
                })
            })?)
        } else {
            None
        };
        let key = if auth.needs_key() {
            // Read for each use, never kept in memory between requests.
            Some(
                self.store
                    .vault
                    .client_key(service_id)
                    .await?
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "'{service_id}' authenticates with private_key_jwt, but it has no private key yet"
                        ))
                        .with_hint(Hint::SetClientKey {
                            service: service_id.to_string(),
                        })
                    })?,
            )
        } else {
            None
        };
        let mut client = ClientIdentity::new(service.client_id.clone(), auth, secret);
        client.key = key;
        client.audience = assertion_audience(service, endpoints);
        Ok(client)
    }

    /// The account's NOMAD app token. With `mint: Some(seconds)` a new one is minted
    /// (with a valid access token) and stored; otherwise the stored one is returned if it
    /// is valid for `min_valid` more seconds.
    pub async fn app_token(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        mint: Option<u64>,
        min_valid: i64,
    ) -> Result<ValidToken> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let key = existing_account(service_id, service, account)?;
        let Some(lifetime) = mint else {
            let state = self.store.state.load(&key)?.unwrap_or_default();
            let valid = state
                .app_token_expires_at
                .is_some_and(|at| crate::token::is_valid(Some(at), self.now(), min_valid));
            let stored = if valid {
                self.store.vault.app_token(&key).await?
            } else {
                None
            };
            return stored
                // An app token is used as a bearer access token: handed out as one.
                .map(|token| ValidToken {
                    access_token: AccessToken::new(token.into_exposed()),
                    token_type: "Bearer".into(),
                    expires_at: state.app_token_expires_at,
                    scopes: Vec::new(),
                })
                .ok_or_else(|| {
                    Error::login_required(&key, "no valid app token is stored").with_hint(
                        Hint::MintAppToken {
                            service: key.service.to_string(),
                            account: key.account.to_string(),
                        },
                    )
                });
        };
        let endpoints = self.endpoints(service_id, service).await?;
        let url = endpoints.app_token.ok_or_else(|| {
            Error::Config(format!(
                "'{service_id}' has no app token endpoint (endpoints.app_token): app tokens are a NOMAD feature"
            ))
        })?;
        let access = self
            .token(&key.service, Some(&key.account), DEFAULT_MIN_VALID)
            .await?;
        let minted = self
            .recorded(&key, ActivityKind::AppToken, async {
                let minted =
                    flows::app_token::mint(&self.ctx, &url, &access.access_token, lifetime).await?;
                let lock = self.store.lock(&key).await?;
                self.store
                    .store_app_token(&key, minted.token.clone(), minted.expires_at, lock)
                    .await?;
                Ok(minted)
            })
            .await?;
        Ok(ValidToken {
            access_token: AccessToken::new(minted.token.into_exposed()),
            token_type: "Bearer".into(),
            expires_at: Some(minted.expires_at),
            scopes: Vec::new(),
        })
    }
}

/// The `aud` of the service's client assertions (`None`: each endpoint's own URL).
fn assertion_audience(service: &Service, endpoints: &ResolvedEndpoints) -> Option<String> {
    if !service.effective_client_auth().uses_assertion() {
        return None;
    }
    match service.assertion_audience {
        AssertionAudience::TokenEndpoint => Some(endpoints.token.to_string()),
        AssertionAudience::Issuer => endpoints.issuer.clone(),
        AssertionAudience::Endpoint => None,
    }
}
