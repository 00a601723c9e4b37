//! The broker: the one API the CLI and the desktop shell use for accounts.
//!
//! Its central promise is [`Broker::token`]: "a valid token for account X with at least
//! N seconds left" — the cached one, else a refreshed one, else a re-fetched one (client
//! credentials and password accounts), else [`Error::LoginRequired`]. Refreshes of one
//! account are serialised across processes by a file lock in the state directory and
//! re-checked after taking it, so the desktop app and a CLI never spend the same rotating
//! refresh token twice. A rotated refresh token is stored before anything else.
//!
//! Login, logout and service administration live in `broker/accounts.rs`.

mod accounts;
mod pasted;

use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, ConfigFile, Flow, Service};
use crate::discovery::{self, ResolvedEndpoints};
use crate::error::{Error, Result};
use crate::flows::token_endpoint::TokenError;
use crate::flows::{self, BrowserOpener, ClientIdentity, FlowContext};
use crate::http::HttpClient;
use crate::paths::{self, Dirs};
use crate::secret::Secret;
use crate::state::{AccountState, StateStore};
use crate::token::{Clock, SystemClock, TokenSet};
use crate::vault::{Keyring, SecretKey, SecretKind, SecretStore, Vault};

pub use accounts::{AccountStatus, LogoutReport, StatusKind};

/// Refresh when a token has less than this many seconds left.
pub const DEFAULT_MIN_VALID: i64 = 60;

/// How long a browser or device login may wait for the user by default.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

/// A valid access token and what is known about it.
#[derive(Debug, Clone)]
pub struct ValidToken {
    pub access_token: Secret<String>,
    pub token_type: String,
    pub expires_at: Option<i64>,
    pub scopes: Vec<String>,
}

/// Accounts, tokens and the services they belong to.
#[derive(Debug, Clone)]
pub struct Broker {
    dirs: Dirs,
    config: ConfigFile,
    state: StateStore,
    vault: Vault,
    ctx: FlowContext,
    browser: Arc<dyn BrowserOpener>,
}

impl Broker {
    /// A broker over the given directories, secret store, HTTP client, clock and browser.
    pub fn new(
        dirs: Dirs,
        store: Arc<dyn SecretStore>,
        http: HttpClient,
        clock: Arc<dyn Clock>,
        browser: Arc<dyn BrowserOpener>,
    ) -> Self {
        Broker {
            config: ConfigFile::new(dirs.services_file()),
            state: StateStore::new(&dirs.state),
            dirs,
            vault: Vault::new(store),
            ctx: FlowContext {
                http,
                clock,
                login_timeout: DEFAULT_LOGIN_TIMEOUT,
            },
            browser,
        }
    }

    /// The broker of this user: directories and keyring namespace from the environment,
    /// the system browser (or `AUTHDECK_BROWSER`), the wall clock.
    pub fn from_env() -> Result<Self> {
        Ok(Self::new(
            Dirs::from_env()?,
            Arc::new(Keyring::new(crate::vault::default_namespace())),
            HttpClient::from_env()?,
            Arc::new(SystemClock),
            Arc::new(flows::SystemBrowser),
        ))
    }

    /// Replaces the browser opener (e.g. `--no-browser`).
    pub fn with_browser(mut self, browser: Arc<dyn BrowserOpener>) -> Self {
        self.browser = browser;
        self
    }

    /// Sets how long interactive logins wait for the user.
    pub fn with_login_timeout(mut self, timeout: Duration) -> Self {
        self.ctx.login_timeout = timeout;
        self
    }

    pub fn dirs(&self) -> &Dirs {
        &self.dirs
    }

    pub fn config_file(&self) -> &ConfigFile {
        &self.config
    }

    /// The shared HTTP client (for discovery from a UI, say).
    pub fn http(&self) -> &HttpClient {
        &self.ctx.http
    }

    pub fn load_config(&self) -> Result<Config> {
        self.config.load()
    }

    pub(crate) fn now(&self) -> i64 {
        self.ctx.clock.now()
    }

    /// The account's stored state (no secret), as the token agent compares it.
    pub fn account_state(&self, service_id: &str, account: &str) -> Result<Option<AccountState>> {
        self.state.load(service_id, account)
    }

