import { describe, expect, it } from "vitest";
import { chipFor, needsLogin, SOON_SECS } from "./status";

const NOW = 1_700_000_000;

describe("chipFor", () => {
  it("logged in with time to spare", () => {
    expect(chipFor({ status: "logged_in", expiresAt: NOW + 3600, reason: null }, NOW)).toEqual({ text: "logged in", tone: "ok", title: null });
    expect(chipFor({ status: "logged_in", expiresAt: null, reason: null }, NOW).text).toBe("logged in");
  });

  it("flags a token that expires soon, with the time in the tooltip", () => {
    const chip = chipFor({ status: "logged_in", expiresAt: NOW + 12 * 60, reason: null }, NOW);
    expect(chip).toEqual({ text: "expires soon", tone: "warn", title: "Expires in 12 min" });
    expect(chipFor({ status: "logged_in", expiresAt: NOW + SOON_SECS + 1, reason: null }, NOW).text).toBe("logged in");
  });

  it("re-derives expiry from the clock for a stale logged_in status", () => {
    const chip = chipFor({ status: "logged_in", expiresAt: NOW - 1, reason: null }, NOW);
    expect(chip.text).toBe("expired");
    expect(chip.tone).toBe("warn");
  });

  it("expired, login required, error, not logged in", () => {
    expect(chipFor({ status: "expired", expiresAt: NOW - 60, reason: null }, NOW).text).toBe("expired");
    expect(chipFor({ status: "login_required", expiresAt: null, reason: "refresh token revoked" }, NOW)).toEqual({ text: "login required", tone: "bad", title: "refresh token revoked" });
    expect(chipFor({ status: "not_logged_in", expiresAt: null, reason: "invalid_client" }, NOW)).toEqual({ text: "error", tone: "bad", title: "invalid_client" });
    expect(chipFor({ status: "not_logged_in", expiresAt: null, reason: null }, NOW)).toEqual({ text: "not logged in", tone: "neutral", title: null });
  });
});

describe("needsLogin", () => {
  it("is true only when the user must act", () => {
    expect(needsLogin("login_required")).toBe(true);
    expect(needsLogin("not_logged_in")).toBe(true);
    expect(needsLogin("logged_in")).toBe(false);
    expect(needsLogin("expired")).toBe(false);
  });
});
