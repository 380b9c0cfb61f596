import { describe, expect, it } from "vitest";
import { applyOrderEvent, INITIAL_MACHINE, replayOf, type ApplyResult, type OrderEventInput, type OrderMachine } from "~/domain/orders/apply";
import { NO_FACTS, type OrderFacts, type OrderSnapshot } from "~/domain/orders/facts";
import {
  findRow,
  GUARD_NAMES,
  GUARDS,
  ORDER_EVENTS,
  ORDER_STATES,
  ORDER_TRANSITIONS,
  planPath,
  stateOf,
  transition,
  type OrderState,
} from "~/domain/orders/machine";
import { prng, shuffle, simulateOrder } from "./simulate";

const AT = Date.parse("2026-11-27T05:00:00Z");

function snap(over: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return { financial: "paid", fulfillment: "unfulfilled", cancelled: false, totalMinor: 12_000, lineQuantities: { L1: 2, L2: 1 }, at: AT, ...over };
}

/** Facts under which `state` is what stateOf derives (one example per state). */
const FACTS_FOR: Record<OrderState, OrderFacts> = {
  cart: NO_FACTS,
  pending_payment: { ...NO_FACTS, snapshot: snap({ financial: "pending" }) },
  authorized: { ...NO_FACTS, snapshot: snap({ financial: "authorized" }) },
  captured: { ...NO_FACTS, snapshot: snap() },
  partially_fulfilled: { ...NO_FACTS, snapshot: snap({ fulfillment: "partial" }) },
  fulfilled: { ...NO_FACTS, snapshot: snap({ fulfillment: "fulfilled" }) },
  partially_refunded: { ...NO_FACTS, snapshot: snap({ fulfillment: "fulfilled", financial: "partially_refunded" }) },
  refunded: { ...NO_FACTS, snapshot: snap({ fulfillment: "fulfilled", financial: "refunded" }) },
  cancelled: { ...NO_FACTS, snapshot: snap({ cancelled: true, financial: "voided" }) },
  disputed: { ...NO_FACTS, snapshot: snap({ fulfillment: "fulfilled" }), disputes: { D1: { status: "needs_response", at: AT } } },
  chargeback: { ...NO_FACTS, snapshot: snap({ fulfillment: "fulfilled" }), disputes: { D1: { status: "lost", at: AT } } },
  returned: {
    ...NO_FACTS,
    snapshot: snap({ fulfillment: "fulfilled" }),
    returns: { RET1: { status: "closed", units: { L1: 2, L2: 1 }, at: AT } },
  },
};

describe("the transition table", () => {
  it("has only known states and events, and no duplicate rows", () => {
    const keys = ORDER_TRANSITIONS.map((row) => `${row.from}>${row.to}:${row.event}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of ORDER_TRANSITIONS) {
      expect(ORDER_STATES).toContain(row.from);
      expect(ORDER_STATES).toContain(row.to);
      expect(ORDER_EVENTS).toContain(row.event);
      for (const guard of row.guards) expect(GUARD_NAMES).toContain(guard);
    }
  });

  it("holds the rows a real order needs", () => {
    expect(findRow("captured", "fulfilled", "fulfilled")).toBeDefined(); // one shipment
    expect(findRow("partially_refunded", "refunded", "refunded")).toBeDefined();
    expect(findRow("disputed", "captured", "dispute_won")).toBeDefined();
    expect(findRow("disputed", "chargeback", "dispute_lost")).toBeDefined();
    for (const from of ORDER_STATES.filter((s) => !["cart", "disputed", "chargeback"].includes(s))) {
      expect(findRow(from, "disputed", "dispute_opened"), `${from} → disputed`).toBeDefined();
    }
  });

  const pairs = ORDER_STATES.flatMap((state) => ORDER_EVENTS.map((event) => ({ state, event })));
  const missingPairs = pairs.filter(({ state, event }) => !ORDER_TRANSITIONS.some((row) => row.from === state && row.event === event));

  it.each(missingPairs)("refuses $event from $state, naming the state and the event", ({ state, event }) => {
    for (const to of ORDER_STATES) {
      const result = transition({ order: "#1001", from: state, to, event, source: "orders/paid", facts: FACTS_FOR[to] });
      expect(result).toEqual({
        ok: false,
        code: "not_in_table",
        message: `order #1001 is ${state}; event orders/paid (${event}) is not allowed from ${state}`,
      });
    }
  });

  it("refuses every (from, to, event) triple that is not a row, even when its event is allowed elsewhere", () => {
    let refused = 0;
    for (const from of ORDER_STATES) {
      for (const to of ORDER_STATES) {
        for (const event of ORDER_EVENTS) {
          if (findRow(from, to, event)) continue;
          const result = transition({ order: "#7", from, to, event, source: "test", facts: FACTS_FOR[to] });
          expect(result.ok, `${from} → ${to} (${event})`).toBe(false);
          if (!result.ok) {
            expect(result.code).toBe("not_in_table");
            expect(result.message).toContain(`is ${from}`);
            expect(result.message).toContain(`(${event})`);
          }
          refused++;
        }
      }
    }
    expect(refused).toBe(ORDER_STATES.length * ORDER_STATES.length * ORDER_EVENTS.length - ORDER_TRANSITIONS.length);
  });

  it.each(ORDER_TRANSITIONS.map((row) => ({ ...row })))("$from → $to ($event) is allowed when the facts say $to", (row) => {
    expect(stateOf(FACTS_FOR[row.to])).toBe(row.to);
    const result = transition({ order: "#1", from: row.from, to: row.to, event: row.event, source: "test", facts: FACTS_FOR[row.to] });
    expect(result.ok).toBe(true);
  });

  it.each(ORDER_TRANSITIONS.map((row) => ({ ...row })))("$from → $to ($event) is refused by its guard when the facts do not say $to", (row) => {
    const other = row.to === "captured" ? FACTS_FOR.pending_payment : FACTS_FOR.captured;
    const result = transition({ order: "#1", from: row.from, to: row.to, event: row.event, source: "test", facts: other });
    expect(result).toMatchObject({ ok: false, code: "guard_refused" });
    if (!result.ok) expect(result.message).toMatch(new RegExp(`^order #1 is ${row.from}; event test \\(${row.event}\\) to ${row.to} is refused: .+`));
  });

  it("every guard is a pure function of the facts (same facts, same answer)", () => {
    for (const name of GUARD_NAMES) {
      for (const facts of Object.values(FACTS_FOR)) expect(GUARDS[name](facts)).toBe(GUARDS[name](structuredClone(facts)));
    }
  });
});

