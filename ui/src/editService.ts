// Edit an existing service: the by-hand form, prefilled from the shell. The id and the
// flow are fixed; a preset's quirks, the accounts and their tokens are kept by the shell.

import { commands } from "./bindings/commands";
import { manualForm } from "./serviceForm/manualForm";
import { h, icon } from "./dom";
import { errorMessage } from "./lib/errors";
import { getState, setState, subscribe } from "./store";

let page: HTMLElement;
/** Which opening of the page an answer belongs to (a slow answer must not land late). */
let generation = 0;

export function mountEditService(parent: HTMLElement): HTMLElement {
  page = h("section", { class: "page add-page", testid: "edit-service-view", attrs: { "aria-labelledby": "edit-title" } });
  parent.appendChild(page);
  subscribe((s, prev) => {
    if (s.view === "edit" && (prev.view !== "edit" || s.editing !== prev.editing)) void open(s.editing);
    // Nothing typed (a new secret least of all) survives leaving the page.
    if (s.view !== "edit" && prev.view === "edit") page.replaceChildren();
  });
  return page;
}

function back(): void {
  setState({ view: "services", editing: null });
}

function header(title: string): HTMLElement {
  const backButton = h("button", { class: "icon-button", attrs: { type: "button", "aria-label": "Back to the services", title: "Back (Esc)" } }, icon("back"));
  backButton.addEventListener("click", back);
  return h("header", { class: "page-header" }, backButton, h("h1", { attrs: { id: "edit-title" }, text: title }));
}

async function open(id: string | null): Promise<void> {
  const mine = ++generation;
  if (id === null) {
    back();
    return;
  }
  page.replaceChildren(header(`Edit ${id}`), h("p", { class: "muted" }, h("span", { class: "spinner" }), " Loading…"));
  try {
    const settings = await commands.serviceSettings(id);
    if (mine !== generation || getState().view !== "edit") return;
    const form = manualForm(settings.issuer ? "issuer" : "manual", settings, back);
    page.replaceChildren(header(`Edit ${settings.name ?? id}`), form);
    form.querySelector<HTMLInputElement>("[data-testid=service-name]")?.focus();
  } catch (e) {
    if (mine !== generation) return;
    page.replaceChildren(header(`Edit ${id}`), h("p", { class: "inline-error", testid: "edit-error", text: errorMessage(e) }));
  }
}
