//! The commands the webview may call: each is a one-line adapter over a function of
//! the shell's modules (which wrap `authdeck-core`). No logic and no I/O here.
//!
//! [`command_table!`] holds every command once, written as its function: from the same
//! tokens it makes the `#[tauri::command]` handler, the invoke handler `lib.rs`
//! installs, and (in tests) the table `ui/src/bindings/commands.ts` is generated from —
//! argument names and types and the result type read from the handler's own signature.
//! A handler whose argument or result type changes changes its TypeScript signature
//! with it, and `bindings.rs`'s test fails until the bindings are regenerated.
//!
//! In each entry the parameters before `;` are the ones Tauri injects (the app handle,
//! the state); those after it are what the webview sends. Every handler returns
//! `CmdResult<T>`: the webview gets `T`, or the error.

use tauri::{AppHandle, State};

use crate::dto::{
    AccountView, ActivityView, AppInfo, CopyFormat, CopyOutcome, DiscoveredEndpoints,
    ExportOutcome, ImportRequest, IntrospectionView, NewAccount, NewServiceFromPreset,
    NewServiceManual, OpenApiView, PresetView, ProviderChecksView, ProxyView, RevokeOutcome,
    ServiceSettings, ServiceUpdate, Settings, TokenChoice, TokenSummary,
};
use crate::error::CmdResult;
use crate::state::{account_key, account_ref, service_id, AppState};
use crate::{clipboard, login as logins, proxies, services, views};

/// One command for the TypeScript bindings, read from its handler's signature: the Rust
/// name (what `invoke` is given), the arguments the webview sends (Rust names and
/// TypeScript types) and the TypeScript type of the result.
#[cfg(test)]
pub struct CommandSig {
    pub rust: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub returns: String,
}

/// The TypeScript name of `T` as the webview sees it: ts-rs's, except that 64-bit
/// integers, which ts-rs calls `bigint`, travel as JSON numbers through `invoke`.
#[cfg(test)]
pub fn ts_name<T: ts_rs::TS>() -> String {
    let name = T::name();
    match name.as_str() {
        "bigint" => "number".to_owned(),
        _ => name,
    }
}

