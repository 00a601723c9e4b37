//! Administration: adding, changing and removing services and accounts with their
//! secrets, and every account's status. Changing or removing a service forgets what
//! the [`super::cache::SecretCache`] kept of it.

use serde::Serialize;

use super::{existing_account, Broker};
use crate::config::{Account, AccountName, Flow, Service, ServiceId};
use crate::discovery;
use crate::error::{Error, Result};
use crate::flows::login;
use crate::hint::Hint;
use crate::ids::AccountRef;
use crate::secret::{ClientKey, ClientSecret, EntryText, Password};
use crate::state::AccountState;
use crate::token::TokenSet;
use crate::vault::{SecretKey, SecretKind};

/// Where an account stands, for `authdeck status` and the service list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// A token is stored and valid.
    LoggedIn,
    /// The token expired; a refresh token (or stored credentials) will renew it.
    Expired,
    /// Only the user can get a new token.
    LoginRequired,
    /// No token yet.
    NotLoggedIn,
}

/// The status of one account (no secret in here: it is safe to print and serialise).
#[derive(Debug, Clone, Serialize)]
pub struct AccountStatus {
    pub service: ServiceId,
    pub service_name: String,
    pub account: AccountName,
    pub flow: Flow,
    pub status: StatusKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub scopes: Vec<String>,
    /// When the current token was obtained (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obtained_at: Option<i64>,
    /// Expiry of the account's app token (NOMAD), when one is stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_token_expires_at: Option<i64>,
    /// When the account must log in again, when that is foreseen (`relogin.rs`).
    #[serde(skip)]
    pub login_deadline: Option<crate::relogin::LoginDeadline>,
    /// The account's token is DPoP-bound (RFC 9449): useless without a proof per request.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dpop_bound: bool,
}

impl Broker {
    /// Every account of every service, from the state files only (no keyring access).
    pub fn status(&self) -> Result<Vec<AccountStatus>> {
        let config = self.config.load()?;
        let now = self.now();
        let mut out = Vec::new();
        for (id, service) in &config.services {
            for account in service.account_list() {
                let state = self
                    .store
                    .state
                    .load(&AccountRef::new(id.clone(), account.clone()))?;
                out.push(status_of(id, service, &account, state, now));
            }
        }
        Ok(out)
    }

    /// Adds (or, with `replace`, replaces) a service and stores its secrets. Secrets go
    /// to the keyring first, so a keyring failure leaves the config untouched; when the
    /// config cannot be written (read-only, disk full), the keyring entries are put back
    /// as they were, so a failed add changes nothing.
    pub async fn add_service(
        &self,
        id: &ServiceId,
        service: &Service,
        replace: bool,
        client_secret: Option<ClientSecret>,
        password: Option<Password>,
    ) -> Result<()> {
        let config = self.config.load()?;
        if !replace && config.service(id.as_str()).is_ok() {
            return Err(
                Error::Config(format!("a service '{id}' already exists")).with_hint(
                    Hint::ReplaceService {
                        service: id.to_string(),
                    },
                ),
            );
        }
        service
            .validate()
            .map_err(|m| Error::Config(format!("service '{id}': {m}")))?;
        let account = AccountRef::new(
            id.clone(),
            service
                .accounts
                .first()
                .map_or_else(AccountName::default_account, |a| a.name.clone()),
        );
        // The entries to write, as raw text (each key says which kind it holds).
        let mut secrets = Vec::new();
        if let Some(secret) = client_secret {
            non_empty(secret.is_empty(), "client secret")?;
            secrets.push((
                SecretKey::service(id, SecretKind::ClientSecret),
                EntryText::new(secret.into_exposed()),
            ));
        }
        if let Some(password) = password {
            non_empty(password.is_empty(), "password")?;
            secrets.push((
                SecretKey::account(&account, SecretKind::Password),
                EntryText::new(password.into_exposed()),
            ));
        }
        self.store.cache.forget_service(id);
        // What the keyring held before, to put back if a later step fails.
        let mut previous = Vec::new();
        let stored = async {
            for (key, value) in secrets {
                previous.push((key.clone(), self.store.vault.entry(key.clone()).await?));
                self.store.vault.set_entry(key, value).await?;
            }
            self.config.upsert_service(id, service)
        }
        .await;
        if let Err(e) = stored {
            self.restore_secrets(previous).await;
            return Err(e);
        }
        discovery::forget(&self.dirs.cache, id);
        Ok(())
    }

