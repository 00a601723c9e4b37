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
mod memory;
mod pasted;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::task::TaskTracker;

use crate::config::{Config, ConfigFile, Flow, Service};
use crate::discovery::{self, ResolvedEndpoints};
use crate::error::{Error, Refusal, Result};
use crate::flows::refusal::{self, Grant};
use crate::flows::token_endpoint::TokenError;
use crate::flows::{self, BrowserOpener, ClientIdentity, FlowContext};
use crate::hint::Hint;
use crate::http::HttpClient;
use crate::ids::{AccountName, AccountRef, ServiceId};
use crate::paths::{self, Dirs};
use crate::secret::{AccessToken, RefreshToken};
use crate::state::{AccountState, StateStore};
use crate::token::{Clock, SystemClock, TokenSet};
use crate::vault::{Keyring, SecretStore, StoredTokens, Vault};

pub use accounts::{AccountStatus, LogoutReport, StatusKind};

/// Refresh when a token has less than this many seconds left.
pub const DEFAULT_MIN_VALID: i64 = 60;

/// How long a browser or device login may wait for the user by default.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

/// A valid access token and what is known about it.
#[derive(Debug, Clone)]
pub struct ValidToken {
    pub access_token: AccessToken,
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
    /// Refresh tokens and client secrets kept between refreshes (long-running brokers).
    memory: Option<Arc<memory::Memory>>,
    /// Where renewals finish storing after the token is handed out (the agent).
    late_writes: Option<TaskTracker>,
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
            memory: None,
            late_writes: None,
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

    /// Keeps refresh tokens and client secrets in memory between refreshes, so a refresh
    /// reads nothing from the keyring (for long-running processes: the token agent, the
    /// desktop app). Clones share the memory. See `broker/memory.rs` for how it stays
    /// honest.
    pub fn remembering_secrets(mut self) -> Self {
        if self.memory.is_none() {
            self.memory = Some(Arc::new(memory::Memory::default()));
        }
        self
    }

    /// Hands a renewed token out as soon as its tokens are in the keyring, and writes
    /// the state file afterwards on a task of
    /// `tracker`, which keeps the account's cross-process lock until it is done (another
    /// renewal of the account waits for it; a reader meanwhile sees the new access token
    /// with the previous, earlier expiry). For long-running processes (the agent), which
    /// wait for `tracker` before they exit.
    pub fn finishing_writes_on(mut self, tracker: TaskTracker) -> Self {
        self.late_writes = Some(tracker);
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
        let lock = self.lock_account(service_id, &account).await?;
        // Another process may have refreshed while we waited for the lock.
        if let Some(token) = self.cached(service_id, &account, min_valid).await? {
            return Ok((account, token));
        }
        let tokens = self
            .renew(service_id, service, &account)
            .await
            .map_err(|e| in_account(e, service_id, &account, service))?;
        let token = valid_token(&tokens);
        self.finish_storing(service_id, &account, tokens, lock)
            .await?;
        Ok((account, token))
    }

