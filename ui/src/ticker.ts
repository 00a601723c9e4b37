// One shared one-second timer for every countdown, aligned to the wall-clock second so
// all numbers change together.

import { nowSecs } from "./lib/time";

type TickFn = (now: number) => void;
const subscribers = new Set<TickFn>();
let started = false;

export function onTick(fn: TickFn): () => void {
  subscribers.add(fn);
  if (!started) start();
  return () => subscribers.delete(fn);
}

function start(): void {
  started = true;
  const fire = (): void => {
    // The page may be gone (a test environment torn down): then the clock stops.
    if (typeof window === "undefined") return;
    const now = nowSecs();
    for (const fn of subscribers) fn(now);
    globalThis.setTimeout(fire, 1000 - (Date.now() % 1000) + 5);
  };
  globalThis.setTimeout(fire, 1000 - (Date.now() % 1000) + 5);
}
