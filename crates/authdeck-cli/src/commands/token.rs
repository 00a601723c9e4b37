//! `authdeck token`: a valid token on stdout and nothing else.
//!
//! A running agent (`authdeck agent`) answers first, before the CLI starts its async
//! runtime or touches the keyring; without one, the broker reads the keyring.

use std::process::ExitCode;

use authdeck_core::activity::HandOut;
use authdeck_core::broker::ValidToken;
use authdeck_core::format::{self, TokenKind};
use authdeck_core::{Broker, Error, Result};

use crate::args::TokenArgs;
use crate::output;

pub async fn run(broker: &Broker, args: TokenArgs) -> Result<()> {
    let min_valid = args.min_valid.max(0);
    let account = args.account.as_ref();
    let (account, token) = if args.app_token {
        let token = broker
            .app_token(&args.service, account, args.expires_in, min_valid)
            .await?;
        (account.cloned(), token)
    } else {
        let (account, token) = broker
            .token_for_account(&args.service, account, min_valid)
            .await?;
        (Some(account), token)
    };
    print(&token, &args, || broker.load_config())?;
    broker
        .record_hand_out(&args.service, account.as_ref(), HandOut::Cli)
        .await;
    Ok(())
}

/// Prints the token in the asked format. `config` is read only when the format depends
/// on how the service takes an API key (its header, query parameter or cookie).
fn print(
    token: &ValidToken,
    args: &TokenArgs,
    config: impl FnOnce() -> Result<authdeck_core::config::Config>,
) -> Result<()> {
    let raw = token.access_token.expose();
    let Some(written) = args.format.written() else {
        let now = output::now();
        output::json_line(&serde_json::json!({
            "access_token": raw,
            "token_type": token.token_type,
            "expires_at": token.expires_at.map(authdeck_core::token::rfc3339),
            "expires_in": token.expires_at.map(|at| at - now),
            "scopes": token.scopes,
        }));
        return Ok(());
    };
    // The curl line calls the service's API: never the placeholder URL.
    let by_type = match written {
        format::TokenFormat::Curl => None,
        _ => format::render_by_type(written, raw, &token.token_type, None),
    };
    let text = match by_type {
        Some(text) => text,
        None => {
            let config = config()?;
            let service = config.service(&args.service)?;
            let api_base = service.api_base.as_ref().map(|u| u.as_str());
            if written == format::TokenFormat::Curl && api_base.is_none() {
                return Err(Error::Config(format!(
                    "'{}' has no API base URL for the curl line to call: set `api_base` in its settings (services.toml), or print the header line with --format header and write the curl line yourself",
                    args.service
                )));
            }
            format::render(written, raw, &TokenKind::of(service), api_base)
        }
    }
    .map_err(|e| {
        Error::Config(format!(
            "'{}': {e}: print it with --format raw and add it to the URL yourself",
            args.service
        ))
    })?;
    println!("{text}");
    Ok(())
}

/// The token from a running agent, printed; `None` when there is no usable agent (the
/// caller then goes the usual way, through the keyring). Blocking, no async runtime.
#[cfg(unix)]
pub fn from_agent(args: &TokenArgs) -> Option<Result<()>> {
    use authdeck_core::agent::{self, AgentAnswer, Reply, Request};
    if args.app_token || !agent::enabled() {
        return None;
    }
    let dirs = authdeck_core::paths::Dirs::from_env().ok()?;
    let socket = agent::socket_path(&dirs, &authdeck_core::vault::default_namespace())?;
    let request = Request {
        service: args.service.clone(),
        account: args.account.clone(),
        min_valid: args.min_valid.max(0),
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
        AgentAnswer::Reply(Reply::Token {
            token_type,
            expires_at,
            scopes,
            token,
        }) => {
            tracing::debug!("token served by the agent on {}", socket.display());
            let token = ValidToken {
                access_token: token,
                token_type,
                expires_at,
                scopes,
            };
            let config = authdeck_core::config::ConfigFile::new(dirs.services_file());
            Some(print(&token, args, || config.load()))
        }
        AgentAnswer::Reply(Reply::Error {
            kind,
            message,
            hint,
        }) => {
            tracing::debug!("the agent on {} answered an error", socket.display());
            Some(Err(authdeck_core::Error::Agent {
                kind,
                message,
                hint: hint.map(Box::new),
            }))
        }
    }
}

#[cfg(not(unix))]
pub fn from_agent(_args: &TokenArgs) -> Option<Result<()>> {
    None
}

/// Exit code of a finished command (for the agent path, which bypasses `run`).
pub fn exit_code(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authdeck: {}", crate::hints::describe(&e));
            ExitCode::from(u8::try_from(e.kind().exit_code()).unwrap_or(1))
        }
    }
}
