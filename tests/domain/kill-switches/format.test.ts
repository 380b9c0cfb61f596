import { describe, expect, it } from "vitest";
import {
  arePromotionsFrozen,
  DEFAULT_REGION_MESSAGE,
  EMPTY_KILL_SWITCHES,
  isDeliveryOptionKilled,
  isPaymentMethodKilled,
  isPromotionKilled,
  parseKillSwitches,
  regionBlock,
  type KillSwitches,
} from "~/domain/kill-switches/format";
import { checkedKillSwitchValue, serializeKillSwitches } from "~/domain/kill-switches/serialize";

const stored = {
  v: 1,
  rev: 4,
  pay: [{ name: "Cash on Delivery (COD)" }, { name: "Klarna*", mk: ["eu"], until: "2026-11-29" }],
  ship: [{ handle: "express" }, { title: "DHL Express", mk: ["uk"] }, { type: "PICKUP_POINT" }],
  promo: [{ id: "bf-20-off" }, { id: "happy-hour", until: "2026-11-28" }],
  region: [
    { cc: "fr", msg: { EN: "No orders to France today.", fr: "Pas de commandes vers la France aujourd'hui.", pt_BR: "Hoje não." } },
    { mk: "latam" },
    { cc: "DE", mk: "eu", until: "2026-11-27" },
  ],
};

describe("parseKillSwitches (the functions' lenient reader)", () => {
  it("reads jsonValue and the string value alike, and serialises back to the same state", () => {
    const ks = parseKillSwitches(stored);
    expect(parseKillSwitches(JSON.stringify(stored))).toEqual(ks);
    expect(parseKillSwitches(serializeKillSwitches(ks))).toEqual(ks);
    expect(ks.rev).toBe(4);
    expect(ks.region[0]?.cc).toBe("FR");
  });

  it.each([
    ["absent", undefined],
    ["null", null],
    ["not JSON", "{oops"],
    ["a list", []],
    ["another version", { ...stored, v: 2 }],
    ["no version", { pay: [{ name: "PayPal" }] }],
  ])("kills nothing for %s", (_name, value) => {
    const ks = parseKillSwitches(value);
    expect(ks).toEqual(EMPTY_KILL_SWITCHES);
    expect(isPaymentMethodKilled(ks, "PayPal")).toBe(false);
    expect(isPromotionKilled(ks, "any")).toBe(false);
  });

  it("drops an entry it cannot read in full and keeps the others", () => {
    const ks = parseKillSwitches({
      v: 1,
      pay: [{ name: "" }, { name: "PayPal", until: "tomorrow" }, { name: "Klarna", mk: "eu" }, { name: "COD" }, "x"],
      ship: [{}, { mk: ["uk"] }, { handle: "std" }],
      region: [{ msg: { en: "blocked" } }, { cc: "IT" }],
    });
    expect(ks.pay.map((s) => s.name)).toEqual(["COD"]);
    expect(ks.ship).toEqual([{ handle: "std" }]);
    expect(ks.region).toEqual([{ cc: "IT" }]);
  });

  it("freeze: true or an object switches the master freeze on", () => {
    expect(arePromotionsFrozen(parseKillSwitches({ v: 1, freeze: true }))).toBe(true);
    expect(arePromotionsFrozen(parseKillSwitches({ v: 1, freeze: {} }))).toBe(true);
    expect(arePromotionsFrozen(parseKillSwitches({ v: 1, freeze: false }))).toBe(false);
    expect(isPromotionKilled(parseKillSwitches({ v: 1, freeze: { until: "2026-11-28" } }), "anything", "2026-11-28")).toBe(true);
    expect(isPromotionKilled(parseKillSwitches({ v: 1, freeze: { until: "2026-11-28" } }), "anything", "2026-11-29")).toBe(false);
  });
});

describe("predicates", () => {
  const ks: KillSwitches = parseKillSwitches(stored);

  it.each([
    ["Cash on Delivery (COD)", null, null, true],
    ["cash on delivery (cod)", null, null, true],
    ["Cash on Delivery", null, null, false],
    ["Klarna - Pay later", "2026-11-29", "eu", true],
    ["Klarna - Pay later", "2026-11-30", "eu", false],
    ["Klarna - Pay later", "2026-11-29", "us", false],
    ["Klarna - Pay later", null, null, false],
    ["PayPal", null, "eu", false],
  ])("payment %s on %s in %s → %s", (name, today, market, killed) => {
    expect(isPaymentMethodKilled(ks, name, today, market)).toBe(killed);
  });

  it.each([
    [{ handle: "express", title: "Express", deliveryMethodType: "SHIPPING" }, null, true],
    [{ handle: "standard", title: "Standard", deliveryMethodType: "SHIPPING" }, null, false],
    [{ handle: "dhl-express", title: "dhl express", deliveryMethodType: "SHIPPING" }, "uk", true],
    [{ handle: "dhl-express", title: "DHL Express", deliveryMethodType: "SHIPPING" }, "us", false],
    [{ handle: "locker-1", title: "Locker", deliveryMethodType: "PICKUP_POINT" }, null, true],
  ])("delivery %o in %s → %s", (option, market, killed) => {
    expect(isDeliveryOptionKilled(ks, option, "2026-11-27", market)).toBe(killed);
  });

  it("promotions: by id, with expiry by shop-local date", () => {
    expect(isPromotionKilled(ks, "bf-20-off", "2030-01-01")).toBe(true);
    expect(isPromotionKilled(ks, "happy-hour", "2026-11-28")).toBe(true);
    expect(isPromotionKilled(ks, "happy-hour", "2026-11-29")).toBe(false);
    expect(isPromotionKilled(ks, "welcome", "2026-11-28")).toBe(false);
  });

  it("regions: by country, market or both; message by language with fallbacks", () => {
    expect(regionBlock(ks, "FR", null, null, "fr")?.message).toBe("Pas de commandes vers la France aujourd'hui.");
    expect(regionBlock(ks, "fr", "eu", null, "PT_BR")?.message).toBe("Hoje não.");
    expect(regionBlock(ks, "FR", null, null, "pt")?.message).toBe("No orders to France today.");
    expect(regionBlock(ks, "FR", null, null, "de")?.message).toBe("No orders to France today.");
    expect(regionBlock(ks, "MX", "latam")).toEqual({ message: DEFAULT_REGION_MESSAGE, region: "market latam" });
    expect(regionBlock(ks, "DE", "eu", "2026-11-27")?.region).toBe("DE in eu");
    expect(regionBlock(ks, "DE", "eu", "2026-11-28")).toBeNull();
    expect(regionBlock(ks, "DE", "dach", "2026-11-27")).toBeNull();
    expect(regionBlock(ks, "US", "us")).toBeNull();
  });
});

describe("size", () => {
  it("refuses a value over 10,000 bytes, naming both sizes", () => {
    const big: KillSwitches = {
      ...EMPTY_KILL_SWITCHES,
      region: Array.from({ length: 60 }, (_, i) => ({ cc: `C${i}`, msg: { en: "x".repeat(200) } })),
    };
    const checked = checkedKillSwitchValue(big);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(/would be \d+ bytes; Shopify lets a function read at most 10000/);
    const small = checkedKillSwitchValue(parseKillSwitches(stored));
    expect(small.ok && small.bytes < 1000).toBe(true);
  });
});
