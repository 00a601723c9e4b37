// "At the provider": ask the provider whether the token is still active (RFC 7662
// introspection, the answer shown inline) and revoke the access or the refresh token
// alone (RFC 7009), each after a confirmation, without logging out. Shown where the
// provider has the endpoint; otherwise one line says why the action is missing. What the
// provider offers is loaded when the panel opens and again after each revocation and
// whenever the token changed.

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import type { AccountView, IntrospectionView, ProviderChecksView, TokenChoice } from "../bindings/types";
import { h, replace, withBusy } from "../dom";
import { accountKey } from "../lib/accounts";
import { errorMessage } from "../lib/errors";
import { introspectionRows, providerLimits } from "../lib/provider";
import { testIdSuffix } from "../lib/testid";
import { formatAbsolute, nowSecs } from "../lib/time";
import { getState, setState } from "../store";
import { toast } from "../toasts";
import { section } from "./section";

export interface ProviderSection {
  root: HTMLElement;
  /** Loads what the provider offers again when the token changed since the last call. */
  update(view: AccountView): void;
}

const NOUN: Record<TokenChoice, string> = { access: "access token", refresh: "refresh token" };

/** `isCurrent` says whether the panel is still the one shown (answers for another are dropped). */
export function providerSection(view: AccountView, isCurrent: () => boolean): ProviderSection {
  const { service, account } = view;
  const suffix = testIdSuffix(service, account);
  const body = h("div", { class: "provider-body" });
  const answer = h("div", { class: "introspection", testid: `introspection-${suffix}`, attrs: { "aria-live": "polite" } });
  const root = section("At the provider", body, answer);
  let seq = 0;
  let sig = "";

  const load = async (): Promise<void> => {
    const mine = ++seq;
    let checks: ProviderChecksView | null = null;
    let failure: string | null = null;
    try {
      checks = await commands.providerChecks(service, account);
    } catch (e) {
      failure = errorMessage(e);
    }
    if (mine !== seq || !isCurrent()) return;
    if (failure || !checks) {
      body.replaceChildren(h("p", { class: "inline-error", text: `Could not tell what the provider offers: ${failure ?? "no answer"}` }));
      return;
    }
    render(checks);
  };

  const render = (checks: ProviderChecksView): void => {
    const ask = h("button", { class: "button", testid: `introspect-${suffix}`, attrs: { type: "button" }, text: "Ask the provider" });
    ask.addEventListener("click", () => {
      void withBusy([ask], async () => {
        answer.replaceChildren(h("p", { class: "small muted", text: "Asking the provider…" }));
        try {
          showAnswer(answer, await commands.introspectToken(service, account, "access"));
        } catch (e) {
          answer.replaceChildren(h("p", { class: "inline-error", text: errorMessage(e) }));
        }
        // The question is in the account's activity now: reload it.
        await refreshAccounts();
      });
    });
    const buttons = h("div", { class: "provider-actions" },
      checks.introspection && checks.hasAccessToken ? ask : null,
      checks.revocation && checks.hasAccessToken ? revokeControl("access") : null,
      checks.revocation && checks.hasRefreshToken ? revokeControl("refresh") : null);
    const limits = providerLimits(checks).map((text) => h("p", { class: "small muted provider-limit", text }));
    replace(body, buttons.childElementCount > 0 ? buttons : null, ...limits);
  };

  const revokeControl = (which: TokenChoice): HTMLElement => {
    const wrap = h("div", { class: "confirmable" });
    const ask = h("button", { class: "button danger-quiet", testid: `revoke-${which}-${suffix}`, attrs: { type: "button" }, text: `Revoke ${NOUN[which]}…` });
    const showAsk = (): void => wrap.replaceChildren(ask);
    ask.addEventListener("click", () => {
      const yes = h("button", { class: "button danger", testid: `revoke-${which}-confirm`, attrs: { type: "button" }, text: `Revoke ${NOUN[which]}` });
      const no = h("button", { class: "button", attrs: { type: "button" }, text: "Keep it" });
      const err = h("span", { class: "inline-error", attrs: { role: "alert" } });
      no.addEventListener("click", () => {
        showAsk();
        ask.focus();
      });
      yes.addEventListener("click", () => {
        void withBusy([yes, no], async () => {
          try {
            const outcome = await commands.revokeToken(service, account, which);
            const updated = outcome.account;
            const key = accountKey(updated);
            setState({ accounts: getState().accounts.map((a) => (accountKey(a) === key ? updated : a)) });
            answer.replaceChildren();
            toast(outcome.alsoRevoked !== null
              ? `${capitalised(NOUN[which])} revoked; the provider revoked the ${NOUN[outcome.alsoRevoked]} with it. Log in again.`
              : which === "access"
                ? "Access token revoked: the next use gets a new one."
                : "Refresh token revoked: log in again when the access token expires.", { level: "info" });
            await load();
          } catch (e) {
            err.textContent = errorMessage(e);
          }
        });
      });
      wrap.replaceChildren(
        h("span", { class: "confirm-text small", text: which === "access"
          ? "Revoke the access token at the provider? Anything using it now stops working; Authdeck gets a new one at the next use."
          : "Revoke the refresh token at the provider? The account can no longer refresh, and needs a login once the access token expires." }),
        yes, no, err);
      no.focus();
    });
    showAsk();
    return wrap;
  };

  const update = (v: AccountView): void => {
    const now = `${v.status}|${v.expiresAt}|${v.obtainedAt}`;
    if (now === sig) return;
    sig = now;
    void load();
  };
  return { root, update };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function showAnswer(target: HTMLElement, a: IntrospectionView): void {
  const now = nowSecs();
  const verdict = a.active
    ? h("p", {}, h("span", { class: "badge badge-good", text: "Active" }), " The provider says the access token is active.")
    : h("p", {}, h("span", { class: "badge badge-bad", text: "Not active" }), " The provider says the access token is not active: it expired, was revoked, or the provider does not know it.");
  const rows = introspectionRows(a, now, formatAbsolute);
  replace(target,
    verdict,
    rows.length > 0
      ? h("dl", { class: "introspection-list small" }, ...rows.flatMap((r) => [h("dt", { text: r.label }), h("dd", { class: "mono", text: r.value })]))
      : null);
}
