//! Demo mode of the CLI: `authdeck --demo <command>` runs against the five seed services
//! emulated by `demo-idp` (configured by the `authdeck-demo` crate).
//!
//! Tokens must outlive one CLI process (`--demo login` then `--demo token`), so the demo
//! server runs as a background process (`authdeck demo-server`), started on first use on
//! a fixed port (`AUTHDECK_DEMO_PORT`, default 47080) and stopping by itself after a while.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use authdeck_core::paths::{self, Dirs};
use authdeck_core::{flows, Broker, Error, Result};

pub use authdeck_demo::DEFAULT_PORT;

/// How long a background demo server lives.
pub const SERVER_LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// The broker of demo mode: the demo server running, the demo services configured.
pub async fn broker() -> Result<Broker> {
    let port = authdeck_demo::port_from_env()?;
    let dirs = authdeck_demo::dirs()?;
    let base = ensure_server(port, &dirs).await?;
    let broker = authdeck_demo::broker(Arc::new(flows::SystemBrowser))?;
    authdeck_demo::configure(&broker, &base).await?;
    Ok(broker)
}

/// The base URL of a demo server on `port`, starting one in the background if needed.
async fn ensure_server(port: u16, dirs: &Dirs) -> Result<String> {
    let base = format!("http://127.0.0.1:{port}");
    if authdeck_demo::is_demo_server(&base).await {
        return Ok(base);
    }
    paths::ensure_private_dir(&dirs.state)?;
    let log = dirs.state.join("demo-server.log");
    spawn_server(port, &log)?;
    for _ in 0..200 {
        if authdeck_demo::is_demo_server(&base).await {
            return Ok(base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(Error::Local(format!(
        "the demo server did not start on 127.0.0.1:{port} (is the port used by another program? set AUTHDECK_DEMO_PORT); its log is {}",
        log.display()
    )))
}

fn spawn_server(port: u16, log: &Path) -> Result<()> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::Local(format!("cannot find the authdeck executable: {e}")))?;
    let log_file = std::fs::File::create(log).map_err(|e| Error::io("create", log, e))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["demo-server", "--port", &port.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log_file);
    if std::env::var("AUTHDECK_DEMO_AUTO_APPROVE").is_ok_and(|v| v == "1") {
        cmd.arg("--auto-approve");
    }
    if let Ok(ttl) = std::env::var("AUTHDECK_DEMO_ACCESS_TTL") {
        cmd.args(["--access-ttl", &ttl]);
    }
    if let Ok(lifetime) = std::env::var("AUTHDECK_DEMO_SERVER_LIFETIME") {
        cmd.args(["--lifetime", &lifetime]);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.spawn()
        .map_err(|e| Error::Local(format!("could not start the demo server: {e}")))?;
    Ok(())
}

/// `authdeck demo-server`: serves the demo until `lifetime` passes or a signal arrives.
pub async fn serve(
    port: u16,
    auto_approve: bool,
    access_ttl: Option<u64>,
    lifetime: Duration,
) -> Result<()> {
    let stop = crate::signals::stop_requested(false)?;
    let config = demo_idp::DemoConfig {
        port,
        auto_approve,
        access_ttl: access_ttl.map(Duration::from_secs),
        ..demo_idp::DemoConfig::default()
    };
    let server = demo_idp::DemoIdp::start(config)
        .await
        .map_err(|e| Error::Local(format!("could not start the demo server: {e}")))?;
    eprintln!("demo server on {}", server.base_url());
    tokio::select! {
        () = tokio::time::sleep(lifetime) => {}
        () = stop => {}
    }
    server.shutdown().await;
    Ok(())
}
