// Tiny DOM helpers instead of a UI framework. Text always goes in through textContent
// and attributes through setAttribute: no innerHTML anywhere, so no markup injection, and
// no `style` attributes (the CSP forbids them; dynamic sizes use CSS custom properties).

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  testid?: string;
  /** Attributes; `true` sets an empty attribute, false/undefined/null leave it out. */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.testid) el.setAttribute("data-testid", props.testid);
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "style") throw new Error("style attributes are blocked by the CSP");
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [type, fn] of Object.entries(props.on ?? {})) {
    el.addEventListener(type, fn as EventListener);
  }
  if (props.text !== undefined) el.textContent = props.text;
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
}

/** replaceChildren that skips null/false children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** Set text only when it changed: the per-second ticker touches many nodes. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value);
  }
}

export function clear(el: Element): void {
  el.replaceChildren();
}

export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}

/**
 * Runs an action with the given buttons disabled (and marked busy), so a second click
 * cannot start it twice. Buttons that were already disabled stay disabled.
 */
export async function withBusy<T>(buttons: readonly HTMLButtonElement[], action: () => Promise<T>): Promise<T> {
  const wasDisabled = buttons.map((b) => b.disabled);
  for (const b of buttons) {
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
  }
  try {
    return await action();
  } finally {
    buttons.forEach((b, i) => {
      b.disabled = wasDisabled[i] ?? false;
      b.removeAttribute("aria-busy");
    });
  }
}

/** A labelled form field: label, control, hint and an error line tied by aria attributes. */
export interface Field<C extends HTMLElement> {
  root: HTMLDivElement;
  control: C;
  setError(message: string | null): void;
}

let fieldSeq = 0;

export function field<C extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
  label: string,
  control: C,
  hint?: string,
): Field<C> {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  const hintEl = hint ? h("div", { class: "field-hint", text: hint, attrs: { id: `${id}-hint` } }) : null;
  const errorEl = h("div", { class: "field-error", attrs: { id: `${id}-error`, role: "alert" } });
  errorEl.hidden = true;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  const root = h("div", { class: "field" }, h("label", { text: label, attrs: { for: id } }), control, hintEl, errorEl);
  return {
    root,
    control,
    setError(message) {
      errorEl.hidden = message === null;
      errorEl.textContent = message ?? "";
      setAttr(control, "aria-invalid", message === null ? null : "true");
      const described = [hintEl?.id, message === null ? null : errorEl.id].filter(Boolean).join(" ");
      setAttr(control, "aria-describedby", described || null);
    },
  };
}

/** A small inline SVG icon built with DOM calls (no markup strings). */
export function icon(name: keyof typeof ICONS, cls = "icon"): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", cls);
  svg.setAttribute("aria-hidden", "true");
  for (const d of ICONS[name]) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.appendChild(path);
  }
  return svg;
}

// Stroke icons drawn on a 24×24 grid (our own simple shapes).
const ICONS = {
  copy: ["M9 9h10v10H9z", "M5 15V5h10"],
  key: ["M7.5 20a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9z", "M10.7 12.3 20 3", "M16 7l3 3", "M18.5 4.5l2 2"],
  plus: ["M12 5v14", "M5 12h14"],
  search: ["M10.5 17a6.5 6.5 0 1 1 0-13 6.5 6.5 0 0 1 0 13z", "M15.5 15.5 20 20"],
  gear: ["M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z", "M12 2.5v3", "M12 18.5v3", "M2.5 12h3", "M18.5 12h3", "M5.3 5.3l2.1 2.1", "M16.6 16.6l2.1 2.1", "M5.3 18.7l2.1-2.1", "M16.6 7.4l2.1-2.1"],
  back: ["M15 5l-7 7 7 7"],
  close: ["M6 6l12 12", "M18 6 6 18"],
  external: ["M14 4h6v6", "M20 4l-9 9", "M18 14v6H4V6h6"],
  eye: ["M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z", "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z"],
  list: ["M8 6h12", "M8 12h12", "M8 18h12", "M4 6h.01", "M4 12h.01", "M4 18h.01"],
} as const;
