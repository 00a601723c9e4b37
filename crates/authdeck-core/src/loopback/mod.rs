//! The loopback redirect listener of the authorization-code + PKCE flow (RFC 8252 §7.3).
//!
//! This module owns the small HTTP server that receives the browser after the user signs
//! in: it binds a port on 127.0.0.1, waits for the one redirect that belongs to the
//! current login, hands its authorization code to the flow, and answers the browser once
//! the flow knows whether the login worked. It is its own module because it is the one
//! place where Authdeck accepts network input from anyone on the machine, so its rules
//! are strict and kept together:
//!
//! - it binds 127.0.0.1 only, never a wildcard address;
//! - each connection is served in its own task with a read deadline and a size cap, so a
//!   slow or hostile client cannot hold back the real redirect;
//! - only `GET` on the redirect path, with a `Host` of `127.0.0.1:<port>` or
//!   `localhost:<port>` when present (a DNS-rebinding guard), is looked at;
//! - a redirect whose `state` does not match is refused with a page and the listener keeps
//!   waiting, so a forged (CSRF) request cannot abort the real login;
//! - exactly one matching redirect is taken: the listener closes when
//!   [`LoopbackListener::wait_for_callback`] returns. Connections still being read at that
//!   moment are closed without an answer; later ones are refused by the OS;
//! - the code is an [`AuthCode`] and neither it nor the query string is ever logged.

mod page;
pub(crate) use page::escape as escape_html;
mod request;
#[cfg(test)]
mod tests;

use std::fmt;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use request::{parse_request_head, RequestError, RequestHead, MAX_HEADERS, MAX_HEAD_LEN};

use crate::config::PortList;
use crate::error::{Error, Refusal, Result};
use crate::flows::refusal::{self, Grant};
use crate::flows::{ErrorCode, OAuthError};
use crate::secret::AuthCode;

/// How long a connection may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long writing an answer to the browser may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// After refusing a request, how long unread input is drained so that closing the socket
/// does not reset the connection before the client has read the answer.
const LINGER: Duration = Duration::from_secs(1);
/// At most this much unread input is drained (see [`LINGER`]).
const LINGER_MAX_BYTES: usize = 64 * 1024;
/// Connections served at once; more are closed at once, which bounds the file
/// descriptors and memory a local client can make the listener hold.
const MAX_CONNECTIONS: usize = 64;
/// Pause after a failed `accept` (e.g. out of file descriptors) before the next one.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// Provider-supplied text (error, description) is cut to this many characters.
const MAX_PROVIDER_TEXT: usize = 300;

/// A TCP listener on 127.0.0.1 for the redirect of one login.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
    head_timeout: Duration,
}

impl LoopbackListener {
    /// Binds 127.0.0.1 only (never `0.0.0.0` or `::`), trying `ports` in order; port 0
    /// means any free port.
    ///
    /// A port in use is skipped, as is one the OS refuses (e.g. a port reserved on
    /// Windows). When every port is in use the error says so and names the ports; when
    /// another error stopped a port, the error names that port and the OS's reason.
    pub async fn bind(ports: &PortList) -> Result<Self> {
        let mut refused: Option<(u16, std::io::Error)> = None;
        let mut busy = 0_usize;
        for port in ports.ports() {
            match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
                Ok(listener) => {
                    let port = listener.local_addr().map_err(|source| Error::Io {
                        message: format!(
                            "could not read the port of the listener on 127.0.0.1: {source}"
                        ),
                        source,
                    })?;
                    let port = port.port();
                    tracing::debug!(port, "loopback listener bound on 127.0.0.1");
                    return Ok(LoopbackListener {
                        listener,
                        port,
                        head_timeout: HEAD_TIMEOUT,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    tracing::debug!(port, "loopback port in use");
                    busy += 1;
                }
                Err(e) => {
                    tracing::debug!(port, error = %e, "could not bind loopback port");
                    refused.get_or_insert((port, e));
                }
            }
        }
        Err(bind_error(ports, busy, refused))
    }

    /// The port the listener is bound to (the one to put in the redirect URI).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits for the single callback of this login.
    ///
    /// Returns the [`Callback`] of the first redirect on `expect.path` whose `state`
    /// matches, without answering the browser yet: the flow answers through
    /// [`CallbackResponder::finish`] once it has exchanged the code. Requests elsewhere,
    /// malformed ones and redirects with a wrong `state` are answered with a small page
    /// and waiting goes on. A matching redirect with `error=access_denied` gives
    /// a [`Refusal::ConsentDenied`], with another error [`Error::Provider`] (the browser gets a
    /// page naming the error either way). Gives [`Error::TimedOut`] after `timeout` and
    /// [`Error::Cancelled`] when `cancel` fires. The listener is closed on return.
    pub async fn wait_for_callback(
        self,
        expect: &CallbackExpectation,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Callback> {
        if expect.state.is_empty() {
            return Err(Error::Local(
                "internal error: the login has no `state` to check the browser's answer against"
                    .into(),
            ));
        }
        let context = Arc::new(Context {
            path: if expect.path.is_empty() {
                "/".to_owned()
            } else {
                expect.path.clone()
            },
            state: expect.state.clone(),
            service_name: expect.service_name.clone(),
            port: self.port,
            head_timeout: self.head_timeout,
        });
        // Dropping the set on return aborts the connections still being served.
        let mut connections: JoinSet<Outcome> = JoinSet::new();
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(Error::Cancelled),
                () = &mut deadline => {
                    return Err(Error::TimedOut(format!(
                        "no answer from the browser within {}: the login was abandoned; \
                         run the login again",
                        human_duration(timeout)
                    )));
                }
                Some(joined) = connections.join_next(), if !connections.is_empty() => {
                    match joined {
                        Ok(Outcome::Callback(callback)) => return Ok(callback),
                        Ok(Outcome::Failed(error)) => return Err(error),
                        Ok(Outcome::Ignored) => {}
                        Err(e) => tracing::warn!(error = %e, "a loopback connection task failed"),
                    }
                }
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _peer)) => {
                        if connections.len() >= MAX_CONNECTIONS {
                            tracing::debug!("too many loopback connections: closing a new one");
                            drop(stream);
                        } else {
                            connections.spawn(serve(stream, Arc::clone(&context)));
                        }
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed on the loopback listener");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                },
            }
        }
    }

    /// Shortens the per-connection read deadline, so tests need not wait 10 s.
    #[cfg(test)]
    fn with_head_timeout(mut self, head_timeout: Duration) -> Self {
        self.head_timeout = head_timeout;
        self
    }
}

