//! The token panel's Proxy section in the real window (tauri-driver on an Xvfb display of
//! its own, demo mode, the real Secret Service): after a client-credentials login of the
//! demo's Quamotion, Start shows the proxy's URL; the test calls the demo API through that
//! URL with no token of its own and gets 200 from demo-idp; Stop, and the URL no longer
//! answers. One window session. Screenshot: `artifacts/desktop-proxy.png`.

use std::time::Duration;

use crate::desktop::shot;
use crate::desktop_faults::start_driver;
use crate::window::{click, desktop_bin, eventually_js, free_port, testid, wait_state};
use authdeck_e2e::Env;
use fantoccini::{Client, ClientBuilder};

/// A WebDriver session on the app in demo mode.
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

/// The proxy URL the panel shows (empty while none).
async fn shown_url(c: &Client) -> String {
    c.execute(
        "const e = document.querySelector(\"[data-testid='proxy-url-quamotion']\"); \
         return e && !e.closest('[hidden]') ? e.value : '';",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_owned))
    .unwrap_or_default()
}

#[test]
fn the_panel_starts_a_proxy_that_reaches_the_api_and_stops_it() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let started = std::time::Instant::now();
    let env = Env::new();
    let demo_port = free_port().to_string();
    let (_driver, port) = start_driver(&env, &[("AUTHDECK_DEMO_PORT", &demo_port)]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let c = demo_session(port).await;
        click(&c, "login-quamotion").await;
        wait_state(&c, "quamotion", "logged_in").await;
        click(&c, "service-quamotion").await;
        testid(&c, "proxy-quamotion").await;
        click(&c, "proxy-start-quamotion").await;
        eventually_js(
            &c,
            "const e = document.querySelector(\"[data-testid='proxy-url-quamotion']\"); \
             return !!e && !e.closest('[hidden]') && e.value.startsWith('http://127.0.0.1:');",
        )
        .await;
        let url = shown_url(&c).await;
        assert!(url.ends_with('/'), "a base URL: {url}");
        let http = reqwest::Client::new();
        // The test holds no token: the proxy adds the app's.
        let answer = http
            .get(format!("{url}api/version"))
            .send()
            .await
            .expect("the proxy answers");
        assert_eq!(answer.status().as_u16(), 200, "through the proxy");
        // Without the key in the path the same port refuses.
        let without_key = url
            .trim_end_matches('/')
            .rsplit_once('/')
            .map(|(origin, _)| format!("{origin}/api/version"))
            .expect("an origin");
        let refused = http.get(&without_key).send().await.expect("answer");
        assert_ne!(refused.status().as_u16(), 200, "no key, no API");

        let drawn = c
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 document.querySelector(\"[data-testid='proxy-quamotion']\").scrollIntoView({block: 'center'}); \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .expect("scroll to the Proxy section");
        assert_eq!(drawn, serde_json::Value::Bool(true));
        shot(&c, "proxy").await;

        click(&c, "proxy-stop-quamotion").await;
        eventually_js(
            &c,
            "const b = document.querySelector(\"[data-testid='proxy-start-quamotion']\"); return !!b && !b.hidden;",
        )
        .await;
        assert_eq!(shown_url(&c).await, "", "no URL once stopped");
        // Stop returns after the listener closed: the URL no longer answers.
        // (A new client: no connection kept from before.)
        let gone = reqwest::Client::new()
            .get(format!("{url}api/version"))
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        // (Only the status in the message: the URL holds the key.)
        let gone = gone.map(|r| r.status());
        assert!(gone.is_err(), "the stopped proxy still answers: {gone:?}");
        let _ = c.close().await;
    });
    eprintln!(
        "desktop proxy test: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
