/**
 * The validation's ATP copy (app/services/validation/stock.server.ts): which SKUs, which
 * figures, when it writes, against a migrated test database and a strict Admin API mock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { MetafieldsSet, Validations } from "../../graphql/operations";
import { CHECKOUT_ATP_MAX_BYTES, readCompactFigure } from "~/domain/inventory/atp-metafield";
import type { Rule, RuleSet } from "~/domain/validation/types";
import { serializeRuleSet } from "~/domain/validation/validate";
import { AdminClient, type AdminTransportResponse } from "~/services/admin/client.server";
import { publishCheckoutStock } from "~/services/validation/stock.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { strictTransport, type ExpectedCall, type StrictTransport } from "../services/admin/strict-transport";

const SHOP = "drop-shop.myshopify.com";
const VALIDATION_ID = "gid://shopify/Validation/1";
const BROOKLYN = "gid://shopify/Location/70100000001";
const QUEENS = "gid://shopify/Location/70100000002";
const DUBLIN = "gid://shopify/Location/70100000003"; // does not fulfil online orders

let db: TestDatabase;
let strict: StrictTransport;
const ok = (data: unknown): AdminTransportResponse => ({ status: 200, data });
const admin = (calls: ExpectedCall[]) => {
  strict = strictTransport(calls);
  return new AdminClient(strict.transport, { sleep: async () => {} });
};
const setOf = (rules: Rule[]): RuleSet => ({ schemaVersion: 1, currencyCode: "USD", failureMode: "closed", labels: {}, rules });
const validations = (set: RuleSet, stock: string | null = null): ExpectedCall => {
  const s = serializeRuleSet(set);
  if (!s.ok) throw new Error(s.message);
  return {
    operation: Validations,
    variables: { first: 25 },
    respond: ok({
      validations: {
        nodes: [
          {
            id: VALIDATION_ID,
            title: "Peakguard checkout rules",
            enabled: true,
            blockOnFailure: true,
            shopifyFunction: { id: "fn", handle: "checkout-validation", apiType: "cart_checkout_validation" },
            rules: { value: s.value, updatedAt: "2026-11-27T14:00:00Z" },
            ticks: null,
            stock: stock === null ? null : { value: stock, compareDigest: "stock-digest" },
          },
        ],
        pageInfo: { hasNextPage: false, endCursor: null },
      },
    }),
  };
};
let written: string[] = [];
const write = (compareDigest: string | null = null): ExpectedCall => ({
  operation: MetafieldsSet,
  variables: expect.objectContaining({
    metafields: [expect.objectContaining({ ownerId: VALIDATION_ID, namespace: "$app:peakguard", key: "atp_checkout", type: "json", compareDigest })],
  }) as never,
  respond: ok({ metafieldsSet: { metafields: [], userErrors: [] } }),
});
const stockRule = (skus: string[], extra: Partial<Extract<Rule, { kind: "atp" }>> = {}): Rule => ({
  id: "stock",
  mode: "enforce",
  kind: "atp",
  skus,
  staleAfterSeconds: 300,
  whenStale: "closed",
  ...extra,
});

async function mirror(items: { n: number; sku: string; levels: [location: string, available: number][] }[]): Promise<void> {
  const at = new Date("2026-11-27T14:00:00Z");
  for (const [id, online] of [[BROOKLYN, true], [QUEENS, true], [DUBLIN, false]] as const) {
    await db.prisma.location.create({ data: { shop: SHOP, id, name: id.slice(-1), fulfillsOnlineOrders: online, shopifyUpdatedAt: at, source: "reconcile" } });
  }
  for (const item of items) {
    await db.prisma.inventoryItem.create({
      data: { shop: SHOP, id: `gid://shopify/InventoryItem/${item.n}`, variantId: `gid://shopify/ProductVariant/${item.n}`, sku: item.sku, shopifyUpdatedAt: at, source: "reconcile" },
    });
    for (const [locationId, available] of item.levels) {
      await db.prisma.inventoryLevel.create({
        data: { shop: SHOP, inventoryItemId: `gid://shopify/InventoryItem/${item.n}`, locationId, available, onHand: available, availableAt: at, availableSource: "reconcile" },
      });
    }
  }
}

/** The oldest confirmation of an item's online levels, as asOf (what the per-variant figure says). */
async function asOf(n: number): Promise<number> {
  const levels = await db.prisma.inventoryLevel.findMany({ where: { shop: SHOP, inventoryItemId: `gid://shopify/InventoryItem/${n}`, locationId: { in: [BROOKLYN, QUEENS] } } });
  return Math.floor(Math.min(...levels.map((l) => l.syncedAt.getTime())) / 1000);
}

function sentValue(): { v: number; t: Record<string, number>; l?: Record<string, Record<string, number>>; over?: boolean } {
  const call = strict.calls.find((c) => c.operationName === "MetafieldsSet");
  const metafields = (call?.variables as { metafields: { value: string }[] }).metafields;
  written = metafields.map((m) => m.value);
  return JSON.parse(metafields[0]!.value) as ReturnType<typeof sentValue>;
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());
afterEach(async () => {
  strict.assertDone();
  await db.reset();
});

