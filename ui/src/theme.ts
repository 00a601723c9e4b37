// Light or dark: the `theme` setting, where "system" follows the desktop's preference
// live. The stylesheet keys its dark colours on <html data-theme="dark">.

import type { Theme } from "./bindings/types";

const query = typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
let chosen: Theme = "system";

/** The data-theme value for a setting and the system's preference. */
export function resolveTheme(theme: Theme, systemDark: boolean): "light" | "dark" {
  if (theme === "system") return systemDark ? "dark" : "light";
  return theme;
}

function apply(): void {
  document.documentElement.dataset["theme"] = resolveTheme(chosen, query?.matches ?? false);
}

/** Applies `theme` now and whenever the system preference changes (for "system"). */
export function setTheme(theme: Theme): void {
  chosen = theme;
  apply();
}

/** Before the settings are read: follow the system, so the first paint has the right colours. */
export function initTheme(): void {
  apply();
  query?.addEventListener("change", apply);
}
