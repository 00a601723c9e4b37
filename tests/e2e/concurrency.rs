//! The desktop app and four CLI processes refreshing one account at once, against the
//! real oidc-provider with rotating refresh tokens and 6 s access tokens: the desktop
//! app's background refresh loop (a 1 s look interval and a refresh margin larger than
//! the token lifetime, so it refreshes at every look) and four CLI processes forcing a
//! refresh in a loop (`--min-valid 999999`, `AUTHDECK_AGENT=0` so each refreshes itself)
//! until the provider has answered 200 refresh grants in total.
//!
//! Reusing a rotated refresh token makes oidc-provider answer `invalid_grant` and revoke
//! the whole grant, so one lost race would show. The check is the provider's own count
//! (zero `invalid_grant`, zero token-endpoint errors), every CLI run succeeding, and
//! afterwards the refresh token in the keyring being the one the provider holds as
//! active, and still refreshing.
//!
//! `AUTHDECK_TEST_REFRESHES` sets the total. The number is 200: run it with
//! `AUTHDECK_TEST_REFRESHES=200` (measured: 204 refresh grants, 166 by the CLIs and 38
//! by the app, zero errors, in 215 s on the shared, loaded 2-core machine — about 1 s per
//! serialised refresh there). CI runs 60 by default, to stay near a minute; a lost race
//! shows within the first few dozen refreshes (each one is a race: four CLIs and the app
//! all hold a spendable refresh token at once).

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use authdeck_e2e::{eventually, Env, Provider};

fn desktop_bin() -> std::path::PathBuf {
    let bin = authdeck_e2e::authdeck_bin()
        .with_file_name(format!("authdeck-desktop{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p authdeck-desktop --features custom-protocol`",
        bin.display()
    );
    bin
}

/// The app, in its own process group (WebKit's helpers end with it).
struct App(Child);

impl Drop for App {
    /// Quits the app as a user's session would (SIGTERM), and gives it time to finish a
    /// background refresh under way, as it must (killing it outright at that moment would
    /// lose a rotated refresh token: nothing can store what never arrives).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(40);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Then whatever is left of its process group (WebKit's processes).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn refreshes(p: &Provider) -> usize {
    p.grants()["success"]["refresh_token"]
        .as_u64()
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
}

#[test]
fn the_desktop_app_and_four_clis_never_spend_a_rotated_refresh_token_twice() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let target: usize = std::env::var("AUTHDECK_TEST_REFRESHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let p = Provider::start(&[("ACCESS_TOKEN_TTL", "6")]);
    let env = Env::new();
    env.logged_in_auth_code(&p, "rot");
    std::fs::write(
        env.dir("config").join("settings.toml"),
        "refresh_margin_secs = 3600\n",
    )
    .expect("settings");
    let log = env.dir("desktop.log");
    let mut app = Command::new(desktop_bin());
    std::os::unix::process::CommandExt::process_group(&mut app, 0);
    let app = app
        .envs(env.app_env())
        .env("AUTHDECK_REFRESH_TICK_SECS", "1")
        .env("AUTHDECK_LOG", "debug")
        .env("NO_AT_BRIDGE", "1")
        .env("GTK_USE_PORTAL", "0")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("start authdeck-desktop");
    let app = App(app);

    // The app refreshes on its own before the CLIs join in.
    let before = refreshes(&p);
    eventually(Duration::from_secs(60), || {
        (refreshes(&p) >= before + 2).then_some(())
    })
    .expect("the desktop app did not refresh in the background");

    let cli_runs = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            let (cli_runs, failed) = (Arc::clone(&cli_runs), Arc::clone(&failed));
            let issuer = p.issuer.clone();
            let mut cmd_env = Vec::new();
            for (k, v) in env.authdeck().get_envs() {
                cmd_env.push((k.to_owned(), v.map(std::ffi::OsStr::to_owned)));
            }
            std::thread::spawn(move || {
                let count = || -> usize {
                    reqwest::blocking::get(format!("{issuer}/test/grants"))
                        .ok()
                        .and_then(|r| r.json::<serde_json::Value>().ok())
                        .and_then(|v| v["success"]["refresh_token"].as_u64())
                        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
                };
                let mut errors = Vec::new();
                while count() < target && !failed.load(Ordering::SeqCst) {
                    let mut cmd = Command::new(authdeck_e2e::authdeck_bin());
                    for (k, v) in &cmd_env {
                        match v {
                            Some(v) => cmd.env(k, v),
                            None => cmd.env_remove(k),
                        };
                    }
                    let out = cmd
                        .env("AUTHDECK_AGENT", "0")
                        .args(["token", "rot", "--min-valid", "999999"])
                        .stdin(Stdio::null())
                        .output()
                        .expect("run authdeck");
                    cli_runs.fetch_add(1, Ordering::SeqCst);
                    if !out.status.success() {
                        failed.store(true, Ordering::SeqCst);
                        errors.push(format!(
                            "worker {worker}: exit {:?}: {}",
                            out.status.code(),
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
                errors
            })
        })
        .collect();
    let errors: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker"))
        .collect();
    // Stop the app before looking at the keyring, so nothing rotates under the check.
    drop(app);
    assert!(
        errors.is_empty(),
        "CLI refreshes failed:\n{}",
        errors.join("\n")
    );

    let counts = p.grants();
    let total = refreshes(&p);
    let cli = cli_runs.load(Ordering::SeqCst);
    eprintln!(
        "refresh grants: {total} ({cli} by the CLIs, {} by the desktop app); provider errors: {}",
        total - cli.min(total),
        counts["error"]
    );
    assert!(total >= target, "only {total} refreshes");
    assert_eq!(
        counts["error"],
        serde_json::json!({}),
        "the token endpoint answered errors (a rotated refresh token spent twice shows as invalid_grant)"
    );
    assert!(
        total > cli,
        "the desktop app took no part ({total} refreshes, {cli} CLI runs)"
    );
    let app_log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !app_log.contains("background refresh of"),
        "the app's background refresh failed:\n{app_log}"
    );

    // Nothing lost: the keyring's refresh token is the provider's active one, the state
    // says logged in, and the account refreshes again.
    let rt = env
        .keyring_lookup("rot/default/refresh_token")
        .expect("a refresh token in the keyring");
    assert_eq!(
        p.introspect(&rt)["active"],
        true,
        "the keyring's refresh token is not the provider's current one"
    );
    // The app's debug log holds none of the tokens it handled last (nor a known secret).
    let at = env
        .keyring_lookup("rot/default/access_token")
        .expect("an access token in the keyring");
    for secret in [&rt, &at] {
        assert!(
            !app_log.contains(secret.as_str()),
            "a token in the app's debug log"
        );
    }
    authdeck_e2e::assert_no_known_secret("the desktop app's debug log", &app_log);
    let state = std::fs::read_to_string(env.dir("state").join("accounts/rot/default.json"))
        .expect("state file");
    assert!(!state.contains("login_required"), "{state}");
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_AGENT", "0");
    let out = env.run_with(cmd, &["token", "rot", "--min-valid", "999999"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.introspect(out.stdout.trim())["active"], true);
    assert_eq!(p.grants()["error"], serde_json::json!({}));
}