describe("the validation's ATP copy", () => {
  const ITEMS = [
    { n: 1, sku: "HD-BLK-M", levels: [[BROOKLYN, 3], [QUEENS, 4], [DUBLIN, 50]] as [string, number][] },
    { n: 2, sku: "HD-BLK-L", levels: [[BROOKLYN, -2], [QUEENS, 1]] as [string, number][] },
    { n: 3, sku: "CAP-1", levels: [[BROOKLYN, 9]] as [string, number][] },
  ];

  it("GIVEN an ATP rule on HD-* WHEN published THEN only the governed SKUs, total over online locations (negative counts 0), asOf the oldest confirmation", async () => {
    await mirror(ITEMS);
    const set = setOf([stockRule(["HD-*"])]);
    const result = await publishCheckoutStock(db.prisma, SHOP, admin([validations(set), write()]), { zone: "America/New_York", currencyCode: "USD" });
    expect(result).toMatchObject({ written: true, skus: 2, over: false });
    const value = sentValue();
    expect(value).toEqual({ v: 1, t: { "HD-BLK-L": 1e10 + (await asOf(2)), "HD-BLK-M": 7e10 + (await asOf(1)) } });
    expect(readCompactFigure(value.t["HD-BLK-M"])).toEqual({ total: 7, asOf: await asOf(1) });
  });

  it("GIVEN a rule naming a location THEN that location's figures are carried beside the totals", async () => {
    await mirror(ITEMS);
    const set = setOf([stockRule(["HD-BLK-M", "CAP-1"], { location: "70100000002" })]);
    await publishCheckoutStock(db.prisma, SHOP, admin([validations(set), write()]), { zone: "UTC", currencyCode: "USD" });
    expect(sentValue()).toEqual({
      v: 1,
      t: { "CAP-1": 9e10 + (await asOf(3)), "HD-BLK-M": 7e10 + (await asOf(1)) },
      l: { "70100000002": { "HD-BLK-M": 4e10 + (await asOf(1)) } },
    });
  });

  it("GIVEN the stored copy is the same WHEN published again THEN nothing is written; a changed figure is written naming the stored digest", async () => {
    await mirror(ITEMS);
    const set = setOf([stockRule(["HD-*"])]);
    await publishCheckoutStock(db.prisma, SHOP, admin([validations(set), write()]), { zone: "UTC", currencyCode: "USD" });
    const first = sentValue();
    strict.assertDone();
    expect(await publishCheckoutStock(db.prisma, SHOP, admin([validations(set, written[0]!)]), { zone: "UTC", currencyCode: "USD" })).toMatchObject({ written: false, reason: "unchanged" });
    strict.assertDone();
    await db.prisma.inventoryLevel.update({ where: { shop_inventoryItemId_locationId: { shop: SHOP, inventoryItemId: "gid://shopify/InventoryItem/1", locationId: BROOKLYN } }, data: { available: 1 } });
    await publishCheckoutStock(db.prisma, SHOP, admin([validations(set, written[0]!), write("stock-digest")]), { zone: "UTC", currencyCode: "USD" });
    const second = sentValue();
    expect(readCompactFigure(first.t["HD-BLK-M"])?.total).toBe(7);
    expect(readCompactFigure(second.t["HD-BLK-M"])?.total).toBe(5);
  });

  it("GIVEN a rule over every SKU whose figures do not fit THEN it writes `over` and no figure (the rules then fail as the merchant chose)", async () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ n: 100 + i, sku: `LONG-CATALOGUE-SKU-${String(i).padStart(5, "0")}`, levels: [[BROOKLYN, 1]] as [string, number][] }));
    await mirror(many);
    const result = await publishCheckoutStock(db.prisma, SHOP, admin([validations(setOf([stockRule([])])), write()]), { zone: "UTC", currencyCode: "USD" });
    expect(result).toMatchObject({ written: true, skus: 400, over: true });
    expect(sentValue()).toEqual({ v: 1, t: {}, over: true });
    expect(CHECKOUT_ATP_MAX_BYTES).toBeLessThan(10_000);
  });

  it("GIVEN no ATP rule that is on THEN nothing is read or written beyond the rules", async () => {
    await mirror(ITEMS);
    const set = setOf([{ ...stockRule(["HD-*"]), mode: "off" }, { id: "max", mode: "enforce", kind: "maxPerOrder", skus: ["HD-*"], max: 2 }]);
    expect(await publishCheckoutStock(db.prisma, SHOP, admin([validations(set)]), { zone: "UTC", currencyCode: "USD" })).toEqual({ written: false, reason: "no_atp_rules" });
  });

  it("GIVEN a newer copy was written meanwhile THEN Shopify's STALE_OBJECT keeps it", async () => {
    await mirror(ITEMS);
    const set = setOf([stockRule(["HD-*"])]);
    const client = admin([
      validations(set, '{"v":1,"t":{}}'),
      {
        operation: MetafieldsSet,
        variables: expect.anything() as never,
        respond: ok({ metafieldsSet: { metafields: null, userErrors: [{ field: ["metafields", "0"], message: "The resource has been updated", code: "STALE_OBJECT", elementIndex: 0 }] } }),
      },
    ]);
    expect(await publishCheckoutStock(db.prisma, SHOP, client, { zone: "UTC", currencyCode: "USD" })).toEqual({ written: false, reason: "superseded" });
  });
});
