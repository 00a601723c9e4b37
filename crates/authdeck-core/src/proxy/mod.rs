//! The injecting reverse proxy (`authdeck proxy`): a loopback HTTP server in front of a
//! service's `api_base` that adds the account's credential to every request, so a tool,
//! a notebook or Swagger UI calls the API without ever holding a token.
//!
//! Who can reach it (SECURITY.md, "The proxy"): on TCP it binds 127.0.0.1 only and
//! answers only URLs whose first path segment is its random key ([`key`]); on a Unix
//! socket (`0600`, in a `0700` directory of this user) the file permissions keep others
//! out. The client's own credentials and hop-by-hop headers are stripped both ways
//! ([`headers`]); redirects are passed through, never followed.
//!
//! Split by job: `server.rs` accepts and routes; `forward.rs` sends upstream and streams
//! back; `inject.rs` puts the credential in; `headers.rs` what crosses; `credential.rs`
//! where tokens come from (agent, else broker); `docs.rs` and `spec.rs` the docs page and
//! the rewritten OpenAPI document, `swagger_ui.rs` Swagger UI's files (from a directory);
//! `cors.rs` which pages may call it; `body.rs` bodies.
//!
//! For a front end: [`start`] gives a [`RunningProxy`] (its [`RunningProxy::url`], and
//! [`RunningProxy::stop`]); the [`ProxyFront`] words hints and hears of a login required.

mod body;
mod cors;
mod credential;
mod docs;
mod forward;
mod headers;
mod inject;
mod key;
mod server;
mod spec;
mod swagger_ui;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use url::Url;

use crate::error::{Error, Result};
use crate::format::TokenKind;
use crate::hint::Hint;
use crate::ids::{AccountName, ServiceId};
use crate::Broker;

pub use key::AccessKey;

/// How long stopping waits for answers under way (a long download is cut after it).
pub const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the proxy listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// `127.0.0.1:<port>` (0: any free port), with a random key in every URL.
    Loopback { port: u16 },
    /// A Unix socket at this path (`0600`; its directory is made `0700` if missing and
    /// must be private to this user).
    #[cfg(unix)]
    Socket(PathBuf),
}

/// What to proxy and how.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    pub service: ServiceId,
    /// The account (`None`: the service's default one).
    pub account: Option<AccountName>,
    pub listen: Listen,
    /// The OpenAPI document's URL, when the service's docs URL does not lead to it.
    pub openapi: Option<Url>,
    /// The token agent's socket to ask first (`None`: the broker alone, as in the
    /// desktop app, which is itself the agent).
    pub agent: Option<PathBuf>,
    /// Seconds a token must have left to be used; fewer, and a newer one is fetched.
    pub min_valid: i64,
}

/// The front end hosting a proxy: it words hints in its own terms and hears when the
/// account needs a login (the desktop notifies; the CLI prints).
pub trait ProxyFront: Send + Sync + std::fmt::Debug {
    /// The next step `hint` asks of the user, worded for this front end.
    fn word_hint(&self, hint: &Hint) -> String;
    /// A request found the account needs a login (called once until a token comes).
    fn login_required(&self, service: &ServiceId, error: &Error) {
        let _ = (service, error);
    }
}

/// A proxy that serves until [`RunningProxy::stop`].
#[derive(Debug)]
pub struct RunningProxy {
    url: String,
    socket: Option<PathBuf>,
    stop: CancellationToken,
    connections: TaskTracker,
    accept: JoinHandle<()>,
}

impl RunningProxy {
    /// What clients use: the base URL (`http://127.0.0.1:<port>/<key>/`), or the socket's
    /// path. The URL holds the key: show it only to the user.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops accepting, lets answers under way finish (at most [`STOP_TIMEOUT`]), closes
    /// idle connections and removes the socket.
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.accept.await;
        self.connections.close();
        if tokio::time::timeout(STOP_TIMEOUT, self.connections.wait())
            .await
            .is_err()
        {
            tracing::warn!("proxy: stopped before every answer under way finished");
        }
        if let Some(socket) = &self.socket {
            let _ = std::fs::remove_file(socket);
        }
    }
}

