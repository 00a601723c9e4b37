//! A provider that fails in every way we know of: the user gets a clear error, the exit
//! code says "provider or network", and the stored token and state are unchanged.

use authdeck_e2e::faults::{Fault, FaultServer};
use authdeck_e2e::{Env, Provider};

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
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("access denied") || out.stderr.contains("refused"),
        "{}",
        out.stderr
    );
}
