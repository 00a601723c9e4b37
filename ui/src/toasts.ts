// Small notices in the corner: shell `notice` events, copy confirmations, results of
// actions. A toast with a `key` replaces the previous one with the same key, so
// "Copied…" followed by "Clipboard cleared" never stack up.

import { h, icon } from "./dom";

export type ToastLevel = "info" | "success" | "warning" | "error";

export interface ToastOptions {
  level?: ToastLevel;
  key?: string;
  /** Milliseconds before it goes away by itself; errors stay longer. */
  timeoutMs?: number;
}

let region: HTMLElement | null = null;
const byKey = new Map<string, HTMLElement>();

export function mountToasts(parent: HTMLElement): void {
  // role=status + aria-live: screen readers announce new notices without moving focus.
  region = h("div", { class: "toasts", attrs: { role: "status", "aria-live": "polite" } });
  parent.appendChild(region);
}

export function toast(message: string, opts: ToastOptions = {}): void {
  if (!region) return;
  const level = opts.level ?? "info";
  const timeout = opts.timeoutMs ?? (level === "error" ? 10000 : level === "warning" ? 8000 : 5000);
  const el = h(
    "div",
    { class: `toast toast-${level}`, testid: "notice", attrs: { "data-level": level } },
    h("span", { class: "toast-text", text: message }),
    h("button", {
      class: "icon-button toast-close",
      attrs: { type: "button", "aria-label": "Dismiss", title: "Dismiss" },
      on: { click: () => remove(el) },
    }, icon("close")),
  );
  if (opts.key) {
    const old = byKey.get(opts.key);
    if (old) old.replaceWith(el);
    else region.appendChild(el);
    byKey.set(opts.key, el);
  } else {
    region.appendChild(el);
  }
  // Keep at most four on screen.
  while (region.children.length > 4) remove(region.firstElementChild as HTMLElement);
  const timer = window.setTimeout(() => remove(el), timeout);
  // Hovering keeps a notice readable.
  el.addEventListener("mouseenter", () => window.clearTimeout(timer), { once: true });
  el.addEventListener("mouseleave", () => window.setTimeout(() => remove(el), 2000), { once: true });
}

function remove(el: HTMLElement): void {
  for (const [k, v] of byKey) if (v === el) byKey.delete(k);
  el.remove();
}
