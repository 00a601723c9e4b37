//! Where the broker keeps secrets between renewals: a strategy chosen once, when the
//! broker is built, so the renewal code asks and tells it unconditionally.
//!
//! - [`SecretCache::Off`] (the CLI, a process per command): keeps nothing, so every
//!   renewal reads the keyring;
//! - [`SecretCache::Remembering`] (the token agent, the desktop app): keeps each
//!   account's refresh token and each service's client secret in memory (see
//!   `broker/memory.rs` for how it stays honest). Clones share the memory.

use std::sync::Arc;

use super::memory::Memory;
use crate::ids::{AccountRef, ServiceId};
use crate::secret::{ClientSecret, RefreshToken};
use crate::state::AccountState;

/// Whether (and where) refresh tokens and client secrets are kept between renewals.
#[derive(Debug, Clone, Default)]
pub(crate) enum SecretCache {
    /// Keeps nothing: every renewal reads the keyring.
    #[default]
    Off,
    /// Keeps them in this process's memory.
    Remembering(Arc<Memory>),
}

impl SecretCache {
    /// A cache that remembers (shared by its clones).
    pub(crate) fn remembering() -> Self {
        SecretCache::Remembering(Arc::new(Memory::default()))
    }

    pub(crate) fn is_remembering(&self) -> bool {
        matches!(self, SecretCache::Remembering(_))
    }

    /// The refresh token kept for the account, if `state` is the state it was kept with.
    pub(crate) fn refresh_token(
        &self,
        account: &AccountRef,
        state: &AccountState,
    ) -> Option<RefreshToken> {
        match self {
            SecretCache::Off => None,
            SecretCache::Remembering(m) => m.refresh_token(account, state),
        }
    }

    /// Keeps the account's refresh token with the state file it belongs to.
    pub(crate) fn keep_refresh_token(
        &self,
        account: &AccountRef,
        state: AccountState,
        token: RefreshToken,
    ) {
        if let SecretCache::Remembering(m) = self {
            m.keep_refresh_token(account, state, token);
        }
    }

    /// Forgets the account's refresh token (spent, or its state file is not the one
    /// it was kept with).
    pub(crate) fn forget_refresh_token(&self, account: &AccountRef) {
        if let SecretCache::Remembering(m) = self {
            m.forget_refresh_token(account);
        }
    }

    pub(crate) fn client_secret(&self, service: &ServiceId) -> Option<ClientSecret> {
        match self {
            SecretCache::Off => None,
            SecretCache::Remembering(m) => m.client_secret(service),
        }
    }

    pub(crate) fn keep_client_secret(&self, service: &ServiceId, secret: ClientSecret) {
        if let SecretCache::Remembering(m) = self {
            m.keep_client_secret(service, secret);
        }
    }

    /// Forgets everything about `service` (changed or removed in this process).
    pub(crate) fn forget_service(&self, service: &ServiceId) {
        if let SecretCache::Remembering(m) = self {
            m.forget_service(service);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::{aref, sid};

    fn state() -> AccountState {
        AccountState {
            obtained_at: Some(1),
            has_refresh_token: true,
            ..AccountState::default()
        }
    }

    #[test]
    fn off_keeps_nothing_and_remembering_shares_its_memory_with_clones() {
        let off = SecretCache::Off;
        off.keep_refresh_token(&aref("s", "a"), state(), RefreshToken::new("rt"));
        off.keep_client_secret(&sid("s"), ClientSecret::new("cs"));
        assert!(off.refresh_token(&aref("s", "a"), &state()).is_none());
        assert!(off.client_secret(&sid("s")).is_none());

        let cache = SecretCache::remembering();
        let clone = cache.clone();
        clone.keep_refresh_token(&aref("s", "a"), state(), RefreshToken::new("rt"));
        clone.keep_client_secret(&sid("s"), ClientSecret::new("cs"));
        assert_eq!(
            cache
                .refresh_token(&aref("s", "a"), &state())
                .map(|t| t.expose().to_owned()),
            Some("rt".to_owned())
        );
        assert_eq!(
            cache
                .client_secret(&sid("s"))
                .map(|t| t.expose().to_owned()),
            Some("cs".to_owned())
        );
        cache.forget_refresh_token(&aref("s", "a"));
        assert!(clone.refresh_token(&aref("s", "a"), &state()).is_none());
    }
}
