// The panel's header: the service's name, account and flow, the status chip (kept
// current by the ticker) and the close button.

import type { AccountView } from "../bindings/types";
import { h, icon, setAttr, setText } from "../dom";
import { DEFAULT_ACCOUNT } from "../lib/accounts";
import { flowLabel } from "../lib/flows";
import { chipFor } from "../lib/status";
import { setState } from "../store";

export interface PanelHeader {
  root: HTMLElement;
  tick(view: AccountView, now: number): void;
}

export function panelHeader(view: AccountView): PanelHeader {
  const { service, account } = view;
  const chip = h("span", { class: "chip" });
  const close = h("button", { class: "icon-button panel-close", attrs: { type: "button", "aria-label": "Close", title: "Close (Esc)" } }, icon("close"));
  close.addEventListener("click", () => setState({ panelOpen: false }));
  const root = h("header", { class: "panel-header" },
    h("div", { class: "panel-title" },
      h("h2", { text: view.serviceName || service }),
      h("div", { class: "muted small" },
        [service, account !== DEFAULT_ACCOUNT ? account : null, flowLabel(view.flow)].filter(Boolean).join(" · "))),
    chip, close);
  const tick = (v: AccountView, now: number): void => {
    const c = chipFor(v, now);
    setText(chip, c.text);
    chip.className = `chip chip-${c.tone}`;
    setAttr(chip, "title", c.title);
  };
  return { root, tick };
}
