//! A token endpoint that misbehaves on purpose, one way per server, and a TLS server
//! with a self-signed certificate.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How the fault server answers every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with an HTML error page.
    ServerErrorHtml,
    /// HTTP 200, JSON content type, body cut off mid-object.
    TruncatedJson,
    /// HTTP 200 with a 2 MiB JSON body.
    Oversized,
    /// Accepts the request and answers nothing for a minute.
    Silent,
    /// Closes the connection without answering.
    Reset,
    /// HTTP 400 `invalid_grant`.
    InvalidGrant,
    /// HTTP 502 with a proxy's HTML page.
    BadGatewayHtml,
    /// HTTP 200 with an HTML page (a login page or a captive portal) instead of JSON.
    WrongContentType,
    /// HTTP 200 with a 10 MiB body and no `Content-Length` (read until the cap).
    Huge,
    /// `/device` starts a device login (expires in 8 s, interval 1 s); `/token` answers
    /// `slow_down` to every poll.
    SlowDownStorm,
    /// `/device` starts a device login that expires in 2 s; `/token` answers
    /// `authorization_pending` until then.
    DeviceExpires,
}

/// A fault server on 127.0.0.1; it lives as long as the test process.
#[derive(Debug)]
pub struct FaultServer {
    /// The token endpoint (`/token`).
    pub url: String,
    /// The device authorization endpoint (`/device`).
    pub device_url: String,
    token_requests: Arc<AtomicUsize>,
}

impl FaultServer {
    pub fn start(fault: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fault server");
        let port = listener.local_addr().expect("addr").port();
        let token_requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&token_requests);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counter = Arc::clone(&counter);
                thread::spawn(move || answer(stream, fault, &counter));
            }
        });
        FaultServer {
            url: format!("http://127.0.0.1:{port}/token"),
            device_url: format!("http://127.0.0.1:{port}/device"),
            token_requests,
        }
    }

    /// How many requests reached `/token` so far.
    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }
}

fn answer(mut stream: TcpStream, fault: Fault, token_requests: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 16384];
    let n = stream.read(&mut buf).unwrap_or(0);
    let head = String::from_utf8_lossy(&buf[..n]);
    let path = head.split(' ').nth(1).unwrap_or_default();
    let device = path.starts_with("/device");
    if path.starts_with("/token") {
        token_requests.fetch_add(1, Ordering::SeqCst);
    }
    let respond = |s: &mut TcpStream, status: &str, ct: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body);
    };
    match fault {
        Fault::ServerErrorHtml => respond(
            &mut stream,
            "500 Internal Server Error",
            "text/html",
            b"<html><body><h1>Internal Server Error</h1></body></html>",
        ),
        Fault::TruncatedJson => respond(
            &mut stream,
            "200 OK",
            "application/json",
            br#"{"access_token":"cut-off-tok"#,
        ),
        Fault::Oversized => {
            let mut body = br#"{"access_token":"big","pad":""#.to_vec();
            body.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
            body.extend_from_slice(b"\"}");
            respond(&mut stream, "200 OK", "application/json", &body);
        }
        Fault::Silent => thread::sleep(Duration::from_secs(60)),
        Fault::Reset => drop(stream),
        Fault::InvalidGrant => respond(
            &mut stream,
            "400 Bad Request",
            "application/json",
            br#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
        ),
        Fault::BadGatewayHtml => respond(
            &mut stream,
            "502 Bad Gateway",
            "text/html; charset=utf-8",
            b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        ),
        Fault::WrongContentType => respond(
            &mut stream,
            "200 OK",
            "text/html; charset=utf-8",
            b"<!DOCTYPE html><html><body><form action=\"/login\">Sign in</form></body></html>",
        ),
        Fault::Huge => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(br#"{"access_token":"huge","pad":""#);
            let chunk = vec![b'x'; 64 * 1024];
            for _ in 0..160 {
                if stream.write_all(&chunk).is_err() {
                    return; // the client stopped reading at its cap
                }
            }
            let _ = stream.write_all(b"\"}");
        }
        Fault::SlowDownStorm | Fault::DeviceExpires if device => {
            let expires_in = if fault == Fault::SlowDownStorm { 8 } else { 2 };
            let body = format!(
                r#"{{"device_code":"fault-device-code","user_code":"ABCD-EFGH","verification_uri":"http://127.0.0.1/activate","expires_in":{expires_in},"interval":1}}"#
            );
            respond(&mut stream, "200 OK", "application/json", body.as_bytes());
        }
        Fault::SlowDownStorm => respond(
            &mut stream,
            "400 Bad Request",
            "application/json",
            br#"{"error":"slow_down"}"#,
        ),
        Fault::DeviceExpires => respond(
            &mut stream,
            "400 Bad Request",
            "application/json",
            br#"{"error":"authorization_pending"}"#,
        ),
    }
}

/// An HTTPS server on 127.0.0.1 whose certificate is self-signed (so no client trusts
/// it); it would answer a token if a client ever got through. Lives as long as the test.
#[derive(Debug)]
pub struct SelfSignedServer {
    /// The token endpoint, `https://localhost:<port>/token`.
    pub url: String,
    /// How many TLS handshakes completed (a client that refuses the certificate adds none).
    handshakes: Arc<AtomicUsize>,
}

impl SelfSignedServer {
    pub fn start() -> SelfSignedServer {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .expect("self-signed certificate");
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .expect("TLS server config");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind TLS server");
        let port = listener.local_addr().expect("addr").port();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&handshakes);
        thread::spawn(move || {
            for mut tcp in listener.incoming().flatten() {
                let config = Arc::clone(&config);
                let counter = Arc::clone(&counter);
                thread::spawn(move || {
                    let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
                    let Ok(mut conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    if conn.complete_io(&mut tcp).is_err() || conn.is_handshaking() {
                        return; // the client refused the certificate
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
                    let mut buf = [0u8; 8192];
                    let _ = tls.read(&mut buf);
                    let body = br#"{"access_token":"through-a-self-signed-cert","token_type":"Bearer","expires_in":3600}"#;
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes());
                    let _ = tls.write_all(body);
                    let _ = tls.flush();
                });
            }
        });
        SelfSignedServer {
            url: format!("https://localhost:{port}/token"),
            handshakes,
        }
    }

    /// How many clients completed a TLS handshake (accepted the certificate).
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}
