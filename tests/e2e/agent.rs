//! `authdeck agent`: tokens served from memory on a user-only socket, with the keyring
//! out of reach of the CLI process, refreshes through the agent, the fallback without an
//! agent, and a refused other user.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use authdeck_e2e::{eventually, Env, Outcome, Provider, StopOnDrop};

/// A running `authdeck agent`; stopped with SIGTERM when dropped.
struct Agent(StopOnDrop);

impl Agent {
    fn start(mut cmd: Command, socket: &Path) -> Agent {
        let child = cmd
            .arg("agent")
            .env("AUTHDECK_AGENT_SOCKET", socket)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn authdeck agent");
        let agent = Agent(StopOnDrop::new(child));
        let up = eventually(Duration::from_secs(10), || {
            std::os::unix::net::UnixStream::connect(socket).ok()
        });
        assert!(
            up.is_some(),
            "the agent did not start on {}",
            socket.display()
        );
        agent
    }

    fn stop(&mut self) {
        self.0.stop();
    }
}

/// `authdeck token …` with the agent's socket, debug logs, and (if `keyring` is false)
/// no D-Bus session, so the keyring cannot be reached from this process.
fn token(env: &Env, socket: &Path, args: &[&str], keyring: bool) -> Outcome {
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_AGENT_SOCKET", socket)
        .env("AUTHDECK_LOG", "authdeck=debug,authdeck_core=debug");
    if !keyring {
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
    }
    let mut all = vec!["token"];
    all.extend_from_slice(args);
    env.run_with(cmd, &all, "")
}

#[test]
fn agent_serves_and_refreshes_tokens_without_the_cli_touching_the_keyring() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.logged_in_password(&p, "pw");
    let socket = env.dir("run").join("agent.sock");

    // No agent: the CLI reads the keyring itself.
    let out = token(&env, &socket, &["pw"], true);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("no agent"), "{out:?}");
    let t0 = out.stdout.trim_end().to_owned();

    let mut agent = Agent::start(env.authdeck(), &socket);
    let mode = std::fs::metadata(&socket)
        .expect("socket")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "socket mode");

    // The agent answers; the CLI has no D-Bus session at all.
    let out = token(&env, &socket, &["pw"], false);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("served by the agent"), "{out:?}");
    assert_eq!(out.stdout.trim_end(), t0);
    // Without a log asked for, the `authdeck` front answers itself, in every format it
    // prints (a wrong token or format here would be the front's).
    for (args, want) in [
        (&["pw"][..], t0.clone()),
        (&["pw", "--format", "bearer"], format!("Bearer {t0}")),
        (
            &["--format=header", "pw", "--min-valid", "5"],
            format!("Authorization: Bearer {t0}"),
        ),
    ] {
        let mut cmd = env.authdeck();
        cmd.env("AUTHDECK_AGENT_SOCKET", &socket)
            .env_remove("AUTHDECK_LOG")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
        let out = env.run_with(cmd, &[&["token"][..], args].concat(), "");
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        assert_eq!(out.stdout, format!("{want}\n"), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    }
    // The same without the agent fails with the keyring error: the token above came
    // from the agent, not from a keyring this process could reach.
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_AGENT", "0")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY");
    let out = env.run_with(cmd, &["token", "pw"], "");
    assert_eq!(out.code, 5, "{out:?}");

    // A refresh through the agent (the token is never valid 999999 s more): rotation stored.
    let out = token(&env, &socket, &["pw", "--min-valid", "999999"], false);
    assert_eq!(out.code, 0, "{out:?}");
    let t1 = out.stdout.trim_end().to_owned();
    assert_ne!(t1, t0, "a refreshed token");
    assert_eq!(
        env.keyring_lookup("pw/default/access_token"),
        Some(t1.clone())
    );
    let out = token(&env, &socket, &["pw", "--format", "header"], false);
    assert_eq!(out.stdout.trim_end(), format!("Authorization: Bearer {t1}"));

    // The agent stops cleanly and removes its socket; the CLI falls back to the keyring.
    agent.stop();
    assert!(!socket.exists(), "socket left behind");
    let out = token(&env, &socket, &["pw"], true);
    assert_eq!(
        (out.code, out.stdout.trim_end()),
        (0, t1.as_str()),
        "{out:?}"
    );

    // A logout by another process is seen at once: the agent serves no stale token.
    let _agent = Agent::start(env.authdeck(), &socket);
    assert_eq!(token(&env, &socket, &["pw"], false).code, 0);
    env.ok(&["logout", "pw"], "");
    let out = token(&env, &socket, &["pw"], false);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("authdeck login pw"), "{out:?}");
    for secret in [&t0, &t1] {
        assert!(env.files_containing(secret).is_empty(), "token on disk");
    }
}

