//! The desktop app keeps running under faults, through the real window (tauri-driver,
//! on an Xvfb display of its own so its clipboard is not shared with other tests), in
//! normal (not demo) mode against the real oidc-provider:
//!
//! - the token endpoint answers 502 with an HTML page, or not at all (timeout): Copy
//!   shows the error in the token panel, another account's Copy works meanwhile, and
//!   once the fault is gone the same Copy works; the failing account's keyring entries
//!   and state file are byte for byte unchanged;
//! - the refresh token was spent elsewhere (`invalid_grant` from the provider): the
//!   account is shown as needing a login, its dead tokens are gone from the keyring, the
//!   other accounts are untouched, and a login from the window works again;
//! - `services.toml` is corrupted while the app runs: the error names the file, nothing
//!   is written, and after the repair Copy works;
//! - the keyring is locked while the app runs (a private gnome-keyring): the error says
//!   to unlock it, the window still works, nothing is written; unlocked, Copy works.
//!
//! A refresh margin of an hour makes every Copy renew the token (so each Copy meets the
//! fault); the background refresh is slowed down to once an hour so it does not race
//! the checks.

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use authdeck_e2e::faults::{Fault, FaultServer};

use crate::faults::local::{snapshot, PrivateKeyring};
use crate::window::{click, desktop_bin, free_port, testid, wait_state, Driver};
use authdeck_e2e::{eventually, tests_dir, token_in_entry, Env, Provider};
use fantoccini::{Client, ClientBuilder};

