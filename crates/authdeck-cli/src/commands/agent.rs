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
    // Listening before the socket exists: a client that sees it can already stop us.
    let stop = crate::signals::stop_requested(true)?;
    eprintln!(
        "authdeck agent: serving tokens on {} (stop with Ctrl-C)",
        socket.display()
    );
    agent::serve(broker, &socket, stop).await
}

#[cfg(not(unix))]
pub async fn run(_broker: Broker, _args: &AgentArgs) -> Result<()> {
    Err(Error::Config(
        "the agent needs Unix sockets: it is not available on this platform".into(),
    ))
}
