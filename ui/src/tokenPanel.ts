// The token panel for the selected account: expiry, scopes, copy buttons, reveal,
// app tokens, unverified JWT claims, log out and remove.
//
// The token itself never passes through the UI, except when the user asks to see it
// (Reveal): copying happens in the shell (commands.copyToken), and the revealed text is
// dropped on Hide, on another selection and on logout.

import { commands } from "./bindings/commands";
import type { AccountView, CopyFormat, TokenSummary } from "./bindings/types";
import { refreshAccounts, startLogin } from "./actions";
import { h, icon, setAttr, setText, withBusy } from "./dom";
import { accountKey, DEFAULT_ACCOUNT, displayName } from "./lib/accounts";
import { claimRows } from "./lib/claims";
import { errorMessage } from "./lib/errors";
import { APP_TOKEN_LIFETIMES, flowLabel } from "./lib/flows";
import { lifetimeBand, lifetimeFraction } from "./lib/lifetime";
import { chipFor, needsLogin } from "./lib/status";
import { rowTestId } from "./lib/testid";
import { formatAbsolute, formatFull, formatRelative, nowSecs } from "./lib/time";
import { findAccount, getState, setState, subscribe, type AppState } from "./store";
import { onTick } from "./ticker";
import { toast } from "./toasts";

let pane: HTMLElement;
let panel: Panel | null = null;

interface Panel {
  key: string;
  view: AccountView;
  root: HTMLElement;
  chip: HTMLElement;
  expiresAbs: HTMLElement;
  expiresRel: HTMLElement;
  obtained: HTMLElement;
  barFill: HTMLElement;
  loginCallout: HTMLElement;
  scopes: HTMLElement;
  claims: HTMLElement;
  appTokenStatus: HTMLElement | null;
  copyButtons: HTMLButtonElement[];
  firstCopy: HTMLButtonElement;
  error: HTMLElement;
  reveal: RevealBox;
  /** Fetch generation, so a slow answer for an older state is ignored. */
  summarySeq: number;
  summarySig: string;
}

export function mountTokenPanel(parent: HTMLElement): HTMLElement {
  pane = h("aside", { class: "panel-pane", attrs: { "aria-label": "Token" } });
  parent.appendChild(pane);
  subscribe(render);
  onTick(tick);
  render(getState(), getState());
  return pane;
}

/** Move focus into the panel (Enter on a logged-in row): onto the main copy button. */
export function focusPanel(): void {
  panel?.firstCopy.focus();
}

function render(s: AppState, prev: AppState): void {
  pane.classList.toggle("open", s.panelOpen && s.selected !== null);
  const view = findAccount(s.selected);
  if (!view) {
    if (panel || pane.childElementCount === 0 || prev.accounts !== s.accounts) {
      panel = null;
      pane.replaceChildren(placeholder(s));
    }
    return;
  }
  const key = accountKey(view);
  if (!panel || panel.key !== key) {
    panel = build(view);
    pane.replaceChildren(panel.root);
  }
  update(panel, view);
}

function placeholder(s: AppState): HTMLElement {
  if (s.accounts.length === 0) return h("div", { class: "panel-placeholder" });
  return h("div", { class: "panel-placeholder" },
    icon("key", "icon placeholder-icon"),
    h("p", { text: "Select a service to copy its token." }),
    h("ul", { class: "keys-help muted small" },
      h("li", {}, h("kbd", { text: "↑" }), h("kbd", { text: "↓" }), " select"),
      h("li", {}, h("kbd", { text: "Enter" }), " open or log in"),
      h("li", {}, h("kbd", { text: "/" }), " filter"),
      h("li", {}, h("kbd", { text: "Esc" }), " clear or close")),
  );
}

function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h("section", { class: "panel-section" }, h("h3", { text: title }), ...children);
}

