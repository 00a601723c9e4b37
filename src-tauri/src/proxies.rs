//! The injecting proxies the app runs for its accounts (see `authdeck_core::proxy`): at
//! most one per account, started and stopped from the token panel, stopped when their
//! account or service is removed ([`remove_account`], [`remove_service`]), all stopped on
//! quit (`AppState::finish`).
//!
//! A proxy's URL holds its access key: it is a capability, like a token. It goes to the
//! webview (the user started the proxy to use that URL) and to the clipboard on request,
//! but never to a log or an error message; [`Proxies`]' `Debug` names accounts only.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use authdeck_core::hint::Hint;
use authdeck_core::ids::{AccountRef, ServiceId};
use authdeck_core::proxy::{self, Listen, ProxyFront, ProxyOptions, RunningProxy};
use authdeck_core::{Error, Result};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::dto::ProxyView;
use crate::state::{account_key, AppState};

/// The running proxies, by `service/account`.
#[derive(Default)]
pub struct Proxies {
    running: Mutex<BTreeMap<String, Entry>>,
}

struct Entry {
    account: AccountRef,
    proxy: RunningProxy,
}

impl std::fmt::Debug for Proxies {
    // The URLs hold access keys: only the accounts are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.lock().keys()).finish()
    }
}

impl Entry {
    fn view(&self) -> ProxyView {
        ProxyView {
            service: self.account.service.to_string(),
            account: self.account.account.to_string(),
            url: self.proxy.url().to_owned(),
        }
    }
}

impl Proxies {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Entry>> {
        self.running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every running proxy, ordered by account.
    pub fn list(&self) -> Vec<ProxyView> {
        self.lock().values().map(Entry::view).collect()
    }

    /// The running proxy of `account`, if any.
    pub fn get(&self, account: &AccountRef) -> Option<ProxyView> {
        self.lock().get(&account_key(account)).map(Entry::view)
    }

    /// Keeps `proxy` as `account`'s; when one was started meanwhile (two starts at once),
    /// `proxy` is handed back to be stopped and the one kept wins.
    fn insert(
        &self,
        account: &AccountRef,
        proxy: RunningProxy,
    ) -> (ProxyView, Option<RunningProxy>) {
        let mut running = self.lock();
        let key = account_key(account);
        if let Some(existing) = running.get(&key) {
            return (existing.view(), Some(proxy));
        }
        let entry = Entry {
            account: account.clone(),
            proxy,
        };
        let view = entry.view();
        running.insert(key, entry);
        (view, None)
    }

    fn take(&self, account: &AccountRef) -> Option<RunningProxy> {
        self.lock().remove(&account_key(account)).map(|e| e.proxy)
    }

    fn take_service(&self, service: &ServiceId) -> Vec<RunningProxy> {
        let mut running = self.lock();
        let keys: Vec<String> = running
            .iter()
            .filter(|(_, e)| &e.account.service == service)
            .map(|(k, _)| k.clone())
            .collect();
        keys.iter()
            .filter_map(|k| running.remove(k))
            .map(|e| e.proxy)
            .collect()
    }

    fn take_all(&self) -> Vec<RunningProxy> {
        std::mem::take(&mut *self.lock())
            .into_values()
            .map(|e| e.proxy)
            .collect()
    }

    /// Stops every proxy (on quit): each lets its answers under way finish, at most
    /// `proxy::STOP_TIMEOUT`, all at the same time.
    pub async fn stop_all(&self) {
        stop_together(self.take_all()).await;
    }
}

/// Stops `proxies`, all at the same time.
async fn stop_together(proxies: Vec<RunningProxy>) {
    let mut stopping = tokio::task::JoinSet::new();
    for proxy in proxies {
        stopping.spawn(proxy.stop());
    }
    while stopping.join_next().await.is_some() {}
}

/// The desktop as a proxy's front: hints in the window's words; a login required is
/// announced like the background refresh does it (notice, desktop notification) and
/// the account list reloads.
#[derive(Debug)]
struct DesktopFront {
    app: AppHandle,
    account: AccountRef,
}

impl ProxyFront for DesktopFront {
    fn word_hint(&self, hint: &Hint) -> String {
        crate::error::hint_text(hint)
    }

