//! The commands the webview may call: each is a one-line adapter over a function of
//! the shell's modules (which wrap `authdeck-core`). No logic and no I/O here.
//!
//! Keep [`COMMANDS`] in step with the handler list in `lib.rs`: it is what
//! `ui/src/bindings/commands.ts` is generated from.

use tauri::{AppHandle, State};

use crate::dto::{
    AccountView, AppInfo, CopyFormat, CopyOutcome, DiscoveredEndpoints, NewServiceFromPreset,
    NewServiceManual, PresetView, Settings, TokenSummary,
};
use crate::error::CmdResult;
use crate::state::{account_key, AppState};
use crate::{clipboard, login as logins, services, views};

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        demo: state.demo,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> CmdResult<Vec<AccountView>> {
    Ok(views::accounts(&state).await?)
}

#[tauri::command]
pub fn list_presets() -> Vec<PresetView> {
    authdeck_core::config::presets::PRESETS
        .iter()
        .map(PresetView::from)
        .collect()
}

#[tauri::command]
pub async fn add_service_from_preset(
    state: State<'_, AppState>,
    req: NewServiceFromPreset,
) -> CmdResult<()> {
    Ok(services::add_from_preset(&state, req).await?)
}

#[tauri::command]
pub async fn add_service_manual(
    state: State<'_, AppState>,
    req: NewServiceManual,
) -> CmdResult<()> {
    Ok(services::add_manual(&state, req).await?)
}

#[tauri::command]
pub async fn discover(
    state: State<'_, AppState>,
    issuer: String,
) -> CmdResult<DiscoveredEndpoints> {
    Ok(services::discover(&state, &issuer).await?)
}

#[tauri::command]
pub async fn remove_service(state: State<'_, AppState>, service: String) -> CmdResult<()> {
    Ok(state.broker.remove_service(&service).await?)
}

#[tauri::command]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    service: String,
    account: String,
) -> CmdResult<AccountView> {
    Ok(logins::login(&app, &state, &service, &account).await?)
}

#[tauri::command]
pub fn cancel_login(state: State<'_, AppState>, service: String, account: String) {
    state.cancel_login(&account_key(&service, &account));
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>, service: String, account: String) -> CmdResult<()> {
    Ok(state
        .broker
        .logout(&service, Some(&account))
        .await
        .map(|_| ())?)
}

#[tauri::command]
pub async fn token_summary(
    state: State<'_, AppState>,
    service: String,
    account: String,
) -> CmdResult<Option<TokenSummary>> {
    Ok(views::token_summary(&state, &service, &account).await?)
}

#[tauri::command]
pub async fn copy_token(
    app: AppHandle,
    state: State<'_, AppState>,
    service: String,
    account: String,
    format: CopyFormat,
) -> CmdResult<CopyOutcome> {
    Ok(clipboard::copy(&app, &state, &service, &account, format).await?)
}

#[tauri::command]
pub async fn copy_and_open_docs(
    app: AppHandle,
    state: State<'_, AppState>,
    service: String,
    account: String,
    format: CopyFormat,
) -> CmdResult<CopyOutcome> {
    Ok(clipboard::copy_and_open_docs(&app, &state, &service, &account, format).await?)
}

/// The one command that sends a token to the webview: only on the user's explicit request.
#[tauri::command]
pub async fn reveal_token(
    state: State<'_, AppState>,
    service: String,
    account: String,
) -> CmdResult<String> {
    Ok(state
        .broker
        .token(&service, Some(&account), 0)
        .await?
        .access_token
        .expose()
        .clone())
}

#[tauri::command]
pub async fn create_app_token(
    state: State<'_, AppState>,
    service: String,
    account: String,
    expires_in_secs: u64,
) -> CmdResult<AccountView> {
    Ok(views::create_app_token(&state, &service, &account, expires_in_secs).await?)
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    Settings::from(&state.settings())
}

#[tauri::command]
pub fn set_settings(state: State<'_, AppState>, settings: Settings) -> CmdResult<Settings> {
    Ok(Settings::from(&state.set_settings((&settings).into())?))
}

#[tauri::command]
pub fn open_url(state: State<'_, AppState>, url: String) -> CmdResult<()> {
    Ok(authdeck_core::flows::BrowserOpener::open(
        state.opener.as_ref(),
        &url,
    )?)
}

/// One command for the TypeScript bindings: JS name, Rust name, parameters (TS), the
/// argument object passed to `invoke`, and the result type (TS).
#[cfg(test)]
pub struct CommandSig {
    pub js: &'static str,
    pub rust: &'static str,
    pub params: &'static str,
    pub args: &'static str,
    pub returns: &'static str,
}

#[cfg(test)]
const fn sig(
    js: &'static str,
    rust: &'static str,
    params: &'static str,
    args: &'static str,
    returns: &'static str,
) -> CommandSig {
    CommandSig {
        js,
        rust,
        params,
        args,
        returns,
    }
}

/// Every command, in the order of `ui/src/bindings/commands.ts`.
#[cfg(test)]
pub const COMMANDS: &[CommandSig] = &[
    sig("appInfo", "app_info", "", "", "AppInfo"),
    sig("listAccounts", "list_accounts", "", "", "AccountView[]"),
    sig("listPresets", "list_presets", "", "", "PresetView[]"),
    sig(
        "addServiceFromPreset",
        "add_service_from_preset",
        "req: NewServiceFromPreset",
        "{ req }",
        "null",
    ),
    sig(
        "addServiceManual",
        "add_service_manual",
        "req: NewServiceManual",
        "{ req }",
        "null",
    ),
    sig(
        "discover",
        "discover",
        "issuer: string",
        "{ issuer }",
        "DiscoveredEndpoints",
    ),
    sig(
        "removeService",
        "remove_service",
        "service: string",
        "{ service }",
        "null",
    ),
    sig(
        "login",
        "login",
        "service: string, account: string",
        "{ service, account }",
        "AccountView",
    ),
    sig(
        "cancelLogin",
        "cancel_login",
        "service: string, account: string",
        "{ service, account }",
        "null",
    ),
    sig(
        "logout",
        "logout",
        "service: string, account: string",
        "{ service, account }",
        "null",
    ),
    sig(
        "tokenSummary",
        "token_summary",
        "service: string, account: string",
        "{ service, account }",
        "TokenSummary | null",
    ),
    sig(
        "copyToken",
        "copy_token",
        "service: string, account: string, format: CopyFormat",
        "{ service, account, format }",
        "CopyOutcome",
    ),
    sig(
        "copyAndOpenDocs",
        "copy_and_open_docs",
        "service: string, account: string, format: CopyFormat",
        "{ service, account, format }",
        "CopyOutcome",
    ),
    sig(
        "revealToken",
        "reveal_token",
        "service: string, account: string",
        "{ service, account }",
        "string",
    ),
    sig(
        "createAppToken",
        "create_app_token",
        "service: string, account: string, expiresInSecs: number",
        "{ service, account, expiresInSecs }",
        "AccountView",
    ),
    sig("getSettings", "get_settings", "", "", "Settings"),
    sig(
        "setSettings",
        "set_settings",
        "settings: Settings",
        "{ settings }",
        "Settings",
    ),
    sig("openUrl", "open_url", "url: string", "{ url }", "null"),
];
