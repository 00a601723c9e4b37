//! The token the proxy injects: kept in memory while it has more than `min_valid` seconds
//! left and the account's state file is unchanged (a logout or a refresh elsewhere shows
//! there, as for the token agent), else asked for again — from the token agent when one runs (Unix), else from the
//! proxy's own broker (which remembers secrets between refreshes). Either way the broker
//! refreshes at most once per account across processes (its account lock).
//!
//! After the upstream refused a token (401) [`Credentials::after_rejection`] asks for one
//! that outlives the refused one: a refresh, unless another process already made one.
//!
//! A DPoP-bound token goes with a proof of the account's key for each request: the key is
//! read from the keyring with the first such token and kept in memory with it, read
//! again when the token changes (a new login makes a new key).

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::broker::ValidToken;
use crate::error::Result;
use crate::ids::{AccountName, ServiceId};
use crate::secret::DpopKey;
use crate::state::{AccountState, FileStamp};
use crate::token::is_valid;
use crate::Broker;

/// Where tokens come from, and the one kept in memory.
#[derive(Debug)]
pub struct Credentials {
    service: ServiceId,
    account: AccountName,
    broker: Broker,
    /// The agent's socket, asked first (`None`: the broker alone).
    agent: Option<PathBuf>,
    min_valid: i64,
    kept: Mutex<Option<Kept>>,
    /// The account's DPoP key, with the `ath` of the token it was read for.
    dpop: Mutex<Option<(String, DpopKey)>>,
}

/// A token, the account state it was kept with, and the state file's identity then
/// (while the file is the same one, its content is not read again).
#[derive(Debug)]
struct Kept {
    token: Arc<ValidToken>,
    state: AccountState,
    stamp: Option<FileStamp>,
}

impl Credentials {
    pub fn new(
        broker: Broker,
        service: ServiceId,
        account: AccountName,
        agent: Option<PathBuf>,
        min_valid: i64,
    ) -> Self {
        Credentials {
            service,
            account,
            broker,
            agent,
            min_valid,
            kept: Mutex::new(None),
            dpop: Mutex::new(None),
        }
    }

    /// The DPoP key `token` is bound to: the one kept for it, else the keyring's.
    pub async fn dpop_key(&self, token: &ValidToken) -> Result<DpopKey> {
        let ath = crate::dpop::ath(&token.access_token);
        let mut kept = self.dpop.lock().await;
        if let Some((for_token, key)) = kept.as_ref() {
            if *for_token == ath {
                return Ok(key.clone());
            }
        }
        let (_, key) = self
            .broker
            .dpop_key(&self.service, Some(&self.account))
            .await?;
        *kept = Some((ath, key.clone()));
        Ok(key)
    }

    /// A token valid for at least `min_valid` seconds.
    pub async fn current(&self) -> Result<Arc<ValidToken>> {
        let mut kept = self.kept.lock().await;
        if let Some(k) = kept.as_mut() {
            if is_valid(k.token.expires_at, self.broker.now(), self.min_valid) {
                let stamp = self.stamp();
                if stamp.is_some() && stamp == k.stamp {
                    return Ok(Arc::clone(&k.token));
                }
                // Another file: the same state (a rewrite that changed nothing) or not.
                if self.state().as_ref() == Some(&k.state) {
                    k.stamp = stamp;
                    return Ok(Arc::clone(&k.token));
                }
            }
        }
        *kept = None;
        let token = Arc::new(self.ask(self.min_valid).await?);
        *kept = self.keep(&token);
        Ok(token)
    }

    /// The identity of the account's state file now.
    fn stamp(&self) -> Option<FileStamp> {
        self.broker
            .account_state_stamp(&self.service, &self.account)
    }

    /// The account's state file as it is now.
    fn state(&self) -> Option<AccountState> {
        self.broker
            .account_state(&self.service, &self.account)
            .ok()
            .flatten()
    }

    /// What to keep of `token`: nothing unless the state file describes it (else another
    /// process changed the account meanwhile, and the next request asks again).
    fn keep(&self, token: &Arc<ValidToken>) -> Option<Kept> {
        let stamp = self.stamp();
        let state = self.state()?;
        let describes = state.login_required.is_none()
            && state.has_access_token
            && state.expires_at == token.expires_at;
        describes.then(|| Kept {
            token: Arc::clone(token),
            state,
            stamp,
        })
    }

    /// A token that outlives `refused` (which the upstream answered 401 to): a refreshed
    /// one, or the one another process already refreshed. `None` when `refused` has no
    /// expiry (nothing tells a newer token from it) or nothing newer could be had.
    pub async fn after_rejection(&self, refused: &ValidToken) -> Result<Option<Arc<ValidToken>>> {
        let Some(expires_at) = refused.expires_at else {
            return Ok(None);
        };
        let mut kept = self.kept.lock().await;
        if let Some(k) = kept.as_ref() {
            if k.token.access_token.expose() != refused.access_token.expose()
                && k.token.expires_at.is_some_and(|at| at > expires_at)
            {
                return Ok(Some(Arc::clone(&k.token)));
            }
        }
        *kept = None;
        let outlive = (expires_at - self.broker.now() + 1).max(self.min_valid);
        let token = self.ask(outlive).await?;
        if token.access_token.expose() == refused.access_token.expose() {
            return Ok(None);
        }
        let token = Arc::new(token);
        *kept = self.keep(&token);
        Ok(Some(token))
    }

    async fn ask(&self, min_valid: i64) -> Result<ValidToken> {
        if let Some(answer) = self.ask_agent(min_valid).await {
            return answer;
        }
        self.broker
            .token(&self.service, Some(&self.account), min_valid)
            .await
    }

    /// The agent's answer; `None` when there is no usable agent.
    #[cfg(unix)]
    async fn ask_agent(&self, min_valid: i64) -> Option<Result<ValidToken>> {
        use crate::agent::{self, AgentAnswer, Request};
        let socket = self.agent.clone()?;
        let request = Request {
            service: self.service.clone(),
            account: Some(self.account.clone()),
            min_valid,
        };
        let answer = tokio::task::spawn_blocking(move || agent::ask(&socket, &request))
            .await
            .ok()?;
        match answer {
            AgentAnswer::NoAgent => None,
            AgentAnswer::Unusable(why) => {
                tracing::warn!("proxy: not using the agent ({why}): reading the keyring");
                None
            }
            AgentAnswer::Reply(reply) => Some(reply.into_token()),
        }
    }

    #[cfg(not(unix))]
    async fn ask_agent(&self, _min_valid: i64) -> Option<Result<ValidToken>> {
        None
    }
}
