//! Issue 14: `authdeck proxy`, the real binary between a client and an API. Against
//! demo-idp's NOMAD: the API answers 200 through the proxy, a URL without the key gets a
//! bare 404, the OpenAPI document points at the proxy without security schemes, the docs
//! page and Swagger UI's files are served (gzip to a client that takes it, else plain),
//! without the files `/docs` is a page saying so, CORS answers loopback origins only.
//! Against a loopback API that shows what reached it: the client's credentials are
//! stripped and the account's token injected, bodies over 1 MiB stream both ways, an
//! upstream 401 leads to one refresh and one retry (for a GET, and a PUT whose small body
//! is sent again; a 1 MiB PUT is sent once), other names under `docs/` (and `..` out of
//! it) are the proxy's 404s, never sent upstream, redirects are passed (rewritten to the
//! proxy under the API base), a Unix socket works (0600 in a 0700 directory) and Ctrl-C stops it cleanly, and
//! after a logout requests get a 401 that says what to do. And the real Swagger UI in
//! headless Chromium through the proxy's docs page, for Autolab (OAuth2 only) and NOMAD:
//! Execute works with no Authorize step, still after the token expired, and shows what
//! to do after a logout (screenshots in `artifacts/swagger/proxy-*`).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authdeck_e2e::swagger::{artifacts_dir, Journey};
use authdeck_e2e::upstream::{pattern, Upstream};
use authdeck_e2e::{eventually, interrupt, Demo, Env, StopOnDrop};
use demo_idp::credentials as creds;
use demo_idp::DemoConfig;

/// A running `authdeck proxy`: its first stdout line, and its stderr as it comes.
struct Proxy {
    process: StopOnDrop,
    url: String,
    stderr: Arc<Mutex<String>>,
}

pub(crate) fn start_proxy(env: &Env, args: &[&str]) -> (Child, String, Arc<Mutex<String>>) {
    start_proxy_with(env.authdeck(), args)
}

/// Like [`start_proxy`], with a prepared command (extra environment).
fn start_proxy_with(mut cmd: Command, args: &[&str]) -> (Child, String, Arc<Mutex<String>>) {
    let mut child = cmd
        .arg("proxy")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn authdeck proxy");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read the proxy's first line");
    let stderr = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&stderr);
    let mut pipe = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .expect("lock")
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let url = first.trim_end().to_owned();
    assert!(!url.is_empty(), "the proxy printed no first line");
    (child, url, stderr)
}

