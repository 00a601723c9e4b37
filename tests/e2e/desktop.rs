//! The desktop app, for real: the release-like build (`custom-protocol`, UI from
//! `ui/dist`) driven through tauri-driver and WebKitWebDriver under Xvfb, in demo mode,
//! with the real Secret Service. A browser login, a device login (approved by the test
//! on the demo activation page, with the code read from the window) and a client-
//! credentials login; the expiry shown; Copy, checked with `xclip` and against the demo
//! API; and no IPC answer carrying the token before "Reveal". Then the settings (a short
//! clipboard delay really clears the clipboard; the dark theme), editing a service and a
//! second account logged in and removed. Screenshots go to `artifacts/` at the
//! repository root.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::window::{
    click, desktop_bin, eventually_js, free_port, shows, testid, wait_state, Driver,
};
use authdeck_e2e::{eventually, tests_dir, Env};
use fantoccini::{Client, ClientBuilder};

fn artifacts() -> PathBuf {
    let dir = tests_dir().join("../artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// The element's text as the page has it (`textContent`).
async fn text_of(c: &Client, id: &str) -> String {
    let script = format!("const e = document.querySelector(\"[data-testid='{id}']\"); return e ? e.textContent : '';");
    c.execute(&script, vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(artifacts().join(format!("desktop-{name}.png")), png).expect("write screenshot");
}

fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Records every IPC answer the webview receives, to check none carries the token.
/// Tauri's `invoke` is a read-only property; its answers arrive through `fetch` from the
/// `ipc:` custom protocol, so the spy wraps `fetch`.
const IPC_SPY: &str = r#"
window.__ipcAnswers = [];
const originalFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const response = await originalFetch(input, init);
  const url = typeof input === 'string' ? input : input.url;
  if (url.startsWith('ipc:') || url.includes('ipc.localhost')) {
    window.__ipcAnswers.push(url + ' ' + await response.clone().text());
  }
  return response;
};
return typeof window.fetch;
"#;

#[test]
fn desktop_demo_journey() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let env = Env::new();
    let demo_port = free_port();
    let (driver_port, native_port) = (free_port(), free_port());
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut driver = Command::new("tauri-driver");
    std::os::unix::process::CommandExt::process_group(&mut driver, 0);
    let driver = driver
        .args([
            "--port",
            &driver_port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(env.app_env())
        .env("AUTHDECK_DEMO_PORT", demo_port.to_string())
        .env(
            "AUTHDECK_BROWSER",
            format!(
                "node {}",
                tests_dir().join("provider/browser.mjs").display()
            ),
        )
        .env("BROWSER_APPROVE", "1")
        .env("NO_AT_BRIDGE", "1")
        .env("GTK_USE_PORTAL", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver (cargo install tauri-driver)");
    let _driver = Driver(driver);
    eventually(Duration::from_secs(10), || {
        TcpStream::connect(("127.0.0.1", driver_port)).ok()
    })
    .expect("tauri-driver listens");

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": desktop_bin(), "args": ["--demo"] }),
        );
        let c = ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .expect("WebDriver session");
        let result = journey(&c, &env, demo_port).await;
        let _ = c.close().await;
        result
    });
}

/// NOMAD's Keycloak revokes tokens but answers no public client's introspection: the
/// panel says so, revokes the access token after a confirmation, and the demo API then
/// refuses the revoked token (401), while the next copy is a new token it accepts.
async fn revoke_in_window(c: &Client, base: &str) {
    click(c, "login-nomad").await;
    wait_state(c, "nomad", "logged_in").await;
    crate::desktop_faults::copy(c, "nomad").await.expect("copy");
    let old = eventually(Duration::from_secs(5), || {
        Some(clipboard()).filter(|t| !t.is_empty())
    })
    .expect("clipboard");
    let uploads = |token: String| {
        let url = format!("{base}/nomad/api/v1/uploads");
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token.trim())
                .send()
                .await
                .expect("api")
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        uploads(old.clone()).await,
        200,
        "the copied token opens the API"
    );
    let limits = crate::desktop_faults::eventually_text(
        c,
        "const s = document.querySelector(\"[data-testid='introspection-nomad']\"); const l = s && s.closest('section').querySelector('.provider-limit'); return l ? l.textContent : '';",
        "why there is no introspection",
    )
    .await;
    assert!(limits.contains("no introspection endpoint"), "{limits}");
    // The token's claims in words, with the activity below (the README's picture).
    let drawn = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const t = document.querySelector('.claims-table'); \
             if (!t) { done(false); return; } \
             t.closest('section').scrollIntoView({block: 'start'}); \
             requestAnimationFrame(() => requestAnimationFrame(() => done(t.textContent.includes('meant for'))));",
            vec![],
        )
        .await
        .expect("scroll to the claims");
    assert_eq!(drawn, serde_json::Value::Bool(true), "the claims in words");
    shot(c, "token-details").await;
    assert!(
        !shows(c, "introspect-nomad").await,
        "no Ask button without the endpoint"
    );
    click(c, "revoke-access-nomad").await;
    click(c, "revoke-access-confirm").await;
    for _ in 0..100 {
        if uploads(old.clone()).await == 401 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        uploads(old.clone()).await,
        401,
        "the revoked token is refused"
    );
    crate::desktop_faults::eventually_text(
        c,
        "const li = document.querySelector(\"[data-testid='activity-nomad'] .activity-item\"); return li && li.dataset.kind === 'revoke_access' && li.dataset.outcome === 'ok' ? 'yes' : '';",
        "the revocation in the activity",
    )
    .await;
    shot(c, "5-revoked").await;
    crate::desktop_faults::copy(c, "nomad")
        .await
        .expect("copy after revoking");
    let new = eventually(Duration::from_secs(5), || {
        Some(clipboard()).filter(|t| !t.is_empty() && t.trim() != old.trim())
    })
    .expect("a new token");
    assert_eq!(
        uploads(new).await,
        200,
        "the next use is a new, valid token"
    );
}