function build(view: AccountView): Panel {
  const { service, account } = view;
  const key = accountKey(view);

  const chip = h("span", { class: "chip" });
  const close = h("button", { class: "icon-button panel-close", attrs: { type: "button", "aria-label": "Close", title: "Close (Esc)" } }, icon("close"));
  close.addEventListener("click", () => setState({ panelOpen: false }));

  const loginButton = h("button", { class: "button primary", attrs: { type: "button" }, text: "Log in" });
  loginButton.addEventListener("click", () => void startLogin(findAccount(key) ?? view));
  const loginCallout = h("div", { class: "callout" },
    h("span", { class: "callout-text", text: "No usable token: log in to get one." }), view.pasted ? pasteForm(view) : loginButton);

  const expiresAbs = h("span", { class: "num" });
  const expiresRel = h("span", { class: "num muted" });
  const obtained = h("span", { class: "num" });
  const barFill = h("div", { class: "bar-fill" });
  const scopes = h("div", { class: "tags" });

  // Copy buttons: the shell writes the token to the clipboard and clears it later.
  const error = h("div", { class: "inline-error", attrs: { role: "alert" } });
  error.hidden = true;
  const copyButton = (format: CopyFormat, testKind: "copy-raw" | "copy-bearer" | "copy-header" | "copy-curl", label: string, sample: string, cls = ""): HTMLButtonElement =>
    h("button", { class: `copy-button ${cls}`, testid: rowTestId(testKind, service, account), attrs: { type: "button", "data-format": format } },
      icon("copy"),
      h("span", { class: "copy-label", text: label }),
      sample ? h("span", { class: "copy-sample mono", text: sample, attrs: { "aria-hidden": "true" } }) : null);
  const raw = copyButton("raw", "copy-raw", "Token (for Swagger's Bearer dialog)", "", "copy-primary");
  // The samples show the shape of what is copied, never the token (which the page does not have).
  const bearer = copyButton("bearer", "copy-bearer", "Bearer …", "Bearer ‹token›");
  // The header button says what the header is (an API key travels in its own header or
  // a cookie); a key sent in the query string has none (headerCopy null).
  const header = copyButton("header", "copy-header", view.headerCopy?.label ?? "Header line", view.headerCopy?.sample ?? "");
  header.hidden = view.headerCopy === null;
  const curl = copyButton("curl", "copy-curl", "curl command", view.apiBase ? `curl … ${view.apiBase}` : "curl …");
  const copyButtons = [raw, bearer, header, curl];
  let docs: HTMLButtonElement | null = null;
  if (view.docsUrl) {
    docs = h("button", { class: "button docs-button", attrs: { type: "button", title: view.docsUrl } }, icon("external"), "Copy token & open API docs");
    copyButtons.push(docs);
  }
  const copy = async (format: CopyFormat, andDocs: boolean): Promise<void> => {
    const v = findAccount(key) ?? view;
    await withBusy(copyButtons, async () => {
      try {
        const out = andDocs
          ? await commands.copyAndOpenDocs(v.service, v.account, format)
          : await commands.copyToken(v.service, v.account, format);
        error.hidden = true;
        toast(out.clearsInSecs > 0 ? `Copied — the clipboard will be cleared in ${out.clearsInSecs} s` : "Copied", { key: "clipboard", level: "success" });
      } catch (e) {
        error.textContent = errorMessage(e);
        error.hidden = false;
      }
    });
    // Copying may have refreshed the token (or found it revoked).
    void refreshAccounts();
  };
  raw.addEventListener("click", () => void copy("raw", false));
  bearer.addEventListener("click", () => void copy("bearer", false));
  header.addEventListener("click", () => void copy("header", false));
  curl.addEventListener("click", () => void copy("curl", false));
  docs?.addEventListener("click", () => void copy("raw", true));

  const reveal = revealBox(view);
  const appToken = view.supportsAppToken ? appTokenSection(key, view) : null;

  const logout = h("button", { class: "button", testid: rowTestId("logout", service, account), attrs: { type: "button" }, text: "Log out" });
  logout.addEventListener("click", () => {
    void withBusy([logout], async () => {
      reveal.hide();
      try {
        await commands.logout(service, account);
        toast(`Logged out of ${displayName(findAccount(key) ?? view)}.`, { level: "info" });
      } catch (e) {
        error.textContent = errorMessage(e);
        error.hidden = false;
      }
      await refreshAccounts();
    });
  });

  const claims = h("div", { class: "claims" });
  const hint = view.pasteHint.message
    ? h("p", { class: "small muted paste-hint", testid: `paste-hint-${service}`, attrs: { "data-kind": view.pasteHint.kind } }, h("span", { text: view.pasteHint.message }))
    : null;
  const root = h("div", { class: "panel", testid: "token-panel", attrs: { "data-key": key, tabindex: "-1" } },
    h("header", { class: "panel-header" },
      h("div", { class: "panel-title" },
        h("h2", { text: view.serviceName || service }),
        h("div", { class: "muted small" },
          [service, account !== DEFAULT_ACCOUNT ? account : null, flowLabel(view.flow)].filter(Boolean).join(" · "))),
      chip, close),
    loginCallout,
    h("div", { class: "panel-section copy-section" }, raw, h("div", { class: "copy-list" }, bearer, header, curl), docs, hint, error),
    section("Expiry",
      h("dl", { class: "facts" },
        h("dt", { text: "Expires" }), h("dd", {}, expiresAbs, " ", expiresRel),
        h("dt", { text: "Obtained" }), h("dd", {}, obtained),
        h("dt", { text: "Scopes" }), h("dd", {}, scopes)),
      h("div", { class: "bar bar-wide", attrs: { "aria-hidden": "true" } }, barFill)),
    reveal.root,
    appToken?.root ?? null,
    claims,
    accountsSection(view),
    h("footer", { class: "panel-footer" }, logout, editButton(view), removeControl(view)),
  );

  return {
    key, view, root, chip, expiresAbs, expiresRel, obtained, barFill, loginCallout, scopes, claims,
    appTokenStatus: appToken?.status ?? null,
    copyButtons, firstCopy: raw, error, reveal, summarySeq: 0, summarySig: "",
  };
}