describe("stateOf: one state from Shopify's separate statuses", () => {
  it.each(Object.entries(FACTS_FOR))("%s", (state, facts) => {
    expect(stateOf(facts)).toBe(state);
  });

  it.each([
    ["a lost dispute outranks a cancellation", { ...FACTS_FOR.cancelled, disputes: { D: { status: "lost" as const, at: AT } } }, "chargeback"],
    ["an accepted dispute is a chargeback", { ...FACTS_FOR.fulfilled, disputes: { D: { status: "accepted" as const, at: AT } } }, "chargeback"],
    ["a won dispute leaves the order where its other facts put it", { ...FACTS_FOR.fulfilled, disputes: { D: { status: "won" as const, at: AT } } }, "fulfilled"],
    ["cancelled and refunded is cancelled", { ...NO_FACTS, snapshot: snap({ cancelled: true, financial: "refunded" }) }, "cancelled"],
    ["refunds adding up to the total are a full refund", { ...FACTS_FOR.fulfilled, refunds: { R1: { amountMinor: 12_000, at: AT } } }, "refunded"],
    ["a smaller refund is partial", { ...FACTS_FOR.fulfilled, refunds: { R1: { amountMinor: 100, at: AT } } }, "partially_refunded"],
    ["a return closed with a partial refund (fees kept) is returned", { ...FACTS_FOR.returned, refunds: { R1: { amountMinor: 11_000, at: AT } } }, "returned"],
    ["a returned and fully refunded order is refunded", { ...FACTS_FOR.returned, refunds: { R1: { amountMinor: 12_000, at: AT } } }, "refunded"],
    ["an open return is not returned yet", { ...FACTS_FOR.fulfilled, returns: { RET1: { status: "open" as const, units: { L1: 2, L2: 1 }, at: AT } } }, "fulfilled"],
    ["a refund seen before any order snapshot proves a capture", { ...NO_FACTS, refunds: { R1: { amountMinor: 100, at: AT } } }, "partially_refunded"],
    ["an expired authorization is cancelled", { ...NO_FACTS, snapshot: snap({ financial: "expired" }) }, "cancelled"],
  ] as [string, OrderFacts, OrderState][])("%s", (_name, facts, state) => {
    expect(stateOf(facts)).toBe(state);
  });
});

describe("planPath: several rows when Shopify's facts jump ahead", () => {
  it("a POS order seen first paid and fulfilled goes cart → captured → fulfilled", () => {
    expect(planPath("cart", "fulfilled", FACTS_FOR.fulfilled)).toEqual([findRow("cart", "captured", "captured"), findRow("captured", "fulfilled", "fulfilled")]);
  });

  it("finds no path out of a chargeback", () => {
    expect(planPath("chargeback", "captured", FACTS_FOR.captured)).toBeNull();
  });
});

