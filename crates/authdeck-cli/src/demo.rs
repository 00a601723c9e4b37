//! Demo mode: `authdeck --demo <command>` runs against the five seed services emulated by
//! `demo-idp` on loopback, with its own directories and keyring namespace, so a person
//! with no account anywhere can log in to each and use the tokens.
//!
//! Tokens must outlive one CLI process (`--demo login` then `--demo token`), so the demo
//! server runs as a background process (`authdeck demo-server`), started on first use on
//! a fixed port (`AUTHDECK_DEMO_PORT`, default 47080) and stopping by itself after a while.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use authdeck_core::config::{presets, ServiceId};
use authdeck_core::http::HttpClient;
use authdeck_core::paths::{self, Dirs};
use authdeck_core::token::SystemClock;
use authdeck_core::vault::{default_namespace, Keyring};
use authdeck_core::{flows, Broker, Error, Result, Secret};
use demo_idp::credentials as demo;

/// The demo server's default port.
pub const DEFAULT_PORT: u16 = 47080;
/// How long a background demo server lives.
pub const SERVER_LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// One service of the demo configuration.
struct DemoService {
    id: &'static str,
    preset: &'static str,
    settings: Vec<(String, String)>,
    client_secret: Option<&'static str>,
    password: Option<&'static str>,
}

/// The five seed services, pointed at the demo server at `base`.
fn demo_services(base: &str) -> Vec<DemoService> {
    let s = |pairs: &[(&str, String)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    };
    vec![
        DemoService {
            id: "oqtant",
            preset: "oqtant",
            settings: s(&[
                ("endpoints.authorization", format!("{base}/oqtant/authorize")),
                ("endpoints.token", format!("{base}/oqtant/oauth/token")),
                ("api_base", format!("{base}/oqtant/api")),
                ("docs_url", format!("{base}/oqtant/docs")),
            ]),
            client_secret: None,
            password: None,
        },
        DemoService {
            id: "quamotion",
            preset: "quamotion",
            settings: s(&[
                ("client_id", demo::QUAMOTION_CLIENT_ID.to_owned()),
                ("endpoints.token", format!("{base}/quamotion/common/oauth2/token")),
                ("api_base", format!("{base}/quamotion")),
                ("docs_url", format!("{base}/quamotion/docs")),
            ]),
            client_secret: Some(demo::QUAMOTION_CLIENT_SECRET),
            password: None,
        },
        DemoService {
            id: "autolab",
            preset: "autolab",
            settings: s(&[
                ("base_url", format!("{base}/autolab")),
                ("client_id", demo::AUTOLAB_CLIENT_ID.to_owned()),
                ("docs_url", format!("{base}/autolab/docs")),
            ]),
            client_secret: Some(demo::AUTOLAB_CLIENT_SECRET),
            password: None,
        },
        DemoService {
            id: "plantpredict",
            preset: "plantpredict",
            settings: s(&[
                ("client_id", demo::PLANTPREDICT_CLIENT_ID.to_owned()),
                ("endpoints.token", format!("{base}/plantpredict/oauth2/token")),
                ("api_base", format!("{base}/plantpredict")),
                ("docs_url", format!("{base}/plantpredict/docs")),
            ]),
            client_secret: Some(demo::PLANTPREDICT_CLIENT_SECRET),
            password: None,
        },
        DemoService {
            id: "nomad",
            preset: "nomad",
            settings: s(&[
                ("api_base", format!("{base}/nomad/api")),
                ("username", demo::NOMAD_USERNAME.to_owned()),
                (
                    "endpoints.refresh",
                    format!("{base}/nomad/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token"),
                ),
                ("docs_url", format!("{base}/nomad/docs")),
            ]),
            client_secret: None,
            password: Some(demo::NOMAD_PASSWORD),
        },
    ]
}

/// The broker of demo mode: the demo server running, the demo services configured.
pub async fn broker() -> Result<Broker> {
    let port = match std::env::var("AUTHDECK_DEMO_PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| Error::Config(format!("AUTHDECK_DEMO_PORT='{p}' is not a port number")))?,
        Err(_) => DEFAULT_PORT,
    };
    let dirs = Dirs::from_env()?.demo();
    let base = ensure_server(port, &dirs).await?;
    let broker = Broker::new(
        dirs,
        Arc::new(Keyring::new(format!("{}-demo", default_namespace()))),
        HttpClient::from_env()?,
        Arc::new(SystemClock),
        Arc::new(flows::SystemBrowser),
    );
    configure(&broker, &base).await?;
    Ok(broker)
}

/// Adds (or updates) the demo services and their demo secrets.
async fn configure(broker: &Broker, base: &str) -> Result<()> {
    let config = broker.load_config()?;
    for svc in demo_services(base) {
        let preset = presets::find(svc.preset)?;
        let mut wanted = preset.build(&svc.settings)?;
        if let Ok(existing) = config.service(svc.id) {
            // Keep accounts the user added; only the endpoints follow the server.
            wanted.accounts = existing.accounts.clone();
            if existing == &wanted {
                continue;
            }
        }
        let id = ServiceId::parse(svc.id).map_err(Error::Config)?;
        broker
            .add_service(
                &id,
                &wanted,
                true,
                svc.client_secret.map(Secret::from),
                svc.password.map(Secret::from),
            )
            .await?;
    }
    Ok(())
}

async fn healthy(base: &str) -> bool {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .redirect(reqwest::redirect::Policy::none())
        .build();
    let Ok(client) = client else { return false };
    match client.get(format!("{base}/health")).send().await {
        Ok(r) => r.status().is_success() && r.headers().get("x-demo-idp").is_some(),
        Err(_) => false,
    }
}

/// The base URL of a demo server on `port`, starting one in the background if needed.
async fn ensure_server(port: u16, dirs: &Dirs) -> Result<String> {
    let base = format!("http://127.0.0.1:{port}");
    if healthy(&base).await {
        return Ok(base);
    }
    paths::ensure_private_dir(&dirs.state)?;
    let log = dirs.state.join("demo-server.log");
    spawn_server(port, &log)?;
    for _ in 0..200 {
        if healthy(&base).await {
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
        _ = tokio::signal::ctrl_c() => {}
    }
    server.shutdown().await;
    Ok(())
}
