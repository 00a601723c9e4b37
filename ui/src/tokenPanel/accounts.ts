// The Accounts section: a service's accounts, adding another one (a second login, with
// user name and password for the password grant) and removing this one.

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import type { AccountView } from "../bindings/types";
import { h, icon, withBusy } from "../dom";
import { accountKey } from "../lib/accounts";
import { errorMessage } from "../lib/errors";
import { rowTestId } from "../lib/testid";
import { getState, setState } from "../store";
import { toast } from "../toasts";
import { section } from "./section";

/** The service's accounts: add another one (a second login), or remove this one. */
export function accountsSection(view: AccountView): HTMLElement {
  const { service, account } = view;
  const siblings = getState().accounts.filter((a) => a.service === service);
  const body = h("div", { class: "accounts-body" });
  const error = h("p", { class: "inline-error", attrs: { role: "alert" } });
  error.hidden = true;
  const fail = (e: unknown): void => {
    error.textContent = errorMessage(e);
    error.hidden = false;
  };

  const add = h("button", { class: "button small", testid: `add-account-${service}`, attrs: { type: "button" } }, icon("plus"), "Add account");
  const summary = h("p", { class: "small muted", text: siblings.length > 1
    ? `${siblings.length} accounts: ${siblings.map((a) => a.account).join(", ")}.`
    : "Log in with a second identity under the same service (e.g. a test user)." });
  const showSummary = (): void => {
    body.replaceChildren(summary, h("div", { class: "inline-form" }, add, siblings.length > 1 ? removeButton : null));
  };

  add.addEventListener("click", () => {
    const isPassword = view.flow === "password";
    const nameInput = h("input", { testid: "account-name", attrs: { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "e.g. work", "aria-label": "Account name" } });
    const userInput = isPassword ? h("input", { testid: "account-username", attrs: { type: "text", autocomplete: "username", "aria-label": "User name", placeholder: "User name" } }) : null;
    const passInput = isPassword ? h("input", { testid: "account-password", attrs: { type: "password", autocomplete: "new-password", "aria-label": "Password", placeholder: "Password" } }) : null;
    const save = h("button", { class: "button primary small", testid: "account-add-confirm", attrs: { type: "submit" }, text: "Add" });
    const cancel = h("button", { class: "button small", attrs: { type: "button" }, text: "Cancel" });
    const form = h("form", { class: "inline-form account-form", attrs: { novalidate: true } }, nameInput, userInput, passInput, save, cancel);
    cancel.addEventListener("click", () => {
      error.hidden = true;
      showSummary();
      add.focus();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const name = nameInput.value.trim();
      const req = { service, account: name, username: userInput?.value.trim() || null, password: passInput?.value || null };
      // The password leaves the page now, whatever happens next.
      if (passInput) passInput.value = "";
      void withBusy([save, cancel], async () => {
        try {
          await commands.addAccount(req);
          error.hidden = true;
          toast(`Added the account “${name}”.`, { level: "success" });
          await refreshAccounts();
          setState({ selected: accountKey({ service, account: name }), panelOpen: true });
        } catch (err) {
          fail(passInput ? `${errorMessage(err)} Enter the password again to retry.` : err);
        }
      });
    });
    body.replaceChildren(form);
    nameInput.focus();
  });

  const removeButton = h("button", { class: "button small danger-quiet", testid: rowTestId("remove-account", service, account), attrs: { type: "button" }, text: "Remove this account…" });
  removeButton.addEventListener("click", () => {
    const yes = h("button", { class: "button small danger", testid: "remove-account-confirm", attrs: { type: "button" }, text: "Remove" });
    const no = h("button", { class: "button small", attrs: { type: "button" }, text: "Keep" });
    no.addEventListener("click", () => {
      showSummary();
      removeButton.focus();
    });
    yes.addEventListener("click", () => {
      void withBusy([yes, no], async () => {
        try {
          await commands.removeAccount(service, account);
          toast(`Removed the account “${account}”.`, { level: "info" });
          setState({ selected: null, panelOpen: false });
          await refreshAccounts();
        } catch (e) {
          fail(e);
        }
      });
    });
    body.replaceChildren(h("p", { class: "confirm-text small", text: `Log out “${account}” and forget its tokens and password?` }), h("div", { class: "inline-form" }, yes, no));
    no.focus();
  });

  showSummary();
  return section("Accounts", body, error);
}
