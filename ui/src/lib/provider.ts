// What the token panel says about asking the provider (RFC 7662) and revoking one token
// (RFC 7009): why an action is missing, and the provider's answer as labelled rows.
// Pure functions over the generated views (tested in provider.test.ts).

import type { IntrospectionView, ProviderChecksView } from "../bindings/types";

/** One line per action the account cannot take, saying why. */
export function providerLimits(c: ProviderChecksView): string[] {
  if (c.pasted) {
    return ["This token was pasted: Authdeck knows no provider to ask about it or to revoke it. Do that where you created it."];
  }
  const lines: string[] = [];
  if (!c.hasAccessToken && !c.hasRefreshToken) {
    lines.push("No token is stored: log in first.");
    return lines;
  }
  if (!c.introspection) {
    lines.push("The provider publishes no introspection endpoint, so Authdeck cannot ask it whether the token is still active.");
  }
  if (!c.revocation) {
    lines.push("The provider publishes no revocation endpoint: a token stays valid there until it expires, even after you log out.");
  } else if (!c.hasRefreshToken) {
    lines.push("There is no refresh token to revoke.");
  }
  return lines;
}

export interface IntrospectionRow {
  label: string;
  value: string;
}

/** The provider's answer in words: "expires", "issued", "allowed to", "client", … */
export function introspectionRows(
  a: IntrospectionView,
  now: number,
  formatTime: (at: number, now: number) => string,
): IntrospectionRow[] {
  const rows: IntrospectionRow[] = [];
  if (a.expiresAt !== null) rows.push({ label: a.expiresAt > now ? "expires" : "expired", value: formatTime(a.expiresAt, now) });
  if (a.issuedAt !== null) rows.push({ label: "issued", value: formatTime(a.issuedAt, now) });
  if (a.scopes.length > 0) rows.push({ label: "allowed to (scope)", value: a.scopes.join(" ") });
  if (a.clientId !== null) rows.push({ label: "issued to client", value: a.clientId });
  if (a.tokenType !== null) rows.push({ label: "token type", value: a.tokenType });
  if (a.username !== null) rows.push({ label: "user", value: a.username });
  return rows;
}