impl Proxy {
    fn start(env: &Env, args: &[&str]) -> Proxy {
        let (child, url, stderr) = start_proxy(env, args);
        Proxy {
            process: StopOnDrop::new(child),
            url,
            stderr,
        }
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Adds a NOMAD account (password grant at demo-idp) whose API is at `api_base`.
fn add_nomad(env: &Env, demo: &Demo, id: &str, api_base: &str) {
    let keycloak = format!(
        "{}/nomad/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token",
        demo.base
    );
    env.ok(
        &[
            "service",
            "add",
            id,
            "--preset",
            "nomad",
            "--set",
            &format!("api_base={api_base}"),
            "--set",
            &format!("endpoints.token={}/nomad/api/v1/auth/token", demo.base),
            "--set",
            &format!("endpoints.refresh={keycloak}"),
            "--set",
            &format!("docs_url={}/nomad/docs", demo.base),
            "--username",
            creds::NOMAD_USERNAME,
            "--password-stdin",
        ],
        &format!("{}\n", creds::NOMAD_PASSWORD),
    );
    env.ok(&["login", id], "");
}

fn token(env: &Env, id: &str) -> String {
    env.ok(&["token", id, "--min-valid", "0"], "")
        .trim_end()
        .to_owned()
}

#[test]
fn proxy_serves_the_demo_api_its_docs_and_only_with_the_key() {
    let demo = Demo::start(DemoConfig::default());
    let env = Env::new();
    add_nomad(&env, &demo, "nomad", &format!("{}/nomad/api", demo.base));
    let proxy = Proxy::start(&env, &["nomad"]);
    let base = &proxy.url;
    let http = client();

    // The base URL: 127.0.0.1, a key of at least 128 bits (base64url), a trailing slash.
    let rest = base
        .strip_prefix("http://127.0.0.1:")
        .expect("a loopback URL");
    let (port, key) = rest.split_once('/').expect("port/key/");
    let key = key.strip_suffix('/').expect("ends with /");
    assert!(key.len() >= 22, "key of ≥128 bits: {key}");
    assert!(key
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));

    let resp = http.get(format!("{base}v1/uploads")).send().expect("GET");
    assert_eq!(resp.status(), 200, "the API through the proxy");
    assert!(resp.text().expect("body").contains("data"));

    // Without the key, or with another: a bare 404.
    for url in [
        format!("http://127.0.0.1:{port}/v1/uploads"),
        format!("http://127.0.0.1:{port}/"),
        format!("http://127.0.0.1:{port}/{}x/v1/uploads", key),
        format!("http://127.0.0.1:{port}/openapi.json"),
    ] {
        let resp = http.get(&url).send().expect("GET");
        assert_eq!(resp.status(), 404, "{url}");
        assert!(resp.headers().get("access-control-allow-origin").is_none());
        assert!(resp.text().expect("body").is_empty(), "{url}: empty body");
    }

    // The document: servers at the proxy, no security left for Swagger UI to ask for.
    let doc: serde_json::Value = http
        .get(format!("{base}openapi.json"))
        .send()
        .expect("GET openapi.json")
        .json()
        .expect("JSON");
    assert_eq!(
        doc["servers"],
        serde_json::json!([{"url": format!("{base}v1")}])
    );
    assert!(doc["components"].get("securitySchemes").is_none(), "{doc}");
    assert!(doc["paths"]["/uploads"]["get"].get("security").is_none());
    assert!(doc.get("security").is_none());

    // The docs page and Swagger UI's files, from the directory the harness prepared
    // (gzip-compressed, as the package installs them).
    let page = http.get(format!("{base}docs")).send().expect("GET docs");
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("script-src 'self'"));
    let page = page.text().expect("page");
    let bundle_path = format!("/{key}/docs/swagger-ui-bundle.js");
    assert!(page.contains(&bundle_path), "{page}");
    let bundle_url = format!("http://127.0.0.1:{port}{bundle_path}");
    // A client that takes no gzip (this one sends no Accept-Encoding) gets it plain…
    let plain = http.get(&bundle_url).send().expect("GET bundle");
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().expect("bundle");
    assert!(plain.len() > 500_000, "{} bytes", plain.len());
    assert!(String::from_utf8_lossy(&plain).contains("SwaggerUIBundle"));
    // …a browser gets the compressed file as it is.
    let packed = http
        .get(&bundle_url)
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .send()
        .expect("GET bundle, gzip");
    assert_eq!(packed.status(), 200);
    assert_eq!(packed.headers()["content-encoding"], "gzip");
    assert!(packed.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/javascript"));
    let packed = packed.bytes().expect("bundle.gz");
    assert!(packed.starts_with(&[0x1f, 0x8b]), "gzip data");
    assert!(packed.len() < plain.len() / 2, "{} bytes", packed.len());
    let css = http
        .get(format!("{base}docs/swagger-ui.css"))
        .send()
        .expect("GET css");
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/css"));

    // Without Swagger UI's files: a page that says so, where they were looked for, and
    // links the document (404: there is no Swagger UI here).
    let missing = env.dir("no-swagger-ui");
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_SWAGGER_UI_DIR", &missing);
    let (child, bare, _) = start_proxy_with(cmd, &["nomad"]);
    let _bare_proxy = StopOnDrop::new(child);
    let page = http.get(format!("{bare}docs")).send().expect("GET docs");
    assert_eq!(page.status(), 404);
    assert!(page.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/html"));
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("default-src 'none'"));
    let page = page.text().expect("page");
    assert!(page.contains("Swagger UI is not installed"), "{page}");
    assert!(page.contains(missing.to_str().expect("utf-8")), "{page}");
    assert!(page.contains("AUTHDECK_SWAGGER_UI_DIR"), "{page}");
    let bare_path = bare
        .trim_start_matches("http://")
        .split_once('/')
        .expect("path")
        .1;
    assert!(
        page.contains(&format!("href=\"/{bare_path}openapi.json\"")),
        "{page}"
    );
    assert!(!page.contains("<script"), "no script: {page}");
    let none = http
        .get(format!("{bare}docs/swagger-ui-bundle.js"))
        .send()
        .expect("GET bundle");
    assert_eq!(none.status(), 404);
    let doc = http
        .get(format!("{bare}openapi.json"))
        .send()
        .expect("GET openapi.json");
    assert_eq!(doc.status(), 200, "the document is served all the same");

    // CORS: a page on another loopback origin may call; another origin gets nothing.
    let preflight = |origin: &str| {
        http.request(reqwest::Method::OPTIONS, format!("{base}v1/uploads"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "accept")
            .send()
            .expect("OPTIONS")
    };
    let ok = preflight("http://localhost:5173");
    assert_eq!(ok.status(), 204);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert_eq!(ok.headers()["access-control-allow-methods"], "GET");
    let evil = preflight("https://evil.example");
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    let get = http
        .get(format!("{base}v1/uploads"))
        .header("origin", "http://127.0.0.1:8000")
        .send()
        .expect("GET");
    assert_eq!(get.status(), 200);
    assert_eq!(
        get.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8000"
    );

    let t = token(&env, "nomad");
    assert!(
        !proxy.stderr.lock().expect("lock").contains(&t),
        "token in the log"
    );
    drop(proxy.process);
}

#[test]
fn proxy_injects_streams_retries_redirects_and_asks_for_login() {
    let demo = Demo::start(DemoConfig::default());
    let up = Upstream::start();
    let env = Env::new();
    add_nomad(&env, &demo, "up", &up.api_base());
    let proxy = Proxy::start(&env, &["up"]);
    let base = &proxy.url;
    let http = client();

    // The client's credentials stay behind; the account's token goes in.
    let seen: serde_json::Value = http
        .get(format!("{base}whoami?page=2"))
        .header("authorization", "Bearer forged")
        .header("cookie", "session=mine")
        .header("referer", format!("{base}docs"))
        .header("connection", "keep-alive, x-private")
        .header("x-private", "1")
        .send()
        .expect("GET whoami")
        .json()
        .expect("JSON");
    let t1 = token(&env, "up");
    assert_eq!(seen["authorization"], format!("Bearer {t1}"), "{seen}");
    assert_eq!(seen["cookie"], serde_json::Value::Null, "{seen}");
    assert_eq!(seen["referer"], serde_json::Value::Null, "{seen}");
    assert_eq!(seen["x-private"], serde_json::Value::Null, "{seen}");
    assert_eq!(seen["query"], "page=2");
    assert_eq!(seen["host"], up.origin.trim_start_matches("http://"));

    // Bodies over core's 1 MiB cap, both ways.
    let size = 3 * 1024 * 1024 + 17;
    let upload: Vec<u8> = (0..size).map(pattern).collect();
    let echoed = http
        .post(format!("{base}echo"))
        .body(upload.clone())
        .send()
        .expect("POST echo");
    assert_eq!(echoed.status(), 200);
    assert!(
        echoed.bytes().expect("echo") == upload,
        "the upload came back whole"
    );
    let big = http
        .get(format!("{base}big?bytes={size}"))
        .send()
        .expect("GET big");
    assert_eq!(big.status(), 200);
    assert_eq!(
        big.headers()["content-length"].to_str().expect("len"),
        size.to_string()
    );
    assert!(
        big.bytes().expect("big") == upload,
        "the download came whole"
    );

    // The API refuses the token once: one refresh, one retry, the client sees 200.
    let retried = http
        .get(format!("{base}once401"))
        .send()
        .expect("GET once401");
    let status = retried.status();
    let sent = retried.text().expect("body");
    assert_eq!(
        status, 200,
        "the 401 was retried with a newer token: {sent}"
    );
    let sent: serde_json::Value = serde_json::from_str(&sent).expect("JSON");
    let t2 = token(&env, "up");
    assert_ne!(t2, t1, "the account's token was refreshed");
    assert_eq!(sent["authorization"], format!("Bearer {t2}"));

    // A PUT with a small body (a known length up to 64 KiB) is kept and sent again: the
    // API refuses the token once and gets the same body with a newer one.
    let small = "{\"name\": \"sample 7\", \"tags\": [\"a\", \"b\"]}";
    let put = http
        .put(format!("{base}once401/small"))
        .header("content-type", "application/json")
        .body(small)
        .send()
        .expect("PUT small");
    let status = put.status();
    let echoed = put.text().expect("body");
    assert_eq!(
        status, 200,
        "the PUT was retried with a newer token: {echoed}"
    );
    assert_eq!(echoed, small, "the API got the same body the second time");
    assert_eq!(up.requests("/api/once401/small"), 2, "two tries");
    let t3 = token(&env, "up");
    assert_ne!(t3, t2, "the account's token was refreshed");
    // A 1 MiB PUT streams through and is sent once: the API's 401 reaches the client.
    let large: Vec<u8> = (0..1024 * 1024).map(pattern).collect();
    let put = http
        .put(format!("{base}once401/large"))
        .body(large)
        .send()
        .expect("PUT large");
    assert_eq!(put.status(), 401, "not retried");
    assert_eq!(up.requests("/api/once401/large"), 1, "one try");
    assert_eq!(token(&env, "up"), t3, "no refresh for it");

    // Under `docs/` only Swagger UI's own file names are answered, by the proxy: any
    // other name, or a path that climbs out with `..`, is a 404 and never reaches the API.
    for name in [
        "index.html",
        "swagger-ui-bundle.js.map",
        "swagger-ui.css.gz",
        "VERSION",
        "LICENSE",
    ] {
        let r = http.get(format!("{base}docs/{name}")).send().expect("GET");
        assert_eq!(r.status(), 404, "docs/{name}");
        assert_eq!(
            up.requests(&format!("/api/docs/{name}")),
            0,
            "docs/{name} went upstream"
        );
    }
    let key_path = base
        .trim_start_matches("http://")
        .split_once('/')
        .expect("path")
        .1;
    let whoami = up.requests("/api/whoami");
    for path in [
        "docs/../../etc/passwd",
        "../../etc/passwd",
        "%2E%2e/whoami",
        "docs/%2e%2e/%2e%2e/etc/passwd",
        "docs/../whoami",
    ] {
        let status = raw_get(base, &format!("/{key_path}{path}"));
        assert!(status.starts_with("HTTP/1.1 404"), "{path}: {status}");
    }
    for outside in ["/etc/passwd", "/whoami"] {
        assert_eq!(
            up.requests(outside),
            0,
            "a path out of the API base reached it"
        );
    }
    assert_eq!(
        up.requests("/api/whoami"),
        whoami,
        "docs/../whoami reached the API"
    );

    // Redirects are passed on, never followed: under the API base to the proxy, else as is.
    let to_api = format!("{}/api/whoami?x=1", up.origin);
    let r = http
        .get(format!("{base}redirect"))
        .query(&[("to", to_api.as_str())])
        .send()
        .expect("GET redirect");
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], format!("{base}whoami?x=1"));
    let r = http
        .get(format!("{base}redirect"))
        .query(&[("to", "http://elsewhere.invalid/x")])
        .send()
        .expect("GET redirect");
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "http://elsewhere.invalid/x");

    // A Unix socket: 0600 in a 0700 directory; the path is the first line; no key.
    let socket = env.dir("sockets").join("up.sock");
    let (mut child, first, _) =
        start_proxy(&env, &["up", "--socket", socket.to_str().expect("utf-8")]);
    assert_eq!(first, socket.to_str().expect("utf-8"));
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&socket), 0o600);
    assert_eq!(mode(&env.dir("sockets")), 0o700);
    let mut stream = std::os::unix::net::UnixStream::connect(&socket).expect("connect");
    stream
        .write_all(b"GET /whoami HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer forged\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(&format!("Bearer {t3}")), "{answer}");
    // Ctrl-C: a clean stop that removes the socket.
    interrupt(child.id());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the proxy did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit after Ctrl-C: {status:?}");
    assert!(!socket.exists(), "the socket is removed");

    // After a logout: 401 with what to do, and the API never sees a request.
    env.ok(&["logout", "up"], "");
    let r = http.get(format!("{base}whoami")).send().expect("GET");
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().expect("a JSON body");
    assert_eq!(body["error"], "login_required", "{body}");
    assert!(
        body["message"].as_str().expect("message").contains("up"),
        "{body}"
    );
    assert!(
        body["hint"]
            .as_str()
            .expect("hint")
            .contains("authdeck login up"),
        "{body}"
    );

    let log = proxy.stderr.lock().expect("lock").clone();
    for t in [&t1, &t2, &t3] {
        assert!(
            !log.contains(t.as_str()),
            "a token in the proxy's log: {log}"
        );
    }
    drop(proxy.process);
}

