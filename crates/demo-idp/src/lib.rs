//! `demo-idp`: one local HTTP server that stands in, faithfully, for the auth servers and
//! one protected API endpoint of Authdeck's five seed services, so that Authdeck can be
//! tested (and demoed offline) against them.
//!
//! Each service lives under its own path prefix and, below the prefix, mirrors the real
//! paths (see `docs/services.md`), so a preset only changes host + prefix:
//!
//! | prefix          | stands in for                                                   |
//! |-----------------|-----------------------------------------------------------------|
//! | `/oqtant`       | Auth0 tenant `coldquanta.auth0.com` + the Oqtant REST API        |
//! | `/quamotion`    | Azure AD (Entra) v1/v2 token endpoints + Quamotion Cloud API     |
//! | `/autolab`      | an Autolab deployment: Doorkeeper + device flow + `/api/v1`      |
//! | `/plantpredict` | PlantPredict: Cognito (current), Okta (legacy), the API          |
//! | `/nomad`        | the NOMAD v1 API and the Keycloak realm `fairdi_nomad_prod`      |
//!
//! The server only ever binds `127.0.0.1`. Every issued token is recorded in one shared
//! in-memory store ([`tokens`]), so a token of one service never opens another service's
//! API, and expired or revoked tokens are refused.

mod autolab;
pub mod credentials;
mod http;
mod nomad;
mod openapi;
mod oqtant;
mod pages;
mod plantpredict;
mod quamotion;
mod tokens;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::tokens::{JwtSigner, Service, TokenStore};

/// How the demo server behaves. [`Default`] gives the real services' values.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// TCP port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// `None`: every service uses its real access-token lifetime (Oqtant 86400 s,
    /// Quamotion 3599 s, Autolab 7200 s, PlantPredict 3600 s, NOMAD 3600 s).
    /// `Some(d)`: every service issues access tokens that live `d` (short ones for tests).
    pub access_ttl: Option<Duration>,
    /// Browser and device approvals happen without a click.
    pub auto_approve: bool,
    /// Autolab: minimum time between two `device_flow_authorize` polls (real: 5 s; 429 if faster).
    pub autolab_poll_min_interval: Duration,
    /// Autolab: minimum time between two `device_flow_init` calls per IP (real: 30 s).
    pub autolab_init_min_interval: Duration,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            port: 0,
            access_ttl: None,
            auto_approve: false,
            autolab_poll_min_interval: Duration::from_secs(5),
            autolab_init_min_interval: Duration::from_secs(30),
        }
    }
}

/// Why the demo server could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The listening socket could not be bound.
    #[error("cannot bind 127.0.0.1:{port}: {source}")]
    Bind {
        /// The requested port.
        port: u16,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The bound socket's address could not be read.
    #[error("cannot read the bound address: {0}")]
    LocalAddr(#[source] std::io::Error),
}

/// A running demo identity server. Dropping it stops the server too.
pub struct DemoIdp {
    base_url: String,
    ctx: Arc<Ctx>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for DemoIdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoIdp")
            .field("base_url", &self.base_url)
            .field("auto_approve", &self.ctx.auto_approve())
            .finish_non_exhaustive()
    }
}

impl DemoIdp {
    /// Binds 127.0.0.1:`config.port` and starts serving in the background.
    pub async fn start(config: DemoConfig) -> Result<DemoIdp, DemoError> {
        let port = config.port;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| DemoError::Bind { port, source })?;
        let addr = listener.local_addr().map_err(DemoError::LocalAddr)?;
        let base_url = format!("http://127.0.0.1:{}", addr.port());
        let ctx = Arc::new(Ctx::new(base_url.clone(), config));
        let app = router(ctx.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            let result = axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = result {
                tracing::error!("demo-idp server stopped: {e}");
            }
        });
        tracing::info!("demo-idp listening on {base_url}");
        Ok(DemoIdp {
            base_url,
            ctx,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Turns automatic approval of browser/device authorizations on or off.
    pub fn set_auto_approve(&self, on: bool) {
        self.ctx.auto_approve.store(on, Ordering::SeqCst);
    }

    /// Stops the server: open connections get a short grace period, then are cut.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for DemoIdp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // The serve task finishes by itself once idle connections are closed.
        drop(self.task.take());
    }
}

/// State shared by every handler.
pub(crate) struct Ctx {
    pub(crate) base_url: String,
    pub(crate) config: DemoConfig,
    auto_approve: AtomicBool,
    pub(crate) tokens: TokenStore,
    pub(crate) jwt: JwtSigner,
    pub(crate) oqtant: oqtant::OqtantState,
    pub(crate) autolab: autolab::AutolabState,
}

impl Ctx {
    fn new(base_url: String, config: DemoConfig) -> Self {
        let auto = config.auto_approve;
        Ctx {
            base_url,
            config,
            auto_approve: AtomicBool::new(auto),
            tokens: TokenStore::default(),
            jwt: JwtSigner::new(),
            oqtant: oqtant::OqtantState::new(),
            autolab: autolab::AutolabState::default(),
        }
    }

    pub(crate) fn auto_approve(&self) -> bool {
        self.auto_approve.load(Ordering::SeqCst)
    }

    /// Access-token lifetime for `service`: the override, or the real one.
    pub(crate) fn access_ttl(&self, service: Service) -> Duration {
        self.config
            .access_ttl
            .unwrap_or_else(|| service.real_access_ttl())
    }

    /// `<base>/<prefix>` for a service, e.g. `http://127.0.0.1:4000/autolab`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// Locks a mutex, ignoring poisoning (the data are plain maps that stay consistent).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn router(ctx: Arc<Ctx>) -> Router {
    Router::new()
        .route("/", get(index))
        // The header tells a client (Authdeck's demo mode) that this is a demo-idp.
        .route(
            "/health",
            get(|| async { ([("x-demo-idp", env!("CARGO_PKG_VERSION"))], "ok") }),
        )
        .nest("/oqtant", oqtant::routes())
        .nest("/quamotion", quamotion::routes())
        .nest("/autolab", autolab::routes())
        .nest("/plantpredict", plantpredict::routes())
        .nest("/nomad", nomad::routes())
        .fallback(not_found)
        .layer(cors())
        .layer(middleware::from_fn(log_request))
        .with_state(ctx)
}

/// CORS as public APIs (NOMAD's among them) serve it, so that a Swagger UI on another
/// origin can read the OpenAPI documents and call the APIs: any origin, no cookies
/// (credentials are not allowed: the token travels in the `Authorization` header, which
/// preflights may ask for), and `WWW-Authenticate` readable on a 401.
fn cors() -> CorsLayer {
    use axum::http::{header, Method};
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([header::WWW_AUTHENTICATE])
        .max_age(Duration::from_secs(600))
}

async fn index(axum::extract::State(ctx): axum::extract::State<Arc<Ctx>>) -> Response {
    http::html(axum::http::StatusCode::OK, pages::index(&ctx.base_url))
}

async fn not_found() -> Response {
    (axum::http::StatusCode::NOT_FOUND, "Not Found").into_response()
}

async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    tracing::info!("{method} {path} -> {}", response.status().as_u16());
    response
}