function update(p: Panel, view: AccountView): void {
  p.view = view;
  p.loginCallout.hidden = !needsLogin(view.status) || getState().logins.has(p.key);
  if (view.status === "not_logged_in" && !view.reason) {
    setText(p.loginCallout.querySelector(".callout-text")!, "Not logged in yet.");
  } else if (needsLogin(view.status)) {
    setText(p.loginCallout.querySelector(".callout-text")!, view.reason ?? "No usable token: log in to get one.");
  }
  if (view.status !== "logged_in" && view.status !== "expired") p.reveal.hide();
  tickPanel(p, nowSecs());
  // Reload the summary when the token changed (login, refresh, logout).
  const sig = `${view.status}|${view.expiresAt}|${view.obtainedAt}`;
  if (sig !== p.summarySig) {
    p.summarySig = sig;
    void loadSummary(p);
  }
}

function tickPanel(p: Panel, now: number): void {
  const v = p.view;
  const chip = chipFor(v, now);
  setText(p.chip, chip.text);
  p.chip.className = `chip chip-${chip.tone}`;
  setAttr(p.chip, "title", chip.title);
  if (v.expiresAt === null) {
    setText(p.expiresAbs, needsLogin(v.status) ? "no token" : "no expiry");
    setText(p.expiresRel, "");
    setAttr(p.expiresAbs, "title", null);
  } else {
    setText(p.expiresAbs, formatAbsolute(v.expiresAt, now));
    setAttr(p.expiresAbs, "title", formatFull(v.expiresAt));
    setText(p.expiresRel, `(${formatRelative(v.expiresAt, now)})`);
  }
  setText(p.obtained, v.obtainedAt === null ? "—" : formatAbsolute(v.obtainedAt, now));
  const fraction = lifetimeFraction(v.expiresAt, v.obtainedAt, now);
  p.barFill.style.setProperty("--fraction", String(fraction ?? 0));
  p.barFill.dataset["band"] = lifetimeBand(fraction);
  if (p.appTokenStatus) {
    setText(p.appTokenStatus, v.appTokenExpiresAt === null
      ? "No app token created yet."
      : v.appTokenExpiresAt > now
        ? `Current app token valid until ${formatAbsolute(v.appTokenExpiresAt, now)} (${formatRelative(v.appTokenExpiresAt, now)}).`
        : `The last app token ${formatRelative(v.appTokenExpiresAt, now)}.`);
  }
}

function tick(now: number): void {
  if (panel) tickPanel(panel, now);
}

async function loadSummary(p: Panel): Promise<void> {
  const seq = ++p.summarySeq;
  let summary: TokenSummary | null = null;
  let failure: string | null = null;
  try {
    summary = await commands.tokenSummary(p.view.service, p.view.account);
  } catch (e) {
    failure = errorMessage(e);
  }
  if (panel !== p || seq !== p.summarySeq) return;
  const scopes = summary?.scopes.length ? summary.scopes : p.view.scopes;
  p.scopes.replaceChildren(...(scopes.length ? scopes.map((s) => h("span", { class: "tag mono", text: s })) : [h("span", { class: "muted", text: "none granted" })]));
  renderClaims(p, summary, failure);
}

function renderClaims(p: Panel, summary: TokenSummary | null, failure: string | null): void {
  if (failure) {
    p.claims.replaceChildren(section("Token contents", h("p", { class: "inline-error", text: failure })));
    return;
  }
  if (!summary) {
    p.claims.replaceChildren();
    return;
  }
  if (!summary.claims) {
    p.claims.replaceChildren(section("Token contents", h("p", { class: "muted small", text: `An opaque ${summary.tokenType} token: it has no readable claims.` })));
    return;
  }
  const now = nowSecs();
  const table = h("table", { class: "claims-table" },
    h("tbody", {}, ...claimRows(summary.claims, now).map((r) =>
      h("tr", {},
        h("th", { class: "mono", attrs: { scope: "row" }, text: r.name }),
        h("td", {}, h("span", { class: "mono claim-value", text: r.value }), r.hint ? h("span", { class: "muted small claim-hint", text: r.hint }) : null)))));
  p.claims.replaceChildren(
    h("section", { class: "panel-section" },
      h("h3", {}, "JWT claims ", h("span", { class: "badge badge-warn", text: "unverified — for display only" })),
      h("div", { class: "table-scroll" }, table)),
  );
}

