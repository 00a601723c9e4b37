//! What Authdeck knows about each account besides its secrets: expiry, scopes, whether a
//! login is required. One small JSON file per account under the state directory, written
//! atomically. It never holds a token: `authdeck status` reads only these files, and the
//! hygiene tests scan this directory for secret bytes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{AccountRef, ServiceId};
use crate::paths;
use crate::token::TokenSet;

/// The stored state of one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountState {
    /// Unix seconds; `None` when the provider gave no expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// When the current token was obtained (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obtained_at: Option<i64>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Whether the keyring holds an access token for the account.
    #[serde(default)]
    pub has_access_token: bool,
    #[serde(default)]
    pub has_refresh_token: bool,
    /// When the refresh token stops working (Unix seconds), when known: Keycloak's
    /// `refresh_expires_in`, or the service's `refresh_token_lifetime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<i64>,
    /// Expiry of the account's app token (NOMAD), when one is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_token_expires_at: Option<i64>,
    /// Set when only the user can get a new token (refresh rejected, logged out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_required: Option<String>,
    /// Whether the account's tokens are in its one `tokens` keyring entry with no
    /// per-token entry of an earlier build left (see `vault/tokens.rs`). Until it is
    /// set, storing the tokens also removes those entries.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tokens_in_one_entry: bool,
}

impl AccountState {
    /// The state after a new token set was stored.
    pub fn from_tokens(tokens: &TokenSet) -> Self {
        AccountState {
            expires_at: tokens.expires_at,
            obtained_at: Some(tokens.obtained_at),
            scopes: tokens.scopes.clone(),
            token_type: Some(tokens.token_type.clone()),
            has_access_token: true,
            has_refresh_token: tokens.refresh_token.is_some(),
            refresh_expires_at: tokens.refresh_expires_at,
            app_token_expires_at: None,
            login_required: None,
            tokens_in_one_entry: false,
        }
    }

    /// A state that says the user has to log in, for `reason`.
    pub fn login_required(reason: impl Into<String>) -> Self {
        AccountState {
            login_required: Some(reason.into()),
            ..AccountState::default()
        }
    }
}

/// The account state files under one state directory.
#[derive(Debug, Clone)]
pub struct StateStore {
    dir: PathBuf,
}

/// A file's identity as written (see [`StateStore::stamp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    id: (u64, u64),
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let id = (0, 0);
        FileStamp {
            id,
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

impl StateStore {
    pub fn new(state_dir: &Path) -> Self {
        StateStore {
            dir: state_dir.to_owned(),
        }
    }

    fn file(&self, account: &AccountRef) -> PathBuf {
        self.dir
            .join("accounts")
            .join(account.service.as_str())
            .join(format!("{}.json", account.account))
    }

    /// The lock file that serialises refreshes of one account across processes.
    pub fn lock_path(&self, account: &AccountRef) -> PathBuf {
        self.dir
            .join("locks")
            .join(account.service.as_str())
            .join(format!("{}.lock", account.account))
    }

    /// What identifies the account's state file as written: its device, inode, size and
    /// modification time (every write replaces the file by a rename, so a new write is a
    /// new inode). `None` when there is no file. Cheaper than [`StateStore::load`] for a
    /// process that only asks "has it changed?" per request (the proxy).
    pub fn stamp(&self, account: &AccountRef) -> Option<FileStamp> {
        let meta = std::fs::metadata(self.file(account)).ok()?;
        Some(FileStamp::of(&meta))
    }

    /// The account's state; `None` when nothing is stored (never logged in). A file that
    /// cannot be read as state is treated as absent, with a warning: it holds no secret
    /// and is rewritten at the next login.
    pub fn load(&self, account: &AccountRef) -> Result<Option<AccountState>> {
        let path = self.file(account);
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(state) => Ok(Some(state)),
                Err(e) => {
                    tracing::warn!("ignoring unreadable account state {}: {e}", path.display());
                    Ok(None)
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &path, e)),
        }
    }

    /// Stores the account's state atomically.
    pub fn save(&self, account: &AccountRef, state: &AccountState) -> Result<()> {
        self.stage(account, state)?.commit()
    }

    /// Writes the account's state to disk beside its file, to be put in place by
    /// [`paths::Staged::commit`] (dropping it leaves the old state).
    pub fn stage(&self, account: &AccountRef, state: &AccountState) -> Result<paths::Staged> {
        let bytes = serde_json::to_vec_pretty(state)
            .map_err(|e| Error::Local(format!("could not encode the account state: {e}")))?;
        paths::stage_atomic(&self.file(account), &bytes)
    }

    /// Forgets the account's state (and its lock file).
    pub fn remove(&self, account: &AccountRef) -> Result<()> {
        for path in [self.file(account), self.lock_path(account)] {
            paths::remove_file_if_present(&path)?;
        }
        Ok(())
    }

    /// Forgets every account of a service.
    pub fn remove_service(&self, service: &ServiceId) -> Result<()> {
        for sub in ["accounts", "locks"] {
            paths::remove_dir_if_present(&self.dir.join(sub).join(service.as_str()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::aref;

    #[test]
    fn save_load_remove() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = StateStore::new(dir.path());
        assert_eq!(store.load(&aref("s", "a")).expect("load"), None);
        let state = AccountState {
            expires_at: Some(10),
            has_access_token: true,
            ..AccountState::default()
        };
        store.save(&aref("s", "a"), &state).expect("save");
        assert_eq!(store.load(&aref("s", "a")).expect("load"), Some(state));
        std::fs::write(dir.path().join("accounts/s/a.json"), b"{garbage").expect("write");
        assert_eq!(store.load(&aref("s", "a")).expect("load"), None);
        store.remove(&aref("s", "a")).expect("remove");
        store.remove(&aref("s", "a")).expect("remove twice");
    }
}