async fn journey(c: &Client, env: &Env, demo_port: u16) {
    let base = format!("http://127.0.0.1:{demo_port}");
    for id in ["oqtant", "quamotion", "autolab", "plantpredict", "nomad"] {
        testid(c, &format!("service-{id}")).await;
    }
    shot(c, "1-list").await;
    let spy = c.execute(IPC_SPY, vec![]).await.expect("install IPC spy");
    assert_eq!(spy, "function");

    // Browser flow: the test browser follows the redirects and clicks "Approve".
    testid(c, "login-oqtant")
        .await
        .click()
        .await
        .expect("click login");
    wait_state(c, "oqtant", "logged_in").await;
    let mut expiry = String::new();
    for _ in 0..50 {
        expiry = text_of(c, "expiry-oqtant").await;
        if expiry.contains("in ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(expiry.contains("in "), "expiry shown: {expiry:?}");

    // Device flow: read the code in the window, approve it on the activation page.
    testid(c, "login-autolab")
        .await
        .click()
        .await
        .expect("click login");
    testid(c, "device-user-code").await;
    let mut user_code = String::new();
    for _ in 0..100 {
        user_code = text_of(c, "device-user-code").await.trim().to_owned();
        if !user_code.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!user_code.is_empty(), "the user code is shown");
    shot(c, "2-device-code").await;
    let resp = reqwest::Client::new()
        .post(format!("{base}/autolab/activate"))
        .form(&[("user_code", user_code.as_str()), ("decision", "approve")])
        .send()
        .await
        .expect("approve");
    assert!(resp.status().is_success() || resp.status().is_redirection());
    wait_state(c, "autolab", "logged_in").await;

    // Client credentials.
    testid(c, "login-quamotion")
        .await
        .click()
        .await
        .expect("click login");
    wait_state(c, "quamotion", "logged_in").await;

    // Copy: the clipboard holds a token the demo API accepts.
    testid(c, "service-quamotion")
        .await
        .click()
        .await
        .expect("select row");
    testid(c, "copy-raw-quamotion")
        .await
        .click()
        .await
        .expect("copy");
    let token = eventually(Duration::from_secs(5), || {
        Some(clipboard()).filter(|t| !t.is_empty())
    })
    .expect("clipboard");
    let status = reqwest::Client::new()
        .get(format!("{base}/quamotion/api/version"))
        .bearer_auth(token.trim())
        .send()
        .await
        .expect("api")
        .status();
    assert_eq!(status.as_u16(), 200, "the copied token opens the API");
    testid(c, "copy-bearer-quamotion")
        .await
        .click()
        .await
        .expect("copy bearer");
    let bearer = eventually(Duration::from_secs(5), || {
        Some(clipboard()).filter(|t| t.starts_with("Bearer "))
    })
    .expect("bearer");
    assert_eq!(bearer.trim(), format!("Bearer {}", token.trim()));
    shot(c, "3-token-panel").await;

    // No IPC answer so far carried the token…
    let answers = c
        .execute("return window.__ipcAnswers.join('\\n');", vec![])
        .await
        .expect("ipc log");
    let answers = answers.as_str().unwrap_or_default().to_owned();
    assert!(
        answers.contains("quamotion"),
        "the spy saw the app's answers"
    );
    assert!(
        !answers.contains(token.trim()),
        "an IPC answer carried the token before Reveal"
    );
    // … and Reveal does (so the spy would have seen it).
    testid(c, "reveal-quamotion")
        .await
        .click()
        .await
        .expect("reveal");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let answers = c
        .execute("return window.__ipcAnswers.join('\\n');", vec![])
        .await
        .expect("ipc log");
    assert!(
        answers.as_str().unwrap_or_default().contains(token.trim()),
        "Reveal returns the token"
    );
    shot(c, "4-revealed").await;

    // No secret in any file.
    assert!(env.files_containing(token.trim()).is_empty());
    // The Reveal is a hand-out in the account's activity.
    crate::desktop_faults::eventually_text(
        c,
        "const li = [...document.querySelectorAll(\"[data-testid='activity-quamotion'] .activity-item\")].find(li => li.dataset.kind === 'hand_out' && li.textContent.includes('revealed in the window')); return li ? 'yes' : '';",
        "the Reveal in the activity",
    )
    .await;
    revoke_in_window(c, &base).await;

    settings_and_clipboard_clearing(c).await;
    edit_service_and_accounts(c, env).await;
    import_from_openapi_and_paste(c, &base, token.trim()).await;
    share_with_a_team(c, env).await;
}

/// Settings → Share: the definitions land on the clipboard without a secret; the same
/// file (renamed services) imports through Add service → From OpenAPI docs.
async fn share_with_a_team(c: &Client, env: &Env) {
    click(c, "settings").await;
    eventually_js(
        c,
        "return !document.querySelector(\"[data-testid='settings-view']\").hidden;",
    )
    .await;
    click(c, "export-services").await;
    let shared = eventually(Duration::from_secs(10), || {
        Some(clipboard()).filter(|t| t.contains("[services."))
    })
    .expect("definitions on the clipboard");
    for secret in [
        demo_idp::credentials::QUAMOTION_CLIENT_SECRET,
        demo_idp::credentials::AUTOLAB_CLIENT_SECRET,
        demo_idp::credentials::PLANTPREDICT_CLIENT_SECRET,
        demo_idp::credentials::PLANTPREDICT_PASSWORD,
        demo_idp::credentials::NOMAD_PASSWORD,
    ] {
        assert!(!shared.contains(secret), "a secret in the shared file");
    }
    assert!(
        !shared.contains("accounts]") && !shared.contains("accounts ="),
        "accounts are personal: {shared}"
    );
    shot(c, "9-share").await;
    click(c, "nav-services").await;

    let file = env.dir("team.toml");
    std::fs::write(&file, shared.replace("[services.", "[services.team-")).expect("team file");
    click(c, "add-service").await;
    click(c, "add-mode-openapi").await;
    set_value(c, "openapi-source", &file.display().to_string()).await;
    click(c, "openapi-read").await;
    click(c, "team-import").await;
    testid(c, "service-team-oqtant").await;
    testid(c, "service-team-quamotion").await;
}

/// Add service → From OpenAPI docs: the Quamotion document's HTTPBearer scheme becomes a
/// pasted-token service; pasting a token that the API accepts logs it in.
async fn import_from_openapi_and_paste(c: &Client, base: &str, token: &str) {
    click(c, "add-service").await;
    click(c, "add-mode-openapi").await;
    set_value(
        c,
        "openapi-source",
        &format!("{base}/quamotion/openapi.json"),
    )
    .await;
    click(c, "openapi-read").await;
    // One scheme: it is chosen at once and its details shown.
    testid(c, "service-id").await;
    set_value(c, "service-id", "qm-docs").await;
    shot(c, "7-import-openapi").await;
    click(c, "add-submit").await;
    testid(c, "paste-token-qm-docs").await;
    let hint = text_of(c, "paste-hint-qm-docs").await;
    assert!(hint.contains("HTTP bearer"), "paste hint: {hint:?}");
    // The desktop names its copy button, not a CLI command.
    assert!(hint.contains("\"Token\" button"), "paste hint: {hint:?}");
    assert!(!hint.contains("authdeck"), "paste hint: {hint:?}");
    set_value(c, "paste-token-qm-docs", token).await;
    click(c, "paste-save-qm-docs").await;
    wait_state(c, "qm-docs", "logged_in").await;
    // The pasted field is emptied: the token went to the keyring, not into the page.
    let left = c
        .execute(
            "const e = document.querySelector(\"[data-testid='paste-token-qm-docs']\"); return e ? e.value : '';",
            vec![],
        )
        .await
        .expect("paste field");
    assert_eq!(left.as_str(), Some(""));
    shot(c, "8-pasted").await;
}

/// Sets an input's value as typing would (WebDriver typing into number fields is
/// unreliable in WebKitWebDriver).
pub(crate) async fn set_value(c: &Client, id: &str, value: &str) {
    let script = "const e = document.querySelector(`[data-testid='${arguments[0]}']`); \
        e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true})); \
        e.dispatchEvent(new Event('change', {bubbles: true})); return e.value;";
    let set = c
        .execute(script, vec![id.into(), value.into()])
        .await
        .unwrap_or_else(|e| panic!("set {id}: {e}"));
    assert_eq!(set.as_str(), Some(value), "{id} took the value");
}

/// Settings: a short clipboard delay clears a copied token; the dark theme applies.
async fn settings_and_clipboard_clearing(c: &Client) {
    click(c, "settings").await;
    testid(c, "settings-view").await;
    // The form is filled from the shell before it is enabled.
    eventually_js(
        c,
        "return !document.querySelector(\"[data-testid='settings-save']\").disabled;",
    )
    .await;
    set_value(c, "setting-clipboard", "5").await;
    set_value(c, "setting-theme", "dark").await;
    click(c, "settings-save").await;
    eventually_js(c, "return [...document.querySelectorAll(\"[data-testid='notice']\")].some(n => n.textContent.includes('Settings saved'));").await;
    let theme = c
        .execute("return document.documentElement.dataset.theme;", vec![])
        .await
        .expect("theme");
    assert_eq!(theme.as_str(), Some("dark"));
    shot(c, "5-settings-dark").await;
    click(c, "nav-services").await;

    click(c, "service-quamotion").await;
    click(c, "copy-raw-quamotion").await;
    let token = eventually(Duration::from_secs(5), || {
        Some(clipboard()).filter(|t| !t.trim().is_empty())
    })
    .expect("a token on the clipboard");
    // The copy notice names the delay.
    eventually_js(c, "return [...document.querySelectorAll(\"[data-testid='notice']\")].some(n => n.textContent.includes('cleared in 5 s'));").await;
    // Cleared after the delay (5 s; allow for a slow machine).
    let cleared = eventually(Duration::from_secs(20), || {
        Some(clipboard()).filter(|t| t.trim().is_empty())
    });
    assert!(
        cleared.is_some(),
        "the clipboard still holds the token after the delay"
    );
    assert!(!token.trim().is_empty());
}

/// Edit a service (the stored client secret is kept), add a second account, log it in,
/// and remove it again.
async fn edit_service_and_accounts(c: &Client, env: &Env) {
    click(c, "service-quamotion").await;
    click(c, "edit-quamotion").await;
    testid(c, "edit-service-view").await;
    eventually_js(
        c,
        "const e = document.querySelector(\"[data-testid='client-id']\"); return !!e && e.value !== '';",
    )
    .await;
    set_value(c, "service-name", "Quamotion Lab").await;
    click(c, "add-submit").await;
    eventually_js(
        c,
        "const r = document.querySelector(\"[data-testid='service-quamotion']\"); return !!r && r.textContent.includes('Quamotion Lab');",
    )
    .await;
    let config = std::fs::read_to_string(env.dir("config").join("demo/services.toml"))
        .expect("the demo's services.toml");
    assert!(config.contains("Quamotion Lab"), "the edit is saved");

    click(c, "service-quamotion").await;
    click(c, "add-account-quamotion").await;
    set_value(c, "account-name", "second").await;
    click(c, "account-add-confirm").await;
    // A client-credentials login of the new account uses the client secret the edit kept.
    click(c, "login-quamotion-second").await;
    wait_state(c, "quamotion-second", "logged_in").await;
    shot(c, "6-second-account").await;
    click(c, "remove-account-quamotion-second").await;
    // Under load WebKitWebDriver has lost this click once (no confirmation appeared, no
    // error): repeat it then, so the test checks the removal, not the driver.
    if !shows(c, "remove-account-confirm").await {
        eprintln!("no confirmation after the first click on Remove: clicking again");
        click(c, "remove-account-quamotion-second").await;
    }
    click(c, "remove-account-confirm").await;
    eventually_js(
        c,
        "return !document.querySelector(\"[data-testid='service-quamotion-second']\");",
    )
    .await;
}

/// The demo's `quamotion` expiry as `authdeck --demo status --json` reports it.
fn quamotion_expiry(env: &Env, port: u16) -> Option<String> {
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_DEMO_PORT", port.to_string());
    let out = env.run_with(cmd, &["--demo", "status", "--json"], "");
    assert_eq!(out.code, 0, "status: {out:?}");
    let list: serde_json::Value = serde_json::from_str(&out.stdout).expect("status JSON");
    list.as_array()?
        .iter()
        .find(|a| a["service"] == "quamotion")?
        .get("expires_at")?
        .as_str()
        .map(str::to_owned)
}

/// Background refresh: while the app runs, a token close to expiry is renewed without
/// anyone asking for it. The CLI logs in (it shares the app's demo directories, keyring
/// namespace and in-process demo server) and only reads the state afterwards.
#[test]
fn desktop_refreshes_tokens_in_the_background() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let env = Env::new();
    let port = free_port();
    let demo_config = env.dir("config").join("demo");
    std::fs::create_dir_all(&demo_config).expect("config dir");
    std::fs::write(
        demo_config.join("settings.toml"),
        "refresh_margin_secs = 10\n",
    )
    .expect("settings");
    let mut app = Command::new(desktop_bin());
    std::os::unix::process::CommandExt::process_group(&mut app, 0);
    let app = app
        .arg("--demo")
        .envs(env.app_env())
        .env("AUTHDECK_DEMO_PORT", port.to_string())
        .env("AUTHDECK_DEMO_ACCESS_TTL", "30")
        .env("NO_AT_BRIDGE", "1")
        .env("GTK_USE_PORTAL", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start authdeck-desktop");
    let _app = Driver(app);
    let health = format!("http://127.0.0.1:{port}/health");
    eventually(Duration::from_secs(30), || {
        reqwest::blocking::get(&health)
            .ok()
            .filter(|r| r.headers().contains_key("x-demo-idp"))
    })
    .expect("the app's demo server answers");

    let mut login = env.authdeck();
    login.env("AUTHDECK_DEMO_PORT", port.to_string());
    let out = env.run_with(login, &["--demo", "login", "quamotion"], "");
    assert_eq!(out.code, 0, "login: {out:?}");
    let first = quamotion_expiry(&env, port).expect("an expiry after login");
    // A 30 s token with a 10 s margin is due on the app's second look at most (every 15 s).
    let renewed = eventually(Duration::from_secs(60), || {
        quamotion_expiry(&env, port).filter(|e| *e != first)
    });
    assert!(
        renewed.is_some(),
        "the app did not renew the token in the background (expiry still {first})"
    );
}
