// Settings: clipboard clear delay, refresh margin, the warning ahead of a login, keep
// running in the tray, theme.

import { refreshAccounts } from "./actions";
import { commands } from "./bindings/commands";
import type { Settings, Theme } from "./bindings/types";
import { field, h, icon, replace, withBusy } from "./dom";
import { errorMessage } from "./lib/errors";
import { validateMinutes, validateSeconds } from "./lib/validate";
import { getState, setState, subscribe } from "./store";
import { setTheme } from "./theme";
import { toast } from "./toasts";

// The same bounds as the shell's (authdeck-core config/settings.rs).
const CLEAR_MIN = 5;
const CLEAR_MAX = 3600;
const MARGIN_MIN = 10;
const MARGIN_MAX = 3600;
const WARN_MIN = 0;
const WARN_MAX = 7 * 24 * 60;

let page: HTMLElement;

/** "Share with your team": every service definition (never a secret) to the clipboard. */
function shareCard(): HTMLElement {
  const button = h("button", { class: "button", testid: "export-services", attrs: { type: "button" }, text: "Copy service definitions" });
  const out = h("pre", { class: "token-text mono", testid: "export-text" });
  out.hidden = true;
  const error = h("p", { class: "inline-error", attrs: { role: "alert" } });
  error.hidden = true;
  button.addEventListener("click", () => {
    void withBusy([button], async () => {
      try {
        const shared = await commands.exportServices();
        out.textContent = shared.text;
        out.hidden = false;
        error.hidden = true;
        toast(`Copied ${shared.count} service definition${shared.count === 1 ? "" : "s"} — no secrets, no accounts.`, { level: "success" });
      } catch (e) {
        error.textContent = errorMessage(e);
        error.hidden = false;
      }
    });
  });
  return h("section", { class: "card form share-card" },
    h("h2", { class: "form-title", text: "Share with your team" }),
    h("p", { class: "muted small", text: "Copies every service's definition as a TOML file your colleagues import with Add service → From OpenAPI docs (or `authdeck service import team.toml`). Secrets and accounts stay yours." }),
    h("div", { class: "buttons" }, button), out, error);
}

export function mountSettings(parent: HTMLElement): HTMLElement {
  page = h("section", { class: "page settings-page", testid: "settings-view", attrs: { "aria-labelledby": "settings-title" } });
  parent.appendChild(page);
  subscribe((s, prev) => {
    if (s.view === "settings" && prev.view !== "settings") open();
  });
  return page;
}

function open(): void {
  const clear = field("Clear the clipboard after (seconds)", h("input", { attrs: { type: "number", min: CLEAR_MIN, max: CLEAR_MAX, step: 1, inputmode: "numeric", "data-testid": "setting-clipboard" } }),
    "A copied token is removed from the clipboard after this delay.");
  const margin = field("Refresh tokens this early (seconds)", h("input", { attrs: { type: "number", min: MARGIN_MIN, max: MARGIN_MAX, step: 1, inputmode: "numeric", "data-testid": "setting-margin" } }),
    "A token with less time left is refreshed before it is handed out.");
  const warn = field("Warn before a login is needed (minutes)", h("input", { attrs: { type: "number", min: WARN_MIN, max: WARN_MAX, step: 1, inputmode: "numeric", "data-testid": "setting-warn" } }),
    "An account that will need a login (its token cannot be renewed) gets a notification and a badge this long before; 0 turns the warning off.");
  const tray = h("input", { attrs: { type: "checkbox", id: "setting-tray", "data-testid": "setting-tray" } });
  const themeSelect = h("select", { attrs: { "data-testid": "setting-theme" } },
    h("option", { attrs: { value: "system" }, text: "Follow the system" }),
    h("option", { attrs: { value: "light" }, text: "Light" }),
    h("option", { attrs: { value: "dark" }, text: "Dark" }));
  const theme = field("Theme", themeSelect);
  // Preview at once; Save keeps it, leaving without saving goes back to the saved one.
  let savedTheme: Theme = "system";
  themeSelect.addEventListener("change", () => setTheme(themeSelect.value as Theme));
  const save = h("button", { class: "button primary", testid: "settings-save", attrs: { type: "submit" }, text: "Save" });
  const error = h("div", { class: "inline-error", attrs: { role: "alert" } });
  error.hidden = true;

  const fill = (s: Settings): void => {
    clear.control.value = String(s.clipboardClearSecs);
    margin.control.value = String(s.refreshMarginSecs);
    warn.control.value = String(s.warnBeforeLoginMins);
    tray.checked = s.keepInTray;
    themeSelect.value = s.theme;
    savedTheme = s.theme;
  };

  const form = h("form", { class: "card form", attrs: { novalidate: true } },
    h("div", { class: "fields" },
      clear.root,
      margin.root,
      warn.root,
      h("div", { class: "check" }, tray, h("label", { attrs: { for: "setting-tray" } },
        h("span", { text: "Keep running in the tray" }),
        h("span", { class: "field-hint", text: "Closing the window keeps Authdeck refreshing tokens in the background." }))),
      theme.root,
      h("div", { class: "form-actions" }, error, h("div", { class: "buttons" }, save))),
  );
  const fieldset = form.querySelector(".fields") as HTMLElement;
  fieldset.setAttribute("aria-busy", "true");
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button")) el.disabled = true;

  commands.getSettings().then(
    (s) => {
      fill(s);
      for (const el of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button")) el.disabled = false;
      fieldset.removeAttribute("aria-busy");
    },
    (e: unknown) => {
      error.textContent = `Could not read the settings: ${errorMessage(e)}`;
      error.hidden = false;
    },
  );

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const clearErr = validateSeconds(clear.control.value, "clipboard delay", CLEAR_MIN, CLEAR_MAX);
    const marginErr = validateSeconds(margin.control.value, "refresh margin", MARGIN_MIN, MARGIN_MAX);
    const warnErr = validateMinutes(warn.control.value, "warning before a login", WARN_MIN, WARN_MAX);
    clear.setError(clearErr);
    margin.setError(marginErr);
    warn.setError(warnErr);
    if (clearErr) return clear.control.focus();
    if (marginErr) return margin.control.focus();
    if (warnErr) return warn.control.focus();
    error.hidden = true;
    void withBusy([save], async () => {
      try {
        const saved = await commands.setSettings({
          clipboardClearSecs: Number(clear.control.value),
          refreshMarginSecs: Number(margin.control.value),
          warnBeforeLoginMins: Number(warn.control.value),
          keepInTray: tray.checked,
          theme: themeSelect.value as Theme,
        });
        fill(saved);
        toast("Settings saved.", { level: "success" });
        // The warnings ahead of a login follow the new lead time.
        void refreshAccounts();
      } catch (err) {
        error.textContent = errorMessage(err);
        error.hidden = false;
      }
    });
  });

  const backButton = h("button", { class: "icon-button", attrs: { type: "button", "aria-label": "Back to the services", title: "Back (Esc)" } }, icon("back"));
  backButton.addEventListener("click", () => setState({ view: "services" }));
  const stop = subscribe((st) => {
    if (st.view === "settings") return;
    setTheme(savedTheme);
    stop();
  });
  const info = getState().appInfo;
  replace(
    page,
    h("header", { class: "page-header" }, backButton, h("h1", { attrs: { id: "settings-title" }, text: "Settings" })),
    form,
    shareCard(),
    info ? h("p", { class: "muted small about", text: `Authdeck ${info.version}${info.demo ? " · demo mode" : ""}` }) : null,
  );
  clear.control.focus();
}
