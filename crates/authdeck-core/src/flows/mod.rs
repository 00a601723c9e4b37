//! The OAuth 2.0 grants, one module per grant, over one token-endpoint client.
//!
//! The `oauth2` crate supplies PKCE, `state`, the authorization URL and the device
//! authorization response; token requests go through [`token_endpoint`], because the
//! seed services need what `oauth2`'s request builders cannot express (parameters in the
//! query string, GET token requests, numbers sent as strings) and one path for all grants
//! keeps error handling and redaction in one place.

pub mod app_token;
pub mod auth_code;
pub mod autolab;
pub mod client_credentials;
pub mod device;
pub mod error_code;
pub mod exchange;
pub mod introspect;
pub mod login;
pub mod password;
pub mod refresh;
pub mod refusal;
pub mod request_object;
pub mod revoke;
pub mod token_endpoint;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::secret::{ClientKey, ClientSecret, DpopKey};
use crate::token::Clock;

pub use error_code::ErrorCode;
pub use refusal::Grant;
pub use token_endpoint::{ClientCreds, OAuthError, TokenError};

/// Something a running login wants the user to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginEvent {
    /// The authorization URL; the browser is being opened on it.
    OpenBrowser { url: String },
    /// The browser could not be opened: the user must open `url` themselves.
    BrowserFailed { url: String, message: String },
    /// The device code for the user to enter at the verification URI.
    DeviceCode {
        user_code: String,
        verification_uri: String,
        verification_uri_complete: Option<String>,
        expires_in: u64,
    },
}

/// Receives [`LoginEvent`]s (the CLI prints them, the desktop app shows them).
pub trait LoginObserver: Send + Sync {
    fn on_event(&self, event: LoginEvent);
}

impl<F: Fn(LoginEvent) + Send + Sync> LoginObserver for F {
    fn on_event(&self, event: LoginEvent) {
        self(event);
    }
}

/// Opens URLs for the user.
pub trait BrowserOpener: Send + Sync + fmt::Debug {
    fn open(&self, url: &str) -> Result<()>;
}

/// Opens URLs with the command in `AUTHDECK_BROWSER` (the URL appended as the last
/// argument) when set, else with the desktop's default browser. Only http(s) URLs.
#[derive(Debug, Clone, Default)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<()> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::Local(format!(
                "refusing to open a non-http(s) URL: {url}"
            )));
        }
        match std::env::var("AUTHDECK_BROWSER") {
            Ok(cmd) if !cmd.trim().is_empty() => spawn_browser_command(&cmd, url),
            _ => open::that_detached(url).map_err(|e| {
                Error::Local(format!(
                    "could not open the browser ({e}): open the URL yourself, or set AUTHDECK_BROWSER"
                ))
            }),
        }
    }
}

fn spawn_browser_command(cmd: &str, url: &str) -> Result<()> {
    let words = shlex::split(cmd).filter(|w| !w.is_empty()).ok_or_else(|| {
        Error::Config(format!(
            "AUTHDECK_BROWSER='{cmd}' is not a valid command line"
        ))
    })?;
    let mut child = std::process::Command::new(&words[0])
        .args(&words[1..])
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            Error::Local(format!(
                "could not start the browser command '{}' from AUTHDECK_BROWSER: {e}",
                words[0]
            ))
        })?;
    // Reap it when it exits, without waiting for it here.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// A browser opener that opens nothing (`--no-browser`): the URL is shown instead.
#[derive(Debug, Clone, Default)]
pub struct NoBrowser;

impl BrowserOpener for NoBrowser {
    fn open(&self, _url: &str) -> Result<()> {
        Ok(())
    }
}

/// What every flow needs from its surroundings.
#[derive(Debug, Clone)]
pub struct FlowContext {
    pub http: HttpClient,
    pub clock: Arc<dyn Clock>,
    /// How long an interactive login may wait for the user.
    pub login_timeout: Duration,
}

/// The client's identity at the token endpoint, owned.
#[derive(Debug, Clone)]
pub struct ClientIdentity {
    pub client_id: String,
    pub auth: crate::config::ClientAuth,
    pub secret: Option<ClientSecret>,
    /// The private key of `private_key_jwt`.
    pub key: Option<ClientKey>,
    /// The `aud` of client assertions; `None`: the URL of each endpoint called.
    pub audience: Option<String>,
    /// The account's DPoP key, when its tokens are to be bound to it (RFC 9449): token
    /// requests then carry a proof (`token_endpoint.rs`).
    pub dpop: Option<DpopKey>,
}

impl ClientIdentity {
    /// A client that authenticates with `auth` and `secret` (no key, no assertion
    /// audience).
    pub fn new(
        client_id: String,
        auth: crate::config::ClientAuth,
        secret: Option<ClientSecret>,
    ) -> Self {
        ClientIdentity {
            client_id,
            auth,
            secret,
            key: None,
            audience: None,
            dpop: None,
        }
    }

    pub fn creds(&self) -> ClientCreds<'_> {
        ClientCreds {
            id: &self.client_id,
            auth: self.auth,
            secret: self.secret.as_ref(),
            key: self.key.as_ref(),
            audience: self.audience.as_deref(),
            dpop: self.dpop.as_ref(),
        }
    }
}

/// Sleeps for `d` unless `cancel` fires first.
pub(crate) async fn sleep_or_cancel(
    d: Duration,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<()> {
    tokio::select! {
        () = tokio::time::sleep(d) => Ok(()),
        () = cancel.cancelled() => Err(Error::Cancelled),
    }
}
