import { describe, expect, it } from "vitest";
import { formatUtc, parseUtc } from "~/domain/inventory/atp-metafield";
import { CLOCK_SLOTS, exactClock, readSlots, slotClock, type Slot } from "~/domain/validation/clock";
import { planClock, tickSeconds } from "~/domain/validation/clock-admin";
import type { Rule } from "~/domain/validation/types";
import { ruleSet } from "./helpers";

const T0 = parseUtc("2026-11-27T15:00:00Z")!;

/** Ticks a minute apart in New York (UTC-5 in November), answered for a true "now". */
function ticksAround(nowUtc: number, count = 8, step = 60): { slots: Slot[]; answers: boolean[] } {
  const slots: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const utc = T0 + i * step;
    slots.push([formatUtc(utc - 5 * 3600).slice(0, 19), utc]);
  }
  return { slots, answers: slots.map(([, utc]) => nowUtc >= utc!) };
}

describe("slotClock: what the function knows from Shopify's answers", () => {
  it("answers a gate exactly when its wall time is a slot", () => {
    const clock = slotClock([["2026-11-27T10:00:00", null]], [true]);
    expect(clock.atOrAfter("2026-11-27T10:00:00")).toBe(true);
    expect(slotClock([["2026-11-27T10:00:00", null]], [false]).atOrAfter("2026-11-27T10:00:00")).toBe(false);
  });

  it("brackets other wall times by the slots around them, and says null in between", () => {
    const { slots, answers } = ticksAround(T0 + 150); // now = 10:02:30 local
    const clock = slotClock(slots, answers);
    expect(clock.atOrAfter("2026-11-27T10:01:30")).toBe(true);
    expect(clock.atOrAfter("2026-11-27T10:03:00")).toBe(false);
    expect(clock.atOrAfter("2026-11-27T10:02:45")).toBeNull();
  });

  it.each([
    // now = T0 + 150 s; bracket [T0+120, T0+180). Budget 300 s.
    ["confirmed at now - 120 s: asOf + budget = T0+330 ≥ U", T0 + 30, true],
    ["confirmed exactly 300 s before U: fresh", T0 + 180 - 300, true],
    ["confirmed 300 s before L: stale", T0 + 120 - 300, false],
    ["between: cannot tell → null (treated as stale)", T0 + 150 - 300, null],
  ])("freshUntil: %s", (_name, asOf, expected) => {
    const { slots, answers } = ticksAround(T0 + 150);
    expect(slotClock(slots, answers).freshUntil(asOf, 300)).toBe(expected);
  });

  it("never calls a stale figure fresh: for every true age, fresh ⇒ age < budget", () => {
    for (let now = T0; now < T0 + 420; now += 7) {
      const { slots, answers } = ticksAround(now);
      const clock = slotClock(slots, answers);
      for (let age = 0; age < 600; age += 11) {
        const said = clock.freshUntil(now - age, 300);
        if (said === true) expect(age).toBeLessThan(300);
        if (said === false) expect(age).toBeGreaterThanOrEqual(300);
      }
    }
  });

  it("once every tick is in the past (the app stopped refreshing), nothing is fresh", () => {
    const { slots, answers } = ticksAround(T0 + 3600);
    const clock = slotClock(slots, answers);
    expect(clock.freshUntil(T0 + 3590, 300)).toBeNull();
    expect(clock.freshUntil(T0, 300)).toBe(false);
  });

  it("ignores slots without a boolean answer and knows nothing without slots", () => {
    const clock = slotClock([["2026-11-27T10:00:00", T0], null], [undefined, true]);
    expect(clock.atOrAfter("2026-11-27T10:00:00")).toBeNull();
    expect(slotClock([], []).freshUntil(T0, 300)).toBeNull();
  });
});

describe("readSlots: the ticks metafield, leniently", () => {
  it("reads slots, drops what is not one", () => {
    expect(readSlots({ v: 1, slots: [["2026-11-27T10:00:00", T0], ["2026-11-27T10:05", T0], ["2026-11-27T10:10:00", "x"], "junk"] })).toEqual([
      ["2026-11-27T10:00:00", T0],
      null,
      ["2026-11-27T10:10:00", null],
      null,
    ]);
  });

  it.each([null, undefined, "[]", 5, { v: 2, slots: [] }, { v: 1 }])("gives [] for %j", (value) => {
    expect(readSlots(value)).toEqual([]);
  });
});

describe("exactClock: the admin's", () => {
  it("compares wall times and ages exactly", () => {
    const clock = exactClock("2026-11-27T10:00", T0);
    expect(clock.atOrAfter("2026-11-27T10:00:00")).toBe(true);
    expect(clock.atOrAfter("2026-11-27T10:00:01")).toBe(false);
    expect(clock.freshUntil(T0 - 299, 300)).toBe(true);
    expect(clock.freshUntil(T0 - 300, 300)).toBe(false);
  });
});

