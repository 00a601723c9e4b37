// Decoded JWT claims as table rows. The claims come from the shell unverified and are
// only displayed; nothing here trusts them.

import { formatAbsolute, type DateOptions } from "./time";

export interface ClaimRow {
  name: string;
  value: string;
  /** A human reading of the value (a date for time claims). */
  hint: string | null;
}

const TIME_CLAIMS = new Set(["exp", "iat", "nbf", "auth_time", "updated_at"]);
const ORDER = ["iss", "sub", "aud", "azp", "client_id", "scope", "scp", "exp", "iat", "nbf", "auth_time"];

function claimValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null) return "null";
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) {
    return v.join(", ");
  }
  return JSON.stringify(v);
}

export function claimRows(
  claims: Record<string, unknown>,
  now: number,
  opts: DateOptions = {},
): ClaimRow[] {
  const rank = (name: string): number => {
    const i = ORDER.indexOf(name);
    return i < 0 ? ORDER.length : i;
  };
  return Object.keys(claims)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => {
      const raw = claims[name];
      const hint =
        TIME_CLAIMS.has(name) && typeof raw === "number" && Number.isFinite(raw)
          ? formatAbsolute(raw, now, opts)
          : null;
      return { name, value: claimValue(raw), hint };
    });
}