/// Makes the handlers, [`handler`] and (in tests) [`commands`] from one list of
/// functions; see the module's documentation. Entries are taken one at a time (`async`
/// ones by the first rule, the others by the second) and collected until the list ends.
macro_rules! command_table {
    (@collect [$($done:tt)*]
        $(#[$meta:meta])*
        async fn $name:ident($($inj:ident: $injty:ty),* ; $($arg:ident: $ty:ty),*) -> $ret:ty $body:block
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[tauri::command]
        pub async fn $name($($inj: $injty,)* $($arg: $ty),*) -> CmdResult<$ret> $body

        command_table! { @collect [$($done)* ($name [$($arg: $ty),*] $ret)] $($rest)* }
    };
    (@collect [$($done:tt)*]
        $(#[$meta:meta])*
        fn $name:ident($($inj:ident: $injty:ty),* ; $($arg:ident: $ty:ty),*) -> $ret:ty $body:block
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[tauri::command]
        pub fn $name($($inj: $injty,)* $($arg: $ty),*) -> CmdResult<$ret> $body

        command_table! { @collect [$($done)* ($name [$($arg: $ty),*] $ret)] $($rest)* }
    };
    (@collect [$(($name:ident [$($arg:ident: $ty:ty),*] $ret:ty))*]) => {
        /// The invoke handler of every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command, in the order of `ui/src/bindings/commands.ts`.
        #[cfg(test)]
        pub fn commands() -> Vec<CommandSig> {
            vec![$(CommandSig {
                rust: stringify!($name),
                params: vec![$((stringify!($arg), ts_name::<$ty>())),*],
                returns: ts_name::<$ret>(),
            }),*]
        }
    };
    (@collect $($unmatched:tt)*) => {
        compile_error!("command_table!: an entry is not `[async] fn name(injected; args) -> T { body }`");
    };
    ($($entries:tt)*) => {
        command_table! { @collect [] $($entries)* }
    };
}

command_table! {
    fn app_info(state: State<'_, AppState>;) -> AppInfo {
        crate::startup::stamp("ipc app_info");
        Ok(AppInfo {
            demo: state.demo,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    async fn list_accounts(state: State<'_, AppState>;) -> Vec<AccountView> {
        crate::startup::stamp("ipc list_accounts");
        let accounts = views::accounts(&state).await?;
        crate::startup::stamp("ipc list_accounts answered");
        Ok(accounts)
    }

    fn list_presets(;) -> Vec<PresetView> {
        Ok(authdeck_core::config::presets::PRESETS
            .iter()
            .map(PresetView::from)
            .collect())
    }

    async fn add_service_from_preset(state: State<'_, AppState>; req: NewServiceFromPreset) -> () {
        Ok(services::add_from_preset(&state, req).await?)
    }

    async fn add_service_manual(state: State<'_, AppState>; req: NewServiceManual) -> () {
        Ok(services::add_manual(&state, req).await?)
    }

    async fn discover(state: State<'_, AppState>; issuer: String) -> DiscoveredEndpoints {
        Ok(services::discover(&state, &issuer).await?)
    }

    async fn service_settings(state: State<'_, AppState>; service: String) -> ServiceSettings {
        Ok(services::settings_of(&state, &service_id(&service)?).await?)
    }

    async fn update_service(state: State<'_, AppState>; req: ServiceUpdate) -> () {
        Ok(services::update(&state, req).await?)
    }

    async fn add_account(state: State<'_, AppState>; req: NewAccount) -> () {
        Ok(services::add_account(&state, req).await?)
    }

    async fn remove_account(state: State<'_, AppState>; service: String, account: String) -> () {
        Ok(proxies::remove_account(&state, &account_ref(&service, &account)?).await?)
    }

    async fn read_openapi(state: State<'_, AppState>; source: String) -> OpenApiView {
        Ok(services::read_openapi(&state, &source).await?)
    }

    async fn import_openapi(state: State<'_, AppState>; req: ImportRequest) -> () {
        Ok(services::import_openapi(&state, req).await?)
    }

    async fn import_team(state: State<'_, AppState>; source: String) -> Vec<String> {
        Ok(services::import_team(&state, &source).await?)
    }

    /// Copies every service definition (never a secret) for sharing, and shows it.
    fn export_services(app: AppHandle, state: State<'_, AppState>;) -> ExportOutcome {
        Ok(clipboard::copy_definitions(&app, services::export(&state)?)?)
    }

    /// The pasted token goes from the webview to the keyring (never back).
    async fn store_pasted(
        app: AppHandle,
        state: State<'_, AppState>;
        service: String,
        account: String,
        token: String
    ) -> () {
        services::store_pasted(&state, &account_ref(&service, &account)?, token).await?;
        let _ = tauri::Emitter::emit(&app, "accounts-changed", ());
        Ok(())
    }

    async fn remove_service(state: State<'_, AppState>; service: String) -> () {
        Ok(proxies::remove_service(&state, &service_id(&service)?).await?)
    }

    async fn login(
        app: AppHandle,
        state: State<'_, AppState>;
        service: String,
        account: String
    ) -> AccountView {
        Ok(logins::login(&app, &state, &account_ref(&service, &account)?).await?)
    }

    fn cancel_login(state: State<'_, AppState>; service: String, account: String) -> () {
        state.cancel_login(&account_key(&account_ref(&service, &account)?));
        Ok(())
    }

    async fn logout(state: State<'_, AppState>; service: String, account: String) -> () {
        let target = account_ref(&service, &account)?;
        Ok(state
            .broker
            .logout(&target.service, Some(&target.account))
            .await
            .map(|_| ())?)
    }

    async fn token_summary(
        state: State<'_, AppState>;
        service: String,
        account: String
    ) -> Option<TokenSummary> {
        Ok(views::token_summary(&state, &account_ref(&service, &account)?).await?)
    }

    /// What happened to the account lately, newest first.
    async fn account_activity(
        state: State<'_, AppState>;
        service: String,
        account: String
    ) -> Vec<ActivityView> {
        Ok(views::activity(&state, &account_ref(&service, &account)?).await?)
    }

    async fn copy_token(
        app: AppHandle,
        state: State<'_, AppState>;
        service: String,
        account: String,
        format: CopyFormat
    ) -> CopyOutcome {
        Ok(clipboard::copy(&app, &state, &account_ref(&service, &account)?, format).await?)
    }

    async fn copy_and_open_docs(
        app: AppHandle,
        state: State<'_, AppState>;
        service: String,
        account: String,
        format: CopyFormat
    ) -> CopyOutcome {
        let target = account_ref(&service, &account)?;
        Ok(clipboard::copy_and_open_docs(&app, &state, &target, format).await?)
    }

    /// The one command that sends a token to the webview: only on the user's explicit request.
    async fn reveal_token(state: State<'_, AppState>; service: String, account: String) -> String {
        Ok(views::reveal(&state, &account_ref(&service, &account)?).await?)
    }

    /// Whether the account's provider can be asked about a token and revoke one.
    async fn provider_checks(state: State<'_, AppState>; service: String, account: String) -> ProviderChecksView {
        Ok(views::provider_checks(&state, &account_ref(&service, &account)?).await?)
    }

    /// Asks the provider whether the account's token is active (RFC 7662).
    async fn introspect_token(
        state: State<'_, AppState>;
        service: String,
        account: String,
        which: TokenChoice
    ) -> IntrospectionView {
        Ok(views::introspect(&state, &account_ref(&service, &account)?, which).await?)
    }

    /// Revokes one of the account's tokens alone (RFC 7009), without logging out.
    async fn revoke_token(
        state: State<'_, AppState>;
        service: String,
        account: String,
        which: TokenChoice
    ) -> RevokeOutcome {
        Ok(views::revoke(&state, &account_ref(&service, &account)?, which).await?)
    }

    async fn create_app_token(
        state: State<'_, AppState>;
        service: String,
        account: String,
        expires_in_secs: u64
    ) -> AccountView {
        let target = account_ref(&service, &account)?;
        Ok(views::create_app_token(&state, &target, expires_in_secs).await?)
    }

    /// Starts the account's proxy (or gives the running one).
    async fn start_proxy(
        app: AppHandle,
        state: State<'_, AppState>;
        service: String,
        account: String
    ) -> ProxyView {
        Ok(proxies::start(&app, &state, &account_ref(&service, &account)?).await?)
    }

    async fn stop_proxy(state: State<'_, AppState>; service: String, account: String) -> () {
        proxies::stop(&state, &account_ref(&service, &account)?).await;
        Ok(())
    }

    fn list_proxies(state: State<'_, AppState>;) -> Vec<ProxyView> {
        Ok(state.proxies.list())
    }

    fn copy_proxy_url(app: AppHandle, state: State<'_, AppState>; service: String, account: String) -> () {
        Ok(proxies::copy_url(&app, &state, &account_ref(&service, &account)?)?)
    }

    fn open_proxy_docs(state: State<'_, AppState>; service: String, account: String) -> () {
        Ok(proxies::open_docs(&state, &account_ref(&service, &account)?)?)
    }

    fn get_settings(state: State<'_, AppState>;) -> Settings {
        crate::startup::stamp("ipc get_settings");
        Ok(Settings::from(&state.settings()))
    }

    fn set_settings(state: State<'_, AppState>; settings: Settings) -> Settings {
        Ok(Settings::from(&state.set_settings((&settings).into())?))
    }

    fn open_url(state: State<'_, AppState>; url: String) -> () {
        Ok(authdeck_core::flows::BrowserOpener::open(
            state.opener.as_ref(),
            &url,
        )?)
    }

    fn first_paint(app: AppHandle; since_navigation: f64, rows: u32) -> () {
        crate::startup::first_paint(since_navigation, rows);
        crate::after_first_paint(&app);
        Ok(())
    }
}