    /// Puts keyring entries back to what they were (best effort: the keyring may be what
    /// failed; the original error is the one reported).
    async fn restore_secrets(&self, previous: Vec<(SecretKey, Option<EntryText>)>) {
        for (key, old) in previous.into_iter().rev() {
            let restored = match old {
                Some(value) => self.store.vault.set_entry(key, value).await,
                None => self.store.vault.delete(key).await,
            };
            if let Err(e) = restored {
                tracing::warn!("could not restore a keyring entry after a failed add: {e}");
            }
        }
    }

    /// Stores the service's client secret in the keyring.
    pub async fn set_client_secret(
        &self,
        service_id: &ServiceId,
        secret: ClientSecret,
    ) -> Result<()> {
        non_empty(secret.is_empty(), "client secret")?;
        self.store.cache.forget_service(service_id);
        self.store.vault.set_client_secret(service_id, secret).await
    }

    /// Gives the service a new private key for `private_key_jwt` (ES256: Authdeck
    /// generates P-256 keys only; RSA keys are imported), replacing any it had, and
    /// returns its public JWK. The service must exist.
    pub async fn generate_client_key(&self, service_id: &ServiceId) -> Result<serde_json::Value> {
        self.config.load()?.service(service_id)?;
        let key = crate::client_key::generate_es256()?;
        let jwk = crate::client_key::public_jwk(&key)?;
        self.store.vault.set_client_key(service_id, key).await?;
        Ok(jwk)
    }

    /// Stores an imported PEM private key (PKCS#8 EC P-256 or RSA, PKCS#1 RSA) for
    /// `private_key_jwt`, replacing any the service had, and returns its public JWK.
    pub async fn import_client_key(
        &self,
        service_id: &ServiceId,
        pem: ClientKey,
    ) -> Result<serde_json::Value> {
        self.config.load()?.service(service_id)?;
        let (key, _alg) = crate::client_key::import(pem.expose())?;
        let jwk = crate::client_key::public_jwk(&key)?;
        self.store.vault.set_client_key(service_id, key).await?;
        Ok(jwk)
    }

    /// The public JWK of the service's private key, or a hint to make one.
    pub async fn client_public_jwk(&self, service_id: &ServiceId) -> Result<serde_json::Value> {
        self.config.load()?.service(service_id)?;
        let key = self
            .store
            .vault
            .client_key(service_id)
            .await?
            .ok_or_else(|| {
                Error::Config(format!("'{service_id}' has no private key")).with_hint(
                    Hint::SetClientKey {
                        service: service_id.to_string(),
                    },
                )
            })?;
        crate::client_key::public_jwk(&key)
    }

    /// Stores an account's password in the keyring.
    pub async fn set_password(
        &self,
        service_id: &ServiceId,
        account: &AccountName,
        secret: Password,
    ) -> Result<()> {
        non_empty(secret.is_empty(), "password")?;
        self.store
            .vault
            .set_password(
                &AccountRef::new(service_id.clone(), account.clone()),
                secret,
            )
            .await
    }

    /// Removes a service with every secret and state file of it. The keyring entries go
    /// first: if the keyring fails, the service stays configured and can be removed later.
    pub async fn remove_service(&self, service_id: &ServiceId) -> Result<()> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        self.store.cache.forget_service(service_id);
        let id = service_id;
        let mut keys = vec![
            SecretKey::service(id, SecretKind::ClientSecret),
            SecretKey::service(id, SecretKind::ClientKey),
        ];
        for account in service.account_list() {
            let account = AccountRef::new(id.clone(), account);
            for kind in SecretKind::ACCOUNT {
                keys.push(SecretKey::account(&account, kind));
            }
        }
        self.store.vault.delete_all(keys).await?;
        self.config.remove_service(service_id.as_str())?;
        self.store.state.remove_service(service_id)?;
        self.forget_service_activity(service_id)?;
        discovery::forget(&self.dirs.cache, service_id);
        Ok(())
    }

    /// The stored tokens of an account, for display (claims) — the caller decides what
    /// leaves the process.
    pub async fn stored_tokens(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
    ) -> Result<Option<TokenSet>> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let at = existing_account(service_id, service, account)?;
        let Some(state) = self.store.state.load(&at)? else {
            return Ok(None);
        };
        let stored = self
            .store
            .vault
            .get_tokens(&at, &SecretKind::OLD_TOKENS)
            .await?;
        let Some(access_token) = stored.access_token else {
            return Ok(None);
        };
        Ok(Some(TokenSet {
            access_token,
            refresh_token: stored.refresh_token,
            id_token: stored.id_token,
            token_type: state.token_type.unwrap_or_else(|| "Bearer".into()),
            scopes: state.scopes,
            expires_at: state.expires_at,
            refresh_expires_at: state.refresh_expires_at,
            obtained_at: state.obtained_at.unwrap_or_default(),
        }))
    }
}