    fn login_required(&self, service: &ServiceId, error: &Error) {
        let state = self.app.state::<AppState>();
        if state.should_notify(&account_key(&self.account), None) {
            let name = state
                .broker
                .load_config()
                .ok()
                .and_then(|c| {
                    c.service(service)
                        .ok()
                        .map(|s| s.display_name(service.as_str()).to_owned())
                })
                .unwrap_or_else(|| service.to_string());
            crate::refresher::notify_login_needed(&self.app, &name, &crate::error::describe(error));
        }
        let _ = self.app.emit("accounts-changed", ());
    }
}

/// Starts `account`'s proxy on a free loopback port, or gives the one already running.
pub async fn start(app: &AppHandle, state: &AppState, account: &AccountRef) -> Result<ProxyView> {
    if let Some(view) = state.proxies.get(account) {
        return Ok(view);
    }
    let options = ProxyOptions {
        service: account.service.clone(),
        account: Some(account.account.clone()),
        listen: Listen::Loopback { port: 0 },
        openapi: None,
        // The app is the agent: the proxy asks its broker directly.
        agent: None,
        min_valid: state.settings().refresh_margin_secs.max(0),
    };
    let front = Arc::new(DesktopFront {
        app: app.clone(),
        account: account.clone(),
    });
    let running = proxy::start(state.broker.clone(), options, front).await?;
    let (view, extra) = state.proxies.insert(account, running);
    if let Some(extra) = extra {
        extra.stop().await;
    }
    tracing::info!("proxy for {account} started");
    Ok(view)
}

/// Stops `account`'s proxy (nothing when none runs).
pub async fn stop(state: &AppState, account: &AccountRef) {
    if let Some(proxy) = state.proxies.take(account) {
        proxy.stop().await;
        tracing::info!("proxy for {account} stopped");
    }
}

/// Removes `account` (keyring entries, state, configuration), its proxy stopped first so
/// that nothing serves a removed account (the proxy stays stopped if the removal fails).
pub async fn remove_account(state: &AppState, account: &AccountRef) -> Result<()> {
    stop(state, account).await;
    state
        .broker
        .remove_account(&account.service, &account.account)
        .await
}

/// Removes `service` with its accounts, their proxies stopped first.
pub async fn remove_service(state: &AppState, service: &ServiceId) -> Result<()> {
    let proxies = state.proxies.take_service(service);
    if !proxies.is_empty() {
        stop_together(proxies).await;
        tracing::info!("the proxies of '{service}' stopped (the service is being removed)");
    }
    state.broker.remove_service(service).await
}

fn running_url(state: &AppState, account: &AccountRef) -> Result<String> {
    state.proxies.get(account).map(|v| v.url).ok_or_else(|| {
        Error::Local(format!(
            "no proxy runs for {account}: start it in the service's panel first"
        ))
    })
}

/// Copies `account`'s proxy URL. It is not a token (it stops working with the proxy), so
/// the clipboard is not cleared later.
pub fn copy_url(app: &AppHandle, state: &AppState, account: &AccountRef) -> Result<()> {
    let url = running_url(state, account)?;
    app.clipboard()
        .write_text(url)
        .map_err(|e| Error::Local(format!("could not write to the clipboard: {e}")))
}

/// Opens the docs page the proxy serves (`<url>docs`) in the system browser.
pub fn open_docs(state: &AppState, account: &AccountRef) -> Result<()> {
    let docs = docs_url(&running_url(state, account)?);
    // The opener's errors may quote the URL: say what failed without it.
    authdeck_core::flows::BrowserOpener::open(state.opener.as_ref(), &docs).map_err(|e| {
        let said = e.to_string().replace(&docs, "<the proxy's docs URL>");
        Error::Local(format!(
            "could not open the proxy's docs page: {said}; copy the proxy URL and add `docs` to it in a browser"
        ))
    })
}

/// The docs page of a proxy whose base URL is `url` (which ends with `/`).
pub fn docs_url(url: &str) -> String {
    if url.ends_with('/') {
        format!("{url}docs")
    } else {
        format!("{url}/docs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_page_is_under_the_keyed_base() {
        assert_eq!(
            docs_url("http://127.0.0.1:4000/k3y/"),
            "http://127.0.0.1:4000/k3y/docs"
        );
        assert_eq!(
            docs_url("http://127.0.0.1:4000/k3y"),
            "http://127.0.0.1:4000/k3y/docs"
        );
    }

    #[test]
    fn the_debug_form_names_accounts_not_urls() {
        let proxies = Proxies::default();
        assert_eq!(format!("{proxies:?}"), "[]");
    }
}
