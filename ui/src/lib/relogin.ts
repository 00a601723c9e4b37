// "Log in again by 14:05": whether an account's login deadline (from the shell, see
// src-tauri dto `LoginDeadlineView`) is close enough to warn of, and the badge's words.
// Pure: `now` and the time zone are arguments, so the tests pin them.

import type { AccountView, DeadlineCause } from "../bindings/types";
import { formatAbsolute, type DateOptions } from "./time";

export interface LoginWarning {
  /** Unix seconds: when the login is needed. */
  by: number;
  /** "Log in again by 14:05". */
  text: string;
  /** Why, for a tooltip and screen readers. */
  why: string;
}

const WHY: Record<DeadlineCause, string> = {
  access_token: "The token ends then and cannot be renewed without you.",
  refresh_token: "The session at the provider ends then: after that, only a new login gets tokens.",
};

/** The warning to show at `now`, or null: none foreseen, not yet due, or already past (the status then says the login is required). */
export function loginWarning(view: Pick<AccountView, "status" | "loginDeadline">, now: number, opts: DateOptions = {}): LoginWarning | null {
  const d = view.loginDeadline;
  if (!d || (view.status !== "logged_in" && view.status !== "expired")) return null;
  if (now < d.warnFrom || now >= d.by) return null;
  const when = formatAbsolute(d.by, now, opts).replace(/^today, /, "");
  return { by: d.by, text: `Log in again by ${when}`, why: WHY[d.cause] };
}
