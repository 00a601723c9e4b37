// "No usable token": the callout with the Log in button — or, for a service whose token
// is pasted, the paste field — shown while the account needs a login and none runs.

import { startLogin } from "../actions";
import type { AccountView } from "../bindings/types";
import { h, setText } from "../dom";
import { needsLogin } from "../lib/status";
import { findAccount } from "../store";
import { pasteForm } from "./paste";

export interface LoginCallout {
  root: HTMLElement;
  update(view: AccountView, loginRunning: boolean): void;
}

export function loginCallout(key: string, view: AccountView): LoginCallout {
  const loginButton = h("button", { class: "button primary", attrs: { type: "button" }, text: "Log in" });
  loginButton.addEventListener("click", () => void startLogin(findAccount(key) ?? view));
  const text = h("span", { class: "callout-text", text: "No usable token: log in to get one." });
  const root = h("div", { class: "callout" }, text, view.pasted ? pasteForm(view) : loginButton);
  const update = (v: AccountView, loginRunning: boolean): void => {
    root.hidden = !needsLogin(v.status) || loginRunning;
    if (v.status === "not_logged_in" && !v.reason) {
      setText(text, "Not logged in yet.");
    } else if (needsLogin(v.status)) {
      setText(text, v.reason ?? "No usable token: log in to get one.");
    }
  };
  return { root, update };
}
