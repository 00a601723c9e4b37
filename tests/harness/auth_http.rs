//! A loopback HTTP server that demands a credential, for the tools that call servers
//! with Authdeck's tokens: git over smart HTTP (the real `git http-backend` as a CGI
//! program) and a stand-in Kubernetes API. A request without an
//! acceptable `Authorization` gets 401 with the configured `WWW-Authenticate`
//! challenge; one with it gets the handler's answer. The scheme of every credential
//! offered is recorded (never the credential).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// Decides whether an `Authorization` header value is acceptable.
pub type Check = dyn Fn(&str) -> bool + Send + Sync;
/// Answers an authorised request.
pub type Handler = dyn Fn(&HttpRequest) -> HttpResponse + Send + Sync;

/// What the handler is asked.
#[derive(Debug)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// What the handler answers.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn ok(content_type: &str, body: Vec<u8>) -> Self {
        HttpResponse {
            status: "200 OK".into(),
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn not_found() -> Self {
        HttpResponse {
            status: "404 Not Found".into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// A running server; it stops with the test process.
pub struct AuthServer {
    pub base: String,
    /// With TLS: the server's self-signed certificate (PEM), for clients to trust.
    pub certificate_pem: Option<String>,
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
        Self::start_with(challenge, check, handler, None)
    }

    /// Like [`AuthServer::start`], over TLS with a self-signed certificate for
    /// 127.0.0.1 ([`AuthServer::certificate_pem`]).
    pub fn start_tls(challenge: &str, check: Arc<Check>, handler: Arc<Handler>) -> AuthServer {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
            .expect("self-signed certificate");
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .expect("TLS server config");
        let mut server = Self::start_with(challenge, check, handler, Some(Arc::new(config)));
        server.certificate_pem = Some(cert.cert.pem());
        server
    }

    fn start_with(
        challenge: &str,
        check: Arc<Check>,
        handler: Arc<Handler>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> AuthServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base = format!("{scheme}://{}", listener.local_addr().expect("addr"));
        let schemes = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&schemes);
        let challenge = challenge.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (check, handler, seen) = (check.clone(), handler.clone(), seen.clone());
                let (challenge, tls) = (challenge.clone(), tls.clone());
                std::thread::spawn(move || {
                    let _ = match tls {
                        Some(config) => rustls::ServerConnection::new(config)
                            .map_err(std::io::Error::other)
                            .and_then(|conn| {
                                let stream = rustls::StreamOwned::new(conn, stream);
                                serve(stream, &challenge, &*check, &*handler, &seen)
                            }),
                        None => serve(stream, &challenge, &*check, &*handler, &seen),
                    };
                });
            }
        });
        AuthServer {
            base,
            certificate_pem: None,
            schemes,
        }
    }

    /// The schemes (`Bearer`, `Basic`, …) of the credentials offered so far, in order.
    pub fn schemes(&self) -> Vec<String> {
        self.schemes.lock().expect("lock").clone()
    }
}

/// One request on `stream` (the answer closes the connection).
fn serve(
    stream: impl Read + Write,
    challenge: &str,
    check: &Check,
    handler: &Handler,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    let mut length = 0usize;
    let mut content_type = String::new();
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
            } else if name.eq_ignore_ascii_case("content-type") {
                content_type = value;
            }
        }
    }
    let mut body = Vec::with_capacity(length);
    reader.by_ref().take(length as u64).read_to_end(&mut body)?;
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or("GET").to_owned();
    let target = words.next().unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let request = HttpRequest {
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        content_type,
        body,
    };
    if let Some(value) = &authorization {
        let scheme = value.split_whitespace().next().unwrap_or("").to_owned();
        seen.lock().expect("lock").push(scheme);
    }
    let response = match authorization.as_deref().filter(|a| check(a)) {
        None => format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .into_bytes(),
        Some(_) => {
            let answer = handler(&request);
            let mut head = format!("HTTP/1.1 {}\r\n", answer.status);
            for (name, value) in &answer.headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                answer.body.len()
            ));
            let mut r = head.into_bytes();
            r.extend_from_slice(&answer.body);
            r
        }
    };
    let stream = reader.get_mut();
    stream.write_all(&response)?;
    stream.flush()
}

/// A handler running `git http-backend` (smart HTTP) for the repositories under `root`.
pub fn git_http_backend(git: std::path::PathBuf, root: std::path::PathBuf) -> Arc<Handler> {
    Arc::new(move |request: &HttpRequest| {
        let mut child = std::process::Command::new(&git)
            .arg("http-backend")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_PROJECT_ROOT", &root)
            .env("GIT_HTTP_EXPORT_ALL", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("REQUEST_METHOD", &request.method)
            .env("PATH_INFO", &request.path)
            .env("QUERY_STRING", &request.query)
            .env("CONTENT_TYPE", &request.content_type)
            .env("CONTENT_LENGTH", request.body.len().to_string())
            .env("REMOTE_USER", "test")
            .env("REMOTE_ADDR", "127.0.0.1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("git http-backend");
        let mut stdin = child.stdin.take().expect("stdin");
        let body = request.body.clone();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&body);
        });
        let out = child.wait_with_output().expect("git http-backend output");
        let _ = writer.join();
        // CGI: header lines, an empty line, the body.
        let split = out
            .stdout
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| {
                out.stdout
                    .windows(2)
                    .position(|w| w == b"\n\n")
                    .map(|i| (i, 2))
            });
        let Some((end, sep)) = split else {
            return HttpResponse::not_found();
        };
        let head = String::from_utf8_lossy(&out.stdout[..end]).into_owned();
        let mut response = HttpResponse {
            status: "200 OK".into(),
            headers: Vec::new(),
            body: out.stdout[end + sep..].to_vec(),
        };
        for line in head.lines() {
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("status") {
                    response.status = value.trim().to_owned();
                } else {
                    response
                        .headers
                        .push((name.to_owned(), value.trim().to_owned()));
                }
            }
        }
        response
    })
}