/// Starts a proxy for `options.service` on `options.listen`. Fails when the service is
/// unknown, has no API base URL, or the address cannot be bound. A missing login is not
/// an error here: requests get a 401 that says what to do until there is one.
pub async fn start(
    broker: Broker,
    options: ProxyOptions,
    front: Arc<dyn ProxyFront>,
) -> Result<RunningProxy> {
    let config = broker.load_config()?;
    let service = config.service(&options.service)?;
    let api_base = service.api_base.clone().ok_or_else(|| {
        Error::Config(format!(
            "'{}' has no API base URL for the proxy to forward to: set `api_base` in its settings (services.toml)",
            options.service
        ))
    })?;
    let kind = TokenKind::of(service);
    let docs_url = service.docs_url.as_ref().map(|u| u.url().clone());
    let candidates = spec::candidates(options.openapi.as_ref(), docs_url.as_ref(), api_base.url());
    let account = broker.account_for(&options.service, options.account.as_ref())?;
    let broker = broker.remembering_secrets();
    let stop = CancellationToken::new();
    let connections = TaskTracker::new();
    let (key, listener, url, socket) = bind(&options.listen).await?;
    let (base, base_path) = match &key {
        Some(_) => {
            let path = url
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
                .unwrap_or_else(|| "/".to_owned());
            (url.clone(), path)
        }
        None => ("/".to_owned(), "/".to_owned()),
    };
    let shared = Arc::new(server::Shared {
        service: options.service.clone(),
        key,
        base,
        base_path,
        api_base,
        kind,
        credentials: credential::Credentials::new(
            broker.clone(),
            options.service.clone(),
            account,
            options.agent.clone(),
            options.min_valid,
        ),
        client: forward::upstream_client()?,
        http: broker.http().clone(),
        docs: docs::Docs::new(options.service.to_string(), candidates),
        front,
        login_told: AtomicBool::new(false),
    });
    let accept = tokio::spawn(accept_loop(
        listener,
        shared,
        stop.clone(),
        connections.clone(),
    ));
    Ok(RunningProxy {
        url,
        socket,
        stop,
        connections,
        accept,
    })
}

/// A bound listener.
enum Listener {
    Tcp(tokio::net::TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

type Bound = (Option<AccessKey>, Listener, String, Option<PathBuf>);

async fn bind(listen: &Listen) -> Result<Bound> {
    match listen {
        Listen::Loopback { port } => {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], *port));
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                Error::Local(format!(
                    "could not listen on 127.0.0.1:{port}: {e}; pick another port, or 0 for any free one"
                ))
            })?;
            let port = listener
                .local_addr()
                .map_err(|e| Error::Local(format!("could not read the proxy's port: {e}")))?
                .port();
            let key = AccessKey::random();
            let url = format!("http://127.0.0.1:{port}/{}/", key.as_str());
            Ok((Some(key), Listener::Tcp(listener), url, None))
        }
        #[cfg(unix)]
        Listen::Socket(path) => {
            let listener = socket::bind(path)?;
            Ok((
                None,
                Listener::Unix(listener),
                path.display().to_string(),
                Some(path.clone()),
            ))
        }
    }
}

async fn accept_loop(
    listener: Listener,
    shared: Arc<server::Shared>,
    stop: CancellationToken,
    connections: TaskTracker,
) {
    loop {
        let accepted = tokio::select! {
            () = stop.cancelled() => return,
            accepted = accept(&listener) => accepted,
        };
        if let Err(e) =
            accepted.map(|conn| conn.serve(Arc::clone(&shared), stop.clone(), &connections))
        {
            tracing::warn!("proxy: could not accept a connection: {e}");
            tokio::time::sleep(server::ACCEPT_BACKOFF).await;
        }
    }
}

enum Accepted {
    Tcp(tokio::net::TcpStream),
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
}

impl Accepted {
    fn serve(self, shared: Arc<server::Shared>, stop: CancellationToken, tracker: &TaskTracker) {
        match self {
            Accepted::Tcp(stream) => {
                let _ = stream.set_nodelay(true);
                server::connection(stream, shared, stop, tracker);
            }
            #[cfg(unix)]
            Accepted::Unix(stream) => server::connection(stream, shared, stop, tracker),
        }
    }
}

async fn accept(listener: &Listener) -> std::io::Result<Accepted> {
    match listener {
        Listener::Tcp(l) => l.accept().await.map(|(s, _)| Accepted::Tcp(s)),
        #[cfg(unix)]
        Listener::Unix(l) => l.accept().await.map(|(s, _)| Accepted::Unix(s)),
    }
}

#[cfg(unix)]
mod socket {
    //! The Unix socket: `0600`, in a directory only this user can enter.

    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    use std::path::Path;

    use crate::error::{Error, Result};

    pub fn bind(path: &Path) -> Result<tokio::net::UnixListener> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::paths::ensure_private_dir(dir)?;
        let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io("inspect", dir, e))?;
        let uid = rustix::process::getuid().as_raw();
        if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0 {
            return Err(Error::Local(format!(
                "{} must be a directory owned by you with mode 0700 (it holds the proxy's socket): choose a socket path in such a directory",
                dir.display()
            )));
        }
        match std::fs::symlink_metadata(path) {
            Ok(_) if std::os::unix::net::UnixStream::connect(path).is_ok() => {
                return Err(Error::Local(format!(
                    "something already answers on {}: stop it or choose another path",
                    path.display()
                )));
            }
            Ok(meta) if meta.file_type().is_socket() => std::fs::remove_file(path)
                .map_err(|e| Error::io("remove the stale socket", path, e))?,
            Ok(_) => {
                return Err(Error::Local(format!(
                    "{} exists and is not a socket: choose another path",
                    path.display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("inspect", path, e)),
        }
        let listener =
            tokio::net::UnixListener::bind(path).map_err(|e| Error::io("listen on", path, e))?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io("restrict", path, e))?;
        Ok(listener)
    }
}
