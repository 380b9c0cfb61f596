/**
 * extensions/location-routing as plain TypeScript: the exported function on hand-built
 * inputs (the fixtures under the extension run the built bundle in the sandbox).
 */
import { describe, expect, it } from "vitest";
import { readAtp } from "~/domain/inventory/atp-metafield";
import {
  byLocationOf,
  cartFulfillmentGroupsLocationRankingsGenerateRun as run,
} from "../../../extensions/location-routing/src/cart_fulfillment_groups_location_rankings_generate_run";
import type { CartFulfillmentGroupsLocationRankingsGenerateRunInput as Input } from "../../../extensions/location-routing/generated/api";

const locations: Input["locations"] = [
  { h: "101", i: "gid://shopify/Location/70100000001", a: { y: 40.6892, x: -73.9778 } },
  { h: "102", i: "gid://shopify/Location/70100000002", a: { y: 41.8309, x: -87.6567 } },
];
const figure = (bk: number, ch: number) => ({ v: 1, asOf: 1795791600, total: bk + ch, byLocation: { "70100000001": bk, "70100000002": ch } });

function input(lines: { q: number; j: unknown }[], config: unknown = null, address: { y: number; x: number } | null = { y: 39.9526, x: -75.1652 }): Input {
  return {
    fulfillmentGroups: [{ h: "g1", l: ["101", "102"], d: address, c: lines.map((l) => ({ q: l.q, m: { a: l.j === undefined ? null : { j: l.j } } })) }],
    locations,
    shop: { r: config === null ? null : { j: config } },
  };
}

describe("location-routing function", () => {
  it("ranks by the configured strategy with ranks 0, 1, …", () => {
    expect(run(input([{ q: 1, j: figure(3, 3) }], { v: 1, strategy: "lowestCost", cost: { "70100000002": 1 } }))).toEqual({
      operations: [{ fulfillmentGroupLocationRankingAdd: { fulfillmentGroupHandle: "g1", rankings: [{ locationHandle: "102", rank: 0 }, { locationHandle: "101", rank: 1 }] } }],
    });
  });

  it("never throws: broken input ends in no operations", () => {
    expect(run({} as Input)).toEqual({ operations: [] });
    expect(run({ ...input([{ q: 1, j: figure(1, 1) }]), locations: null } as unknown as Input)).toEqual({ operations: [] });
    expect(run(input([{ q: 1, j: { v: 1, total: "3" } }], "}{"))).toEqual({ operations: [] });
  });

  it("byLocationOf accepts exactly what readAtp accepts", () => {
    const values: unknown[] = [
      figure(1, 2),
      { v: 1, total: 3 },
      { v: 2, total: 3, byLocation: {} },
      { v: 1, total: 2.5, byLocation: {} },
      { v: 1, total: -1, byLocation: { a: 1 } },
      { v: 1, byLocation: { a: 1 } },
      { v: 1, total: 3, byLocation: [] },
      JSON.stringify(figure(4, 0)),
      "not json",
      null,
      7,
    ];
    for (const value of values) {
      const reading = readAtp(value);
      expect(byLocationOf(value)).toEqual(reading ? reading.byLocation : null);
    }
  });
});

describe("cart size guard", () => {
  it("ranks a cart of MAX_RANKED_LINES lines and leaves a larger one to Shopify", async () => {
    const { MAX_RANKED_LINES } = await import("../../../extensions/location-routing/src/cart_fulfillment_groups_location_rankings_generate_run");
    const lines = (n: number) => Array.from({ length: n }, () => ({ q: 1, j: figure(5, 5) }));
    expect(run(input(lines(MAX_RANKED_LINES))).operations).toHaveLength(1);
    expect(run(input(lines(MAX_RANKED_LINES + 1)))).toEqual({ operations: [] });
  });
});
