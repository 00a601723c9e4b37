import { describe, expect, it } from "vitest";
import { accountKey, displayName, filterAccounts, sortAccounts, visibleAccounts } from "./accounts";
import { view } from "./fixtures";

const list = [
  view({ service: "nomad", serviceName: "NOMAD (FAIRmat)", account: "alice@lab" }),
  view({ service: "oqtant", serviceName: "Oqtant" }),
  view({ service: "nomad", serviceName: "NOMAD (FAIRmat)" }),
  view({ service: "autolab", serviceName: "Autolab" }),
  view({ service: "lab2", serviceName: "" }),
];

describe("accounts", () => {
  it("keys and names accounts", () => {
    expect(accountKey(list[0]!)).toBe("nomad/alice@lab");
    expect(displayName(list[0]!)).toBe("NOMAD (FAIRmat) · alice@lab");
    expect(displayName(list[2]!)).toBe("NOMAD (FAIRmat)");
    expect(displayName(list[4]!)).toBe("lab2");
  });

  it("sorts by name, default account first", () => {
    expect(sortAccounts(list).map(accountKey)).toEqual([
      "autolab/default",
      "lab2/default",
      "nomad/default",
      "nomad/alice@lab",
      "oqtant/default",
    ]);
  });

  it("does not mutate its input", () => {
    const copy = [...list];
    sortAccounts(list);
    expect(list).toEqual(copy);
  });

  it("filters by name, id or account, case-insensitively, all words", () => {
    expect(filterAccounts(list, "").length).toBe(5);
    expect(filterAccounts(list, "  ").length).toBe(5);
    expect(filterAccounts(list, "FAIR").map(accountKey)).toEqual(["nomad/alice@lab", "nomad/default"]);
    expect(filterAccounts(list, "alice").map(accountKey)).toEqual(["nomad/alice@lab"]);
    expect(filterAccounts(list, "oqt").map(accountKey)).toEqual(["oqtant/default"]);
    expect(filterAccounts(list, "nomad lab").map(accountKey)).toEqual(["nomad/alice@lab"]);
    expect(filterAccounts(list, "zzz")).toEqual([]);
  });

  it("visible = filtered and sorted", () => {
    expect(visibleAccounts(list, "lab").map(accountKey)).toEqual(["autolab/default", "lab2/default", "nomad/alice@lab"]);
  });
});