#[test]
fn agent_refuses_another_user() {
    if Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout != b"0\n")
        .unwrap_or(true)
        || Command::new("setpriv").arg("--version").output().is_err()
    {
        eprintln!("skipped: needs root and setpriv to run an agent as another user");
        return;
    }
    let env = Env::new();
    // A directory `nobody` can reach, holding the agent's own 0700 directory.
    let base = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o711)).expect("chmod");
    let dir = base.path().join("agent");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let status = Command::new("chown")
        .args(["nobody:nogroup", dir.to_str().expect("utf-8")])
        .status()
        .expect("chown");
    assert!(status.success());
    let socket = dir.join("agent.sock");
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(authdeck_e2e::authdeck_bin())
        .env("AUTHDECK_CONFIG_DIR", dir.join("config"))
        .env("AUTHDECK_STATE_DIR", dir.join("state"))
        .env("AUTHDECK_CACHE_DIR", dir.join("cache"))
        .env("AUTHDECK_KEYRING_NAMESPACE", &env.namespace)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::null());
    let _agent = Agent::start(cmd, &socket);

    // Root may open the socket (file modes do not stop it): SO_PEERCRED does.
    // The agent answers a foreign peer at once, before reading anything, and
    // closes: read its refusal first, then a request must find no one listening.
    let mut stream = std::os::unix::net::UnixStream::connect(&socket).expect("connect");
    let mut reply = String::new();
    BufReader::new(&stream).read_line(&mut reply).expect("read");
    assert!(
        reply.starts_with("err\tlocal\tthe agent serves its own user only"),
        "{reply:?}"
    );
    let mut rest = String::new();
    let served = stream
        .write_all(b"token\tpw\t\t0\n")
        .and_then(|()| BufReader::new(&stream).read_line(&mut rest));
    assert!(
        matches!(served, Err(_) | Ok(0)),
        "a refused peer got an answer: {rest:?}"
    );

    // The CLI does not trust another user's agent: it says so and reads the keyring.
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_AGENT_SOCKET", &socket);
    let out = env.run_with(cmd, &["token", "pw"], "");
    assert!(out.stderr.contains("not using the agent"), "{out:?}");
    assert_eq!(out.code, 2, "no service 'pw' in this environment: {out:?}");
}

/// SIGTERM while the agent is refreshing: it finishes the refresh (the provider has
/// already spent the old refresh token) and stores the rotated one before it exits, and
/// the waiting CLI gets its token. Cut off instead, the account would need a new login.
#[test]
fn a_stopped_agent_finishes_the_refresh_under_way() {
    let p = Provider::start(&[("REFRESH_ANSWER_DELAY_MS", "3000")]);
    let env = Env::new();
    // A browser login: no stored password to fall back on if the refresh token is lost.
    env.logged_in_auth_code(&p, "rot");
    let socket = env.dir("run").join("agent.sock");
    let before = env
        .keyring_lookup("rot/default/refresh_token")
        .expect("refresh token");
    assert_eq!(p.introspect(&before)["active"], true);
    let mut agent = Agent::start(env.authdeck(), &socket);

    // A refresh through the agent (`--min-valid` longer than the token lives).
    let mut cli = env.authdeck();
    cli.env("AUTHDECK_AGENT_SOCKET", &socket)
        .args(["token", "rot", "--min-valid", "99999999"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let cli = cli.spawn().expect("spawn authdeck token");
    // Stop the agent while the provider holds its answer back: the grant is done (the
    // old refresh token spent), the answer not yet sent.
    let refreshed = || p.grants()["success"]["refresh_token"].as_u64().unwrap_or(0) >= 1;
    let granted = eventually(Duration::from_secs(20), || refreshed().then_some(()));
    assert!(granted.is_some(), "the refresh never reached the provider");
    assert_eq!(p.introspect(&before)["active"], false, "not spent yet");
    agent.stop();

    let out = cli.wait_with_output().expect("authdeck token");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let token = String::from_utf8_lossy(&out.stdout).trim_end().to_owned();
    assert_eq!(p.introspect(&token)["active"], true, "{stderr}");
    let after = env
        .keyring_lookup("rot/default/refresh_token")
        .expect("refresh token");
    assert_ne!(after, before, "the rotated refresh token was not stored");
    assert_eq!(
        p.grants()["error"],
        serde_json::json!({}),
        "a spent refresh token was sent again"
    );
    assert_eq!(
        p.introspect(&after)["active"],
        true,
        "the keyring's refresh token is not the provider's current one"
    );
}

/// API-key services whose keys travel in a header, a cookie and the query string.
const API_KEY_SERVICES: &str = r#"
[services.hdr]
flow = "api-key"
[services.hdr.swagger]
scheme = "api-key"
param = "X-Demo-Key"
in = "header"

[services.ck]
flow = "api-key"
[services.ck.swagger]
scheme = "api-key"
param = "sid"
in = "cookie"

[services.qry]
flow = "api-key"
[services.qry.swagger]
scheme = "api-key"
param = "api_key"
in = "query"

[services.plain]
flow = "api-key"
"#;

/// An environment whose `services.toml` is `services`, with the pasted key
/// `key-<id>-1` stored for each service of `ids`.
fn with_pasted_keys(services: &str, ids: &[&str]) -> Env {
    let env = Env::new();
    let config = env.dir("config");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o700)).expect("mode");
    std::fs::write(config.join("services.toml"), services).expect("services.toml");
    for id in ids {
        env.ok(&["login", id, "--token-stdin"], &format!("key-{id}-1\n"));
    }
    env
}

