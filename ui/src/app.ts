// The window: header (brand, demo badge, navigation), the three views, toasts and the
// device dialog; and the wiring of the shell's events to the store.

import { listen } from "@tauri-apps/api/event";
import { commands, events } from "./bindings/commands";
import type { LoginEventDto, NoticeDto } from "./bindings/types";
import { handleLoginEvent, refreshAccounts, showAccounts, takeFirstList } from "./actions";
import { mountAddService } from "./addService";
import { mountDeviceDialog } from "./deviceDialog";
import { mountEditService } from "./editService";
import { h, icon } from "./dom";
import { mountList } from "./list";
import { mountSettings } from "./settings";
import { getState, setState, subscribe, type AppState } from "./store";
import { setTheme } from "./theme";
import { mountToasts, toast } from "./toasts";
import { mountTokenPanel } from "./tokenPanel";

export function startApp(root: HTMLElement): void {
  // The list first. The shell hands the page the list it read at start: the list shows
  // it as soon as it is built, and asks for the current list once the window is built
  // (it may have changed since). Without it, the request runs while the views are built
  // (the answer is handled after this function returns, once the list has subscribed).
  const firstList = takeFirstList();
  if (!firstList) void refreshAccounts();
  const demoBadge = h("span", { class: "badge badge-demo", testid: "demo-badge", text: "Demo", attrs: { title: "Demo mode: local stand-ins of the services, no real accounts" } });
  demoBadge.hidden = true;

  const navServices = h("button", { class: "nav-button", testid: "nav-services", attrs: { type: "button" } }, icon("list"), "Services");
  const navSettings = h("button", { class: "nav-button", testid: "settings", attrs: { type: "button" } }, icon("gear"), "Settings");
  const addButton = h("button", { class: "button primary", testid: "add-service", attrs: { type: "button" } }, icon("plus"), "Add service");
  navServices.addEventListener("click", () => setState({ view: "services" }));
  navSettings.addEventListener("click", () => setState({ view: "settings" }));
  addButton.addEventListener("click", () => setState({ view: "add" }));

  const header = h("header", { class: "app-header" },
    h("div", { class: "brand" }, h("span", { class: "logo", attrs: { "aria-hidden": "true" } }, icon("key")), h("span", { class: "brand-name", text: "Authdeck" }), demoBadge),
    h("nav", { class: "nav", attrs: { "aria-label": "Views" } }, navServices, navSettings),
    addButton,
  );

  const services = h("div", { class: "services-view" });
  mountList(services);
  mountTokenPanel(services);
  if (firstList) showAccounts(firstList);
  const main = h("main", { class: "app-main" }, services);
  const add = mountAddService(main);
  const edit = mountEditService(main);
  const settings = mountSettings(main);

  root.replaceChildren(header, main);
  root.classList.add("app");
  mountToasts(document.body);
  mountDeviceDialog(document.body);

  const render = (s: AppState): void => {
    services.hidden = s.view !== "services";
    add.hidden = s.view !== "add";
    edit.hidden = s.view !== "edit";
    settings.hidden = s.view !== "settings";
    navServices.setAttribute("aria-current", String(s.view === "services"));
    navSettings.setAttribute("aria-current", String(s.view === "settings"));
    addButton.setAttribute("aria-pressed", String(s.view === "add"));
    demoBadge.hidden = !s.appInfo?.demo;
  };
  subscribe((s, prev) => {
    render(s);
    if (s.view !== prev.view && s.view === "services") void refreshAccounts();
  });
  render(getState());

  // Esc leaves the add and settings pages (the list handles Esc itself).
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || getState().view === "services" || document.querySelector("dialog[open]")) return;
    e.preventDefault();
    setState({ view: "services" });
  });
  // Back from the background: expiries may have moved on.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void refreshAccounts();
  });

  void wireEvents();
  if (firstList) void refreshAccounts();
  commands.appInfo().then(
    (appInfo) => setState({ appInfo }),
    () => undefined,
  );
  commands.getSettings().then(
    (settings) => setTheme(settings.theme),
    () => undefined,
  );
}

async function wireEvents(): Promise<void> {
  try {
    await Promise.all([
      listen<LoginEventDto>(events.login, (e) => handleLoginEvent(e.payload)),
      listen(events.accountsChanged, () => void refreshAccounts()),
      listen(events.clipboardCleared, () => toast("Clipboard cleared", { key: "clipboard", level: "info" })),
      listen<NoticeDto>(events.notice, (e) => toast(e.payload.message, { level: e.payload.level })),
    ]);
  } catch (e) {
    // Only without the shell (a plain browser); the app still renders.
    console.warn("Authdeck: no event channel to the shell", e);
  }
}