    /// A token for `account` of `service_id` valid for at least `min_valid` seconds.
    pub async fn token(
        &self,
        service_id: &str,
        account: Option<&str>,
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
        service_id: &str,
        account: Option<&str>,
        min_valid: i64,
    ) -> Result<(String, ValidToken)> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let account = existing_account(service_id, service, account)?;
        if let Some(token) = self.cached(service_id, &account, min_valid).await? {
            return Ok((account, token));
        }
        let _lock = self.lock_account(service_id, &account).await?;
        // Another process may have refreshed while we waited for the lock.
        if let Some(token) = self.cached(service_id, &account, min_valid).await? {
            return Ok((account, token));
        }
        let tokens = self.renew(service_id, service, &account).await?;
        Ok((account, valid_token(tokens)))
    }

    /// The stored token if it is valid long enough; `LoginRequired` if the account is
    /// marked so.
    async fn cached(
        &self,
        service_id: &str,
        account: &str,
        min_valid: i64,
    ) -> Result<Option<ValidToken>> {
        let Some(state) = self.state.load(service_id, account)? else {
            return Ok(None);
        };
        if let Some(reason) = &state.login_required {
            return Err(Error::login_required(service_id, account, reason.clone()));
        }
        if !state.has_access_token
            || !crate::token::is_valid(state.expires_at, self.now(), min_valid)
        {
            return Ok(None);
        }
        let key = SecretKey::account(service_id, account, SecretKind::AccessToken);
        Ok(self.vault.get(key).await?.map(|access_token| ValidToken {
            access_token,
            token_type: state.token_type.clone().unwrap_or_else(|| "Bearer".into()),
            expires_at: state.expires_at,
            scopes: state.scopes.clone(),
        }))
    }

    /// Gets a new token without the user: refresh, else re-fetch, else `LoginRequired`.
    /// Called with the account's lock held.
    async fn renew(&self, service_id: &str, service: &Service, account: &str) -> Result<TokenSet> {
        let state = self.state.load(service_id, account)?.unwrap_or_default();
        if service.flow.is_pasted() {
            return Err(pasted::login_required(
                service_id,
                account,
                service.flow,
                state.has_access_token,
            ));
        }
        let endpoints = self.endpoints(service_id, service).await?;
        let client = self.client_identity(service_id, service).await?;
        let refresh_key = SecretKey::account(service_id, account, SecretKind::RefreshToken);
        let refresh_token = if state.has_refresh_token {
            self.vault.get(refresh_key).await?
        } else {
            None
        };
        if let Some(refresh_token) = refresh_token {
            let mut extra = service.token_params.clone();
            extra.extend(service.refresh_params.clone());
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
                Ok(tokens) => {
                    self.store_tokens(service_id, account, &tokens).await?;
                    return Ok(tokens);
                }
                Err(TokenError::OAuth(o)) if o.code == "invalid_grant" => {
                    tracing::info!(
                        "{service_id}/{account}: refresh token rejected ({})",
                        o.code
                    );
                    if !can_refetch(service.flow) {
                        let reason = "the provider no longer accepts the refresh token (it expired or was revoked)";
                        self.forget_tokens(service_id, account).await?;
                        self.state.save(
                            service_id,
                            account,
                            &AccountState::login_required(reason),
                        )?;
                        return Err(Error::login_required(service_id, account, reason));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        let tokens = match service.flow {
            Flow::ClientCredentials | Flow::Password => {
                self.fetch_without_user(service_id, service, account, &endpoints, &client)
                    .await?
            }
            Flow::AuthCode | Flow::Device | Flow::Bearer | Flow::ApiKey => {
                let reason = if state.has_access_token {
                    "the token expired and there is no refresh token"
                } else {
                    "not logged in"
                };
                return Err(Error::login_required(service_id, account, reason));
            }
        };
        self.store_tokens(service_id, account, &tokens).await?;
        Ok(tokens)
    }

    /// A new token from stored credentials alone: client credentials, or the password
    /// grant with the stored password.
    async fn fetch_without_user(
        &self,
        service_id: &str,
        service: &Service,
        account: &str,
        endpoints: &ResolvedEndpoints,
        client: &ClientIdentity,
    ) -> Result<TokenSet> {
        if service.flow == Flow::ClientCredentials {
            return flows::client_credentials::fetch(
                &self.ctx,
                &endpoints.token,
                client,
                &service.scopes,
                &service.token_params,
                service.token_request,
            )
            .await;
        }
        self.password_grant(service_id, service, account, endpoints, client)
            .await
    }

    async fn password_grant(
        &self,
        service_id: &str,
        service: &Service,
        account: &str,
        endpoints: &ResolvedEndpoints,
        client: &ClientIdentity,
    ) -> Result<TokenSet> {
        let username = service
            .account(account)
            .and_then(|a| a.username.clone())
            .ok_or_else(|| {
                Error::Config(format!(
                    "account '{account}' of '{service_id}' has no username: add it with `authdeck service add {service_id} … --username NAME`"
                ))
            })?;
        let password = self
            .vault
            .get(SecretKey::account(service_id, account, SecretKind::Password))
            .await?
            .ok_or_else(|| {
                Error::login_required(
                    service_id,
                    account,
                    "no password is stored (store one with `authdeck service secret --password-stdin`)",
                )
            })?;
        flows::password::fetch(
            &self.ctx,
            &endpoints.token,
            client,
            &username,
            &password,
            &service.scopes,
            &service.token_params,
            service.token_request,
        )
        .await
    }

    /// Stores a new token set: the refresh token first (a rotated one must never be
    /// lost), then the access and ID tokens, then the state file.
    async fn store_tokens(&self, service_id: &str, account: &str, tokens: &TokenSet) -> Result<()> {
        let key = |kind| SecretKey::account(service_id, account, kind);
        match &tokens.refresh_token {
            Some(rt) => {
                self.vault
                    .set(key(SecretKind::RefreshToken), rt.clone())
                    .await?
            }
            None => self.vault.delete(key(SecretKind::RefreshToken)).await?,
        }
        self.vault
            .set(key(SecretKind::AccessToken), tokens.access_token.clone())
            .await?;
        match &tokens.id_token {
            Some(id) => self.vault.set(key(SecretKind::IdToken), id.clone()).await?,
            None => self.vault.delete(key(SecretKind::IdToken)).await?,
        }
        let mut state = AccountState::from_tokens(tokens);
        // An app token lives on independently of the login that minted it.
        state.app_token_expires_at = self
            .state
            .load(service_id, account)?
            .and_then(|old| old.app_token_expires_at);
        // The keyring already holds the new tokens, and a rotated refresh token is the
        // only one the provider still accepts: they stay. The old state file stays too
        // (the write is atomic); it is behind, never ahead — its expiry is the old
        // token's, so the next request refreshes again with the stored refresh token.
        self.state
            .save(service_id, account, &state)
            .map_err(|e| state_not_saved(service_id, account, e))
    }

    /// Deletes an account's tokens from the keyring (not its password).
    async fn forget_tokens(&self, service_id: &str, account: &str) -> Result<()> {
        let keys = SecretKind::TOKENS
            .iter()
            .map(|k| SecretKey::account(service_id, account, *k))
            .collect();
        self.vault.delete_all(keys).await
    }

    async fn endpoints(&self, service_id: &str, service: &Service) -> Result<ResolvedEndpoints> {
        discovery::resolve(
            &self.ctx.http,
            &self.dirs.cache,
            service_id,
            service,
            self.now(),
        )
        .await
    }

    async fn client_identity(&self, service_id: &str, service: &Service) -> Result<ClientIdentity> {
        let auth = service.effective_client_auth();
        let secret = if auth.needs_secret() {
            let secret = self
                .vault
                .get(SecretKey::service(service_id, SecretKind::ClientSecret))
                .await?;
            Some(secret.ok_or_else(|| {
                Error::Config(format!(
                    "'{service_id}' authenticates with a client secret, but none is stored: run `authdeck service secret {service_id} --client-secret-stdin`"
                ))
            })?)
        } else {
            None
        };
        Ok(ClientIdentity {
            client_id: service.client_id.clone(),
            auth,
            secret,
        })
    }

    /// The account's NOMAD app token. With `mint: Some(seconds)` a new one is minted
    /// (with a valid access token) and stored; otherwise the stored one is returned if it
    /// is valid for `min_valid` more seconds.
    pub async fn app_token(
        &self,
        service_id: &str,
        account: Option<&str>,
        mint: Option<u64>,
        min_valid: i64,
    ) -> Result<ValidToken> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let account = existing_account(service_id, service, account)?;
        let key = SecretKey::account(service_id, &account, SecretKind::AppToken);
        let Some(lifetime) = mint else {
            let state = self.state.load(service_id, &account)?.unwrap_or_default();
            let valid = state
                .app_token_expires_at
                .is_some_and(|at| crate::token::is_valid(Some(at), self.now(), min_valid));
            let stored = if valid {
                self.vault.get(key).await?
            } else {
                None
            };
            return stored
                .map(|token| ValidToken {
                    access_token: token,
                    token_type: "Bearer".into(),
                    expires_at: state.app_token_expires_at,
                    scopes: Vec::new(),
                })
                .ok_or_else(|| {
                    Error::login_required(
                        service_id,
                        &account,
                        "no valid app token is stored (mint one with `--app-token --expires-in 7d`)",
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
            .token(service_id, Some(&account), DEFAULT_MIN_VALID)
            .await?;
        let minted =
            flows::app_token::mint(&self.ctx, &url, &access.access_token, lifetime).await?;
        let _lock = self.lock_account(service_id, &account).await?;
        self.vault.set(key, minted.token.clone()).await?;
        let mut state = self.state.load(service_id, &account)?.unwrap_or_default();
        state.app_token_expires_at = Some(minted.expires_at);
        self.state.save(service_id, &account, &state)?;
        Ok(ValidToken {
            access_token: minted.token,
            token_type: "Bearer".into(),
            expires_at: Some(minted.expires_at),
            scopes: Vec::new(),
        })
    }

    /// Takes the account's cross-process refresh lock (off the async runtime).
    async fn lock_account(&self, service_id: &str, account: &str) -> Result<std::fs::File> {
        let path = self.state.lock_path(service_id, account);
        tokio::task::spawn_blocking(move || paths::lock_exclusive(&path))
            .await
            .map_err(|e| Error::Local(format!("the lock task failed: {e}")))?
    }
}

/// The error for new tokens that are in the keyring while the state file could not be
/// written: what happened, that nothing is lost, and what to do.
fn state_not_saved(service_id: &str, account: &str, e: Error) -> Error {
    let message = format!(
        "{service_id}/{account}: the new tokens are safe in the keyring, but {e}; free some space (or make the state directory writable) and run the command again"
    );
    match e {
        Error::Io { source, .. } => Error::Io { message, source },
        _ => Error::Local(message),
    }
}

fn can_refetch(flow: Flow) -> bool {
    matches!(flow, Flow::ClientCredentials | Flow::Password)
}

fn valid_token(tokens: TokenSet) -> ValidToken {
    ValidToken {
        access_token: tokens.access_token,
        token_type: tokens.token_type,
        expires_at: tokens.expires_at,
        scopes: tokens.scopes,
    }
}

/// The configured account to use: the named one, else `default`, else the only one.
fn existing_account(service_id: &str, service: &Service, account: Option<&str>) -> Result<String> {
    let names = service.account_names();
    match account {
        Some(name) if names.iter().any(|n| n == name) => Ok(name.to_owned()),
        Some(name) => Err(Error::Config(format!(
            "'{service_id}' has no account '{name}' (it has: {}); `authdeck login {service_id} --account {name}` creates it",
            names.join(", ")
        ))),
        None if names.iter().any(|n| n == crate::config::DEFAULT_ACCOUNT) => {
            Ok(crate::config::DEFAULT_ACCOUNT.to_owned())
        }
        None if names.len() == 1 => Ok(names[0].clone()),
        None => Err(Error::Config(format!(
            "'{service_id}' has several accounts ({}): choose one with --account",
            names.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests;