    /// Stores the rest of a renewed token set (its state file; the tokens are in the
    /// keyring already): at once, or, for a broker with [`Broker::finishing_writes_on`], on a
    /// tracked task that keeps the account's lock until it is done.
    async fn finish_storing(
        &self,
        service_id: &str,
        account: &str,
        tokens: TokenSet,
        lock: std::fs::File,
    ) -> Result<()> {
        let Some(tracker) = &self.late_writes else {
            let stored = self.store_after_handout(service_id, account, &tokens).await;
            drop(lock);
            return stored;
        };
        let broker = self.clone();
        let (service_id, account) = (service_id.to_owned(), account.to_owned());
        tracker.spawn(async move {
            if let Err(e) = broker
                .store_after_handout(&service_id, &account, &tokens)
                .await
            {
                // The tokens are stored; the state file still describes the previous
                // token, so the next renewal comes early.
                tracing::warn!(
                    "{service_id}/{account}: storing the state of a renewal failed: {e}"
                );
            }
            drop(lock);
        });
        Ok(())
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
        let stored = self
            .vault
            .access_token(&account_ref(service_id, account)?)
            .await?;
        Ok(stored.map(|access_token| ValidToken {
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
        let (mut client, mut client_remembered) = self.renewal_client(service_id, service).await?;
        let mut refresh = if state.has_refresh_token {
            self.refresh_token(service_id, account, &state).await?
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
                Ok(tokens) => {
                    self.store_before_handout(service_id, account, &tokens)
                        .await?;
                    return Ok(tokens);
                }
                Err(TokenError::OAuth(o))
                    if client_remembered
                        && refusal::classify(Grant::Refresh, &o)
                            == Some(Refusal::BadClientCredentials) =>
                {
                    // The secret may have changed in another process: the keyring's, once.
                    tracing::info!("{service_id}: client secret rejected, reading it again");
                    client = self.client_identity(service_id, service).await?;
                    client_remembered = false;
                    refresh = Some((refresh_token, remembered));
                }
                Err(TokenError::OAuth(o))
                    if refusal::classify(Grant::Refresh, &o) == Some(Refusal::GrantExpired) =>
                {
                    tracing::info!(
                        "{service_id}/{account}: refresh token rejected ({})",
                        o.code
                    );
                    if remembered {
                        // The keyring may hold a newer one than memory: try it, once.
                        if let Some(memory) = &self.memory {
                            memory.forget_refresh_token(service_id, account);
                        }
                        refresh = self
                            .vault
                            .refresh_token(&account_ref(service_id, account)?)
                            .await?
                            .filter(|stored| *stored != refresh_token)
                            .map(|stored| (stored, false));
                        if refresh.is_some() {
                            continue;
                        }
                    }
                    if !can_refetch(service.flow) {
                        let reason = "the provider no longer accepts the refresh token (it expired or was revoked)";
                        self.forget_tokens(service_id, account).await?;
                        self.state.save(
                            service_id,
                            account,
                            &AccountState::login_required(reason),
                        )?;
                        return Err(Error::refused(Refusal::GrantExpired, reason));
                    }
                }
                Err(e) => return Err(e.into_error(Grant::Refresh, "the refresh")),
            }
        }
        if client_remembered {
            // Re-fetching is rare and cannot be retried as cheaply: the keyring's secret.
            client = self.client_identity(service_id, service).await?;
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
        self.store_before_handout(service_id, account, &tokens)
            .await?;
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
                    "account '{account}' of '{service_id}' has no username"
                ))
                .with_hint(Hint::SetUsername {
                    service: service_id.to_owned(),
                    account: account.to_owned(),
                })
            })?;
        let password = self
            .vault
            .password(&account_ref(service_id, account)?)
            .await?
            .ok_or_else(|| {
                Error::login_required(service_id, account, "no password is stored").with_hint(
                    Hint::StorePassword {
                        service: service_id.to_owned(),
                        account: account.to_owned(),
                    },
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

    /// Stores a new token set: the tokens in the keyring first (a rotated refresh token
    /// must never be lost), then the state file. The state file is written to disk beside
    /// its place while the keyring stores the tokens (its sync to disk overlaps the
    /// keyring's), and put in place only once they are stored: never ahead of them.
    async fn store_tokens(&self, service_id: &str, account: &str, tokens: &TokenSet) -> Result<()> {
        let writing = self.store_before_handout(service_id, account, tokens);
        let staged = self
            .new_state(service_id, account, tokens)
            .and_then(|state| {
                let file = self.state.stage(service_id, account, &state)?;
                Ok((state, file))
            });
        // On a keyring failure the staged file is dropped: the old state stays.
        writing.await?;
        let saved = staged.and_then(|(state, file)| file.commit().map(|()| state));
        self.state_written(service_id, account, tokens, saved)
    }

    /// What must be stored before a new access token is handed out: the access, refresh
    /// and ID tokens, in one keyring write that replaces the previous three at once, so a
    /// rotated refresh token is never lost and whoever reads the keyring after the
    /// handout finds the token handed out. The write starts at once, on a blocking
    /// thread; the returned future is its outcome. The remembered refresh token is spent:
    /// it is forgotten first. The first time an account is stored this way after an
    /// earlier build's per-token entries, those are removed (see `vault/tokens.rs`).
    fn store_before_handout(
        &self,
        service_id: &str,
        account: &str,
        tokens: &TokenSet,
    ) -> impl std::future::Future<Output = Result<()>> + Send + 'static {
        let account_ref = account_ref(service_id, account);
        if let Some(memory) = &self.memory {
            memory.forget_refresh_token(service_id, account);
        }
        // Only an account whose state file predates the one-entry layout may have
        // per-token entries left (an unreadable state file is left to its reader).
        let remove_old = matches!(
            self.state.load(service_id, account),
            Ok(Some(state)) if !state.tokens_in_one_entry
        );
        let stored = StoredTokens {
            access_token: Some(tokens.access_token.clone()),
            refresh_token: tokens.refresh_token.clone(),
            id_token: tokens.id_token.clone(),
        };
        let writing = account_ref.map(|r| self.vault.set_tokens(&r, stored, remove_old));
        async move { writing?.await }
    }

    /// The rest of a new token set: the state file (which describes the tokens stored
    /// before it). Until it is written, readers see the previous expiry: earlier than
    /// the new token's, so never a token that has expired.
    async fn store_after_handout(
        &self,
        service_id: &str,
        account: &str,
        tokens: &TokenSet,
    ) -> Result<()> {
        let saved = self
            .new_state(service_id, account, tokens)
            .and_then(|state| self.state.save(service_id, account, &state).map(|()| state));
        self.state_written(service_id, account, tokens, saved)
    }

    /// The state file that describes a new token set.
    fn new_state(
        &self,
        service_id: &str,
        account: &str,
        tokens: &TokenSet,
    ) -> Result<AccountState> {
        let mut state = AccountState::from_tokens(tokens);
        state.tokens_in_one_entry = true;
        // An app token lives on independently of the login that minted it.
        state.app_token_expires_at = self
            .state
            .load(service_id, account)?
            .and_then(|old| old.app_token_expires_at);
        Ok(state)
    }

    /// After the state file of a new token set was written (`saved`: its content) or not.
    fn state_written(
        &self,
        service_id: &str,
        account: &str,
        tokens: &TokenSet,
        saved: Result<AccountState>,
    ) -> Result<()> {
        let state = match saved {
            Ok(state) => state,
            // The keyring already holds the new tokens, and a rotated refresh token is the
            // only one the provider still accepts: they stay. The old state file stays
            // too (the write is atomic); it is behind, never ahead — its expiry is the
            // old token's, so the next request refreshes again with the stored refresh
            // token.
            Err(e) => {
                // The remembered refresh token belongs to the old state file, which is
                // still there: forget it, so the next renewal reads the keyring's rotated
                // one.
                if let Some(memory) = &self.memory {
                    memory.forget_refresh_token(service_id, account);
                }
                return Err(state_not_saved(service_id, account, e));
            }
        };
        if let (Some(memory), Some(rt)) = (&self.memory, &tokens.refresh_token) {
            memory.keep_refresh_token(service_id, account, state, rt.clone());
        }
        Ok(())
    }

    /// The refresh token to spend (and whether it came from memory): the remembered one
    /// while the state file is the one it was kept with, else the keyring's.
    async fn refresh_token(
        &self,
        service_id: &str,
        account: &str,
        state: &AccountState,
    ) -> Result<Option<(RefreshToken, bool)>> {
        if let Some(token) = self
            .memory
            .as_ref()
            .and_then(|m| m.refresh_token(service_id, account, state))
        {
            return Ok(Some((token, true)));
        }
        let token = self
            .vault
            .refresh_token(&account_ref(service_id, account)?)
            .await?;
        if let (Some(memory), Some(token)) = (&self.memory, &token) {
            memory.keep_refresh_token(service_id, account, state.clone(), token.clone());
        }
        Ok(token.map(|t| (t, false)))
    }

    /// Deletes an account's tokens from the keyring (not its password).
    async fn forget_tokens(&self, service_id: &str, account: &str) -> Result<()> {
        self.vault
            .delete_tokens(&account_ref(service_id, account)?)
            .await
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

    /// The client for a renewal (and whether its secret came from memory).
    async fn renewal_client(
        &self,
        service_id: &str,
        service: &Service,
    ) -> Result<(ClientIdentity, bool)> {
        let auth = service.effective_client_auth();
        if auth.needs_secret() {
            if let Some(secret) = self
                .memory
                .as_ref()
                .and_then(|m| m.client_secret(service_id))
            {
                let client = ClientIdentity {
                    client_id: service.client_id.clone(),
                    auth,
                    secret: Some(secret),
                };
                return Ok((client, true));
            }
        }
        Ok((self.client_identity(service_id, service).await?, false))
    }

    /// The client, its secret read from the keyring (and kept in memory, if any).
    async fn client_identity(&self, service_id: &str, service: &Service) -> Result<ClientIdentity> {
        let auth = service.effective_client_auth();
        let secret = if auth.needs_secret() {
            let secret = self.vault.client_secret(&service_ref(service_id)?).await?;
            if let (Some(memory), Some(secret)) = (&self.memory, &secret) {
                memory.keep_client_secret(service_id, secret.clone());
            }
            Some(secret.ok_or_else(|| {
                Error::Config(format!(
                    "'{service_id}' authenticates with a client secret, but none is stored"
                ))
                .with_hint(Hint::StoreClientSecret {
                    service: service_id.to_owned(),
                })
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
        let key = account_ref(service_id, &account)?;
        let Some(lifetime) = mint else {
            let state = self.state.load(service_id, &account)?.unwrap_or_default();
            let valid = state
                .app_token_expires_at
                .is_some_and(|at| crate::token::is_valid(Some(at), self.now(), min_valid));
            let stored = if valid {
                self.vault.app_token(&key).await?
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
        self.vault.set_app_token(&key, minted.token.clone()).await?;
        let mut state = self.state.load(service_id, &account)?.unwrap_or_default();
        state.app_token_expires_at = Some(minted.expires_at);
        self.state.save(service_id, &account, &state)?;
        Ok(ValidToken {
            access_token: AccessToken::new(minted.token.into_exposed()),
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

/// A refusal tied to the account it happened to, with the next step that fits the
/// service: the password, the client secret (or, for a public client, its id), or a login.
/// The typed id of a service named by a `&str` (until the broker takes typed ids).
pub(crate) fn service_ref(service_id: &str) -> Result<ServiceId> {
    ServiceId::parse(service_id).map_err(Error::Config)
}

/// The typed reference to an account named by `&str`s (until the broker takes typed
/// ids).
pub(crate) fn account_ref(service_id: &str, account: &str) -> Result<AccountRef> {
    let account = AccountName::parse(account).map_err(Error::Config)?;
    Ok(AccountRef::new(service_ref(service_id)?, account))
}

pub(crate) fn in_account(e: Error, service_id: &str, account: &str, service: &Service) -> Error {
    let Error::Refused {
        refusal,
        service: None,
        account: None,
        reason,
        hint,
    } = e
    else {
        return e;
    };
    let (s, a) = (service_id.to_owned(), account.to_owned());
    let hint = hint.or(match refusal {
        Refusal::BadUserCredentials => Some(Hint::StorePassword {
            service: s.clone(),
            account: a.clone(),
        }),
        Refusal::BadClientCredentials if service.effective_client_auth().needs_secret() => {
            Some(Hint::StoreClientSecret { service: s.clone() })
        }
        Refusal::BadClientCredentials => Some(Hint::CheckClientId { service: s.clone() }),
        Refusal::ConsentDenied | Refusal::GrantExpired => Some(Hint::LogIn {
            service: s.clone(),
            account: a.clone(),
        }),
        Refusal::ProviderBroken => None,
    }
    .map(Box::new));
    Error::Refused {
        refusal,
        service: Some(s),
        account: Some(a),
        reason,
        hint,
    }
}

fn can_refetch(flow: Flow) -> bool {
    matches!(flow, Flow::ClientCredentials | Flow::Password)
}

fn valid_token(tokens: &TokenSet) -> ValidToken {
    ValidToken {
        access_token: tokens.access_token.clone(),
        token_type: tokens.token_type.clone(),
        expires_at: tokens.expires_at,
        scopes: tokens.scopes.clone(),
    }
}

/// The configured account to use: the named one, else `default`, else the only one.
fn existing_account(service_id: &str, service: &Service, account: Option<&str>) -> Result<String> {
    let names = service.account_names();
    match account {
        Some(name) if names.iter().any(|n| n == name) => Ok(name.to_owned()),
        Some(name) => Err(Error::Config(format!(
            "'{service_id}' has no account '{name}' (it has: {}); logging in to it creates it",
            names.join(", ")
        ))
        .with_hint(Hint::LogIn {
            service: service_id.to_owned(),
            account: name.to_owned(),
        })),
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
