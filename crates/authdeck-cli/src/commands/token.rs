//! `authdeck token`: a valid token on stdout and nothing else.
//!
//! A running agent (`authdeck agent`) answers first, before the CLI starts its async
//! runtime or touches the keyring; without one, the broker reads the keyring (both
//! through `valid_token.rs`). App tokens and exchanged tokens (`--exchange-for`) come
//! from the broker only.
//!
//! A DPoP-bound token (RFC 9449) is never printed alone: it would open nothing. Scripts
//! ask for the header lines of one request instead (`--dpop-proof METHOD URL`), whose
//! proof is made with the account's key from the keyring: the token and the proof
//! belong together, and a proof is tied to its method and URL, so one option of
//! `authdeck token` says so better than an environment variable of `exec` could.

use std::process::ExitCode;

use authdeck_core::activity::HandOut;
use authdeck_core::broker::ValidToken;
use authdeck_core::dpop::{self, ProofFor};
use authdeck_core::format::{self, TokenKind};
use authdeck_core::{Broker, Error, Result};

use crate::args::TokenArgs;
use crate::output;
use crate::valid_token::{self, Wanted};

pub async fn run(broker: &Broker, args: TokenArgs) -> Result<()> {
    if let Some(request) = &args.dpop_proof {
        return request_headers(broker, &args, request).await;
    }
    let token = if let Some(target) = &args.exchange_for {
        let exchange = authdeck_core::broker::Exchange {
            target: target.clone(),
            scopes: args.scopes.clone(),
        };
        broker
            .exchanged_token(
                &args.service,
                args.account.as_ref(),
                &exchange,
                args.min_valid.max(0),
            )
            .await?
    } else if args.app_token {
        broker
            .app_token(
                &args.service,
                args.account.as_ref(),
                args.expires_in,
                args.min_valid.max(0),
            )
            .await?
    } else {
        valid_token::from_broker(broker, &wanted(&args)).await?
    };
    print(&token, &args, || broker.load_config())?;
    broker
        .record_hand_out(&args.service, args.account.as_ref(), HandOut::Cli)
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
    token.usable_alone(&args.service, args.account.as_ref())?;
    print_as(token, args.format.written(), args, config)
}

/// [`print`] in `written` (`None`: JSON).
fn print_as(
    token: &ValidToken,
    written: Option<format::TokenFormat>,
    args: &TokenArgs,
    config: impl FnOnce() -> Result<authdeck_core::config::Config>,
) -> Result<()> {
    let raw = token.access_token.expose();
    let Some(written) = written else {
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

/// `--dpop-proof METHOD URL`: the header lines of one request with the account's token:
/// `Authorization: DPoP <token>` and a fresh `DPoP: <proof>` for a DPoP-bound token, else
/// the token's own header line.
async fn request_headers(broker: &Broker, args: &TokenArgs, request: &[String]) -> Result<()> {
    let [method, url] = request else {
        return Err(Error::Config(
            "--dpop-proof takes two values: the request's METHOD and URL".into(),
        ));
    };
    let method = method.to_ascii_uppercase();
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::Config(format!(
            "--dpop-proof: '{method}' is not an HTTP method: give e.g. GET or POST, then the URL"
        )));
    }
    let url = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.has_host())
        .ok_or_else(|| {
            Error::Config(format!(
                "--dpop-proof: '{url}' is not an http(s) URL: give the full URL of the request"
            ))
        })?;
    let (account, token) = broker
        .token_for_account(&args.service, args.account.as_ref(), args.min_valid.max(0))
        .await?;
    if token.is_dpop() {
        let (_, key) = broker.dpop_key(&args.service, Some(&account)).await?;
        let request = ProofFor {
            method: &method,
            url: &url,
            access_token: Some(&token.access_token),
            now: output::now(),
        };
        let proof = dpop::proof_with_nonce(&key, &request, args.dpop_nonce.as_deref())?;
        println!("Authorization: DPoP {}", token.access_token.expose());
        println!("{}: {proof}", dpop::DPOP_HEADER);
    } else {
        print_as(&token, Some(format::TokenFormat::Header), args, || {
            broker.load_config()
        })?;
    }
    broker
        .record_hand_out(&args.service, Some(&account), HandOut::Cli)
        .await;
    Ok(())
}

/// The token from a running agent, printed; `None` when there is no usable agent (the
/// caller then goes the usual way, through the keyring). Blocking, no async runtime.
pub fn from_agent(args: &TokenArgs) -> Option<Result<()>> {
    if args.app_token || args.dpop_proof.is_some() || args.exchange_for.is_some() {
        return None;
    }
    let token = match valid_token::from_agent(&wanted(args))? {
        Ok(token) => token,
        Err(e) => return Some(Err(e)),
    };
    let config = || {
        let dirs = authdeck_core::paths::Dirs::from_env()?;
        authdeck_core::config::ConfigFile::new(dirs.services_file()).load()
    };
    Some(print(&token, args, config))
}

fn wanted(args: &TokenArgs) -> Wanted {
    Wanted {
        service: args.service.clone(),
        account: args.account.clone(),
        min_valid: args.min_valid.max(0),
    }
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
