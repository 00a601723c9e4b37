//! Runs the parsed command and turns errors into exit codes.

mod agent;
mod exec;
mod git;
mod import;
mod inspect;
mod key;
mod kube;
mod log;
mod login;
mod preset;
mod proxy;
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
    crate::hints::set_demo(cli.demo);
    init_logging();
    // These need tokens and nothing else: `valid_token::fetch_all` starts a runtime only
    // when the agent cannot answer.
    let command = match cli.command {
        Command::Exec(args) => return exec::run(cli.demo, args),
        Command::GitCredential(args) => return git::credential(cli.demo, &args),
        Command::KubeCredential(args) => return kube::run(cli.demo, &args),
        command => command,
    };
    let cli = Cli {
        demo: cli.demo,
        command,
    };
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
    let result = match runtime(&cli.command) {
        Ok(rt) => {
            let result = rt.block_on(run(cli));
            // Left to the kernel, with the rest (see the exit below).
            std::mem::forget(rt);
            result
        }
        Err(e) => Err(Error::Local(format!(
            "could not start the async runtime: {e}"
        ))),
    };
    let code = match result {
        Ok(()) => 0,
        Err(e) => {
            let message = crate::hints::describe(&e);
            if json_errors {
                output::json_line(&serde_json::json!({
                    "event": "error",
                    "kind": e.kind().as_str(),
                    "code": e.refusal().map_or(e.kind().as_str(), |r| r.as_str()),
                    "message": message,
                }));
            }
            eprintln!("authdeck: {message}");
            u8::try_from(e.kind().exit_code()).unwrap_or(1)
        }
    };
    // Every command has finished its work (the agent waits for its writes before `run`
    // returns) and written its output: exit now, flushing stdout, rather than tear down
    // the runtime, its threads and the keyring connection one by one: the kernel closes
    // them (in an A/B of 117 logins the teardown cost a median 0.25 ms).
    std::process::exit(i32::from(code))
}

/// The async runtime for `command`: one thread for a command that does one thing at a
/// time (a login, a refresh: its steps then never wait for a wake-up from another
/// thread), worker threads for the long-running ones that serve many at once. Keyring
/// calls run on the blocking pool either way.
fn runtime(command: &Command) -> std::io::Result<tokio::runtime::Runtime> {
    let serves_many = matches!(
        command,
        Command::Agent(_) | Command::Proxy(_) | Command::DemoServer(_)
    );
    if serves_many {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
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
        Command::Log(args) => log::run(&broker, &args),
        Command::Introspect(args) => inspect::introspect(&broker, &args).await,
        Command::Revoke(args) => inspect::revoke(&broker, &args).await,
        Command::Key(cmd) => key::run(&broker, cmd).await,
        Command::Preset(cmd) => preset::run(&cmd),
        Command::Agent(args) => agent::run(broker, &args).await,
        Command::Git(cmd) => git::run(&broker, cli.demo, cmd),
        Command::Proxy(args) => proxy::run(broker, args, cli.demo).await,
        Command::DemoServer(_)
        | Command::Exec(_)
        | Command::GitCredential(_)
        | Command::KubeCredential(_) => Ok(()),
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
