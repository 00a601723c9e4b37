// "From an issuer URL" and "By hand": a service described field by field, its endpoints
// discovered from the issuer or typed in; the edit page uses the same form, prefilled.
// Fields are validated inline with the shell's own rules; secret fields are emptied as
// soon as the form is submitted, whatever the outcome.

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import type { ClientAuth, Flow, NewServiceManual, ServiceSettings, ServiceUpdate } from "../bindings/types";
import { field, h, setText, withBusy, type Field } from "../dom";
import { errorMessage } from "../lib/errors";
import { CLIENT_AUTHS, FLOWS, flowInfo, type EndpointField } from "../lib/flows";
import { optional, parseScopes, suggestServiceId, validateHttpUrl, validateRequired, validateServiceId } from "../lib/validate";
import { toast } from "../toasts";
import { added, back, existingIds } from "./navigation";
import { capitalise, Checks, input, secretInput, showError, submitRow } from "./plumbing";


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
  // An existing service's flow is fixed (and may be one the form does not offer).
  const flowNow = (): Flow => edit?.flow ?? FLOWS.find((f) => f.id === flowSelect.value)?.id ?? "auth-code";

  const issuer = checks.add(field("Issuer URL", input({ placeholder: "https://id.example.org", "data-testid": "issuer", inputmode: "url" }), "The provider's base URL; its endpoints are discovered from it."), (v) => validateHttpUrl(v, { required: true, label: "issuer URL" }), () => byIssuer);
  const discoverButton = h("button", { class: "button", testid: "discover", attrs: { type: "button" }, text: "Discover" });
  const discoverStatus = h("div", { class: "small", attrs: { role: "status" } });

  const endpointLabel: Record<EndpointField | "revocationUrl", string> = {
    authorizationUrl: "authorization endpoint",
    tokenUrl: "token endpoint",
    deviceUrl: "device authorization endpoint",
    revocationUrl: "revocation endpoint",
  };
  const needed = (f: EndpointField): boolean => flowInfo(flowNow()).manual?.endpoints.includes(f) ?? false;
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
  const authNow = (): ClientAuth => CLIENT_AUTHS.find((a) => a.id === authSelect.value)?.id ?? "none";
  const secretShown = (): boolean => authNow() !== "none";
  const keepsSecret = edit?.hasClientSecret ?? false;
  const clientSecret = checks.add(
    field(keepsSecret ? "New client secret (optional)" : "Client secret", secretInput(), keepsSecret ? "A secret is stored in the keyring: leave empty to keep it." : "Stored in the system keyring, never shown again."),
    (v) => (v === "" && !keepsSecret ? "Enter the client secret." : null), secretShown);
  clientSecret.control.setAttribute("data-testid", "client-secret");
  // Accounts (user name, password) of an existing service are managed in its panel.
  const passwordFlow = (): boolean => !edit && (flowInfo(flowNow()).manual?.needsPassword ?? false);
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
        clientAuth: authNow(),
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
      clientAuth: authNow(),
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
