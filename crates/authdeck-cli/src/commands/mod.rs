//! Runs the parsed command and turns errors into exit codes.

mod agent;
mod import;
mod login;
mod preset;
mod service;
mod status;
mod token;

use std::process::ExitCode;

use authdeck_core::{Broker, Error};
use clap::Parser;

use crate::args::{Cli, Command};
use crate::output;

/// Parses the command line, runs the command, reports errors.
pub fn main() -> ExitCode {
    authdeck_core::panic_report::install("authdeck");
    let cli = Cli::parse();
    init_logging();
    if let Command::Token(args) = &cli.command {
        if !cli.demo {
            // A running agent answers before any runtime or keyring (the `authdeck` front
            // answers the common forms itself; these are the ones it hands over).
            if let Some(result) = token::from_agent(args) {
                return token::exit_code(result);
            }
        }
    }
    let json_errors = matches!(&cli.command, Command::Login(a) if a.json);
    let result = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Local(format!("could not start the async runtime: {e}")))
        .and_then(|rt| rt.block_on(run(cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json_errors {
                output::json_line(&serde_json::json!({
                    "event": "error",
                    "kind": e.kind().as_str(),
                    "message": e.to_string(),
                }));
            }
            eprintln!("authdeck: {e}");
            ExitCode::from(u8::try_from(e.kind().exit_code()).unwrap_or(1))
        }
    }
}

async fn run(cli: Cli) -> authdeck_core::Result<()> {
    if let Command::DemoServer(a) = &cli.command {
        let lifetime = std::time::Duration::from_secs(a.lifetime);
        return crate::demo::serve(a.port, a.auto_approve, a.access_ttl, lifetime).await;
    }
    let broker = if cli.demo {
        crate::demo::broker().await?
    } else {
        Broker::from_env()?
    };
    match cli.command {
        Command::Service(cmd) => service::run(&broker, cmd).await,
        Command::Login(args) => login::run(broker, args).await,
        Command::Token(args) => token::run(&broker, args).await,
        Command::Status(args) => status::run(&broker, &args),
        Command::Logout(args) => login::logout(&broker, args).await,
        Command::Preset(cmd) => preset::run(&cmd),
        Command::Agent(args) => agent::run(broker, &args).await,
        Command::DemoServer(_) => Ok(()),
    }
}

/// Logs go to stderr, filtered by `AUTHDECK_LOG` (default: warnings only). No log line
/// carries a secret: tokens are `Secret`s, whose `Debug` is redacted.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AUTHDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}
