// A team file read in the OpenAPI tab (service definitions shared from Settings): the
// services it defines, imported all at once. Definitions only: no secret, no account.

import { refreshAccounts } from "../actions";
import { commands } from "../bindings/commands";
import { h, withBusy } from "../dom";
import { errorMessage } from "../lib/errors";
import { toast } from "../toasts";
import { back } from "./navigation";
import { showError } from "./plumbing";

/** What the team file at `where` defines (`ids`), with the button that imports them. */
export function teamImport(where: string, ids: string[]): HTMLElement {
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