/// The status line of `GET <path>` sent as is (no client normalising `..`) to the proxy at
/// `base` (`http://127.0.0.1:<port>/<key>/`).
fn raw_get(base: &str, path: &str) -> String {
    let authority = base
        .trim_start_matches("http://")
        .split_once('/')
        .expect("authority")
        .0;
    let mut stream = std::net::TcpStream::connect(authority).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer.lines().next().unwrap_or_default().to_owned()
}

/// Short, so that the expiry is reached within the test (the proxy fetches the token at
/// each Execute, so a slow Chromium start does not matter).
const JOURNEY_TTL: Duration = Duration::from_secs(6);

/// The Swagger journey through the proxy's docs page, for one service: Execute gives 200
/// with no Authorize step; after the token expired at the API the next Execute still gives
/// 200 (the proxy refreshed); after `authdeck logout`, 401 with what to do on the page.
fn swagger_through_the_proxy(demo: &Demo, env: &Env, id: &str, api_path: &str, journey: &Journey) {
    let proxy = Proxy::start(env, &[id, "--min-valid", "1"]);
    let page = format!("{}docs", proxy.url);
    let artifacts = &journey.artifacts;
    for step in ["1-page", "3-response", "failed"] {
        for run in ["1", "2-refreshed", "3-logged-out"] {
            let _ = std::fs::remove_file(artifacts.join(format!("proxy-{id}-{run}-{step}.png")));
        }
    }
    let first = journey.run_without_authorize(&page, &format!("proxy-{id}-1"));
    assert!(
        !first.authorize_button,
        "{id}: no Authorize button: {first:?}"
    );
    assert!(
        !first.sent_authorization,
        "{id}: the page holds no token: {first:?}"
    );
    assert_eq!(
        first.status, 200,
        "{id}: Execute through the proxy: {first:?}"
    );

    let t1 = token(env, id);
    let expired = eventually(JOURNEY_TTL * 4, || {
        (demo.get_status(api_path, Some(&t1)) == 401).then_some(())
    });
    assert!(
        expired.is_some(),
        "{id}: the token never expired at the API"
    );
    let second = journey.run_without_authorize(&page, &format!("proxy-{id}-2-refreshed"));
    assert_eq!(second.status, 200, "{id}: Execute after expiry: {second:?}");
    assert_ne!(token(env, id), t1, "{id}: the proxy refreshed the token");

    env.ok(&["logout", id], "");
    let third = journey.run_without_authorize(&page, &format!("proxy-{id}-3-logged-out"));
    assert_eq!(third.status, 401, "{id}: Execute after logout: {third:?}");
    assert!(
        third.body.contains(&format!("authdeck login {id}")),
        "{id}: the page shows what to do: {third:?}"
    );
    let log = proxy.stderr.lock().expect("lock").clone();
    assert!(!log.contains(&t1), "{id}: a token in the proxy's log");
}

