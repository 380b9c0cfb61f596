import { describe, expect, it } from "vitest";
import {
  NAMED_QUANTITIES,
  STATE_TO_TERM,
  atpFromAvailable,
  atpFromTerms,
  computeAtp,
  totalPromisable,
  type LevelInput,
  type NamedQuantities,
} from "~/domain/inventory/atp";

const T = Date.parse("2026-11-27T05:00:00Z");

function q(partial: Partial<NamedQuantities>): NamedQuantities {
  const base = { available: 0, committed: 0, reserved: 0, incoming: 0, safety_stock: 0, damaged: 0, quality_control: 0, ...partial };
  const onHand = base.available + base.committed + base.reserved + base.damaged + base.quality_control + base.safety_stock;
  return { on_hand: onHand, ...base, ...(partial.on_hand !== undefined ? { on_hand: partial.on_hand } : {}) };
}

function level(partial: Partial<NamedQuantities>, extra: Partial<LevelInput> = {}): LevelInput {
  return { sku: "PG-JKT-S", locationName: "Dublin", quantities: q(partial), availableAt: T, breakdownAt: T, peakguardHolds: 0, transfersReadyToShip: 0, ...extra };
}

describe("ATP = on_hand − reserved − in_transit_out + in_transit_in − safety_stock", () => {
  type Row = [name: string, input: LevelInput, atp: number, terms: { onHand: number; reserved: number; inTransitOut: number; inTransitIn: number; safetyStock: number }];
  const rows: Row[] = [
    ["plain stock", level({ available: 10 }), 10, { onHand: 10, reserved: 0, inTransitOut: 0, inTransitIn: 0, safetyStock: 0 }],
    ["committed to orders", level({ available: 6, committed: 4 }), 6, { onHand: 10, reserved: 4, inTransitOut: 0, inTransitIn: 0, safetyStock: 0 }],
    ["Shopify reserved, damaged, quality control all reserve", level({ available: 5, reserved: 2, damaged: 1, quality_control: 2 }), 5,
      { onHand: 10, reserved: 5, inTransitOut: 0, inTransitIn: 0, safetyStock: 0 }],
    ["safety stock kept back", level({ available: 7, safety_stock: 3 }), 7, { onHand: 10, reserved: 0, inTransitOut: 0, inTransitIn: 0, safetyStock: 3 }],
    ["incoming adds", level({ available: 4, incoming: 20 }), 24, { onHand: 4, reserved: 0, inTransitOut: 0, inTransitIn: 20, safetyStock: 0 }],
    ["Peakguard holds reserve", level({ available: 10 }, { peakguardHolds: 4 }), 6, { onHand: 10, reserved: 4, inTransitOut: 0, inTransitIn: 0, safetyStock: 0 }],
    ["transfer ready to ship moves from committed to in_transit_out (subtracted once)", level({ available: 6, committed: 4 }, { transfersReadyToShip: 3 }), 6,
      { onHand: 10, reserved: 1, inTransitOut: 3, inTransitIn: 0, safetyStock: 0 }],
    ["oversold: holds past available go negative", level({ available: 2 }, { peakguardHolds: 5 }), -3, { onHand: 2, reserved: 5, inTransitOut: 0, inTransitIn: 0, safetyStock: 0 }],
    ["Shopify available negative (oversold in Shopify)", level({ available: -2, committed: 5 }), -2, { onHand: 3, reserved: 5, inTransitOut: 0, inTransitIn: 0, safetyStock: 0 }],
  ];
  it.each(rows)("%s", (_name, input, atp, terms) => {
    const result = computeAtp(input);
    expect(result.terms).toEqual(terms);
    expect(result.atp).toBe(atp);
    expect(atpFromTerms(result.terms)).toBe(atp);
    expect(result.promisable).toBe(Math.max(0, atp));
    // the SQL form used by holds agrees with the formula
    expect(atpFromAvailable(input.quantities.available, input.quantities.incoming, input.peakguardHolds)).toBe(atp);
  });

  it("flags a negative ATP (critical) with every term in the message — never clamps it", () => {
    const result = computeAtp(level({ available: 2, committed: 1 }, { peakguardHolds: 5 }));
    expect(result.atp).toBe(-3);
    const flag = result.flags.find((f) => f.code === "negative");
    expect(flag?.severity).toBe("critical");
    expect(flag?.message).toBe("SKU PG-JKT-S at Dublin has ATP -3: on hand 3 − reserved 6 − in transit out 0 + in transit in 0 − safety stock 0");
  });

  it("no negative flag at exactly 0", () => {
    expect(computeAtp(level({ available: 0, committed: 2 })).flags.map((f) => f.code)).not.toContain("negative");
  });

  it("derives on_hand from a newer webhook `available` and says so; ATP follows the webhook", () => {
    const input = level({ available: 10, committed: 2 }, { availableAt: T + 60_000, breakdownAt: T });
    input.quantities.available = 4; // webhook: 6 more sold, breakdown not re-read
    const result = computeAtp(input);
    expect(result.atp).toBe(4);
    expect(result.terms.onHand).toBe(6);
    expect(result.flags.map((f) => f.code)).toContain("on_hand_derived");
    expect(result.asOf).toBe(T);
  });

  it("flags a breakdown that breaks Shopify's on_hand invariant", () => {
    const result = computeAtp(level({ available: 5, on_hand: 9 }));
    expect(result.flags.find((f) => f.code === "breakdown_mismatch")?.message).toMatch(/on_hand 9 ≠ .* = 5/);
  });

  it("caps in_transit_out at committed and flags the inconsistency", () => {
    const result = computeAtp(level({ available: 5, committed: 1 }, { transfersReadyToShip: 4 }));
    expect(result.terms.inTransitOut).toBe(1);
    expect(result.flags.map((f) => f.code)).toContain("transit_exceeds_committed");
    expect(result.atp).toBe(5);
  });

  it("totals only what can be promised: a negative location lends nothing", () => {
    expect(totalPromisable([{ promisable: 3 }, { promisable: 0 }, { promisable: 5 }])).toBe(8);
  });
});

