//! The token panel's Proxy section in the real window (tauri-driver on an Xvfb display of
//! its own, demo mode, the real Secret Service): after a client-credentials login of the
//! demo's Quamotion, Start shows the proxy's URL; the test calls the demo API through that
//! URL with no token of its own and gets 200 from demo-idp; "Open docs" hands the
//! browser (a stand-in that records the URL) the proxy's `docs` page, which is Swagger UI
//! with its files loadable; Stop, and the URL no longer answers. Then a second account's
//! proxy stops when that account is removed in the window. One window session.
//! Screenshot: `artifacts/desktop-proxy.png`.

use std::time::Duration;

use crate::desktop::{set_value, shot};
use crate::desktop_faults::start_driver;
use crate::window::{click, desktop_bin, eventually_js, free_port, shows, testid, wait_state};
use authdeck_e2e::{eventually, Env};
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

/// The proxy URL the panel of `row` (`quamotion`, `quamotion-second`) shows (empty while
/// none).
async fn shown_url(c: &Client, row: &str) -> String {
    c.execute(
        "const e = document.querySelector(`[data-testid='proxy-url-${arguments[0]}']`); \
         return e && !e.closest('[hidden]') ? e.value : '';",
        vec![row.into()],
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
    // The "browser": records the URL it is asked to open (the last argument).
    let opened = env.dir("opened-urls");
    let browser = format!(
        "sh -c 'printf \"%s\\n\" \"$1\" >> \"$0\"' {}",
        opened.display()
    );
    let (_driver, port) = start_driver(
        &env,
        &[
            ("AUTHDECK_DEMO_PORT", &demo_port),
            ("AUTHDECK_BROWSER", &browser),
        ],
    );
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
        let url = shown_url(&c, "quamotion").await;
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

        // "Open docs": the browser is handed the proxy's docs page (with the key), which
        // is Swagger UI with its files there. (The URL holds the key: not in messages.)
        click(&c, "proxy-docs-quamotion").await;
        let docs = eventually(Duration::from_secs(10), || {
            std::fs::read_to_string(&opened)
                .ok()
                .and_then(|t| t.lines().next().map(str::to_owned))
        })
        .expect("Open docs started the browser");
        assert!(
            docs == format!("{url}docs"),
            "the opened URL is not the proxy's docs page"
        );
        let page = http.get(&docs).send().await.expect("the docs page");
        assert_eq!(page.status().as_u16(), 200, "the docs page");
        let page = page.text().await.expect("page");
        assert!(
            page.contains("docs/swagger-ui-bundle.js"),
            "Swagger UI's page"
        );
        for file in ["swagger-ui-bundle.js", "swagger-ui.css", "start.js"] {
            let r = http
                .get(format!("{docs}/{file}"))
                .header("accept-encoding", "gzip")
                .send()
                .await
                .expect("a file of the docs page");
            assert_eq!(r.status().as_u16(), 200, "docs/{file}");
        }

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
        assert_eq!(shown_url(&c, "quamotion").await, "", "no URL once stopped");
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

        // Removing an account stops its proxy: a second account, its proxy, Remove.
        click(&c, "add-account-quamotion").await;
        set_value(&c, "account-name", "second").await;
        click(&c, "account-add-confirm").await;
        click(&c, "login-quamotion-second").await;
        wait_state(&c, "quamotion-second", "logged_in").await;
        click(&c, "service-quamotion-second").await;
        click(&c, "proxy-start-quamotion-second").await;
        eventually_js(
            &c,
            "const e = document.querySelector(\"[data-testid='proxy-url-quamotion-second']\"); \
             return !!e && !e.closest('[hidden]') && e.value.startsWith('http://127.0.0.1:');",
        )
        .await;
        let second = shown_url(&c, "quamotion-second").await;
        let answer = reqwest::Client::new()
            .get(format!("{second}api/version"))
            .send()
            .await
            .expect("the second proxy answers");
        assert_eq!(answer.status().as_u16(), 200, "through the second proxy");
        click(&c, "remove-account-quamotion-second").await;
        // (WebKitWebDriver has lost this click under load once: see desktop.rs.)
        if !shows(&c, "remove-account-confirm").await {
            click(&c, "remove-account-quamotion-second").await;
        }
        click(&c, "remove-account-confirm").await;
        eventually_js(
            &c,
            "return !document.querySelector(\"[data-testid='service-quamotion-second']\");",
        )
        .await;
        let gone = reqwest::Client::new()
            .get(format!("{second}api/version"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map(|r| r.status());
        assert!(
            gone.is_err(),
            "the removed account's proxy still answers: {gone:?}"
        );
        let _ = c.close().await;
    });
    eprintln!(
        "desktop proxy test: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