#[test]
fn swagger_ui_through_the_proxy_needs_no_authorize_for_autolab_and_nomad() {
    let demo = Demo::start(DemoConfig {
        access_ttl: Some(JOURNEY_TTL),
        autolab_poll_min_interval: Duration::from_secs(1),
        autolab_init_min_interval: Duration::from_millis(100),
        ..DemoConfig::default()
    });
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "autolab",
            "--preset",
            "autolab",
            "--set",
            &format!("base_url={}/autolab", demo.base),
            "--set",
            &format!("client_id={}", creds::AUTOLAB_CLIENT_ID),
            "--set",
            &format!("docs_url={}/autolab/docs", demo.base),
            "--client-secret-stdin",
        ],
        &format!("{}\n", creds::AUTOLAB_CLIENT_SECRET),
    );
    let mut login = crate::seeds::autolab_login(&env, &demo, "default", true);
    assert!(login.wait().expect("wait").success(), "autolab login");
    add_nomad(&env, &demo, "nomad", &format!("{}/nomad/api", demo.base));

    // Autolab's page offers only OAuth2 (no box to paste a token into, swagger-ui #5320).
    let autolab = Journey {
        scheme: String::new(),
        method: "get".into(),
        path: "/user".into(),
        artifacts: artifacts_dir(),
    };
    swagger_through_the_proxy(&demo, &env, "autolab", "/autolab/api/v1/user", &autolab);
    let nomad = Journey {
        path: "/uploads".into(),
        ..autolab
    };
    swagger_through_the_proxy(&demo, &env, "nomad", "/nomad/api/v1/uploads", &nomad);
}
