//! A loopback HTTP server that demands a credential, for the tools that call servers
//! with Authdeck's tokens: git over dumb HTTP (static files of a bare repository after
//! `git update-server-info`) and a stand-in Kubernetes API. A request without an
//! acceptable `Authorization` gets 401 with the configured `WWW-Authenticate`
//! challenge; one with it gets the handler's answer. The scheme of every credential
//! offered is recorded (never the credential).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// Decides whether an `Authorization` header value is acceptable.
pub type Check = dyn Fn(&str) -> bool + Send + Sync;
/// Answers an authorised GET of a path: content type and body, or `None` for 404.
pub type Handler = dyn Fn(&str) -> Option<(&'static str, Vec<u8>)> + Send + Sync;

/// A running server; it stops with the test process.
pub struct AuthServer {
    pub base: String,
    schemes: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for AuthServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthServer")
            .field("base", &self.base)
            .finish()
    }
}

impl AuthServer {
    /// Serves on 127.0.0.1 (a free port), challenging with `challenge` (the value of
    /// `WWW-Authenticate`).
    pub fn start(challenge: &str, check: Arc<Check>, handler: Arc<Handler>) -> AuthServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let schemes = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&schemes);
        let challenge = challenge.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (check, handler, seen) = (check.clone(), handler.clone(), seen.clone());
                let challenge = challenge.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &challenge, &*check, &*handler, &seen);
                });
            }
        });
        AuthServer { base, schemes }
    }

    /// The schemes (`Bearer`, `Basic`, …) of the credentials offered so far, in order.
    pub fn schemes(&self) -> Vec<String> {
        self.schemes.lock().expect("lock").clone()
    }
}

/// One request on `stream` (the answer closes the connection).
fn serve(
    mut stream: TcpStream,
    challenge: &str,
    check: &Check,
    handler: &Handler,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            let value = value.trim().to_owned();
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(value);
            } else if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            }
        }
    }
    std::io::copy(
        &mut reader.by_ref().take(length as u64),
        &mut std::io::sink(),
    )?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    if let Some(value) = &authorization {
        let scheme = value.split_whitespace().next().unwrap_or("").to_owned();
        seen.lock().expect("lock").push(scheme);
    }
    let response = match authorization.as_deref().filter(|a| check(a)) {
        None => format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .into_bytes(),
        Some(_) => match handler(&path) {
            Some((content_type, body)) => {
                let mut r = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                r.extend_from_slice(&body);
                r
            }
            None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_vec(),
        },
    };
    stream.write_all(&response)?;
    stream.flush()
}

/// A handler serving the files under `root` (paths with `..` get 404).
pub fn static_files(root: std::path::PathBuf) -> Arc<Handler> {
    Arc::new(move |path: &str| {
        let path = path.split('?').next().unwrap_or("");
        if path.contains("..") {
            return None;
        }
        let file = root.join(path.trim_start_matches('/'));
        std::fs::read(file)
            .ok()
            .map(|body| ("application/octet-stream", body))
    })
}
