// @vitest-environment happy-dom
// The views against a mocked shell (the same mockIPC the mock page uses): rows, test ids,
// the token panel's copy flow, device dialog, login states, keyboard, add-service form.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { AccountView, ActivityView, LoginEventDto } from "./bindings/types";
import { view } from "./lib/fixtures";

type Handler = (cmd: string, args: Record<string, unknown>) => unknown;
let calls: { cmd: string; args: Record<string, unknown> }[] = [];

const NOW = Math.floor(Date.now() / 1000);
const ACCOUNTS: AccountView[] = [
  view({ service: "oqtant", serviceName: "Oqtant", status: "logged_in", obtainedAt: NOW - 600, expiresAt: NOW + 3000, docsUrl: "https://docs.example.org" }),
  view({ service: "autolab", serviceName: "Autolab", flow: "device" }),
  view({ service: "nomad", serviceName: "NOMAD", account: "alice", flow: "password", status: "login_required", reason: "revoked" }),
];

const byId = (id: string): HTMLElement | null => document.querySelector(`[data-testid="${id}"]`);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

async function boot(handler: Handler, accounts: AccountView[] = ACCOUNTS): Promise<void> {
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    if (cmd === "list_accounts") return structuredClone(accounts);
    if (cmd === "app_info") return { demo: false, version: "0.0.0" };
    if (cmd === "get_settings") return { clipboardClearSecs: 60, refreshMarginSecs: 60, warnBeforeLoginMins: 10, keepInTray: true, theme: "system" };
    const answer = handler(cmd, args);
    return answer === null && cmd === "list_presets" ? [] : answer;
  }, { shouldMockEvents: true });
  const { startApp } = await import("./app");
  startApp(document.getElementById("app")!);
  await settle();
}

beforeEach(() => {
  vi.resetModules();
  calls = [];
  document.body.replaceChildren();
  const app = document.createElement("div");
  app.id = "app";
  document.body.append(app);
});

afterEach(() => clearMocks());

