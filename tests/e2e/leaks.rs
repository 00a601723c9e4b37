//! Error messages carry no secret, even when the provider echoes them back: a token
//! endpoint that quotes the request (refresh token, client secret — in the form or the
//! Basic header —, password) in `error_description`, in the `error` code itself or in an
//! HTML error page; a config file with a secret where it does not belong. Every CLI run
//! here has debug logs and `RUST_BACKTRACE=1` on, and its stdout and stderr are searched
//! for every secret in every form it was sent in (as is, form-urlencoded, Basic base64),
//! as are `authdeck log`'s output and every file (the account's activity keeps the
//! provider's scrubbed answer).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use authdeck_e2e::{Env, Outcome, Provider};

#[derive(Debug, Clone, Copy)]
enum Echo {
    /// 400, `{"error":"invalid_request","error_description":"<request>"}`.
    Description,
    /// 400, `invalid_grant` with the request as description (a password account then
    /// re-fetches with its password, which is echoed too).
    InvalidGrant,
    /// 400, `{"error":"<request>"}`.
    Code,
    /// 500, an HTML debug page quoting the request.
    Html,
}

/// A token endpoint that echoes every request back in its error answer; it keeps what
/// it received, to prove the secrets were there to leak.
struct EchoServer {
    url: String,
    seen: Arc<Mutex<String>>,
}

impl EchoServer {
    fn start(mode: Echo) -> EchoServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://127.0.0.1:{}/token",
            listener.local_addr().expect("addr").port()
        );
        let seen = Arc::new(Mutex::new(String::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                // Read the head and a body of Content-Length bytes.
                loop {
                    let n = stream.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).into_owned();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let request = String::from_utf8_lossy(&buf).into_owned();
                log.lock().expect("log").push_str(&request);
                // The interesting parts first (a description is shortened to 300 chars).
                let (head, body) = request.split_once("\r\n\r\n").unwrap_or((&request, ""));
                let auth = head
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                    .unwrap_or_default();
                let echo = format!("{auth} {body} {}", head.lines().next().unwrap_or_default());
                let json = |v: serde_json::Value| v.to_string();
                let (status, ct, answer) = match mode {
                    Echo::Description => (
                        "400 Bad Request",
                        "application/json",
                        json(
                            serde_json::json!({"error": "invalid_request", "error_description": echo}),
                        ),
                    ),
                    Echo::InvalidGrant => (
                        "400 Bad Request",
                        "application/json",
                        json(
                            serde_json::json!({"error": "invalid_grant", "error_description": echo}),
                        ),
                    ),
                    Echo::Code => (
                        "400 Bad Request",
                        "application/json",
                        json(serde_json::json!({ "error": echo })),
                    ),
                    Echo::Html => (
                        "500 Internal Server Error",
                        "text/html",
                        format!("<html><body><h1>Error</h1><pre>{request}</pre></body></html>"),
                    ),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        EchoServer { url, seen }
    }

    fn seen(&self) -> String {
        self.seen.lock().expect("log").clone()
    }
}

/// Standard base64 (with padding), as Basic credentials use it.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every form a secret travels in: as is, form-urlencoded, and inside Basic credentials.
fn forms(secret: &str, client_id: &str) -> Vec<String> {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    vec![
        secret.to_owned(),
        enc(secret),
        base64(format!("{client_id}:{}", enc(secret)).as_bytes()),
    ]
}

fn run(env: &Env, args: &[&str], stdin: &str) -> Outcome {
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_LOG", "debug")
        .env("RUST_BACKTRACE", "1")
        .env("AUTHDECK_AGENT", "0");
    env.run_with(cmd, args, stdin)
}

fn assert_clean(what: &str, out: &Outcome, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !out.stderr.contains(secret.as_str()) && !out.stdout.contains(secret.as_str()),
            "{what}: a secret ({}…) in the output:\n{}\n{}",
            &secret[..4],
            out.stdout,
            out.stderr
        );
    }
}

