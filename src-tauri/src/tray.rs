//! The tray icon: per account "Copy token" and "Log in", plus "Open Authdeck" and
//! "Quit". The menu is rebuilt when accounts change, with the first [`MAX_ACCOUNTS`]
//! accounts only: a menu of thousands of items is of no use, and building it blocks the
//! main thread (and so the window) for seconds. A desktop without a tray (no
//! StatusNotifier host) just has no tray: the window works the same.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Manager};

use crate::dto::{AccountView, CopyFormat, NoticeDto, NoticeLevel};
use crate::state::AppState;

const TRAY_ID: &str = "authdeck";

/// Accounts listed in the tray menu; the others are reached through the window.
const MAX_ACCOUNTS: usize = 12;

/// Creates the tray icon.
pub fn create(app: &AppHandle) -> tauri::Result<TrayIcon> {
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Authdeck")
        .menu(&menu(app, &[])?)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)
}

/// Rebuilds the menu for `accounts`.
pub fn update(app: &AppHandle, accounts: &[AccountView]) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    match menu(app, accounts) {
        Ok(m) => {
            if let Err(e) = tray.set_menu(Some(m)) {
                tracing::warn!("could not update the tray menu: {e}");
            }
        }
        Err(e) => tracing::warn!("could not build the tray menu: {e}"),
    }
}

fn menu(app: &AppHandle, accounts: &[AccountView]) -> tauri::Result<Menu<tauri::Wry>> {
    let menu = Menu::new(app)?;
    for a in accounts.iter().take(MAX_ACCOUNTS) {
        let label = if a.account == "default" {
            a.service_name.clone()
        } else {
            format!("{} ({})", a.service_name, a.account)
        };
        let id = format!("{}\u{1f}{}", a.service, a.account);
        menu.append(&MenuItem::with_id(
            app,
            format!("copy\u{1f}{id}"),
            format!("Copy token — {label}"),
            true,
            None::<&str>,
        )?)?;
        menu.append(&MenuItem::with_id(
            app,
            format!("login\u{1f}{id}"),
            format!("Log in — {label}"),
            true,
            None::<&str>,
        )?)?;
    }
    if !accounts.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    let open = if accounts.len() > MAX_ACCOUNTS {
        format!("Open Authdeck (all {} accounts)", accounts.len())
    } else {
        "Open Authdeck".to_owned()
    };
    menu.append(&MenuItem::with_id(app, "open", open, true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

/// Shows and focuses the main window.
pub fn show_window(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

fn on_menu(app: &AppHandle, id: &str) {
    let parts: Vec<&str> = id.split('\u{1f}').collect();
    match parts.as_slice() {
        ["open"] => show_window(app),
        ["quit"] => app.exit(0),
        ["copy", service, account] => {
            let (app, service, account) =
                (app.clone(), (*service).to_owned(), (*account).to_owned());
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                let copied = match crate::state::account_ref(&service, &account) {
                    Ok(target) => {
                        crate::clipboard::copy(&app, &state, &target, CopyFormat::Raw).await
                    }
                    Err(e) => Err(e),
                };
                if let Err(e) = copied {
                    let _ = app.emit(
                        "notice",
                        NoticeDto {
                            level: NoticeLevel::Error,
                            message: format!("Copy failed: {e}"),
                        },
                    );
                    show_window(&app);
                }
            });
        }
        ["login", service, account] => {
            show_window(app);
            let (app, service, account) =
                (app.clone(), (*service).to_owned(), (*account).to_owned());
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                let target = crate::state::account_ref(&service, &account);
                let logged_in = match target {
                    Ok(target) => crate::login::login(&app, &state, &target).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = logged_in {
                    tracing::warn!("tray login failed: {e}");
                }
            });
        }
        _ => {}
    }
}
