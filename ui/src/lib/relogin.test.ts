import { describe, expect, it } from "vitest";
import { view } from "./fixtures";
import { loginWarning } from "./relogin";

const utc = { locale: "en-GB", timeZone: "UTC" };
// 2026-12-03 13:55:00 UTC.
const NOW = Date.UTC(2026, 11, 3, 13, 55) / 1000;

describe("loginWarning", () => {
  const soon = view({
    service: "oqtant",
    status: "logged_in",
    expiresAt: NOW + 600,
    loginDeadline: { by: NOW + 600, warnFrom: NOW - 1, cause: "access_token" },
  });

  it("says by when, once the warning is due", () => {
    const w = loginWarning(soon, NOW, utc);
    expect(w?.text).toBe("Log in again by 14:05");
    expect(w?.why).toContain("cannot be renewed");
  });

  it("names the day when it is not today", () => {
    const late = view({ ...soon, loginDeadline: { by: NOW + 86_400, warnFrom: NOW, cause: "refresh_token" } });
    expect(loginWarning(late, NOW, utc)?.text).toBe("Log in again by tomorrow, 13:55");
    expect(loginWarning(late, NOW, utc)?.why).toContain("session");
  });

  it("is silent before the warning, after the deadline and without one", () => {
    expect(loginWarning(soon, NOW - 2, utc)).toBeNull();
    expect(loginWarning(soon, NOW + 600, utc)).toBeNull();
    expect(loginWarning({ ...soon, loginDeadline: null }, NOW, utc)).toBeNull();
    expect(loginWarning({ ...soon, status: "login_required" }, NOW, utc)).toBeNull();
  });
});
