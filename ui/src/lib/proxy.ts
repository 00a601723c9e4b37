// What the token panel's Proxy section shows, from the account and the running proxies
// (pure: tested in proxy.test.ts).

import type { AccountView, ProxyView } from "../bindings/types";

/** Only a service with an API base URL has something to proxy. */
export function canProxy(view: Pick<AccountView, "apiBase">): boolean {
  return view.apiBase !== null && view.apiBase.trim() !== "";
}

/** The account's running proxy among `running`, if any. */
export function proxyOf(running: readonly ProxyView[], view: Pick<AccountView, "service" | "account">): ProxyView | null {
  return running.find((p) => p.service === view.service && p.account === view.account) ?? null;
}

/** The sentence under the section's title. */
export function proxyStatus(view: Pick<AccountView, "apiBase" | "status">, running: boolean): string {
  if (!running) {
    return `Serve ${view.apiBase ?? "the API"} on this computer with your token added, for tools and Swagger UI.`;
  }
  if (view.status === "logged_in" || view.status === "expired") {
    return "Running: requests to this URL reach the API with your token. Keep the URL private.";
  }
  return "Running, but the account needs a login: requests get 401 until you log in. Keep the URL private.";
}
