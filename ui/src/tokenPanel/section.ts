// The frame of a titled section of the token panel.

import { h } from "../dom";

export function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h("section", { class: "panel-section" }, h("h3", { text: title }), ...children);
}
