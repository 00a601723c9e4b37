// A stand-in for the Tauri shell, for viewing the UI in a plain browser (mock.html).
// It answers the commands of bindings/commands.ts with fake data and emits the shell's
// events. URL parameters: ?scenario=empty (no services), ?demo=0 (not in demo mode).

import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { events } from "../bindings/commands";
import type { AccountView, ErrorCode, ErrorDto, Flow, LoginEventDto, NewAccount, NewServiceFromPreset, NewServiceManual, ProxyView, ServiceUpdate, Settings } from "../bindings/types";
import { fakeQrSvg, fakeToken, PRESETS, sampleAccounts } from "./data";

type Args = Record<string, unknown>;

const params = new URLSearchParams(location.search);
const now = (): number => Math.floor(Date.now() / 1000);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fail = (code: ErrorCode, message: string, hint: string | null = null): ErrorDto => ({ code, message, hint });

let accounts: AccountView[] = params.get("scenario") === "empty" ? [] : sampleAccounts(now());
let settings: Settings = { clipboardClearSecs: 60, refreshMarginSecs: 120, warnBeforeLoginMins: 10, keepInTray: true, theme: "system" };
const pendingLogins = new Map<string, (e: ErrorDto) => void>();
const proxies = new Map<string, ProxyView>();
let nextProxyPort = 47500;

const key = (a: Args): string => `${String(a["service"])}/${String(a["account"])}`;

function find(a: Args): AccountView {
  const acc = accounts.find((x) => x.service === a["service"] && x.account === a["account"]);
  if (!acc) throw fail("other", `No service '${String(a["service"])}'.`);
  return acc;
}

function patch(a: Args, p: Partial<AccountView>): AccountView {
  const acc = find(a);
  const next = { ...acc, ...p };
  accounts = accounts.map((x) => (x === acc ? next : x));
  return next;
}

function loginEvent(acc: AccountView, p: Partial<LoginEventDto> & Pick<LoginEventDto, "kind">): void {
  const ev: LoginEventDto = {
    service: acc.service, account: acc.account, url: null, message: null, userCode: null,
    verificationUri: null, verificationUriComplete: null, expiresIn: null, qrSvg: null, ...p,
  };
  void emit(events.login, ev);
}

async function login(a: Args): Promise<AccountView> {
  const acc = find(a);
  const k = key(a);
  const cancelled = new Promise<never>((_, reject) => pendingLogins.set(k, reject));
  const work = (async () => {
    if (acc.flow === "auth-code") {
      await sleep(300);
      const url = `https://id.example.org/authorize?response_type=code&client_id=${acc.service}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=af0ifjsldkj`;
      if (acc.service === "myidp") {
        loginEvent(acc, { kind: "browser_failed", url, message: "Could not start a browser (xdg-open not found). Open this link by hand:" });
        await sleep(60000);
      } else {
        loginEvent(acc, { kind: "open_browser", url });
        await sleep(8000);
      }
    } else if (acc.flow === "device") {
      await sleep(500);
      const uri = "http://127.0.0.1:47080/autolab/activate";
      loginEvent(acc, {
        kind: "device_code", userCode: "WDJB-MJHT", verificationUri: uri,
        verificationUriComplete: `${uri}?user_code=WDJB-MJHT`, expiresIn: 600,
        message: null, qrSvg: fakeQrSvg(uri),
      });
      await sleep(60000);
    } else {
      await sleep(700);
      if (acc.service === "plantpredict") throw fail("bad_client_credentials", "plantpredict/default: the provider refused the client id or client secret (invalid_client)", "Enter the right client secret with \"Edit service…\" in the service's panel.");
    }
    return patch(a, { status: "logged_in", obtainedAt: now(), expiresAt: now() + 3600, reason: null, loginDeadline: null });
  })();
  try {
    return await Promise.race([work, cancelled]);
  } finally {
    pendingLogins.delete(k);
    void emit(events.accountsChanged, null);
  }
}

