// The token panel for the selected account: built from its sections (tokenPanel/), one
// module each — header, login callout (or paste field), copy buttons, expiry, reveal,
// app tokens, the proxy, asking and revoking at the provider, the token's summary
// (claims), activity, accounts, footer. This module mounts the
// panel, rebuilds it when another account is selected, and passes each state change and
// ticker second on to the sections.
//
// The token itself never passes through the UI, except when the user asks to see it
// (Reveal): copying happens in the shell (commands.copyToken), and the revealed text is
// dropped on Hide, on another selection and on logout.

import type { AccountView } from "./bindings/types";
import { h, icon } from "./dom";
import { accountKey } from "./lib/accounts";
import { canProxy } from "./lib/proxy";
import { nowSecs } from "./lib/time";
import { findAccount, getState, subscribe, type AppState } from "./store";
import { onTick } from "./ticker";
import { accountsSection } from "./tokenPanel/accounts";
import { activitySection, type ActivitySection } from "./tokenPanel/activity";
import { appTokenSection, type AppTokenSection } from "./tokenPanel/appToken";
import { copySection, type CopySection } from "./tokenPanel/copyButtons";
import { expirySection, type ExpirySection } from "./tokenPanel/expiry";
import { panelFooter } from "./tokenPanel/footer";
import { panelHeader, type PanelHeader } from "./tokenPanel/header";
import { loginCallout, type LoginCallout } from "./tokenPanel/loginCallout";
import { focusPaste } from "./tokenPanel/paste";
import { providerSection, type ProviderSection } from "./tokenPanel/provider";
import { proxySection, type ProxySection } from "./tokenPanel/proxy";
import { reloginWarning, type ReloginWarning } from "./tokenPanel/relogin";
import { revealBox, type RevealBox } from "./tokenPanel/reveal";
import { summarySection, type SummarySection } from "./tokenPanel/summary";

let pane: HTMLElement;
let panel: Panel | null = null;

interface Panel {
  key: string;
  view: AccountView;
  root: HTMLElement;
  header: PanelHeader;
  callout: LoginCallout;
  relogin: ReloginWarning;
  copy: CopySection;
  expiry: ExpirySection;
  reveal: RevealBox;
  appToken: AppTokenSection | null;
  proxy: ProxySection | null;
  provider: ProviderSection;
  summary: SummarySection;
  activity: ActivitySection;
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
  panel?.copy.first.focus();
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
  } else if (s.accounts !== prev.accounts) {
    // The list was reloaded: something happened (a refresh, a copy, a login).
    panel.activity.reload();
  }
  update(panel, view);
  // "Log in" of a service whose token is pasted (actions.startLogin) asks for the paste field.
  if (s.pasteFocusRequests !== prev.pasteFocusRequests) focusPaste(panel.root);
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

function build(view: AccountView): Panel {
  const key = accountKey(view);
  const header = panelHeader(view);
  const callout = loginCallout(key, view);
  const relogin = reloginWarning(key, view);
  const copy = copySection(view);
  const expiry = expirySection();
  const reveal = revealBox(view);
  const appToken = view.supportsAppToken ? appTokenSection(key, view) : null;
  const proxy = canProxy(view) ? proxySection(view) : null;
  const provider = providerSection(view, () => panel?.key === key && panel.provider === provider);
  const summary = summarySection(expiry.showScopes, () => panel?.key === key && panel.summary === summary);
  const activity = activitySection(view, () => panel?.key === key && panel.activity === activity);
  const root = h("div", { class: "panel", testid: "token-panel", attrs: { "data-key": key, tabindex: "-1" } },
    header.root,
    callout.root,
    relogin.root,
    copy.root,
    expiry.root,
    reveal.root,
    appToken?.root ?? null,
    proxy?.root ?? null,
    provider.root,
    summary.root,
    activity.root,
    accountsSection(view),
    panelFooter(key, view, reveal.hide, copy.showError),
  );
  return { key, view, root, header, callout, relogin, copy, expiry, reveal, appToken, proxy, provider, summary, activity };
}

function update(p: Panel, view: AccountView): void {
  p.view = view;
  p.callout.update(view, getState().logins.has(p.key));
  if (view.status !== "logged_in" && view.status !== "expired") p.reveal.hide();
  tickPanel(p, nowSecs());
  p.summary.update(view);
  p.provider.update(view);
  p.proxy?.update(view);
}

function tickPanel(p: Panel, now: number): void {
  p.header.tick(p.view, now);
  p.relogin.tick(p.view, now);
  p.expiry.tick(p.view, now);
  p.appToken?.tick(p.view, now);
}

function tick(now: number): void {
  if (panel) tickPanel(panel, now);
}