// ---- reveal -------------------------------------------------------------------------

interface RevealBox {
  root: HTMLElement;
  hide(): void;
}

function revealBox(view: AccountView): RevealBox {
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
      } catch (e) {
        box.replaceChildren(h("p", { class: "inline-error", text: errorMessage(e) }));
        box.hidden = false;
      }
    });
  });
  return { root: h("div", { class: "panel-section reveal-section" }, button, box), hide };
}

// ---- app tokens (NOMAD) -------------------------------------------------------------

function appTokenSection(key: string, view: AccountView): { root: HTMLElement; status: HTMLElement } {
  const select = h("select", { attrs: { "aria-label": "App token lifetime" } },
    ...APP_TOKEN_LIFETIMES.map((l) => h("option", { attrs: { value: l.secs, selected: l.secs === 86400 }, text: l.label })));
  const create = h("button", { class: "button", attrs: { type: "button" }, text: "Create app token" });
  const status = h("p", { class: "small muted num" });
  const error = h("p", { class: "inline-error" });
  error.hidden = true;
  create.addEventListener("click", () => {
    void withBusy([create], async () => {
      try {
        const v = findAccount(key) ?? view;
        const updated = await commands.createAppToken(v.service, v.account, Number(select.value));
        error.hidden = true;
        const accounts = getState().accounts.map((a) => (accountKey(a) === key ? updated : a));
        setState({ accounts });
        toast(updated.appTokenExpiresAt !== null
          ? `App token created; valid until ${formatAbsolute(updated.appTokenExpiresAt, nowSecs())}.`
          : "App token created.", { level: "success" });
      } catch (e) {
        error.textContent = errorMessage(e);
        error.hidden = false;
      }
    });
  });
  const root = section("App token",
    h("p", { class: "small muted", text: "A long-lived token for scripts, separate from your login." }),
    h("div", { class: "inline-form" }, h("label", { class: "small", text: "Valid for" }), select, create),
    status, error);
  // The label belongs to the select.
  select.id = `app-lifetime-${key.replace(/[^a-z0-9_-]/gi, "_")}`;
  root.querySelector("label")!.setAttribute("for", select.id);
  return { root, status };
}

// ---- pasted tokens (services imported with an HTTP bearer or apiKey scheme) ------------

/** Focus the paste field of the open panel (the row's "Log in" of a pasted service). */
export function focusPaste(): void {
  panel?.root.querySelector<HTMLInputElement>(".paste-form input")?.focus();
}

function pasteForm(view: AccountView): HTMLElement {
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

// ---- accounts and editing -----------------------------------------------------------

function editButton(view: AccountView): HTMLButtonElement {
  const edit = h("button", { class: "button", testid: `edit-${view.service}`, attrs: { type: "button" }, text: "Edit service…" });
  edit.addEventListener("click", () => setState({ view: "edit", editing: view.service }));
  return edit;
}

/** The service's accounts: add another one (a second login), or remove this one. */
function accountsSection(view: AccountView): HTMLElement {
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

// ---- remove -------------------------------------------------------------------------

function removeControl(view: AccountView): HTMLElement {
  const wrap = h("div", { class: "remove" });
  const ask = h("button", { class: "button danger-quiet", testid: `remove-${view.service}`, attrs: { type: "button" }, text: "Remove service…" });
  const showAsk = (): void => wrap.replaceChildren(ask);
  ask.addEventListener("click", () => {
    const yes = h("button", { class: "button danger", testid: "remove-confirm", attrs: { type: "button" }, text: "Remove" });
    const no = h("button", { class: "button", attrs: { type: "button" }, text: "Keep" });
    const err = h("span", { class: "inline-error" });
    no.addEventListener("click", () => {
      showAsk();
      ask.focus();
    });
    yes.addEventListener("click", () => {
      void withBusy([yes, no], async () => {
        try {
          await commands.removeService(view.service);
          toast(`Removed ${view.serviceName || view.service}.`, { level: "info" });
          setState({ selected: null, panelOpen: false });
          await refreshAccounts();
        } catch (e) {
          err.textContent = errorMessage(e);
        }
      });
    });
    wrap.replaceChildren(
      h("span", { class: "confirm-text small", text: `Remove “${view.serviceName || view.service}”, all its accounts and their secrets?` }),
      yes, no, err);
    no.focus();
  });
  wrap.replaceChildren(ask);
  return wrap;
}
