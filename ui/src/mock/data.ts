// Fake data for the mock shell: services in every state, presets like the real ones.

import type { AccountView, PresetView } from "../bindings/types";

function account(p: Partial<AccountView> & Pick<AccountView, "service" | "serviceName" | "flow">): AccountView {
  return {
    account: "default",
    status: "not_logged_in",
    expiresAt: null,
    obtainedAt: null,
    reason: null,
    scopes: [],
    docsUrl: null,
    apiBase: null,
    supportsAppToken: false,
    appTokenExpiresAt: null,
    pasted: false,
    pasteHint: { kind: "raw_token", message: "In the docs' Authorize dialog, paste the raw token into the (HTTP bearer) box, without a \"Bearer \" prefix: the \"Token\" button copies it." },
    headerCopy: { label: "Authorization header", sample: "Authorization: Bearer ‹token›" },
    loginDeadline: null,
    dpopBound: false,
    ...p,
  };
}

export function sampleAccounts(now: number): AccountView[] {
  return [
    account({
      service: "oqtant", serviceName: "Oqtant (Infleqtion)", flow: "auth-code",
      status: "logged_in", obtainedAt: now - 18 * 60, expiresAt: now + 42 * 60 + 17,
      // No refresh token: the token's end is the login deadline, warned of an hour ahead.
      loginDeadline: { by: now + 42 * 60 + 17, warnFrom: now - 18 * 60, cause: "access_token" },
      scopes: ["openid", "profile", "offline_access"],
      docsUrl: "http://127.0.0.1:47080/oqtant/docs", apiBase: "http://127.0.0.1:47080/oqtant/api",
    }),
    account({
      service: "quamotion", serviceName: "Quamotion Cloud", flow: "client-credentials",
      status: "logged_in", obtainedAt: now - 55 * 60, expiresAt: now + 4 * 60 + 12,
      scopes: [], apiBase: "https://cloud.quamotion.mobi/api",
    }),
    account({ service: "autolab", serviceName: "Autolab", flow: "device" }),
    account({
      service: "plantpredict", serviceName: "PlantPredict", flow: "client-credentials",
      status: "expired", obtainedAt: now - 63 * 60, expiresAt: now - 3 * 60,
    }),
    account({
      service: "nomad", serviceName: "NOMAD (FAIRmat)", flow: "password",
      status: "logged_in", obtainedAt: now - 2 * 3600, expiresAt: now + 22 * 3600 + 5 * 60,
      scopes: ["openid"], supportsAppToken: true,
      docsUrl: "http://127.0.0.1:47080/nomad/api/v1/extensions/docs", apiBase: "http://127.0.0.1:47080/nomad/api",
    }),
    account({
      service: "nomad", serviceName: "NOMAD (FAIRmat)", account: "alice@lab", flow: "password",
      status: "login_required", obtainedAt: now - 3 * 86400, expiresAt: now - 2 * 86400,
      reason: "The refresh token was revoked (invalid_grant); log in again.", supportsAppToken: true,
    }),
    account({
      service: "myidp", serviceName: "My IdP", flow: "auth-code",
      status: "not_logged_in", reason: "Provider error at https://id.example.org/token: invalid_client (Client authentication failed)",
    }),
  ];
}

const CLIENT_ID = { key: "client_id", label: "OAuth client id", default: null };
const USERNAME = { key: "username", label: "user name", default: null };
const NOMAD_BASE = { key: "api_base", label: "NOMAD API base", default: "https://nomad-lab.eu/prod/v1/api" };
const TENANT = { key: "tenant", label: "Azure tenant (id or domain)", default: "common" };

export const PRESETS: PresetView[] = [
  { name: "oqtant", title: "Oqtant (Infleqtion)", summary: "Auth0 login in the browser (auth code + PKCE, audience, redirect to localhost:8080-8085); public client", inputs: [], needsClientSecret: false, needsPassword: false, needsUsername: false },
  { name: "quamotion", title: "Quamotion Cloud", summary: "Azure AD v1 client credentials (resource=https://cloud.quamotion.mobi/)", inputs: [TENANT, CLIENT_ID], needsClientSecret: true, needsPassword: false, needsUsername: false },
  { name: "quamotion-v2", title: "Quamotion Cloud (Azure v2 endpoint)", summary: "Azure AD v2 client credentials (scope=https://cloud.quamotion.mobi//.default)", inputs: [TENANT, CLIENT_ID], needsClientSecret: true, needsPassword: false, needsUsername: false },
  { name: "autolab", title: "Autolab", summary: "Autolab's device login (code shown, approve on the activation page), refresh with rotation", inputs: [{ key: "base_url", label: "Autolab deployment URL, e.g. https://autolab.andrew.cmu.edu", default: null }, CLIENT_ID], needsClientSecret: true, needsPassword: false, needsUsername: false },
  { name: "plantpredict", title: "PlantPredict", summary: "AWS Cognito client credentials, parameters in the query string", inputs: [CLIENT_ID], needsClientSecret: true, needsPassword: false, needsUsername: false },
  { name: "plantpredict-legacy", title: "PlantPredict (legacy Okta)", summary: "Okta password grant with refresh, parameters in the query string (SDK 0.8-1.0.3)", inputs: [CLIENT_ID, USERNAME], needsClientSecret: true, needsPassword: true, needsUsername: true },
  { name: "nomad", title: "NOMAD (FAIRmat)", summary: "password grant at the NOMAD API (POST), refresh through its Keycloak, app tokens", inputs: [NOMAD_BASE, USERNAME], needsClientSecret: false, needsPassword: true, needsUsername: true },
  { name: "nomad-legacy", title: "NOMAD (before 1.4)", summary: "GET /v1/auth/token?username&password (no refresh token)", inputs: [NOMAD_BASE, USERNAME], needsClientSecret: false, needsPassword: true, needsUsername: true },
];

/** A QR-looking SVG (finder squares and seeded noise). Only for the mock: not a real QR code. */
export function fakeQrSvg(seed: string): string {
  const n = 25;
  let x = [...seed].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  const noise = (): boolean => ((x = (x * 1103515245 + 12345) >>> 0) & 0x10000) !== 0;
  // null: outside the three finder patterns; otherwise whether the module is dark.
  const finder = (i: number, j: number): boolean | null => {
    for (const [fx, fy] of [[0, 0], [n - 7, 0], [0, n - 7]] as const) {
      const a = i - fx;
      const b = j - fy;
      if (a < -1 || a > 7 || b < -1 || b > 7) continue;
      if (a < 0 || a > 6 || b < 0 || b > 6) return false;
      return a === 0 || b === 0 || a === 6 || b === 6 || (a >= 2 && a <= 4 && b >= 2 && b <= 4);
    }
    return null;
  };
  const cells: string[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      if (finder(i, j) ?? noise()) cells.push(`<rect x="${i + 2}" y="${j + 2}" width="1" height="1"/>`);
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n + 4} ${n + 4}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${cells.join("")}</g></svg>`;
}

/** A fake JWT-like string for Reveal (not a real token). */
export function fakeToken(service: string): string {
  const b64 = (o: unknown): string => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${b64({ alg: "RS256", typ: "JWT", kid: "demo" })}.${b64({ iss: `http://127.0.0.1:47080/${service}`, sub: "demo-user", aud: service })}.ZGVtby1zaWduYXR1cmUtbm90LXJlYWw`;
}
