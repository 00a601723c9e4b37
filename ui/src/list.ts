// The service list (main view): filter box, one row per account, empty states and the
// keyboard model (↑/↓ select, Enter opens the token panel or logs in, / filters).
// Rows are kept per account and updated in place, so a refresh of the list or the
// per-second countdown never rebuilds the DOM (no flicker, focus stays where it was).

import type { AccountView } from "./bindings/types";
import { cancelLogin, refreshAccounts, startLogin } from "./actions";
import { commands } from "./bindings/commands";
import { h, icon, replace, setAttr, setText } from "./dom";
import { accountKey, DEFAULT_ACCOUNT, displayName, visibleAccounts } from "./lib/accounts";
import { flowLabel } from "./lib/flows";
import { keyCommand, moveSelection } from "./lib/keynav";
import { lifetimeBand, lifetimeFraction } from "./lib/lifetime";
import { loginWarning } from "./lib/relogin";
import { chipFor, needsLogin } from "./lib/status";
import { rowTestId } from "./lib/testid";
import { formatRelative, nowSecs } from "./lib/time";
import { getState, setState, subscribe, withEntry, type AppState, type PendingLogin } from "./store";
import { focusPanel } from "./tokenPanel";
import { onTick } from "./ticker";

interface Row {
  el: HTMLLIElement;
  view: AccountView;
  chip: HTMLElement;
  expiry: HTMLElement;
  barFill: HTMLElement;
  sub: HTMLElement;
  reason: HTMLElement;
  login: HTMLButtonElement;
  /** "Log in again by 14:05", while the account's login deadline is near. */
  warning: HTMLElement;
  /** A login of this account is running. */
  pending: boolean;
  extra: HTMLElement;
  /** What `extra` currently shows, to rebuild it only when that changes. */
  extraSig: string;
}

let filterInput: HTMLInputElement;
let listEl: HTMLUListElement;
let emptyEl: HTMLElement;
let countEl: HTMLElement;
const rows = new Map<string, Row>();
let order: string[] = [];

export function mountList(parent: HTMLElement): HTMLElement {
  filterInput = h("input", {
    class: "filter-input",
    testid: "filter",
    attrs: {
      type: "search",
      placeholder: "Filter services",
      "aria-label": "Filter services by name or id",
      autocomplete: "off",
      spellcheck: "false",
    },
  });
  filterInput.addEventListener("input", () => setState({ filter: filterInput.value }));
  countEl = h("span", { class: "list-count muted num" });
  listEl = h("ul", { class: "rows", attrs: { "aria-label": "Services" } });
  emptyEl = h("div", { class: "empty" });
  emptyEl.hidden = true;

  const pane = h("section", { class: "list-pane", attrs: { "aria-label": "Services" } },
    h("div", { class: "list-toolbar" },
      h("label", { class: "filter" }, icon("search"), filterInput, h("kbd", { text: "/", attrs: { title: "Press / to filter" } })),
      countEl),
    h("div", { class: "list-scroll" }, listEl, emptyEl),
  );
  parent.appendChild(pane);

  subscribe(render);
  onTick(tick);
  document.addEventListener("keydown", onKey);
  render(getState());
  return pane;
}

export function focusFilter(): void {
  filterInput.focus();
  filterInput.select();
}

function render(s: AppState): void {
  const visible = visibleAccounts(s.accounts, s.filter);
  const keys = visible.map(accountKey);
  const now = nowSecs();

  // Drop rows of accounts that are gone or filtered out.
  const keep = new Set(keys);
  for (const [key, row] of rows) {
    if (!keep.has(key)) {
      row.el.remove();
      rows.delete(key);
    }
  }
  visible.forEach((view, i) => {
    const key = keys[i]!;
    let row = rows.get(key);
    if (!row) {
      row = createRow(view);
      rows.set(key, row);
    }
    updateRow(row, view, s, now);
  });
  // Reorder only when the order changed: moving a node would drop focus inside it.
  if (keys.join("\n") !== order.join("\n") || listEl.children.length !== keys.length) {
    listEl.replaceChildren(...keys.map((k) => rows.get(k)!.el));
    order = keys;
  }
  // Roving tabindex: the selected row (or the first one) is the list's tab stop.
  const tabStop = s.selected !== null && rows.has(s.selected) ? s.selected : keys[0];
  for (const [key, row] of rows) row.el.tabIndex = key === tabStop ? 0 : -1;

  if (filterInput.value !== s.filter) filterInput.value = s.filter;
  setText(countEl, s.loaded ? countText(visible.length, s.accounts.length) : "");
  renderEmpty(s, visible.length);
  if (s.loaded && !firstPaintReported) reportFirstPaint();
}

