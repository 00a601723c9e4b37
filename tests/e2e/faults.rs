//! A provider that fails in every way we know of: the user gets a clear error, the exit
//! code says "provider or network", and the stored token and state are unchanged.

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use authdeck_e2e::faults::{Fault, FaultServer, SelfSignedServer};
use authdeck_e2e::{Env, Provider};

pub(crate) mod local;
mod state_write;

/// A client-credentials service logged in against the real provider, then pointed at a
/// fault server (only its token URL changes), so a forced renewal hits the fault.
fn logged_in_then_broken(p: &Provider, env: &Env, fault_url: &str) -> (String, Vec<u8>) {
    env.ok(
        &[
            "service",
            "add",
            "svc",
            "--token-url",
            &format!("{}/token", p.issuer),
            "--client-id",
            "machine-basic",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        "machine-basic-secret\n",
    );
    let token = env.ok(&["token", "svc"], "").trim_end().to_owned();
    env.ok(
        &[
            "service",
            "add",
            "svc",
            "--replace",
            "--token-url",
            fault_url,
            "--client-id",
            "machine-basic",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        "machine-basic-secret\n",
    );
    let state =
        std::fs::read(env.dir("state").join("accounts/svc/default.json")).expect("state file");
    (token, state)
}

fn assert_unchanged(env: &Env, token: &str, state: &[u8]) {
    assert_eq!(
        env.keyring_lookup("svc/default/access_token").as_deref(),
        Some(token),
        "stored token changed"
    );
    let now =
        std::fs::read(env.dir("state").join("accounts/svc/default.json")).expect("state file");
    assert_eq!(now, state, "state file changed");
    // The old token is still handed out while it is valid.
    assert_eq!(env.ok(&["token", "svc"], "").trim_end(), token);
}

#[test]
fn provider_faults_give_clear_errors_and_change_nothing() {
    let p = Provider::start(&[]);
    let cases = [
        (Fault::ServerErrorHtml, "HTTP 500 (text/html)"),
        (Fault::TruncatedJson, "truncated JSON"),
        (Fault::Oversized, "larger than 1024 KiB"),
        (Fault::Reset, "could not reach the token endpoint"),
        (Fault::InvalidGrant, "invalid_grant"),
        (Fault::BadGatewayHtml, "HTTP 502 (text/html"),
        (
            Fault::WrongContentType,
            "HTTP 200 (text/html) instead of an OAuth JSON response",
        ),
        (Fault::Huge, "larger than 1024 KiB"),
    ];
    for (fault, expected) in cases {
        let env = Env::new();
        let server = FaultServer::start(fault);
        let (token, state) = logged_in_then_broken(&p, &env, &server.url);
        let out = env.run(&["token", "svc", "--min-valid", "999999"], "");
        assert_eq!(out.code, 4, "{fault:?}: {out:?}");
        assert!(out.stderr.contains(expected), "{fault:?}: {}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "{fault:?}: nothing on stdout on failure"
        );
        assert_unchanged(&env, &token, &state);
    }
}

#[test]
fn a_slow_provider_times_out_clearly() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let server = FaultServer::start(Fault::Silent);
    let (token, state) = logged_in_then_broken(&p, &env, &server.url);
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_HTTP_TIMEOUT", "1");
    let out = env.run_with(cmd, &["token", "svc", "--min-valid", "999999"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("did not answer within 1 s"),
        "{}",
        out.stderr
    );
    assert_unchanged(&env, &token, &state);
}

#[test]
fn unreachable_provider_is_a_network_error() {
    let env = Env::new();
    let (listener, port) = authdeck_e2e::occupy_port();
    drop(listener); // nothing listens there now
    env.ok(
        &[
            "service",
            "add",
            "gone",
            "--token-url",
            &format!("http://127.0.0.1:{port}/token"),
            "--client-id",
            "x",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
        ],
        "s3cret-value\n",
    );
    let out = env.run(&["login", "gone"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("could not reach the token endpoint at http://127.0.0.1"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cret-value"));
}

#[test]
fn all_loopback_ports_busy_is_a_clear_error() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let (_a, port) = authdeck_e2e::occupy_port();
    env.ok(
        &[
            "service",
            "add",
            "busy",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "auth-code",
            "--port",
            &port.to_string(),
        ],
        "",
    );
    let out = env.run(&["login", "busy"], "");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{}",
        out.stderr
    );
}

#[test]
fn a_browser_that_never_comes_back_times_out() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "slow",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "auth-code",
        ],
        "",
    );
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_BROWSER", "true");
    let out = env.run_with(cmd, &["login", "slow", "--timeout", "1", "--json"], "");
    assert_eq!(out.code, 4, "{out:?}");
    let last: serde_json::Value =
        serde_json::from_str(out.stdout.lines().last().expect("line")).expect("json");
    assert_eq!(last["event"], "error");
    assert!(
        last["message"]
            .as_str()
            .expect("msg")
            .contains("no answer from the browser"),
        "{last}"
    );
    assert_eq!(
        env.run(&["token", "slow"], "").code,
        3,
        "no token after an abandoned login"
    );
}