/// What the redirect of this login must look like.
#[derive(Clone)]
pub struct CallbackExpectation {
    /// The path of the redirect URI; `""` (a redirect URI without a path) means `/`.
    pub path: String,
    /// The `state` sent in the authorization request; must not be empty.
    pub state: String,
    /// The service's display name, for the pages shown in the browser.
    pub service_name: String,
}

/// `state` is a CSRF token: `Debug` does not show it.
impl fmt::Debug for CallbackExpectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackExpectation")
            .field("path", &self.path)
            .field("state", &"<redacted>")
            .field("service_name", &self.service_name)
            .finish()
    }
}

/// The browser's redirect that carried an authorization code, answer not yet sent.
#[derive(Debug)]
pub struct Callback {
    /// The authorization code, to exchange for tokens.
    pub code: AuthCode,
    /// The `iss` parameter of the redirect, if the provider sent one (RFC 9207): the flow
    /// compares it with the issuer when the provider advertises
    /// `authorization_response_iss_parameter_supported`.
    pub iss: Option<String>,
    responder: CallbackResponder,
}

impl Callback {
    /// The code, and the means to answer the browser once the code is exchanged.
    pub fn into_parts(self) -> (AuthCode, CallbackResponder) {
        (self.code, self.responder)
    }
}

/// The browser's connection of the callback, waiting for the page that ends the login.
///
/// If it is dropped without [`CallbackResponder::finish`], the browser gets a page saying
/// that Authdeck stopped before finishing the login (sent in the background, best effort).
#[derive(Debug)]
pub struct CallbackResponder {
    stream: Option<TcpStream>,
    service_name: String,
}

impl CallbackResponder {
    /// Answers the browser after the token exchange: `Ok(())` shows "Logged in to
    /// <service> — you can close this tab", `Err(message)` an error page with `message`
    /// (which must hold no secret). Failures to write are logged and otherwise ignored:
    /// the user may have closed the tab.
    pub async fn finish(mut self, outcome: std::result::Result<(), &str>) {
        let Some(mut stream) = self.stream.take() else {
            return;
        };
        let response = match outcome {
            Ok(()) => page::success(&self.service_name),
            Err(message) => page::failure(&self.service_name, message),
        };
        send(&mut stream, &response).await;
    }
}

impl Drop for CallbackResponder {
    fn drop(&mut self) {
        let Some(mut stream) = self.stream.take() else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let response = page::abandoned(&self.service_name);
            runtime.spawn(async move { send(&mut stream, &response).await });
        }
    }
}

/// What one connection amounted to.
enum Outcome {
    /// The matching redirect with a code: the login's result.
    Callback(Callback),
    /// The matching redirect with an error (already answered): the login's result.
    Failed(Error),
    /// Anything else (already answered or closed): keep waiting.
    Ignored,
}