let firstPaintReported = false;

/** Tells the shell when the first loaded list is on screen (the benchmarks time start-up
 *  with it): the frame callback runs before that frame's paint, the task queued from it
 *  after. */
function reportFirstPaint(): void {
  firstPaintReported = true;
  requestAnimationFrame(() => {
    setTimeout(() => {
      void commands.firstPaint(performance.now(), listEl.children.length).catch(() => undefined);
    }, 0);
  });
}

function countText(shown: number, total: number): string {
  if (total === 0) return "";
  if (shown === total) return total === 1 ? "1 service" : `${total} services`;
  return `${shown} of ${total}`;
}

function renderEmpty(s: AppState, shown: number): void {
  let content: HTMLElement[] | null = null;
  if (!s.loaded) {
    content = [h("p", { class: "muted" }, h("span", { class: "spinner" }), " Loading services…")];
  } else if (s.loadError !== null) {
    content = [
      h("h2", { text: "Could not load the services" }),
      h("p", { class: "inline-error", text: s.loadError }),
      h("button", { class: "button", attrs: { type: "button" }, text: "Try again", on: { click: () => void refreshAccounts() } }),
    ];
  } else if (s.accounts.length === 0) {
    content = [
      h("div", { class: "empty-icon" }, icon("key")),
      h("h2", { text: "No services yet" }),
      h("p", { class: "muted", text: "Add the API services you log in to; Authdeck keeps their secrets in the system keyring and hands you fresh tokens." }),
      h("button", {
        class: "button primary",
        testid: "add-service-empty",
        attrs: { type: "button" },
        on: { click: () => setState({ view: "add" }) },
      }, icon("plus"), "Add a service"),
      s.appInfo && !s.appInfo.demo
        ? h("p", { class: "hint small", text: "Just looking? Start Authdeck in demo mode (--demo) to try five stand-in services without any account." })
        : null,
    ].filter((x) => x !== null);
  } else if (shown === 0) {
    content = [
      h("p", { class: "muted", text: `No service matches “${s.filter}”.` }),
      h("button", { class: "button", attrs: { type: "button" }, text: "Clear filter", on: { click: () => setState({ filter: "" }) } }),
    ];
  }
  emptyEl.hidden = content === null;
  emptyEl.classList.toggle("empty-big", s.loaded && s.loadError === null && s.accounts.length === 0);
  if (content) emptyEl.replaceChildren(...content);
  else if (emptyEl.childElementCount) emptyEl.replaceChildren();
}

function createRow(view: AccountView): Row {
  const { service, account } = view;
  const chip = h("span", { class: "chip", testid: rowTestId("state", service, account) });
  const expiry = h("span", { class: "expiry num", testid: rowTestId("expiry", service, account) });
  const barFill = h("div", { class: "bar-fill" });
  const login = h("button", { class: "button small login-button", testid: rowTestId("login", service, account), attrs: { type: "button" }, text: "Log in" });
  const warning = h("span", { class: "login-warning", testid: rowTestId("login-warning", service, account) });
  warning.hidden = true;
  const sub = h("span", { class: "row-flow" });
  const reason = h("span", { class: "row-reason" });
  const extra = h("div", { class: "row-extra" });
  extra.hidden = true;

  const el = h("li", { class: "row", testid: rowTestId("service", service, account), attrs: { "data-key": accountKey(view) } },
    h("div", { class: "row-main" },
      h("div", { class: "row-name" }),
      h("div", { class: "row-sub" }, sub, reason),
      warning),
    h("div", { class: "row-status" },
      chip,
      h("div", { class: "row-expiry" }, expiry, h("div", { class: "bar", attrs: { "aria-hidden": "true" } }, barFill))),
    h("div", { class: "row-actions" }, login),
    extra,
  );
  const row: Row = { el, view, chip, expiry, barFill, sub, reason, login, warning, pending: false, extra, extraSig: "" };

  el.addEventListener("click", (e) => {
    // Buttons and fields inside the row do their own thing.
    if ((e.target as Element).closest("button, input, a")) return;
    setState({ selected: accountKey(row.view), panelOpen: true });
  });
  login.addEventListener("click", () => void startLogin(row.view));
  return row;
}

