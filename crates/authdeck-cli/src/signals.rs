//! The signals that stop a command, listened for from the moment they are asked for.

use std::future::Future;

use authdeck_core::{Error, Result};

/// A future that completes on Ctrl-C (SIGINT) and, with `terminate`, on SIGTERM.
///
/// The handlers are installed by this call, not when the future is first polled. That
/// matters on the CLI's one-thread runtime: a task spawned to wait for Ctrl-C first runs
/// at the command's first wait, and a signal that arrives before then would kill the
/// process (or be lost, where the parent ignores SIGINT) instead of stopping it cleanly.
pub fn stop_requested(terminate: bool) -> Result<impl Future<Output = ()> + Send + 'static> {
    let failed = |e: std::io::Error| Error::Local(format!("could not listen for Ctrl-C: {e}"));
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt()).map_err(failed)?;
        let mut term = if terminate {
            Some(signal(SignalKind::terminate()).map_err(failed)?)
        } else {
            None
        };
        Ok(async move {
            match term.as_mut() {
                Some(term) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                None => {
                    interrupt.recv().await;
                }
            }
        })
    }
    #[cfg(windows)]
    {
        let _ = terminate;
        let mut ctrl_c = tokio::signal::windows::ctrl_c().map_err(failed)?;
        Ok(async move {
            ctrl_c.recv().await;
        })
    }
}