function copy(a: Args): { clearsInSecs: number } {
  const acc = find(a);
  if (acc.status === "login_required" || (acc.status === "not_logged_in" && acc.flow !== "client-credentials")) {
    throw fail("other", `Log in to ${acc.serviceName} first: there is no token to copy.`);
  }
  if (acc.status !== "logged_in" || (acc.expiresAt ?? 0) < now()) {
    patch(a, { status: "logged_in", obtainedAt: now(), expiresAt: now() + 3600, reason: null, loginDeadline: null });
    void emit(events.accountsChanged, null);
  }
  const secs = settings.clipboardClearSecs;
  setTimeout(() => void emit(events.clipboardCleared, null), Math.min(secs, 15) * 1000);
  return { clearsInSecs: secs };
}

function addAccount(id: string, name: string, flow: Flow, p: Partial<AccountView> = {}): null {
  if (accounts.some((x) => x.service === id)) throw fail("other", `A service called '${id}' already exists in services.toml.`);
  accounts = [...accounts, { service: id, serviceName: name, account: "default", flow, status: "not_logged_in", expiresAt: null, obtainedAt: null, reason: null, scopes: [], docsUrl: null, apiBase: null, supportsAppToken: false, appTokenExpiresAt: null, pasted: false, pasteHint: { kind: "unknown", message: "" }, headerCopy: { label: "Authorization header", sample: "Authorization: Bearer ‹token›" }, loginDeadline: null, dpopBound: false, ...p }];
  void emit(events.accountsChanged, null);
  return null;
}

