//! Background refresh while the app runs: tokens close to expiry are renewed ahead of
//! time through the broker (the same cross-process lock as the CLI), and an account that
//! needs a login again is announced once, with a desktop notification — ahead of time
//! when its deadline is foreseen (core's `relogin.rs`; the setting "warn N minutes
//! before"), one notification per account and token.

use std::time::Duration;

use authdeck_core::broker::{AccountStatus, StatusKind};
use authdeck_core::relogin::{DeadlineCause, LoginDeadline};
use authdeck_core::token::{relative_time, Clock, SystemClock};
use authdeck_core::ErrorKind;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::dto::{NoticeDto, NoticeLevel};
use crate::state::{account_key, AppState};
use authdeck_core::ids::AccountRef;

/// How often the accounts are looked at.
const TICK: Duration = Duration::from_secs(15);

/// The look interval: [`TICK`], or `AUTHDECK_REFRESH_TICK_SECS` (1–3600; for tests that
/// need many background refreshes in little time). A bad value keeps the default.
fn tick_interval() -> Duration {
    match std::env::var("AUTHDECK_REFRESH_TICK_SECS") {
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(secs) if (1..=3600).contains(&secs) => Duration::from_secs(secs),
            _ => {
                tracing::warn!(
                    "AUTHDECK_REFRESH_TICK_SECS must be 1 to 3600 seconds; using {} s",
                    TICK.as_secs()
                );
                TICK
            }
        },
        Err(_) => TICK,
    }
}

/// Starts the refresh loop.
pub fn spawn(app: AppHandle) {
    let interval = tick_interval();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(interval).await;
            // Quitting closes the tracker: no new look starts, and the one under way is
            // waited for (`AppState::finish`).
            let refreshes = app.state::<AppState>().refreshes.clone();
            if refreshes.is_closed() {
                break;
            }
            refreshes.track_future(tick(&app, interval)).await;
        }
    });
}

async fn tick(app: &AppHandle, interval: Duration) {
    let state = app.state::<AppState>();
    let broker = state.broker.clone();
    let statuses = match tokio::task::spawn_blocking(move || broker.status()).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            tracing::warn!("background refresh: cannot read the accounts: {e}");
            return;
        }
        Err(e) => {
            tracing::warn!("background refresh task failed: {e}");
            return;
        }
    };
    let margin = state.settings().refresh_margin_secs;
    // Look ahead by one tick so a token never expires between two looks.
    let horizon = SystemClock.now() + margin + i64::try_from(interval.as_secs()).unwrap_or(15);
    let mut changed = false;
    let warn_secs = state.settings().warn_before_login_secs();
    for account in statuses {
        if state.refreshes.is_closed() {
            // Quitting: finish the refresh under way, start no other.
            break;
        }
        let key = account_key(&AccountRef::new(
            account.service.clone(),
            account.account.clone(),
        ));
        if let Some(deadline) = account.login_deadline {
            if warn_secs > 0
                && deadline.warning_due(&SystemClock, warn_secs)
                && state.should_notify(&key, Some(deadline.at))
            {
                // The list and the tray show the warning from now on.
                changed = true;
                warn_login_ahead(app, &account, &deadline);
            }
        }
        let due = matches!(account.status, StatusKind::LoggedIn | StatusKind::Expired)
            && account.expires_at.is_some_and(|at| at <= horizon);
        if !due {
            continue;
        }
        let lead = margin + i64::try_from(interval.as_secs()).unwrap_or(15);
        match state
            .broker
            .token(&account.service, Some(&account.account), lead)
            .await
        {
            Ok(_) => changed = true,
            Err(e) if e.kind() == ErrorKind::LoginRequired => {
                changed = true;
                let deadline = account.login_deadline.map(|d| d.at);
                if state.should_notify(&key, deadline) {
                    notify_login_needed(app, &account.service_name, &crate::error::describe(&e));
                }
            }
            Err(e) => {
                // Kept in the account's activity, which the window shows.
                changed = true;
                tracing::warn!(
                    "background refresh of {}/{}: {e}",
                    account.service,
                    account.account
                );
            }
        }
    }
    if changed {
        let _ = app.emit("accounts-changed", ());
    }
}

/// The account as people name it: the service, and the account unless it is the default.
pub(crate) fn account_label(service_name: &str, account: &str) -> String {
    if account == authdeck_core::config::DEFAULT_ACCOUNT {
        service_name.to_owned()
    } else {
        format!("{service_name} ({account})")
    }
}

/// What warns of a login deadline: the desktop notification's title and body, and the
/// window's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warning {
    pub title: String,
    pub body: String,
    pub notice: String,
}

/// The warning of `deadline` for the account called `label`, at `now`.
pub(crate) fn warning_text(label: &str, deadline: &LoginDeadline, now: i64) -> Warning {
    let within = relative_time(deadline.at, now);
    let within = within.strip_prefix("in ").unwrap_or(&within);
    let why = match deadline.cause {
        DeadlineCause::AccessToken => "Its token ends then and cannot be renewed without you.",
        DeadlineCause::RefreshToken => {
            "Its session at the provider ends then: after that, only a new login gets tokens."
        }
    };
    Warning {
        title: format!("Authdeck: log in to {label} again within {within}"),
        body: format!("{why} Open Authdeck and choose “Log in again”."),
        notice: format!("Log in to {label} again within {within}."),
    }
}

/// Warns that `account` must log in again by `deadline`: a notice in the window and a
/// desktop notification.
fn warn_login_ahead(app: &AppHandle, account: &AccountStatus, deadline: &LoginDeadline) {
    let label = account_label(&account.service_name, account.account.as_str());
    let warning = warning_text(&label, deadline, SystemClock.now());
    let _ = app.emit(
        "notice",
        NoticeDto {
            level: NoticeLevel::Warning,
            message: warning.notice,
        },
    );
    show_notification(app, warning.title, warning.body);
}

/// A desktop notification (logged at debug level when the desktop has none).
pub(crate) fn show_notification(app: &AppHandle, title: String, body: String) {
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!("no desktop notification: {e}");
    }
}

/// Tells the user `service_name` needs a login: a notice in the window and a desktop
/// notification (also used by the proxies, `proxies.rs`).
pub(crate) fn notify_login_needed(app: &AppHandle, service_name: &str, message: &str) {
    let _ = app.emit(
        "notice",
        NoticeDto {
            level: NoticeLevel::Warning,
            message: format!("{service_name} needs a login again."),
        },
    );
    show_notification(
        app,
        format!("Authdeck: log in to {service_name} again"),
        message.to_owned(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_says_within_how_long_and_why() {
        let deadline = LoginDeadline {
            at: 1_000 + 9 * 60,
            cause: DeadlineCause::AccessToken,
        };
        let warning = warning_text("Oqtant", &deadline, 1_000);
        assert_eq!(
            warning.title,
            "Authdeck: log in to Oqtant again within 9 min"
        );
        assert_eq!(warning.notice, "Log in to Oqtant again within 9 min.");
        assert!(
            warning.body.contains("cannot be renewed") && warning.body.contains("Log in again"),
            "{warning:?}"
        );
        let session = LoginDeadline {
            cause: DeadlineCause::RefreshToken,
            ..deadline
        };
        let warning = warning_text("NOMAD (work)", &session, 1_000);
        assert!(
            warning.body.contains("session at the provider ends"),
            "{warning:?}"
        );
        assert_eq!(account_label("NOMAD", "work"), "NOMAD (work)");
        assert_eq!(account_label("NOMAD", "default"), "NOMAD");
    }
}