describe("service list", () => {
  it("renders one row per account with the agreed test ids", async () => {
    await boot(() => null);
    expect(byId("service-oqtant")).not.toBeNull();
    expect(byId("service-nomad-alice")).not.toBeNull();
    expect(byId("login-autolab")).not.toBeNull();
    expect(byId("state-oqtant")!.dataset["state"]).toBe("logged_in");
    expect(byId("state-oqtant")!.textContent).toBe("logged in");
    expect(byId("state-nomad-alice")!.textContent).toBe("login required");
    expect(byId("expiry-oqtant")!.textContent).toMatch(/^expires in (49|50) min$/);
    // Sorted by name.
    const order = [...document.querySelectorAll(".row")].map((r) => r.getAttribute("data-testid"));
    expect(order).toEqual(["service-autolab", "service-nomad-alice", "service-oqtant"]);
  });

  it("warns ahead of a login with a badge and a one-click Log in again, in the row and the panel", async () => {
    const soon = view({
      service: "oqtant", serviceName: "Oqtant", status: "logged_in", obtainedAt: NOW - 60, expiresAt: NOW + 240,
      loginDeadline: { by: NOW + 240, warnFrom: NOW - 360, cause: "access_token" },
    });
    const later = view({
      service: "autolab", serviceName: "Autolab", flow: "device", status: "logged_in", obtainedAt: NOW, expiresAt: NOW + 7200,
      loginDeadline: { by: NOW + 7200, warnFrom: NOW + 6600, cause: "refresh_token" },
    });
    await boot((cmd) => (cmd === "login" ? { ...soon, loginDeadline: null } : null), [soon, later]);
    const badge = byId("login-warning-oqtant")!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toMatch(/^Log in again by /);
    expect(badge.title).toContain("cannot be renewed");
    expect(byId("login-warning-autolab")!.hidden).toBe(true);
    const rowButton = byId("login-oqtant") as HTMLButtonElement;
    expect(rowButton.textContent).toBe("Log in again");
    expect(rowButton.getAttribute("aria-label")).toMatch(/^Log in to Oqtant again \(needed by /);
    expect(byId("login-autolab")!.textContent).toBe("Log in");
    byId("service-oqtant")!.click();
    await settle();
    expect(byId("login-warning-oqtant-panel")!.textContent).toMatch(/^Log in again by .*\.$/);
    const again = byId("relogin-oqtant") as HTMLButtonElement;
    expect(again.closest("[hidden]")).toBeNull();
    again.click();
    await settle();
    expect(calls.some((c) => c.cmd === "login" && c.args["service"] === "oqtant")).toBe(true);
  });

  it("filters by name and id", async () => {
    await boot(() => null);
    const filter = byId("filter") as HTMLInputElement;
    filter.value = "oqt";
    filter.dispatchEvent(new Event("input"));
    expect(document.querySelectorAll(".row").length).toBe(1);
    filter.value = "nothing-like-it";
    filter.dispatchEvent(new Event("input"));
    expect(document.querySelector(".empty")!.textContent).toContain("No service matches");
  });

  it("shows the empty state with the demo hint outside demo mode", async () => {
    await boot(() => null, []);
    const empty = document.querySelector(".empty")!;
    expect(empty.textContent).toContain("No services yet");
    expect(empty.textContent).toContain("demo mode");
    (byId("add-service-empty") as HTMLButtonElement).click();
    await settle();
    expect((byId("add-service-view") as HTMLElement).hidden).toBe(false);
  });

  it("moves the selection with the arrow keys and logs in with Enter", async () => {
    let resolveLogin: (v: AccountView) => void = () => undefined;
    await boot((cmd) => (cmd === "login" ? new Promise((r) => (resolveLogin = r)) : null));
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(byId("service-autolab")!.classList.contains("selected")).toBe(true);
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(calls.find((c) => c.cmd === "login")?.args).toEqual({ service: "autolab", account: "default" });
    expect((byId("login-autolab") as HTMLButtonElement).disabled).toBe(true);
    resolveLogin(ACCOUNTS[1]!);
    await settle();
    expect((byId("login-autolab") as HTMLButtonElement).disabled).toBe(false);
  });

  it("paints the list the shell handed over with the page at once, then asks for the current one", async () => {
    let answer: (v: AccountView[]) => void = () => undefined;
    mockIPC((cmd) => {
      calls.push({ cmd, args: {} });
      if (cmd === "list_accounts") return new Promise((r) => (answer = r));
      if (cmd === "get_settings") return { clipboardClearSecs: 60, refreshMarginSecs: 60, warnBeforeLoginMins: 10, keepInTray: true, theme: "system" };
      return cmd === "app_info" ? { demo: false, version: "0.0.0" } : null;
    }, { shouldMockEvents: true });
    Object.defineProperty(window, "__AUTHDECK_FIRST_LIST__", { value: structuredClone(ACCOUNTS.slice(0, 2)), configurable: true });
    const { startApp } = await import("./app");
    startApp(document.getElementById("app")!);
    // Shown while startApp runs, before any answer of the shell; taken once.
    expect(document.querySelectorAll(".row").length).toBe(2);
    expect(document.querySelector(".list-count")!.textContent).toBe("2 services");
    expect("__AUTHDECK_FIRST_LIST__" in window).toBe(false);
    await settle();
    expect(calls.filter((c) => c.cmd === "list_accounts").length).toBe(1);
    answer(structuredClone(ACCOUNTS));
    await settle();
    expect(document.querySelectorAll(".row").length).toBe(3);
  });

  it("'/' focuses the filter", async () => {
    await boot(() => null);
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "/", bubbles: true }));
    expect(document.activeElement).toBe(byId("filter"));
  });
});