/// `authdeck token --format header` of an API key prints the key's own header line (a
/// cookie's as a `Cookie:` line), read from the keyring or served by the agent alike,
/// through the `authdeck` front; a key sent in the query string has no header line: exit
/// 2, and the key is not shown.
#[test]
fn an_api_keys_header_format_is_the_keys_own_header() {
    let env = with_pasted_keys(API_KEY_SERVICES, &["hdr", "ck", "qry", "plain"]);
    let socket = env.dir("run").join("agent.sock");
    let check = |how: &str| {
        for (id, want) in [
            ("hdr", "X-Demo-Key: key-hdr-1"),
            ("ck", "Cookie: sid=key-ck-1"),
            ("plain", "X-API-Key: key-plain-1"),
        ] {
            let mut cmd = env.authdeck();
            cmd.env("AUTHDECK_AGENT_SOCKET", &socket);
            let out = env.run_with(cmd, &["token", id, "--format", "header"], "");
            assert_eq!(
                (out.code, out.stdout.as_str()),
                (0, format!("{want}\n").as_str()),
                "{how}, {id}: {out:?}"
            );
        }
        let mut cmd = env.authdeck();
        cmd.env("AUTHDECK_AGENT_SOCKET", &socket);
        let out = env.run_with(cmd, &["token", "qry", "--format", "header"], "");
        assert_eq!(out.code, 2, "{how}: {out:?}");
        assert!(out.stdout.is_empty(), "{how}: {out:?}");
        assert!(
            out.stderr.contains("query parameter 'api_key'"),
            "{how}: {out:?}"
        );
        assert!(!out.stderr.contains("key-qry-1"), "{how}: {out:?}");
    };
    check("without an agent");
    let _agent = Agent::start(env.authdeck(), &socket);
    // Served by the agent: this process cannot reach the keyring.
    let out = token(&env, &socket, &["hdr", "--format", "header"], false);
    assert_eq!(out.stdout, "X-Demo-Key: key-hdr-1\n", "{out:?}");
    assert!(out.stderr.contains("served by the agent"), "{out:?}");
    check("with the agent");
}

/// Services whose curl lines differ: an API key in a header and in the query string, a
/// pasted bearer token, and one without an API base URL.
const CURL_SERVICES: &str = r#"
[services.hdr]
flow = "api-key"
api_base = "https://api.test/v1"
[services.hdr.swagger]
scheme = "api-key"
param = "X-Demo-Key"
in = "header"

[services.qry]
flow = "api-key"
api_base = "https://api.test/v1"
[services.qry.swagger]
scheme = "api-key"
param = "api_key"
in = "query"

[services.tok]
flow = "bearer"
api_base = "https://api.test/v1"

[services.nobase]
flow = "bearer"
"#;

/// `authdeck token --format curl` prints a curl line that calls the service's API base
/// URL with the token where the API takes it, read from the keyring or served by the
/// agent alike, through the `authdeck` front; a service without an API base URL: exit
/// 2 with what to do, nothing on stdout, the token not shown.
#[test]
fn the_curl_format_calls_the_services_api_base() {
    let env = with_pasted_keys(CURL_SERVICES, &["hdr", "qry", "tok", "nobase"]);
    let socket = env.dir("run").join("agent.sock");
    let check = |how: &str| {
        for (id, want) in [
            (
                "hdr",
                "curl -H 'X-Demo-Key: key-hdr-1' 'https://api.test/v1'",
            ),
            ("qry", "curl 'https://api.test/v1?api_key=key-qry-1'"),
            (
                "tok",
                "curl -H 'Authorization: Bearer key-tok-1' 'https://api.test/v1'",
            ),
        ] {
            let mut cmd = env.authdeck();
            cmd.env("AUTHDECK_AGENT_SOCKET", &socket);
            let out = env.run_with(cmd, &["token", id, "--format", "curl"], "");
            assert_eq!(
                (out.code, out.stdout.as_str()),
                (0, format!("{want}\n").as_str()),
                "{how}, {id}: {out:?}"
            );
        }
        let mut cmd = env.authdeck();
        cmd.env("AUTHDECK_AGENT_SOCKET", &socket);
        let out = env.run_with(cmd, &["token", "nobase", "--format", "curl"], "");
        assert_eq!(out.code, 2, "{how}: {out:?}");
        assert!(out.stdout.is_empty(), "{how}: {out:?}");
        assert!(out.stderr.contains("no API base URL"), "{how}: {out:?}");
        assert!(out.stderr.contains("api_base"), "{how}: {out:?}");
        assert!(!out.stderr.contains("key-nobase-1"), "{how}: {out:?}");
    };
    check("without an agent");
    let _agent = Agent::start(env.authdeck(), &socket);
    // Served by the agent: this process cannot reach the keyring.
    let out = token(&env, &socket, &["tok", "--format", "curl"], false);
    assert_eq!(
        out.stdout, "curl -H 'Authorization: Bearer key-tok-1' 'https://api.test/v1'\n",
        "{out:?}"
    );
    assert!(out.stderr.contains("served by the agent"), "{out:?}");
    check("with the agent");
}
