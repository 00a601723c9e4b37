import { describe, expect, it } from "vitest";
import type { ProxyView } from "../bindings/types";
import { canProxy, proxyOf, proxyStatus } from "./proxy";

const running: ProxyView[] = [
  { service: "nomad", account: "default", url: "http://127.0.0.1:4000/k1/" },
  { service: "nomad", account: "alice", url: "http://127.0.0.1:4001/k2/" },
];

describe("proxy section", () => {
  it("is offered only with an API base URL", () => {
    expect(canProxy({ apiBase: "http://127.0.0.1:47080/nomad/api" })).toBe(true);
    expect(canProxy({ apiBase: null })).toBe(false);
    expect(canProxy({ apiBase: " " })).toBe(false);
  });

  it("finds the account's own proxy, not another account's of the same service", () => {
    expect(proxyOf(running, { service: "nomad", account: "alice" })?.url).toBe("http://127.0.0.1:4001/k2/");
    expect(proxyOf(running, { service: "nomad", account: "bob" })).toBeNull();
    expect(proxyOf([], { service: "nomad", account: "default" })).toBeNull();
  });

  it("says when requests will get 401 for want of a login", () => {
    expect(proxyStatus({ apiBase: "https://api.test", status: "logged_in" }, true)).toMatch(/reach the API/);
    expect(proxyStatus({ apiBase: "https://api.test", status: "not_logged_in" }, true)).toMatch(/401/);
    expect(proxyStatus({ apiBase: "https://api.test", status: "not_logged_in" }, false)).toMatch(/https:\/\/api\.test/);
  });
});
