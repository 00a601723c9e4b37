// Time formatting for expiries. Every function takes `now` (Unix seconds) as an argument
// instead of reading the clock, so the per-second ticker and the tests agree.

const MIN = 60;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The current time in Unix seconds (the unit the shell uses). */
export function nowSecs(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A non-negative duration in words, coarse when far away and precise when close:
 * "3 d 4 h", "1 h 5 min", "12 min", "4 min 12 s", "45 s".
 * Seconds appear only under 10 minutes, so long countdowns do not flicker every second;
 * coarse values are rounded to the nearest unit, so a fresh 7-day token reads "7 d",
 * not "6 d 23 h".
 */
export function formatDuration(totalSecs: number): string {
  const secs = Math.max(0, Math.floor(totalSecs));
  if (secs < MIN) return `${secs} s`;
  if (secs < 10 * MIN) {
    const m = Math.floor(secs / MIN);
    const s = secs % MIN;
    return s > 0 ? `${m} min ${s} s` : `${m} min`;
  }
  const mins = Math.round(secs / MIN);
  if (mins < 60) return `${mins} min`;
  if (mins < 24 * 60) {
    const h = Math.floor(mins / 60);
    const m = mins % 60;
    return m > 0 ? `${h} h ${m} min` : `${h} h`;
  }
  const hours = Math.round(secs / HOUR);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h > 0 ? `${d} d ${h} h` : `${d} d`;
}

/** "expires in 12 min", "expired 3 min ago"; "no expiry" when the token has none. */
export function formatRelative(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return "no expiry";
  const left = Math.floor(expiresAt - now);
  if (left > 0) return `expires in ${formatDuration(left)}`;
  if (left === 0) return "expires now";
  return `expired ${formatDuration(-left)} ago`;
}

/** A countdown clock for short waits such as a device code: "9:05", "1:02:03", "0:00". */
export function formatClock(totalSecs: number): string {
  const secs = Math.max(0, Math.floor(totalSecs));
  const h = Math.floor(secs / HOUR);
  const m = Math.floor((secs % HOUR) / MIN);
  const s = String(secs % MIN).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export interface DateOptions {
  /** BCP 47 locale; the system's when undefined. */
  locale?: string;
  /** IANA time zone; the system's when undefined (tests pin it). */
  timeZone?: string;
}

function dayKey(unix: number, opts: DateOptions): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: opts.timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(unix * 1000));
}

/**
 * Absolute local time: "today, 14:32", "tomorrow, 09:10", "yesterday, 23:59",
 * "Tue, 2 Dec, 09:10" (the year only when it is not the current one).
 */
export function formatAbsolute(unix: number, now: number, opts: DateOptions = {}): string {
  const date = new Date(unix * 1000);
  const time = new Intl.DateTimeFormat(opts.locale, {
    timeZone: opts.timeZone,
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
  const day = dayKey(unix, opts);
  if (day === dayKey(now, opts)) return `today, ${time}`;
  if (day === dayKey(now + DAY, opts)) return `tomorrow, ${time}`;
  if (day === dayKey(now - DAY, opts)) return `yesterday, ${time}`;
  const sameYear = day.slice(0, 4) === dayKey(now, opts).slice(0, 4);
  const datePart = new Intl.DateTimeFormat(opts.locale, {
    timeZone: opts.timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
  }).format(date);
  return `${datePart}, ${time}`;
}

/** The full, unambiguous local date and time, for tooltips. */
export function formatFull(unix: number, opts: DateOptions = {}): string {
  return new Intl.DateTimeFormat(opts.locale, {
    timeZone: opts.timeZone,
    dateStyle: "full",
    timeStyle: "long",
  }).format(new Date(unix * 1000));
}
