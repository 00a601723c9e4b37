// The panel's footer: log out, edit the service, remove the service (after a
// confirmation).

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import type { AccountView } from "../bindings/types";
import { h, withBusy } from "../dom";
import { displayName } from "../lib/accounts";
import { errorMessage } from "../lib/errors";
import { rowTestId } from "../lib/testid";
import { findAccount, setState } from "../store";
import { toast } from "../toasts";

/**
 * `beforeLogout` runs as the logout starts (the panel hides a revealed token);
 * `showError` shows a failed logout in the panel.
 */
export function panelFooter(key: string, view: AccountView, beforeLogout: () => void, showError: (message: string) => void): HTMLElement {
  const { service, account } = view;
  const logout = h("button", { class: "button", testid: rowTestId("logout", service, account), attrs: { type: "button" }, text: "Log out" });
  logout.addEventListener("click", () => {
    void withBusy([logout], async () => {
      beforeLogout();
      try {
        await commands.logout(service, account);
        toast(`Logged out of ${displayName(findAccount(key) ?? view)}.`, { level: "info" });
      } catch (e) {
        showError(errorMessage(e));
      }
      await refreshAccounts();
    });
  });
  return h("footer", { class: "panel-footer" }, logout, editButton(view), removeControl(view));
}

function editButton(view: AccountView): HTMLButtonElement {
  const edit = h("button", { class: "button", testid: `edit-${view.service}`, attrs: { type: "button" }, text: "Edit service…" });
  edit.addEventListener("click", () => setState({ view: "edit", editing: view.service }));
  return edit;
}

function removeControl(view: AccountView): HTMLElement {
  const wrap = h("div", { class: "remove" });
  const ask = h("button", { class: "button danger-quiet", testid: `remove-${view.service}`, attrs: { type: "button" }, text: "Remove service…" });
  const showAsk = (): void => wrap.replaceChildren(ask);
  ask.addEventListener("click", () => {
    const yes = h("button", { class: "button danger", testid: "remove-confirm", attrs: { type: "button" }, text: "Remove" });
    const no = h("button", { class: "button", attrs: { type: "button" }, text: "Keep" });
    const err = h("span", { class: "inline-error" });
    no.addEventListener("click", () => {
      showAsk();
      ask.focus();
    });
    yes.addEventListener("click", () => {
      void withBusy([yes, no], async () => {
        try {
          await commands.removeService(view.service);
          toast(`Removed ${view.serviceName || view.service}.`, { level: "info" });
          setState({ selected: null, panelOpen: false });
          await refreshAccounts();
        } catch (e) {
          err.textContent = errorMessage(e);
        }
      });
    });
    wrap.replaceChildren(
      h("span", { class: "confirm-text small", text: `Remove “${view.serviceName || view.service}”, all its accounts and their secrets?` }),
      yes, no, err);
    no.focus();
  });
  wrap.replaceChildren(ask);
  return wrap;
}
