// "From OpenAPI docs": read an OpenAPI / Swagger document (or a team file), offer one
// service per security scheme, and create the chosen one with what the document cannot
// give (client id, secret, …). The document is read again by the shell on import.

import { commands } from "../bindings/commands";
import type { Need, ProposalView } from "../bindings/types";
import { field, h, setText, withBusy } from "../dom";
import { errorMessage } from "../lib/errors";
import { flowLabel } from "../lib/flows";
import { optional, validateHttpUrl, validateRequired, validateServiceId } from "../lib/validate";
import { added, back, existingIds } from "./navigation";
import { Checks, input, secretInput, showError, submitRow } from "./plumbing";
import { teamImport } from "./teamImport";

export function openApiForm(): HTMLElement {
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
          details.replaceChildren(teamImport(where, doc.teamServices));
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


  function proposalDetails(where: string, p: ProposalView): HTMLElement {
    const checks = new Checks(form);
    const needs = (n: Need): boolean => p.needs.includes(n);
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
      needs("client_key") ? h("p", { class: "small muted", text: "The client authenticates with a key pair (private_key_jwt): after adding it, generate the key and register its public key with the provider." }) : null,
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
