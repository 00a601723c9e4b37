//! One request to the upstream: the client's request with its credentials and hop-by-hop
//! headers taken out and the service's credential put in, the body streamed both ways.
//! An upstream 401 to a request that can be sent again is sent once more with a newer
//! token: an idempotent method (GET, HEAD, OPTIONS, DELETE, PUT) without a body, or with
//! one of a known length up to [`REPLAY_LIMIT`], which is then kept to be sent twice;
//! any other body streams through and the 401 goes to the client. A redirect is passed
//! to the client, never followed.
//!
//! A DPoP-bound token goes with a fresh proof for each try (RFC 9449 §7), with the nonce
//! the API last gave (`dpop.rs` remembers it per origin); a 401 asking for a nonce
//! (`WWW-Authenticate: DPoP error="use_dpop_nonce"` with `DPoP-Nonce`) is answered by one
//! more try with it, for a request that can be sent again (the next ones carry it).
//!
//! Nothing here logs a URL's query or a header: the credential can be in either.

use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::{Body as _, Incoming};
use url::Url;

use super::body::{self, BoxError, ProxyBody, Upload};
use super::headers;
use super::inject::{inject, inject_dpop, InjectError};
use super::server::Shared;
use crate::broker::ValidToken;
use crate::error::{Error, Result};

/// The client for upstream requests: like core's `HttpClient` it never follows redirects,
/// but it streams bodies of any size and has no overall timeout (a large download may take
/// long); it gives up on a connection that says nothing for [`READ_TIMEOUT`].
pub fn upstream_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(READ_TIMEOUT)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| Error::Local(format!("could not set up the proxy's HTTP client: {e}")))
}

/// How long the upstream may stay silent in the middle of an answer.
const READ_TIMEOUT: Duration = Duration::from_secs(300);

/// The largest request body kept in memory so that the request can be sent again.
pub const REPLAY_LIMIT: u64 = 64 * 1024;

/// How a request's body goes upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// No body: the request can be sent again as it is.
    Bodiless,
    /// A small body of an idempotent request: read whole first, sent on each try.
    Buffered,
    /// Streamed through as it comes; the request is sent once.
    Streamed,
}

/// How the body of a `method` request goes upstream, given whether it is empty and its
/// exact length when known (a `Content-Length`; not for a chunked body).
pub fn replay(method: &Method, body_is_empty: bool, exact_len: Option<u64>) -> Replay {
    let idempotent = matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::DELETE | Method::PUT
    );
    if !idempotent {
        Replay::Streamed
    } else if body_is_empty {
        Replay::Bodiless
    } else if exact_len.is_some_and(|n| n <= REPLAY_LIMIT) {
        Replay::Buffered
    } else {
        Replay::Streamed
    }
}

/// A request body as one try sends it.
enum Outgoing {
    Empty,
    Whole(Bytes),
    Stream(Upload),
}

impl Outgoing {
    /// The same body for another try; `None` for a stream, which can be sent only once.
    fn replay(&self) -> Option<Outgoing> {
        match self {
            Outgoing::Empty => Some(Outgoing::Empty),
            Outgoing::Whole(body) => Some(Outgoing::Whole(body.clone())),
            Outgoing::Stream(_) => None,
        }
    }
}

/// Forwards the request for `rest` (the path after the key) upstream and streams the
/// answer back.
pub async fn forward(
    shared: &Shared,
    parts: http::request::Parts,
    incoming: Incoming,
    rest: &str,
) -> Response<ProxyBody> {
    let method = parts.method;
    let plan = replay(
        &method,
        incoming.is_end_stream(),
        incoming.size_hint().exact(),
    );
    let headers = headers::to_upstream(&parts.headers);
    let url = headers::upstream_url(shared.api_base.url(), rest, parts.uri.query());
    let mut token = match shared.credentials.current().await {
        Ok(token) => token,
        Err(e) => return shared.error_response(&e),
    };
    shared.token_ok();
    let (first, again) = match plan {
        Replay::Bodiless => (Outgoing::Empty, Some(Outgoing::Empty)),
        Replay::Buffered => match incoming.collect().await {
            Ok(body) => {
                let body = body.to_bytes();
                (Outgoing::Whole(body.clone()), Some(Outgoing::Whole(body)))
            }
            Err(e) => {
                tracing::debug!("proxy: could not read a request's body: {e}");
                return body::json_error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "the proxy could not read the request's body: the client ended it early; send the request again",
                    None,
                );
            }
        },
        Replay::Streamed => (Outgoing::Stream(Upload::new(incoming)), None),
    };
    let mut resp = match send(shared, &method, &headers, &url, &token, first).await {
        Ok(resp) => resp,
        Err(resp) => return *resp,
    };
    if token.is_dpop() && dpop_nonce_asked(&url, &resp) {
        if let Some(body) = again.as_ref().and_then(Outgoing::replay) {
            tracing::info!("proxy: the API asked for a DPoP nonce: sent again with it");
            resp = match send(shared, &method, &headers, &url, &token, body).await {
                Ok(resp) => resp,
                Err(resp) => return *resp,
            };
            dpop_nonce_asked(&url, &resp);
        }
    }
    if let (StatusCode::UNAUTHORIZED, Some(again)) = (resp.status(), again) {
        match shared.credentials.after_rejection(&token).await {
            Ok(Some(newer)) => {
                tracing::info!("proxy: the API refused the token: sent again with a newer one");
                token = newer;
                resp = match send(shared, &method, &headers, &url, &token, again).await {
                    Ok(resp) => resp,
                    Err(resp) => return *resp,
                };
            }
            Ok(None) => {}
            Err(e) => return shared.error_response(&e),
        }
    }
    respond(shared, &url, resp, token.access_token.expose())
}

