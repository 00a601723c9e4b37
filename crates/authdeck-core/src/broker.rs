//! The broker: the one API the CLI and the desktop shell use for accounts.
//!
//! Its central promise is [`Broker::token`]: "a valid token for account X with at least
//! N seconds left" — the cached one, else a refreshed one, else a re-fetched one (client
//! credentials and password accounts), else [`Error::LoginRequired`]. Refreshes of one
//! account are serialised across processes by a file lock in the state directory and
//! re-checked after taking it, so the desktop app and a CLI never spend the same rotating
//! refresh token twice. A rotated refresh token is stored before anything else.
//!
//! This file is the facade; the work is split by what it does:
//! - `broker/valid_token.rs`: getting a valid token (cache, refresh, re-fetch, app tokens);
//! - `broker/login.rs` and `broker/pasted.rs`: logging in and out, pasted tokens (the
//!   grant itself is chosen in [`flows::login`]);
//! - `broker/admin.rs`: services, accounts, their secrets, and status;
//! - `broker/store.rs`: the one route by which new tokens are stored, and the account lock;
//! - `broker/cache.rs` (with `broker/memory.rs`): what a long-running broker remembers
//!   between renewals;
//! - `broker/activity.rs`: the account's activity, one event per operation;
//! - `broker/dpop.rs`: the account's DPoP key, and when its tokens are bound to it.
//! - `broker/exchange.rs`: token exchange (RFC 8693) and the exchanged tokens kept.
//! - `broker/inspect.rs`: asking the provider about a token, revoking one token alone.

mod activity;
mod admin;
mod cache;
mod dpop;
mod exchange;
mod inspect;
mod login;
mod memory;
mod pasted;
mod store;
mod valid_token;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::task::TaskTracker;

use crate::activity::ActivityLog;
use crate::config::{Config, ConfigFile, Service};
use crate::error::{Error, Refusal, Result};
use crate::flows::{self, BrowserOpener, FlowContext};
use crate::hint::Hint;
use crate::http::HttpClient;
use crate::ids::{AccountName, AccountRef, ServiceId};
use crate::paths::Dirs;
use crate::secret::AccessToken;
use crate::state::{AccountState, StateStore};
use crate::token::{Clock, SystemClock, TokenSet};
use crate::vault::{Keyring, SecretStore, Vault};

use cache::SecretCache;
use store::TokenStore;

pub use admin::{AccountStatus, StatusKind};
pub use exchange::Exchange;
pub use inspect::{ProviderChecks, RevokeReport};
pub use login::LogoutReport;

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

impl ValidToken {
    /// Whether the token is DPoP-bound (RFC 9449): useless without a fresh proof of the
    /// account's key for each request.
    pub fn is_dpop(&self) -> bool {
        crate::format::is_dpop(&self.token_type)
    }

    /// The token as text to hand out alone: refused ([`Error::DpopBound`]) when it is
    /// DPoP-bound, since it would open nothing.
    pub fn usable_alone(&self, service: &ServiceId, account: Option<&AccountName>) -> Result<()> {
        if self.is_dpop() {
            return Err(Error::DpopBound {
                service: service.to_string(),
                account: account.map_or_else(
                    || crate::config::DEFAULT_ACCOUNT.to_owned(),
                    ToString::to_string,
                ),
            });
        }
        Ok(())
    }
}

impl From<&TokenSet> for ValidToken {
    fn from(tokens: &TokenSet) -> Self {
        ValidToken {
            access_token: tokens.access_token.clone(),
            token_type: tokens.token_type.clone(),
            expires_at: tokens.expires_at,
            scopes: tokens.scopes.clone(),
        }
    }
}

/// Accounts, tokens and the services they belong to.
#[derive(Debug, Clone)]
pub struct Broker {
    dirs: Dirs,
    config: ConfigFile,
    /// The keyring and state files, with the secret cache and when state is written.
    store: TokenStore,
    ctx: FlowContext,
    browser: Arc<dyn BrowserOpener>,
    /// What happened to each account (`broker/activity.rs`).
    activity: ActivityLog,
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
            store: TokenStore::new(Vault::new(store), StateStore::new(&dirs.state)),
            activity: ActivityLog::new(&dirs.state),
            dirs,
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