fn password_service(env: &Env, id: &str, client: &str, auth: &str, token_url: &str) {
    let mut args = vec!["service", "add", id];
    if std::fs::read_to_string(env.dir("config").join("services.toml"))
        .is_ok_and(|t| t.contains(&format!("[services.{id}]")))
    {
        args.push("--replace");
    }
    args.extend([
        "--flow",
        "password",
        "--scope",
        "openid",
        "--token-url",
        token_url,
        "--client-id",
        client,
        "--client-auth",
        auth,
        "--client-secret-stdin",
        "--username",
        "alice",
        "--password-stdin",
    ]);
    let out = run(env, &args, &format!("{client}-secret\nalice-password\n"));
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn providers_echoing_secrets_do_not_put_them_in_messages() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let real = format!("{}/token", p.issuer);
    for (id, client, auth) in [
        ("pw-post", "conf-post", "post"),
        ("pw-basic", "conf-basic", "basic"),
    ] {
        password_service(&env, id, client, auth, &real);
        let out = run(&env, &["login", id], "");
        assert_eq!(out.code, 0, "{out:?}");
        for mode in [
            Echo::Description,
            Echo::InvalidGrant,
            Echo::Code,
            Echo::Html,
        ] {
            let rt = env
                .keyring_lookup(&format!("{id}/default/refresh_token"))
                .expect("refresh token");
            let at = env
                .keyring_lookup(&format!("{id}/default/access_token"))
                .expect("access token");
            let mut secrets = Vec::new();
            for s in [
                rt.as_str(),
                at.as_str(),
                &format!("{client}-secret"),
                "alice-password",
            ] {
                secrets.extend(forms(s, client));
            }
            let server = EchoServer::start(mode);
            password_service(&env, id, client, auth, &server.url);
            let out = run(&env, &["token", id, "--min-valid", "999999"], "");
            let what = format!("{id} {mode:?}");
            // invalid_grant to a password grant: the password was refused (exit 3).
            let exit = if matches!(mode, Echo::InvalidGrant) {
                3
            } else {
                4
            };
            assert_eq!(out.code, exit, "{what}: {out:?}");
            assert!(!out.stderr.trim().is_empty(), "{what}: no message");
            assert!(
                server.seen().contains(&rt),
                "{what}: the refresh token never reached the echo server"
            );
            assert_clean(&what, &out, &secrets);
            // The failure is in the account's activity, with the provider's answer
            // scrubbed: neither `authdeck log` nor the activity file holds a secret.
            let log = run(&env, &["log", id, "--json", "--limit", "1"], "");
            assert_eq!(log.code, 0, "{what}: {log:?}");
            assert!(log.stdout.contains(r#""ok":false"#), "{what}: {log:?}");
            assert_clean(&format!("{what}: authdeck log"), &log, &secrets);
            for secret in secrets.iter().filter(|s| s.len() >= 8) {
                let hits = env.files_containing(secret);
                assert!(
                    hits.is_empty(),
                    "{what}: a secret ({}…) in {hits:?}",
                    &secret[..4]
                );
            }
            if matches!(mode, Echo::InvalidGrant) {
                assert!(
                    server.seen().contains("alice-password"),
                    "{what}: the password was not re-sent"
                );
            }
            password_service(&env, id, client, auth, &real);
        }
    }
}

#[test]
fn a_secret_in_the_config_file_is_not_quoted_back() {
    let env = Env::new();
    let out = run(
        &env,
        &[
            "service",
            "add",
            "svc",
            "--token-url",
            "https://id.example.test/token",
            "--client-id",
            "c1",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
        ],
        "svc-secret-value\n",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let path = env.dir("config").join("services.toml");
    let good = std::fs::read_to_string(&path).expect("config");
    let secret = "cfg-secret-7Hq2ZpX9";
    let cases: [(&str, String); 5] = [
        (
            "a secret key",
            good.replacen(
                "[services.svc]\n",
                &format!("[services.svc]\nclient_secret = \"{secret}\"\n"),
                1,
            ),
        ),
        (
            "a secret as the flow",
            good.replacen(
                "flow = \"client-credentials\"",
                &format!("flow = \"{secret}\""),
                1,
            ),
        ),
        (
            "a secret as the client id's type",
            good.replacen(
                "client_id = \"c1\"",
                &format!("client_id = [\"{secret}\"]"),
                1,
            ),
        ),
        (
            "a secret as the scopes",
            good.replacen(
                "[services.svc]\n",
                &format!("[services.svc]\nscopes = \"{secret}\"\n"),
                1,
            ),
        ),
        (
            "a secret as the token URL",
            good.replacen("https://id.example.test/token", secret, 1),
        ),
    ];
    for (what, text) in cases {
        assert_ne!(text, good, "{what}: the case changed nothing");
        std::fs::write(&path, text).expect("write config");
        for args in [
            &["status"][..],
            &["token", "svc"],
            &["service", "show", "svc"],
        ] {
            let out = run(&env, args, "");
            assert_eq!(out.code, 2, "{what} {args:?}: {out:?}");
            assert!(
                out.stderr.contains("services.toml"),
                "{what}: {}",
                out.stderr
            );
            assert_clean(
                what,
                &out,
                &[secret.to_owned(), "svc-secret-value".to_owned()],
            );
        }
    }
}

/// Every `client_assertion` value in the requests an echo server saw.
fn assertions_in(seen: &str) -> Vec<String> {
    seen.split("client_assertion=")
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| c == '&' || c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|a| a.len() >= 8)
        .collect()
}

#[test]
fn echoed_client_assertions_and_private_keys_stay_out_of_messages() {
    let env = Env::new();
    for (i, mode) in [Echo::Description, Echo::Code, Echo::Html]
        .into_iter()
        .enumerate()
    {
        let server = EchoServer::start(mode);
        let (sj, pk) = (format!("sj{i}"), format!("pk{i}"));
        for (id, auth, stdin) in [
            (
                &sj,
                "client-secret-jwt",
                "jwt-secret-client-secret-of-32-bytes\n",
            ),
            (&pk, "private-key-jwt", ""),
        ] {
            let mut args = vec![
                "service",
                "add",
                id.as_str(),
                "--flow",
                "client-credentials",
                "--token-url",
                &server.url,
                "--client-id",
                "app",
                "--client-auth",
                auth,
            ];
            if !stdin.is_empty() {
                args.push("--client-secret-stdin");
            }
            let out = run(&env, &args, stdin);
            assert_eq!(out.code, 0, "{out:?}");
        }
        let generated = run(&env, &["key", "generate", &pk], "");
        assert_eq!(generated.code, 0, "{generated:?}");
        let pem = env.keyring_entry(&format!("{pk}/client_key")).expect("key");
        let mut secrets: Vec<String> = pem
            .lines()
            .filter(|l| !l.starts_with("-----") && !generated.stdout.contains(l))
            .map(str::to_owned)
            .collect();
        secrets.push("jwt-secret-client-secret-of-32-bytes".to_owned());
        let outs = [
            run(&env, &["login", &sj], ""),
            run(&env, &["login", &pk], ""),
        ];
        let assertions = assertions_in(&server.seen());
        assert_eq!(assertions.len(), 2, "{mode:?}: both sent an assertion");
        // Any 24 characters of an assertion's claims or signature count, so that a
        // message cut short (provider text is shortened) is caught as well.
        for a in &assertions {
            let (_header, rest) = a.split_once('.').expect("a JWT");
            let chars: Vec<char> = rest.chars().collect();
            secrets.extend(
                chars
                    .chunks(24)
                    .filter(|c| c.len() == 24)
                    .map(|c| c.iter().collect::<String>()),
            );
        }
        for out in &outs {
            let what = format!("{mode:?}");
            assert_ne!(out.code, 0, "{what}: {out:?}");
            assert!(!out.stderr.trim().is_empty(), "{what}: no message");
            assert_clean(&what, out, &secrets);
        }
    }
}

/// A token exchange whose provider echoes the request (the account's access token as
/// `subject_token`, the client secret) in its refusal: the refusal is reported, typed,
/// without either, and the activity keeps the scrubbed answer only.
#[test]
fn an_exchange_refusal_echoing_the_subject_token_keeps_it_out_of_messages() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let real = format!("{}/token", p.issuer);
    password_service(&env, "ex", "conf-post", "post", &real);
    let out = run(&env, &["login", "ex"], "");
    assert_eq!(out.code, 0, "{out:?}");
    let at = env
        .keyring_lookup("ex/default/access_token")
        .expect("access token");
    let mut secrets = forms(&at, "conf-post");
    secrets.extend(forms("conf-post-secret", "conf-post"));
    for mode in [Echo::Description, Echo::Code, Echo::Html] {
        let server = EchoServer::start(mode);
        password_service(&env, "ex", "conf-post", "post", &server.url);
        let out = run(
            &env,
            &[
                "token",
                "ex",
                "--exchange-for",
                "https://billing.example.test",
            ],
            "",
        );
        let what = format!("exchange {mode:?}");
        assert_ne!(out.code, 0, "{what}: {out:?}");
        assert!(!out.stderr.trim().is_empty(), "{what}: no message");
        assert!(
            server.seen().contains(&at),
            "{what}: the subject token never reached the echo server"
        );
        assert_clean(&what, &out, &secrets);
        let log = run(&env, &["log", "ex", "--json", "--limit", "1"], "");
        assert!(
            log.stdout.contains(r#""kind":"exchange""#),
            "{what}: {log:?}"
        );
        assert_clean(&format!("{what}: authdeck log"), &log, &secrets);
        for secret in secrets.iter().filter(|s| s.len() >= 8) {
            let hits = env.files_containing(secret);
            assert!(
                hits.is_empty(),
                "{what}: a secret ({}…) in {hits:?}",
                &secret[..4]
            );
        }
    }
}
