// The keyboard model of the service list, free of DOM so it can be tested:
// which command a key press means, and where the selection goes.

export type Move = "up" | "down" | "first" | "last";

export type KeyCommand =
  | { kind: "move"; move: Move }
  | { kind: "activate" }
  | { kind: "focus-filter" }
  | { kind: "escape" };

export interface KeyContext {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Focus is in an editable field other than the filter box. */
  inOtherField: boolean;
  /** Focus is in the filter box. */
  inFilter: boolean;
  /** Focus is on a button or link, which handles Enter itself. */
  onControl: boolean;
}

export function keyCommand(ctx: KeyContext): KeyCommand | null {
  if (ctx.ctrlKey || ctx.metaKey || ctx.altKey) return null;
  if (ctx.inOtherField) return null;
  switch (ctx.key) {
    case "/":
      return ctx.inFilter ? null : { kind: "focus-filter" };
    case "ArrowDown":
      return { kind: "move", move: "down" };
    case "ArrowUp":
      return { kind: "move", move: "up" };
    case "Home":
      return ctx.inFilter ? null : { kind: "move", move: "first" };
    case "End":
      return ctx.inFilter ? null : { kind: "move", move: "last" };
    case "Enter":
      return ctx.onControl ? null : { kind: "activate" };
    case "Escape":
      return { kind: "escape" };
    default:
      return null;
  }
}

/**
 * The key selected after a move. Stops at the ends (no wrap-around, so holding ↓ does
 * not cycle). With nothing (or something no longer visible) selected, ↓ picks the
 * first item and ↑ the last.
 */
export function moveSelection(keys: readonly string[], current: string | null, move: Move): string | null {
  if (keys.length === 0) return null;
  const first = keys[0]!;
  const last = keys[keys.length - 1]!;
  const i = current === null ? -1 : keys.indexOf(current);
  switch (move) {
    case "first":
      return first;
    case "last":
      return last;
    case "down":
      return i < 0 ? first : keys[Math.min(i + 1, keys.length - 1)]!;
    case "up":
      return i < 0 ? last : keys[Math.max(i - 1, 0)]!;
  }
}