describe("logins", () => {
  it("shows 'Waiting for the browser…' with Cancel, and a failed login inline, not as JSON", async () => {
    let reject: (e: unknown) => void = () => undefined;
    await boot((cmd) => {
      if (cmd === "login") return new Promise((_, r) => (reject = r));
      return null;
    });
    (byId("login-oqtant") as HTMLButtonElement).click();
    await settle();
    const waiting = byId("login-waiting")!;
    expect(waiting.textContent).toContain("Waiting for the browser…");
    (waiting.querySelector("button") as HTMLButtonElement).click();
    await settle();
    expect(calls.some((c) => c.cmd === "cancel_login")).toBe(true);
    reject({ code: "consent_denied", message: "the login was denied (access_denied: the user said no)", hint: "Log in again." });
    await settle();
    const row = byId("service-oqtant")!;
    expect(row.textContent).toContain("access_denied: the user said no");
    expect(row.textContent).not.toContain("{");
    expect(byId("login-waiting")).toBeNull();
  });

  it("shows the URL to open by hand when the browser failed", async () => {
    await boot((cmd) => (cmd === "login" ? new Promise(() => undefined) : null));
    (byId("login-oqtant") as HTMLButtonElement).click();
    await settle();
    const ev: LoginEventDto = { service: "oqtant", account: "default", kind: "browser_failed", url: "https://id.example.org/authorize?x=1", message: null, userCode: null, verificationUri: null, verificationUriComplete: null, expiresIn: null, qrSvg: null };
    await emit("login-event", ev);
    await settle();
    const field = byId("login-waiting")!.querySelector("input") as HTMLInputElement;
    expect(field.value).toBe("https://id.example.org/authorize?x=1");
  });

  it("shows a device code dialog with code, link, QR and a working Cancel", async () => {
    await boot((cmd) => (cmd === "login" ? new Promise(() => undefined) : null));
    (byId("login-autolab") as HTMLButtonElement).click();
    await settle();
    const ev: LoginEventDto = {
      service: "autolab", account: "default", kind: "device_code", url: null, message: null,
      userCode: "WDJB-MJHT", verificationUri: "https://lab.example.org/activate",
      verificationUriComplete: "https://lab.example.org/activate?code=WDJB-MJHT", expiresIn: 600,
      qrSvg: "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    };
    await emit("login-event", ev);
    await settle();
    expect(byId("device-user-code")!.textContent).toBe("WDJB-MJHT");
    const img = document.querySelector(".device-dialog img") as HTMLImageElement;
    expect(img.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    // The SVG never becomes part of the page.
    expect(document.querySelector(".device-dialog script")).toBeNull();
    expect(document.querySelector(".device-dialog")!.textContent).toMatch(/expires in (10:00|9:59)/);
    (document.querySelector(".device-dialog .link-button") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "open_url")?.args).toEqual({ url: "https://lab.example.org/activate?code=WDJB-MJHT" });
    (byId("device-cancel") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "cancel_login")?.args).toEqual({ service: "autolab", account: "default" });
  });
});

