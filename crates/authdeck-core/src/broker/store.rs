//! The one route by which new tokens are stored — after a login, a pasted token, a
//! refresh or a re-fetch, in the CLI, the desktop app and the token agent alike — and
//! the account lock every write of an account's tokens holds.
//!
//! Order, always: the access, refresh and ID tokens go to the keyring first, in one
//! write that replaces the previous three (a rotated refresh token must never be lost,
//! and whoever reads the keyring after the handout finds the token handed out); the
//! state file that describes them is put in place only once they are stored, never
//! ahead of them. Until then readers see the previous state: an earlier expiry, so never
//! a token that has expired.
//!
//! The one option is *when* the state file is written ([`TokenStore::late_writes`], for
//! the token agent): before [`TokenStore::store`] returns (staged on disk while the
//! keyring writes, then put in place), or after it, on a tracked task that keeps the
//! account's lock until it is done.
//!
//! The [`SecretCache`] is told of every new token set here: the spent refresh token is
//! forgotten before the write, the new one kept with the state file written for it (and
//! forgotten if that file could not be written).

use tokio_util::task::TaskTracker;

use super::cache::SecretCache;
use crate::error::{Error, Result};
use crate::flows::revoke::WhichToken;
use crate::ids::AccountRef;
use crate::paths;
use crate::secret::AppToken;
use crate::state::{AccountState, StateStore};
use crate::token::TokenSet;
use crate::vault::{SecretKey, SecretKind, StoredTokens, Vault};

/// An account's cross-process lock (a lock file in the state directory), held while it
/// lives. Renewals, logins and logouts of an account hold it, so two processes never
/// spend the same rotating refresh token.
#[derive(Debug)]
pub(crate) struct AccountLock {
    _file: std::fs::File,
}

/// The keyring and the state files of accounts, and how new tokens are written to them.
#[derive(Debug, Clone)]
pub(crate) struct TokenStore {
    pub(crate) vault: Vault,
    pub(crate) state: StateStore,
    /// Secrets kept between renewals (a no-op for the CLI).
    pub(crate) cache: SecretCache,
    /// Where state files are written after [`TokenStore::store`] returns (the agent).
    pub(crate) late_writes: Option<TaskTracker>,
}

impl TokenStore {
    pub(crate) fn new(vault: Vault, state: StateStore) -> Self {
        TokenStore {
            vault,
            state,
            cache: SecretCache::Off,
            late_writes: None,
        }
    }

    /// Takes the account's cross-process lock (off the async runtime).
    pub(crate) async fn lock(&self, account: &AccountRef) -> Result<AccountLock> {
        let path = self.state.lock_path(account);
        tokio::task::spawn_blocking(move || paths::lock_exclusive(&path))
            .await
            .map_err(|e| Error::Local(format!("the lock task failed: {e}")))?
            .map(|file| AccountLock { _file: file })
    }

    /// Stores a new token set of the account whose lock is `lock`: the tokens in the
    /// keyring, then the state file — before returning, or, with late writes, on a
    /// tracked task that keeps `lock` until it is done (an error there is logged: the
    /// tokens are stored, and the old state file makes the next renewal come early).
    /// When this returns `Ok`, the tokens are in the keyring.
    pub(crate) async fn store(
        &self,
        account: &AccountRef,
        tokens: &TokenSet,
        lock: AccountLock,
    ) -> Result<()> {
        let writing = self.write_tokens(account, tokens);
        let Some(tracker) = &self.late_writes else {
            // The state file is written to disk beside its place while the keyring
            // stores the tokens (its sync to disk overlaps the keyring's).
            let staged = self.new_state(account, tokens).and_then(|state| {
                let file = self.state.stage(account, &state)?;
                Ok((state, file))
            });
            // On a keyring failure the staged file is dropped: the old state stays.
            writing.await?;
            let saved = staged.and_then(|(state, file)| file.commit().map(|()| state));
            let stored = self.state_written(account, tokens, saved);
            drop(lock);
            return stored;
        };
        writing.await?;
        let store = self.clone();
        let (account, tokens) = (account.clone(), tokens.clone());
        tracker.spawn(async move {
            let saved = store
                .new_state(&account, &tokens)
                .and_then(|state| store.state.save(&account, &state).map(|()| state));
            if let Err(e) = store.state_written(&account, &tokens, saved) {
                tracing::warn!("{account}: storing the state of a renewal failed: {e}");
            }
            drop(lock);
        });
        Ok(())
    }