async function handle(cmd: string, a: Args): Promise<unknown> {
  switch (cmd) {
    case "app_info":
      return { demo: params.get("demo") !== "0", version: "0.1.0" };
    case "list_accounts":
      await sleep(60);
      return structuredClone(accounts);
    case "list_presets":
      await sleep(150);
      return PRESETS;
    case "add_service_from_preset": {
      const req = a["req"] as NewServiceFromPreset;
      await sleep(400);
      const preset = PRESETS.find((p) => p.name === req.preset)!;
      const flow = req.preset.startsWith("nomad") || req.preset === "plantpredict-legacy" ? "password" : req.preset === "autolab" ? "device" : req.preset === "oqtant" ? "auth-code" : "client-credentials";
      return addAccount(req.id, preset.title, flow, { supportsAppToken: req.preset === "nomad" });
    }
    case "add_service_manual": {
      const req = a["req"] as NewServiceManual;
      await sleep(400);
      return addAccount(req.id, req.name ?? req.id, req.flow, { docsUrl: req.docsUrl, apiBase: req.apiBase, scopes: req.scopes });
    }
    case "discover": {
      await sleep(600);
      const issuer = String(a["issuer"]).replace(/\/$/, "");
      if (issuer.includes("fail")) throw fail("other", `No discovery document at ${issuer}/.well-known/openid-configuration (404).`);
      return { issuer, authorization: `${issuer}/authorize`, token: `${issuer}/oauth/token`, deviceAuthorization: `${issuer}/oauth/device/code`, revocation: `${issuer}/oauth/revoke`, scopesSupported: ["openid", "profile", "email", "offline_access"] };
    }
    case "service_settings": {
      await sleep(120);
      const acc = accounts.find((x) => x.service === a["service"]);
      if (!acc) throw fail("other", `No service '${String(a["service"])}' in services.toml.`);
      const base = `http://127.0.0.1:47080/${acc.service}`;
      return {
        id: acc.service, name: acc.serviceName, flow: acc.flow, preset: acc.service, issuer: null,
        authorizationUrl: acc.flow === "auth-code" ? `${base}/authorize` : null, tokenUrl: `${base}/oauth/token`,
        deviceUrl: acc.flow === "device" ? `${base}/device` : null, revocationUrl: null,
        clientId: `${acc.service}-client`, clientAuth: acc.flow === "client-credentials" ? "client_secret_basic" : "none",
        scopes: acc.scopes, docsUrl: acc.docsUrl, apiBase: acc.apiBase,
        hasClientSecret: acc.flow === "client-credentials",
        accounts: accounts.filter((x) => x.service === acc.service).map((x) => x.account),
      };
    }
    case "update_service": {
      await sleep(300);
      const req = a["req"] as ServiceUpdate;
      accounts = accounts.map((x) => (x.service === req.id ? { ...x, serviceName: req.name ?? req.id, docsUrl: req.docsUrl, apiBase: req.apiBase } : x));
      void emit(events.accountsChanged, null);
      return null;
    }
    case "add_account": {
      await sleep(250);
      const req = a["req"] as NewAccount;
      const first = accounts.find((x) => x.service === req.service);
      if (!first) throw fail("other", `No service '${req.service}' in services.toml.`);
      if (accounts.some((x) => x.service === req.service && x.account === req.account)) throw fail("other", `'${req.service}' already has an account '${req.account}': choose another name`);
      accounts = [...accounts, { ...first, account: req.account, status: "not_logged_in", expiresAt: null, obtainedAt: null, reason: null, appTokenExpiresAt: null }];
      return null;
    }
    case "remove_account":
      await sleep(250);
      accounts = accounts.filter((x) => !(x.service === a["service"] && x.account === a["account"]));
      return null;
    case "read_openapi": {
      await sleep(400);
      const source = String(a["source"]);
      if (!source.startsWith("http")) throw fail("other", `cannot read ${source}: no such file`);
      return {
        title: "Example API", teamServices: [], warnings: [],
        proposals: [{ scheme: "HTTPBearer", id: "example-api", name: "Example API", flow: "bearer", preset: null, scopes: [], needs: ["token"], pasteHint: "In the docs' Authorize dialog, paste the raw token into the 'HTTPBearer' (HTTP bearer) box.", notes: ["the document gives no login for this scheme: paste a JWT token obtained elsewhere"] }],
      };
    }
    case "import_openapi": {
      const req = a["req"] as { id: string };
      await sleep(300);
      return addAccount(req.id, "Example API", "bearer", { pasted: true, pasteHint: { kind: "raw_token", message: "Paste the raw token into the HTTP bearer box." } });
    }
    case "store_pasted":
      await sleep(200);
      patch(a, { status: "logged_in", expiresAt: now() + 3600, obtainedAt: now(), reason: null, loginDeadline: null });
      void emit(events.accountsChanged, null);
      return null;
    case "remove_service":
      await sleep(300);
      accounts = accounts.filter((x) => x.service !== a["service"]);
      return null;
    case "login":
      return login(a);
    case "cancel_login":
      pendingLogins.get(key(a))?.(fail("cancelled", "Login cancelled."));
      return null;
    case "logout":
      await sleep(400);
      patch(a, { status: "not_logged_in", expiresAt: null, obtainedAt: null, reason: null });
      void emit(events.accountsChanged, null);
      return null;
    case "account_activity": {
      await sleep(80);
      const acc = find(a);
      if (acc.status === "not_logged_in") return [];
      const base = `http://127.0.0.1:47080/${acc.service}`;
      const t = acc.obtainedAt ?? now();
      return [
        { seq: 4, at: t, kind: "hand_out", via: "copy", endpoint: null, status: null, durationMs: null, answer: null, error: null },
        { seq: 3, at: t - 5, kind: "refresh", via: null, endpoint: `${base}/oauth/token`, status: 200, durationMs: 84, answer: null, error: null },
        { seq: 2, at: t - 3600, kind: "refresh", via: null, endpoint: `${base}/oauth/token`, status: 503, durationMs: 1210, answer: "temporarily_unavailable (try again later)", error: { code: "provider_broken", message: `${acc.service}/${acc.account}: the provider failed on its side (temporarily_unavailable); try again later` } },
        { seq: 1, at: t - 7200, kind: "login", via: null, endpoint: `${base}/oauth/token`, status: 200, durationMs: 142, answer: null, error: null },
      ];
    }
    case "token_summary": {
      const acc = find(a);
      if (acc.status === "not_logged_in" || acc.expiresAt === null) return null;
      if (acc.service === "quamotion") return { tokenType: "Bearer", expiresAt: acc.expiresAt, obtainedAt: acc.obtainedAt, scopes: [], claims: null, clockSkewSecs: null };
      return {
        tokenType: "Bearer", expiresAt: acc.expiresAt, obtainedAt: acc.obtainedAt, scopes: acc.scopes,
        clockSkewSecs: acc.service === "oqtant" ? 300 : null,
        claims: {
          iss: `http://127.0.0.1:47080/${acc.service}/`, sub: "auth0|6543a1f0c2", aud: ["https://api.example.org", `${acc.service}-api`],
          exp: acc.expiresAt, iat: acc.obtainedAt, scope: acc.scopes.join(" "), azp: "demo-client",
          "https://example.org/roles": ["researcher"], email_verified: true,
        },
      };
    }
    case "provider_checks": {
      await sleep(60);
      const acc = find(a);
      const held = acc.status === "logged_in" || acc.status === "expired";
      return {
        introspection: acc.service !== "nomad", revocation: true, pasted: acc.pasted,
        hasAccessToken: held, hasRefreshToken: held && acc.flow !== "client-credentials",
      };
    }
    case "introspect_token": {
      await sleep(200);
      const acc = find(a);
      return acc.status === "logged_in"
        ? { active: true, expiresAt: acc.expiresAt, issuedAt: acc.obtainedAt, scopes: acc.scopes, clientId: "demo-client", tokenType: "Bearer", username: "demo" }
        : { active: false, expiresAt: null, issuedAt: null, scopes: [], clientId: null, tokenType: null, username: null };
    }
    case "revoke_token": {
      await sleep(250);
      if (a["which"] === "access") patch(a, { status: "expired" });
      void emit(events.accountsChanged, null);
      return { account: find(a), alsoRevoked: null };
    }
    case "copy_token":
      await sleep(250);
      return copy(a);
    case "copy_and_open_docs":
      await sleep(250);
      console.info("mock: open", find(a).docsUrl);
      return copy(a);
    case "reveal_token":
      await sleep(150);
      return fakeToken(String(a["service"]));
    case "create_app_token":
      await sleep(500);
      return patch(a, { appTokenExpiresAt: now() + Number(a["expiresInSecs"]) });
    case "get_settings":
      await sleep(80);
      return settings;
    case "set_settings":
      await sleep(200);
      settings = a["settings"] as Settings;
      return settings;
    case "start_proxy": {
      await sleep(200);
      const acc = find(a);
      if (acc.apiBase === null) throw fail("other", `'${acc.service}' has no API base URL for the proxy to forward to: set it with "Edit service…"`);
      const k = key(a);
      const running = proxies.get(k) ?? { service: acc.service, account: acc.account, url: `http://127.0.0.1:${nextProxyPort++}/mock-proxy-key/` };
      proxies.set(k, running);
      return running;
    }
    case "stop_proxy":
      await sleep(100);
      proxies.delete(key(a));
      return null;
    case "list_proxies":
      return [...proxies.values()];
    case "copy_proxy_url":
      if (!proxies.has(key(a))) throw fail("other", "no proxy runs for this account: start it first");
      return null;
    case "open_proxy_docs":
      console.info("mock: open", `${proxies.get(key(a))?.url ?? "?"}docs`);
      return null;
    case "open_url":
      console.info("mock: open", a["url"]);
      return null;
    case "first_paint":
      return null;
    default:
      throw fail("other", `mock: unknown command ${cmd}`);
  }
}

export function installFakeShell(): void {
  mockIPC((cmd, payload) => handle(cmd, (payload ?? {}) as Args), { shouldMockEvents: true });
  // A notice like the shell's background refresher would send.
  if (accounts.length > 0) {
    setTimeout(() => void emit(events.notice, { level: "warning", message: "NOMAD · alice@lab needs a login: the refresh token was revoked." }), 1200);
  }
}
