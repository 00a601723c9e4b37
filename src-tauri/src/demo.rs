//! Demo mode (`authdeck-desktop --demo`): `demo-idp` started in-process and the five demo
//! services configured against it. Only with the `demo` cargo feature; without it (the
//! release packages) `--demo` fails with a usage error (exit 2) that says so.

use std::sync::Arc;

use authdeck_core::Result;

use crate::opener::AppOpener;
use crate::state::AppState;

/// The in-process demo server, kept alive by the app state while the app runs.
#[cfg(feature = "demo")]
pub type Server = demo_idp::DemoIdp;
/// No demo server in this build: an `Option<Server>` is always `None`.
#[cfg(not(feature = "demo"))]
pub type Server = std::convert::Infallible;

/// The app's state in demo mode: the demo broker, its keyring namespace, and the demo
/// server, running.
#[cfg(feature = "demo")]
pub async fn start(opener: Arc<AppOpener>) -> Result<AppState> {
    use authdeck_core::Error;

    let port = authdeck_demo::port_from_env()?;
    let config = demo_idp::DemoConfig {
        port,
        auto_approve: std::env::var("AUTHDECK_DEMO_AUTO_APPROVE").is_ok_and(|v| v == "1"),
        access_ttl: authdeck_demo::access_ttl_from_env()?,
        ..demo_idp::DemoConfig::default()
    };
    // The port may be taken by another Authdeck's demo server: then take any port (the
    // demo services are reconfigured for it).
    let server = match demo_idp::DemoIdp::start(config.clone()).await {
        Ok(s) => s,
        Err(_) => demo_idp::DemoIdp::start(demo_idp::DemoConfig { port: 0, ..config })
            .await
            .map_err(|e| Error::Local(format!("could not start the demo server: {e}")))?,
    };
    let broker = authdeck_demo::broker(opener.clone())?;
    authdeck_demo::configure(&broker, &server.base_url()).await?;
    AppState::new(broker, opener, authdeck_demo::namespace(), Some(server))
}

/// This build has no demo mode: the error says so and how to get one.
#[cfg(not(feature = "demo"))]
pub async fn start(_opener: Arc<AppOpener>) -> Result<AppState> {
    Err(authdeck_core::Error::Config(
        "this build has no demo mode (it was built without the `demo` feature): \
         scripts/run.sh builds and opens one with it"
            .to_owned(),
    ))
}

#[cfg(all(test, not(feature = "demo")))]
mod tests {
    #[test]
    fn demo_mode_fails_as_a_usage_error_that_says_why() {
        let opener = std::sync::Arc::new(crate::opener::AppOpener::default());
        let e = tauri::async_runtime::block_on(super::start(opener))
            .expect_err("no demo mode in this build");
        assert_eq!(e.kind().exit_code(), 2);
        assert!(e.to_string().contains("no demo mode"), "{e}");
    }
}
