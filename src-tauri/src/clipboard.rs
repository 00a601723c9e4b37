//! Copying tokens happens here, in Rust: the webview asks for a copy and never sees the
//! token. The clipboard is cleared after the configured delay if it still holds what we
//! put there (and only by the latest copy's timer).

use std::sync::atomic::Ordering;
use std::time::Duration;

use authdeck_core::activity::HandOut;
use authdeck_core::config::{HttpUrl, Service};
use authdeck_core::format::{self, TokenKind};
use authdeck_core::ids::AccountRef;
use authdeck_core::{AccessToken, Error, Result};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::dto::{CopyFormat, CopyOutcome, ExportOutcome, NoticeDto, NoticeLevel};
use crate::state::AppState;

/// The text to copy: `token` of service `id` in `format`, written by core's formatter
/// (an API key in its own header, query parameter or cookie).
pub fn text_to_copy(
    format: CopyFormat,
    token: &str,
    id: &str,
    service: &Service,
) -> Result<String> {
    let api_base = service.api_base.as_ref().map(HttpUrl::as_str);
    format::render(format.into(), token, &TokenKind::of(service), api_base).map_err(|e| {
        Error::Config(format!(
            "'{}': {e}: copy the key itself or the curl command instead",
            service.display_name(id)
        ))
    })
}

/// Copies a valid token (refreshed if needed) of `service`/`account` in `format`.
pub async fn copy(
    app: &AppHandle,
    state: &AppState,
    target: &AccountRef,
    format: CopyFormat,
) -> Result<CopyOutcome> {
    let settings = state.settings();
    let token = state
        .broker
        .token(
            &target.service,
            Some(&target.account),
            settings.refresh_margin_secs,
        )
        .await?;
    // A DPoP-bound token opens nothing alone: the error's hint points at the proxy.
    token.usable_alone(&target.service, Some(&target.account))?;
    let service = &target.service;
    let config = state.broker.load_config()?;
    // The access token in the chosen format: still the token, kept as one.
    let text = AccessToken::new(text_to_copy(
        format,
        token.access_token.expose(),
        service.as_str(),
        config.service(service)?,
    )?);
    app.clipboard()
        .write_text(text.expose().to_owned())
        .map_err(|e| Error::Local(format!("could not write to the clipboard: {e}")))?;
    state
        .broker
        .record_hand_out(service, Some(&target.account), HandOut::Copy)
        .await;
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

fn clear_if_ours(app: &AppHandle, generation: u64, text: &AccessToken) {
    let state = app.state::<AppState>();
    if state.clipboard_generation.load(Ordering::SeqCst) != generation {
        return; // a later copy owns the clipboard and its own timer
    }
    let still_ours = app
        .clipboard()
        .read_text()
        .is_ok_and(|current| current == text.expose());
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
    target: &AccountRef,
    format: CopyFormat,
) -> Result<CopyOutcome> {
    let service = &target.service;
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
    let outcome = copy(app, state, target, format).await?;
    authdeck_core::flows::BrowserOpener::open(state.opener.as_ref(), &docs)?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use authdeck_core::config::{Flow, KeyLocation, SwaggerKind, SwaggerScheme};

    use super::*;

    fn api_key_service(param: &str, location: KeyLocation) -> Service {
        Service {
            flow: Flow::ApiKey,
            api_base: HttpUrl::parse("https://api.test/v1").ok(),
            swagger: Some(SwaggerScheme {
                scheme: SwaggerKind::ApiKey,
                name: None,
                param: Some(param.into()),
                location: Some(location),
            }),
            ..Service::default()
        }
    }

    #[test]
    fn an_api_keys_header_copy_is_the_keys_own_header() {
        let service = api_key_service("X-Demo-Key", KeyLocation::Header);
        assert_eq!(
            text_to_copy(CopyFormat::Header, "k3y", "demo", &service).expect("text"),
            "X-Demo-Key: k3y"
        );
        assert_eq!(
            text_to_copy(CopyFormat::Curl, "k3y", "demo", &service).expect("text"),
            "curl -H 'X-Demo-Key: k3y' 'https://api.test/v1'"
        );
        // A key sent in the query has no header: an error that says what to copy.
        let query = api_key_service("key", KeyLocation::Query);
        let err = text_to_copy(CopyFormat::Header, "k3y", "demo", &query).expect_err("no header");
        assert!(err.to_string().contains("query parameter 'key'"), "{err}");
        assert!(!err.to_string().contains("k3y"), "{err}");
    }

    #[test]
    fn an_oauth_token_is_copied_as_a_bearer_token() {
        let service = Service {
            flow: Flow::AuthCode,
            api_base: HttpUrl::parse("https://api.test/v1").ok(),
            ..Service::default()
        };
        let copy = |format| text_to_copy(format, "t", "s", &service).expect("text");
        assert_eq!(copy(CopyFormat::Raw), "t");
        assert_eq!(copy(CopyFormat::Bearer), "Bearer t");
        assert_eq!(copy(CopyFormat::Header), "Authorization: Bearer t");
        assert_eq!(
            copy(CopyFormat::Curl),
            "curl -H 'Authorization: Bearer t' 'https://api.test/v1'"
        );
    }
}
