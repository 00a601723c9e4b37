// The Proxy section (services with an API base URL): starts and stops the account's
// injecting proxy in the shell, shows its URL (which holds the proxy's access key: the
// user started the proxy to use it), copies it (in the shell) and opens the docs page the
// proxy serves.

import { commands } from "../bindings/commands";
import type { AccountView, ProxyView } from "../bindings/types";
import { h, setText, show, withBusy } from "../dom";
import { errorMessage } from "../lib/errors";
import { proxyOf, proxyStatus } from "../lib/proxy";
import { rowTestId } from "../lib/testid";
import { toast } from "../toasts";
import { section } from "./section";

export interface ProxySection {
  root: HTMLElement;
  update(view: AccountView): void;
}

export function proxySection(view: AccountView): ProxySection {
  const { service, account } = view;
  const button = (kind: "proxy-start" | "proxy-stop" | "proxy-copy" | "proxy-docs", text: string): HTMLButtonElement =>
    h("button", { class: "button", testid: rowTestId(kind, service, account), attrs: { type: "button" }, text });
  const start = button("proxy-start", "Start proxy");
  const stop = button("proxy-stop", "Stop proxy");
  const copy = button("proxy-copy", "Copy URL");
  const docs = button("proxy-docs", "Open docs");
  const status = h("p", { class: "small muted", attrs: { "aria-live": "polite" } });
  const url = h("input", {
    class: "url-field mono",
    testid: rowTestId("proxy-url", service, account),
    attrs: { type: "text", readonly: true, "aria-label": "Proxy URL" },
  });
  const urlRow = h("div", { class: "url-row" }, url, copy, docs);
  const error = h("p", { class: "inline-error", attrs: { role: "alert" } });
  let current = view;
  let running: ProxyView | null = null;

  const render = (): void => {
    setText(status, proxyStatus(current, running !== null));
    url.value = running?.url ?? "";
    show(urlRow, running !== null);
    show(start, running === null);
    show(stop, running !== null);
  };
  const showError = (e: unknown): void => {
    error.textContent = errorMessage(e);
    error.hidden = false;
  };
  const act = (buttons: HTMLButtonElement[], action: () => Promise<void>): void => {
    void withBusy(buttons, async () => {
      try {
        await action();
        error.hidden = true;
      } catch (e) {
        showError(e);
      }
    });
  };

  start.addEventListener("click", () => act([start], async () => {
    running = await commands.startProxy(service, account);
    render();
    url.focus();
  }));
  stop.addEventListener("click", () => act([stop, copy, docs], async () => {
    await commands.stopProxy(service, account);
    running = null;
    render();
    start.focus();
  }));
  copy.addEventListener("click", () => act([copy], async () => {
    await commands.copyProxyUrl(service, account);
    toast("Proxy URL copied.", { level: "success" });
  }));
  docs.addEventListener("click", () => act([docs], async () => {
    await commands.openProxyDocs(service, account);
  }));
  // Select the whole URL on focus, to copy it by hand too.
  url.addEventListener("focus", () => url.select());

  error.hidden = true;
  render();
  // A proxy started before (the panel is rebuilt on every selection) keeps running.
  void commands.listProxies().then((list) => {
    running = proxyOf(list, current);
    render();
  }, showError);

  const root = section("Proxy", status, h("div", { class: "inline-form" }, start, stop), urlRow, error);
  root.setAttribute("data-testid", rowTestId("proxy", service, account));
  return {
    root,
    update(v: AccountView): void {
      current = v;
      render();
    },
  };
}
