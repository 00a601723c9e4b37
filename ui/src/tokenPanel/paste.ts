// Pasted tokens (services imported with an HTTP bearer or apiKey scheme): "log in" is
// pasting a new token or key, which goes straight to the keyring and never back.

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import type { AccountView } from "../bindings/types";
import { h, withBusy } from "../dom";
import { errorMessage } from "../lib/errors";
import { toast } from "../toasts";

/** Focus the paste field inside `root` (the panel), if it has one. */
export function focusPaste(root: HTMLElement): void {
  root.querySelector<HTMLInputElement>(".paste-form input")?.focus();
}

export function pasteForm(view: AccountView): HTMLElement {
  const { service, account } = view;
  const what = view.flow === "api-key" ? "API key" : "token";
  const field = h("input", { testid: `paste-token-${service}`, attrs: { type: "password", autocomplete: "off", spellcheck: "false", placeholder: `Paste the ${what}`, "aria-label": `Paste the ${what}` } });
  const save = h("button", { class: "button primary", testid: `paste-save-${service}`, attrs: { type: "submit" }, text: `Save ${what}` });
  const err = h("span", { class: "inline-error small", attrs: { role: "alert" } });
  const form = h("form", { class: "inline-form paste-form", attrs: { novalidate: true } }, field, save, err);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const token = field.value;
    // Out of the page at once: it goes to the keyring, never back.
    field.value = "";
    void withBusy([save], async () => {
      try {
        await commands.storePasted(service, account, token);
        err.textContent = "";
        toast(`Saved the ${what} in the keyring.`, { level: "success" });
        await refreshAccounts();
      } catch (x) {
        err.textContent = `${errorMessage(x)} Paste it again to retry.`;
      }
    });
  });
  return form;
}
