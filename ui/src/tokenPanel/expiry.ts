// The Expiry section: when the token expires (absolute and relative, kept current by the
// ticker), when it was obtained, its scopes, and the lifetime bar.

import type { AccountView } from "../bindings/types";
import { h, setAttr, setText } from "../dom";
import { lifetimeBand, lifetimeFraction } from "../lib/lifetime";
import { needsLogin } from "../lib/status";
import { formatAbsolute, formatFull, formatRelative } from "../lib/time";
import { section } from "./section";

export interface ExpirySection {
  root: HTMLElement;
  tick(view: AccountView, now: number): void;
  /** The scopes granted (from the token's summary, else the account's state). */
  showScopes(scopes: string[]): void;
}

export function expirySection(): ExpirySection {
  const expiresAbs = h("span", { class: "num" });
  const expiresRel = h("span", { class: "num muted" });
  const obtained = h("span", { class: "num" });
  const barFill = h("div", { class: "bar-fill" });
  const scopes = h("div", { class: "tags" });
  const root = section("Expiry",
    h("dl", { class: "facts" },
      h("dt", { text: "Expires" }), h("dd", {}, expiresAbs, " ", expiresRel),
      h("dt", { text: "Obtained" }), h("dd", {}, obtained),
      h("dt", { text: "Scopes" }), h("dd", {}, scopes)),
    h("div", { class: "bar bar-wide", attrs: { "aria-hidden": "true" } }, barFill));
  const tick = (v: AccountView, now: number): void => {
    if (v.expiresAt === null) {
      setText(expiresAbs, needsLogin(v.status) ? "no token" : "no expiry");
      setText(expiresRel, "");
      setAttr(expiresAbs, "title", null);
    } else {
      setText(expiresAbs, formatAbsolute(v.expiresAt, now));
      setAttr(expiresAbs, "title", formatFull(v.expiresAt));
      setText(expiresRel, `(${formatRelative(v.expiresAt, now)})`);
    }
    setText(obtained, v.obtainedAt === null ? "—" : formatAbsolute(v.obtainedAt, now));
    const fraction = lifetimeFraction(v.expiresAt, v.obtainedAt, now);
    barFill.style.setProperty("--fraction", String(fraction ?? 0));
    barFill.dataset["band"] = lifetimeBand(fraction);
  };
  const showScopes = (list: string[]): void => {
    scopes.replaceChildren(...(list.length ? list.map((s) => h("span", { class: "tag mono", text: s })) : [h("span", { class: "muted", text: "none granted" })]));
  };
  return { root, tick, showScopes };
}
