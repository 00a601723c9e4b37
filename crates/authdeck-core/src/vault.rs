//! The OS keyring: the only place a secret is ever stored.
//!
//! One keyring entry per service/account/kind (an account's access, refresh and ID tokens
//! share one, see [`tokens`]), in a namespace (the Secret Service
//! `service` attribute) that differs between release builds (`authdeck`), debug builds
//! (`authdeck-dev`) and demo mode (`authdeck-demo`), so development never touches a
//! user's real tokens. A missing entry is `Ok(None)`; every other failure becomes a
//! clear, actionable [`Error::Keyring`]. There is no plaintext fallback, ever.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::ids::{AccountName, AccountRef, ServiceId};
use crate::secret::{
    AccessToken, AppToken, ClientKey, ClientSecret, DpopKey, EntryText, Password, RefreshToken,
};

mod exchanged;
#[cfg(target_os = "linux")]
mod linux;
mod tokens;

pub use exchanged::{ExchangedToken, ExchangedTokens};
pub use tokens::StoredTokens;

/// What a stored secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretKind {
    /// An account's access, refresh and ID tokens together (see [`tokens`]).
    Tokens,
    /// An access token alone: the layout of earlier builds, still read.
    AccessToken,
    RefreshToken,
    IdToken,
    /// A service-level secret (shared by the service's accounts).
    ClientSecret,
    /// A service-level private key (`private_key_jwt`), as PEM.
    ClientKey,
    Password,
    /// A long-lived token minted with an access token (NOMAD app tokens).
    AppToken,
    /// An account's DPoP key (RFC 9449), as PEM.
    DpopKey,
    /// The tokens the account's token was exchanged for (RFC 8693), see [`exchanged`].
    Exchanged,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Tokens => "tokens",
            SecretKind::AccessToken => "access_token",
            SecretKind::RefreshToken => "refresh_token",
            SecretKind::IdToken => "id_token",
            SecretKind::ClientSecret => "client_secret",
            SecretKind::ClientKey => "client_key",
            SecretKind::Password => "password",
            SecretKind::AppToken => "app_token",
            SecretKind::DpopKey => "dpop_key",
            SecretKind::Exchanged => "exchanged",
        }
    }

    /// The tokens earlier builds kept in an entry each (now in one [`SecretKind::Tokens`]
    /// entry).
    pub const OLD_TOKENS: [SecretKind; 3] = [
        SecretKind::AccessToken,
        SecretKind::RefreshToken,
        SecretKind::IdToken,
    ];

    /// Everything an account holds, in either layout.
    pub const ACCOUNT: [SecretKind; 8] = [
        SecretKind::Tokens,
        SecretKind::AccessToken,
        SecretKind::RefreshToken,
        SecretKind::IdToken,
        SecretKind::AppToken,
        SecretKind::Password,
        SecretKind::DpopKey,
        SecretKind::Exchanged,
    ];
}

/// Where a secret lives: service, account (none for service-level secrets), kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretKey {
    pub service: ServiceId,
    pub account: Option<AccountName>,
    pub kind: SecretKind,
}

impl SecretKey {
    pub fn account(account: &AccountRef, kind: SecretKind) -> Self {
        SecretKey {
            service: account.service.clone(),
            account: Some(account.account.clone()),
            kind,
        }
    }

    pub fn service(service: &ServiceId, kind: SecretKind) -> Self {
        SecretKey {
            service: service.clone(),
            account: None,
            kind,
        }
    }

    /// The keyring "user" of the entry: `service/account/kind` or `service/kind`.
    pub fn user(&self) -> String {
        match &self.account {
            Some(a) => format!("{}/{}/{}", self.service, a, self.kind.as_str()),
            None => format!("{}/{}", self.service, self.kind.as_str()),
        }
    }
}

/// A store of secrets (the OS keyring; an in-memory map in unit tests).
pub trait SecretStore: Send + Sync + fmt::Debug {
    fn get(&self, key: &SecretKey) -> Result<Option<EntryText>>;
    fn set(&self, key: &SecretKey, value: &EntryText) -> Result<()>;
    /// Deletes the entry; deleting a missing entry is fine.
    fn delete(&self, key: &SecretKey) -> Result<()>;
    /// Opens what the store needs (a connection, a session) now, so that the next read
    /// or write does not wait for it. Failures are left to that read or write to report.
    fn prepare(&self) {}
}

/// The keyring namespace of this build: `AUTHDECK_KEYRING_NAMESPACE` if set, else
/// `authdeck` (release) or `authdeck-dev` (debug).
pub fn default_namespace() -> String {
    match std::env::var("AUTHDECK_KEYRING_NAMESPACE") {
        Ok(ns) if !ns.trim().is_empty() => ns,
        _ if cfg!(debug_assertions) => "authdeck-dev".to_owned(),
        _ => "authdeck".to_owned(),
    }
}

