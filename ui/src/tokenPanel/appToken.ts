// App tokens (NOMAD): a long-lived token for scripts, separate from the login, created
// with a chosen lifetime; its expiry is kept current by the ticker.

import { commands } from "../bindings/commands";
import type { AccountView } from "../bindings/types";
import { h, setText, withBusy } from "../dom";
import { accountKey } from "../lib/accounts";
import { errorMessage } from "../lib/errors";
import { APP_TOKEN_LIFETIMES } from "../lib/flows";
import { formatAbsolute, formatRelative, nowSecs } from "../lib/time";
import { findAccount, getState, setState } from "../store";
import { toast } from "../toasts";
import { section } from "./section";

export interface AppTokenSection {
  root: HTMLElement;
  tick(view: AccountView, now: number): void;
}

export function appTokenSection(key: string, view: AccountView): AppTokenSection {
  const select = h("select", { attrs: { "aria-label": "App token lifetime" } },
    ...APP_TOKEN_LIFETIMES.map((l) => h("option", { attrs: { value: l.secs, selected: l.secs === 86400 }, text: l.label })));
  const create = h("button", { class: "button", attrs: { type: "button" }, text: "Create app token" });
  const status = h("p", { class: "small muted num" });
  const error = h("p", { class: "inline-error" });
  error.hidden = true;
  create.addEventListener("click", () => {
    void withBusy([create], async () => {
      try {
        const v = findAccount(key) ?? view;
        const updated = await commands.createAppToken(v.service, v.account, Number(select.value));
        error.hidden = true;
        const accounts = getState().accounts.map((a) => (accountKey(a) === key ? updated : a));
        setState({ accounts });
        toast(updated.appTokenExpiresAt !== null
          ? `App token created; valid until ${formatAbsolute(updated.appTokenExpiresAt, nowSecs())}.`
          : "App token created.", { level: "success" });
      } catch (e) {
        error.textContent = errorMessage(e);
        error.hidden = false;
      }
    });
  });
  const root = section("App token",
    h("p", { class: "small muted", text: "A long-lived token for scripts, separate from your login." }),
    h("div", { class: "inline-form" }, h("label", { class: "small", text: "Valid for" }), select, create),
    status, error);
  // The label belongs to the select.
  select.id = `app-lifetime-${key.replace(/[^a-z0-9_-]/gi, "_")}`;
  root.querySelector("label")!.setAttribute("for", select.id);
  const tick = (v: AccountView, now: number): void => {
    setText(status, v.appTokenExpiresAt === null
      ? "No app token created yet."
      : v.appTokenExpiresAt > now
        ? `Current app token valid until ${formatAbsolute(v.appTokenExpiresAt, now)} (${formatRelative(v.appTokenExpiresAt, now)}).`
        : `The last app token ${formatRelative(v.appTokenExpiresAt, now)}.`);
  };
  return { root, tick };
}