describe("planClock: the slots the app writes", () => {
  const gate = (opensAt: string, closesAt?: string): Rule => ({ id: `g${opensAt}`, mode: "enforce", kind: "timeGate", skus: ["A"], opensAt, closesAt: closesAt ?? null });
  const atp = (staleAfterSeconds: number): Rule => ({ id: `a${staleAfterSeconds}`, mode: "enforce", kind: "atp", skus: [], staleAfterSeconds, whenStale: "closed" });

  it("fills exactly 12 variables t0..t11 with gates first, then ticks from the last step boundary", () => {
    const plan = planClock(ruleSet([gate("2026-11-27T10:00:00", "2026-11-28T10:00:00"), atp(600)]), T0 + 70, "America/New_York");
    expect(Object.keys(plan.variables)).toEqual(Array.from({ length: CLOCK_SLOTS }, (_, i) => `t${i}`));
    expect(plan.stepSeconds).toBe(150);
    expect(plan.ticks.slots.slice(0, 3)).toEqual([
      ["2026-11-27T10:00:00", T0],
      ["2026-11-28T10:00:00", T0 + 86400],
      ["2026-11-27T10:00:00", T0],
    ]);
    expect(plan.ticks.slots[3]).toEqual(["2026-11-27T10:02:30", T0 + 150]);
    expect(plan.coversUntil).toBe(T0 + 9 * 150);
    expect(plan.refreshAt).toBeGreaterThan(T0 + 70);
    expect(plan.refreshAt).toBeLessThan(plan.coversUntil);
  });

  it.each([
    [[], 300],
    [[atp(60)], 30],
    [[atp(100_000)], 900],
    [[atp(1200), atp(400)], 100],
  ] as [Rule[], number][])("tick step from the smallest staleness budget / 4, within 30 s – 15 min", (rules, step) => {
    expect(tickSeconds(ruleSet(rules))).toBe(step);
  });

  it("the function, given Shopify's answers at any moment the plan covers, knows the time", () => {
    const plan = planClock(ruleSet([atp(300)]), T0, "America/New_York");
    for (let now = T0; now < plan.coversUntil; now += 13) {
      const answers = plan.ticks.slots.map(([, utc]) => now >= utc!);
      const clock = slotClock(readSlots(plan.ticks), answers);
      expect(clock.freshUntil(now - 100, 300)).toBe(true);
      expect(clock.freshUntil(now - 400, 300)).toBe(false);
    }
  });

  it("DST: writes no tick whose wall time happens twice (clocks go back), and says so", () => {
    // New York, 2026-11-01: 01:59:59 EDT → 01:00:00 EST. 01:00–02:00 happens twice.
    const start = parseUtc("2026-11-01T05:30:00Z")!; // 01:30 EDT, the first pass
    const plan = planClock(ruleSet([atp(7200)]), start, "America/New_York"); // step 15 min
    const walls = plan.ticks.slots.map(([local]) => local.slice(11, 16));
    expect(walls.some((w) => w >= "01:00" && w < "02:00")).toBe(false);
    expect(walls[0]).toBe("02:00");
    expect(plan.notes.join()).toMatch(/skipped: their wall time happens twice/);
  });

  it("DST: a gate inside the hour clocks go forward keeps its wall time, without a UTC instant", () => {
    const plan = planClock(ruleSet([gate("2026-03-08T02:30:00")]), parseUtc("2026-03-01T00:00:00Z")!, "America/New_York");
    expect(plan.ticks.slots[0]).toEqual(["2026-03-08T02:30:00", null]);
    expect(plan.notes[0]).toMatch(/does not exist/);
  });

  it("refuses more gate times than it has slots for", () => {
    const gates = ["01", "02", "03", "04", "05"].map((d) => gate(`2026-12-${d}T10:00:00`));
    expect(() => planClock(ruleSet(gates), T0, "UTC")).toThrow(/at most 4/);
  });
});

describe("freshSince: the oldest fresh asOf, asked once per rule", () => {
  it.each([
    ["a slot clock between ticks", () => { const { slots, answers } = ticksAround(T0 + 150); return slotClock(slots, answers); }],
    ["a slot clock with no future tick", () => { const { slots, answers } = ticksAround(T0 + 3600); return slotClock(slots, answers); }],
    ["a slot clock with nothing", () => slotClock([], [])],
    ["the admin's exact clock", () => exactClock("2026-11-27T10:02:30", T0 + 150)],
  ] as [string, () => ReturnType<typeof slotClock>][])("%s: asOf ≥ freshSince(b) exactly when freshUntil(asOf, b) is true", (_name, make) => {
    const clock = make();
    for (const budget of [30, 300, 900]) {
      const since = clock.freshSince(budget);
      for (let asOf = T0 - 1200; asOf <= T0 + 1200; asOf++) {
        expect(since !== null && asOf >= since, `asOf ${asOf - T0}, budget ${budget}`).toBe(clock.freshUntil(asOf, budget) === true);
      }
    }
  });
});
