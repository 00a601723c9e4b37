//! The commands the webview may call: each is a one-line adapter over a function of
//! the shell's modules (which wrap `authdeck-core`). No logic and no I/O here.
//!
//! [`command_table!`] lists every command once: it makes both the invoke handler that
//! `lib.rs` installs and the table `ui/src/bindings/commands.ts` is generated from, so
//! the two cannot drift apart.

use tauri::{AppHandle, State};

use crate::dto::{
    AccountView, AppInfo, CopyFormat, CopyOutcome, DiscoveredEndpoints, ExportOutcome,
    ImportRequest, NewAccount, NewServiceFromPreset, NewServiceManual, OpenApiView, PresetView,
    ServiceSettings, ServiceUpdate, Settings, TokenSummary,
};
use crate::error::CmdResult;
use crate::state::{account_key, AppState};
use crate::{clipboard, login as logins, services, views};

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    crate::startup::stamp("ipc app_info");
    AppInfo {
        demo: state.demo,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> CmdResult<Vec<AccountView>> {
    crate::startup::stamp("ipc list_accounts");
    let accounts = views::accounts(&state).await?;
    crate::startup::stamp("ipc list_accounts answered");
    Ok(accounts)
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
pub async fn service_settings(
    state: State<'_, AppState>,
    service: String,
) -> CmdResult<ServiceSettings> {
    Ok(services::settings_of(&state, &service).await?)
}

#[tauri::command]
pub async fn update_service(state: State<'_, AppState>, req: ServiceUpdate) -> CmdResult<()> {
    Ok(services::update(&state, req).await?)
}

#[tauri::command]
pub async fn add_account(state: State<'_, AppState>, req: NewAccount) -> CmdResult<()> {
    Ok(services::add_account(&state, req).await?)
}

#[tauri::command]
pub async fn remove_account(
    state: State<'_, AppState>,
    service: String,
    account: String,
) -> CmdResult<()> {
    Ok(state.broker.remove_account(&service, &account).await?)
}

#[tauri::command]
pub async fn read_openapi(state: State<'_, AppState>, source: String) -> CmdResult<OpenApiView> {
    Ok(services::read_openapi(&state, &source).await?)
}

#[tauri::command]
pub async fn import_openapi(state: State<'_, AppState>, req: ImportRequest) -> CmdResult<()> {
    Ok(services::import_openapi(&state, req).await?)
}

#[tauri::command]
pub async fn import_team(state: State<'_, AppState>, source: String) -> CmdResult<Vec<String>> {
    Ok(services::import_team(&state, &source).await?)
}

/// Copies every service definition (never a secret) for sharing, and shows it.
#[tauri::command]
pub fn export_services(app: AppHandle, state: State<'_, AppState>) -> CmdResult<ExportOutcome> {
    Ok(clipboard::copy_definitions(
        &app,
        services::export(&state)?,
    )?)
}

/// The pasted token goes from the webview to the keyring (never back).
#[tauri::command]
pub async fn store_pasted(
    app: AppHandle,
    state: State<'_, AppState>,
    service: String,
    account: String,
    token: String,
) -> CmdResult<()> {
    services::store_pasted(&state, &service, &account, token).await?;
    let _ = tauri::Emitter::emit(&app, "accounts-changed", ());
    Ok(())
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
    crate::startup::stamp("ipc get_settings");
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

#[tauri::command]
pub fn first_paint(app: AppHandle, since_navigation: f64, rows: u32) {
    crate::startup::first_paint(since_navigation, rows);
    crate::after_first_paint(&app);
}

/// One command for the TypeScript bindings: JS name, Rust name, parameters (TS) and the
/// result type (TS). The argument object passed to `invoke` is made of the parameter
/// names.
#[cfg(test)]
pub struct CommandSig {
    pub js: &'static str,
    pub rust: &'static str,
    pub params: &'static str,
    pub returns: &'static str,
}

macro_rules! command_table {
    ($($rust:ident as $js:literal ($params:literal) -> $returns:literal;)*) => {
        /// The invoke handler of every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($rust),*]
        }

        /// Every command, in the order of `ui/src/bindings/commands.ts`.
        #[cfg(test)]
        pub const COMMANDS: &[CommandSig] = &[$(CommandSig {
            js: $js,
            rust: stringify!($rust),
            params: $params,
            returns: $returns,
        }),*];
    };
}

command_table! {
    app_info as "appInfo" ("") -> "AppInfo";
    list_accounts as "listAccounts" ("") -> "AccountView[]";
    list_presets as "listPresets" ("") -> "PresetView[]";
    add_service_from_preset as "addServiceFromPreset" ("req: NewServiceFromPreset") -> "null";
    add_service_manual as "addServiceManual" ("req: NewServiceManual") -> "null";
    discover as "discover" ("issuer: string") -> "DiscoveredEndpoints";
    service_settings as "serviceSettings" ("service: string") -> "ServiceSettings";
    update_service as "updateService" ("req: ServiceUpdate") -> "null";
    add_account as "addAccount" ("req: NewAccount") -> "null";
    remove_account as "removeAccount" ("service: string, account: string") -> "null";
    read_openapi as "readOpenapi" ("source: string") -> "OpenApiView";
    import_openapi as "importOpenapi" ("req: ImportRequest") -> "null";
    import_team as "importTeam" ("source: string") -> "string[]";
    export_services as "exportServices" ("") -> "ExportOutcome";
    store_pasted as "storePasted" ("service: string, account: string, token: string") -> "null";
    remove_service as "removeService" ("service: string") -> "null";
    login as "login" ("service: string, account: string") -> "AccountView";
    cancel_login as "cancelLogin" ("service: string, account: string") -> "null";
    logout as "logout" ("service: string, account: string") -> "null";
    token_summary as "tokenSummary" ("service: string, account: string") -> "TokenSummary | null";
    copy_token as "copyToken" ("service: string, account: string, format: CopyFormat") -> "CopyOutcome";
    copy_and_open_docs as "copyAndOpenDocs" ("service: string, account: string, format: CopyFormat") -> "CopyOutcome";
    reveal_token as "revealToken" ("service: string, account: string") -> "string";
    create_app_token as "createAppToken" ("service: string, account: string, expiresInSecs: number") -> "AccountView";
    get_settings as "getSettings" ("") -> "Settings";
    set_settings as "setSettings" ("settings: Settings") -> "Settings";
    open_url as "openUrl" ("url: string") -> "null";
    first_paint as "firstPaint" ("sinceNavigation: number, rows: number") -> "null";
}