/// What every connection task needs to know.
struct Context {
    /// Never empty.
    path: String,
    state: String,
    service_name: String,
    port: u16,
    head_timeout: Duration,
}

/// Serves one connection: reads its head, answers what is not the callback.
async fn serve(mut stream: TcpStream, context: Arc<Context>) -> Outcome {
    let head = match read_head(&mut stream, context.head_timeout).await {
        HeadRead::Head(head) => head,
        HeadRead::Closed => return Outcome::Ignored,
        HeadRead::Refuse(response) => return refuse(stream, &response).await,
    };
    if let Some(host) = &head.host {
        if !host_allowed(host, context.port) {
            tracing::debug!("refused a loopback request with a foreign Host header");
            return refuse(stream, &page::bad_host(context.port)).await;
        }
    }
    if head.method != "GET" {
        return refuse(stream, &page::method_not_allowed()).await;
    }
    let (path, query) = head.target.split_once('?').unwrap_or((&head.target, ""));
    tracing::debug!(path, "loopback request");
    if path != context.path {
        return refuse(stream, &page::not_found()).await;
    }
    let params = RedirectParams::parse(query);
    let state_matches = !params.repeated
        && params
            .state
            .as_deref()
            .is_some_and(|state| same_secret(state.as_bytes(), context.state.as_bytes()));
    if !state_matches {
        tracing::debug!("refused a redirect that does not belong to this login (state)");
        return refuse(stream, &page::state_mismatch()).await;
    }
    let service = &context.service_name;
    if let Some(error) = params.error {
        let error = sanitize(&error);
        let description = params.error_description.as_deref().map(sanitize);
        send(
            &mut stream,
            &page::provider_error(service, &error, description.as_deref()),
        )
        .await;
        let detail = description
            .as_deref()
            .map_or(String::new(), |d| format!(": {d}"));
        let answer = OAuthError {
            status: 302,
            code: ErrorCode::parse(&error),
            description,
        };
        return Outcome::Failed(match refusal::classify(Grant::Authorization, &answer) {
            Some(Refusal::ConsentDenied) => Error::refused(
                Refusal::ConsentDenied,
                format!("the login to {service} was refused in the browser{detail}"),
            ),
            Some(other) => Error::refused(
                other,
                format!("{service} answered the login with the error '{error}'{detail}"),
            ),
            None => Error::Provider(format!(
                "{service} answered the login with the error '{error}'{detail}"
            )),
        });
    }
    match params.code.filter(|code| !code.is_empty()) {
        Some(code) => Outcome::Callback(Callback {
            code: AuthCode::new(code),
            iss: params.iss,
            responder: CallbackResponder {
                stream: Some(stream),
                service_name: service.clone(),
            },
        }),
        None => {
            send(&mut stream, &page::no_code(service)).await;
            Outcome::Failed(Error::Provider(
                "the provider's redirect carried neither a code nor an error".into(),
            ))
        }
    }
}

/// The result of reading a request head.
enum HeadRead {
    Head(RequestHead),
    /// The client closed, failed, or sent nothing before the deadline: no answer.
    Closed,
    /// Answer this and close.
    Refuse(Vec<u8>),
}

async fn read_head(stream: &mut TcpStream, limit: Duration) -> HeadRead {
    let deadline = Instant::now() + limit;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    loop {
        // Never hold more than one byte beyond the limit: enough to tell it was exceeded.
        let room = (MAX_HEAD_LEN + 1)
            .saturating_sub(buf.len())
            .min(chunk.len());
        if room == 0 {
            return HeadRead::Refuse(page::too_large());
        }
        let n = match tokio::time::timeout_at(deadline, stream.read(&mut chunk[..room])).await {
            Err(_elapsed) if buf.is_empty() => return HeadRead::Closed,
            Err(_elapsed) => return HeadRead::Refuse(page::timed_out()),
            Ok(Ok(0)) => return HeadRead::Closed,
            Ok(Ok(n)) => n,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "reading a loopback request failed");
                return HeadRead::Closed;
            }
        };
        buf.extend_from_slice(&chunk[..n]);
        match parse_request_head(&buf) {
            Ok(head) => return HeadRead::Head(head),
            Err(RequestError::Incomplete) => {}
            Err(RequestError::TooLarge) => return HeadRead::Refuse(page::too_large()),
            Err(RequestError::Malformed(why)) => {
                tracing::debug!(why, "malformed loopback request");
                return HeadRead::Refuse(page::bad_request());
            }
        }
    }
}