    /// Stores a newly minted app token (NOMAD) of the account whose lock is `lock`, then
    /// its expiry in the state file. It lives beside the login's tokens:
    /// [`TokenStore::store`] keeps its expiry.
    pub(crate) async fn store_app_token(
        &self,
        account: &AccountRef,
        token: AppToken,
        expires_at: i64,
        lock: AccountLock,
    ) -> Result<()> {
        self.vault.set_app_token(account, token).await?;
        let mut state = self.state.load(account)?.unwrap_or_default();
        state.app_token_expires_at = Some(expires_at);
        self.state.save(account, &state)?;
        drop(lock);
        Ok(())
    }

    /// Drops one token of the account whose lock is `lock` (it was revoked at the
    /// provider): the keyring keeps the others, in one write, then the state file says
    /// the token is gone — no access token: the next request renews; no refresh token:
    /// the account cannot refresh. `login_required`: the reason to mark the account as
    /// needing a login (nothing is left to get a token without the user).
    pub(crate) async fn drop_token(
        &self,
        account: &AccountRef,
        which: WhichToken,
        login_required: Option<&str>,
        lock: AccountLock,
    ) -> Result<()> {
        let kinds = [
            SecretKind::AccessToken,
            SecretKind::RefreshToken,
            SecretKind::IdToken,
        ];
        let mut stored = self.vault.get_tokens(account, &kinds).await?;
        let mut state = self.state.load(account)?.unwrap_or_default();
        match which {
            WhichToken::Access => {
                stored.access_token = None;
                state.has_access_token = false;
                // No token, no expiry: nothing shows a time the account no longer has.
                state.expires_at = None;
            }
            WhichToken::Refresh => {
                self.cache.forget_refresh_token(account);
                stored.refresh_token = None;
                state.has_refresh_token = false;
            }
        }
        if let Some(reason) = login_required {
            state.login_required = Some(reason.to_owned());
        }
        let remove_old = !state.tokens_in_one_entry;
        self.vault.set_tokens(account, stored, remove_old).await?;
        state.tokens_in_one_entry = true;
        self.state.save(account, &state)?;
        drop(lock);
        Ok(())
    }

    /// Deletes the account's tokens (and what they were exchanged for) from the keyring
    /// (not its password) and marks it as needing a login, for `reason`.
    pub(crate) async fn clear(&self, account: &AccountRef, reason: &str) -> Result<()> {
        self.vault.delete_tokens(account).await?;
        // What the account's token was exchanged for goes with it.
        self.vault
            .delete(SecretKey::account(account, SecretKind::Exchanged))
            .await?;
        self.state
            .save(account, &AccountState::login_required(reason))
    }

    /// The keyring write of a new token set: the access, refresh and ID tokens in one
    /// write that replaces the previous three at once. The write starts at once, on a
    /// blocking thread; the returned future is its outcome. The remembered refresh token
    /// is spent: it is forgotten first. The first time an account is stored this way
    /// after an earlier build's per-token entries, those are removed (see
    /// `vault/tokens.rs`).
    fn write_tokens(
        &self,
        account: &AccountRef,
        tokens: &TokenSet,
    ) -> impl std::future::Future<Output = Result<()>> + Send + 'static {
        self.cache.forget_refresh_token(account);
        // Only an account whose state file predates the one-entry layout may have
        // per-token entries left (an unreadable state file is left to its reader).
        let remove_old = matches!(
            self.state.load(account),
            Ok(Some(state)) if !state.tokens_in_one_entry
        );
        let stored = StoredTokens {
            access_token: Some(tokens.access_token.clone()),
            refresh_token: tokens.refresh_token.clone(),
            id_token: tokens.id_token.clone(),
        };
        self.vault.set_tokens(account, stored, remove_old)
    }

    /// The state file that describes a new token set.
    fn new_state(&self, account: &AccountRef, tokens: &TokenSet) -> Result<AccountState> {
        let mut state = AccountState::from_tokens(tokens);
        state.tokens_in_one_entry = true;
        // An app token lives on independently of the login that minted it.
        state.app_token_expires_at = self
            .state
            .load(account)?
            .and_then(|old| old.app_token_expires_at);
        Ok(state)
    }

    /// After the state file of a new token set was written (`saved`: its content) or not.
    fn state_written(
        &self,
        account: &AccountRef,
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
                self.cache.forget_refresh_token(account);
                return Err(state_not_saved(account, e));
            }
        };
        if let Some(rt) = &tokens.refresh_token {
            self.cache.keep_refresh_token(account, state, rt.clone());
        }
        Ok(())
    }
}

