/**
 * End to end on the local Shopify: a promotion set saved by the admin's own service
 * (discountAutomaticAppCreate with its metafields, against the store emulator over HTTP), then
 * a checkout simulated on that store (emulator/checkout: the function's input built from its
 * input query and the variables metafield the admin wrote, the bundle run in QuickJS, the
 * operations applied). A promotion kill switch in the shop metafield takes it away again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildFunction } from "../../functions/build";
import { simulateCheckout } from "../../emulator/checkout/run";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { appFunctions } from "../../emulator/seed/generate";
import { adminClientFromToken, type AdminClient } from "~/services/admin/client.server";
import { loadPromotionDiscount, savePromotionDiscount, NO_COMBINATIONS } from "~/services/promotions/promotions.server";
import { SEED } from "../emulator/helpers";

const TOKEN = "shpat_promotions";
const WINTER_GEAR = "gid://shopify/Collection/450000000001";
const ZONE = "America/New_York";

const SET = {
  schemaVersion: 1,
  currencyCode: "USD",
  floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
  promotions: [
    {
      id: "winter-15",
      name: "Winter gear 15%",
      priority: 10,
      stacksWith: ["ship-100"],
      conditions: {
        cartContains: { anyOfCollections: [WINTER_GEAR] },
        minSubtotalCents: 5000,
        timeWindow: { start: "2026-11-27T00:00", end: "2026-11-28T00:00", zone: ZONE },
      },
      action: { type: "percent_off", percent: 15, appliesTo: "matching_lines" },
    },
    { id: "ship-100", name: "Free shipping over $100", priority: 20, stacksWith: ["winter-15"], conditions: { minSubtotalCents: 10000 }, action: { type: "free_shipping" } },
  ],
};

let emulator: RunningEmulator;
let admin: AdminClient;
let discountId: string;

beforeAll(async () => {
  await buildFunction("promotion-stacking");
  emulator = await startEmulator({
    seed: { ...SEED, functions: appFunctions() },
    appUrl: "http://127.0.0.1:9",
    apiSecret: "x",
    accessToken: TOKEN,
    webhooks: { enabled: false },
    clock: () => Date.parse("2026-11-27T15:00:00Z"),
  });
  admin = adminClientFromToken({ shop: emulator.store.shop.myshopifyDomain, accessToken: TOKEN, endpoint: emulator.graphqlUrl });
  const saved = await savePromotionDiscount(admin, { id: null, title: "Winter promotions", set: SET, combinesWith: NO_COMBINATIONS, shopZone: ZONE });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  discountId = saved.id;
}, 60_000);

afterAll(async () => {
  await emulator?.close();
});

const cart = (now: string) => ({
  lines: [
    { sku: "PG-JKT-M", quantity: 1 },
    { sku: "PG-BOTTLE-75", quantity: 1 },
  ],
  address: { countryCode: "US", provinceCode: "NY", city: "Brooklyn", zip: "11201", address1: "1 Main St" },
  now,
});

describe("a promotion set saved to Shopify runs at checkout", () => {
  it("reads back what was saved", async () => {
    const loaded = await loadPromotionDiscount(admin, discountId);
    expect(loaded?.set?.promotions.map((p) => p.id)).toEqual(["winter-15", "ship-100"]);
    expect(loaded?.compiledBytes).toBeGreaterThan(100);
  });

  it("takes 15% off the jacket (Winter Gear), not the bottle, and makes shipping free", async () => {
    const result = await simulateCheckout({ cart: cart("2026-11-27T10:30:00"), store: emulator.store });
    const runs = result.runs.filter((r) => r.extension === "promotion-stacking");
    expect(runs.map((r) => [r.target, r.status, r.errors])).toEqual([
      ["cart.lines.discounts.generate.run", "ok", []],
      ["cart.delivery-options.discounts.generate.run", "ok", []],
    ]);
    const jacket = result.shopper.lines.find((l) => l.sku === "PG-JKT-M")!;
    const bottle = result.shopper.lines.find((l) => l.sku === "PG-BOTTLE-75")!;
    // $249.00 × 15% = $37.35
    expect(jacket.originalTotal.cents - jacket.discountedTotal.cents).toBe(3735);
    expect(bottle.originalTotal.cents - bottle.discountedTotal.cents).toBe(0);
    const shipping = result.shopper.deliveryGroups.flatMap((g) => g.options).filter((o) => o.type === "SHIPPING");
    expect(shipping.length).toBeGreaterThan(0);
    for (const option of shipping) expect(option.discountedCost.cents).toBe(0);
  });

  it("does nothing outside the window (shop time)", async () => {
    const result = await simulateCheckout({ cart: cart("2026-11-28T00:00:00"), store: emulator.store });
    const jacket = result.shopper.lines.find((l) => l.sku === "PG-JKT-M")!;
    expect(jacket.originalTotal.cents - jacket.discountedTotal.cents).toBe(0);
  });

  it("skips the promotion once a kill switch names it, and free shipping alone still applies", async () => {
    const set = await admin.request(
      { name: "KillSwitch", kind: "mutation", idempotent: false, source: `mutation KillSwitch($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }` } as never,
      { m: [{ ownerId: "gid://shopify/Shop/48812300001", namespace: "$app:peakguard", key: "kill_switches", type: "json", value: JSON.stringify({ v: 1, rev: 1, promo: [{ id: "winter-15" }] }) }] } as never,
    );
    expect(set).toEqual({ metafieldsSet: { userErrors: [] } });
    const result = await simulateCheckout({ cart: cart("2026-11-27T10:30:00"), store: emulator.store });
    const jacket = result.shopper.lines.find((l) => l.sku === "PG-JKT-M")!;
    expect(jacket.originalTotal.cents - jacket.discountedTotal.cents).toBe(0);
    const shipping = result.shopper.deliveryGroups.flatMap((g) => g.options).filter((o) => o.type === "SHIPPING");
    for (const option of shipping) expect(option.discountedCost.cents).toBe(0);
  });
});
