// Where the service forms lead: back to the list, or to the new service's panel once it
// is added; and the ids already taken, which a new service may not reuse.

import { refreshAccounts } from "../actions";
import { getState, setState } from "../store";
import { toast } from "../toasts";

export function existingIds(): string[] {
  return [...new Set(getState().accounts.map((a) => a.service))];
}

export function back(): void {
  setState({ view: "services" });
}

/** After a service was added: say so, reload the list and open its panel. */
export async function added(id: string): Promise<void> {
  toast(`Added ${id}.`, { level: "success" });
  await refreshAccounts();
  setState({ view: "services", selected: `${id}/default`, panelOpen: true });
}