fn non_empty(is_empty: bool, what: &str) -> Result<()> {
    if is_empty {
        return Err(Error::Config(format!(
            "the {what} is empty: nothing was stored"
        )));
    }
    Ok(())
}

fn status_of(
    id: &ServiceId,
    service: &Service,
    account: &AccountName,
    state: Option<AccountState>,
    now: i64,
) -> AccountStatus {
    let state = state.unwrap_or_default();
    let login_deadline = crate::relogin::login_deadline(&state, service.flow);
    let dpop_bound = state.has_access_token
        && state
            .token_type
            .as_deref()
            .is_some_and(crate::format::is_dpop);
    let (status, reason) = if let Some(reason) = &state.login_required {
        (StatusKind::LoginRequired, Some(reason.clone()))
    } else if !state.has_access_token
        && (state.has_refresh_token
            || (state.obtained_at.is_some() && login::fetches_without_user(service.flow)))
    {
        // Its access token was revoked alone: the next use renews it.
        (StatusKind::Expired, None)
    } else if !state.has_access_token {
        (StatusKind::NotLoggedIn, None)
    } else if crate::token::is_valid(state.expires_at, now, 0) {
        (StatusKind::LoggedIn, None)
    } else if state.has_refresh_token || login::fetches_without_user(service.flow) {
        (StatusKind::Expired, None)
    } else if service.flow.is_pasted() {
        (
            StatusKind::LoginRequired,
            Some(super::pasted::EXPIRED.to_owned()),
        )
    } else {
        (
            StatusKind::LoginRequired,
            Some("the token expired and there is no refresh token".to_owned()),
        )
    };
    AccountStatus {
        service: id.clone(),
        service_name: service.display_name(id.as_str()).to_owned(),
        account: account.clone(),
        flow: service.flow,
        status,
        expires_at: state.expires_at,
        reason,
        scopes: state.scopes,
        obtained_at: state.obtained_at,
        app_token_expires_at: state.app_token_expires_at,
        login_deadline,
        dpop_bound,
    }
}

impl Broker {
    /// Adds the account `name` to a service, with the user name and password of the
    /// password grant when the service uses it. The password goes to the keyring first,
    /// so a keyring failure leaves the config untouched.
    pub async fn add_account(
        &self,
        service_id: &ServiceId,
        name: &AccountName,
        username: Option<String>,
        password: Option<Password>,
    ) -> Result<()> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        let name = name.clone();
        if service.account_list().contains(&name) {
            return Err(Error::Config(format!(
                "'{service_id}' already has an account '{name}': choose another name"
            )));
        }
        let username = username
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        if service.flow == Flow::Password {
            if username.is_none() {
                return Err(Error::Config(
                    "username: the password flow needs the account's user name".into(),
                ));
            }
            let Some(password) = password else {
                return Err(Error::Config(
                    "password: the password flow needs the account's password".into(),
                ));
            };
            self.set_password(service_id, &name, password).await?;
        }
        self.config
            .ensure_account(service_id.as_str(), &Account { name, username })
    }

    /// Removes one account of a service: its tokens are revoked where the provider
    /// allows (best effort), its secrets deleted from the keyring, then its state and
    /// config entry. The service's last account cannot be removed (remove the service).
    pub async fn remove_account(
        &self,
        service_id: &ServiceId,
        account: &AccountName,
    ) -> Result<()> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        service.check_removable(service_id.as_str(), account.as_str())?;
        if let Err(e) = self.logout(service_id, Some(account)).await {
            tracing::warn!("logout before removing the account failed: {e}");
        }
        let account_ref = AccountRef::new(service_id.clone(), account.clone());
        let keys = SecretKind::ACCOUNT
            .into_iter()
            .map(|kind| SecretKey::account(&account_ref, kind))
            .collect();
        self.store.vault.delete_all(keys).await?;
        self.config
            .remove_account(service_id.as_str(), account.as_str())?;
        self.store.state.remove(&account_ref)?;
        self.forget_activity(&account_ref)
    }

    /// Adds `account` to the service's configuration unless it is there already (a
    /// login or a pasted token for a new name creates its account).
    pub(super) fn ensure_account(&self, at: &AccountRef, service: &Service) -> Result<()> {
        if service.account(at.account.as_str()).is_some() {
            return Ok(());
        }
        self.config.ensure_account(
            at.service.as_str(),
            &Account {
                name: at.account.clone(),
                username: None,
            },
        )
    }

    /// Whether the keyring holds the secret `key` (its value is not returned).
    pub async fn has_secret(&self, key: SecretKey) -> Result<bool> {
        self.store.vault.has(key).await
    }
}