/** Delivers events in the given order, replays included, like the service does with its (order, event key) log. */
function run(events: OrderEventInput[]): { machine: OrderMachine; results: ApplyResult[] } {
  const log = new Map<string, ApplyResult>();
  let machine = INITIAL_MACHINE;
  const results: ApplyResult[] = [];
  for (const event of events) {
    const prior = log.get(event.key);
    if (prior) {
      results.push(replayOf(prior));
      continue;
    }
    const { next, result } = applyOrderEvent("#1001", machine, event);
    log.set(event.key, result);
    results.push(result);
    machine = next;
  }
  return { machine, results };
}

const snapshotEvent = (key: string, source: string, over: Partial<OrderSnapshot>): OrderEventInput => {
  const snapshot = snap(over);
  return { key, source, at: snapshot.at, change: { kind: "snapshot", snapshot } };
};

describe("applyOrderEvent", () => {
  it("applies a placed order, then a fulfilment, recording the rows taken", () => {
    const { machine, results } = run([
      snapshotEvent("e1", "orders/create", { financial: "authorized" }),
      snapshotEvent("e2", "orders/paid", { at: AT + 1_000 }),
      snapshotEvent("e3", "orders/fulfilled", { fulfillment: "fulfilled", at: AT + 2_000 }),
    ]);
    expect(machine.state).toBe("fulfilled");
    expect(results.map((r) => [r.outcome, r.from, r.to])).toEqual([
      ["applied", "cart", "authorized"],
      ["applied", "authorized", "captured"],
      ["applied", "captured", "fulfilled"],
    ]);
    expect(results[2]?.message).toBe("order #1001: captured → fulfilled (fulfilled) via orders/fulfilled");
  });

  it("a replayed event is a no-op that returns the first result", () => {
    const e1 = snapshotEvent("e1", "orders/create", {});
    const e2 = snapshotEvent("e2", "orders/fulfilled", { fulfillment: "fulfilled", at: AT + 5_000 });
    const once = run([e1, e2]);
    const twice = run([e1, e2, e2, e1]);
    expect(twice.machine).toEqual(once.machine);
    expect(twice.results[2]).toEqual({ ...twice.results[1], replayed: true });
    expect(twice.results[3]).toEqual({ ...twice.results[0], replayed: true });
  });

  it("an older snapshot arriving after a newer one is superseded: recorded, not applied", () => {
    const { machine, results } = run([
      snapshotEvent("new", "orders/fulfilled", { fulfillment: "fulfilled", at: AT + 60_000 }),
      snapshotEvent("old", "orders/paid", { at: AT }),
    ]);
    expect(machine.state).toBe("fulfilled");
    expect(results[1]).toMatchObject({ outcome: "superseded", from: "fulfilled", to: "fulfilled" });
    expect(results[1]?.message).toBe(
      "orders/paid of 2026-11-27T05:00:00.000Z is older than the order snapshot already applied (2026-11-27T05:01:00.000Z); recorded, not applied",
    );
  });

  it("a refund counted once even when its event key differs (same refund id)", () => {
    const refund = (key: string): OrderEventInput => ({ key, source: "refunds/create", at: AT + 1, change: { kind: "refund", refundId: "R9", amountMinor: 500 } });
    const { results } = run([snapshotEvent("e1", "orders/create", { fulfillment: "fulfilled" }), refund("a"), refund("b")]);
    expect(results.map((r) => r.outcome)).toEqual(["applied", "applied", "duplicate"]);
  });

  it("refuses (and records) a move the table does not have, keeping Shopify's facts", () => {
    const { machine, results } = run([
      snapshotEvent("e1", "orders/create", { fulfillment: "fulfilled", financial: "refunded" }),
      snapshotEvent("e2", "orders/updated", { fulfillment: "fulfilled", financial: "paid", at: AT + 1_000 }),
    ]);
    expect(machine.state).toBe("refunded");
    expect(machine.facts.snapshot?.financial).toBe("paid");
    expect(results[1]).toMatchObject({
      outcome: "refused",
      code: "not_in_table",
      message: "order #1001 is refunded; event orders/updated (fulfilled) is not allowed from refunded",
    });
  });

  it("a dispute won returns the order to captured; lost ends in chargeback", () => {
    const dispute = (key: string, status: "needs_response" | "won" | "lost", at: number): OrderEventInput => ({
      key,
      source: status === "needs_response" ? "disputes/create" : "disputes/update",
      at,
      change: { kind: "dispute", disputeId: "D1", status },
    });
    const won = run([snapshotEvent("e1", "orders/paid", {}), dispute("d1", "needs_response", AT + 1), dispute("d2", "won", AT + 2)]);
    expect(won.results.map((r) => `${r.from}>${r.to}`)).toEqual(["cart>captured", "captured>disputed", "disputed>captured"]);
    const lost = run([snapshotEvent("e1", "orders/paid", {}), dispute("d1", "needs_response", AT + 1), dispute("d2", "lost", AT + 2)]);
    expect(lost.machine.state).toBe("chargeback");
    // The dispute's own events are ordered by their time too: an old "needs_response" after "lost" is superseded.
    const late = run([snapshotEvent("e1", "orders/paid", {}), dispute("d2", "lost", AT + 2), dispute("d1", "needs_response", AT + 1)]);
    expect(late.machine.state).toBe("chargeback");
    expect(late.results[2]?.outcome).toBe("superseded");
  });
});

