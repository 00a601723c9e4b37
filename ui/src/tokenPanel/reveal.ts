// Reveal: the one place the token enters the page, on the user's request; the text is
// dropped on Hide, on another selection and on logout.

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import type { AccountView } from "../bindings/types";
import { h, icon, withBusy } from "../dom";
import { errorMessage } from "../lib/errors";
import { rowTestId } from "../lib/testid";

export interface RevealBox {
  root: HTMLElement;
  hide(): void;
}

export function revealBox(view: AccountView): RevealBox {
  const { service, account } = view;
  const button = h("button", { class: "button", testid: rowTestId("reveal", service, account), attrs: { type: "button" } }, icon("eye"), "Reveal token");
  const box = h("div", { class: "reveal" });
  box.hidden = true;
  const hide = (): void => {
    // Drop the text node: the token should not linger in the DOM.
    box.replaceChildren();
    box.hidden = true;
    button.hidden = false;
  };
  button.addEventListener("click", () => {
    void withBusy([button], async () => {
      try {
        const token = await commands.revealToken(service, account);
        const hideButton = h("button", { class: "button small", attrs: { type: "button" }, text: "Hide" });
        hideButton.addEventListener("click", () => {
          hide();
          button.focus();
        });
        box.replaceChildren(
          h("div", { class: "reveal-head" }, h("span", { class: "small muted", text: "Visible on screen — hide it when done." }), hideButton),
          h("pre", { class: "token-text mono", testid: "revealed-token", text: token }),
        );
        box.hidden = false;
        button.hidden = true;
        hideButton.focus();
        // The Reveal is a hand-out in the account's activity: reload it.
        void refreshAccounts();
      } catch (e) {
        box.replaceChildren(h("p", { class: "inline-error", text: errorMessage(e) }));
        box.hidden = false;
      }
    });
  });
  return { root: h("div", { class: "panel-section reveal-section" }, button, box), hide };
}
