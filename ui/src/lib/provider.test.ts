import { describe, expect, it } from "vitest";
import type { ProviderChecksView } from "../bindings/types";
import { introspectionRows, providerLimits } from "./provider";

const checks = (p: Partial<ProviderChecksView>): ProviderChecksView => ({
  introspection: true, revocation: true, pasted: false, hasAccessToken: true, hasRefreshToken: true, ...p,
});

describe("providerLimits", () => {
  it("says nothing when the provider offers both and both tokens are held", () => {
    expect(providerLimits(checks({}))).toEqual([]);
  });
  it("says why each missing action is missing", () => {
    const lines = providerLimits(checks({ introspection: false, revocation: false }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/no introspection endpoint/);
    expect(lines[1]).toMatch(/no revocation endpoint/);
    expect(providerLimits(checks({ hasRefreshToken: false }))).toEqual(["There is no refresh token to revoke."]);
    expect(providerLimits(checks({ pasted: true }))[0]).toMatch(/pasted/);
    expect(providerLimits(checks({ hasAccessToken: false, hasRefreshToken: false }))[0]).toMatch(/log in/);
  });
});

describe("introspectionRows", () => {
  it("words what the provider said, skipping what it did not", () => {
    const fmt = (at: number): string => `t${at}`;
    const rows = introspectionRows({
      active: true, expiresAt: 200, issuedAt: 100, scopes: ["openid", "api"], clientId: "app", tokenType: "Bearer", username: null,
    }, 150, fmt);
    expect(rows).toEqual([
      { label: "expires", value: "t200" },
      { label: "issued", value: "t100" },
      { label: "allowed to (scope)", value: "openid api" },
      { label: "issued to client", value: "app" },
      { label: "token type", value: "Bearer" },
    ]);
    expect(introspectionRows({
      active: false, expiresAt: 100, issuedAt: null, scopes: [], clientId: null, tokenType: null, username: null,
    }, 150, fmt)).toEqual([{ label: "expired", value: "t100" }]);
  });
});
