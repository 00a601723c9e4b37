// Generated from src-tauri (ts-rs and src-tauri/src/commands.rs). Do not edit by hand:
// `AUTHDECK_WRITE_BINDINGS=1 cargo test -p authdeck-desktop bindings` regenerates it,
// and the same test without the variable fails when it is stale.

import { invoke } from "@tauri-apps/api/core";
import type {
  AccountView,
  ActivityView,
  AppInfo,
  CopyFormat,
  CopyOutcome,
  DiscoveredEndpoints,
  ExportOutcome,
  ImportRequest,
  IntrospectionView,
  NewAccount,
  NewServiceFromPreset,
  NewServiceManual,
  OpenApiView,
  PresetView,
  ProviderChecksView,
  ProxyView,
  RevokeOutcome,
  ServiceSettings,
  ServiceUpdate,
  Settings,
  TokenChoice,
  TokenSummary,
} from "./types";

export const commands = {
  appInfo: () => invoke<AppInfo>("app_info"),
  listAccounts: () => invoke<Array<AccountView>>("list_accounts"),
  listPresets: () => invoke<Array<PresetView>>("list_presets"),
  addServiceFromPreset: (req: NewServiceFromPreset) => invoke<null>("add_service_from_preset", { req }),
  addServiceManual: (req: NewServiceManual) => invoke<null>("add_service_manual", { req }),
  discover: (issuer: string) => invoke<DiscoveredEndpoints>("discover", { issuer }),
  serviceSettings: (service: string) => invoke<ServiceSettings>("service_settings", { service }),
  updateService: (req: ServiceUpdate) => invoke<null>("update_service", { req }),
  addAccount: (req: NewAccount) => invoke<null>("add_account", { req }),
  removeAccount: (service: string, account: string) => invoke<null>("remove_account", { service, account }),
  readOpenapi: (source: string) => invoke<OpenApiView>("read_openapi", { source }),
  importOpenapi: (req: ImportRequest) => invoke<null>("import_openapi", { req }),
  importTeam: (source: string) => invoke<Array<string>>("import_team", { source }),
  exportServices: () => invoke<ExportOutcome>("export_services"),
  storePasted: (service: string, account: string, token: string) => invoke<null>("store_pasted", { service, account, token }),
  removeService: (service: string) => invoke<null>("remove_service", { service }),
  login: (service: string, account: string) => invoke<AccountView>("login", { service, account }),
  cancelLogin: (service: string, account: string) => invoke<null>("cancel_login", { service, account }),
  logout: (service: string, account: string) => invoke<null>("logout", { service, account }),
  tokenSummary: (service: string, account: string) => invoke<TokenSummary | null>("token_summary", { service, account }),
  accountActivity: (service: string, account: string) => invoke<Array<ActivityView>>("account_activity", { service, account }),
  copyToken: (service: string, account: string, format: CopyFormat) => invoke<CopyOutcome>("copy_token", { service, account, format }),
  copyAndOpenDocs: (service: string, account: string, format: CopyFormat) => invoke<CopyOutcome>("copy_and_open_docs", { service, account, format }),
  revealToken: (service: string, account: string) => invoke<string>("reveal_token", { service, account }),
  providerChecks: (service: string, account: string) => invoke<ProviderChecksView>("provider_checks", { service, account }),
  introspectToken: (service: string, account: string, which: TokenChoice) => invoke<IntrospectionView>("introspect_token", { service, account, which }),
  revokeToken: (service: string, account: string, which: TokenChoice) => invoke<RevokeOutcome>("revoke_token", { service, account, which }),
  createAppToken: (service: string, account: string, expiresInSecs: number) => invoke<AccountView>("create_app_token", { service, account, expiresInSecs }),
  startProxy: (service: string, account: string) => invoke<ProxyView>("start_proxy", { service, account }),
  stopProxy: (service: string, account: string) => invoke<null>("stop_proxy", { service, account }),
  listProxies: () => invoke<Array<ProxyView>>("list_proxies"),
  copyProxyUrl: (service: string, account: string) => invoke<null>("copy_proxy_url", { service, account }),
  openProxyDocs: (service: string, account: string) => invoke<null>("open_proxy_docs", { service, account }),
  getSettings: () => invoke<Settings>("get_settings"),
  setSettings: (settings: Settings) => invoke<Settings>("set_settings", { settings }),
  openUrl: (url: string) => invoke<null>("open_url", { url }),
  firstPaint: (sinceNavigation: number, rows: number) => invoke<null>("first_paint", { sinceNavigation, rows }),
};

/** Event names the shell emits (payload types in ./types). */
export const events = {
  /** LoginEventDto: the browser opened, or a device code to show. */
  login: "login-event",
  /** null: account states changed (background refresh, login elsewhere). */
  accountsChanged: "accounts-changed",
  /** null: the copied token was cleared from the clipboard. */
  clipboardCleared: "clipboard-cleared",
  /** NoticeDto: something to tell the user (e.g. an account needs a login). */
  notice: "notice",
} as const;
