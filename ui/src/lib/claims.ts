// Decoded JWT claims as table rows. The claims come from the shell unverified and are
// only displayed; nothing here trusts them.

import { formatAbsolute, type DateOptions } from "./time";

export interface ClaimRow {
  name: string;
  /** What the claim means, in words ("expires", "meant for"), for the claims people ask about. */
  meaning: string | null;
  value: string;
  /** A human reading of the value (a date for time claims). */
  hint: string | null;
}

/** The registered claims whose meaning the panel spells out (RFC 7519, RFC 8693). */
export const CLAIM_MEANINGS: Readonly<Record<string, string>> = {
  exp: "expires",
  iat: "issued",
  nbf: "not valid before",
  aud: "meant for",
  scope: "allowed to",
  scp: "allowed to",
};

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
      return { name, meaning: CLAIM_MEANINGS[name] ?? null, value: claimValue(raw), hint };
    });
}

/** Seconds as "3 min", "2 h 5 min", "45 s". */
function span(secs: number): string {
  const abs = Math.abs(Math.round(secs));
  if (abs < 120) return `${abs} s`;
  if (abs < 7200) return `${Math.round(abs / 60)} min`;
  const h = Math.floor(abs / 3600);
  const m = Math.round((abs % 3600) / 60);
  return m > 0 ? `${h} h ${m} min` : `${h} h`;
}

/**
 * The clock-skew warning for a token whose `iat` was `skewSecs` ahead of (positive) or
 * behind (negative) this computer's clock when it was received (the shell judges that at
 * receipt); null when there is none to give, or for a pasted token (it may be old).
 */
export function clockSkewWarning(skewSecs: number | null, pasted: boolean): string | null {
  if (skewSecs === null || pasted) return null;
  return skewSecs > 0
    ? `This token says it was issued ${span(skewSecs)} after it arrived here: this computer's clock (or the provider's) is off. Tokens may look expired or not yet valid; check the system clock.`
    : `This token says it was issued ${span(skewSecs)} before it arrived here: the provider may have handed out a token it issued earlier, or one of the clocks is off.`;
}
