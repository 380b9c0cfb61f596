import { describe, expect, it } from "vitest";
import { DEFAULT_TARGETS, judge, lossCheck, percentile, summarize, type DrillResults } from "~/domain/peak/drill";
import { describeCap, queueDecision } from "~/domain/peak/queue";

describe("percentiles", () => {
  it("nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100 unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBeNull();
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });
});

describe("lossCheck", () => {
  const d = (eventId: string, acknowledged = true) => ({ eventId, acknowledged });

  it("nothing lost when every emitted event is in the log", () => {
    expect(lossCheck([d("a"), d("b"), d("b"), d("c")], ["a", "b", "c", "z"])).toEqual({ emitted: 3, logged: 3, lost: [], undelivered: [], neverAttempted: 0 });
  });

  it("an event acknowledged but not in the log is lost", () => {
    expect(lossCheck([d("a"), d("b"), d("c")], ["c", "a"])).toMatchObject({ logged: 2, lost: ["b"] });
  });

  it("an event never acknowledged is lost once the sender gave up, undelivered while it still retries", () => {
    expect(lossCheck([d("a"), d("b", false), d("b", false)], ["a"], { senderFinished: true })).toMatchObject({ lost: ["b"], undelivered: [] });
    expect(lossCheck([d("a"), d("b", false)], ["a"], { senderFinished: false })).toMatchObject({ lost: [], undelivered: ["b"] });
    // a later 2xx attempt counts: acknowledged, then missing → lost even while others retry
    expect(lossCheck([d("b", false), d("b", true)], [], { senderFinished: false })).toMatchObject({ lost: ["b"], undelivered: [] });
  });

  it("events the sender never attempted count as lost", () => {
    expect(lossCheck([d("a"), d("b")], ["a", "b"], { emittedCount: 4 })).toEqual({ emitted: 4, logged: 2, lost: [], undelivered: [], neverAttempted: 2 });
  });
});

function results(overrides: Partial<DrillResults> = {}): DrillResults {
  const s = (p99: number) => ({ count: 10, p50: p99 / 2, p95: p99, p99, max: p99 });
  return {
    durationMs: 60_000,
    orders: { created: 3000, cancelled: 90, returned: 60, refunded: 30, inventoryUpdates: 600 },
    ordersPerMinute: 3000,
    webhooks: { events: 15000, attempts: 15800, duplicates: 750, refused: {}, dead: 0, byTopic: {} },
    ack: s(40),
    lag: s(1500),
    processing: { processed: 15000, unprocessed: 0, dead: 0, errors: {} },
    loss: { emitted: 15000, logged: 15000, lost: [], undelivered: [], neverAttempted: 0 },
    atp: { ...s(20), note: null },
    checkout: [],
    backpressure: { cap: 5000, refusals: 0, note: "" },
    notes: [],
    ...overrides,
  };
}

describe("judge", () => {
  it("passes when every target is met", () => {
    expect(judge(results(), DEFAULT_TARGETS).passed).toBe(true);
  });

  it.each([
    ["throughput", { ordersPerMinute: 2500 }],
    ["ack p99", { ack: { count: 1, p50: 10, p95: 60, p99: 60, max: 60 } }],
    ["ack p99", { ack: { count: 0, p50: null, p95: null, p99: null, max: null } }],
    ["processing lag p99", { lag: { count: 1, p50: 10, p95: 2500, p99: 2500, max: 2500 } }],
    ["events lost", { loss: { emitted: 3, logged: 2, lost: ["x"], undelivered: [], neverAttempted: 0 } }],
    ["events lost", { loss: { emitted: 3, logged: 2, lost: [], undelivered: [], neverAttempted: 1 } }],
    ["drained at the end", { loss: { emitted: 3, logged: 2, lost: [], undelivered: ["y"], neverAttempted: 0 } }],
    ["drained at the end", { processing: { processed: 1, unprocessed: 2, dead: 0, errors: {} } }],
  ])("fails %s", (name, override) => {
    const verdict = judge(results(override as Partial<DrillResults>), DEFAULT_TARGETS);
    expect(verdict.passed).toBe(false);
    expect(verdict.verdicts.filter((v) => !v.ok).map((v) => v.name)).toEqual([name]);
  });
});

describe("queue cap", () => {
  it("accepts below the cap and refuses with 503 + Retry-After at it", () => {
    expect(queueDecision(4_999, { cap: 5_000, retryAfterSeconds: 30 })).toEqual({ accept: true });
    expect(queueDecision(5_000, { cap: 5_000, retryAfterSeconds: 30 })).toMatchObject({ accept: false, status: 503, retryAfterSeconds: 30 });
    expect(describeCap({ cap: 5_000, retryAfterSeconds: 30 })).toContain("nothing is dropped");
  });
});
