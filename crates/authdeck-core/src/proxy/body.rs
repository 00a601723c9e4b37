//! The bodies that cross the proxy: one boxed type for every answer (an upstream
//! response streamed through, or a small one of the proxy's own), and the client's
//! request body handed to reqwest as a stream.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming, SizeHint};

/// The error type of a body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Every answer's body.
pub type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;

/// A body of `bytes`.
pub fn full(bytes: impl Into<Bytes>) -> ProxyBody {
    Full::new(bytes.into())
        .map_err(|e| match e {})
        .boxed_unsync()
}

/// An empty answer with `status` and no header that says anything about the proxy.
pub fn empty(status: StatusCode) -> Response<ProxyBody> {
    let mut resp = Response::new(full(Bytes::new()));
    *resp.status_mut() = status;
    resp
}

/// A JSON error answer: `{error, message, hint}`.
pub fn json_error(
    status: StatusCode,
    error: &str,
    message: &str,
    hint: Option<&str>,
) -> Response<ProxyBody> {
    let text = serde_json::json!({ "error": error, "message": message, "hint": hint });
    let mut resp = Response::new(full(text.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The client's request body for reqwest, which wants a `Sync` body: hyper's `Incoming`
/// is only ever polled through `&mut`, so a `Mutex` around it is never contended.
#[derive(Debug)]
pub struct Upload(std::sync::Mutex<Incoming>);

impl Upload {
    pub fn new(body: Incoming) -> Self {
        Upload(std::sync::Mutex::new(body))
    }
}

impl Body for Upload {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        match self.get_mut().0.get_mut() {
            Ok(body) => Pin::new(body).poll_frame(cx),
            // A poisoned lock (a panic while polling): the body ends.
            Err(_) => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.0.lock().map_or(true, |b| b.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        self.0
            .lock()
            .map_or_else(|_| SizeHint::default(), |b| b.size_hint())
    }
}
