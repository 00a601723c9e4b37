import { describe, expect, it } from "vitest";
import { formatAbsolute, formatClock, formatDuration, formatRelative } from "./time";

const NOW = Date.UTC(2025, 10, 25, 12, 0, 0) / 1000; // Tue 25 Nov 2025, 12:00 UTC
const UTC = { locale: "en-GB", timeZone: "UTC" };

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [45, "45 s"],
    [60, "1 min"],
    [252, "4 min 12 s"],
    [599, "9 min 59 s"],
    [600, "10 min"],
    [12 * 60 + 20, "12 min"],
    [12 * 60 + 40, "13 min"],
    [3599, "1 h"],
    [3600, "1 h"],
    [3600 + 5 * 60 + 10, "1 h 5 min"],
    [86399, "1 d"],
    [86400, "1 d"],
    [3 * 86400 + 4 * 3600 + 59, "3 d 4 h"],
    [7 * 86400 - 1, "7 d"],
    [30 * 86400, "30 d"],
  ])("%i s → %s", (secs, text) => {
    expect(formatDuration(secs)).toBe(text);
  });

  it("treats negative and fractional input sanely", () => {
    expect(formatDuration(-5)).toBe("0 s");
    expect(formatDuration(59.9)).toBe("59 s");
  });
});

describe("formatRelative", () => {
  it("says how long a token has left", () => {
    expect(formatRelative(NOW + 12 * 60, NOW)).toBe("expires in 12 min");
    expect(formatRelative(NOW + 65 * 60, NOW)).toBe("expires in 1 h 5 min");
    expect(formatRelative(NOW + 30, NOW)).toBe("expires in 30 s");
  });

  it("says how long ago it expired", () => {
    expect(formatRelative(NOW - 3 * 60, NOW)).toBe("expired 3 min ago");
    expect(formatRelative(NOW - 2 * 86400, NOW)).toBe("expired 2 d ago");
  });

  it("handles the exact moment and a missing expiry", () => {
    expect(formatRelative(NOW, NOW)).toBe("expires now");
    expect(formatRelative(null, NOW)).toBe("no expiry");
  });

  it("counts down with the clock", () => {
    const exp = NOW + 61;
    expect(formatRelative(exp, NOW)).toBe("expires in 1 min 1 s");
    expect(formatRelative(exp, NOW + 1)).toBe("expires in 1 min");
    expect(formatRelative(exp, NOW + 2)).toBe("expires in 59 s");
  });
});

describe("formatClock", () => {
  it("formats m:ss and h:mm:ss", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(9 * 60 + 5)).toBe("9:05");
    expect(formatClock(3723)).toBe("1:02:03");
    expect(formatClock(-3)).toBe("0:00");
  });
});

describe("formatAbsolute", () => {
  it("names today, tomorrow and yesterday", () => {
    expect(formatAbsolute(NOW + 2 * 3600 + 32 * 60, NOW, UTC)).toBe("today, 14:32");
    expect(formatAbsolute(NOW + 21 * 3600 + 10 * 60, NOW, UTC)).toBe("tomorrow, 09:10");
    expect(formatAbsolute(NOW - 12 * 3600 - 60, NOW, UTC)).toBe("yesterday, 23:59");
  });

  it("gives a date further away, with the year only when it differs", () => {
    expect(formatAbsolute(NOW + 7 * 86400 - 3 * 3600, NOW, UTC)).toBe("Tue 2 Dec, 09:00");
    expect(formatAbsolute(Date.UTC(2026, 0, 15, 8, 0) / 1000, NOW, UTC)).toBe("Thu, 15 Jan 2026, 08:00");
  });

  it("uses the time zone for the day boundary", () => {
    // 23:30 UTC is already the next day in Berlin.
    const late = Date.UTC(2025, 10, 25, 23, 30) / 1000;
    expect(formatAbsolute(late, NOW, { locale: "en-GB", timeZone: "Europe/Berlin" })).toBe("tomorrow, 00:30");
  });
});
