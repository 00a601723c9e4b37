//! The warning ahead of a login, in the real window (tauri-driver, an Xvfb display of its
//! own), in demo mode: Oqtant gets no refresh token, and with 5-minute demo access
//! tokens (`AUTHDECK_DEMO_ACCESS_TTL`) a fresh login already ends within the default
//! 10-minute warning. After the login the row and the token panel show "Log in again by
//! …" and the desktop notification arrives at the session bus's notification server (the
//! harness's recorder, `harness/notifications.rs`: the plugin's real D-Bus call).
//! Screenshot: `artifacts/desktop-warning.png`.
//!
//! Then the app is started again on the same account with the demo's real token lifetime
//! (a day): the badge is there at once (it is read from the state file), and one click on
//! "Log in again" gets a day-long token: the badge goes. The background refresh looks
//! every second, so the warning does not wait for its usual 15 s tick.

use crate::desktop::shot;
use crate::desktop_faults::start_driver;
use crate::window::{click, desktop_bin, eventually_js, free_port, testid, wait_state};
use authdeck_e2e::notifications::recorder;
use authdeck_e2e::Env;
use fantoccini::{Client, ClientBuilder};
use std::time::Duration;

/// A WebDriver session of the app in demo mode.
async fn demo_session(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": desktop_bin(), "args": ["--demo"] }),
    );
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session")
}

/// The badge's text while it shows, else "".
fn badge_script(id: &str) -> String {
    format!(
        "const e = document.querySelector(\"[data-testid='{id}']\"); return e && !e.hidden ? e.textContent : '';"
    )
}

async fn text(c: &Client, script: &str) -> String {
    c.execute(script, vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn a_login_that_will_be_needed_soon_is_warned_of_and_one_click_away() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let started = std::time::Instant::now();
    let notifications = recorder();
    let env = Env::new();
    let config_dir = env.dir("config");
    let demo_port = free_port().to_string();
    let common = [
        ("AUTHDECK_DEMO_PORT", demo_port.as_str()),
        ("AUTHDECK_REFRESH_TICK_SECS", "1"),
        ("BROWSER_APPROVE", "1"),
    ];
    let rt = tokio::runtime::Runtime::new().expect("runtime");

    // 1. Five-minute tokens: the login is needed within the 10-minute warning.
    {
        let mut env_vars = common.to_vec();
        env_vars.push(("AUTHDECK_DEMO_ACCESS_TTL", "300"));
        let (_driver, port) = start_driver(&env, &env_vars);
        rt.block_on(async {
            let c = demo_session(port).await;
            testid(&c, "service-oqtant").await;
            assert_eq!(text(&c, &badge_script("login-warning-oqtant")).await, "");
            click(&c, "login-oqtant").await;
            wait_state(&c, "oqtant", "logged_in").await;
            eventually_js(
                &c,
                &format!(
                    "return (() => {{ {} }})().startsWith('Log in again by ');",
                    badge_script("login-warning-oqtant")
                ),
            )
            .await;
            let row_button = text(
                &c,
                "return document.querySelector(\"[data-testid='login-oqtant']\").textContent;",
            )
            .await;
            assert_eq!(row_button, "Log in again");
            let note = tokio::task::block_in_place(|| {
                notifications.wait_for(&config_dir, Duration::from_secs(20), |n| {
                    n.summary
                        .starts_with("Authdeck: log in to Oqtant again within")
                })
            });
            assert!(
                note.body.contains("cannot be renewed") && note.body.contains("Log in again"),
                "{note:?}"
            );
            // The token panel says it too, with its button, for the screenshot.
            click(&c, "service-oqtant").await;
            eventually_js(
                &c,
                &format!(
                    "return (() => {{ {} }})().startsWith('Log in again by ');",
                    badge_script("login-warning-oqtant-panel")
                ),
            )
            .await;
            testid(&c, "relogin-oqtant").await;
            shot(&c, "warning").await;
            let _ = c.close().await;
        });
    }
    let warnings = |all: &[authdeck_e2e::notifications::Notification]| {
        all.iter()
            .filter(|n| n.summary.contains("log in to Oqtant again"))
            .count()
    };
    assert_eq!(
        warnings(&notifications.of(&config_dir)),
        1,
        "one notification per token"
    );

    // 2. The same account, now with the demo's real (day-long) tokens: the badge shows
    // from the state file; "Log in again" in the panel renews, and the badge goes.
    let (_driver, port) = start_driver(&env, &common);
    rt.block_on(async {
        let c = demo_session(port).await;
        testid(&c, "service-oqtant").await;
        eventually_js(
            &c,
            &format!(
                "return (() => {{ {} }})().startsWith('Log in again by ');",
                badge_script("login-warning-oqtant")
            ),
        )
        .await;
        click(&c, "service-oqtant").await;
        click(&c, "relogin-oqtant").await;
        eventually_js(
            &c,
            &format!(
                "return (() => {{ {} }})() === '' && (() => {{ {} }})() === '' && document.querySelector(\"[data-testid='login-oqtant']\").textContent === 'Log in';",
                badge_script("login-warning-oqtant"),
                badge_script("login-warning-oqtant-panel")
            ),
        )
        .await;
        wait_state(&c, "oqtant", "logged_in").await;
        let _ = c.close().await;
    });
    eprintln!(
        "desktop warning test: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