/// Polls a script until it returns a non-empty string; that string.
pub(crate) async fn eventually_text(c: &Client, script: &str, what: &str) -> String {
    for _ in 0..400 {
        if let Ok(v) = c.execute(script, vec![]).await {
            if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
                return s.to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the window never showed {what}");
}

/// The copy error shown in the token panel (empty while hidden).
const COPY_ERROR: &str = "const e = document.querySelector(\"[data-testid='token-panel'] .copy-section .inline-error\"); return e && !e.hidden ? e.textContent.trim() : '';";

/// Selects `service`'s row, marks the notices already shown, clicks Copy and waits for the outcome:
/// `Ok(())` for the "Copied" notice, `Err(message)` for the panel's error.
pub(crate) async fn copy(c: &Client, service: &str) -> Result<(), String> {
    click(c, &format!("service-{service}")).await;
    testid(c, &format!("copy-raw-{service}")).await;
    c.execute(
        "document.querySelectorAll(\"[data-testid='notice']\").forEach(n => n.dataset.seen = '1'); \
         const e = document.querySelector(\"[data-testid='token-panel'] .copy-section .inline-error\"); if (e) { e.hidden = true; e.textContent = ''; } return true;",
        vec![],
    )
    .await
    .expect("reset notices");
    click(c, &format!("copy-raw-{service}")).await;
    let script = format!(
        "const err = (() => {{ {COPY_ERROR} }})(); if (err) return 'ERR ' + err; \
         return [...document.querySelectorAll(\"[data-testid='notice']\")].some(n => !n.dataset.seen && n.textContent.includes('Copied')) ? 'OK' : '';"
    );
    let outcome = eventually_text(c, &script, &format!("the outcome of copying {service}")).await;
    match outcome.strip_prefix("ERR ") {
        Some(e) => Err(e.to_owned()),
        None => Ok(()),
    }
}

/// The keyring entries (user, value) of one service, read with `secret-tool`.
fn entries_of(env: &Env, service: &str) -> Vec<(String, Option<String>)> {
    env.keyring_users()
        .into_iter()
        .filter(|u| u.starts_with(&format!("{service}/")))
        .map(|u| {
            let v = env.keyring_lookup(&u);
            (u, v)
        })
        .collect()
}

fn state_of(env: &Env, service: &str) -> Option<Vec<u8>> {
    std::fs::read(
        env.dir("state")
            .join(format!("accounts/{service}/default.json")),
    )
    .ok()
}

fn machine_service(env: &Env, id: &str, client: &str, auth: &str, token_url: &str) {
    env.ok(
        &[
            "service",
            "add",
            id,
            "--token-url",
            token_url,
            "--client-id",
            client,
            "--client-auth",
            auth,
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        &format!("{client}-secret\n"),
    );
    env.ok(&["login", id], "");
}

#[test]
fn the_desktop_app_shows_faults_and_keeps_working() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let p = Provider::start(&[]);
    let env = Env::new();
    let real = format!("{}/token", p.issuer);
    machine_service(&env, "svc", "machine-basic", "basic", &real);
    machine_service(&env, "other", "machine-post", "post", &real);
    env.logged_in_auth_code(&p, "rot");
    std::fs::write(
        env.dir("config").join("settings.toml"),
        "refresh_margin_secs = 3600\n",
    )
    .expect("settings");

    let (_driver, port) = start_driver(&env, &[]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let c = session(port).await;
        faults(&c, &p, &env, &real).await;
        let _ = c.close().await;
    });
}

/// tauri-driver on an Xvfb display of its own, for the app in `env` (plus `extra` env).
pub(crate) fn start_driver(env: &Env, extra: &[(&str, &str)]) -> (Driver, u16) {
    let (driver_port, native_port) = (free_port(), free_port());
    let _ = rustls::crypto::ring::default_provider().install_default();
    // A display of its own: Copy must not race other tests for the X clipboard.
    let mut driver = Command::new("xvfb-run");
    std::os::unix::process::CommandExt::process_group(&mut driver, 0);
    driver
        .args(["-a", "-s", "-screen 0 1280x800x24", "tauri-driver"])
        .args([
            "--port",
            &driver_port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(env.app_env())
        .env("AUTHDECK_HTTP_TIMEOUT", "4")
        .env("AUTHDECK_REFRESH_TICK_SECS", "3600")
        .env(
            "AUTHDECK_BROWSER",
            format!(
                "node {}",
                tests_dir().join("provider/browser.mjs").display()
            ),
        )
        .env("NO_AT_BRIDGE", "1")
        .env("GTK_USE_PORTAL", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in extra {
        driver.env(k, v);
    }
    let driver = Driver(driver.spawn().expect("start xvfb-run tauri-driver"));
    eventually(Duration::from_secs(30), || {
        TcpStream::connect(("127.0.0.1", driver_port)).ok()
    })
    .expect("tauri-driver listens");
    (driver, driver_port)
}

/// A WebDriver session: the app's window.
pub(crate) async fn session(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": desktop_bin() }),
    );
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session")
}

/// The keyring locked while the app runs (a private gnome-keyring on its own D-Bus
/// session, which the app is started on): Copy says the keyring is locked and how to
/// unlock it, the window still works (Settings opens), nothing is written, the entry is
/// still there; unlocked again, the same Copy works.
#[test]
fn the_desktop_app_reports_a_locked_keyring_and_keeps_working() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let keyring = PrivateKeyring::start();
    let env = Env::new();
    let run = |args: &[&str], stdin: &str| {
        let mut cmd = env.authdeck();
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &keyring.bus)
            .env_remove("DISPLAY");
        env.run_with(cmd, args, stdin)
    };
    let out = run(&["service", "add", "p", "--flow", "bearer"], "");
    assert_eq!(out.code, 0, "{out:?}");
    // A pasted JWT that expires in 2100: no network needed.
    let token = "eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.ZGVza3RvcC1sb2NrZWQ";
    let out = run(&["login", "p", "--token-stdin"], &format!("{token}\n"));
    assert_eq!(out.code, 0, "{out:?}");
    let (_driver, port) = start_driver(&env, &[("DBUS_SESSION_BUS_ADDRESS", &keyring.bus)]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let c = session(port).await;
        testid(&c, "service-p").await;
        copy(&c, "p").await.expect("copy before the lock");
        keyring.lock();
        let locked = keyring
            .command("secret-tool")
            .args(["search", "--all", "service", &env.namespace])
            .output()
            .expect("secret-tool search");
        assert!(
            String::from_utf8_lossy(&locked.stderr).contains("locked"),
            "the keyring did not lock: {locked:?}"
        );
        let files = snapshot(&env);
        let error = copy(&c, "p").await.expect_err("copy from a locked keyring");
        assert!(
            error.contains("locked") && error.contains("unlock"),
            "the window says {error:?}"
        );
        assert!(!error.contains(token), "the token in the message");
        // The window still answers.
        click(&c, "settings").await;
        eventually_text(
            &c,
            "const v = document.querySelector(\"[data-testid='settings-view']\"); return v && !v.hidden ? 'yes' : '';",
            "the settings view",
        )
        .await;
        click(&c, "nav-services").await;
        assert_eq!(snapshot(&env), files, "files changed");
        let listed = keyring
            .command("secret-tool")
            .args(["search", "--all", "service", &env.namespace])
            .output()
            .expect("secret-tool search");
        let text = String::from_utf8_lossy(&listed.stdout).into_owned()
            + &String::from_utf8_lossy(&listed.stderr);
        assert!(text.contains("username = p/default/tokens"), "{listed:?}");
        // Unlocked again, the same action works and the token is the one stored.
        keyring.unlock();
        copy(&c, "p").await.expect("copy after unlocking");
        let _ = c.close().await;
    });
    let stored = keyring
        .command("secret-tool")
        .args([
            "lookup",
            "service",
            &env.namespace,
            "username",
            "p/default/tokens",
        ])
        .output()
        .expect("secret-tool lookup");
    assert_eq!(
        token_in_entry(&String::from_utf8_lossy(&stored.stdout), "access_token").as_deref(),
        Some(token)
    );
}