/// Writes `response` and closes the sending side.
async fn send(stream: &mut TcpStream, response: &[u8]) {
    let written = tokio::time::timeout(WRITE_TIMEOUT, async {
        stream.write_all(response).await?;
        stream.shutdown().await
    })
    .await;
    match written {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = %e, "could not answer the browser"),
        Err(_elapsed) => tracing::debug!("answering the browser timed out"),
    }
}

/// Answers a request that is not the callback, then drains what the client still sends
/// for a moment, so that closing does not reset the connection before the answer is read.
async fn refuse(mut stream: TcpStream, response: &[u8]) -> Outcome {
    send(&mut stream, response).await;
    let _ = tokio::time::timeout(LINGER, async {
        let mut sink = [0_u8; 4096];
        let mut drained = 0;
        while drained < LINGER_MAX_BYTES {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    })
    .await;
    Outcome::Ignored
}

/// The redirect's parameters the listener looks at.
#[derive(Default)]
struct RedirectParams {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
    /// One of the above appeared more than once (RFC 6749 §3.1 forbids it).
    repeated: bool,
}

impl RedirectParams {
    fn parse(query: &str) -> Self {
        let mut params = RedirectParams::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match &*name {
                "state" => &mut params.state,
                "code" => &mut params.code,
                "error" => &mut params.error,
                "error_description" => &mut params.error_description,
                "iss" => &mut params.iss,
                _ => continue,
            };
            if slot.is_some() {
                params.repeated = true;
            } else {
                *slot = Some(value.into_owned());
            }
        }
        params
    }
}

/// Compares two secrets without returning early at the first differing byte (only the
/// length, which is not secret, can end the comparison early).
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// Whether a `Host` header names this listener: `127.0.0.1:<port>` or
/// `localhost:<port>` (any case); the port may be left out only when it is 80.
fn host_allowed(host: &str, port: u16) -> bool {
    let (name, port_matches) = match host.rsplit_once(':') {
        Some((name, given)) => (
            name,
            !given.is_empty()
                && given.bytes().all(|b| b.is_ascii_digit())
                && given.parse::<u16>() == Ok(port),
        ),
        None => (host, port == 80),
    };
    port_matches && (name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost"))
}

/// Provider text made safe for a terminal: control and bidi-override characters become
/// spaces, and it is cut to [`MAX_PROVIDER_TEXT`] characters.
fn sanitize(text: &str) -> String {
    let is_bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let mut out: String = text
        .chars()
        .take(MAX_PROVIDER_TEXT)
        .map(|c| if c.is_control() || is_bidi(c) { ' ' } else { c })
        .collect();
    if text.chars().nth(MAX_PROVIDER_TEXT).is_some() {
        out.push('\u{2026}');
    }
    out.trim().to_owned()
}

/// `5 min`, `1 min 30 s`, `45 s`, `200 ms`, `2 h`.
fn human_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs == 0 {
        return format!("{} ms", duration.as_millis());
    }
    let (hours, minutes, seconds) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (hours, minutes, seconds) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// The error of [`LoopbackListener::bind`] when no port could be bound.
fn bind_error(ports: &PortList, busy: usize, refused: Option<(u16, std::io::Error)>) -> Error {
    let single = ports.ports().nth(1).is_none();
    let any_port = ports.ports().eq([0]);
    match refused {
        None if busy == 0 => Error::Local(format!(
            "no loopback port to listen on is configured ('{ports}'): configure ports in \
             `redirect.ports`"
        )),
        None if any_port => Error::Local(
            "no free port on 127.0.0.1 for the login's redirect: close some programs and \
             try again"
                .into(),
        ),
        None if single => Error::Local(format!(
            "port {ports} on 127.0.0.1 is in use: close the other login (or the program \
             using it) and try again, or configure other ports (`redirect.ports`)"
        )),
        None => Error::Local(format!(
            "ports {ports} on 127.0.0.1 are all in use: close the other login (or the \
             program using them) and try again, or configure other ports (`redirect.ports`)"
        )),
        Some((port, source)) => {
            let place = if port == 0 {
                "a free port of 127.0.0.1".to_owned()
            } else {
                format!("127.0.0.1:{port}")
            };
            let others = if busy > 0 {
                format!(" (the other ports of {ports} are in use)")
            } else {
                String::new()
            };
            let hint = if source.kind() == std::io::ErrorKind::PermissionDenied {
                ": the port may be reserved (ports below 1024 need administrator rights); \
                 configure other ports (`redirect.ports`)"
            } else {
                ""
            };
            Error::Io {
                message: format!("could not listen on {place}: {source}{others}{hint}"),
                source,
            }
        }
    }
}
