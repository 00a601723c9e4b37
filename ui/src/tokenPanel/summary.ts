// What the shell knows of the stored token without the token (its summary): the scopes it
// was granted, shown in the Expiry section, and its unverified JWT claims, shown here.
// Loaded again whenever the token changed; a slow answer for an older token is dropped.

import { commands } from "../bindings/commands";
import type { AccountView, TokenSummary } from "../bindings/types";
import { h } from "../dom";
import { claimRows, clockSkewWarning } from "../lib/claims";
import { errorMessage } from "../lib/errors";
import { tokenTypeLabel } from "../lib/flows";
import { nowSecs } from "../lib/time";
import { section } from "./section";

export interface SummarySection {
  root: HTMLElement;
  /** Loads the summary when the token changed since the last call (login, refresh, logout). */
  update(view: AccountView): void;
}

/** `isCurrent` says whether the panel is still the one shown (answers for another are dropped). */
export function summarySection(showScopes: (scopes: string[]) => void, isCurrent: () => boolean): SummarySection {
  const root = h("div", { class: "claims" });
  /** Fetch generation, so a slow answer for an older state is ignored. */
  let seq = 0;
  let sig = "";

  const load = async (view: AccountView): Promise<void> => {
    const mine = ++seq;
    let summary: TokenSummary | null = null;
    let failure: string | null = null;
    try {
      summary = await commands.tokenSummary(view.service, view.account);
    } catch (e) {
      failure = errorMessage(e);
    }
    if (mine !== seq || !isCurrent()) return;
    showScopes(summary?.scopes.length ? summary.scopes : view.scopes);
    renderClaims(root, summary, failure, view.pasted);
  };

  const update = (view: AccountView): void => {
    const now = `${view.status}|${view.expiresAt}|${view.obtainedAt}`;
    if (now === sig) return;
    sig = now;
    void load(view);
  };
  return { root, update };
}

/** What a DPoP-bound token means for the user: no copy, no paste, the proxy instead. */
function dpopNote(): HTMLElement {
  return h("p", { attrs: { "data-testid": "dpop-bound" } },
    h("span", { class: "badge", text: "DPoP-bound" }), " ",
    h("span", { class: "muted small", text: "Each request needs a fresh proof of this account's key, so the token cannot be copied or pasted on its own: use the API proxy." }));
}

function renderClaims(root: HTMLElement, summary: TokenSummary | null, failure: string | null, pasted: boolean): void {
  if (failure) {
    root.replaceChildren(section("Token contents", h("p", { class: "inline-error", text: failure })));
    return;
  }
  if (!summary) {
    root.replaceChildren();
    return;
  }
  const bound = summary.tokenType === "dpop" ? dpopNote() : null;
  if (!summary.claims) {
    root.replaceChildren(section("Token contents", bound, h("p", { class: "muted small", text: `An opaque ${tokenTypeLabel(summary.tokenType)}: it has no readable claims.` })));
    return;
  }
  const now = nowSecs();
  const table = h("table", { class: "claims-table" },
    h("tbody", {}, ...claimRows(summary.claims, now).map((r) =>
      h("tr", {},
        h("th", { attrs: { scope: "row" } },
          h("span", { class: "mono", text: r.name }),
          r.meaning ? h("span", { class: "claim-meaning small", text: r.meaning }) : null),
        h("td", {}, h("span", { class: "mono claim-value", text: r.value }), r.hint ? h("span", { class: "muted small claim-hint", text: r.hint }) : null)))));
  const skew = clockSkewWarning(summary.clockSkewSecs, pasted);
  root.replaceChildren(
    ...(bound ? [section("Token binding", bound)] : []),
    h("section", { class: "panel-section" },
      h("h3", {}, "JWT claims ", h("span", { class: "badge badge-warn", text: "unverified — for display only" })),
      skew ? h("p", { class: "clock-skew", testid: "clock-skew", attrs: { role: "note" } }, h("span", { class: "badge badge-warn", text: "Clock skew" }), " ", skew) : null,
      h("div", { class: "table-scroll" }, table)),
  );
}
