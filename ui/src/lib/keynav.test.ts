import { describe, expect, it } from "vitest";
import { keyCommand, moveSelection, type KeyContext } from "./keynav";

const ctx = (key: string, p: Partial<KeyContext> = {}): KeyContext => ({ key, inFilter: false, inOtherField: false, onControl: false, ...p });

describe("keyCommand", () => {
  it("maps the list keys", () => {
    expect(keyCommand(ctx("ArrowDown"))).toEqual({ kind: "move", move: "down" });
    expect(keyCommand(ctx("ArrowUp"))).toEqual({ kind: "move", move: "up" });
    expect(keyCommand(ctx("Home"))).toEqual({ kind: "move", move: "first" });
    expect(keyCommand(ctx("End"))).toEqual({ kind: "move", move: "last" });
    expect(keyCommand(ctx("Enter"))).toEqual({ kind: "activate" });
    expect(keyCommand(ctx("/"))).toEqual({ kind: "focus-filter" });
    expect(keyCommand(ctx("Escape"))).toEqual({ kind: "escape" });
    expect(keyCommand(ctx("x"))).toBeNull();
  });

  it("lets the filter box keep / Home End for typing, but arrows and Enter drive the list", () => {
    expect(keyCommand(ctx("/", { inFilter: true }))).toBeNull();
    expect(keyCommand(ctx("Home", { inFilter: true }))).toBeNull();
    expect(keyCommand(ctx("ArrowDown", { inFilter: true }))).toEqual({ kind: "move", move: "down" });
    expect(keyCommand(ctx("Enter", { inFilter: true }))).toEqual({ kind: "activate" });
  });

  it("stays out of other fields, buttons (Enter) and shortcuts with modifiers", () => {
    expect(keyCommand(ctx("ArrowDown", { inOtherField: true }))).toBeNull();
    expect(keyCommand(ctx("/", { inOtherField: true }))).toBeNull();
    expect(keyCommand(ctx("Enter", { onControl: true }))).toBeNull();
    expect(keyCommand(ctx("ArrowDown", { onControl: true }))).toEqual({ kind: "move", move: "down" });
    expect(keyCommand(ctx("/", { ctrlKey: true }))).toBeNull();
    expect(keyCommand(ctx("ArrowDown", { metaKey: true }))).toBeNull();
  });
});

describe("moveSelection", () => {
  const keys = ["a", "b", "c"];

  it("moves and stops at the ends", () => {
    expect(moveSelection(keys, "a", "down")).toBe("b");
    expect(moveSelection(keys, "c", "down")).toBe("c");
    expect(moveSelection(keys, "b", "up")).toBe("a");
    expect(moveSelection(keys, "a", "up")).toBe("a");
    expect(moveSelection(keys, "b", "first")).toBe("a");
    expect(moveSelection(keys, "a", "last")).toBe("c");
  });

  it("starts from the first (↓) or last (↑) without a visible selection", () => {
    expect(moveSelection(keys, null, "down")).toBe("a");
    expect(moveSelection(keys, null, "up")).toBe("c");
    expect(moveSelection(keys, "filtered-out", "down")).toBe("a");
  });

  it("selects nothing in an empty list", () => {
    expect(moveSelection([], null, "down")).toBeNull();
    expect(moveSelection([], "a", "first")).toBeNull();
  });
});
