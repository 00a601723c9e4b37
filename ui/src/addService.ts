// Add a service, three ways: from a preset, from an issuer URL (discovery fills the
// endpoints), or by hand. Fields are validated inline with the shell's own rules; secret
// fields are type=password and are emptied as soon as the form is submitted, whatever
// the outcome, so a secret never sits in the page longer than needed.

import { commands } from "./bindings/commands";
import type { NewServiceManual, PresetView, ProposalView, ServiceSettings, ServiceUpdate } from "./bindings/types";
import { refreshAccounts } from "./actions";
import { field, h, icon, setText, withBusy, type Field } from "./dom";
import { errorMessage } from "./lib/errors";
import { CLIENT_AUTHS, FLOWS, flowInfo, flowLabel, type EndpointField } from "./lib/flows";
import { optional, parseScopes, suggestServiceId, validateHttpUrl, validateRequired, validateServiceId } from "./lib/validate";
import { getState, setState, subscribe } from "./store";
import { toast } from "./toasts";

type Mode = "preset" | "openapi" | "issuer" | "manual";
type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

let page: HTMLElement;
let presetsCache: PresetView[] | null = null;

export function mountAddService(parent: HTMLElement): HTMLElement {
  page = h("section", { class: "page add-page", testid: "add-service-view", attrs: { "aria-labelledby": "add-title" } });
  parent.appendChild(page);
  subscribe((s, prev) => {
    // A fresh form every time the view opens: nothing typed earlier (secrets least of all) survives.
    if (s.view === "add" && prev.view !== "add") open();
    if (s.view !== "add" && prev.view === "add") page.replaceChildren();
  });
  return page;
}

function existingIds(): string[] {
  return [...new Set(getState().accounts.map((a) => a.service))];
}

function back(): void {
  setState({ view: "services" });
}

function open(): void {
  const panels: Record<Mode, HTMLElement> = {
    preset: presetForm(),
    openapi: openApiForm(),
    issuer: manualForm("issuer"),
    manual: manualForm("manual"),
  };
  const labels: Record<Mode, string> = { preset: "From a preset", openapi: "From OpenAPI docs", issuer: "From an issuer URL", manual: "By hand" };
  const tabs = (Object.keys(panels) as Mode[]).map((mode) => {
    const tab = h("button", {
      class: "segment",
      testid: `add-mode-${mode}`,
      attrs: { type: "button", role: "tab", id: `tab-${mode}`, "aria-controls": `panel-${mode}` },
      text: labels[mode],
    });
    tab.addEventListener("click", () => select(mode));
    panels[mode].id = `panel-${mode}`;
    panels[mode].setAttribute("role", "tabpanel");
    panels[mode].setAttribute("aria-labelledby", `tab-${mode}`);
    return tab;
  });
  const slot = h("div", { class: "add-slot" });
  const select = (mode: Mode): void => {
    tabs.forEach((t) => {
      const on = t.id === `tab-${mode}`;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
    });
    // Only the active form is in the document (test ids stay unique); the others are
    // kept aside with what was typed in them.
    slot.replaceChildren(panels[mode]);
  };
  const tablist = h("div", { class: "segments", attrs: { role: "tablist", "aria-label": "How to add the service" } }, ...tabs);
  // ←/→ between the tabs, as in any tab strip.
  tablist.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const i = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
    const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length]!;
    next.click();
    next.focus();
  });

  const backButton = h("button", { class: "icon-button", attrs: { type: "button", "aria-label": "Back to the services", title: "Back (Esc)" } }, icon("back"));
  backButton.addEventListener("click", back);
  page.replaceChildren(
    h("header", { class: "page-header" }, backButton, h("h1", { attrs: { id: "add-title" }, text: "Add a service" })),
    tablist,
    slot,
  );
  select("preset");
  tabs[0]!.focus();
}

// ---- validation plumbing ------------------------------------------------------------

