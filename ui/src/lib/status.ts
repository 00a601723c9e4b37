// What the state chip of an account says, derived from the shell's status and the clock:
// the shell reports status when asked, but a "logged_in" token can expire between two
// refreshes of the list, so the chip re-derives it every second.

import type { AccountView, StatusKind } from "../bindings/types";
import { formatDuration } from "./time";

export type Tone = "ok" | "warn" | "bad" | "neutral";

export interface Chip {
  text: string;
  tone: Tone;
  /** A longer explanation for a tooltip, when there is one. */
  title: string | null;
}

/** Under this many seconds left, a logged-in token is flagged as expiring soon. */
export const SOON_SECS = 15 * 60;

type StatusFields = Pick<AccountView, "status" | "expiresAt" | "reason">;

export function chipFor(view: StatusFields, now: number): Chip {
  switch (view.status) {
    case "logged_in": {
      if (view.expiresAt === null) return { text: "logged in", tone: "ok", title: null };
      const left = view.expiresAt - now;
      if (left <= 0) {
        return { text: "expired", tone: "warn", title: "The token has expired; it is refreshed on the next copy when possible" };
      }
      if (left <= SOON_SECS) {
        return { text: "expires soon", tone: "warn", title: `Expires in ${formatDuration(left)}` };
      }
      return { text: "logged in", tone: "ok", title: null };
    }
    case "expired":
      return { text: "expired", tone: "warn", title: view.reason ?? "The token has expired; it is refreshed on the next copy when possible" };
    case "login_required":
      return { text: "login required", tone: "bad", title: view.reason };
    case "not_logged_in":
      // A reason on a not-logged-in account means the last attempt failed.
      return view.reason
        ? { text: "error", tone: "bad", title: view.reason }
        : { text: "not logged in", tone: "neutral", title: null };
  }
}

/** Whether the user has to log in before a token can be had (Enter then logs in). */
export function needsLogin(status: StatusKind): boolean {
  return status === "login_required" || status === "not_logged_in";
}
