//! Logins from the app: the core flow, with its events forwarded to the webview as
//! `login-event` (device codes with a QR code of the verification link).

use authdeck_core::flows::LoginEvent;
use authdeck_core::{ErrorKind, Result};
use qrcode::render::svg;
use qrcode::QrCode;
use tauri::{AppHandle, Emitter};

use crate::dto::{AccountView, LoginEventDto, LoginEventKind};
use crate::state::{account_key, AppState};
use authdeck_core::ids::AccountRef;

/// Runs the login of `service`/`account`, reporting progress as events.
pub async fn login(app: &AppHandle, state: &AppState, target: &AccountRef) -> Result<AccountView> {
    let key = account_key(target);
    let (service, account) = (target.service.as_str(), target.account.as_str());
    let cancel = state.start_login(&key)?;
    let send = |dto: LoginEventDto| {
        if let Err(e) = app.emit("login-event", dto) {
            tracing::warn!("could not send the login event: {e}");
        }
    };
    // Every login is announced and concluded by events, so the window follows logins
    // started elsewhere (the tray) as well as its own.
    send(bare_dto(service, account, LoginEventKind::Started));
    let observer = |event: LoginEvent| send(event_dto(service, account, event));
    let result = state
        .broker
        .login(&target.service, Some(&target.account), &observer, &cancel)
        .await;
    state.end_login(&key);
    let ending = match &result {
        Ok(_) => bare_dto(service, account, LoginEventKind::Finished),
        Err(e) if e.kind() == ErrorKind::Cancelled => {
            bare_dto(service, account, LoginEventKind::Cancelled)
        }
        Err(e) => LoginEventDto {
            message: Some(crate::error::describe(e)),
            ..bare_dto(service, account, LoginEventKind::Failed)
        },
    };
    send(ending);
    // Also after a failure: the account may now need a login (the list and tray follow).
    let _ = app.emit("accounts-changed", ());
    result?;
    crate::views::account(state, target).await
}

fn bare_dto(service: &str, account: &str, kind: LoginEventKind) -> LoginEventDto {
    LoginEventDto {
        service: service.to_owned(),
        account: account.to_owned(),
        kind,
        url: None,
        message: None,
        user_code: None,
        verification_uri: None,
        verification_uri_complete: None,
        expires_in: None,
        qr_svg: None,
    }
}

fn event_dto(service: &str, account: &str, event: LoginEvent) -> LoginEventDto {
    let mut dto = bare_dto(service, account, LoginEventKind::OpenBrowser);
    match event {
        LoginEvent::OpenBrowser { url } => dto.url = Some(url),
        LoginEvent::BrowserFailed { url, message } => {
            dto.kind = LoginEventKind::BrowserFailed;
            dto.url = Some(url);
            dto.message = Some(message);
        }
        LoginEvent::DeviceCode {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in,
        } => {
            dto.kind = LoginEventKind::DeviceCode;
            let link = verification_uri_complete
                .as_deref()
                .unwrap_or(&verification_uri);
            dto.qr_svg = qr_svg(link);
            dto.user_code = Some(user_code);
            dto.verification_uri = Some(verification_uri);
            dto.verification_uri_complete = verification_uri_complete;
            dto.expires_in = Some(expires_in);
        }
    }
    dto
}

/// An SVG QR code of `text` (None if it is too long to encode).
fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_events_carry_a_qr_code() {
        let dto = event_dto(
            "s",
            "a",
            LoginEvent::DeviceCode {
                user_code: "ABCD-EFGH".into(),
                verification_uri: "https://id.test/device".into(),
                verification_uri_complete: Some(
                    "https://id.test/device?user_code=ABCD-EFGH".into(),
                ),
                expires_in: 600,
            },
        );
        assert_eq!(dto.kind, LoginEventKind::DeviceCode);
        assert!(dto.qr_svg.as_deref().is_some_and(|s| s.contains("<svg")));
    }
}
