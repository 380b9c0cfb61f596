import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING, parseRoutingConfig, type RoutingConfig } from "~/domain/routing/config";
import { haversineKm, latLng } from "~/domain/routing/geo";
import { rankGroup, type RoutingGroup, type RoutingLocation } from "~/domain/routing/rank";

// Brooklyn, Chicago, Dublin (the emulator's seed) and a Newark warehouse.
const LOCATIONS: RoutingLocation[] = [
  { handle: "h-bk", key: "70100000001", lat: 40.6892, lng: -73.9778 },
  { handle: "h-ch", key: "70100000002", lat: 41.8309, lng: -87.6567 },
  { handle: "h-du", key: "70100000003", lat: 53.3418, lng: -6.2597 },
  { handle: "h-nw", key: "70100000004", lat: null, lng: null },
];
const ALL = LOCATIONS.map((l) => l.handle);
const PHILADELPHIA = { lat: 39.9526, lng: -75.1652 };
const DENVER = { lat: 39.7392, lng: -104.9903 };

const config = (partial: Partial<RoutingConfig>): RoutingConfig => ({ ...DEFAULT_ROUTING, ...partial });
const atp = (bk: number, ch: number, du: number, nw = 0) => ({ "70100000001": bk, "70100000002": ch, "70100000003": du, "70100000004": nw });
const group = (lines: RoutingGroup["lines"], address: RoutingGroup["address"] = PHILADELPHIA, handles = ALL): RoutingGroup => ({
  handle: "g1",
  locationHandles: handles,
  address,
  lines,
});

describe("haversine", () => {
  it("New York – London is about 5,570 km; a point to itself is 0", () => {
    expect(haversineKm({ lat: 40.7128, lng: -74.006 }, { lat: 51.5074, lng: -0.1278 })).toBeCloseTo(5570, -1);
    expect(haversineKm(PHILADELPHIA, PHILADELPHIA)).toBe(0);
  });
  it("refuses unusable coordinates", () => {
    expect(latLng(null, 2)).toBeNull();
    expect(latLng(91, 0)).toBeNull();
    expect(latLng(Number.NaN, 0)).toBeNull();
    expect(latLng(1, 2)).toEqual({ lat: 1, lng: 2 });
  });
});

