import { describe, expect, it } from "vitest";
import type { ActivityView } from "../bindings/types";
import { activityOutcome, activityRequest, activityTitle, formatMs, newestFirst } from "./activity";

const event = (p: Partial<ActivityView>): ActivityView => ({
  seq: 1, at: 1_700_000_000, kind: "refresh", via: null, endpoint: null, status: null,
  durationMs: null, answer: null, error: null, ...p,
});

describe("activity", () => {
  it("names what happened, with the consumer of a hand-out", () => {
    expect(activityTitle(event({ kind: "refetch" }))).toBe("Re-fetch");
    expect(activityTitle(event({ kind: "exchange" }))).toBe("Token exchange");
    expect(activityTitle(event({ kind: "hand_out", via: "copy" }))).toBe("Hand-out (copied)");
    expect(activityTitle(event({ kind: "hand_out", via: "agent" }))).toBe("Hand-out (token agent)");
  });

  it("describes the request by the parts it has", () => {
    expect(activityRequest(event({ endpoint: "https://id.test/token", status: 200, durationMs: 85 }))).toBe("https://id.test/token · HTTP 200 · 85 ms");
    expect(activityRequest(event({ endpoint: "https://id.test/token", durationMs: 30_000 }))).toBe("https://id.test/token · no answer · 30 s");
    expect(activityRequest(event({ kind: "hand_out", via: "cli" }))).toBe("");
    expect(formatMs(1234)).toBe("1.2 s");
  });

  it("marks a failure with the typed error's message and the provider's answer", () => {
    const failed = event({
      status: 400,
      answer: "invalid_grant (grant request is invalid)",
      error: { code: "grant_expired", message: "oidc/default: the provider no longer accepts the refresh token" },
    });
    expect(activityOutcome(failed)).toEqual({
      failed: true,
      text: "oidc/default: the provider no longer accepts the refresh token",
      answer: "invalid_grant (grant request is invalid)",
    });
    // An answer the message already quotes is not repeated.
    const quoted = event({ answer: "invalid_client", error: { code: "bad_client_credentials", message: "refused (invalid_client)" } });
    expect(activityOutcome(quoted).answer).toBeNull();
    expect(activityOutcome(event({ status: 200 }))).toEqual({ failed: false, text: "OK", answer: null });
  });

  it("orders by sequence number, not by time", () => {
    const sameSecond = [event({ seq: 1 }), event({ seq: 3 }), event({ seq: 2 })];
    expect(newestFirst(sameSecond).map((e) => e.seq)).toEqual([3, 2, 1]);
  });
});