describe("property: random order lives, delivered in random order with duplicates (seeded)", () => {
  const SEEDS = Array.from({ length: 300 }, (_, i) => 1_000 + i);

  it.each([1, 2, 3])("batch %i: no state outside the table, replays are no-ops, every permutation converges", (batch) => {
    for (const seed of SEEDS.slice((batch - 1) * 100, batch * 100)) {
      const random = prng(seed);
      const events = simulateOrder(random, 2 + Math.floor(random() * 8), String(seed));
      // In time order a real life applies without a refusal: the table is complete for it.
      const sorted = run(events);
      const expected = sorted.machine.state;
      expect(sorted.results.filter((r) => r.outcome === "refused"), `seed ${seed}`).toEqual([]);
      expect(expected, `seed ${seed}`).toBe(stateOf(sorted.machine.facts));

      for (let attempt = 0; attempt < 5; attempt++) {
        const duplicated = events.flatMap((event) => (random() < 0.3 ? [event, event] : [event]));
        const delivered = shuffle(random, duplicated);
        const { machine, results } = run(delivered);
        expect(machine.state, `seed ${seed} attempt ${attempt}: ${delivered.map((e) => e.key).join(",")}`).toBe(expected);
        for (const result of results) {
          expect(ORDER_STATES).toContain(result.to);
          for (const step of result.steps) expect(findRow(step.from, step.to, step.event), `seed ${seed}: ${step.from}>${step.to}`).toBeDefined();
          if (result.outcome !== "applied") expect(result.steps).toEqual([]);
        }
        const seenKeys = new Set<string>();
        delivered.forEach((event, index) => {
          if (seenKeys.has(event.key)) expect(results[index]?.replayed).toBe(true);
          seenKeys.add(event.key);
        });
      }
    }
  });

  it("arbitrary (even impossible) event streams never leave the table", () => {
    const random = prng(42);
    const financials = ["pending", "authorized", "paid", "partially_refunded", "refunded", "voided", null] as const;
    const fulfillments = ["unfulfilled", "partial", "fulfilled"] as const;
    for (let round = 0; round < 200; round++) {
      const events: OrderEventInput[] = Array.from({ length: 12 }, (_, i) => {
        const at = AT + Math.floor(random() * 100) * 1_000;
        const kind = Math.floor(random() * 4);
        const key = `r${round}-${i}`;
        if (kind === 0)
          return snapshotEvent(key, "orders/updated", {
            financial: financials[Math.floor(random() * financials.length)] ?? null,
            fulfillment: fulfillments[Math.floor(random() * fulfillments.length)] ?? "unfulfilled",
            cancelled: random() < 0.2,
            at,
          });
        if (kind === 1) return { key, source: "refunds/create", at, change: { kind: "refund", refundId: `R${i}`, amountMinor: Math.floor(random() * 8_000) } };
        if (kind === 2)
          return { key, source: "disputes/update", at, change: { kind: "dispute", disputeId: "D", status: (["needs_response", "won", "lost", "under_review"] as const)[Math.floor(random() * 4)] ?? "won" } };
        return { key, source: "returns/close", at, change: { kind: "return", returnId: "RET", status: random() < 0.5 ? "closed" : "open", units: { L1: 2, L2: 1 } } };
      });
      const { results } = run(events);
      let state: OrderState = "cart";
      for (const result of results) {
        expect(result.from).toBe(state);
        for (const step of result.steps) expect(findRow(step.from, step.to, step.event)).toBeDefined();
        state = result.to;
      }
    }
  });
});
