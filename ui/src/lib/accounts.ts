// Identity, ordering and filtering of the account list.

import type { AccountView } from "../bindings/types";

export const DEFAULT_ACCOUNT = "default";

/** A stable key for an account. Service ids and account names cannot contain '/'. */
export function accountKey(v: Pick<AccountView, "service" | "account">): string {
  return `${v.service}/${v.account}`;
}

/** The name to show: "NOMAD" or "NOMAD · alice" for a non-default account. */
export function displayName(v: Pick<AccountView, "serviceName" | "service" | "account">): string {
  const name = v.serviceName.trim() || v.service;
  return v.account === DEFAULT_ACCOUNT ? name : `${name} · ${v.account}`;
}

/** Alphabetical by service name, then the default account first, then by account. */
export function sortAccounts(views: readonly AccountView[]): AccountView[] {
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  return [...views].sort((a, b) => {
    const byName = collator.compare(a.serviceName || a.service, b.serviceName || b.service);
    if (byName !== 0) return byName;
    const byId = collator.compare(a.service, b.service);
    if (byId !== 0) return byId;
    if (a.account === DEFAULT_ACCOUNT) return b.account === DEFAULT_ACCOUNT ? 0 : -1;
    if (b.account === DEFAULT_ACCOUNT) return 1;
    return collator.compare(a.account, b.account);
  });
}

/**
 * Accounts whose service name, service id or account name contains every word of the
 * query (case-insensitive). An empty query keeps everything.
 */
export function filterAccounts(views: readonly AccountView[], query: string): AccountView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...views];
  return views.filter((v) => {
    const hay = `${v.serviceName}\n${v.service}\n${v.account}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** What the list shows: filtered, then sorted. */
export function visibleAccounts(views: readonly AccountView[], query: string): AccountView[] {
  return sortAccounts(filterAccounts(views, query));
}
