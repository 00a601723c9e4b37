//! A loopback API for the proxy tests that shows what reached it: the headers the proxy
//! sent (`/api/whoami`), bodies larger than core's 1 MiB cap both ways (`/api/echo`,
//! `/api/big`), a 401 to the token of its first request (`GET /api/once401`, and
//! `PUT /api/once401/<slot>`, one first token per slot, echoing the body it accepts),
//! redirects (`/api/redirect?to=`), and a 200 naming any other path it was asked for (so
//! a request the proxy should have kept to itself shows). [`Upstream::requests`] counts
//! what reached each path. Served in-process on its own runtime, stopped on drop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;

/// The running API; its base is `http://127.0.0.1:<port>/api`.
#[derive(Debug)]
pub struct Upstream {
    pub origin: String,
    runtime: Option<tokio::runtime::Runtime>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    seen: Arc<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// The `Authorization` of the first request to `/api/once401` (`""`) or to
    /// `/api/once401/<slot>` (`slot`), refused ever after.
    refused: Mutex<HashMap<String, String>>,
    /// How many requests reached each path.
    requests: Mutex<HashMap<String, usize>>,
}

/// The byte at position `i` of `/api/big`'s body (and of the tests' uploads).
pub fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

impl Upstream {
    pub fn start() -> Upstream {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let seen = Arc::new(Seen::default());
        let app = Router::new()
            .route("/api/whoami", get(whoami))
            .route("/api/echo", post(echo))
            .route("/api/big", get(big))
            .route("/api/once401", get(once401))
            .route("/api/once401/{slot}", put(once401_put))
            .route("/api/redirect", get(redirect))
            .fallback(elsewhere)
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&seen),
                count,
            ))
            .with_state(Arc::clone(&seen));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind the upstream");
        let port = listener.local_addr().expect("addr").port();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Upstream {
            origin: format!("http://127.0.0.1:{port}"),
            runtime: Some(runtime),
            stop: Some(stop),
            seen,
        }
    }

    /// How many requests reached `path` (`/api/…`) so far.
    pub fn requests(&self, path: &str) -> usize {
        self.seen
            .requests
            .lock()
            .expect("lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// The API base to configure: `<origin>/api`.
    pub fn api_base(&self) -> String {
        format!("{}/api", self.origin)
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn text(h: &HeaderMap, name: &str) -> serde_json::Value {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map_or(serde_json::Value::Null, |v| v.into())
}

async fn whoami(req: Request) -> Response {
    let h = req.headers();
    let names: Vec<&str> = h.keys().map(|k| k.as_str()).collect();
    axum::Json(serde_json::json!({
        "authorization": text(h, "authorization"),
        "cookie": text(h, "cookie"),
        "referer": text(h, "referer"),
        "origin": text(h, "origin"),
        "x-private": text(h, "x-private"),
        "host": text(h, "host"),
        "headers": names,
        "query": req.uri().query(),
    }))
    .into_response()
}

async fn echo(req: Request) -> Response {
    match to_bytes(req.into_body(), 64 * 1024 * 1024).await {
        Ok(bytes) => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            Body::from(bytes),
        )
            .into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

#[derive(serde::Deserialize)]
struct Big {
    bytes: usize,
}

async fn big(Query(q): Query<Big>) -> Response {
    let body: Vec<u8> = (0..q.bytes).map(pattern).collect();
    ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

async fn count(
    State(seen): State<Arc<Seen>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    *seen
        .requests
        .lock()
        .expect("lock")
        .entry(req.uri().path().to_owned())
        .or_default() += 1;
    next.run(req).await
}

/// The `Authorization` of `headers` when `slot` accepts it: any but the first one seen
/// in `slot` (and none at all is refused).
fn accepted(seen: &Seen, slot: &str, headers: &HeaderMap) -> Option<String> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())?;
    let mut refused = seen.refused.lock().expect("lock");
    let first = refused
        .entry(slot.to_owned())
        .or_insert_with(|| auth.to_owned());
    (first != auth).then(|| auth.to_owned())
}

async fn once401(State(seen): State<Arc<Seen>>, headers: HeaderMap) -> Response {
    match accepted(&seen, "", &headers) {
        Some(auth) => axum::Json(serde_json::json!({ "authorization": auth })).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// Reads the whole body first (so a refusal never cuts an upload off), then refuses the
/// slot's first token or echoes the body.
async fn once401_put(
    State(seen): State<Arc<Seen>>,
    Path(slot): Path<String>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let Ok(body) = to_bytes(req.into_body(), 64 * 1024 * 1024).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match accepted(&seen, &slot, &headers) {
        Some(_) => ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn elsewhere(req: Request) -> Response {
    axum::Json(serde_json::json!({ "upstream_path": req.uri().path() })).into_response()
}

#[derive(serde::Deserialize)]
struct Redirect {
    to: String,
}

async fn redirect(Query(q): Query<Redirect>) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, q.to)]).into_response()
}
