//! Authdeck's desktop shell: wires `authdeck-core` into a Tauri 2 app.
//!
//! - `state`: the one managed [`state::AppState`] (broker, settings, running logins).
//! - `commands`: one-line command adapters; `dto`: what the webview sees; `bindings`:
//!   their generated TypeScript twins.
//! - `login`, `clipboard`, `services`, `views`: what the commands call.
//! - `refresher` (background refresh), `tray`, `opener` (URLs: AUTHDECK_BROWSER or the
//!   opener plugin).
//! - `agent_host`: the token agent for `authdeck token`, served while the app runs.
//! - `proxies`: the accounts' injecting proxies (`authdeck proxy` in the window).
//! - `startup`: first-paint timing for the benchmarks; `webview`: GTK and WebKit started
//!   without OpenGL probes, and WebKit's memory-lean settings.
//!
//! `authdeck-desktop --demo` starts `demo-idp` in-process and shows the five demo
//! services, fully working offline (`demo`; only with the `demo` cargo feature).

mod agent_host;
#[cfg(test)]
mod bindings;
mod clipboard;
mod commands;
mod demo;
mod dto;
mod error;
mod login;
mod opener;
mod proxies;
mod refresher;
mod services;
mod startup;
mod state;
mod tray;
mod views;
mod webview;

use std::sync::Arc;

use authdeck_core::{Broker, Result};
use tauri::{Listener, Manager, RunEvent, WindowEvent};

use crate::opener::AppOpener;
use crate::state::AppState;

/// Starts the app (blocks until it quits).
pub fn run() {
    startup::mark();
    authdeck_core::panic_report::install("authdeck-desktop");
    init_logging();
    // Before the app starts any thread (see there).
    webview::start_gtk();
    startup::stamp("gtk started");
    let demo = std::env::args().skip(1).any(|a| a == "--demo");
    let opener = Arc::new(AppOpener::default());
    let state = match tauri::async_runtime::block_on(prepare(demo, Arc::clone(&opener))) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("authdeck-desktop: {e}");
            std::process::exit(e.kind().exit_code());
        }
    };
    startup::stamp("prepared");
    let first_list = tauri::async_runtime::block_on(first_list_script(&state));
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .invoke_handler(commands::handler())
        .setup(move |app| {
            startup::stamp("setup");
            let handle = app.handle().clone();
            // The window of tauri.conf.json (`"create": false`), made here to hand the page
            // its first list.
            if let Some(config) = app.config().app.windows.first().cloned() {
                let mut window = tauri::WebviewWindowBuilder::from_config(&handle, &config)?;
                if let Some(script) = first_list {
                    window = window.initialization_script(script);
                }
                webview::tune(&window.build()?);
                startup::stamp("window created");
            }
            app.state::<AppState>().opener.attach(handle.clone());
            quit_on_signals(&handle);
            refresher::spawn(handle.clone());
            // The tray and the agent wait until the page has painted its list (or
            // DEFERRED_AT_LATEST, for a window that never paints: hidden, or a page that
            // failed), so the window's start does not wait for them.
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(DEFERRED_AT_LATEST).await;
                after_first_paint(&handle);
            });
            startup::stamp("setup done");
            Ok(())
        })
        .on_page_load(|_, payload| {
            startup::stamp(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page load started",
                tauri::webview::PageLoadEvent::Finished => "page load finished",
            });
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                let app = window.app_handle();
                let keep = app.state::<AppState>().settings().keep_in_tray;
                if keep && app.tray_by_id("authdeck").is_some() {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|app, event| match event {
            RunEvent::Ready => startup::stamp("event loop ready"),
            RunEvent::Exit => app.state::<AppState>().finish(),
            _ => {}
        }),
        Err(e) => {
            eprintln!("authdeck-desktop: could not start the window: {e}");
            std::process::exit(1);
        }
    }
}

/// How long after setup the tray and the agent start when the page has not reported its
/// first paint by then.
const DEFERRED_AT_LATEST: std::time::Duration = std::time::Duration::from_secs(3);

/// Starts what the first paint does not need: the tray icon (and its menu of accounts)
/// and the token agent. Runs once, on the first call: the page's first paint (the
/// `first_paint` command) or [`DEFERRED_AT_LATEST`] after setup.
pub(crate) fn after_first_paint(app: &tauri::AppHandle) {
    static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if STARTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let handle = app.clone();
    // The tray is GTK: build it on the main thread.
    let run = app.run_on_main_thread(move || {
        if let Err(e) = tray::create(&handle) {
            tracing::warn!("no tray icon: {e}");
        }
        refresh_tray(&handle);
        let for_tray = handle.clone();
        handle.listen("accounts-changed", move |_| refresh_tray(&for_tray));
        let state = handle.state::<AppState>();
        // Not when the app is already quitting (`AppState::finish` has run): nothing
        // would stop this agent and remove its socket.
        if !state.refreshes.is_closed() {
            state.agent.start(state.broker.clone(), &state.namespace);
        }
        startup::stamp("tray and agent started");
    });
    if let Err(e) = run {
        tracing::warn!("no tray icon and no agent: {e}");
    }
}

/// The first service list for the page, as an initialization script that sets
/// `window.__AUTHDECK_FIRST_LIST__` (ui/src/actions.ts `takeFirstList`): the page paints
/// it without waiting for a `list_accounts` round trip (which costs 15-30 ms of a cold
/// start), then asks `list_accounts` as usual for the current list. The same views that
/// command returns: no secrets. `None` when the list cannot be read: the page asks, and
/// shows the error the usual way.
async fn first_list_script(state: &AppState) -> Option<String> {
    let accounts = views::accounts(state).await.ok()?;
    // A JSON text inside a JS string literal (serde_json escapes it), parsed by the page.
    let json = serde_json::to_string(&serde_json::to_string(&accounts).ok()?).ok()?;
    Some(format!(
        "Object.defineProperty(window, \"__AUTHDECK_FIRST_LIST__\", \
         {{ value: JSON.parse({json}), configurable: true }});"
    ))
}

/// The state: the user's broker, or in demo mode the demo broker with its server.
async fn prepare(demo: bool, opener: Arc<AppOpener>) -> Result<AppState> {
    if !demo {
        let broker = Broker::from_env()?.with_browser(opener.clone());
        let namespace = authdeck_core::vault::default_namespace();
        return AppState::new(broker, opener, namespace, None);
    }
    demo::start(opener).await
}

/// SIGTERM and SIGINT quit the app the normal way (so the agent removes its socket).
fn quit_on_signals(app: &tauri::AppHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                tracing::warn!(
                    "cannot watch SIGTERM/SIGINT: the app quits without cleanup on them"
                );
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            app.exit(0);
        });
    }
    #[cfg(not(unix))]
    let _ = app;
}

fn refresh_tray(app: &tauri::AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        match views::accounts(&state).await {
            Ok(accounts) => tray::update(&app, &accounts),
            Err(e) => tracing::debug!("tray not updated: {e}"),
        }
    });
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AUTHDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
