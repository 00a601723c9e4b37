// The plumbing every service form shares: inline validation (`Checks`), text and secret
// inputs, the submit row with its error line.

import { h, type Field } from "../dom";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Fields and their checks: validated on blur, re-validated while typing once wrong. */
export class Checks {
  private items: { f: Field<Control>; check: () => string | null; active: () => boolean }[] = [];
  /**
   * True between pressing a button and releasing it. A blur caused by pressing Submit
   * must not validate: the error line it shows would push the button away from under
   * the pointer and swallow the click. Submit validates everything anyway.
   */
  private pressing = false;

  constructor(form: HTMLElement) {
    form.addEventListener("pointerdown", (e) => {
      if ((e.target as Element).closest("button")) this.pressing = true;
    });
    const release = (): void => {
      window.setTimeout(() => (this.pressing = false), 0);
    };
    form.addEventListener("pointerup", release);
    form.addEventListener("pointercancel", release);
  }

  add<C extends Control>(f: Field<C>, rule: (value: string) => string | null, active: () => boolean = () => true): Field<C> {
    const check = (): string | null => rule(f.control.value);
    const item = { f: f as Field<Control>, check, active };
    this.items.push(item);
    let shown = false;
    const run = (): void => {
      const msg = active() ? check() : null;
      shown = msg !== null;
      f.setError(msg);
    };
    f.control.addEventListener("blur", () => {
      if (this.pressing) return;
      if (f.control.value !== "" || shown) run();
    });
    f.control.addEventListener("input", () => {
      if (shown) run();
    });
    return f;
  }

  /** Validates everything; focuses the first wrong field. */
  validateAll(): boolean {
    let first: Control | null = null;
    for (const { f, check, active } of this.items) {
      const msg = active() ? check() : null;
      f.setError(msg);
      if (msg && !first) first = f.control;
    }
    first?.focus();
    return first === null;
  }
}

export function input(attrs: Record<string, string | boolean> = {}): HTMLInputElement {
  return h("input", { attrs: { type: "text", autocomplete: "off", spellcheck: "false", ...attrs } });
}

export function secretInput(): HTMLInputElement {
  // new-password: keeps browsers' password managers from filling or saving it.
  return h("input", { attrs: { type: "password", autocomplete: "new-password", spellcheck: "false" } });
}

export function submitRow(label: string, onCancel: () => void): { row: HTMLElement; submit: HTMLButtonElement; error: HTMLElement } {
  const submit = h("button", { class: "button primary", testid: "add-submit", attrs: { type: "submit" }, text: label });
  const cancel = h("button", { class: "button", attrs: { type: "button" }, text: "Cancel" });
  cancel.addEventListener("click", onCancel);
  const error = h("div", { class: "inline-error form-error", testid: "add-error", attrs: { role: "alert" } });
  error.hidden = true;
  return { row: h("div", { class: "form-actions" }, error, h("div", { class: "buttons" }, cancel, submit)), submit, error };
}

export function showError(el: HTMLElement, message: string | null): void {
  el.hidden = message === null;
  el.textContent = message ?? "";
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

