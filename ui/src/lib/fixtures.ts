// Test helpers (not shipped: only *.test.ts files import this).
import type { AccountView } from "../bindings/types";

export function view(p: Partial<AccountView> & Pick<AccountView, "service">): AccountView {
  return {
    serviceName: p.service,
    account: "default",
    flow: "auth-code",
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
    pasteHint: { kind: "raw_token", message: "Paste the raw token into the HTTP bearer box." },
    headerCopy: { label: "Authorization header", sample: "Authorization: Bearer ‹token›" },
    loginDeadline: null,
    dpopBound: false,
    ...p,
  };
}
