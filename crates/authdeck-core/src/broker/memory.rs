//! What a long-running broker (the token agent, the desktop app) keeps in memory so a
//! refresh reads nothing from the keyring: each account's refresh token and each
//! service's client secret.
//!
//! Nothing here is trusted blindly:
//! - a refresh token is used only while the account's state file is exactly the one
//!   written (or read) with it: a login, logout or refresh by any process rewrites that
//!   file, and the keyring is read again. If the provider still rejects it
//!   (`invalid_grant`), the broker reads the keyring's refresh token and tries that one
//!   before giving up (another process may have stored a newer one without its state
//!   file, e.g. if it died in between);
//! - a client secret is used until the provider rejects it (`invalid_client`); then the
//!   keyring is read again and the request retried once. Changing or removing a service
//!   in this process forgets it at once.
//!
//! The memory is never written to disk, and the secret types keep it out of logs.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::ids::{AccountRef, ServiceId};
use crate::secret::{ClientSecret, RefreshToken};
use crate::state::AccountState;

type AccountKey = AccountRef;

/// Refresh tokens (with the state file they belong to) and client secrets.
#[derive(Debug, Default)]
pub(crate) struct Memory {
    refresh_tokens: Mutex<HashMap<AccountKey, (AccountState, RefreshToken)>>,
    client_secrets: Mutex<HashMap<ServiceId, ClientSecret>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Memory {
    /// The refresh token kept for the account, if `state` is the state it was kept with.
    pub(crate) fn refresh_token(
        &self,
        account: &AccountRef,
        state: &AccountState,
    ) -> Option<RefreshToken> {
        let kept = lock(&self.refresh_tokens);
        let (kept_state, token) = kept.get(account)?;
        (kept_state == state).then(|| token.clone())
    }

    pub(crate) fn keep_refresh_token(
        &self,
        account: &AccountRef,
        state: AccountState,
        token: RefreshToken,
    ) {
        lock(&self.refresh_tokens).insert(account.clone(), (state, token));
    }

    pub(crate) fn forget_refresh_token(&self, account: &AccountRef) {
        lock(&self.refresh_tokens).remove(account);
    }

    pub(crate) fn client_secret(&self, service: &ServiceId) -> Option<ClientSecret> {
        lock(&self.client_secrets).get(service).cloned()
    }

    pub(crate) fn keep_client_secret(&self, service: &ServiceId, secret: ClientSecret) {
        lock(&self.client_secrets).insert(service.clone(), secret);
    }

    /// Forgets everything about `service` (changed or removed in this process).
    pub(crate) fn forget_service(&self, service: &ServiceId) {
        lock(&self.client_secrets).remove(service);
        lock(&self.refresh_tokens).retain(|a, _| a.service != *service);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::{aref, sid};

    #[test]
    fn a_refresh_token_is_kept_only_with_its_state() {
        let memory = Memory::default();
        let state = AccountState {
            obtained_at: Some(1),
            has_refresh_token: true,
            ..AccountState::default()
        };
        memory.keep_refresh_token(&aref("s", "a"), state.clone(), RefreshToken::new("rt"));
        assert_eq!(
            memory
                .refresh_token(&aref("s", "a"), &state)
                .map(|t| t.expose().to_owned()),
            Some("rt".to_owned())
        );
        let newer = AccountState {
            obtained_at: Some(2),
            ..state.clone()
        };
        assert!(memory.refresh_token(&aref("s", "a"), &newer).is_none());
        assert!(memory.refresh_token(&aref("s", "b"), &state).is_none());
        memory.keep_client_secret(&sid("s"), ClientSecret::new("cs"));
        memory.forget_service(&sid("s"));
        assert!(memory.refresh_token(&aref("s", "a"), &state).is_none());
        assert!(memory.client_secret(&sid("s")).is_none());
    }
}
