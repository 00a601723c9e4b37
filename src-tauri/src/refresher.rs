//! Background refresh while the app runs: tokens close to expiry are renewed ahead of
//! time through the broker (the same cross-process lock as the CLI), and an account that
//! needs a login again is announced once, with a desktop notification.

use std::time::Duration;

use authdeck_core::broker::StatusKind;
use authdeck_core::token::{Clock, SystemClock};
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
    for account in statuses {
        if state.refreshes.is_closed() {
            // Quitting: finish the refresh under way, start no other.
            break;
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
                let key = account_key(&AccountRef::new(
                    account.service.clone(),
                    account.account.clone(),
                ));
                if state.should_notify(&key) {
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
    if let Err(e) = app
        .notification()
        .builder()
        .title(format!("Authdeck: log in to {service_name} again"))
        .body(message)
        .show()
    {
        tracing::debug!("no desktop notification: {e}");
    }
}