describe("token panel", () => {
  it("copies through the shell and reports the clipboard clearing", async () => {
    await boot((cmd) => {
      if (cmd === "token_summary") return { tokenType: "Bearer", expiresAt: NOW + 3000, obtainedAt: NOW - 600, scopes: ["openid"], claims: { sub: "u1", exp: NOW + 3000 } };
      if (cmd === "copy_token") return { clearsInSecs: 60 };
      return null;
    });
    byId("service-oqtant")!.click();
    await settle();
    for (const id of ["copy-raw-oqtant", "copy-bearer-oqtant", "copy-header-oqtant", "copy-curl-oqtant", "reveal-oqtant", "logout-oqtant"]) {
      expect(byId(id), id).not.toBeNull();
    }
    expect(byId("copy-raw-oqtant")!.textContent).toContain("Token (for Swagger's Bearer dialog)");
    expect(document.querySelector(".claims")!.textContent).toContain("unverified — for display only");
    (byId("copy-header-oqtant") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "copy_token")?.args).toEqual({ service: "oqtant", account: "default", format: "header" });
    expect(byId("notice")!.textContent).toContain("Copied — the clipboard will be cleared in 60 s");
    await emit("clipboard-cleared", null);
    await settle();
    const notices = document.querySelectorAll('[data-testid="notice"]');
    expect(notices.length).toBe(1);
    expect(notices[0]!.textContent).toContain("Clipboard cleared");
  });

  it("lists the account's activity newest first, marks a failure, and reloads when accounts change", async () => {
    let events: ActivityView[] = [
      { seq: 1, at: NOW - 60, kind: "login", via: null, endpoint: "https://id.test/token", status: 200, durationMs: 90, answer: null, error: null },
    ];
    await boot((cmd) => (cmd === "account_activity" ? structuredClone(events) : null));
    byId("service-oqtant")!.click();
    await settle();
    const items = (): HTMLElement[] => [...document.querySelectorAll<HTMLElement>('[data-testid="activity-oqtant"] .activity-item')];
    expect(items().map((li) => li.dataset["kind"])).toEqual(["login"]);
    expect(items()[0]!.textContent).toContain("https://id.test/token · HTTP 200 · 90 ms");
    events = [...events, { seq: 2, at: NOW - 60, kind: "refresh", via: null, endpoint: "https://id.test/token", status: 400, durationMs: 12, answer: "invalid_grant (grant request is invalid)", error: { code: "grant_expired", message: "oqtant/default: the provider no longer accepts the refresh token" } }];
    await emit("accounts-changed", null);
    await settle();
    // Same second: the order is the sequence's.
    expect(items().map((li) => `${li.dataset["seq"]} ${li.dataset["outcome"]}`)).toEqual(["2 failed", "1 ok"]);
    const failed = items()[0]!;
    expect(failed.classList.contains("activity-failed")).toBe(true);
    expect(failed.querySelector(".activity-error")!.textContent).toBe("oqtant/default: the provider no longer accepts the refresh token");
    expect(failed.textContent).toContain("The provider answered: invalid_grant (grant request is invalid)");
    expect(failed.textContent).toContain("Failed");
  });

  it("labels the header copy of an API key by its own header, and hides it for a query key", async () => {
    await boot(() => null, [
      view({ service: "keyed", flow: "api-key", pasted: true, status: "logged_in", headerCopy: { label: "Header line", sample: "X-Demo-Key: ‹key›" } }),
      view({ service: "queried", flow: "api-key", pasted: true, status: "logged_in", headerCopy: null }),
    ]);
    byId("service-keyed")!.click();
    await settle();
    expect(byId("copy-header-keyed")!.textContent).toContain("Header line");
    expect(byId("copy-header-keyed")!.textContent).toContain("X-Demo-Key: ‹key›");
    expect(byId("copy-header-keyed")!.textContent).not.toContain("Authorization");
    byId("service-queried")!.click();
    await settle();
    expect((byId("copy-header-queried") as HTMLButtonElement).hidden).toBe(true);
  });

  it("shows a DPoP-bound token as such, with no copy to make and the proxy as the way", async () => {
    await boot((cmd) => (cmd === "token_summary" ? { tokenType: "dpop", expiresAt: NOW + 3000, obtainedAt: NOW - 600, scopes: [], claims: null } : null), [
      view({ service: "bound", status: "logged_in", obtainedAt: NOW - 600, expiresAt: NOW + 3000, dpopBound: true, pasteHint: { kind: "cannot_paste", message: "This token is DPoP-bound: pasted alone it opens nothing." } }),
    ]);
    byId("service-bound")!.click();
    await settle();
    expect(document.querySelector('[data-testid="dpop-bound"]')!.textContent).toContain("DPoP-bound");
    expect(document.querySelector(".claims")!.textContent).toContain("An opaque DPoP-bound token");
    for (const id of ["copy-raw-bound", "copy-bearer-bound", "copy-header-bound", "copy-curl-bound"]) {
      expect((byId(id) as HTMLButtonElement).disabled, id).toBe(true);
    }
    expect(document.body.textContent).toContain("This token is DPoP-bound");
  });

  it("reveals the token only on request and forgets it on Hide", async () => {
    await boot((cmd) => (cmd === "reveal_token" ? "secret-token-value" : null));
    byId("service-oqtant")!.click();
    await settle();
    expect(calls.some((c) => c.cmd === "reveal_token")).toBe(false);
    (byId("reveal-oqtant") as HTMLButtonElement).click();
    await settle();
    expect(byId("revealed-token")!.textContent).toBe("secret-token-value");
    ([...document.querySelectorAll(".reveal button")].find((b) => b.textContent === "Hide") as HTMLButtonElement).click();
    expect(document.body.textContent).not.toContain("secret-token-value");
  });

  it("shows errors from the shell inline", async () => {
    await boot((cmd) => {
      if (cmd === "copy_token") throw { code: "other", message: "Log in to NOMAD first.", hint: null };
      return null;
    });
    byId("service-nomad-alice")!.click();
    await settle();
    (byId("copy-raw-nomad-alice") as HTMLButtonElement).click();
    await settle();
    const err = document.querySelector(".copy-section .inline-error") as HTMLElement;
    expect(err.hidden).toBe(false);
    expect(err.textContent).toBe("Log in to NOMAD first.");
  });
});

