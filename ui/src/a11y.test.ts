// @vitest-environment happy-dom
// Accessibility of the main views, checked with axe-core against a mocked shell: the list,
// the token panel (with the provider's answer, claims and activity), the add-service
// forms, the settings and the device-code dialog. No serious or critical violation of
// structure and labels. Colour contrast needs real rendering: it is checked in the real
// window, both themes (tests/e2e/window.rs).

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import axe from "axe-core";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { AccountView, LoginEventDto } from "./bindings/types";
import { view } from "./lib/fixtures";

const NOW = Math.floor(Date.now() / 1000);
const ACCOUNTS: AccountView[] = [
  view({ service: "oqtant", serviceName: "Oqtant", status: "logged_in", obtainedAt: NOW - 600, expiresAt: NOW + 3000, docsUrl: "https://docs.example.org" }),
  view({ service: "autolab", serviceName: "Autolab", flow: "device" }),
  view({ service: "nomad", serviceName: "NOMAD", account: "alice", flow: "password", status: "login_required", reason: "revoked" }),
];

const byId = (id: string): HTMLElement | null => document.querySelector(`[data-testid="${id}"]`);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 8; i++) await new Promise((r) => setTimeout(r, 0));
};

function answer(cmd: string): unknown {
  switch (cmd) {
    case "list_accounts": return structuredClone(ACCOUNTS);
    case "app_info": return { demo: false, version: "0.0.0" };
    case "get_settings": return { clipboardClearSecs: 60, refreshMarginSecs: 60, keepInTray: true, theme: "system" };
    case "list_presets": return [{ name: "nomad", title: "NOMAD", summary: "password grant", inputs: [{ key: "api_base", label: "NOMAD API base", default: "https://nomad-lab.eu/prod/v1/api" }, { key: "username", label: "user name", default: null }], needsClientSecret: false, needsPassword: true, needsUsername: true }];
    case "token_summary": return { tokenType: "bearer", expiresAt: NOW + 3000, obtainedAt: NOW - 600, scopes: ["openid"], claims: { sub: "u1", aud: "api", scope: "openid", exp: NOW + 3000, iat: NOW - 300 }, clockSkewSecs: 300 };
    case "provider_checks": return { introspection: true, revocation: true, pasted: false, hasAccessToken: true, hasRefreshToken: true };
    case "introspect_token": return { active: true, expiresAt: NOW + 3000, issuedAt: NOW - 600, scopes: ["openid"], clientId: "app", tokenType: "Bearer", username: null };
    case "account_activity": return [
      { seq: 2, at: NOW - 5, kind: "refresh", via: null, endpoint: "https://id.example.org/token", status: 400, durationMs: 84, answer: "invalid_grant", error: { code: "grant_expired", message: "the provider no longer accepts the refresh token" } },
      { seq: 1, at: NOW - 60, kind: "login", via: null, endpoint: "https://id.example.org/token", status: 200, durationMs: 120, answer: null, error: null },
    ];
    case "login": return new Promise(() => undefined);
    default: return null;
  }
}

async function boot(): Promise<void> {
  mockIPC((cmd) => answer(cmd), { shouldMockEvents: true });
  const { startApp } = await import("./app");
  startApp(document.getElementById("app")!);
  await settle();
}

/** The serious and critical violations in the page, as readable lines. */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    resultTypes: ["violations"],
    // Needs real layout and colours: checked in the real window instead.
    rules: { "color-contrast": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

beforeEach(() => {
  vi.resetModules();
  document.body.replaceChildren();
  document.documentElement.lang = "en";
  document.title = "Authdeck";
  const app = document.createElement("div");
  app.id = "app";
  document.body.append(app);
});

afterEach(() => clearMocks());

describe("axe-core on the main views", () => {
  it("the list and the token panel", async () => {
    await boot();
    expect(await violations()).toEqual([]);
    byId("service-oqtant")!.click();
    await settle();
    (byId("introspect-oqtant") as HTMLButtonElement).click();
    await settle();
    expect(byId("introspection-oqtant")!.textContent).toContain("Active");
    expect(await violations()).toEqual([]);
  });

  it("the add-service forms", async () => {
    await boot();
    (byId("add-service") as HTMLButtonElement).click();
    await settle();
    expect(await violations()).toEqual([]);
    (byId("preset-nomad") as HTMLInputElement).click();
    await settle();
    expect(await violations()).toEqual([]);
  });

  it("the settings", async () => {
    await boot();
    (byId("settings") as HTMLButtonElement).click();
    await settle();
    expect(await violations()).toEqual([]);
  });

  it("the device-code dialog", async () => {
    await boot();
    (byId("login-autolab") as HTMLButtonElement).click();
    await settle();
    const ev: LoginEventDto = {
      service: "autolab", account: "default", kind: "device_code", url: null, message: null,
      userCode: "WDJB-MJHT", verificationUri: "https://lab.example.org/activate",
      verificationUriComplete: "https://lab.example.org/activate?code=WDJB-MJHT", expiresIn: 600,
      qrSvg: "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
    };
    await emit("login-event", ev);
    await settle();
    expect(byId("device-user-code")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });
});
