// The copy buttons: the shell writes the token to the clipboard (and clears it later),
// so the token never passes through the page. Also "Copy token & open API docs", what
// the docs' Authorize dialog wants pasted, and the section's error line.

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import type { AccountView, CopyFormat } from "../bindings/types";
import { h, icon, withBusy } from "../dom";
import { accountKey } from "../lib/accounts";
import { errorMessage } from "../lib/errors";
import { rowTestId } from "../lib/testid";
import { findAccount } from "../store";
import { toast } from "../toasts";

export interface CopySection {
  root: HTMLElement;
  /** The main copy button, where Enter on a logged-in row puts the focus. */
  first: HTMLButtonElement;
  /** Shows an error of the panel's actions (copy, log out) under the buttons. */
  showError(message: string): void;
}

export function copySection(view: AccountView): CopySection {
  const { service, account } = view;
  const key = accountKey(view);
  const error = h("div", { class: "inline-error", attrs: { role: "alert" } });
  error.hidden = true;
  const showError = (message: string): void => {
    error.textContent = message;
    error.hidden = false;
  };
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
  // A DPoP-bound token opens nothing on its own (each request needs a fresh proof of the
  // account's key): nothing to copy or paste; the API proxy is the way (the paste hint says so).
  if (view.dpopBound) {
    for (const b of copyButtons) {
      b.disabled = true;
      b.title = "This token is DPoP-bound: it cannot be copied on its own. Use the API proxy.";
    }
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
        showError(errorMessage(e));
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

  const hint = view.pasteHint.message
    ? h("p", { class: "small muted paste-hint", testid: `paste-hint-${service}`, attrs: { "data-kind": view.pasteHint.kind } }, h("span", { text: view.pasteHint.message }))
    : null;
  const root = h("div", { class: "panel-section copy-section" }, raw, h("div", { class: "copy-list" }, bearer, header, curl), docs, hint, error);
  return { root, first: raw, showError };
}
