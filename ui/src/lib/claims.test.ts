import { describe, expect, it } from "vitest";
import { claimRows, clockSkewWarning } from "./claims";

describe("claim meanings", () => {
  it("spells out exp, iat, nbf, aud and scope", () => {
    const rows = claimRows({ exp: 2, iat: 1, nbf: 1, aud: ["api"], scope: "read", sub: "x" }, 0);
    const meaning = Object.fromEntries(rows.map((r) => [r.name, r.meaning]));
    expect(meaning).toEqual({
      exp: "expires", iat: "issued", nbf: "not valid before", aud: "meant for", scope: "allowed to", sub: null,
    });
  });
});

describe("clockSkewWarning", () => {
  it("warns of a token issued after it arrived, or long before", () => {
    expect(clockSkewWarning(null, false)).toBeNull();
    expect(clockSkewWarning(300, false)).toMatch(/issued 5 min after it arrived here.*clock/);
    expect(clockSkewWarning(-7200, false)).toMatch(/issued 2 h before it arrived here/);
  });
  it("says nothing for a pasted token, which may be old", () => {
    expect(clockSkewWarning(-7200, true)).toBeNull();
  });
});