/// Remembers the `DPoP-Nonce` the upstream sent, if any, and says whether the answer is a
/// 401 that asks for a nonce it gave (RFC 9449 §9).
fn dpop_nonce_asked(url: &Url, resp: &reqwest::Response) -> bool {
    let Some(nonce) = resp
        .headers()
        .get(crate::dpop::NONCE_HEADER)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    crate::dpop::remember_nonce(url, nonce);
    resp.status() == StatusCode::UNAUTHORIZED
        && resp
            .headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(crate::dpop::asks_for_nonce)
}

/// Sends one try. The error is the answer for the client.
async fn send(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    url: &Url,
    token: &ValidToken,
    body: Outgoing,
) -> std::result::Result<reqwest::Response, Box<Response<ProxyBody>>> {
    let mut headers = headers.clone();
    let mut url = url.clone();
    let injected = if token.is_dpop() {
        let proof = match dpop_proof(shared, method, &url, token).await {
            Ok(proof) => proof,
            Err(e) => return Err(Box::new(shared.error_response(&e))),
        };
        inject_dpop(token.access_token.expose(), &proof, &mut headers)
    } else {
        inject(
            &shared.kind,
            token.access_token.expose(),
            &mut headers,
            &mut url,
        )
    };
    if let Err(e) = injected {
        let message = match e {
            InjectError::NotAHeaderValue => format!(
                "the token of '{}' has characters an HTTP header cannot carry",
                shared.service
            ),
            InjectError::BadHeaderName(name) => format!(
                "'{}' names its API key header '{name}', which is not a valid header name: fix `swagger.param` in its settings (services.toml)",
                shared.service
            ),
        };
        return Err(Box::new(body::json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "config",
            &message,
            None,
        )));
    }
    let mut req = shared.client.request(method.clone(), url).headers(headers);
    match body {
        Outgoing::Empty => {}
        Outgoing::Whole(bytes) => req = req.body(bytes),
        Outgoing::Stream(upload) => req = req.body(reqwest::Body::wrap(upload)),
    }
    req.send().await.map_err(|e| {
        let e = e.without_url();
        let target = format!("{}{}", crate::http::origin(shared.api_base.url()), shared.api_base.url().path());
        tracing::warn!("proxy: {method} to {target} failed: {e}");
        Box::new(body::json_error(
            StatusCode::BAD_GATEWAY,
            "upstream_unreachable",
            &format!(
                "the proxy could not get an answer from {target}: {e}; check that the service is reachable"
            ),
            None,
        ))
    })
}

/// A fresh DPoP proof of the account's key for one try of `method` to `url` with `token`.
async fn dpop_proof(
    shared: &Shared,
    method: &Method,
    url: &Url,
    token: &ValidToken,
) -> Result<String> {
    use crate::token::Clock as _;
    let key = shared.credentials.dpop_key(token).await?;
    let request = crate::dpop::ProofFor {
        method: method.as_str(),
        url,
        access_token: Some(&token.access_token),
        now: crate::token::SystemClock.now(),
    };
    crate::dpop::proof(&key, &request)
}

/// The upstream's answer as the client gets it: hop-by-hop headers out, `Location`
/// pointed back at the proxy when it leads under the API base, the body streamed.
fn respond(
    shared: &Shared,
    url: &Url,
    resp: reqwest::Response,
    secret: &str,
) -> Response<ProxyBody> {
    let status = resp.status();
    let mut headers = headers::to_client(resp.headers());
    let location = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|loc| {
            headers::rewrite_location(loc, url, shared.api_base.url(), &shared.base, secret)
        });
    if let Some(location) = location {
        match HeaderValue::from_str(&location) {
            Ok(v) => {
                headers.insert(header::LOCATION, v);
            }
            Err(_) => {
                headers.remove(header::LOCATION);
            }
        }
    }
    let body = http::Response::<reqwest::Body>::from(resp)
        .into_body()
        .map_err(|e| Box::new(e.without_url()) as BoxError)
        .boxed_unsync();
    let mut out = Response::new(body);
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotent_requests_with_no_or_a_small_known_body_are_sent_twice() {
        for m in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::DELETE,
            Method::PUT,
        ] {
            assert_eq!(replay(&m, true, Some(0)), Replay::Bodiless, "{m}");
            assert_eq!(replay(&m, false, Some(5)), Replay::Buffered, "{m}");
            assert_eq!(
                replay(&m, false, Some(REPLAY_LIMIT)),
                Replay::Buffered,
                "{m} at the limit"
            );
            assert_eq!(
                replay(&m, false, Some(REPLAY_LIMIT + 1)),
                Replay::Streamed,
                "{m} over the limit"
            );
            assert_eq!(replay(&m, false, None), Replay::Streamed, "{m} chunked");
        }
        for m in [Method::POST, Method::PATCH] {
            assert_eq!(replay(&m, true, Some(0)), Replay::Streamed, "{m}");
            assert_eq!(replay(&m, false, Some(5)), Replay::Streamed, "{m}");
        }
    }
}
