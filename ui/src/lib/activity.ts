// An account's activity in words: what happened, where, with what answer and outcome.
// Pure functions over the generated ActivityView (the token panel's Activity section
// renders them); labels are Records keyed by the generated unions, so a new kind does
// not compile until it has one.

import type { ActivityKind, ActivityView, HandOut } from "../bindings/types";

export const KIND_LABELS: Record<ActivityKind, string> = {
  login: "Login",
  paste: "Pasted token",
  refresh: "Refresh",
  refetch: "Re-fetch",
  hand_out: "Hand-out",
  logout: "Logout",
  exchange: "Token exchange",
  introspect: "Asked the provider",
  revoke_access: "Revoked the access token",
  revoke_refresh: "Revoked the refresh token",
  app_token: "App token created",
};

export const VIA_LABELS: Record<HandOut, string> = {
  cli: "authdeck token",
  agent: "token agent",
  copy: "copied",
  exec: "authdeck exec",
  git: "git credential helper",
  kube: "kubectl credential",
  reveal: "revealed in the window",
};

/** "Refresh", "Hand-out (copied)". */
export function activityTitle(e: ActivityView): string {
  const kind = KIND_LABELS[e.kind];
  return e.via ? `${kind} (${VIA_LABELS[e.via]})` : kind;
}

/** "85 ms", "1.2 s", "12 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const secs = ms / 1000;
  return secs < 10 ? `${secs.toFixed(1)} s` : `${Math.round(secs)} s`;
}

/** The request behind the event, the parts it has: ["https://id/token", "HTTP 200", "85 ms"]. */
export function activityRequestParts(e: ActivityView): string[] {
  const parts: string[] = [];
  if (e.endpoint) parts.push(e.endpoint);
  if (e.status !== null) parts.push(`HTTP ${e.status}`);
  else if (e.endpoint) parts.push("no answer");
  if (e.durationMs !== null) parts.push(formatMs(e.durationMs));
  return parts;
}

/** The request behind the event in one line: "https://id/token · HTTP 200 · 85 ms". */
export function activityRequest(e: ActivityView): string {
  return activityRequestParts(e).join(" · ");
}

export interface Outcome {
  failed: boolean;
  /** "OK", or the typed error's message. */
  text: string;
  /** The provider's own answer, when it is not already in the message. */
  answer: string | null;
}

export function activityOutcome(e: ActivityView): Outcome {
  // A success may carry the provider's verdict (an introspection's "active").
  if (!e.error) return { failed: false, text: "OK", answer: e.answer };
  const answer = e.answer && !e.error.message.includes(e.answer) ? e.answer : null;
  return { failed: true, text: e.error.message, answer };
}

/** Newest first, by sequence number (never by time: events of one second keep their order). */
export function newestFirst(events: readonly ActivityView[]): ActivityView[] {
  return [...events].sort((a, b) => b.seq - a.seq);
}
