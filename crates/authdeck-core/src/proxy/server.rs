//! Accepting connections (127.0.0.1 or a Unix socket) and routing each request: the key
//! first (a wrong or missing one gets a bare 404), then CORS preflights, the docs, and
//! everything else upstream. Connections are HTTP/1.1 with keep-alive; stopping lets
//! answers under way finish (up to a limit) and closes idle connections.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::body::{self, ProxyBody};
use super::credential::Credentials;
use super::docs::Docs;
use super::key::AccessKey;
use super::{cors, forward, ProxyFront};
use crate::config::HttpUrl;
use crate::error::{Error, ErrorKind};
use crate::format::TokenKind;
use crate::http::HttpClient;
use crate::ids::ServiceId;

/// What every request of one proxy shares.
#[derive(Debug)]
pub struct Shared {
    pub service: ServiceId,
    /// `None` on a Unix socket (its permissions keep others out).
    pub key: Option<AccessKey>,
    /// The base URL clients use, ending in `/` (`/` alone on a Unix socket).
    pub base: String,
    /// The path of `base` (`/<key>/`, or `/`).
    pub base_path: String,
    pub api_base: HttpUrl,
    pub kind: TokenKind,
    pub credentials: Credentials,
    pub client: reqwest::Client,
    pub http: HttpClient,
    pub docs: Docs,
    pub front: Arc<dyn ProxyFront>,
    /// Whether the front was told that a login is required (told once until a token
    /// comes again).
    pub login_told: AtomicBool,
}

impl Shared {
    /// The answer to a failure to get a token: a login required is a 401 with what to
    /// do (and the front is told); the rest say what failed.
    pub fn error_response(&self, e: &Error) -> Response<ProxyBody> {
        let kind = e.kind();
        let status = match kind {
            ErrorKind::LoginRequired => StatusCode::UNAUTHORIZED,
            ErrorKind::Provider => StatusCode::BAD_GATEWAY,
            ErrorKind::Keyring => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if kind == ErrorKind::LoginRequired && !self.login_told.swap(true, Ordering::SeqCst) {
            self.front.login_required(&self.service, e);
        }
        tracing::warn!("proxy: no token for '{}': {e}", self.service);
        let hint = e.hint().map(|h| self.front.word_hint(&h));
        body::json_error(status, kind.as_str(), &e.to_string(), hint.as_deref())
    }

    /// A token came: the next login required is told again.
    pub fn token_ok(&self) {
        self.login_told.store(false, Ordering::Relaxed);
    }
}

/// Answers one request.
pub async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<ProxyBody>, Infallible> {
    let rest = match &shared.key {
        Some(key) => match key.strip(req.uri().path()) {
            Some(rest) => rest.to_owned(),
            None => return Ok(body::empty(StatusCode::NOT_FOUND)),
        },
        None => req.uri().path().to_owned(),
    };
    // `..` would climb out of the API base once the upstream URL is normalised.
    if has_dot_segment(&rest) {
        return Ok(body::empty(StatusCode::NOT_FOUND));
    }
    if cors::is_preflight(req.method(), req.headers()) {
        let mut resp = body::empty(StatusCode::NO_CONTENT);
        *resp.headers_mut() = cors::preflight(req.headers());
        return Ok(resp);
    }
    let origin = cors::allowed_origin(req.headers());
    let reads = matches!(*req.method(), Method::GET | Method::HEAD);
    let own = if !reads {
        None
    } else if rest == "/openapi.json" {
        Some(
            shared
                .docs
                .spec(&shared.http, shared.api_base.url(), &shared.base)
                .await,
        )
    } else {
        shared
            .docs
            .ui(&rest, &shared.base_path, req.headers())
            .await
    };
    let mut resp = match own {
        Some(resp) => resp,
        None => {
            let (parts, incoming) = req.into_parts();
            forward::forward(&shared, parts, incoming, &rest).await
        }
    };
    cors::decorate(origin, resp.headers_mut());
    Ok(resp)
}

/// Whether `path` has a `.` or `..` segment (also written `%2e`, as URLs allow).
pub fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase().replace("%2e", ".");
        segment == "." || segment == ".."
    })
}

/// Serves one connection until it closes or `stop` is cancelled (then answers under way
/// finish and the connection closes).
pub fn connection<IO>(io: IO, shared: Arc<Shared>, stop: CancellationToken, tracker: &TaskTracker)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    tracker.spawn(async move {
        let service = hyper::service::service_fn(move |req| handle(Arc::clone(&shared), req));
        let conn = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(io), service);
        tokio::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!("proxy: connection ended: {e}");
                }
            }
            () = stop.cancelled() => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        }
    });
}

/// Pause after a failed `accept` (out of file descriptors, say) before the next.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_found_however_written() {
        for path in ["/../x", "/a/..", "/a/./b", "/%2e%2e/x", "/a/.%2E/b", "/%2e"] {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in [
            "/",
            "/a/b",
            "/a..b/c",
            "/.well-known/x",
            "/a/%2e%2ex",
            "/v1.2/...",
        ] {
            assert!(!has_dot_segment(path), "{path}");
        }
    }
}