    /// Keeps refresh tokens and client secrets in memory between refreshes, so a refresh
    /// reads nothing from the keyring (for long-running processes: the token agent, the
    /// desktop app). Clones share the memory. See `broker/memory.rs` for how it stays
    /// honest.
    pub fn remembering_secrets(mut self) -> Self {
        if !self.store.cache.is_remembering() {
            self.store.cache = SecretCache::remembering();
        }
        self
    }

    /// Hands a renewed token out as soon as its tokens are in the keyring, and writes
    /// the state file afterwards (the option of the one storing route, `broker/store.rs`)
    /// on a task of `tracker`, which keeps the account's cross-process lock until it is done (another
    /// renewal of the account waits for it; a reader meanwhile sees the new access token
    /// with the previous, earlier expiry). For long-running processes (the agent), which
    /// wait for `tracker` before they exit.
    pub fn finishing_writes_on(mut self, tracker: TaskTracker) -> Self {
        self.store.late_writes = Some(tracker);
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

    /// The account of `service_id` that `account` names: the named one, else the default
    /// one, else the only one (as [`Broker::token`] chooses).
    pub fn account_for(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
    ) -> Result<AccountName> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        Ok(existing_account(service_id, service, account)?.account)
    }

    /// The identity of the account's state file as written (see
    /// [`crate::state::StateStore::stamp`]).
    pub fn account_state_stamp(
        &self,
        service_id: &ServiceId,
        account: &AccountName,
    ) -> Option<crate::state::FileStamp> {
        self.store
            .state
            .stamp(&AccountRef::new(service_id.clone(), account.clone()))
    }

    /// The account's stored state (no secret), as the token agent compares it.
    pub fn account_state(
        &self,
        service_id: &ServiceId,
        account: &AccountName,
    ) -> Result<Option<AccountState>> {
        self.store
            .state
            .load(&AccountRef::new(service_id.clone(), account.clone()))
    }
}

/// A refusal tied to the account it happened to, with the next step that fits the
/// service: the password, the client secret (or, for a public client, its id), or a login.
pub(crate) fn in_account(e: Error, at: &AccountRef, service: &Service) -> Error {
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
    let (s, a) = (at.service.to_string(), at.account.to_string());
    let hint = hint.or(match refusal {
        Refusal::BadUserCredentials => Some(Hint::StorePassword {
            service: s.clone(),
            account: a.clone(),
        }),
        Refusal::BadClientCredentials if service.effective_client_auth().needs_secret() => {
            Some(Hint::StoreClientSecret { service: s.clone() })
        }
        Refusal::BadClientCredentials if service.effective_client_auth().needs_key() => {
            Some(Hint::SetClientKey { service: s.clone() })
        }
        Refusal::BadClientCredentials => Some(Hint::CheckClientId { service: s.clone() }),
        Refusal::ConsentDenied | Refusal::GrantExpired => Some(Hint::LogIn {
            service: s.clone(),
            account: a.clone(),
        }),
        Refusal::ProviderBroken => None,
        Refusal::DpopRequired => Some(Hint::TurnOnDpop { service: s.clone() }),
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

/// The configured account to use: the named one, else `default`, else the only one.
fn existing_account(
    service_id: &ServiceId,
    service: &Service,
    account: Option<&AccountName>,
) -> Result<AccountRef> {
    let at = |name: &AccountName| Ok(AccountRef::new(service_id.clone(), name.clone()));
    let names = service.account_list();
    let listed = || {
        names
            .iter()
            .map(AccountName::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match account {
        Some(name) if names.contains(name) => at(name),
        Some(name) => Err(Error::Config(format!(
            "'{service_id}' has no account '{name}' (it has: {}); logging in to it creates it",
            listed()
        ))
        .with_hint(Hint::LogIn {
            service: service_id.to_string(),
            account: name.to_string(),
        })),
        None => {
            let default = AccountName::default_account();
            if names.contains(&default) {
                return at(&default);
            }
            match names.as_slice() {
                [only] => at(only),
                _ => Err(Error::Config(format!(
                    "'{service_id}' has several accounts ({})",
                    listed()
                ))
                .with_hint(Hint::ChooseAccount {
                    service: service_id.to_string(),
                })),
            }
        }
    }
}

#[cfg(test)]
mod tests;
