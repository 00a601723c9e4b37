import { describe, expect, it } from "vitest";
import { claimRows } from "./claims";
import { errorCode, errorMessage, isCancelled } from "./errors";
import { ALL_FLOWS, CLIENT_AUTHS, FLOWS, flowInfo, flowLabel, isBrowserFlow, tokenTypeLabel } from "./flows";
import { svgDataUrl } from "./svg";
import { rowTestId, testIdSuffix } from "./testid";

describe("test ids", () => {
  it("use the service id alone for the default account", () => {
    expect(testIdSuffix("nomad", "default")).toBe("nomad");
    expect(rowTestId("copy-raw", "nomad", "default")).toBe("copy-raw-nomad");
  });

  it("append the account otherwise", () => {
    expect(testIdSuffix("nomad", "alice@lab")).toBe("nomad-alice@lab");
    expect(rowTestId("state", "nomad", "alice@lab")).toBe("state-nomad-alice@lab");
  });
});

describe("errorMessage", () => {
  it("shows the message of an ErrorDto, never JSON", () => {
    expect(errorMessage({ code: "other", message: "invalid_client", hint: null })).toBe("invalid_client");
    expect(errorMessage({ code: "keyring", message: "locked", hint: null })).toBe("Keyring: locked");
    expect(errorMessage({ code: "other", message: " ", hint: null })).toBe("The operation failed.");
  });

  it("adds the desktop's hint after the message", () => {
    expect(
      errorMessage({
        code: "bad_user_credentials",
        message: "nomad/default: the provider refused the user name or password (Incorrect username or password)",
        hint: "Enter the right password in the service's panel, under Accounts.",
      }),
    ).toBe(
      "nomad/default: the provider refused the user name or password (Incorrect username or password). Enter the right password in the service's panel, under Accounts.",
    );
    expect(errorMessage({ code: "grant_expired", message: "a/b: expired.", hint: "Log in again." })).toBe("a/b: expired. Log in again.");
  });

  it("copes with strings, Errors and junk", () => {
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(new Error("boom"))).toBe("boom");
    expect(errorMessage({ weird: true })).toBe("Something went wrong.");
    expect(errorMessage(undefined)).toBe("Something went wrong.");
  });

  it("recognises cancellation", () => {
    expect(isCancelled({ code: "cancelled", message: "x", hint: null })).toBe(true);
    expect(isCancelled({ code: "other", message: "x", hint: null })).toBe(false);
    expect(isCancelled("cancelled")).toBe(false);
    expect(errorCode({ code: "consent_denied", message: "", hint: null })).toBe("consent_denied");
    // The old shape is not an ErrorDto any more.
    expect(errorCode({ kind: "config", message: "" })).toBe(null);
  });
});

describe("claimRows", () => {
  const now = Date.UTC(2025, 10, 25, 12, 0) / 1000;
  const rows = claimRows(
    { zeta: { a: 1 }, exp: now + 3600, sub: "u1", aud: ["a", "b"], iss: "https://id", email_verified: true, iat: "not a number" },
    now,
    { locale: "en-GB", timeZone: "UTC" },
  );

  it("puts well-known claims first", () => {
    expect(rows.map((r) => r.name)).toEqual(["iss", "sub", "aud", "exp", "iat", "email_verified", "zeta"]);
  });

  it("renders values as text and dates for time claims", () => {
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by["aud"]!.value).toBe("a, b");
    expect(by["zeta"]!.value).toBe('{"a":1}');
    expect(by["email_verified"]!.value).toBe("true");
    expect(by["exp"]!.hint).toBe("today, 13:00");
    expect(by["iat"]!.hint).toBeNull();
    expect(by["sub"]!.hint).toBeNull();
  });
});

describe("svgDataUrl", () => {
  it("base64-encodes UTF-8", () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><title>Ünïcode ✓</title></svg>');
    expect(url.startsWith("data:image/svg+xml;base64,")).toBe(true);
    const bytes = Uint8Array.from(atob(url.split(",")[1]!), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toContain("Ünïcode ✓");
  });

  it("handles large documents", () => {
    const big = `<svg>${"<rect/>".repeat(20000)}</svg>`;
    expect(svgDataUrl(big).length).toBeGreaterThan(big.length);
  });
});

describe("flows", () => {
  it("labels flows and knows what they need", () => {
    expect(flowLabel("device")).toBe("Device code");
    expect(flowLabel("api-key")).toBe("API key");
    expect(isBrowserFlow("auth-code")).toBe(true);
    expect(isBrowserFlow("device")).toBe(false);
    expect(flowInfo("password").manual?.needsPassword).toBe(true);
    expect(flowInfo("auth-code").manual?.endpoints).toEqual(["authorizationUrl", "tokenUrl"]);
  });

  it("offers the four OAuth flows by hand, in order, and labels every flow", () => {
    expect(FLOWS.map((f) => f.id)).toEqual(["auth-code", "device", "client-credentials", "password"]);
    expect(ALL_FLOWS.map((f) => f.id)).toEqual(["auth-code", "device", "client-credentials", "password", "bearer", "api-key"]);
    expect(flowInfo("bearer").manual).toBeNull();
    expect(CLIENT_AUTHS.map((a) => a.id)).toEqual(["none", "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"]);
    expect(tokenTypeLabel("bearer")).toBe("bearer token");
    expect(tokenTypeLabel("dpop")).toBe("DPoP-bound token");
  });
});

describe("theme", () => {
  it("follows the system only when asked to", async () => {
    const { resolveTheme } = await import("../theme");
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
  });
});