async fn faults(c: &Client, p: &Provider, env: &Env, real: &str) {
    for id in ["svc", "other", "rot"] {
        testid(c, &format!("service-{id}")).await;
    }
    // Everything works to begin with.
    copy(c, "svc").await.expect("copy svc");
    let config = env.dir("config").join("services.toml");
    let good_config = std::fs::read_to_string(&config).expect("config");

    // 1. A proxy's 502 page, then a provider that never answers (4 s timeout).
    for (fault, expected) in [
        (Fault::BadGatewayHtml, "HTTP 502"),
        (Fault::Silent, "did not answer within"),
    ] {
        let server = FaultServer::start(fault);
        std::fs::write(&config, good_config.replacen(real, &server.url, 1))
            .expect("point svc at the fault");
        let (entries, state) = (entries_of(env, "svc"), state_of(env, "svc"));
        let config_bytes = std::fs::read(&config).expect("config");
        let error = copy(c, "svc")
            .await
            .expect_err("copy under a fault must fail");
        assert!(
            error.contains(expected),
            "{fault:?}: the window says {error:?}"
        );
        assert!(
            server.token_requests() >= 1,
            "{fault:?}: the fault was not reached"
        );
        // The app still works: another account copies.
        copy(c, "other")
            .await
            .expect("another account still copies");
        assert_eq!(
            entries_of(env, "svc"),
            entries,
            "{fault:?}: keyring changed"
        );
        assert_eq!(state_of(env, "svc"), state, "{fault:?}: state changed");
        assert_eq!(
            std::fs::read(&config).expect("config"),
            config_bytes,
            "{fault:?}: config changed"
        );
        // The fault gone, the same action works.
        std::fs::write(&config, &good_config).expect("restore");
        copy(c, "svc").await.expect("copy svc after the fault");
        let token = env
            .keyring_lookup("svc/default/access_token")
            .expect("token");
        let info = tokio::task::block_in_place(|| p.introspect(&token));
        assert_eq!(info["active"], true);
    }

    // 2. invalid_grant: the stored refresh token was spent elsewhere (a rotated one that
    // another copy of the keyring used). The provider revokes the grant.
    let spent = env
        .keyring_lookup("rot/default/refresh_token")
        .expect("refresh token");
    // (blocking HTTP clients run outside the async context)
    let (status, _) = tokio::task::block_in_place(|| p.raw_refresh("native-app", &spent));
    assert_eq!(status, 200, "spending the refresh token elsewhere");
    let (others, other_state) = (entries_of(env, "other"), state_of(env, "other"));
    let error = copy(c, "rot")
        .await
        .expect_err("copy with a dead refresh token");
    // The desktop's own hint: never a CLI command.
    assert!(
        error.contains("Log in again") && !error.contains("authdeck"),
        "the window says {error:?}"
    );
    wait_state(c, "rot", "login_required").await;
    assert_eq!(
        env.keyring_lookup("rot/default/refresh_token"),
        None,
        "a dead refresh token kept"
    );
    assert_eq!(
        env.keyring_lookup("rot/default/access_token"),
        None,
        "a dead access token kept"
    );
    assert_eq!(
        entries_of(env, "other"),
        others,
        "another account's keyring changed"
    );
    assert_eq!(
        state_of(env, "other"),
        other_state,
        "another account's state changed"
    );
    // A new login from the window works, and so does Copy.
    click(c, "login-rot").await;
    wait_state(c, "rot", "logged_in").await;
    copy(c, "rot").await.expect("copy after logging in again");

    // 3. services.toml corrupted while the app runs.
    let (all_entries, svc_state) = (env.keyring_users(), state_of(env, "svc"));
    let mut corrupt = good_config.clone().into_bytes();
    corrupt.extend_from_slice(b"\n[services.svc\nflow = \xff\n");
    std::fs::write(&config, &corrupt).expect("corrupt");
    let error = copy(c, "svc")
        .await
        .expect_err("copy with a corrupted config");
    assert!(error.contains("services.toml"), "the window says {error:?}");
    assert_eq!(
        std::fs::read(&config).expect("config"),
        corrupt,
        "the corrupted file was rewritten"
    );
    assert_eq!(env.keyring_users(), all_entries, "keyring changed");
    assert_eq!(state_of(env, "svc"), svc_state, "state changed");
    std::fs::write(&config, &good_config).expect("repair");
    copy(c, "svc").await.expect("copy after the repair");
    copy(c, "other").await.expect("copy other after the repair");
}
