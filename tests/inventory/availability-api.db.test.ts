/**
 * GET /api/availability through the app proxy, as Shopify calls it: the route module
 * (app/routes/api.availability.tsx) with a real app-proxy signature over the whole query
 * (skus included) checked by the library (testConfig), the shop taken from the signature.
 */
import { LogSeverity } from "@shopify/shopify-api";
import { setUpValidSession, TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { signedProxyQuery } from "../helpers/app-proxy";
import type { TestDatabase } from "../helpers/db";
import { closeTestDatabase, installTestDatabase } from "../routes/support";
import { LOC, itemId, seedLocations, seedVariants } from "./seed";

vi.mock("~/shopify.server", async () => {
  await import("@shopify/shopify-app-remix/adapters/node");
  const { ApiVersion, shopifyApp } = await import("@shopify/shopify-app-remix/server");
  const { testConfig } = await import("@shopify/shopify-app-remix/test-helpers");
  const shopify = shopifyApp(testConfig({ apiVersion: ApiVersion.October26, logger: { level: LogSeverity.Error } }));
  return { default: shopify, authenticate: shopify.authenticate, sessionStorage: shopify.sessionStorage, unauthenticated: shopify.unauthenticated };
});

const NOT_INSTALLED = "not-installed.myshopify.com";
let db: TestDatabase;
let route: typeof import("~/routes/api.availability");

beforeAll(async () => {
  db = await installTestDatabase();
  route = await import("~/routes/api.availability");
});
afterAll(() => closeTestDatabase(db));
beforeEach(async () => {
  await db.reset();
  const shopify = await import("~/shopify.server");
  await shopify.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await seedLocations(db.prisma, TEST_SHOP);
  await seedVariants(
    db.prisma,
    [
      { n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 3 }, { location: LOC.chicago, available: 4 }] },
      { n: 2, sku: "DROP-2", levels: [{ location: LOC.dublin, available: 1 }, { location: LOC.brooklyn, available: 2 }] },
    ],
    TEST_SHOP,
  );
  // DROP-2 at Dublin: 3 Peakguard holds on 1 available → ATP −2 (flagged, counts 0).
  await forShop(db.prisma, TEST_SHOP).inventoryLevel.updateMany({ where: { inventoryItemId: itemId(2), locationId: LOC.dublin }, data: { peakguardHolds: 3 } });
});

/** A GET as the app proxy forwards it: every query parameter (skus too) signed, as Shopify does. */
function proxied(skus: string[] | null, init: { shop?: string; tamper?: boolean; method?: string } = {}): Request {
  const params = signedProxyQuery({ shop: init.shop, tamper: init.tamper, extra: (skus ?? []).map((s): [string, string] => ["skus", s]) });
  return new Request(`https://peakguard.test/api/availability?${params}`, { method: init.method ?? "GET" });
}

async function get(request: Request): Promise<Response> {
  try {
    return await route.loader({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("GET /api/availability (app proxy)", () => {
  it("answers per SKU: available over online locations, byLocation with negatives as they are, staleness, unknown SKUs apart", async () => {
    // DROP-1 last confirmed two days ago (past the 24 h budget), DROP-2 just now.
    const now = Date.now();
    const old = new Date(now - 48 * 3600_000);
    const fresh = new Date(now - 1000);
    const levels = forShop(db.prisma, TEST_SHOP).inventoryLevel;
    await levels.updateMany({ where: { inventoryItemId: itemId(1) }, data: { availableAt: old, breakdownAt: old } });
    // DROP-2: a webhook at Dublin is newer than its full read; the item's asOf is the older term (the full reads).
    await levels.updateMany({ where: { inventoryItemId: itemId(2) }, data: { availableAt: fresh, breakdownAt: fresh } });
    await levels.updateMany({ where: { inventoryItemId: itemId(2), locationId: LOC.dublin }, data: { availableAt: new Date(now) } });
    const response = await get(proxied(["DROP-2,DROP-1,NOPE", "DROP-1"]));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({
      asOf: old.toISOString(),
      items: [
        { sku: "DROP-2", available: 2, byLocation: { "70100000001": 2, "70100000003": -2 }, stale: false, negative: true, duplicate: false, asOf: fresh.toISOString() },
        { sku: "DROP-1", available: 7, byLocation: { "70100000001": 3, "70100000002": 4 }, stale: true, negative: false, duplicate: false, asOf: old.toISOString() },
      ],
      unknown: ["NOPE"],
    });
  });

  it("is fresh when the figures were just confirmed", async () => {
    const now = new Date();
    await forShop(db.prisma, TEST_SHOP).inventoryLevel.updateMany({ data: { availableAt: now, breakdownAt: now } });
    const body = (await (await get(proxied(["DROP-1"]))).json()) as { asOf: string; items: { stale: boolean }[] };
    expect(body.items.map((i) => i.stale)).toEqual([false]);
    expect(body.asOf).toBe(now.toISOString());
  });

  it("refuses bad input with 400 naming the problem", async () => {
    const cases: [string[] | null, string, RegExp][] = [
      [null, "skus_required", /Name the SKUs/],
      [["A,,B"], "invalid_sku", /SKU 2 is empty/],
      [[Array.from({ length: 101 }, (_, i) => `S-${i}`).join(",")], "too_many_skus", /101 distinct SKUs given; at most 100/],
      [["x".repeat(256)], "invalid_sku", /256 characters/],
    ];
    for (const [skus, code, message] of cases) {
      const response = await get(proxied(skus));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(message);
    }
  });

  it("refuses a bad signature (400), a shop without the app (403) and other methods (405)", async () => {
    expect((await get(proxied(["DROP-1"], { tamper: true }))).status).toBe(400);
    expect((await get(proxied(["DROP-1"], { shop: NOT_INSTALLED }))).status).toBe(403);
    expect((await get(proxied(["DROP-1"], { method: "POST" }))).status).toBe(405);
  });
});