/// The OS keyring: the Secret Service on Linux (through [`linux`], one D-Bus connection
/// and encrypted session for the life of this value, shared by its clones), Keychain on
/// macOS and Credential Manager on Windows (through the `keyring` crate). Its calls block:
/// call them off the async runtime.
#[derive(Debug, Clone)]
pub struct Keyring {
    namespace: String,
    #[cfg(target_os = "linux")]
    service: Arc<linux::SecretService>,
}

impl Keyring {
    pub fn new(namespace: impl Into<String>) -> Self {
        Keyring {
            namespace: namespace.into(),
            #[cfg(target_os = "linux")]
            service: Arc::new(linux::SecretService::default()),
        }
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }
}

#[cfg(target_os = "linux")]
impl SecretStore for Keyring {
    fn get(&self, key: &SecretKey) -> Result<Option<EntryText>> {
        self.service
            .get(&self.namespace, &key.user())
            .map_err(|f| failure_error(&f, key))
    }

    fn set(&self, key: &SecretKey, value: &EntryText) -> Result<()> {
        self.service
            .set(&self.namespace, &key.user(), value)
            .map_err(|f| failure_error(&f, key))
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.service
            .delete(&self.namespace, &key.user())
            .map_err(|f| failure_error(&f, key))
    }

    fn prepare(&self) {
        self.service.prepare();
    }
}

#[cfg(not(target_os = "linux"))]
impl Keyring {
    fn entry(&self, key: &SecretKey) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.namespace, &key.user())
            .map_err(|e| failure_error(&keyring_failure(e), key))
    }
}

#[cfg(not(target_os = "linux"))]
impl SecretStore for Keyring {
    fn get(&self, key: &SecretKey) -> Result<Option<EntryText>> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(EntryText::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(failure_error(&keyring_failure(e), key)),
        }
    }

    fn set(&self, key: &SecretKey, value: &EntryText) -> Result<()> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(|e| failure_error(&keyring_failure(e), key))
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(failure_error(&keyring_failure(e), key)),
        }
    }
}

/// Why the keyring failed, whatever the platform (never carrying a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The keyring (or the entry) is locked, or the user dismissed the unlock prompt.
    Locked,
    /// No D-Bus session bus at all (`DBUS_SESSION_BUS_ADDRESS` unset, none at the default
    /// place).
    NoBus,
    /// `DBUS_SESSION_BUS_ADDRESS` names a bus that cannot be reached (why, and the address).
    BusUnreachable(String),
    /// The session bus runs, but no Secret Service provider is on it.
    NoSecretService,
    /// The Secret Service has no default collection to create an entry in.
    NoDefaultCollection,
    /// The stored value is not UTF-8 (the bytes are not kept).
    NotUtf8,
    /// Several entries match one key.
    Ambiguous,
    /// The platform refused an attribute (name, limit or reason).
    #[cfg_attr(target_os = "linux", allow(dead_code))]
    Refused(String),
    /// Anything else, described.
    Other(String),
}

/// What replaces an unreadable entry: storing the secret again, or (tokens) logging out
/// and in again.
pub(crate) fn replace_entry_hint(key: &SecretKey) -> crate::hint::Hint {
    use crate::hint::Hint;
    let service = key.service.to_string();
    let account = key
        .account
        .clone()
        .unwrap_or_else(AccountName::default_account)
        .to_string();
    match key.kind {
        SecretKind::ClientSecret => Hint::StoreClientSecret { service },
        SecretKind::ClientKey => Hint::SetClientKey { service },
        SecretKind::Password => Hint::StorePassword { service, account },
        _ => Hint::LogOutAndIn { service, account },
    }
}

