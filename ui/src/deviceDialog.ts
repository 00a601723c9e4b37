// The device-code dialog: the user code large, a copy button, the verification link,
// the QR code, a countdown and Cancel. It stays open until the login ends (actions.ts
// closes it) or the user cancels; errors of the login are shown inside it.

import { commands } from "./bindings/commands";
import type { LoginEventDto } from "./bindings/types";
import { h, icon, setText, withBusy } from "./dom";
import { accountKey } from "./lib/accounts";
import { errorMessage } from "./lib/errors";
import { svgDataUrl } from "./lib/svg";
import { formatClock, nowSecs } from "./lib/time";
import { findAccount, subscribe } from "./store";
import { onTick } from "./ticker";

interface Open {
  key: string;
  ev: LoginEventDto;
  deadline: number | null;
  openedAt: number;
  countdown: HTMLElement;
  expiryLine: HTMLElement;
  error: HTMLElement;
  cancel: HTMLButtonElement;
}

let dialog: HTMLDialogElement | null = null;
let current: Open | null = null;

export function mountDeviceDialog(parent: HTMLElement): void {
  dialog = h("dialog", { class: "dialog device-dialog", attrs: { "aria-labelledby": "device-title" } });
  // Escape means Cancel: stop the login instead of just hiding the code.
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    current?.cancel.click();
  });
  parent.appendChild(dialog);
  onTick(tick);
  // A login finished elsewhere (another window, the tray): the code is no longer needed.
  subscribe(() => {
    if (!current) return;
    const acc = findAccount(current.key);
    if (acc && acc.status === "logged_in" && (acc.obtainedAt ?? 0) >= current.openedAt) {
      closeDeviceDialog(current.key);
    }
  });
}

export function deviceDialogShows(key: string): boolean {
  return current?.key === key;
}

export function closeDeviceDialog(key: string): void {
  if (!dialog || current?.key !== key) return;
  current = null;
  if (dialog.open) dialog.close();
  dialog.replaceChildren();
}

export function showDeviceError(key: string, message: string): void {
  if (!current || current.key !== key) return;
  current.error.textContent = message;
  current.error.hidden = false;
  // The login is over: the only thing left is to close.
  current.cancel.textContent = "Close";
  current.cancel.dataset["closes"] = "true";
}

export function openDeviceDialog(ev: LoginEventDto, serviceName: string): void {
  if (!dialog) return;
  const key = accountKey(ev);
  const now = nowSecs();
  const link = ev.verificationUriComplete ?? ev.verificationUri;
  const code = ev.userCode ?? "";

  const copyCode = h("button", { class: "button", attrs: { type: "button" } }, icon("copy"), "Copy code");
  copyCode.addEventListener("click", () => {
    // The user code is not a secret (it is useless without the user's own login), so
    // the web clipboard is fine here; tokens only ever go through the shell.
    navigator.clipboard.writeText(code).then(
      () => flashLabel(copyCode, "Copied"),
      () => flashLabel(copyCode, "Copy failed"),
    );
  });

  const countdown = h("span", { class: "num" });
  const expiryLine = h("p", { class: "device-expiry muted" }, "The code expires in ", countdown, ".");
  const error = h("div", { class: "inline-error", attrs: { role: "alert" } });
  error.hidden = true;
  const cancel = h("button", { class: "button", testid: "device-cancel", attrs: { type: "button" }, text: "Cancel" });
  cancel.addEventListener("click", () => {
    if (cancel.dataset["closes"] === "true") {
      closeDeviceDialog(key);
      return;
    }
    void withBusy([cancel], async () => {
      try {
        await commands.cancelLogin(ev.service, ev.account);
        closeDeviceDialog(key);
      } catch (e) {
        showDeviceError(key, errorMessage(e));
      }
    });
  });

  const linkButton = link
    ? h("button", { class: "link-button", attrs: { type: "button", title: "Open in the browser" } }, link, icon("external", "icon icon-inline"))
    : null;
  linkButton?.addEventListener("click", () => {
    commands.openUrl(link!).catch((e: unknown) => {
      error.textContent = errorMessage(e);
      error.hidden = false;
    });
  });

  const qr = ev.qrSvg
    ? h("figure", { class: "qr" },
        h("img", { attrs: { src: svgDataUrl(ev.qrSvg), alt: "QR code of the verification link", width: 168, height: 168 } }),
        h("figcaption", { text: "Or scan it with your phone" }))
    : null;

  const body = h("div", { class: "device-body" },
    h("div", { class: "device-main" },
      h("p", { class: "muted", text: ev.message ?? "Open the page below on any device and enter this code:" }),
      h("div", { class: "user-code-row" },
        h("output", { class: "user-code", testid: "device-user-code", text: code, attrs: { "aria-label": "User code" } }),
        copyCode),
      linkButton ? h("div", { class: "device-link" }, linkButton) : null,
      expiryLine,
    ),
    qr,
  );

  dialog.replaceChildren(
    h("header", { class: "dialog-header" },
      h("h2", { attrs: { id: "device-title" }, text: `Log in to ${serviceName}` }),
      h("span", { class: "spinner", attrs: { "aria-hidden": "true" } })),
    body,
    error,
    h("footer", { class: "dialog-footer" },
      h("span", { class: "muted small", text: "Waiting for you to approve…" }),
      cancel),
  );

  current = {
    key,
    ev,
    deadline: ev.expiresIn !== null ? now + ev.expiresIn : null,
    openedAt: now,
    countdown,
    expiryLine,
    error,
    cancel,
  };
  tick(now);
  if (!dialog.open) dialog.showModal();
  copyCode.focus();
}

function tick(now: number): void {
  if (!current) return;
  if (current.deadline === null) {
    setText(current.countdown, "a few minutes");
    return;
  }
  const left = current.deadline - now;
  if (left <= 0) {
    setText(current.expiryLine, "The code has expired: cancel and log in again.");
    current.expiryLine.classList.add("urgent");
    return;
  }
  setText(current.countdown, formatClock(left));
  current.countdown.classList.toggle("urgent", left <= 60);
}

function flashLabel(button: HTMLButtonElement, label: string): void {
  const original = [...button.childNodes];
  button.replaceChildren(label);
  window.setTimeout(() => button.replaceChildren(...original), 1500);
}
