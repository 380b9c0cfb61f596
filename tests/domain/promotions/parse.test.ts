import { describe, expect, it } from "vitest";
import { evaluate } from "~/domain/promotions/evaluate";
import { parsePromotionSet } from "~/domain/promotions/parse";
import type { CartContext } from "~/domain/promotions/types";
import { serializePromotionSet, validatePromotionSet } from "~/domain/promotions/validate";
import { prng } from "./fixtures";
import { authoredSet, MUG, SALE, SHIRTS } from "./seed-set";

type Json = Record<string, unknown>;

function storedSet(): Json {
  const result = validatePromotionSet(authoredSet());
  if (!result.ok) throw new Error("seed must validate");
  return JSON.parse(serializePromotionSet(result.set)) as Json;
}
const ids = (json: unknown) => parsePromotionSet(json)?.promotions.map((p) => p.id);

describe("parsePromotionSet (the Function's lenient reader)", () => {
  it("reads the metafield as a string or as jsonValue", () => {
    const stored = storedSet();
    expect(parsePromotionSet(JSON.stringify(stored))).toEqual(parsePromotionSet(stored));
    expect(ids(stored)).toEqual(["vip-15", "bfcm-20", "happy-hour", "shirts-3for2", "welcome", "free-ship"]);
  });

  it.each([
    ["not JSON", "{oops"],
    ["null", null],
    ["a list", []],
    ["another schema version", { ...storedSet(), schemaVersion: 2 }],
    ["no currency", { ...storedSet(), currencyCode: undefined }],
    ["no floor", { ...storedSet(), floor: undefined }],
    ["a floor that is not a number", { ...storedSet(), floor: { minPercentOfSubtotal: "40" } }],
    ["promotions not a list", { ...storedSet(), promotions: {} }],
  ])("returns null (apply nothing) for %s", (_name, value) => {
    expect(parsePromotionSet(value)).toBeNull();
  });

  it.each([
    ["an unreadable condition", (p: Json) => { (p.conditions as Json).customerTags = "vip"; }],
    ["an unreadable cap", (p: Json) => { p.caps = { maxDiscountCents: "100.00" }; }],
    ["an unknown action type", (p: Json) => { p.action = { type: "mystery" }; }],
    ["a percent over 100", (p: Json) => { p.action = { type: "percent_off", percent: 150, appliesTo: "order" }; }],
    ["a time window not compiled to UTC", (p: Json) => { (p.conditions as Json).timeWindow = { start: "2026-11-27T00:00", end: "2026-11-28T00:00", zone: "Z" }; }],
    ["no priority", (p: Json) => { delete p.priority; }],
  ])("drops a promotion with %s instead of loosening it", (_name, spoil) => {
    const stored = storedSet();
    spoil((stored.promotions as Json[])[0]!);
    expect(ids(stored)).toEqual(["bfcm-20", "happy-hour", "shirts-3for2", "welcome", "free-ship"]);
  });

  it("drops every copy of a duplicated id, and ignores fields it does not know", () => {
    const stored = storedSet();
    const promotions = stored.promotions as Json[];
    promotions[1]!.id = "vip-15";
    promotions[2]!.addedLater = { anything: true };
    expect(ids(stored)).toEqual(["happy-hour", "shirts-3for2", "welcome", "free-ship"]);
  });

  it("never throws, whatever is in the metafield, and neither does evaluate() on what it returns", () => {
    const cart: CartContext = {
      lines: [{ id: "l1", quantity: 3, subtotalCents: 9000, productId: MUG, sku: "MUG-1", collectionIds: [SHIRTS, SALE] }],
      customer: { id: "c", numberOfOrders: 0, tags: ["vip"] },
      now: { shopLocal: "2026-11-27T19:00:00", utcOffsetMinutes: -300 },
      customerUses: {},
      budgetUsed: {},
      deliveryOptions: [{ handle: "standard", costCents: 500 }],
    };
    const r = prng(99);
    const junk = (depth: number): unknown => {
      const k = Math.floor(r() * 8);
      if (depth > 3 || k < 3) return [null, 1, -1, 1.5, "x", true, "", "*"][Math.floor(r() * 8)];
      if (k < 5) return Array.from({ length: Math.floor(r() * 4) }, () => junk(depth + 1));
      const keys = ["schemaVersion", "currencyCode", "floor", "promotions", "id", "priority", "action", "type", "conditions", "caps", "percent", "appliesTo"];
      return Object.fromEntries(keys.filter(() => r() < 0.5).map((key) => [key, junk(depth + 1)]));
    };
    for (let i = 0; i < 2000; i++) {
      const stored = storedSet();
      const promotions = stored.promotions as Json[];
      const victim = promotions[Math.floor(r() * promotions.length)]!;
      const field = ["conditions", "action", "caps", "exclusions", "stacksWith", "priority"][Math.floor(r() * 6)]!;
      victim[field] = junk(0);
      expect(() => parsePromotionSet(stored)).not.toThrow();
      expect(() => parsePromotionSet(junk(0))).not.toThrow();
      // and whatever it lets through, the engine evaluates without throwing
      const parsed = parsePromotionSet(stored);
      if (parsed) expect(() => evaluate(parsed, cart)).not.toThrow();
    }
  });
});