/// Turns a keyring failure into a message that says what to do. Never includes the
/// secret.
pub(crate) fn failure_error(failure: &Failure, key: &SecretKey) -> Error {
    let what = format!(
        "the {} of {}",
        key.kind.as_str().replace('_', " "),
        key_label(key)
    );
    let message = match failure {
        Failure::Locked => format!(
            "the OS keyring is locked, so {what} cannot be read or stored: unlock it (log in to your desktop session, or unlock the 'login' keyring in your keyring app) and try again"
        ),
        Failure::NoBus => format!(
            "no D-Bus session is running, so there is no keyring to keep {what} in: run Authdeck inside a desktop session (or `dbus-run-session`) with gnome-keyring or KWallet"
        ),
        Failure::BusUnreachable(detail) => format!(
            "the D-Bus session named by DBUS_SESSION_BUS_ADDRESS is not running, so there is no keyring to keep {what} in: run Authdeck in your desktop session (or fix DBUS_SESSION_BUS_ADDRESS) with gnome-keyring or KWallet ({detail})"
        ),
        Failure::NoSecretService => format!(
            "no Secret Service is running on this session's D-Bus, so {what} cannot be kept: start gnome-keyring (`gnome-keyring-daemon --start --components=secrets`) or KWallet and try again"
        ),
        Failure::NoDefaultCollection => format!(
            "the OS keyring has no default collection to store {what} in: create a keyring and make it the default in your keyring app (Seahorse: 'Passwords and Keys'), then try again"
        ),
        Failure::NotUtf8 => {
            let message = format!("the keyring entry holding {what} is not valid UTF-8");
            return Error::Keyring(message).with_hint(replace_entry_hint(key));
        }
        Failure::Ambiguous => format!(
            "the keyring holds several entries for {what}: remove the duplicates with your keyring app (or `secret-tool`)"
        ),
        Failure::Refused(why) => format!("the keyring refused {what}: {why}"),
        Failure::Other(text) => format!("the OS keyring failed while handling {what}: {text}"),
    };
    Error::Keyring(message)
}

/// What a `keyring` crate error means (`BadEncoding` carries the stored bytes: they are
/// dropped here).
#[cfg(not(target_os = "linux"))]
fn keyring_failure(e: keyring::Error) -> Failure {
    match e {
        keyring::Error::NoStorageAccess(_) => Failure::Locked,
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            if text.contains("autolaunch") || text.contains("DBUS_SESSION_BUS_ADDRESS") {
                Failure::NoBus
            } else if text.contains("Failed to connect to socket")
                || text.contains("Connection refused")
            {
                Failure::BusUnreachable(text)
            } else if text.contains("org.freedesktop.secrets") || text.contains("ServiceUnknown") {
                Failure::NoSecretService
            } else {
                Failure::Other(text)
            }
        }
        keyring::Error::BadEncoding(_) => Failure::NotUtf8,
        keyring::Error::TooLong(attr, limit) => {
            Failure::Refused(format!("its {attr} is longer than the limit of {limit}"))
        }
        keyring::Error::Invalid(attr, reason) => Failure::Refused(format!("{attr} {reason}")),
        keyring::Error::Ambiguous(_) => Failure::Ambiguous,
        other => Failure::Other(other.to_string()),
    }
}

fn key_label(key: &SecretKey) -> String {
    match &key.account {
        Some(a) => format!("{}/{a}", key.service),
        None => key.service.to_string(),
    }
}

/// An in-memory store, for unit tests of code above the vault.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    map: Arc<Mutex<BTreeMap<SecretKey, String>>>,
}

impl MemoryStore {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, BTreeMap<SecretKey, String>>> {
        self.map
            .lock()
            .map_err(|_| Error::Keyring("the in-memory secret store is poisoned".into()))
    }

    /// The number of entries (tests).
    pub fn len(&self) -> usize {
        self.lock().map(|m| m.len()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<EntryText>> {
        Ok(self.lock()?.get(key).cloned().map(EntryText::new))
    }
    fn set(&self, key: &SecretKey, value: &EntryText) -> Result<()> {
        self.lock()?.insert(key.clone(), value.expose().to_owned());
        Ok(())
    }
    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.lock()?.remove(key);
        Ok(())
    }
}

/// Async access to a [`SecretStore`]: each call runs on the blocking thread pool, so a
/// slow keyring (a D-Bus round trip) never stalls the async runtime.
#[derive(Debug, Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
}

