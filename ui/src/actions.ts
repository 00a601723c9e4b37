// Actions shared by several views: loading the account list and running logins.
// Logins are tracked per account in the store so the row can show "Waiting for the
// browser…", and device codes are handed to the device dialog.

import { commands } from "./bindings/commands";
import type { AccountView, LoginEventDto } from "./bindings/types";
import { closeDeviceDialog, deviceDialogShows, openDeviceDialog, showDeviceError } from "./deviceDialog";
import { accountKey, displayName } from "./lib/accounts";
import { errorMessage, isCancelled } from "./lib/errors";
import { isBrowserFlow } from "./lib/flows";
import { findAccount, getState, setState, withEntry } from "./store";
import { toast } from "./toasts";

let refreshing: Promise<void> | null = null;
/** Logins this window started itself: their outcome comes back as the command's answer. */
const ownLogins = new Set<string>();
let refreshAgain = false;

/**
 * Reloads the account list. Calls that arrive while a load runs are folded into one more
 * load after it, so a burst of `accountsChanged` events costs at most two requests.
 */
export function refreshAccounts(): Promise<void> {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      try {
        showAccounts(await commands.listAccounts());
      } catch (e) {
        setState({ loaded: true, loadError: errorMessage(e) });
      }
    } while (refreshAgain);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Shows a loaded account list (keeping the selection while its account is still there). */
export function showAccounts(accounts: AccountView[]): void {
  const { selected } = getState();
  const stillThere = selected !== null && accounts.some((a) => accountKey(a) === selected);
  setState({
    accounts,
    loaded: true,
    loadError: null,
    selected: stillThere ? selected : null,
    panelOpen: stillThere ? getState().panelOpen : false,
  });
}

/** The global the shell's initialization script sets (src-tauri/src/lib.rs). */
const FIRST_LIST = "__AUTHDECK_FIRST_LIST__";

/**
 * The account list the shell handed over with the page, so the first list paints without
 * waiting for a `listAccounts` round trip; taken once (null without one: a plain browser,
 * the mock page, or a shell that could not read the list).
 */
export function takeFirstList(): AccountView[] | null {
  const w = window as unknown as Record<string, unknown>;
  const list = w[FIRST_LIST];
  delete w[FIRST_LIST];
  return Array.isArray(list) ? (list as AccountView[]) : null;
}

export async function startLogin(view: AccountView): Promise<void> {
  const key = accountKey(view);
  const s = getState();
  if (s.logins.has(key)) return;
  if (view.pasted) {
    // Nothing to run: the user pastes a new token in the panel, which takes the focus.
    setState({ selected: key, panelOpen: true, pasteFocusRequests: s.pasteFocusRequests + 1 });
    return;
  }
  ownLogins.add(key);
  setState({
    logins: withEntry(s.logins, key, {
      flow: view.flow,
      // Browser flows wait for the user right away; the others first hear from the shell.
      phase: isBrowserFlow(view.flow) ? "browser" : "starting",
      event: null,
    }),
    rowErrors: withEntry(s.rowErrors, key, null),
  });
  try {
    const updated = await commands.login(view.service, view.account);
    closeDeviceDialog(key);
    toast(`Logged in to ${displayName(updated)}.`, { level: "success" });
  } catch (e) {
    if (isCancelled(e)) {
      closeDeviceDialog(key);
    } else if (deviceDialogShows(key)) {
      // The user is looking at the dialog: tell them there.
      showDeviceError(key, errorMessage(e));
    } else {
      setState({ rowErrors: withEntry(getState().rowErrors, key, errorMessage(e)) });
    }
  } finally {
    ownLogins.delete(key);
    setState({ logins: withEntry(getState().logins, key, null) });
    void refreshAccounts();
  }
}

export async function cancelLogin(service: string, account: string): Promise<void> {
  const key = accountKey({ service, account });
  try {
    await commands.cancelLogin(service, account);
  } catch (e) {
    if (deviceDialogShows(key)) showDeviceError(key, errorMessage(e));
    else setState({ rowErrors: withEntry(getState().rowErrors, key, errorMessage(e)) });
  }
}

/** A `login-event` from the shell. */
export function handleLoginEvent(ev: LoginEventDto): void {
  const key = accountKey(ev);
  if (ev.kind === "started" || ev.kind === "finished" || ev.kind === "failed" || ev.kind === "cancelled") {
    // The window's own logins are tracked by startLogin; these events are for logins
    // started elsewhere (the tray), so the row and the dialog follow them too.
    if (!ownLogins.has(key)) followForeignLogin(key, ev);
    return;
  }
  const pending = getState().logins.get(key);
  if (ev.kind === "device_code") {
    // Shown even for a login started elsewhere (e.g. from the tray): the code is needed.
    const name = findAccount(key);
    openDeviceDialog(ev, name ? displayName(name) : ev.service);
  }
  if (pending) {
    const phase = ev.kind === "device_code" ? "device" : ev.kind === "browser_failed" ? "browser_failed" : "browser";
    setState({ logins: withEntry(getState().logins, key, { ...pending, phase, event: ev }) });
  }
}

function followForeignLogin(key: string, ev: LoginEventDto): void {
  const s = getState();
  if (ev.kind === "started") {
    const flow = findAccount(key)?.flow ?? null;
    setState({
      logins: withEntry(s.logins, key, { flow, phase: flow !== null && isBrowserFlow(flow) ? "browser" : "starting", event: null }),
      rowErrors: withEntry(s.rowErrors, key, null),
    });
    return;
  }
  if (ev.kind === "failed" && deviceDialogShows(key)) {
    showDeviceError(key, ev.message ?? "The login failed.");
  } else {
    closeDeviceDialog(key);
  }
  const view = findAccount(key);
  if (ev.kind === "finished") {
    toast(`Logged in to ${view ? displayName(view) : ev.service}.`, { level: "success" });
  }
  setState({
    logins: withEntry(s.logins, key, null),
    rowErrors: withEntry(s.rowErrors, key, ev.kind === "failed" && !deviceDialogShows(key) ? ev.message ?? "The login failed." : null),
  });
  void refreshAccounts();
}
