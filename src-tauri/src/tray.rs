//! The tray icon: how many accounts need a login (its tooltip and title, and a "Log in
//! again" item for each of them at the top of the menu), per account "Copy token" and
//! "Log in", plus "Open Authdeck" and "Quit". The menu is rebuilt when accounts change
//! (the refresher announces a warning that became due the same way), with the first
//! [`MAX_ACCOUNTS`] accounts only: a menu of thousands of items is of no use, and
//! building it blocks the main thread (and so the window) for seconds. A login started
//! here reports its outcome as a desktop notification (the window may be hidden). A
//! desktop without a tray (no StatusNotifier host) just has no tray: the window works
//! the same.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Manager};

use authdeck_core::token::{Clock, SystemClock};
use authdeck_core::ErrorKind;

use crate::dto::{AccountView, CopyFormat, NoticeDto, NoticeLevel, StatusKind};
use crate::refresher::{account_label, show_notification};
use crate::state::AppState;

const TRAY_ID: &str = "authdeck";

/// Accounts listed in the tray menu; the others are reached through the window.
const MAX_ACCOUNTS: usize = 12;

/// Creates the tray icon.
pub fn create(app: &AppHandle) -> tauri::Result<TrayIcon> {
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Authdeck")
        .menu(&menu(app, &[], &logins_needed(&[], 0))?)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)
}

/// Whether `account` needs a login at `now`: it is marked so, or the warning of its
/// deadline is due (the setting "warn N minutes before").
pub(crate) fn needs_login(account: &AccountView, now: i64) -> bool {
    match account.status {
        StatusKind::LoginRequired => true,
        StatusKind::NotLoggedIn => false,
        StatusKind::LoggedIn | StatusKind::Expired => account
            .login_deadline
            .is_some_and(|d| (d.warn_from..d.by).contains(&now)),
    }
}

/// What the tray says of the logins needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoginsNeeded {
    pub tooltip: String,
    /// Beside the icon (where the desktop shows it): the count, when there is one.
    pub title: Option<String>,
    /// The menu's first (inert) line, when logins are needed.
    pub header: Option<String>,
    /// `(menu id, label)` of a "Log in again" item per account needing a login.
    pub items: Vec<(String, String)>,
}

/// The tray's words for `accounts` at `now`.
pub(crate) fn logins_needed(accounts: &[AccountView], now: i64) -> LoginsNeeded {
    let needing: Vec<&AccountView> = accounts.iter().filter(|a| needs_login(a, now)).collect();
    let count = match needing.len() {
        0 => None,
        1 => Some("1 account needs a login".to_owned()),
        n => Some(format!("{n} accounts need a login")),
    };
    LoginsNeeded {
        tooltip: count
            .as_ref()
            .map_or_else(|| "Authdeck".to_owned(), |c| format!("Authdeck — {c}")),
        title: (!needing.is_empty()).then(|| needing.len().to_string()),
        header: count,
        items: needing
            .iter()
            .take(MAX_ACCOUNTS)
            .map(|a| {
                (
                    format!("login\u{1f}{}\u{1f}{}", a.service, a.account),
                    format!(
                        "Log in again — {}",
                        account_label(&a.service_name, &a.account)
                    ),
                )
            })
            .collect(),
    }
}

/// Rebuilds the menu for `accounts`, and the tooltip and title with the logins needed.
pub fn update(app: &AppHandle, accounts: &[AccountView]) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let needed = logins_needed(accounts, SystemClock.now());
    if let Err(e) = tray.set_tooltip(Some(&needed.tooltip)) {
        tracing::debug!("no tray tooltip: {e}");
    }
    if let Err(e) = tray.set_title(needed.title.as_deref()) {
        tracing::debug!("no tray title: {e}");
    }
    match menu(app, accounts, &needed) {
        Ok(m) => {
            if let Err(e) = tray.set_menu(Some(m)) {
                tracing::warn!("could not update the tray menu: {e}");
            }
        }
        Err(e) => tracing::warn!("could not build the tray menu: {e}"),
    }
}

fn menu(
    app: &AppHandle,
    accounts: &[AccountView],
    needed: &LoginsNeeded,
) -> tauri::Result<Menu<tauri::Wry>> {
    let menu = Menu::new(app)?;
    if let Some(header) = &needed.header {
        menu.append(&MenuItem::with_id(
            app,
            "logins-needed",
            header,
            false,
            None::<&str>,
        )?)?;
        for (id, label) in &needed.items {
            // The same id as the account's "Log in" below: one handler.
            menu.append(&MenuItem::with_id(
                app,
                format!("again\u{1f}{id}"),
                label,
                true,
                None::<&str>,
            )?)?;
        }
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    for a in accounts.iter().take(MAX_ACCOUNTS) {
        let label = account_label(&a.service_name, &a.account);
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
    // "Log in again" items carry the id of the account's "Log in".
    let parts = match parts.as_slice() {
        ["again", rest @ ..] => rest,
        all => all,
    };
    match parts {
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
                if let Err(e) = &logged_in {
                    tracing::warn!("tray login failed: {e}");
                }
                let name = logged_in
                    .as_ref()
                    .map(|v| v.service_name.clone())
                    .or_else(|_| service_name(&state, &service))
                    .unwrap_or_else(|_| service.clone());
                if let Some((title, body)) =
                    login_outcome(&account_label(&name, &account), &logged_in)
                {
                    show_notification(&app, title, body);
                }
            });
        }
        _ => {}
    }
}

