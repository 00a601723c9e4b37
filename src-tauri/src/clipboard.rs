//! Copying tokens happens here, in Rust: the webview asks for a copy and never sees the
//! token. The clipboard is cleared after the configured delay if it still holds what we
//! put there (and only by the latest copy's timer).

use std::sync::atomic::Ordering;
use std::time::Duration;

use authdeck_core::{Error, Result, Secret};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::dto::{CopyFormat, CopyOutcome, ExportOutcome, NoticeDto, NoticeLevel};
use crate::state::AppState;

/// The text to copy for `format`.
pub fn render(format: CopyFormat, token: &str, api_base: Option<&str>) -> String {
    match format {
        CopyFormat::Raw => token.to_owned(),
        CopyFormat::Bearer => format!("Bearer {token}"),
        CopyFormat::Header => format!("Authorization: Bearer {token}"),
        CopyFormat::Curl => format!(
            "curl -H 'Authorization: Bearer {token}' '{}'",
            api_base.unwrap_or("https://api.example.org/")
        ),
    }
}

/// Copies a valid token (refreshed if needed) of `service`/`account` in `format`.
pub async fn copy(
    app: &AppHandle,
    state: &AppState,
    service: &str,
    account: &str,
    format: CopyFormat,
) -> Result<CopyOutcome> {
    let settings = state.settings();
    let token = state
        .broker
        .token(service, Some(account), settings.refresh_margin_secs)
        .await?;
    let config = state.broker.load_config()?;
    let api_base = config
        .service(service)?
        .api_base
        .as_ref()
        .map(|u| u.to_string());
    let text = Secret::new(render(
        format,
        token.access_token.expose(),
        api_base.as_deref(),
    ));
    app.clipboard()
        .write_text(text.expose().clone())
        .map_err(|e| Error::Local(format!("could not write to the clipboard: {e}")))?;
    let generation = state.clipboard_generation.fetch_add(1, Ordering::SeqCst) + 1;
    let delay = settings.clipboard_clear_secs;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(delay)).await;
        clear_if_ours(&app, generation, &text);
    });
    Ok(CopyOutcome {
        clears_in_secs: delay,
    })
}

fn clear_if_ours(app: &AppHandle, generation: u64, text: &Secret<String>) {
    let state = app.state::<AppState>();
    if state.clipboard_generation.load(Ordering::SeqCst) != generation {
        return; // a later copy owns the clipboard and its own timer
    }
    let still_ours = app
        .clipboard()
        .read_text()
        .is_ok_and(|current| &current == text.expose());
    if !still_ours {
        return;
    }
    if let Err(e) = app.clipboard().write_text(String::new()) {
        tracing::warn!("could not clear the clipboard: {e}");
        return;
    }
    let _ = app.emit("clipboard-cleared", ());
    let _ = app.emit(
        "notice",
        NoticeDto {
            level: NoticeLevel::Info,
            message: "The copied token was cleared from the clipboard.".into(),
        },
    );
}

/// Copies service definitions (a team file: no secret in it) for sharing. Not a token,
/// so the clipboard is not cleared later.
pub fn copy_definitions(app: &AppHandle, (count, text): (usize, String)) -> Result<ExportOutcome> {
    app.clipboard()
        .write_text(text.clone())
        .map_err(|e| Error::Local(format!("could not write to the clipboard: {e}")))?;
    Ok(ExportOutcome { count, text })
}

/// Copies the token, then opens the service's API docs page.
pub async fn copy_and_open_docs(
    app: &AppHandle,
    state: &AppState,
    service: &str,
    account: &str,
    format: CopyFormat,
) -> Result<CopyOutcome> {
    let config = state.broker.load_config()?;
    let docs = config
        .service(service)?
        .docs_url
        .as_ref()
        .map(|u| u.to_string())
        .ok_or_else(|| {
            Error::Config(format!(
                "'{service}' has no docs URL: add one in its settings"
            ))
        })?;
    let outcome = copy(app, state, service, account, format).await?;
    authdeck_core::flows::BrowserOpener::open(state.opener.as_ref(), &docs)?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(render(CopyFormat::Raw, "t", None), "t");
        assert_eq!(render(CopyFormat::Bearer, "t", None), "Bearer t");
        assert_eq!(
            render(CopyFormat::Header, "t", None),
            "Authorization: Bearer t"
        );
        assert_eq!(
            render(CopyFormat::Curl, "t", Some("https://api.test/v1")),
            "curl -H 'Authorization: Bearer t' 'https://api.test/v1'"
        );
    }
}