function updateRow(row: Row, view: AccountView, s: AppState, now: number): void {
  row.view = view;
  const key = accountKey(view);
  const name = row.el.querySelector(".row-name")!;
  if (name.childElementCount === 0 || row.el.dataset["name"] !== displayName(view)) {
    row.el.dataset["name"] = displayName(view);
    replace(
      name,
      h("span", { class: "row-title", text: view.serviceName || view.service }),
      view.account !== DEFAULT_ACCOUNT ? h("span", { class: "row-account", text: view.account }) : null,
    );
  }
  setText(row.sub, `${flowLabel(view.flow)} · ${view.service}`);
  const reason = view.status !== "logged_in" && view.reason ? view.reason : "";
  setText(row.reason, reason);
  setAttr(row.reason, "title", reason || null);

  const selected = s.selected === key;
  row.el.classList.toggle("selected", selected);
  setAttr(row.el, "aria-current", selected ? "true" : null);

  const pending = s.logins.get(key) ?? null;
  row.pending = pending !== null;
  row.login.disabled = pending !== null;
  updateExtra(row, pending, s.rowErrors.get(key) ?? null);
  tickRow(row, now);
}

function tickRow(row: Row, now: number): void {
  const v = row.view;
  const chip = chipFor(v, now);
  setText(row.chip, chip.text);
  row.chip.className = `chip chip-${chip.tone}`;
  setAttr(row.chip, "data-state", v.status);
  setAttr(row.chip, "title", chip.title);
  const text = v.expiresAt === null && needsLogin(v.status) ? "no token" : formatRelative(v.expiresAt, now);
  setText(row.expiry, text);
  const fraction = lifetimeFraction(v.expiresAt, v.obtainedAt, now);
  // The bar width is a CSS custom property set through the CSSOM (allowed by the CSP).
  row.barFill.style.setProperty("--fraction", String(fraction ?? 0));
  row.barFill.dataset["band"] = lifetimeBand(fraction);
  // The login deadline is near: the badge, and "Log in again" as the row's main action.
  const warning = loginWarning(v, now);
  row.warning.hidden = warning === null;
  setText(row.warning, warning?.text ?? "");
  setAttr(row.warning, "title", warning?.why ?? null);
  setText(row.login, row.pending ? "Logging in…" : warning ? "Log in again" : "Log in");
  row.login.classList.toggle("primary", (needsLogin(v.status) || warning !== null) && !row.pending);
  const name = displayName(v);
  setAttr(row.login, "title", needsLogin(v.status) ? `Log in to ${name}` : `Log in to ${name} again`);
  setAttr(row.login, "aria-label", warning ? `Log in to ${name} again (${warning.text.replace(/^Log in again /, "needed ")})` : null);
}

function tick(now: number): void {
  for (const row of rows.values()) tickRow(row, now);
}