/// The display name of `service` (for a login that failed before its view was read).
fn service_name(state: &AppState, service: &str) -> authdeck_core::Result<String> {
    let config = state.broker.load_config()?;
    Ok(config.service(service)?.display_name(service).to_owned())
}

/// The desktop notification that reports a login started from the tray: success, or the
/// error in the window's words; nothing when the user cancelled it.
pub(crate) fn login_outcome(
    label: &str,
    outcome: &authdeck_core::Result<AccountView>,
) -> Option<(String, String)> {
    match outcome {
        Ok(_) => Some((
            format!("Authdeck: logged in to {label}"),
            "A new token is ready to copy.".to_owned(),
        )),
        Err(e) if e.kind() == ErrorKind::Cancelled => None,
        Err(e) => Some((
            format!("Authdeck: the login to {label} failed"),
            crate::error::describe(e),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use authdeck_core::broker::{AccountStatus, StatusKind as Core};
    use authdeck_core::config::{Config, Flow};
    use authdeck_core::ids::{AccountName, ServiceId};
    use authdeck_core::relogin::{DeadlineCause, LoginDeadline};

    const NOW: i64 = 1_800_000_000;

    fn view(service: &str, account: &str, status: Core, deadline: Option<i64>) -> AccountView {
        let status = AccountStatus {
            service: ServiceId::parse(service).expect("id"),
            service_name: service.to_uppercase(),
            account: AccountName::parse(account).expect("name"),
            flow: Flow::AuthCode,
            status,
            expires_at: deadline,
            reason: None,
            scopes: Vec::new(),
            obtained_at: None,
            app_token_expires_at: None,
            login_deadline: deadline.map(|at| LoginDeadline {
                at,
                cause: DeadlineCause::AccessToken,
            }),
            dpop_bound: false,
        };
        // Warned ten minutes ahead.
        AccountView::new(&status, &Config::default(), 600)
    }

    #[test]
    fn the_tray_counts_accounts_that_need_a_login_now_or_soon() {
        let calm = logins_needed(
            &[
                view("a", "default", Core::LoggedIn, Some(NOW + 3600)),
                view("b", "default", Core::NotLoggedIn, None),
                view("c", "default", Core::LoggedIn, None),
            ],
            NOW,
        );
        assert_eq!(
            calm,
            LoginsNeeded {
                tooltip: "Authdeck".into(),
                title: None,
                header: None,
                items: Vec::new(),
            }
        );
        let accounts = [
            view("a", "default", Core::LoggedIn, Some(NOW + 300)),
            view("b", "work", Core::LoginRequired, None),
            view("c", "default", Core::LoggedIn, Some(NOW + 3600)),
            // Past its deadline but not yet marked: the status will say so.
            view("d", "default", Core::LoggedIn, Some(NOW - 1)),
        ];
        let needed = logins_needed(&accounts, NOW);
        assert_eq!(needed.tooltip, "Authdeck — 2 accounts need a login");
        assert_eq!(needed.title.as_deref(), Some("2"));
        assert_eq!(needed.header.as_deref(), Some("2 accounts need a login"));
        let labels: Vec<_> = needed.items.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Log in again — A", "Log in again — B (work)"]);
        assert_eq!(needed.items[1].0, "login\u{1f}b\u{1f}work");
        // Fifty minutes later the third one's warning is due too; one alone is singular.
        assert_eq!(
            logins_needed(&accounts, NOW + 3000).tooltip,
            "Authdeck — 2 accounts need a login"
        );
        assert_eq!(
            logins_needed(&accounts[..1], NOW).tooltip,
            "Authdeck — 1 account needs a login"
        );
    }

    #[test]
    fn a_tray_login_reports_success_or_the_error_but_not_a_cancel() {
        let ok = Ok(view("a", "default", Core::LoggedIn, None));
        assert_eq!(
            login_outcome("Oqtant", &ok).map(|(t, _)| t).as_deref(),
            Some("Authdeck: logged in to Oqtant")
        );
        let refused = Err(authdeck_core::Error::refused(
            authdeck_core::Refusal::ConsentDenied,
            "the login was denied",
        ));
        let (title, body) = login_outcome("Oqtant", &refused).expect("reported");
        assert_eq!(title, "Authdeck: the login to Oqtant failed");
        assert!(body.contains("denied"), "{body}");
        let cancelled = Err(authdeck_core::Error::Cancelled);
        assert_eq!(login_outcome("Oqtant", &cancelled), None);
    }
}
