// Generated from src-tauri (ts-rs and src-tauri/src/commands.rs). Do not edit by hand:
// `AUTHDECK_WRITE_BINDINGS=1 cargo test -p authdeck-desktop bindings` regenerates it,
// and the same test without the variable fails when it is stale.

export type ErrorCode = "cancelled" | "keyring" | "bad_user_credentials" | "bad_client_credentials" | "consent_denied" | "grant_expired" | "provider_broken" | "other";

export type ErrorDto = { code: ErrorCode, message: string, 
/**
 * What to do, in the desktop's words (a step in the window).
 */
hint: string | null, };

export type StatusKind = "logged_in" | "expired" | "login_required" | "not_logged_in";

export type Flow = "auth-code" | "device" | "client-credentials" | "password" | "bearer" | "api-key";

export type ClientAuth = "none" | "client_secret_basic" | "client_secret_post" | "client_secret_jwt" | "private_key_jwt";

export type DeadlineCause = "access_token" | "refresh_token";

export type LoginDeadlineView = { 
/**
 * Unix seconds.
 */
by: number, 
/**
 * Unix seconds: the badge (and the desktop notification) from then until `by`.
 */
warnFrom: number, cause: DeadlineCause, };

export type AccountView = { service: string, serviceName: string, account: string, flow: Flow, status: StatusKind, 
/**
 * Unix seconds.
 */
expiresAt: number | null, obtainedAt: number | null, reason: string | null, scopes: Array<string>, docsUrl: string | null, apiBase: string | null, supportsAppToken: boolean, appTokenExpiresAt: number | null, 
/**
 * The account holds a pasted token or API key (flows `bearer`, `api-key`): "log in"
 * means pasting a new one.
 */
pasted: boolean, 
/**
 * What the service's Swagger "Authorize" dialog wants, for people.
 */
pasteHint: PasteHintView, 
/**
 * The header copy button; `null` when no header carries the token (an API key in
 * the query string).
 */
headerCopy: HeaderCopyView | null, 
/**
 * The token is DPoP-bound (RFC 9449): it cannot be copied or pasted on its own, only
 * used through the API proxy.
 */
dpopBound: boolean, 
/**
 * When the account must log in again, when that is foreseen (core's `relogin.rs`).
 */
loginDeadline: LoginDeadlineView | null, };

export type TokenType = "bearer" | "api_key" | "dpop" | "other";

export type TokenSummary = { tokenType: TokenType, expiresAt: number | null, obtainedAt: number | null, scopes: Array<string>, 
/**
 * Decoded JWT claims: NOT verified, for display only. Null for opaque tokens.
 */
claims: Record<string, unknown> | null, 
/**
 * How many seconds the token's `iat` was ahead of (positive) or behind (negative)
 * the local clock when it was received, when they disagree; null when they agree.
 */
clockSkewSecs: number | null, };

export type ActivityKind = "login" | "paste" | "refresh" | "refetch" | "hand_out" | "logout" | "exchange" | "introspect" | "revoke_access" | "revoke_refresh" | "app_token";

export type HandOut = "cli" | "agent" | "copy" | "exec" | "git" | "kube" | "reveal";

export type ActivityErrorView = { code: ErrorCode, message: string, };

export type ActivityView = { 
/**
 * The account's event number: higher is later (order by it, not by `at`).
 */
seq: number, 
/**
 * Unix seconds.
 */
at: number, kind: ActivityKind, 
/**
 * Who the token went to (hand-outs only).
 */
via: HandOut | null, 
/**
 * The last request's endpoint: origin and path.
 */
endpoint: string | null, status: number | null, durationMs: number | null, 
/**
 * The provider's OAuth error answer ("code (description)"), scrubbed of secrets.
 */
answer: string | null, 
/**
 * `null` when it succeeded.
 */
error: ActivityErrorView | null, };

export type TokenChoice = "access" | "refresh";

export type ProviderChecksView = { introspection: boolean, revocation: boolean, 
/**
 * The token is pasted: there is no provider to ask.
 */
pasted: boolean, hasAccessToken: boolean, hasRefreshToken: boolean, };

export type IntrospectionView = { active: boolean, expiresAt: number | null, issuedAt: number | null, scopes: Array<string>, clientId: string | null, tokenType: string | null, username: string | null, };

export type RevokeOutcome = { account: AccountView, alsoRevoked: TokenChoice | null, };

export type CopyFormat = "raw" | "bearer" | "header" | "curl";

export type CopyOutcome = { clearsInSecs: number, };

export type LoginEventKind = "started" | "open_browser" | "browser_failed" | "device_code" | "finished" | "failed" | "cancelled";