/** The line under a row: waiting for the browser, a URL to open by hand, or an error. */
function updateExtra(row: Row, pending: PendingLogin | null, error: string | null): void {
  const sig = pending ? `${pending.phase}|${pending.event?.url ?? ""}` : error ? `error|${error}` : "";
  if (sig === row.extraSig) return;
  row.extraSig = sig;
  row.extra.hidden = sig === "";
  row.extra.removeAttribute("data-testid");
  row.extra.className = "row-extra";
  const { service, account } = row.view;
  const cancel = (): HTMLButtonElement => {
    const b = h("button", { class: "button small", attrs: { type: "button" }, text: "Cancel" });
    b.addEventListener("click", () => {
      b.disabled = true;
      void cancelLogin(service, account);
    });
    return b;
  };
  if (pending) {
    row.extra.setAttribute("data-testid", "login-waiting");
    if (pending.phase === "browser_failed") {
      const url = pending.event?.url ?? "";
      const urlField = h("input", { class: "url-field mono", attrs: { type: "text", readonly: true, value: url, "aria-label": "Login URL" } });
      urlField.addEventListener("focus", () => urlField.select());
      const copy = h("button", { class: "button small", attrs: { type: "button" }, text: "Copy link" });
      copy.addEventListener("click", () => {
        // The login URL holds no secret usable by others (PKCE), so the web clipboard is fine.
        void navigator.clipboard.writeText(url).then(() => setText(copy, "Copied"), () => setText(copy, "Copy failed"));
      });
      row.extra.classList.add("row-extra-warn");
      row.extra.replaceChildren(
        h("span", { text: pending.event?.message ?? "The browser could not be opened. Open this link by hand:" }),
        h("div", { class: "url-row" }, urlField, copy, cancel()),
      );
    } else {
      const label =
        pending.phase === "browser" ? "Waiting for the browser…"
        : pending.phase === "device" ? "Waiting for the code to be approved…"
        : "Logging in…";
      replace(
        row.extra,
        h("span", { class: "spinner", attrs: { "aria-hidden": "true" } }),
        h("span", { class: "waiting-text", text: label }),
        pending.phase === "starting" && pending.flow !== "device" ? null : cancel(),
      );
    }
  } else if (error) {
    row.extra.classList.add("row-extra-error");
    const dismiss = h("button", { class: "icon-button", attrs: { type: "button", "aria-label": "Dismiss", title: "Dismiss" } }, icon("close"));
    dismiss.addEventListener("click", () => setState({ rowErrors: withEntry(getState().rowErrors, accountKey(row.view), null) }));
    row.extra.replaceChildren(h("span", { class: "inline-error", attrs: { role: "alert" }, text: error }), dismiss);
  }
}

// ---- keyboard ---------------------------------------------------------------------

function onKey(e: KeyboardEvent): void {
  const s = getState();
  if (s.view !== "services" || document.querySelector("dialog[open]")) return;
  const target = e.target as HTMLElement | null;
  const inFilter = target === filterInput;
  const inOtherField = !inFilter && !!target?.closest("input, textarea, select, [contenteditable]");
  const onControl = !!target?.closest("button, a, summary");
  // Arrow keys inside the token panel belong to its own controls.
  if (target?.closest(".panel") && e.key !== "Escape" && e.key !== "/") return;
  const cmd = keyCommand({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inFilter, inOtherField, onControl });
  if (!cmd) return;
  const keys = visibleAccounts(s.accounts, s.filter).map(accountKey);
  switch (cmd.kind) {
    case "focus-filter":
      e.preventDefault();
      focusFilter();
      return;
    case "move": {
      const next = moveSelection(keys, s.selected, cmd.move);
      if (next === null) return;
      e.preventDefault();
      setState({ selected: next });
      const row = rows.get(next)!;
      row.el.scrollIntoView({ block: "nearest" });
      // Keep typing in the filter possible; otherwise focus follows the selection.
      if (!inFilter) row.el.focus();
      return;
    }
    case "activate": {
      const view = s.accounts.find((a) => accountKey(a) === s.selected);
      if (!view) return;
      e.preventDefault();
      if (needsLogin(view.status)) {
        void startLogin(view);
      } else {
        setState({ panelOpen: true });
        focusPanel();
      }
      return;
    }
    case "escape":
      if (inFilter && filterInput.value !== "") {
        e.preventDefault();
        setState({ filter: "" });
      } else if (s.panelOpen) {
        setState({ panelOpen: false });
        if (s.selected) rows.get(s.selected)?.el.focus();
      }
      return;
  }
}