describe("strategies, table-driven", () => {
  type Row = [name: string, cfg: Partial<RoutingConfig>, g: RoutingGroup, ranked: string[], decidedBy: string | null];
  const rows: Row[] = [
    ["closest: Philadelphia → Brooklyn, Chicago, Dublin; Newark (no coordinates) last",
      { strategy: "closest" }, group([{ quantity: 1, atp: atp(5, 5, 5, 5) }]), ["h-bk", "h-ch", "h-du", "h-nw"], "closest"],
    ["closest: Denver → Chicago first",
      { strategy: "closest" }, group([{ quantity: 1, atp: atp(5, 5, 5) }], DENVER), ["h-ch", "h-bk", "h-du"], "closest"],
    ["closest ranks only locations that can fulfil every line",
      { strategy: "closest" }, group([{ quantity: 2, atp: atp(1, 5, 5) }, { quantity: 1, atp: atp(5, 0, 5) }]), ["h-du"], "closest"],
    ["closest without the address's coordinates → fallback fewestSplits (id order when nothing else differs)",
      { strategy: "closest", fallback: "fewestSplits" }, group([{ quantity: 1, atp: atp(5, 5, 5) }], null), ["h-bk", "h-ch", "h-du"], "fewestSplits"],
    ["closest without coordinates → fallback lowestCost",
      { strategy: "closest", fallback: "lowestCost", cost: { "70100000003": 100, "70100000002": 300 } }, group([{ quantity: 1, atp: atp(5, 5, 5) }], null),
      ["h-du", "h-ch", "h-bk"], "lowestCost"],
    ["lowestCost: cheapest first, locations without a cost last",
      { strategy: "lowestCost", cost: { "70100000002": 250, "70100000003": 900 } }, group([{ quantity: 1, atp: atp(5, 5, 5) }]), ["h-ch", "h-du", "h-bk"], "lowestCost"],
    ["lowestCost tie on cost → closer first",
      { strategy: "lowestCost", cost: { "70100000001": 500, "70100000002": 500 } }, group([{ quantity: 1, atp: atp(5, 5, 0) }], DENVER), ["h-ch", "h-bk"], "lowestCost"],
    ["lowestCost with no cost table → fallback (closest)",
      { strategy: "lowestCost", fallback: "closest" }, group([{ quantity: 1, atp: atp(5, 5, 5) }]), ["h-bk", "h-ch", "h-du"], "closest"],
    ["fewestSplits: full locations only, ties by distance",
      { strategy: "fewestSplits" }, group([{ quantity: 3, atp: atp(3, 3, 2) }]), ["h-bk", "h-ch"], "fewestSplits"],
    ["fewestSplits tie on everything → lower location id",
      { strategy: "fewestSplits" }, group([{ quantity: 1, atp: atp(5, 0, 0, 5) }], null, ["h-nw", "h-bk"]), ["h-bk", "h-nw"], "fewestSplits"],
    ["must split: greedy cover by units (Chicago covers 3, then Dublin covers the rest)",
      { strategy: "closest" },
      group([{ quantity: 3, atp: atp(0, 3, 0) }, { quantity: 1, atp: atp(1, 0, 1) }, { quantity: 1, atp: atp(0, 0, 1) }]),
      ["h-ch", "h-du", "h-bk"], "splitCover"],
    ["must split: cover tie broken by the strategy (closest: Brooklyn before Dublin)",
      { strategy: "closest" }, group([{ quantity: 2, atp: atp(2, 0, 2) }, { quantity: 2, atp: atp(0, 2, 0) }]), ["h-bk", "h-ch", "h-du"], "splitCover"],
    ["no location has ATP for anything → no ranking", { strategy: "closest" }, group([{ quantity: 9, atp: atp(1, 1, 1) }]), [], null],
    ["a line with unknown ATP → no ranking (Shopify's routing applies)", { strategy: "closest" }, group([{ quantity: 1, atp: atp(5, 5, 5) }, { quantity: 1, atp: null }]), [], null],
    ["negative ATP never fulfils", { strategy: "closest" }, group([{ quantity: 1, atp: atp(-2, 1, 0) }]), ["h-ch"], "closest"],
    ["handles outside the group's list are never ranked", { strategy: "closest" }, group([{ quantity: 1, atp: atp(5, 5, 5) }], PHILADELPHIA, ["h-du"]), ["h-du"], "closest"],
  ];
  it.each(rows)("%s", (_name, cfg, g, ranked, decidedBy) => {
    const result = rankGroup(g, LOCATIONS, config(cfg));
    expect(result.ranked).toEqual(ranked);
    expect(result.decidedBy).toBe(decidedBy);
  });

  it("does not depend on the order locations arrive in", () => {
    const g = group([{ quantity: 1, atp: atp(5, 5, 5, 5) }], null);
    for (const strategy of ["closest", "fewestSplits", "lowestCost"] as const) {
      const a = rankGroup(g, LOCATIONS, config({ strategy })).ranked;
      const b = rankGroup({ ...g, locationHandles: [...ALL].reverse() }, [...LOCATIONS].reverse(), config({ strategy })).ranked;
      expect(b).toEqual(a);
    }
  });
});

describe("routing config reader (lenient, never throws)", () => {
  it.each([
    [undefined, DEFAULT_ROUTING],
    ["not json", DEFAULT_ROUTING],
    [{ v: 2, strategy: "lowestCost" }, DEFAULT_ROUTING],
    [[1, 2], DEFAULT_ROUTING],
    [{ v: 1, strategy: "teleport", fallback: "lowestCost" }, { ...DEFAULT_ROUTING, fallback: "lowestCost" }],
    ['{"v":1,"strategy":"lowestCost","cost":{"1":5,"2":-3,"3":"x"}}', { v: 1, strategy: "lowestCost", fallback: "fewestSplits", cost: { "1": 5 } }],
  ])("%j", (value, expected) => {
    expect(parseRoutingConfig(value)).toEqual(expected);
  });
});
