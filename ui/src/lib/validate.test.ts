import { describe, expect, it } from "vitest";
import { optional, parseScopes, suggestServiceId, validateHttpUrl, validateRequired, validateMinutes, validateSeconds, validateServiceId } from "./validate";

describe("validateServiceId", () => {
  it.each(["a", "nomad", "my-idp_2", "9lab", "x".repeat(64)])("accepts %s", (id) => {
    expect(validateServiceId(id)).toBeNull();
  });

  it.each([
    ["", "Enter a service id."],
    ["   ", "Enter a service id."],
    ["Nomad", "Use lowercase letters, digits, '-' or '_', starting with a letter or digit."],
    ["-lab", "Use lowercase letters, digits, '-' or '_', starting with a letter or digit."],
    ["_lab", "Use lowercase letters, digits, '-' or '_', starting with a letter or digit."],
    ["my idp", "Use lowercase letters, digits, '-' or '_', starting with a letter or digit."],
    ["lab/2", "Use lowercase letters, digits, '-' or '_', starting with a letter or digit."],
    ["über", "Use lowercase letters, digits, '-' or '_', starting with a letter or digit."],
    ["x".repeat(65), "A service id has at most 64 characters."],
  ])("rejects %j", (id, message) => {
    expect(validateServiceId(id)).toBe(message);
  });

  it("rejects an id already in use", () => {
    expect(validateServiceId("nomad", ["oqtant", "nomad"])).toBe("A service with the id “nomad” already exists.");
  });
});

describe("suggestServiceId", () => {
  it("derives a valid id from a name", () => {
    expect(suggestServiceId("NOMAD (FAIRmat)")).toBe("nomad-fairmat");
    expect(suggestServiceId("  My IdP!  ")).toBe("my-idp");
    expect(suggestServiceId("Café")).toBe("cafe");
    expect(validateServiceId(suggestServiceId("x".repeat(80)))).toBeNull();
  });
});

describe("validateHttpUrl", () => {
  const rule = { required: true, label: "token endpoint" };

  it("accepts http and https URLs", () => {
    expect(validateHttpUrl("https://id.example.org/token", rule)).toBeNull();
    expect(validateHttpUrl("  http://127.0.0.1:8080/x  ", rule)).toBeNull();
  });

  it("handles empty values by the required flag", () => {
    expect(validateHttpUrl("", rule)).toBe("Enter the token endpoint.");
    expect(validateHttpUrl("", { required: false, label: "docs URL" })).toBeNull();
  });

  it("rejects other schemes, non-URLs and credentials", () => {
    expect(validateHttpUrl("ftp://example.org", rule)).toBe("The token endpoint must start with http:// or https://.");
    expect(validateHttpUrl("javascript:alert(1)", rule)).toBe("The token endpoint must start with http:// or https://.");
    expect(validateHttpUrl("example.org/token", rule)).toBe("The token endpoint must be a full URL starting with http:// or https://.");
    expect(validateHttpUrl("https://me:pw@example.org", rule)).toMatch(/must not contain a user name or password/);
  });
});

describe("other validators", () => {
  it("validateRequired", () => {
    expect(validateRequired(" ", "client id")).toBe("Enter the client id.");
    expect(validateRequired("abc", "client id")).toBeNull();
  });

  it("validateSeconds", () => {
    expect(validateSeconds("60", "delay", 5, 100)).toBeNull();
    expect(validateSeconds("4", "delay", 5, 100)).toBe("The delay must be between 5 and 100 seconds.");
    expect(validateSeconds("1.5", "delay", 0, 100)).toBe("The delay must be a whole number of seconds.");
    expect(validateSeconds("", "delay", 0, 100)).toBe("The delay must be a whole number of seconds.");
  });

  it("validateMinutes", () => {
    expect(validateMinutes("0", "warning", 0, 10080)).toBeNull();
    expect(validateMinutes("10081", "warning", 0, 10080)).toBe("The warning must be between 0 and 10080 minutes.");
    expect(validateMinutes("-1", "warning", 0, 10080)).toBe("The warning must be a whole number of minutes.");
  });

  it("parseScopes splits on spaces and commas and drops duplicates", () => {
    expect(parseScopes(" openid, profile  offline_access openid ")).toEqual(["openid", "profile", "offline_access"]);
    expect(parseScopes("")).toEqual([]);
  });

  it("optional turns blanks into null", () => {
    expect(optional("  ")).toBeNull();
    expect(optional(" x ")).toBe("x");
  });
});
