// The remaining share of a token's lifetime, for the thin bar under each row.

/**
 * 1 right after the token was obtained, 0 at (and after) expiry; null when the
 * lifetime is unknown (no expiry, no obtained time, or a nonsensical pair).
 */
export function lifetimeFraction(
  expiresAt: number | null,
  obtainedAt: number | null,
  now: number,
): number | null {
  if (expiresAt === null || obtainedAt === null) return null;
  const total = expiresAt - obtainedAt;
  if (!(total > 0)) return null;
  const left = (expiresAt - now) / total;
  return Math.min(1, Math.max(0, left));
}

/** Coarse colour band of the bar, so a glance tells "fine" from "soon". */
export function lifetimeBand(fraction: number | null): "ok" | "low" | "empty" | "none" {
  if (fraction === null) return "none";
  if (fraction <= 0) return "empty";
  return fraction < 0.2 ? "low" : "ok";
}
