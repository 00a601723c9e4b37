//! Demo mode, shared by the CLI and the desktop app: the five seed services configured
//! against a `demo-idp` server, in directories (`<dir>/demo`) and a keyring namespace
//! (`<namespace>-demo`) of their own, so the demo never mixes with real accounts.

use std::sync::Arc;
use std::time::Duration;

use authdeck_core::config::{presets, ServiceId};
use authdeck_core::flows::BrowserOpener;
use authdeck_core::http::HttpClient;
use authdeck_core::paths::Dirs;
use authdeck_core::token::SystemClock;
use authdeck_core::vault::{default_namespace, Keyring};
use authdeck_core::{Broker, ClientSecret, Error, Password, Result};
use demo_idp::credentials as demo;

/// The demo server's default port (`AUTHDECK_DEMO_PORT` overrides it).
pub const DEFAULT_PORT: u16 = 47080;

/// The demo server's port: `AUTHDECK_DEMO_PORT`, else [`DEFAULT_PORT`].
pub fn port_from_env() -> Result<u16> {
    match std::env::var("AUTHDECK_DEMO_PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| Error::Config(format!("AUTHDECK_DEMO_PORT='{p}' is not a port number"))),
        Err(_) => Ok(DEFAULT_PORT),
    }
}

/// `AUTHDECK_DEMO_ACCESS_TTL`: the lifetime of every demo access token in seconds, when
/// set (default: each service's real one). Tests use it to reach expiry quickly.
pub fn access_ttl_from_env() -> Result<Option<Duration>> {
    match std::env::var("AUTHDECK_DEMO_ACCESS_TTL") {
        Ok(t) => t
            .parse()
            .map(|s| Some(Duration::from_secs(s)))
            .map_err(|_| {
                Error::Config(format!(
                    "AUTHDECK_DEMO_ACCESS_TTL='{t}' is not a number of seconds"
                ))
            }),
        Err(_) => Ok(None),
    }
}

/// The keyring namespace of demo mode.
pub fn namespace() -> String {
    format!("{}-demo", default_namespace())
}

/// The directories of demo mode.
pub fn dirs() -> Result<Dirs> {
    Ok(Dirs::from_env()?.demo())
}

/// A broker over the demo directories and keyring namespace.
pub fn broker(browser: Arc<dyn BrowserOpener>) -> Result<Broker> {
    Ok(Broker::new(
        dirs()?,
        Arc::new(Keyring::new(namespace())),
        HttpClient::from_env()?,
        Arc::new(SystemClock),
        browser,
    ))
}

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
                (
                    "endpoints.revocation",
                    format!("{base}/nomad/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/revoke"),
                ),
                ("docs_url", format!("{base}/nomad/docs")),
            ]),
            client_secret: None,
            password: Some(demo::NOMAD_PASSWORD),
        },
    ]
}

/// Adds (or updates) the demo services and their demo secrets.
pub async fn configure(broker: &Broker, base: &str) -> Result<()> {
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
                svc.client_secret.map(ClientSecret::new),
                svc.password.map(Password::new),
            )
            .await?;
    }
    Ok(())
}

/// Whether a demo-idp answers at `base` (its `/health` carries an `x-demo-idp` header).
pub async fn is_demo_server(base: &str) -> bool {
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
