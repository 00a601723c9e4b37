//! The one way the CLI gets "a valid token for an account": the running agent first
//! (blocking std I/O, before any async runtime or keyring connection), else the broker
//! (keyring, refresh). `authdeck token`, `exec`, `git-credential` and `kube-credential`
//! all go through here, so they agree on which token they hand out and refresh through
//! the one broker.

use authdeck_core::activity::HandOut;
use authdeck_core::broker::ValidToken;
use authdeck_core::config::Config;
use authdeck_core::ids::{AccountName, ServiceId};
use authdeck_core::{Broker, Error, Result};

/// A token asked for: the service, its account (`None`: the default one) and how many
/// seconds it must still be valid (fewer: refreshed first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub service: ServiceId,
    pub account: Option<AccountName>,
    pub min_valid: i64,
}

/// The token from a running agent; `None` when no agent is usable (the caller then asks
/// the broker). An error the agent answered ("login required") is an answer. Blocking,
/// no async runtime; never in demo mode (whose agent would be another instance's).
#[cfg(unix)]
pub fn from_agent(wanted: &Wanted) -> Option<Result<ValidToken>> {
    use authdeck_core::agent::{self, AgentAnswer, Request};
    if !agent::enabled() {
        return None;
    }
    let dirs = authdeck_core::paths::Dirs::from_env().ok()?;
    let socket = agent::socket_path(&dirs, &authdeck_core::vault::default_namespace())?;
    let request = Request {
        service: wanted.service.clone(),
        account: wanted.account.clone(),
        min_valid: wanted.min_valid.max(0),
    };
    match agent::ask(&socket, &request) {
        AgentAnswer::NoAgent => {
            tracing::debug!("no agent on {}: reading the keyring", socket.display());
            None
        }
        AgentAnswer::Unusable(why) => {
            tracing::warn!("not using the agent ({why}): reading the keyring");
            None
        }
        AgentAnswer::Reply(reply) => {
            let token = reply.into_token();
            match &token {
                Ok(_) => tracing::debug!("token served by the agent on {}", socket.display()),
                Err(_) => tracing::debug!("the agent on {} answered an error", socket.display()),
            }
            Some(token)
        }
    }
}

#[cfg(not(unix))]
pub fn from_agent(_wanted: &Wanted) -> Option<Result<ValidToken>> {
    None
}

/// The token from the broker (the keyring, refreshed if due).
pub async fn from_broker(broker: &Broker, wanted: &Wanted) -> Result<ValidToken> {
    broker
        .token(
            &wanted.service,
            wanted.account.as_ref(),
            wanted.min_valid.max(0),
        )
        .await
}

/// Every token in `wanted` (in order) and the configuration they were read with, for a
/// command that needs nothing else: each from the agent where it answers (not in demo
/// mode), the rest from the broker on a one-thread runtime started only then. The first
/// error (a login required, say) is returned and no further token is fetched. Each token
/// the broker hands out is recorded in the account's activity as going to `via` (the
/// agent records its own).
pub fn fetch_all(demo: bool, wanted: &[Wanted], via: HandOut) -> Result<(Vec<ValidToken>, Config)> {
    let mut tokens: Vec<Option<ValidToken>> = Vec::with_capacity(wanted.len());
    for w in wanted {
        let from_agent = if demo { None } else { from_agent(w) };
        match from_agent {
            Some(result) => tokens.push(Some(result?)),
            None => tokens.push(None),
        }
    }
    // A DPoP-bound token opens nothing without a proof per request: not handed out.
    for (w, token) in wanted.iter().zip(&tokens) {
        if let Some(token) = token {
            token.usable_alone(&w.service, w.account.as_ref())?;
        }
    }
    if tokens.iter().all(Option::is_some) {
        return Ok((tokens.into_iter().flatten().collect(), load_config(demo)?));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Local(format!("could not start the async runtime: {e}")))?;
    let result = runtime.block_on(async {
        let broker = if demo {
            crate::demo::broker().await?
        } else {
            Broker::from_env()?
        };
        let mut all = Vec::with_capacity(wanted.len());
        for (w, token) in wanted.iter().zip(tokens) {
            all.push(match token {
                Some(t) => t,
                None => {
                    let token = from_broker(&broker, w).await?;
                    token.usable_alone(&w.service, w.account.as_ref())?;
                    broker
                        .record_hand_out(&w.service, w.account.as_ref(), via)
                        .await;
                    token
                }
            });
        }
        Ok((all, broker.load_config()?))
    });
    // The caller exits or replaces the process next: the kernel closes what the runtime
    // holds (threads, the keyring connection), as `commands::main` leaves it at exit.
    std::mem::forget(runtime);
    result
}

/// The configuration (`services.toml`) of this mode, read without a broker.
pub fn load_config(demo: bool) -> Result<Config> {
    let dirs = authdeck_core::paths::Dirs::from_env()?;
    let dirs = if demo { dirs.demo() } else { dirs };
    authdeck_core::config::ConfigFile::new(dirs.services_file()).load()
}
