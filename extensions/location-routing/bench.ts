/**
 * Location routing at 1–200 cart lines, next to the floor on the same input (the harness runs
 * extensions/peakguard-floor on each input below). Inputs are what the input query returns:
 * one fulfillment group holding every line (one delivery address), four locations with
 * coordinates, and every line carrying a published ATP figure for the three that sell online
 * (values as long as real ones: 11-digit location ids, 10-digit asOf).
 *
 *   "closest"     the default strategy, every location can fulfil: sort by distance.
 *   "split"       no location has every line: the greedy cover runs (the worst case).
 * Sizes include 120 (MAX_RANKED_LINES, the largest cart the function ranks) and 121/200, where it
 * returns at once and leaves the cart to Shopify's routing.
 */
import { defineBenchmarks } from "../../functions/bench-spec";

const TARGET = "cart.fulfillment-groups.location-rankings.generate.run";
const SIZES = [1, 10, 50, 100, 120, 121, 200];
const LOCATIONS = [
  { h: "70100000001", i: "gid://shopify/Location/70100000001", a: { y: 40.6892, x: -73.9778 } },
  { h: "70100000002", i: "gid://shopify/Location/70100000002", a: { y: 41.8309, x: -87.6567 } },
  { h: "70100000003", i: "gid://shopify/Location/70100000003", a: { y: 53.3418, x: -6.2597 } },
  { h: "70100000004", i: "gid://shopify/Location/70100000004", a: { y: 34.0522, x: -118.2437 } },
];

function line(index: number, split: boolean) {
  const base = 20 + (index % 11);
  // "split": each line is stocked at one location only, in turn.
  const at = (k: number) => (split ? (index % 3 === k ? base : 0) : base + k);
  return {
    q: 1 + (index % 3),
    m: {
      a: {
        j: {
          v: 1,
          asOf: 1795791600 + index,
          total: at(0) + at(1) + at(2),
          byLocation: { "70100000001": at(0), "70100000002": at(1), "70100000004": at(2) },
        },
      },
    },
  };
}

function input(lines: number, split: boolean, config: unknown) {
  return {
    fulfillmentGroups: [
      {
        h: "FG-0000000001",
        l: LOCATIONS.map((l) => l.h),
        d: { y: 39.9526, x: -75.1652 },
        c: Array.from({ length: lines }, (_, i) => line(i, split)),
      },
    ],
    locations: LOCATIONS,
    shop: { r: config === null ? null : { j: config } },
  };
}

export default defineBenchmarks([
  { target: TARGET, label: "closest", sizes: SIZES, input: (lines) => input(lines, false, null) },
  { target: TARGET, label: "split", sizes: SIZES, input: (lines) => input(lines, true, { v: 1, strategy: "fewestSplits", fallback: "closest", cost: {} }) },
]);
