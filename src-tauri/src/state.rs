//! The one managed state of the app.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

use authdeck_core::config::settings::{self, AppSettings};
use authdeck_core::ids::{AccountName, AccountRef, ServiceId};
use authdeck_core::{Broker, Error, Result};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::agent_host::AgentHost;
use crate::opener::AppOpener;
use crate::proxies::Proxies;

/// How long quitting waits for a background refresh under way (one token request is
/// bounded by the HTTP client's timeout, 30 s).
const QUIT_WAIT: std::time::Duration = std::time::Duration::from_secs(35);

/// Everything the commands share. Plain data sits behind std mutexes, never held across
/// an `.await`; the broker does its own locking and runs keyring calls off the runtime.
#[derive(Debug)]
pub struct AppState {
    pub broker: Broker,
    pub demo: bool,
    pub opener: Arc<AppOpener>,
    /// The keyring namespace of `broker` (names the agent's socket).
    pub namespace: String,
    /// The token agent the app hosts while it runs.
    pub agent: AgentHost,
    /// The proxies running for accounts (stopped on quit).
    pub proxies: Proxies,
    /// Background refreshes under way: quitting waits for them (see [`Self::finish`]).
    pub refreshes: TaskTracker,
    settings: Mutex<AppSettings>,
    /// Logins in progress, by `service/account`, to cancel them.
    logins: Mutex<HashMap<String, CancellationToken>>,
    /// Accounts the user was already told need a login (no repeated notifications).
    told: Mutex<Told>,
    /// Bumped at every copy, so only the latest copy's timer clears the clipboard.
    pub clipboard_generation: AtomicU64,
    /// Keeps the in-process demo server alive (demo mode).
    _demo_server: Option<crate::demo::Server>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these plain-data locks leaves the data usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `service/account`, the key of per-account bookkeeping.
pub fn account_key(account: &AccountRef) -> String {
    account.to_string()
}

/// The account a command of the webview (or the tray) names, parsed: an invalid service
/// id or account name is refused here, with its own message, and everything behind it
/// is typed.
pub fn account_ref(service: &str, account: &str) -> Result<AccountRef> {
    Ok(AccountRef::new(
        service_id(service)?,
        account_name(account)?,
    ))
}

/// A service id the webview sends, parsed (see [`account_ref`]).
pub fn service_id(service: &str) -> Result<ServiceId> {
    ServiceId::parse(service).map_err(Error::Config)
}

/// An account name the webview sends, parsed (see [`account_ref`]).
pub fn account_name(account: &str) -> Result<AccountName> {
    AccountName::parse(account).map_err(Error::Config)
}

impl AppState {
    pub fn new(
        broker: Broker,
        opener: Arc<AppOpener>,
        namespace: String,
        demo_server: Option<crate::demo::Server>,
    ) -> Result<Self> {
        let settings = settings::load(&broker.dirs().config)?;
        Ok(AppState {
            demo: demo_server.is_some(),
            broker,
            opener,
            namespace,
            agent: AgentHost::default(),
            proxies: Proxies::default(),
            refreshes: TaskTracker::new(),
            settings: Mutex::new(settings),
            logins: Mutex::new(HashMap::new()),
            told: Mutex::new(Told::default()),
            clipboard_generation: AtomicU64::new(0),
            _demo_server: demo_server,
        })
    }

    /// On quit: stops the agent and the proxies, and lets a background refresh under way finish (up to
    /// [`QUIT_WAIT`]). A refresh cut off after the provider rotated the refresh token, but
    /// before the new one is in the keyring, would log the account out.
    pub fn finish(&self) {
        self.refreshes.close();
        self.agent.stop();
        tauri::async_runtime::block_on(self.proxies.stop_all());
        let waited = tauri::async_runtime::block_on(async {
            tokio::time::timeout(QUIT_WAIT, self.refreshes.wait()).await
        });
        if waited.is_err() {
            tracing::warn!(
                "quit before a background refresh finished (waited {} s)",
                QUIT_WAIT.as_secs()
            );
        }
    }

    pub fn settings(&self) -> AppSettings {
        lock(&self.settings).clone()
    }

    /// Validates, stores and applies new settings.
    pub fn set_settings(&self, new: AppSettings) -> Result<AppSettings> {
        settings::save(&self.broker.dirs().config, &new)?;
        *lock(&self.settings) = new.clone();
        Ok(new)
    }

    /// Registers a login; an error if one is already running for the account.
    pub fn start_login(&self, key: &str) -> Result<CancellationToken> {
        let mut logins = lock(&self.logins);
        if logins.contains_key(key) {
            return Err(Error::Local(format!(
                "a login for {key} is already in progress: finish or cancel it first"
            )));
        }
        let token = CancellationToken::new();
        logins.insert(key.to_owned(), token.clone());
        Ok(token)
    }

    pub fn end_login(&self, key: &str) {
        lock(&self.logins).remove(key);
        lock(&self.told).forget(key);
    }

    /// Cancels a running login (no-op when none runs).
    pub fn cancel_login(&self, key: &str) {
        if let Some(token) = lock(&self.logins).get(key) {
            token.cancel();
        }
    }

    /// True the first time the user is to be told that an account needs a login (see
    /// [`Told::should_notify`]).
    pub fn should_notify(&self, key: &str, deadline: Option<i64>) -> bool {
        lock(&self.told).should_notify(key, deadline)
    }
}

/// Which accounts the user was told need a login, so that each is told once.
#[derive(Debug, Default)]
pub struct Told {
    accounts: HashSet<String>,
    /// Per account, the login deadline (of its current token) the user was told of.
    deadlines: HashMap<String, i64>,
}

impl Told {
    /// True the first time the user is to be told that account `key` needs a login. With
    /// the `deadline` of its current token (a warning ahead of time, or the login the
    /// refresher found needed for that token): once per token, so a warning and the
    /// "log in again" that follows for the same token are one notification, and a new
    /// token (a login from the CLI, say) is warned of again. Without one: once until
    /// [`Self::forget`].
    pub fn should_notify(&mut self, key: &str, deadline: Option<i64>) -> bool {
        let Some(at) = deadline else {
            return self.accounts.insert(key.to_owned());
        };
        if self.deadlines.get(key) == Some(&at) {
            return false;
        }
        self.deadlines.insert(key.to_owned(), at);
        self.accounts.insert(key.to_owned());
        true
    }

    /// The account logged in from the app: whatever it was told is past.
    pub fn forget(&mut self, key: &str) {
        self.accounts.remove(key);
        self.deadlines.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::Told;

    #[test]
    fn one_notification_per_account_and_token() {
        let mut told = Told::default();
        // A warning ahead of the token's end, then its "log in again": one notification.
        assert!(told.should_notify("s/a", Some(100)));
        assert!(!told.should_notify("s/a", Some(100)));
        assert!(!told.should_notify("s/a", None));
        // Another account is told on its own.
        assert!(told.should_notify("s/b", Some(100)));
        // A new token (logged in elsewhere) is warned of again.
        assert!(told.should_notify("s/a", Some(200)));
        // Without a deadline: once, until a login from the app.
        assert!(told.should_notify("s/c", None));
        assert!(!told.should_notify("s/c", None));
        told.forget("s/c");
        assert!(told.should_notify("s/c", None));
    }
}
