//! Opening URLs from the desktop app: `AUTHDECK_BROWSER` when set (tests, custom
//! browsers), else tauri-plugin-opener. Only http(s) URLs are ever opened.

use std::sync::OnceLock;

use authdeck_core::flows::{BrowserOpener, SystemBrowser};
use authdeck_core::{Error, Result};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;

/// The app's opener; the app handle is set once the app is built.
#[derive(Debug, Default)]
pub struct AppOpener {
    app: OnceLock<AppHandle>,
}

impl AppOpener {
    pub fn attach(&self, app: AppHandle) {
        let _ = self.app.set(app);
    }
}

impl BrowserOpener for AppOpener {
    fn open(&self, url: &str) -> Result<()> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::Local(format!(
                "refusing to open a non-http(s) URL: {url}"
            )));
        }
        if std::env::var("AUTHDECK_BROWSER").is_ok_and(|b| !b.trim().is_empty()) {
            return SystemBrowser.open(url);
        }
        let app = self
            .app
            .get()
            .ok_or_else(|| Error::Local("the app is not ready to open URLs yet".into()))?;
        app.opener()
            .open_url(url, None::<&str>)
            .map_err(|e| Error::Local(format!("could not open the browser: {e}")))
    }
}
