import { describe, expect, it } from "vitest";
import { lifetimeBand, lifetimeFraction } from "./lifetime";

describe("lifetimeFraction", () => {
  it("is the remaining share of the lifetime", () => {
    expect(lifetimeFraction(1000 + 3600, 1000, 1000)).toBe(1);
    expect(lifetimeFraction(1000 + 3600, 1000, 1000 + 900)).toBe(0.75);
    expect(lifetimeFraction(1000 + 3600, 1000, 1000 + 3600)).toBe(0);
  });

  it("is clamped to [0, 1]", () => {
    expect(lifetimeFraction(2000, 1000, 5000)).toBe(0);
    expect(lifetimeFraction(2000, 1000, 500)).toBe(1);
  });

  it("is null when the lifetime is unknown or nonsensical", () => {
    expect(lifetimeFraction(null, 1000, 1500)).toBeNull();
    expect(lifetimeFraction(2000, null, 1500)).toBeNull();
    expect(lifetimeFraction(1000, 1000, 1000)).toBeNull();
    expect(lifetimeFraction(1000, 2000, 1500)).toBeNull();
  });
});

describe("lifetimeBand", () => {
  it("colours by what is left", () => {
    expect(lifetimeBand(null)).toBe("none");
    expect(lifetimeBand(0)).toBe("empty");
    expect(lifetimeBand(0.1)).toBe("low");
    expect(lifetimeBand(0.2)).toBe("ok");
    expect(lifetimeBand(1)).toBe("ok");
  });
});
