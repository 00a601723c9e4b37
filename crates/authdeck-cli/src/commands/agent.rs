//! `authdeck agent`: the token agent in the foreground (see `authdeck_core::agent`).

use authdeck_core::{Broker, Error, Result};

use crate::args::AgentArgs;

#[cfg(unix)]
pub async fn run(broker: Broker, args: &AgentArgs) -> Result<()> {
    use authdeck_core::agent;
    let namespace = authdeck_core::vault::default_namespace();
    let socket = agent::socket_path(broker.dirs(), &namespace).ok_or_else(|| {
        Error::Config(format!(
            "there is no XDG_RUNTIME_DIR to put the agent's socket in: set it (or {})",
            agent::SOCKET_ENV
        ))
    })?;
    if args.print_socket {
        println!("{}", socket.display());
        return Ok(());
    }
    eprintln!(
        "authdeck agent: serving tokens on {} (stop with Ctrl-C)",
        socket.display()
    );
    agent::serve(broker, &socket, stop_signal()).await
}

#[cfg(not(unix))]
pub async fn run(_broker: Broker, _args: &AgentArgs) -> Result<()> {
    Err(Error::Config(
        "the agent needs Unix sockets: it is not available on this platform".into(),
    ))
}

/// Ctrl-C or SIGTERM.
#[cfg(unix)]
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
