// The "Add a service" page: a tab per way of adding one — from a preset, from an OpenAPI
// document (or a team file), from an issuer URL (discovery fills the endpoints), or by
// hand. Each form is a module of serviceForm/; this page only switches between them and
// builds them afresh each time it opens, so nothing typed earlier survives.

import { h, icon } from "./dom";
import { manualForm } from "./serviceForm/manualForm";
import { back } from "./serviceForm/navigation";
import { openApiForm } from "./serviceForm/openApiForm";
import { presetForm } from "./serviceForm/presetForm";
import { subscribe } from "./store";

type Mode = "preset" | "openapi" | "issuer" | "manual";

let page: HTMLElement;

export function mountAddService(parent: HTMLElement): HTMLElement {
  page = h("section", { class: "page add-page", testid: "add-service-view", attrs: { "aria-labelledby": "add-title" } });
  parent.appendChild(page);
  subscribe((s, prev) => {
    // A fresh form every time the view opens: nothing typed earlier (secrets least of all) survives.
    if (s.view === "add" && prev.view !== "add") open();
    if (s.view !== "add" && prev.view === "add") page.replaceChildren();
  });
  return page;
}

function open(): void {
  const panels: Record<Mode, HTMLElement> = {
    preset: presetForm(),
    openapi: openApiForm(),
    issuer: manualForm("issuer"),
    manual: manualForm("manual"),
  };
  const labels: Record<Mode, string> = { preset: "From a preset", openapi: "From OpenAPI docs", issuer: "From an issuer URL", manual: "By hand" };
  const tabs = (Object.keys(panels) as Mode[]).map((mode) => {
    const tab = h("button", {
      class: "segment",
      testid: `add-mode-${mode}`,
      attrs: { type: "button", role: "tab", id: `tab-${mode}`, "aria-controls": `panel-${mode}` },
      text: labels[mode],
    });
    tab.addEventListener("click", () => select(mode));
    panels[mode].id = `panel-${mode}`;
    panels[mode].setAttribute("role", "tabpanel");
    panels[mode].setAttribute("aria-labelledby", `tab-${mode}`);
    return tab;
  });
  const slot = h("div", { class: "add-slot" });
  const select = (mode: Mode): void => {
    tabs.forEach((t) => {
      const on = t.id === `tab-${mode}`;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
    });
    // Only the active form is in the document (test ids stay unique); the others are
    // kept aside with what was typed in them.
    slot.replaceChildren(panels[mode]);
  };
  const tablist = h("div", { class: "segments", attrs: { role: "tablist", "aria-label": "How to add the service" } }, ...tabs);
  // ←/→ between the tabs, as in any tab strip.
  tablist.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const i = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
    const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length]!;
    next.click();
    next.focus();
  });

  const backButton = h("button", { class: "icon-button", attrs: { type: "button", "aria-label": "Back to the services", title: "Back (Esc)" } }, icon("back"));
  backButton.addEventListener("click", back);
  page.replaceChildren(
    h("header", { class: "page-header" }, backButton, h("h1", { attrs: { id: "add-title" }, text: "Add a service" })),
    tablist,
    slot,
  );
  select("preset");
  tabs[0]!.focus();
}
