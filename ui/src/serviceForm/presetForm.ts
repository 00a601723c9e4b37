// "From a preset": the seed services' templates, each asking only for what is the
// user's own (ids, inputs, secrets). Secret fields are emptied as soon as the form is
// submitted, whatever the outcome.

import { commands } from "../bindings/commands";
import type { PresetView } from "../bindings/types";
import { field, h, withBusy } from "../dom";
import { errorMessage } from "../lib/errors";
import { validateHttpUrl, validateRequired, validateServiceId } from "../lib/validate";
import { added, back, existingIds } from "./navigation";
import { capitalise, Checks, input, secretInput, showError, submitRow } from "./plumbing";

/** The presets, asked of the shell once per page load (they never change while it runs). */
let presetsCache: PresetView[] | null = null;

export function presetForm(): HTMLElement {
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
