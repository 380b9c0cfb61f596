/**
 * The Peak page's function headroom lists the checkout validation's ATP copy beside the
 * kill-switch metafield (app/domain/peak/readiness.ts): its bytes against the 10,000 a
 * function may read, and a failure while it is over (no ATP figure reaches checkout).
 */
import { describe, expect, it } from "vitest";

import { DEFAULT_QUEUE_CAP } from "~/domain/peak/queue";
import { readiness, type ReadinessInput } from "~/domain/peak/readiness";

const now = new Date("2026-11-27T15:00:00Z");
const input = (checkoutAtp: ReadinessInput["caches"]["checkoutAtp"]): ReadinessInput => ({
  now,
  testDays: 7,
  drill: {
    passed: true,
    startedAt: now,
    verdicts: [],
    ackP99: 10,
    lagP99: 100,
    lost: 0,
    checkout: [{ function: "checkout-validation", wallP99: 5, instructionsP99: 1_000_000, inputBytesP99: 2_000 }],
  },
  caches: { mirrorSyncedAt: now, variants: 2_000, metafield: { ok: true, rev: 3, bytes: 500, at: now }, checkoutAtp },
  queue: { cap: DEFAULT_QUEUE_CAP, backlog: 0 },
  switchTests: { payment: now, delivery: now, promotion: now, region: now },
  codeFreeze: { open: [], next: null },
  customizations: [],
  declaredMarkets: 0,
});
const headroom = (copy: ReadinessInput["caches"]["checkoutAtp"]) => readiness(input(copy)).find((i) => i.key === "headroom")!;

describe("function headroom: the checkout ATP copy", () => {
  it.each([
    ["none stored: not listed, as before", null, "ok", null],
    ["a small copy", { bytes: 1_200, over: false }, "ok", "checkout ATP copy 1,200 B (12% of 10,000)"],
    ["near the limit", { bytes: 8_900, over: false }, "warn", "checkout ATP copy 8,900 B (89% of 10,000)"],
    ["over", { bytes: 26, over: true }, "fail", "checkout ATP copy OVER its size: no ATP figure reaches checkout (Checkout rules page)"],
  ] as const)("%s", (_name, copy, status, listed) => {
    const item = headroom(copy);
    expect(item.status).toBe(status);
    const parts = item.value.split(" · ");
    expect(parts.filter((p) => p.startsWith("checkout ATP copy"))).toEqual(listed === null ? [] : [listed]);
    expect(parts).toContain("kill-switch metafield 500 B (5% of 10,000)");
  });
});