describe("add a service", () => {
  it("sends a preset with its secrets and clears the password field at once", async () => {
    let resolveAdd: () => void = () => undefined;
    await boot((cmd) => {
      if (cmd === "list_presets") {
        return [{ name: "nomad", title: "NOMAD", summary: "password grant", inputs: [{ key: "api_base", label: "NOMAD API base", default: "https://nomad-lab.eu/prod/v1/api" }, { key: "username", label: "user name", default: null }], needsClientSecret: false, needsPassword: true, needsUsername: true }];
      }
      if (cmd === "add_service_from_preset") return new Promise<null>((r) => (resolveAdd = () => r(null)));
      return null;
    });
    (byId("add-service") as HTMLButtonElement).click();
    await settle();
    (byId("preset-nomad") as HTMLInputElement).click();
    await settle();
    // One user-name field, not two.
    expect(document.querySelectorAll('[data-testid="username"], [data-testid="preset-input-username"]').length).toBe(1);
    const pw = byId("password") as HTMLInputElement;
    expect(pw.type).toBe("password");
    (byId("username") as HTMLInputElement).value = "me";
    pw.value = "hunter2";
    (byId("add-submit") as HTMLButtonElement).closest("form")!.requestSubmit();
    await settle();
    expect(pw.value).toBe("");
    expect(calls.find((c) => c.cmd === "add_service_from_preset")?.args).toEqual({
      req: { id: "nomad-2", preset: "nomad", settings: [["api_base", "https://nomad-lab.eu/prod/v1/api"]], username: "me", clientSecret: null, password: "hunter2" },
    });
    resolveAdd();
    await settle();
    expect((byId("add-service-view") as HTMLElement).hidden).toBe(true);
  });

  it("validates a manual service inline before calling the shell", async () => {
    await boot(() => null);
    (byId("add-service") as HTMLButtonElement).click();
    await settle();
    (byId("add-mode-manual") as HTMLButtonElement).click();
    const panel = document.getElementById("panel-manual")!;
    const q = (id: string): HTMLInputElement => panel.querySelector(`[data-testid="${id}"]`) as HTMLInputElement;
    q("service-id").value = "Bad Id";
    q("tokenUrl").value = "ftp://x";
    (panel as HTMLFormElement).requestSubmit();
    await settle();
    const errors = [...panel.querySelectorAll(".field-error")].filter((e) => !(e as HTMLElement).hidden).map((e) => e.textContent);
    expect(errors).toContain("Use lowercase letters, digits, '-' or '_', starting with a letter or digit.");
    expect(errors).toContain("The token endpoint must start with http:// or https://.");
    expect(errors).toContain("Enter the authorization endpoint.");
    expect(errors).toContain("Enter the client id.");
    expect(calls.some((c) => c.cmd === "add_service_manual")).toBe(false);
  });
});