/** Fields and their checks: validated on blur, re-validated while typing once wrong. */
class Checks {
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

function input(attrs: Record<string, string | boolean> = {}): HTMLInputElement {
  return h("input", { attrs: { type: "text", autocomplete: "off", spellcheck: "false", ...attrs } });
}

function secretInput(): HTMLInputElement {
  // new-password: keeps browsers' password managers from filling or saving it.
  return h("input", { attrs: { type: "password", autocomplete: "new-password", spellcheck: "false" } });
}

function submitRow(label: string, onCancel: () => void): { row: HTMLElement; submit: HTMLButtonElement; error: HTMLElement } {
  const submit = h("button", { class: "button primary", testid: "add-submit", attrs: { type: "submit" }, text: label });
  const cancel = h("button", { class: "button", attrs: { type: "button" }, text: "Cancel" });
  cancel.addEventListener("click", onCancel);
  const error = h("div", { class: "inline-error form-error", testid: "add-error", attrs: { role: "alert" } });
  error.hidden = true;
  return { row: h("div", { class: "form-actions" }, error, h("div", { class: "buttons" }, cancel, submit)), submit, error };
}

function showError(el: HTMLElement, message: string | null): void {
  el.hidden = message === null;
  el.textContent = message ?? "";
}

async function added(id: string): Promise<void> {
  toast(`Added ${id}.`, { level: "success" });
  await refreshAccounts();
  setState({ view: "services", selected: `${id}/default`, panelOpen: true });
}

// ---- from a preset ------------------------------------------------------------------

function presetForm(): HTMLElement {
  const form = h("form", { class: "card form", attrs: { novalidate: true } });
  // Never a real submission (the CSP has form-action 'none'); the handler is set per preset.
  form.addEventListener("submit", (e) => e.preventDefault());
  const list = h("div", { class: "preset-list", attrs: { role: "radiogroup", "aria-label": "Preset" } });
  const details = h("div", { class: "preset-details" });
  form.append(
    h("p", { class: "muted", text: "Presets know how each service logs in, quirks included; you supply only what is yours." }),
    list,
    details,
  );
  const renderPresets = (presets: PresetView[]): void => {
    list.replaceChildren(...presets.map((p) => {
      const radio = h("input", { testid: `preset-${p.name}`, attrs: { type: "radio", name: "preset", value: p.name } });
      radio.addEventListener("change", () => details.replaceChildren(presetDetails(p)));
      return h("label", { class: "preset-card" }, radio,
        h("span", { class: "preset-text" }, h("strong", { text: p.title }), h("span", { class: "small muted", text: p.summary })));
    }));
  };
  if (presetsCache) {
    renderPresets(presetsCache);
  } else {
    list.replaceChildren(h("p", { class: "muted" }, h("span", { class: "spinner" }), " Loading presets…"));
    commands.listPresets().then(
      (presets) => {
        presetsCache = presets;
        renderPresets(presets);
      },
      (e: unknown) => list.replaceChildren(h("p", { class: "inline-error", text: errorMessage(e) })),
    );
  }
  return form;

  function presetDetails(p: PresetView): HTMLElement {
    const checks = new Checks(form);
    const taken = existingIds();
    let suggestion = p.name;
    for (let n = 2; taken.includes(suggestion); n++) suggestion = `${p.name}-${n}`;
    const id = checks.add(field("Service id", input({ value: suggestion, "data-testid": "service-id" }), "How you name it in the CLI: authdeck token <id>."), (v) => validateServiceId(v, existingIds()));

    // Username has a field of its own when the preset says so; skip its duplicate input.
    const inputs = p.inputs.filter((i) => !(p.needsUsername && i.key === "username"));
    const inputFields = inputs.map((i) => {
      const ctl = input({ value: i.default ?? "", "data-testid": `preset-input-${i.key}`, placeholder: i.default ?? "" });
      const looksLikeUrl = /url|base/.test(i.key);
      const f = field(capitalise(i.label), ctl, i.default !== null ? `Default: ${i.default}` : undefined);
      checks.add(f, () => {
        const v = ctl.value.trim();
        if (v === "") return i.default === null ? `Enter the ${i.label}.` : null;
        return looksLikeUrl ? validateHttpUrl(v, { required: false, label: i.label }) : null;
      });
      return { key: i.key, f };
    });
    const username = p.needsUsername ? checks.add(field("User name", input({ autocomplete: "username", "data-testid": "username" })), (v) => validateRequired(v, "user name")) : null;
    const secret = p.needsClientSecret ? checks.add(field("Client secret", secretInput(), "Stored in the system keyring, never shown again."), (v) => (v === "" ? "Enter the client secret." : null)) : null;
    const password = p.needsPassword ? checks.add(field("Password", secretInput(), "Stored in the system keyring, never shown again."), (v) => (v === "" ? "Enter the password." : null)) : null;
    secret?.control.setAttribute("data-testid", "client-secret");
    password?.control.setAttribute("data-testid", "password");

    const overrides = h("textarea", { attrs: { rows: 3, spellcheck: "false", placeholder: "endpoints.token=https://…", "data-testid": "overrides" } });
    const overridesField = checks.add(field("Overrides (key=value, one per line)", overrides, "Any service setting, e.g. for a self-hosted deployment."), (v) => {
      const bad = v.split("\n").map((l) => l.trim()).find((l) => l !== "" && !/^[A-Za-z0-9_.-]+=.+/.test(l));
      return bad ? `“${bad}” is not of the form key=value.` : null;
    });
    const advanced = h("details", { class: "advanced" }, h("summary", { text: "Advanced" }), overridesField.root);

    const { row, submit, error } = submitRow("Add service", back);
    const wrap = h("div", { class: "fields" },
      h("h2", { class: "form-title", text: p.title }),
      id.root, ...inputFields.map((x) => x.f.root), username?.root ?? null, secret?.root ?? null, password?.root ?? null, advanced, row);

    form.onsubmit = (e) => {
      e.preventDefault();
      if (!checks.validateAll()) return;
      const settings: [string, string][] = [];
      for (const { key, f } of inputFields) {
        const v = f.control.value.trim();
        if (v !== "") settings.push([key, v]);
      }
      for (const line of overrides.value.split("\n")) {
        const i = line.indexOf("=");
        if (i > 0) settings.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
      }
      const serviceId = id.control.value.trim();
      const req = {
        id: serviceId,
        preset: p.name,
        settings,
        username: username ? username.control.value.trim() : null,
        clientSecret: secret ? secret.control.value : null,
        password: password ? password.control.value : null,
      };
      // Out of the page right away; on an error the user types them again.
      if (secret) secret.control.value = "";
      if (password) password.control.value = "";
      showError(error, null);
      void withBusy([submit], async () => {
        try {
          await commands.addServiceFromPreset(req);
          await added(serviceId);
        } catch (err) {
          showError(error, errorMessage(err) + (secret || password ? " Enter the secret again to retry." : ""));
        }
      });
    };
    return wrap;
  }
}

// ---- from an OpenAPI document -------------------------------------------------------

function openApiForm(): HTMLElement {
  const form = h("form", { class: "card form", attrs: { novalidate: true } });
  form.addEventListener("submit", (e) => e.preventDefault());
  const source = input({ placeholder: "https://api.example.org/openapi.json or /path/to/openapi.yaml", "data-testid": "openapi-source", inputmode: "url" });
  const sourceField = field("OpenAPI / Swagger document, or a team file", source, "A URL or a file: OpenAPI 3.x or Swagger 2.0 (JSON or YAML), or service definitions shared from Settings.");
  const read = h("button", { class: "button", testid: "openapi-read", attrs: { type: "button" }, text: "Read" });
  const status = h("div", { class: "small", attrs: { role: "status" } });
  const choices = h("div", { class: "preset-list", attrs: { role: "radiogroup", "aria-label": "Security scheme" } });
  const details = h("div", { class: "preset-details" });
  form.append(
    h("p", { class: "muted", text: "Authdeck reads the document's security schemes and proposes one service for each; you add only what the document cannot give." }),
    h("div", { class: "discover-row" }, sourceField.root, read), status, choices, details);

  read.addEventListener("click", () => {
    const where = source.value.trim();
    sourceField.setError(where === "" ? "Enter the document's URL or file path." : null);
    if (where === "") return;
    setText(status, "Reading the document…");
    status.className = "small muted";
    choices.replaceChildren();
    details.replaceChildren();
    void withBusy([read], async () => {
      try {
        const doc = await commands.readOpenapi(where);
        if (doc.teamServices.length > 0) {
          setText(status, `A team file with ${doc.teamServices.length} service definition${doc.teamServices.length === 1 ? "" : "s"}.`);
          status.className = "small success-text";
          details.replaceChildren(teamDetails(where, doc.teamServices));
          return;
        }
        const n = doc.proposals.length;
        setText(status, `${doc.title ?? "The document"}: ${n} security scheme${n === 1 ? "" : "s"}.` + (doc.warnings.length ? ` ${doc.warnings.join(" ")}` : ""));
        status.className = "small success-text";
        choices.replaceChildren(...doc.proposals.map((p) => {
          const radio = h("input", { testid: `proposal-${p.scheme}`, attrs: { type: "radio", name: "proposal", value: p.scheme } });
          radio.addEventListener("change", () => details.replaceChildren(proposalDetails(where, p)));
          return h("label", { class: "preset-card" }, radio,
            h("span", { class: "preset-text" }, h("strong", { text: `${p.scheme} · ${flowLabel(p.flow)}` }),
              h("span", { class: "small muted", text: p.preset ? `Recognised: the built-in “${p.preset}” preset.` : p.name })));
        }));
        if (doc.proposals.length === 1) {
          const only = choices.querySelector("input");
          if (only) {
            only.checked = true;
            details.replaceChildren(proposalDetails(where, doc.proposals[0]!));
          }
        }
      } catch (e) {
        setText(status, errorMessage(e));
        status.className = "small inline-error";
      }
    });
  });
  return form;

  function teamDetails(where: string, ids: string[]): HTMLElement {
    const go = h("button", { class: "button primary", testid: "team-import", attrs: { type: "button" }, text: `Import ${ids.length} service${ids.length === 1 ? "" : "s"}` });
    const cancel = h("button", { class: "button", attrs: { type: "button" }, text: "Cancel" });
    cancel.addEventListener("click", back);
    const error = h("div", { class: "inline-error form-error", attrs: { role: "alert" } });
    error.hidden = true;
    go.addEventListener("click", () => {
      void withBusy([go], async () => {
        try {
          const added = await commands.importTeam(where);
          toast(`Imported ${added.join(", ")}. Store each one's secrets and log in.`, { level: "success" });
          await refreshAccounts();
          back();
        } catch (e) {
          showError(error, errorMessage(e));
        }
      });
    });
    return h("div", { class: "fields" },
      h("p", { class: "muted", text: "Definitions only: no secrets and no accounts come with them." }),
      h("ul", { class: "tags" }, ...ids.map((id) => h("li", { class: "tag mono", text: id }))),
      h("div", { class: "form-actions" }, error, h("div", { class: "buttons" }, cancel, go)));
  }

  function proposalDetails(where: string, p: ProposalView): HTMLElement {
    const checks = new Checks(form);
    const needs = (n: string): boolean => p.needs.includes(n);
    const id = checks.add(field("Service id", input({ value: p.id, "data-testid": "service-id" }), "How you name it in the CLI: authdeck token <id>."), (v) => validateServiceId(v, existingIds()));
    const clientId = needs("client_id") || needs("client_id_if_required")
      ? checks.add(field(needs("client_id") ? "Client id" : "Client id (if the provider wants one)", input({ "data-testid": "client-id" }), "Registered at the provider; OpenAPI documents never carry it."), (v) => (needs("client_id") ? validateRequired(v, "client id") : null))
      : null;
    const secretNeeded = needs("client_secret");
    const secret = secretNeeded || needs("client_secret_if_confidential")
      ? checks.add(field(secretNeeded ? "Client secret" : "Client secret (if the client is confidential)", secretInput(), "Stored in the system keyring, never shown again."), (v) => (secretNeeded && v === "" ? "Enter the client secret." : null))
      : null;
    secret?.control.setAttribute("data-testid", "client-secret");
    const username = needs("username") ? checks.add(field("User name", input({ autocomplete: "username", "data-testid": "username" })), (v) => validateRequired(v, "user name")) : null;
    const tokenUrl = needs("token_url") ? checks.add(field("Token URL", input({ placeholder: "https://…", "data-testid": "tokenUrl", inputmode: "url" }), "The document's only flow gives none."), (v) => validateHttpUrl(v, { required: true, label: "token URL" })) : null;
    const scopeBoxes = p.scopes.map((s) => {
      const box = h("input", { attrs: { type: "checkbox", value: s.name, "data-testid": `scope-${s.name}` } });
      return { box, root: h("label", { class: "check" }, box, h("span", { class: "mono", text: s.name }), s.description ? h("span", { class: "field-hint", text: ` ${s.description}` }) : null) };
    });
    const { row, submit, error } = submitRow("Add service", back);
    const wrap = h("div", { class: "fields" },
      h("h2", { class: "form-title", text: p.name }),
      ...p.notes.map((n) => h("p", { class: "small muted", text: n })),
      id.root, clientId?.root ?? null, secret?.root ?? null, username?.root ?? null, tokenUrl?.root ?? null,
      scopeBoxes.length ? h("fieldset", { class: "group" }, h("legend", { text: "Scopes to request" }), ...scopeBoxes.map((b) => b.root)) : null,
      needs("password") ? h("p", { class: "small muted", text: "The password is asked for when you log in." }) : null,
      needs("token") || needs("api_key") ? h("p", { class: "small muted", text: `After adding it, paste the ${needs("api_key") ? "API key" : "token"} in the service's panel.` }) : null,
      h("p", { class: "small muted", text: p.pasteHint }),
      row);
    form.onsubmit = (e) => {
      e.preventDefault();
      if (!checks.validateAll()) return;
      const serviceId = id.control.value.trim();
      const req = {
        source: where,
        scheme: p.scheme,
        id: serviceId,
        clientId: clientId ? optional(clientId.control.value) : null,
        clientSecret: secret ? optional(secret.control.value) : null,
        username: username ? optional(username.control.value) : null,
        scopes: scopeBoxes.filter((b) => b.box.checked).map((b) => b.box.value),
        tokenUrl: tokenUrl ? optional(tokenUrl.control.value) : null,
      };
      if (secret) secret.control.value = "";
      showError(error, null);
      void withBusy([submit], async () => {
        try {
          await commands.importOpenapi(req);
          await added(serviceId);
        } catch (err) {
          showError(error, errorMessage(err) + (req.clientSecret ? " Enter the secret again to retry." : ""));
        }
      });
    };
    return wrap;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- from an issuer, or by hand -----------------------------------------------------

/**
 * The form of a service entered by hand or found by its issuer; with `edit`, the same
 * form prefilled with an existing service, whose id and flow are then fixed and whose
 * stored client secret is kept unless a new one is typed.
 */
export function manualForm(mode: "issuer" | "manual", edit?: ServiceSettings, onDone: () => void = back): HTMLElement {
  const form = h("form", { class: "card form", attrs: { novalidate: true } });
  const checks = new Checks(form);
  const byIssuer = mode === "issuer";

  const id = checks.add(field("Service id", input({ "data-testid": "service-id" }), edit ? "The id cannot change: scripts use it." : "Lowercase letters, digits, '-' or '_'."), (v) => (edit ? null : validateServiceId(v, existingIds())));
  const name = field("Display name (optional)", input({ "data-testid": "service-name" }));
  name.control.addEventListener("input", () => {
    // Suggest an id from the name until the user types one.
    if (id.control.dataset["touched"] !== "true") id.control.value = suggestServiceId(name.control.value);
  });
  id.control.addEventListener("input", () => (id.control.dataset["touched"] = "true"));

  const flowSelect = h("select", { attrs: { "data-testid": "flow" } }, ...FLOWS.map((f) => h("option", { attrs: { value: f.id }, text: f.label })));
  const flow = field("Login flow", flowSelect, edit ? "The flow of an existing service is fixed: add a new service for another flow." : undefined);
  const flowNow = (): string => flowSelect.value;

  const issuer = checks.add(field("Issuer URL", input({ placeholder: "https://id.example.org", "data-testid": "issuer", inputmode: "url" }), "The provider's base URL; its endpoints are discovered from it."), (v) => validateHttpUrl(v, { required: true, label: "issuer URL" }), () => byIssuer);
  const discoverButton = h("button", { class: "button", testid: "discover", attrs: { type: "button" }, text: "Discover" });
  const discoverStatus = h("div", { class: "small", attrs: { role: "status" } });

  const endpointLabel: Record<EndpointField | "revocationUrl", string> = {
    authorizationUrl: "authorization endpoint",
    tokenUrl: "token endpoint",
    deviceUrl: "device authorization endpoint",
    revocationUrl: "revocation endpoint",
  };
  const needed = (f: EndpointField): boolean => flowInfo(flowNow())?.endpoints.includes(f) ?? false;
  const endpoint = (key: EndpointField | "revocationUrl", shownFor: () => boolean): Field<HTMLInputElement> => {
    const label = endpointLabel[key];
    const f = field(capitalise(label) + (byIssuer || key === "revocationUrl" ? " (optional)" : ""), input({ placeholder: "https://…", "data-testid": key, inputmode: "url" }));
    return checks.add(f, (v) => validateHttpUrl(v, { required: !byIssuer && key !== "revocationUrl", label }), shownFor);
  };
  const authorizationUrl = endpoint("authorizationUrl", () => needed("authorizationUrl"));
  const tokenUrl = endpoint("tokenUrl", () => true);
  const deviceUrl = endpoint("deviceUrl", () => needed("deviceUrl"));
  const revocationUrl = endpoint("revocationUrl", () => true);

  const clientId = checks.add(field("Client id", input({ "data-testid": "client-id" })), (v) => validateRequired(v, "client id"));
  const authSelect = h("select", { attrs: { "data-testid": "client-auth" } }, ...CLIENT_AUTHS.map((a) => h("option", { attrs: { value: a.id }, text: a.label })));
  const clientAuth = field("Client authentication", authSelect);
  const secretShown = (): boolean => authSelect.value !== "none";
  const keepsSecret = edit?.hasClientSecret ?? false;
  const clientSecret = checks.add(
    field(keepsSecret ? "New client secret (optional)" : "Client secret", secretInput(), keepsSecret ? "A secret is stored in the keyring: leave empty to keep it." : "Stored in the system keyring, never shown again."),
    (v) => (v === "" && !keepsSecret ? "Enter the client secret." : null), secretShown);
  clientSecret.control.setAttribute("data-testid", "client-secret");
  // Accounts (user name, password) of an existing service are managed in its panel.
  const passwordFlow = (): boolean => !edit && (flowInfo(flowNow())?.needsPassword ?? false);
  const username = checks.add(field("User name", input({ autocomplete: "username", "data-testid": "username" })), (v) => validateRequired(v, "user name"), passwordFlow);
  const password = checks.add(field("Password", secretInput(), "Stored in the system keyring, never shown again."), (v) => (v === "" ? "Enter the password." : null), passwordFlow);
  password.control.setAttribute("data-testid", "password");

  const scopes = field("Scopes", input({ placeholder: "openid offline_access", "data-testid": "scopes" }), "Separated by spaces or commas.");
  const docsUrl = checks.add(field("API docs URL (optional)", input({ placeholder: "https://api.example.org/docs", "data-testid": "docs-url", inputmode: "url" }), "Opened by “Copy token & open API docs”, e.g. the Swagger UI."), (v) => validateHttpUrl(v, { required: false, label: "API docs URL" }));
  const apiBase = checks.add(field("API base URL (optional)", input({ placeholder: "https://api.example.org", "data-testid": "api-base", inputmode: "url" }), "Used in the copied curl command."), (v) => validateHttpUrl(v, { required: false, label: "API base URL" }));

  // Show only what the chosen flow and client authentication need.
  const syncVisibility = (): void => {
    authorizationUrl.root.hidden = !needed("authorizationUrl") && !(byIssuer && authorizationUrl.control.value);
    deviceUrl.root.hidden = !needed("deviceUrl") && !(byIssuer && deviceUrl.control.value);
    clientSecret.root.hidden = !secretShown();
    username.root.hidden = !passwordFlow();
    password.root.hidden = !passwordFlow();
    for (const f of [authorizationUrl, deviceUrl, clientSecret, username, password]) if (f.root.hidden) f.setError(null);
  };
  flowSelect.addEventListener("change", syncVisibility);
  authSelect.addEventListener("change", syncVisibility);

  discoverButton.addEventListener("click", () => {
    const problem = validateHttpUrl(issuer.control.value, { required: true, label: "issuer URL" });
    issuer.setError(problem);
    if (problem) return;
    setText(discoverStatus, "Looking up the provider…");
    discoverStatus.className = "small muted";
    void withBusy([discoverButton], async () => {
      try {
        const found = await commands.discover(issuer.control.value.trim());
        authorizationUrl.control.value = found.authorization ?? "";
        tokenUrl.control.value = found.token ?? "";
        deviceUrl.control.value = found.deviceAuthorization ?? "";
        revocationUrl.control.value = found.revocation ?? "";
        if (scopes.control.value.trim() === "") {
          scopes.control.value = ["openid", "offline_access"].filter((s) => found.scopesSupported.includes(s)).join(" ");
        }
        if (!found.authorization && found.deviceAuthorization && flowNow() === "auth-code") flowSelect.value = "device";
        const names = [found.authorization && "authorization", found.token && "token", found.deviceAuthorization && "device", found.revocation && "revocation"].filter(Boolean);
        setText(discoverStatus, `Found ${found.issuer}: ${names.join(", ")} endpoints.` + (found.scopesSupported.length ? ` Scopes offered: ${found.scopesSupported.slice(0, 8).join(", ")}${found.scopesSupported.length > 8 ? ", …" : ""}.` : ""));
        discoverStatus.className = "small success-text";
        syncVisibility();
      } catch (e) {
        setText(discoverStatus, errorMessage(e));
        discoverStatus.className = "small inline-error";
      }
    });
  });

  if (edit) {
    id.control.value = edit.id;
    id.control.disabled = true;
    name.control.value = edit.name ?? "";
    flowSelect.value = edit.flow;
    flowSelect.disabled = true;
    issuer.control.value = edit.issuer ?? "";
    authorizationUrl.control.value = edit.authorizationUrl ?? "";
    tokenUrl.control.value = edit.tokenUrl ?? "";
    deviceUrl.control.value = edit.deviceUrl ?? "";
    revocationUrl.control.value = edit.revocationUrl ?? "";
    clientId.control.value = edit.clientId;
    authSelect.value = edit.clientAuth;
    scopes.control.value = edit.scopes.join(" ");
    docsUrl.control.value = edit.docsUrl ?? "";
    apiBase.control.value = edit.apiBase ?? "";
  }

  const { row, submit, error } = submitRow(edit ? "Save changes" : "Add service", onDone);
  form.append(
    h("p", { class: "muted", text: edit
      ? (edit.preset ? `Made from the “${edit.preset}” preset: its login quirks are kept.` : "Change what you need; tokens and accounts are kept.")
      : byIssuer
        ? "Give the provider's issuer URL: Authdeck reads its endpoints from the discovery document."
        : "Enter the endpoints yourself, for providers without a discovery document." }),
    h("div", { class: "fields" },
      byIssuer ? h("div", { class: "discover-row" }, issuer.root, discoverButton) : null,
      byIssuer ? discoverStatus : null,
      h("div", { class: "two-col" }, id.root, name.root),
      flow.root,
      h("fieldset", { class: "group" }, h("legend", { text: "Endpoints" }), authorizationUrl.root, tokenUrl.root, deviceUrl.root, revocationUrl.root),
      h("fieldset", { class: "group" }, h("legend", { text: "Client" }),
        h("div", { class: "two-col" }, clientId.root, clientAuth.root), clientSecret.root, username.root, password.root, scopes.root),
      h("fieldset", { class: "group" }, h("legend", { text: "API" }), docsUrl.root, apiBase.root),
      row),
  );
  syncVisibility();

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!checks.validateAll()) return;
    if (edit) {
      const update: ServiceUpdate = {
        id: edit.id,
        name: optional(name.control.value),
        issuer: optional(issuer.control.value),
        authorizationUrl: optional(authorizationUrl.control.value),
        tokenUrl: optional(tokenUrl.control.value),
        deviceUrl: optional(deviceUrl.control.value),
        revocationUrl: optional(revocationUrl.control.value),
        clientId: clientId.control.value.trim(),
        clientAuth: authSelect.value,
        scopes: parseScopes(scopes.control.value),
        docsUrl: optional(docsUrl.control.value),
        apiBase: optional(apiBase.control.value),
        clientSecret: secretShown() ? optional(clientSecret.control.value) : null,
      };
      clientSecret.control.value = "";
      showError(error, null);
      void withBusy([submit], async () => {
        try {
          await commands.updateService(update);
          toast(`Saved ${update.name ?? edit.id}.`, { level: "success" });
          await refreshAccounts();
          onDone();
        } catch (err) {
          showError(error, errorMessage(err) + (update.clientSecret ? " Enter the secret again to retry." : ""));
        }
      });
      return;
    }
    const pw = passwordFlow();
    const req: NewServiceManual = {
      id: id.control.value.trim(),
      name: optional(name.control.value),
      flow: flowNow(),
      issuer: byIssuer ? optional(issuer.control.value) : null,
      authorizationUrl: needed("authorizationUrl") || byIssuer ? optional(authorizationUrl.control.value) : null,
      tokenUrl: optional(tokenUrl.control.value),
      deviceUrl: needed("deviceUrl") || byIssuer ? optional(deviceUrl.control.value) : null,
      revocationUrl: optional(revocationUrl.control.value),
      clientId: clientId.control.value.trim(),
      clientAuth: authSelect.value,
      scopes: parseScopes(scopes.control.value),
      docsUrl: optional(docsUrl.control.value),
      apiBase: optional(apiBase.control.value),
      username: pw ? username.control.value.trim() : null,
      clientSecret: secretShown() ? clientSecret.control.value : null,
      password: pw ? password.control.value : null,
    };
    clientSecret.control.value = "";
    password.control.value = "";
    showError(error, null);
    void withBusy([submit], async () => {
      try {
        await commands.addServiceManual(req);
        await added(req.id);
      } catch (err) {
        showError(error, errorMessage(err) + (req.clientSecret || req.password ? " Enter the secret again to retry." : ""));
      }
    });
  });
  return form;
}
