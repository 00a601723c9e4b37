//! What the desktop tests share: the app's binary, tauri-driver in its own process group,
//! and waiting for and clicking elements of the real window.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use authdeck_e2e::occupy_port;
use fantoccini::{Client, Locator};

/// The desktop app next to the `authdeck` binary under test.
pub fn desktop_bin() -> PathBuf {
    let bin = authdeck_e2e::authdeck_bin()
        .with_file_name(format!("authdeck-desktop{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p authdeck-desktop --features custom-protocol`",
        bin.display()
    );
    bin
}

/// tauri-driver (with WebKitWebDriver and the app) in its own process group.
pub struct Driver(pub Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver runs in its own process group with WebKitWebDriver and the app:
        // end them all.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let (l, p) = occupy_port();
    drop(l);
    p
}

/// The element with this test id (waits up to 30 s).
pub async fn testid(c: &Client, id: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&format!("[data-testid='{id}']")))
        .await
        .unwrap_or_else(|e| panic!("no element data-testid={id}: {e}"))
}

/// Waits until the row of `service` shows `state`.
pub async fn wait_state(c: &Client, service: &str, state: &str) {
    for _ in 0..400 {
        if let Ok(el) = c
            .find(Locator::Css(&format!("[data-testid='state-{service}']")))
            .await
        {
            if el.attr("data-state").await.ok().flatten().as_deref() == Some(state) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{service} never reached state {state}");
}

/// Clicks an element (scrolled into the middle of the view first).
pub async fn click(c: &Client, id: &str) {
    let el = testid(c, id).await;
    let arg = vec![serde_json::to_value(&el).expect("element")];
    // Into the middle of the view: a toast in a corner must not take the click.
    let _ = c
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            arg.clone(),
        )
        .await;
    if let Err(e) = el.click().await {
        // WebKitWebDriver sometimes refuses a click on a visible, enabled button below
        // the fold with an empty error; the page's own click() is the same event.
        eprintln!("WebDriver click on {id} failed ({e}); clicking from the page");
        c.execute("arguments[0].click();", arg)
            .await
            .unwrap_or_else(|e| panic!("click {id}: {e}"));
    }
}

/// Whether an element with this test id appears within 5 s.
pub async fn shows(c: &Client, id: &str) -> bool {
    let script = format!("return !!document.querySelector(\"[data-testid='{id}']\");");
    for _ in 0..50 {
        if let Ok(v) = c.execute(&script, vec![]).await {
            if v.as_bool() == Some(true) {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Polls a script until it returns true.
pub async fn eventually_js(c: &Client, script: &str) {
    for _ in 0..200 {
        if let Ok(v) = c.execute(script, vec![]).await {
            if v.as_bool() == Some(true) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // What the window says, to tell a failed action from a slow one.
    let seen = c
        .execute(
            "return [...document.querySelectorAll(\".inline-error, [data-testid='notice'], [data-testid='token-panel']\")]\
             .filter(e => !e.hidden && e.textContent.trim()).map(e => e.className + ': ' + e.textContent.trim()).join('\\n');",
            vec![],
        )
        .await
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .unwrap_or_else(|e| format!("(could not read the window: {e})"));
    panic!("never true: {script}\nthe window shows:\n{seen}");
}
