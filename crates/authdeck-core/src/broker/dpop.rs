//! An account's DPoP key (RFC 9449): whether a login or renewal binds the account's
//! tokens to it (the service's `dpop` setting and the provider's metadata, `dpop.rs`),
//! made and stored in the keyring at the first such request, and read for the proofs of
//! the proxy and `token --dpop-proof`. It is deleted with the account's tokens (logout)
//! and with the account.

use super::{existing_account, Broker};
use crate::config::{DpopMode, Service};
use crate::discovery::ResolvedEndpoints;
use crate::error::{Error, Result};
use crate::hint::Hint;
use crate::ids::{AccountName, AccountRef, ServiceId};
use crate::secret::DpopKey;

impl Broker {
    /// The DPoP key the token requests of `at` carry, or `None` when its tokens are plain
    /// bearer tokens. `bound`: the account's current tokens are DPoP-bound (a refresh
    /// keeps them bound unless the service says `never`). Made and stored when missing.
    pub(super) async fn dpop_key_for(
        &self,
        at: &AccountRef,
        service: &Service,
        endpoints: &ResolvedEndpoints,
        bound: bool,
    ) -> Result<Option<DpopKey>> {
        let wanted = crate::dpop::applies(service.dpop, &endpoints.dpop_algs)
            || (bound && service.dpop != DpopMode::Never);
        if !wanted {
            return Ok(None);
        }
        if let Some(key) = self.store.vault.dpop_key(at).await? {
            return Ok(Some(key));
        }
        let key = crate::client_key::generate_dpop_key()?;
        self.store.vault.set_dpop_key(at, key.clone()).await?;
        tracing::info!("{at}: made the account's DPoP key");
        Ok(Some(key))
    }

    /// The DPoP key of `account` (default: the service's default one), for proofs of
    /// requests with its DPoP-bound token; the account name with it.
    pub async fn dpop_key(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
    ) -> Result<(AccountName, DpopKey)> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = existing_account(service_id, service, account)?;
        match self.store.vault.dpop_key(&at).await? {
            Some(key) => Ok((at.account, key)),
            None => Err(Error::login_required(
                &at,
                "the account's token is DPoP-bound, but its DPoP key is gone from the keyring",
            )
            .with_hint(Hint::LogIn {
                service: at.service.to_string(),
                account: at.account.to_string(),
            })),
        }
    }
}