export type LoginEventDto = { service: string, account: string, kind: LoginEventKind, url: string | null, message: string | null, userCode: string | null, verificationUri: string | null, verificationUriComplete: string | null, expiresIn: number | null, 
/**
 * An SVG document with the QR code of the verification link.
 */
qrSvg: string | null, };

export type PresetInputView = { key: string, label: string, default: string | null, };

export type PresetView = { name: string, title: string, summary: string, inputs: Array<PresetInputView>, needsClientSecret: boolean, needsPassword: boolean, needsUsername: boolean, };

export type Theme = "system" | "light" | "dark";

export type Settings = { clipboardClearSecs: number, refreshMarginSecs: number, 
/**
 * Minutes; 0: never warn.
 */
warnBeforeLoginMins: number, keepInTray: boolean, theme: Theme, };

export type ServiceFields = { name: string | null, issuer: string | null, authorizationUrl: string | null, tokenUrl: string | null, deviceUrl: string | null, revocationUrl: string | null, clientId: string, clientAuth: ClientAuth, scopes: Array<string>, docsUrl: string | null, apiBase: string | null, };

export type ServiceSettings = { id: string, 
/**
 * Fixed once the service exists (shown, not edited).
 */
flow: Flow, 
/**
 * The preset the service was made from, if any (its quirks are kept on edit).
 */
preset: string | null, hasClientSecret: boolean, accounts: Array<string>, name: string | null, issuer: string | null, authorizationUrl: string | null, tokenUrl: string | null, deviceUrl: string | null, revocationUrl: string | null, clientId: string, clientAuth: ClientAuth, scopes: Array<string>, docsUrl: string | null, apiBase: string | null, };

export type ServiceUpdate = { id: string, clientSecret: string | null, name: string | null, issuer: string | null, authorizationUrl: string | null, tokenUrl: string | null, deviceUrl: string | null, revocationUrl: string | null, clientId: string, clientAuth: ClientAuth, scopes: Array<string>, docsUrl: string | null, apiBase: string | null, };

export type NewAccount = { service: string, account: string, username: string | null, password: string | null, };

export type PasteHintKind = "raw_token" | "bearer_prefix" | "as_is" | "cannot_paste" | "unknown";

export type PasteHintView = { kind: PasteHintKind, message: string, };

export type HeaderCopyView = { 
/**
 * "Authorization header" for a bearer token, "Header line" for an API key.
 */
label: string, 
/**
 * E.g. `X-API-Key: ‹key›`.
 */
sample: string, };

export type ScopeView = { name: string, description: string, };

export type Need = "client_id" | "client_id_if_required" | "client_secret" | "client_secret_if_confidential" | "username" | "password" | "token" | "api_key" | "token_url" | "client_key";

export type ProposalView = { 
/**
 * The scheme's name in the document (what `import_openapi` picks by).
 */
scheme: string, id: string, name: string, flow: Flow, 
/**
 * The built-in preset recognised for this deployment, if any.
 */
preset: string | null, scopes: Array<ScopeView>, 
/**
 * What the user must supply.
 */
needs: Array<Need>, pasteHint: string, notes: Array<string>, };

export type OpenApiView = { title: string | null, 
/**
 * The service ids of a team file; empty for an OpenAPI document.
 */
teamServices: Array<string>, 
/**
 * Schemes skipped (e.g. HTTP basic) and why.
 */
warnings: Array<string>, proposals: Array<ProposalView>, };

export type ImportRequest = { source: string, scheme: string, id: string, clientId: string | null, clientSecret: string | null, username: string | null, scopes: Array<string>, tokenUrl: string | null, };

export type ExportOutcome = { count: number, text: string, };

export type NewServiceFromPreset = { id: string, preset: string, 
/**
 * Preset inputs and overrides, as `key=value` pairs.
 */
settings: Array<[string, string]>, username: string | null, clientSecret: string | null, password: string | null, };

export type NewServiceManual = { id: string, flow: Flow, username: string | null, clientSecret: string | null, password: string | null, name: string | null, issuer: string | null, authorizationUrl: string | null, tokenUrl: string | null, deviceUrl: string | null, revocationUrl: string | null, clientId: string, clientAuth: ClientAuth, scopes: Array<string>, docsUrl: string | null, apiBase: string | null, };

export type DiscoveredEndpoints = { issuer: string, authorization: string | null, token: string | null, deviceAuthorization: string | null, revocation: string | null, scopesSupported: Array<string>, };

export type AppInfo = { demo: boolean, version: string, };

export type NoticeLevel = "info" | "warning" | "error";

export type NoticeDto = { level: NoticeLevel, message: string, };

export type ProxyView = { service: string, account: string, 
/**
 * The base URL (`http://127.0.0.1:<port>/<key>/`); the docs page is `<url>docs`.
 */
url: string, };