describe("Shopify state → ATP term mapping", () => {
  it("maps every named quantity explicitly", () => {
    for (const name of NAMED_QUANTITIES) expect(STATE_TO_TERM[name]).toBeDefined();
  });

  it.each([
    ["on_hand", "on_hand", 1],
    ["committed", "reserved", -1],
    ["reserved", "reserved", -1],
    ["damaged", "reserved", -1],
    ["quality_control", "reserved", -1],
    ["safety_stock", "safety_stock", -1],
    ["incoming", "in_transit_in", 1],
    ["available", null, 0],
    ["peakguard_holds", "reserved", -1],
    ["transfers_ready_to_ship", "in_transit_out", -1],
  ] as const)("%s → %s", (state, term, sign) => {
    expect(STATE_TO_TERM[state].term).toBe(term);
    expect(STATE_TO_TERM[state].sign).toBe(sign);
  });

  it("the mapping agrees with the formula: +1 on a state moves ATP by its sign", () => {
    const base = computeAtp(level({ available: 5, committed: 2, reserved: 1, damaged: 1, quality_control: 1, safety_stock: 1, incoming: 3 })).atp;
    for (const name of ["committed", "reserved", "damaged", "quality_control", "safety_stock"] as const) {
      // one more unit in this state, on_hand up by one (a receipt straight into it): ATP unchanged
      const before = { available: 5, committed: 2, reserved: 1, damaged: 1, quality_control: 1, safety_stock: 1, incoming: 3 };
      const more = computeAtp(level({ ...before, [name]: before[name] + 1 }));
      expect(more.atp - base).toBe(STATE_TO_TERM.on_hand.sign + STATE_TO_TERM[name].sign);
    }
    const incoming = computeAtp(level({ available: 5, committed: 2, reserved: 1, damaged: 1, quality_control: 1, safety_stock: 1, incoming: 4 })).atp;
    expect(incoming - base).toBe(STATE_TO_TERM.incoming.sign);
  });
});