/// The error for new tokens that are in the keyring while the state file could not be
/// written: what happened, that nothing is lost, and what to do.
fn state_not_saved(account: &AccountRef, e: Error) -> Error {
    let message = format!(
        "{account}: the new tokens are safe in the keyring, but {e}; free some space (or make the state directory writable) and run the command again"
    );
    match e {
        Error::Io { source, .. } => Error::Io { message, source },
        _ => Error::Local(message),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ids::testing::aref;
    use crate::secret::{AccessToken, RefreshToken};
    use crate::vault::MemoryStore;

    fn tokens(at: &str, rt: &str) -> TokenSet {
        TokenSet {
            access_token: AccessToken::new(at),
            refresh_token: Some(RefreshToken::new(rt)),
            id_token: None,
            token_type: "Bearer".into(),
            scopes: vec![],
            expires_at: Some(2_000),
            obtained_at: 1_000,
            refresh_expires_at: None,
        }
    }

    fn remembering_store(dir: &std::path::Path) -> TokenStore {
        let mut store = TokenStore::new(
            Vault::new(Arc::new(MemoryStore::default())),
            StateStore::new(dir),
        );
        store.cache = SecretCache::remembering();
        store
    }

    async fn stored_refresh_token(store: &TokenStore) -> Option<String> {
        store
            .vault
            .refresh_token(&aref("s", "a"))
            .await
            .expect("get")
            .map(|t| t.expose().to_owned())
    }

    #[tokio::test]
    async fn new_tokens_are_remembered_with_the_state_written_for_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = remembering_store(dir.path());
        let old = AccountState {
            app_token_expires_at: Some(5_000),
            ..AccountState::default()
        };
        store.state.save(&aref("s", "a"), &old).expect("save");
        store
            .cache
            .keep_refresh_token(&aref("s", "a"), old.clone(), RefreshToken::new("rt-old"));

        let lock = store.lock(&aref("s", "a")).await.expect("lock");
        store
            .store(&aref("s", "a"), &tokens("at-1", "rt-1"), lock)
            .await
            .expect("store");

        assert_eq!(stored_refresh_token(&store).await.as_deref(), Some("rt-1"));
        let state = store
            .state
            .load(&aref("s", "a"))
            .expect("load")
            .expect("some");
        assert_eq!(state.expires_at, Some(2_000));
        assert!(state.tokens_in_one_entry);
        // The app token lives on, independently of the login.
        assert_eq!(state.app_token_expires_at, Some(5_000));
        assert!(store.cache.refresh_token(&aref("s", "a"), &old).is_none());
        assert_eq!(
            store
                .cache
                .refresh_token(&aref("s", "a"), &state)
                .map(|t| t.expose().to_owned()),
            Some("rt-1".to_owned())
        );
    }

    #[tokio::test]
    async fn late_writes_put_the_state_file_in_place_on_the_tracker() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = remembering_store(dir.path());
        let tracker = TaskTracker::new();
        store.late_writes = Some(tracker.clone());

        let lock = store.lock(&aref("s", "a")).await.expect("lock");
        store
            .store(&aref("s", "a"), &tokens("at-1", "rt-1"), lock)
            .await
            .expect("store");
        // The test's runtime is single-threaded and nothing has yielded since the write
        // was handed to the tracker: the state file is not written yet.
        assert!(store.state.load(&aref("s", "a")).expect("load").is_none());
        // Handed out: the tokens are in the keyring already.
        assert_eq!(stored_refresh_token(&store).await.as_deref(), Some("rt-1"));
        tracker.close();
        tracker.wait().await;
        let state = store
            .state
            .load(&aref("s", "a"))
            .expect("load")
            .expect("some");
        assert_eq!(state.obtained_at, Some(1_000));
        assert!(store.cache.refresh_token(&aref("s", "a"), &state).is_some());
    }

    #[tokio::test]
    async fn a_state_file_that_cannot_be_written_leaves_the_new_tokens_stored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = remembering_store(dir.path());
        // A directory where the state file belongs: putting it in place fails.
        let blocked = dir.path().join("accounts/s/a.json");
        std::fs::create_dir_all(blocked.join("x")).expect("dir");

        let lock = store.lock(&aref("s", "a")).await.expect("lock");
        let err = store
            .store(&aref("s", "a"), &tokens("at-1", "rt-1"), lock)
            .await
            .expect_err("the state file cannot be written");
        assert!(err.to_string().contains("safe in the keyring"), "{err}");
        assert_eq!(stored_refresh_token(&store).await.as_deref(), Some("rt-1"));
        assert!(blocked.is_dir());
    }
}