describe("source hygiene", () => {
  const sources = import.meta.glob(["./**/*.ts", "!./**/*.test.ts", "!./bindings/**"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

  it("reaches the shell only through bindings/commands", () => {
    for (const [file, text] of Object.entries(sources)) {
      expect(text, file).not.toMatch(/\binvoke\s*[<(]/);
      expect(text, file).not.toMatch(/@tauri-apps\/api\/core/);
    }
  });

  it("never writes markup strings or style attributes (CSP)", () => {
    for (const [file, source] of Object.entries(sources)) {
      const text = source.replace(/^\s*\/\/.*$/gm, "");
      expect(text, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      expect(text, file).not.toMatch(/setAttribute\(\s*["']style["']/);
    }
  });
});

describe("logins started elsewhere (the tray)", () => {
  const bare = (kind: LoginEventDto["kind"], message: string | null = null): LoginEventDto => ({
    service: "oqtant", account: "default", kind, url: null, message, userCode: null,
    verificationUri: null, verificationUriComplete: null, expiresIn: null, qrSvg: null,
  });

  it("shows the waiting row, then the outcome, from events alone", async () => {
    await boot(() => null);
    await emit("login-event", bare("started"));
    await settle();
    expect(byId("login-waiting")).not.toBeNull();
    const before = calls.filter((c) => c.cmd === "list_accounts").length;
    await emit("login-event", bare("finished"));
    await settle();
    expect(byId("login-waiting")).toBeNull();
    expect(byId("notice")!.textContent).toContain("Logged in to Oqtant");
    expect(calls.filter((c) => c.cmd === "list_accounts").length).toBeGreaterThan(before);
  });

  it("shows a failure on the row", async () => {
    await boot(() => null);
    await emit("login-event", bare("started"));
    await emit("login-event", bare("failed", "access_denied: the user said no"));
    await settle();
    expect(byId("login-waiting")).toBeNull();
    expect(byId("service-oqtant")!.textContent).toContain("access_denied: the user said no");
  });

  it("leaves the window's own logins to their command's answer", async () => {
    let resolve: (v: unknown) => void = () => undefined;
    await boot((cmd) => (cmd === "login" ? new Promise((r) => (resolve = r)) : null));
    (byId("login-oqtant") as HTMLButtonElement).click();
    await settle();
    await emit("login-event", bare("started"));
    await emit("login-event", bare("finished"));
    await settle();
    // Still waiting: the command has not answered yet; no toast from the event.
    expect(byId("login-waiting")).not.toBeNull();
    expect(byId("notice")).toBeNull();
    resolve(ACCOUNTS[0]);
    await settle();
    expect(byId("login-waiting")).toBeNull();
    expect(document.querySelectorAll('[data-testid="notice"]').length).toBe(1);
  });
});

describe("editing services and accounts", () => {
  const SETTINGS = {
    id: "oqtant", name: "Oqtant", flow: "auth-code", preset: "oqtant", issuer: null,
    authorizationUrl: "https://id.example.org/authorize", tokenUrl: "https://id.example.org/oauth/token",
    deviceUrl: null, revocationUrl: null, clientId: "client-1", clientAuth: "client_secret_post",
    scopes: ["openid", "offline_access"], docsUrl: "https://docs.example.org", apiBase: null,
    hasClientSecret: true, accounts: ["default"],
  };
  const input = (id: string): HTMLInputElement => byId(id) as HTMLInputElement;
  const type = (id: string, value: string): void => {
    input(id).value = value;
    input(id).dispatchEvent(new Event("input"));
  };

  it("edits a service with its settings prefilled, keeping the stored secret", async () => {
    await boot((cmd) => (cmd === "service_settings" ? SETTINGS : null));
    byId("service-oqtant")!.click();
    await settle();
    (byId("edit-oqtant") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "service_settings")?.args).toEqual({ service: "oqtant" });
    expect(input("service-id").value).toBe("oqtant");
    expect(input("service-id").disabled).toBe(true);
    expect(input("tokenUrl").value).toBe("https://id.example.org/oauth/token");
    expect(input("scopes").value).toBe("openid offline_access");
    expect(byId("edit-service-view")!.textContent).toContain("“oqtant” preset");
    type("service-name", "Oqtant (lab)");
    type("scopes", "openid");
    (byId("add-submit") as HTMLButtonElement).click();
    await settle();
    const req = calls.find((c) => c.cmd === "update_service")?.args["req"] as Record<string, unknown>;
    expect(req).toMatchObject({ id: "oqtant", name: "Oqtant (lab)", scopes: ["openid"], clientId: "client-1", clientAuth: "client_secret_post", clientSecret: null });
    expect(byId("notice")!.textContent).toContain("Saved Oqtant (lab)");
  });

  it("shows a bad URL inline and sends nothing", async () => {
    await boot((cmd) => (cmd === "service_settings" ? SETTINGS : null));
    byId("service-oqtant")!.click();
    await settle();
    (byId("edit-oqtant") as HTMLButtonElement).click();
    await settle();
    type("tokenUrl", "not a url");
    (byId("add-submit") as HTMLButtonElement).click();
    await settle();
    expect(calls.some((c) => c.cmd === "update_service")).toBe(false);
    expect(byId("edit-service-view")!.querySelector(".field-error:not([hidden])")).not.toBeNull();
  });

  it("adds a password account, the password leaving the page at once", async () => {
    await boot(() => null);
    byId("service-nomad-alice")!.click();
    await settle();
    (byId("add-account-nomad") as HTMLButtonElement).click();
    await settle();
    input("account-name").value = "bob";
    input("account-username").value = "bob@lab";
    input("account-password").value = "pw-of-bob";
    (byId("account-add-confirm") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "add_account")?.args["req"]).toEqual({ service: "nomad", account: "bob", username: "bob@lab", password: "pw-of-bob" });
    expect(document.body.innerHTML).not.toContain("pw-of-bob");
  });

  it("removes one of several accounts after confirmation", async () => {
    const two = [...ACCOUNTS, view({ service: "nomad", serviceName: "NOMAD", account: "bob", flow: "password" })];
    await boot(() => null, two);
    byId("service-nomad-bob")!.click();
    await settle();
    (byId("remove-account-nomad-bob") as HTMLButtonElement).click();
    await settle();
    expect(calls.some((c) => c.cmd === "remove_account")).toBe(false);
    (byId("remove-account-confirm") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "remove_account")?.args).toEqual({ service: "nomad", account: "bob" });
  });

  it("offers no account removal for a service's only account", async () => {
    await boot(() => null);
    byId("service-oqtant")!.click();
    await settle();
    expect(byId("remove-account-oqtant")).toBeNull();
  });
});

describe("OpenAPI import and pasted tokens", () => {
  const input = (id: string): HTMLInputElement => byId(id) as HTMLInputElement;

  it("reads a document, offers its schemes and imports the chosen one", async () => {
    await boot((cmd) => {
      if (cmd === "read_openapi") {
        return {
          title: "Lab API", teamServices: [], warnings: [],
          proposals: [
            { scheme: "oauth", id: "lab-api-oauth", name: "Lab API (oauth)", flow: "client-credentials", preset: null, scopes: [{ name: "read", description: "Read things" }, { name: "write", description: "" }], needs: ["client_id", "client_secret"], pasteHint: "OAuth2 only: use curl.", notes: [] },
            { scheme: "bearer", id: "lab-api-bearer", name: "Lab API (bearer)", flow: "bearer", preset: null, scopes: [], needs: ["token"], pasteHint: "Paste the raw token.", notes: [] },
          ],
        };
      }
      return null;
    });
    (byId("add-service") as HTMLButtonElement).click();
    await settle();
    (byId("add-mode-openapi") as HTMLButtonElement).click();
    input("openapi-source").value = "https://lab.example.org/openapi.yaml";
    (byId("openapi-read") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "read_openapi")?.args).toEqual({ source: "https://lab.example.org/openapi.yaml" });
    input("proposal-oauth").checked = true;
    input("proposal-oauth").dispatchEvent(new Event("change"));
    await settle();
    // Submitting without the client id and secret shows errors and sends nothing.
    (byId("add-submit") as HTMLButtonElement).click();
    await settle();
    expect(calls.some((c) => c.cmd === "import_openapi")).toBe(false);
    input("client-id").value = "cid";
    input("client-secret").value = "s3cret";
    input("scope-read").checked = true;
    (byId("add-submit") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "import_openapi")?.args["req"]).toEqual({
      source: "https://lab.example.org/openapi.yaml", scheme: "oauth", id: "lab-api-oauth",
      clientId: "cid", clientSecret: "s3cret", username: null, scopes: ["read"], tokenUrl: null,
    });
    expect(document.body.innerHTML).not.toContain("s3cret");
  });

  it("turns Log in of a pasted-token service into a paste field that goes to the keyring", async () => {
    const pasted = view({ service: "labtok", serviceName: "Lab token", flow: "bearer", pasted: true, status: "login_required", reason: "paste a new token", pasteHint: { kind: "raw_token", message: "Paste the raw token into the HTTP bearer box." } });
    await boot(() => null, [pasted]);
    (byId("login-labtok") as HTMLButtonElement).click();
    await settle();
    expect(calls.some((c) => c.cmd === "login")).toBe(false);
    // The panel opened on the paste field.
    expect(document.activeElement).toBe(byId("paste-token-labtok"));
    expect(byId("paste-hint-labtok")!.textContent).toContain("HTTP bearer box");
    input("paste-token-labtok").value = "eyJ.pasted.token";
    (byId("paste-save-labtok") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "store_pasted")?.args).toEqual({ service: "labtok", account: "default", token: "eyJ.pasted.token" });
    expect(input("paste-token-labtok").value).toBe("");
  });
});

describe("sharing with a team", () => {
  it("copies the service definitions from Settings and shows them", async () => {
    await boot((cmd) => (cmd === "export_services" ? { count: 2, text: "[services.oqtant]\nflow = \"auth-code\"\n" } : null));
    (byId("settings") as HTMLButtonElement).click();
    await settle();
    (byId("export-services") as HTMLButtonElement).click();
    await settle();
    expect(calls.some((c) => c.cmd === "export_services")).toBe(true);
    expect(byId("export-text")!.textContent).toContain("[services.oqtant]");
    expect(byId("notice")!.textContent).toContain("Copied 2 service definitions — no secrets");
  });

  it("recognises a team file in the import tab and imports its services", async () => {
    await boot((cmd) => {
      if (cmd === "read_openapi") return { title: "A team file", teamServices: ["lab-a", "lab-b"], warnings: [], proposals: [] };
      if (cmd === "import_team") return ["lab-a", "lab-b"];
      return null;
    });
    (byId("add-service") as HTMLButtonElement).click();
    await settle();
    (byId("add-mode-openapi") as HTMLButtonElement).click();
    (byId("openapi-source") as HTMLInputElement).value = "/home/me/team.toml";
    (byId("openapi-read") as HTMLButtonElement).click();
    await settle();
    expect(byId("team-import")!.textContent).toBe("Import 2 services");
    (byId("team-import") as HTMLButtonElement).click();
    await settle();
    expect(calls.find((c) => c.cmd === "import_team")?.args).toEqual({ source: "/home/me/team.toml" });
    expect(byId("notice")!.textContent).toContain("Imported lab-a, lab-b");
  });
});
