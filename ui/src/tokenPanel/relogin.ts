// The warning ahead of a login: "Log in again by 14:05", why, and the one-click "Log in
// again" button, shown while the account's login deadline is near (lib/relogin.ts) and
// no login of it runs. Kept current by the ticker.

import { startLogin } from "../actions";
import type { AccountView } from "../bindings/types";
import { h, setText } from "../dom";
import { loginWarning } from "../lib/relogin";
import { rowTestId } from "../lib/testid";
import { findAccount, getState } from "../store";

export interface ReloginWarning {
  root: HTMLElement;
  tick(view: AccountView, now: number): void;
}

export function reloginWarning(key: string, view: AccountView): ReloginWarning {
  const { service, account } = view;
  const title = h("strong", { class: "relogin-title", testid: rowTestId("login-warning", service, account) + "-panel" });
  const why = h("span", { class: "relogin-why" });
  const button = h("button", {
    class: "button primary",
    testid: rowTestId("relogin", service, account),
    attrs: { type: "button" },
    text: "Log in again",
  });
  button.addEventListener("click", () => void startLogin(findAccount(key) ?? view));
  const root = h("div", { class: "callout callout-warn relogin", attrs: { role: "status" } },
    h("span", { class: "callout-text" }, title, " ", why), button);
  root.hidden = true;
  const tick = (v: AccountView, now: number): void => {
    const warning = loginWarning(v, now);
    root.hidden = warning === null || getState().logins.has(key);
    setText(title, warning ? `${warning.text}.` : "");
    setText(why, warning?.why ?? "");
    button.setAttribute("aria-label", warning ? `Log in to ${v.serviceName || v.service} again` : "Log in again");
  };
  return { root, tick };
}
