//! The token agent, hosted by the app while it runs (see `authdeck_core::agent`).
//!
//! The app serves the same socket `authdeck agent` would for its directories and keyring
//! namespace, so `authdeck token` gets tokens from the running app's memory without a
//! keyring round trip. When that socket already answers (a user-started `authdeck
//! agent`, or another Authdeck window on the same directories), `serve` refuses to bind
//! and leaves it alone: the app carries on without an agent of its own. On quit the
//! agent stops and removes the socket it made. `AUTHDECK_DESKTOP_AGENT=0` turns it off.

use std::sync::Mutex;
use std::time::Duration;

use authdeck_core::Broker;
use tokio_util::sync::CancellationToken;

/// Set to `0` to keep the app from serving tokens to the CLI.
pub const ENABLE_ENV: &str = "AUTHDECK_DESKTOP_AGENT";

/// The running agent task, if any.
#[derive(Debug, Default)]
pub struct AgentHost {
    running: Mutex<Option<Running>>,
}

#[derive(Debug)]
struct Running {
    stop: CancellationToken,
    task: tauri::async_runtime::JoinHandle<()>,
}

fn enabled() -> bool {
    std::env::var(ENABLE_ENV).map_or(true, |v| v != "0")
}

impl AgentHost {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts serving `broker`'s tokens for keyring `namespace` on the runtime.
    #[cfg(unix)]
    pub fn start(&self, broker: Broker, namespace: &str) {
        use authdeck_core::agent;
        if !enabled() {
            tracing::info!("agent: off ({ENABLE_ENV}=0)");
            return;
        }
        let Some(socket) = agent::socket_path(broker.dirs(), namespace) else {
            tracing::info!("agent: no XDG_RUNTIME_DIR, so `authdeck token` reads the keyring");
            return;
        };
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        let task = tauri::async_runtime::spawn(async move {
            match agent::serve(broker, &socket, stopped.cancelled_owned()).await {
                Ok(()) => tracing::info!("agent: stopped"),
                // Typically "an agent is already running": that one keeps serving.
                Err(e) => tracing::info!("agent: not serving from the app: {e}"),
            }
        });
        *self.lock() = Some(Running { stop, task });
    }

    #[cfg(not(unix))]
    pub fn start(&self, _broker: Broker, _namespace: &str) {}

    /// Stops the agent and waits (briefly) until it has removed its socket.
    pub fn stop(&self) {
        let Some(Running { stop, task }) = self.lock().take() else {
            return;
        };
        stop.cancel();
        let waited = tauri::async_runtime::block_on(async {
            tokio::time::timeout(Duration::from_secs(2), task).await
        });
        if waited.is_err() {
            tracing::warn!("agent: did not stop within 2 s");
        }
    }
}