#[test]
fn denied_in_the_browser() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "deny",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "auth-code",
            "--param",
            "login_hint=deny",
        ],
        "",
    );
    let out = env.run(&["login", "deny"], "");
    assert_eq!(out.code, 3, "consent denied: {out:?}");
    assert!(
        out.stderr.contains("refused in the browser")
            && out.stderr.contains("`authdeck login deny`"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unresolvable_host_is_a_network_error_and_changes_nothing() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let (token, state) =
        logged_in_then_broken(&p, &env, "http://authdeck-fault-test.invalid/token");
    let out = env.run(&["token", "svc", "--min-valid", "999999"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("could not reach the token endpoint at http://authdeck-fault-test.invalid"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert_unchanged(&env, &token, &state);
}

#[test]
fn a_self_signed_certificate_is_refused_and_changes_nothing() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let server = SelfSignedServer::start();
    let (token, state) = logged_in_then_broken(&p, &env, &server.url);
    let out = env.run(&["token", "svc", "--min-valid", "999999"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("could not reach the token endpoint at https://localhost:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("certificate"), "{}", out.stderr);
    assert_eq!(server.handshakes(), 0, "no TLS session was established");
    assert_unchanged(&env, &token, &state);
}

/// A device-flow service whose endpoints are a fault server's.
fn device_service(env: &Env, server: &FaultServer) -> Vec<u8> {
    env.ok(
        &[
            "service",
            "add",
            "dev",
            "--token-url",
            &server.url,
            "--device-url",
            &server.device_url,
            "--client-id",
            "x",
            "--flow",
            "device",
        ],
        "",
    );
    std::fs::read(env.dir("config").join("services.toml")).expect("config")
}

fn assert_device_login_left_nothing(env: &Env, config: &[u8]) {
    assert!(env.keyring_users().is_empty(), "{:?}", env.keyring_users());
    assert_eq!(
        std::fs::read(env.dir("config").join("services.toml")).expect("config"),
        config,
        "config changed"
    );
    assert_eq!(
        env.run(&["token", "dev"], "").code,
        3,
        "login still required"
    );
}

#[test]
fn a_storm_of_slow_down_backs_off_until_the_code_expires() {
    let env = Env::new();
    let server = FaultServer::start(Fault::SlowDownStorm);
    let config = device_service(&env, &server);
    let started = Instant::now();
    let out = env.run(&["login", "dev"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("the device code expired"),
        "{}",
        out.stderr
    );
    // interval 1 s, +5 s per slow_down, code valid 8 s: polls at 1 s and 7 s, then the
    // next (at 18 s) would be past the expiry, so it gives up without polling again.
    let polls = server.token_requests();
    assert!(
        (1..=2).contains(&polls),
        "{polls} polls: slow_down not honoured"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_device_login_left_nothing(&env, &config);
}

#[test]
fn an_expired_device_code_is_a_clear_error() {
    let env = Env::new();
    let server = FaultServer::start(Fault::DeviceExpires);
    let config = device_service(&env, &server);
    let out = env.run(&["login", "dev", "--json"], "");
    assert_eq!(out.code, 4, "{out:?}");
    let last: serde_json::Value =
        serde_json::from_str(out.stdout.lines().last().expect("line")).expect("json");
    assert_eq!(last["event"], "error", "{last}");
    assert!(
        last["message"]
            .as_str()
            .expect("message")
            .contains("the device code expired before it was approved"),
        "{last}"
    );
    assert!(server.token_requests() >= 1);
    assert_device_login_left_nothing(&env, &config);
}

#[test]
fn a_cancelled_login_exits_130_and_stores_nothing() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "cancel",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "auth-code",
        ],
        "",
    );
    let config = std::fs::read(env.dir("config").join("services.toml")).expect("config");
    // The first login fetches the provider's metadata before it opens the browser; the
    // second has it cached, so it opens the browser without waiting on anything first.
    for attempt in ["first", "second, metadata cached"] {
        let mut cmd = env.authdeck();
        // A short timeout: if the Ctrl-C were lost, the login ends (and the test fails) soon.
        cmd.env("AUTHDECK_BROWSER", "true")
            .args(["login", "cancel", "--json", "--timeout", "30"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn login");
        let _watchdog = authdeck_e2e::Watchdog::new(child.id(), Duration::from_secs(60));
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        authdeck_e2e::wait_for_event(&mut lines, "open_browser");
        // Ctrl-C, as a terminal sends it: at once, while the browser is only just opening.
        authdeck_e2e::interrupt(child.id());
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(130), "{attempt}: {rest:?} {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            rest.iter().any(|l| l.contains("cancel")) || stderr.contains("cancel"),
            "{attempt}: {rest:?} {stderr}"
        );
        assert!(env.keyring_users().is_empty(), "{:?}", env.keyring_users());
        assert_eq!(
            std::fs::read(env.dir("config").join("services.toml")).expect("config"),
            config
        );
    }
    assert_eq!(env.run(&["token", "cancel"], "").code, 3);
}