impl Vault {
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Vault { store }
    }

    /// Runs `f` on the blocking pool, starting at once (before the returned future is
    /// awaited, so a caller can do other work meanwhile).
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T>> + Send + 'static {
        let store = Arc::clone(&self.store);
        let task = tokio::task::spawn_blocking(move || f(store.as_ref()));
        async move {
            task.await
                .map_err(|e| Error::Keyring(format!("the keyring task failed: {e}")))?
        }
    }

    /// The raw text of an entry (to put it back after a failed change).
    pub(crate) async fn entry(&self, key: SecretKey) -> Result<Option<EntryText>> {
        self.run(move |s| s.get(&key)).await
    }

    /// Writes an entry's raw text (one read with [`Vault::entry`], put back).
    pub(crate) async fn set_entry(&self, key: SecretKey, value: EntryText) -> Result<()> {
        self.run(move |s| s.set(&key, &value)).await
    }

    /// Whether the entry exists (without handing out what it holds).
    pub async fn has(&self, key: SecretKey) -> Result<bool> {
        Ok(self.entry(key).await?.is_some())
    }

    pub async fn delete(&self, key: SecretKey) -> Result<()> {
        self.run(move |s| s.delete(&key)).await
    }

    /// The service's client secret.
    pub async fn client_secret(&self, service: &ServiceId) -> Result<Option<ClientSecret>> {
        let key = SecretKey::service(service, SecretKind::ClientSecret);
        let text = self.entry(key).await?;
        Ok(text.map(|t| ClientSecret::new(t.into_exposed())))
    }

    pub async fn set_client_secret(&self, service: &ServiceId, secret: ClientSecret) -> Result<()> {
        let key = SecretKey::service(service, SecretKind::ClientSecret);
        self.set_entry(key, EntryText::new(secret.into_exposed()))
            .await
    }

    /// The service's private key of `private_key_jwt`.
    pub async fn client_key(&self, service: &ServiceId) -> Result<Option<ClientKey>> {
        let key = SecretKey::service(service, SecretKind::ClientKey);
        let text = self.entry(key).await?;
        Ok(text.map(|t| ClientKey::new(t.into_exposed())))
    }

    pub async fn set_client_key(&self, service: &ServiceId, key: ClientKey) -> Result<()> {
        let entry = SecretKey::service(service, SecretKind::ClientKey);
        self.set_entry(entry, EntryText::new(key.into_exposed()))
            .await
    }

    /// The account's password (password grant).
    pub async fn password(&self, account: &AccountRef) -> Result<Option<Password>> {
        let key = SecretKey::account(account, SecretKind::Password);
        let text = self.entry(key).await?;
        Ok(text.map(|t| Password::new(t.into_exposed())))
    }

    pub async fn set_password(&self, account: &AccountRef, password: Password) -> Result<()> {
        let key = SecretKey::account(account, SecretKind::Password);
        self.set_entry(key, EntryText::new(password.into_exposed()))
            .await
    }

    /// The account's DPoP key (RFC 9449).
    pub async fn dpop_key(&self, account: &AccountRef) -> Result<Option<DpopKey>> {
        let key = SecretKey::account(account, SecretKind::DpopKey);
        let text = self.entry(key).await?;
        Ok(text.map(|t| DpopKey::new(t.into_exposed())))
    }

    pub async fn set_dpop_key(&self, account: &AccountRef, key: DpopKey) -> Result<()> {
        let entry = SecretKey::account(account, SecretKind::DpopKey);
        self.set_entry(entry, EntryText::new(key.into_exposed()))
            .await
    }

    /// The account's app token (NOMAD).
    pub async fn app_token(&self, account: &AccountRef) -> Result<Option<AppToken>> {
        let key = SecretKey::account(account, SecretKind::AppToken);
        let text = self.entry(key).await?;
        Ok(text.map(|t| AppToken::new(t.into_exposed())))
    }

    pub async fn set_app_token(&self, account: &AccountRef, token: AppToken) -> Result<()> {
        let key = SecretKey::account(account, SecretKind::AppToken);
        self.set_entry(key, EntryText::new(token.into_exposed()))
            .await
    }

    /// Opens the keyring's connection and session on a blocking thread, without waiting:
    /// for a login, while the user is in the browser or the token request is under way,
    /// so storing the tokens afterwards does not wait for the connection and the key
    /// exchange.
    pub fn prepare_in_background(&self) {
        let store = Arc::clone(&self.store);
        drop(tokio::task::spawn_blocking(move || store.prepare()));
    }

    /// The account's tokens (from its one entry, else from the entries of earlier builds,
    /// reading only the kinds in `wanted` there).
    pub async fn get_tokens(
        &self,
        account: &AccountRef,
        wanted: &[SecretKind],
    ) -> Result<StoredTokens> {
        let account = account.clone();
        let wanted = wanted.to_vec();
        self.run(move |s| tokens::read(s, &account, &wanted)).await
    }

    /// The account's access token.
    pub async fn access_token(&self, account: &AccountRef) -> Result<Option<AccessToken>> {
        let stored = self.get_tokens(account, &[SecretKind::AccessToken]).await?;
        Ok(stored.access_token)
    }

    /// The account's refresh token.
    pub async fn refresh_token(&self, account: &AccountRef) -> Result<Option<RefreshToken>> {
        let stored = self
            .get_tokens(account, &[SecretKind::RefreshToken])
            .await?;
        Ok(stored.refresh_token)
    }

    /// Stores the account's tokens in one write; with `remove_old`, then deletes the
    /// entries of earlier builds. The write starts at once, before the returned future is
    /// awaited (so the caller can do other work meanwhile).
    pub fn set_tokens(
        &self,
        account: &AccountRef,
        tokens: StoredTokens,
        remove_old: bool,
    ) -> impl std::future::Future<Output = Result<()>> + Send + 'static {
        let account = account.clone();
        self.run(move |s| tokens::write(s, &account, &tokens, remove_old))
    }

    /// Deletes the account's tokens, in both layouts (not its password or app token).
    pub async fn delete_tokens(&self, account: &AccountRef) -> Result<()> {
        let account = account.clone();
        self.run(move |s| tokens::delete(s, &account)).await
    }

    /// The tokens the account's token was exchanged for.
    pub async fn exchanged(&self, account: &AccountRef) -> Result<ExchangedTokens> {
        let account = account.clone();
        self.run(move |s| exchanged::read(s, &account)).await
    }

    /// Replaces the account's exchanged tokens (deletes the entry when there are none).
    pub async fn set_exchanged(&self, account: &AccountRef, tokens: ExchangedTokens) -> Result<()> {
        let account = account.clone();
        self.run(move |s| exchanged::write(s, &account, &tokens))
            .await
    }

    /// Deletes several entries, stopping at the first failure.
    pub async fn delete_all(&self, keys: Vec<SecretKey>) -> Result<()> {
        self.run(move |s| keys.iter().try_for_each(|k| s.delete(k)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::{aref, sid};

    #[test]
    fn entry_names() {
        assert_eq!(
            SecretKey::account(&aref("nomad", "work"), SecretKind::RefreshToken).user(),
            "nomad/work/refresh_token"
        );
        assert_eq!(
            SecretKey::service(&sid("autolab"), SecretKind::ClientSecret).user(),
            "autolab/client_secret"
        );
    }

    #[test]
    fn keyring_errors_say_what_to_do() {
        let key = SecretKey::account(&aref("s", "a"), SecretKind::AccessToken);
        let locked = failure_error(&Failure::Locked, &key);
        assert!(locked.to_string().contains("unlock"), "{locked}");
        assert_eq!(locked.kind(), crate::ErrorKind::Keyring);
        let gone = failure_error(
            &Failure::BusUnreachable("unix:path=/nowhere: No such file or directory".into()),
            &key,
        );
        assert!(
            gone.to_string()
                .contains("the D-Bus session named by DBUS_SESSION_BUS_ADDRESS is not running"),
            "{gone}"
        );
        let none = failure_error(&Failure::NoBus, &key);
        assert!(none.to_string().contains("dbus-run-session"), "{none}");
        let service = failure_error(&Failure::NoSecretService, &key);
        assert!(
            service.to_string().contains("gnome-keyring-daemon"),
            "{service}"
        );
        let enc = failure_error(&Failure::NotUtf8, &key);
        assert!(!enc.to_string().contains("authdeck"), "{enc}");
        assert!(
            matches!(enc.hint(), Some(crate::hint::Hint::LogOutAndIn { .. })),
            "{enc:?}"
        );
    }

    #[cfg(not(target_os = "linux"))]
    #[test]
    fn keyring_crate_errors_keep_no_secret() {
        let f = keyring_failure(keyring::Error::BadEncoding(b"SECRET".to_vec()));
        assert_eq!(f, Failure::NotUtf8);
        assert_eq!(
            keyring_failure(keyring::Error::NoStorageAccess("locked".into())),
            Failure::Locked
        );
    }

    #[tokio::test]
    async fn memory_vault_round_trip() {
        let vault = Vault::new(Arc::new(MemoryStore::default()));
        let (service, account) = (sid("s"), aref("s", "a"));
        assert!(vault.client_secret(&service).await.expect("get").is_none());
        vault
            .set_client_secret(&service, ClientSecret::new("cs"))
            .await
            .expect("set");
        vault
            .set_password(&account, Password::new("pw"))
            .await
            .expect("set");
        let secret = vault.client_secret(&service).await.expect("get");
        assert_eq!(secret.as_ref().map(ClientSecret::expose), Some("cs"));
        let password = vault.password(&account).await.expect("get");
        assert_eq!(password.as_ref().map(Password::expose), Some("pw"));
        assert!(vault.app_token(&account).await.expect("get").is_none());
        let key = SecretKey::service(&service, SecretKind::ClientSecret);
        assert!(vault.has(key.clone()).await.expect("has"));
        vault.delete(key.clone()).await.expect("delete");
        vault.delete(key.clone()).await.expect("delete twice");
        assert!(vault.client_secret(&service).await.expect("get").is_none());
    }
}
