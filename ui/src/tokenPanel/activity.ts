// The account's activity: logins, refreshes, re-fetches, hand-outs (copies, the agent,
// `authdeck token`) and failures, newest first, each failure marked with the typed
// error's message and the provider's answer. Loaded when the panel opens and again each
// time the account list is reloaded (after the shell's accounts-changed event, a copy,
// a login); a slow answer for an older load is dropped.

import { commands } from "../bindings/commands";
import type { AccountView, ActivityView } from "../bindings/types";
import { h } from "../dom";
import { activityOutcome, activityRequestParts, activityTitle, newestFirst } from "../lib/activity";
import { errorMessage } from "../lib/errors";
import { rowTestId } from "../lib/testid";
import { formatAbsolute, formatFull, nowSecs } from "../lib/time";
import { section } from "./section";

export interface ActivitySection {
  root: HTMLElement;
  /** Loads the activity again. */
  reload(): void;
}

/** `isCurrent` says whether the panel is still the one shown (answers for another are dropped). */
export function activitySection(view: AccountView, isCurrent: () => boolean): ActivitySection {
  const list = h("ol", { class: "activity-list", testid: rowTestId("activity", view.service, view.account), attrs: { "aria-label": "Activity, newest first" } });
  const root = section("Activity", list);
  let seq = 0;

  const reload = async (): Promise<void> => {
    const mine = ++seq;
    let events: ActivityView[] = [];
    let failure: string | null = null;
    try {
      const answer = await commands.accountActivity(view.service, view.account);
      events = Array.isArray(answer) ? answer : [];
    } catch (e) {
      failure = errorMessage(e);
    }
    if (mine !== seq || !isCurrent()) return;
    render(list, events, failure);
  };
  void reload();
  return { root, reload: () => void reload() };
}

function render(list: HTMLElement, events: ActivityView[], failure: string | null): void {
  if (failure) {
    list.replaceChildren(h("li", { class: "inline-error", text: failure }));
    return;
  }
  if (events.length === 0) {
    list.replaceChildren(h("li", { class: "muted small", text: "Nothing yet: logins, refreshes and copies show here." }));
    return;
  }
  const now = nowSecs();
  list.replaceChildren(...newestFirst(events).map((e) => item(e, now)));
}

function item(e: ActivityView, now: number): HTMLElement {
  const outcome = activityOutcome(e);
  const request = activityRequestParts(e);
  return h("li", {
    class: outcome.failed ? "activity-item activity-failed" : "activity-item",
    attrs: { "data-seq": e.seq, "data-kind": e.kind, "data-outcome": outcome.failed ? "failed" : "ok" },
  },
    h("div", { class: "activity-head" },
      h("span", { class: "activity-title", text: activityTitle(e) }),
      outcome.failed ? h("span", { class: "badge badge-bad", text: "Failed" }) : null,
      h("time", { class: "muted small activity-time", text: formatAbsolute(e.at, now), attrs: { datetime: new Date(e.at * 1000).toISOString(), title: formatFull(e.at) } })),
    request.length > 0
      ? h("div", { class: "mono small muted activity-request" }, ...request.flatMap((part, i) => [i > 0 ? " · " : null, h("span", { text: part })]))
      : null,
    outcome.failed ? h("p", { class: "activity-error", text: outcome.text }) : null,
    outcome.answer ? h("p", { class: "small muted activity-answer", text: `The provider answered: ${outcome.answer}` }) : null,
  );
}
