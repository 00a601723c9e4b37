//! `authdeck proxy`: the injecting loopback proxy in the foreground (see
//! `authdeck_core::proxy`). Prints the base URL first, then serves until Ctrl-C or
//! SIGTERM, and stops cleanly (answers under way finish, the socket is removed).

use std::io::Write;
use std::sync::Arc;

use authdeck_core::hint::Hint;
use authdeck_core::ids::ServiceId;
use authdeck_core::proxy::{self, Listen, ProxyFront, ProxyOptions};
use authdeck_core::{Broker, Error, Result};

use crate::args::ProxyArgs;

/// The CLI as the proxy's front: hints worded as `authdeck …` commands; a login required
/// is said once on stderr.
#[derive(Debug)]
struct Cli;

impl ProxyFront for Cli {
    fn word_hint(&self, hint: &Hint) -> String {
        crate::hints::wording(hint)
    }

    fn login_required(&self, service: &ServiceId, error: &Error) {
        eprintln!(
            "authdeck proxy: '{service}' needs a login; requests get 401 until then: {}",
            crate::hints::describe(error)
        );
    }
}

pub async fn run(broker: Broker, args: ProxyArgs, demo: bool) -> Result<()> {
    // Listening before the port is printed: a client that saw it can already stop us.
    let stop = crate::signals::stop_requested(true)?;
    let listen = match args.socket {
        #[cfg(unix)]
        Some(path) => Listen::Socket(path),
        #[cfg(not(unix))]
        Some(_) => {
            return Err(Error::Config(
                "--socket needs Unix sockets: use --port on this platform".into(),
            ))
        }
        None => Listen::Loopback { port: args.port },
    };
    let options = ProxyOptions {
        service: args.service,
        account: args.account,
        listen,
        openapi: args.openapi,
        agent: if demo { None } else { agent_socket(&broker) },
        min_valid: args.min_valid.max(0),
    };
    let api_base = broker
        .load_config()?
        .service(&options.service)?
        .api_base
        .clone();
    let running = proxy::start(broker, options, Arc::new(Cli)).await?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", running.url());
        let _ = out.flush();
    }
    if let Some(api_base) = api_base {
        eprintln!(
            "authdeck proxy: forwarding to {api_base} with the token added; docs: {}docs (stop with Ctrl-C)",
            if running.url().starts_with("http") { running.url() } else { "/" }
        );
    }
    stop.await;
    running.stop().await;
    Ok(())
}

/// The agent's socket, when the CLI may ask one (as `authdeck token` does).
#[cfg(unix)]
fn agent_socket(broker: &Broker) -> Option<std::path::PathBuf> {
    use authdeck_core::agent;
    if !agent::enabled() {
        return None;
    }
    agent::socket_path(broker.dirs(), &authdeck_core::vault::default_namespace())
}

#[cfg(not(unix))]
fn agent_socket(_broker: &Broker) -> Option<std::path::PathBuf> {
    None
}
