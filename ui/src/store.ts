// The app's state in one place, with change notification. Views subscribe and redraw
// only what they own; the list updates its rows in place (see list.ts).

import type { AccountView, AppInfo, Flow, LoginEventDto } from "./bindings/types";
import { accountKey } from "./lib/accounts";

export type ViewName = "services" | "add" | "edit" | "settings";

/** A login in progress for one account, as the row shows it. */
export interface PendingLogin {
  flow: Flow | null;
  /** starting: waiting for the shell; browser: the browser opened; browser_failed: open the URL by hand; device: a code is shown. */
  phase: "starting" | "browser" | "browser_failed" | "device";
  event: LoginEventDto | null;
}

export interface AppState {
  view: ViewName;
  /** The service the edit view shows. */
  editing: string | null;
  appInfo: AppInfo | null;
  accounts: AccountView[];
  /** false until the first listAccounts answer (or failure). */
  loaded: boolean;
  loadError: string | null;
  filter: string;
  /** accountKey of the selected row. */
  selected: string | null;
  /** Narrow windows show the token panel as a drawer, only while this is true. */
  panelOpen: boolean;
  logins: ReadonlyMap<string, PendingLogin>;
  /** Inline errors per row (a failed login), cleared by the next attempt. */
  rowErrors: ReadonlyMap<string, string>;
  /**
   * Bumped to ask the token panel to focus its paste field ("Log in" of a service whose
   * token is pasted): the panel follows the state, so actions need not know the panel.
   */
  pasteFocusRequests: number;
}

type Listener = (state: AppState, prev: AppState) => void;

const initial: AppState = {
  view: "services",
  editing: null,
  appInfo: null,
  accounts: [],
  loaded: false,
  loadError: null,
  filter: "",
  selected: null,
  panelOpen: false,
  logins: new Map(),
  rowErrors: new Map(),
  pasteFocusRequests: 0,
};

let state: AppState = initial;
const listeners = new Set<Listener>();

export function getState(): AppState {
  return state;
}

export function setState(patch: Partial<AppState>): void {
  const prev = state;
  state = { ...state, ...patch };
  for (const l of listeners) l(state, prev);
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Copy-on-write helpers for the maps, so `prev` stays a true snapshot. */
export function withEntry<V>(map: ReadonlyMap<string, V>, key: string, value: V | null): Map<string, V> {
  const next = new Map(map);
  if (value === null) next.delete(key);
  else next.set(key, value);
  return next;
}

export function findAccount(key: string | null): AccountView | undefined {
  if (key === null) return undefined;
  return state.accounts.find((a) => accountKey(a) === key);
}

/** For tests: back to the initial state, without listeners. */
export function resetStore(): void {
  state = initial;
  listeners.clear();
}
