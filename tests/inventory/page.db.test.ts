/**
 * The Inventory page (app/routes/app.inventory.tsx) with an embedded session: the
 * loader's grid, flags and history, shop isolation, and the actions that need no
 * Admin API call (release, routing validation).
 */
import { LogSeverity } from "@shopify/shopify-api";
import { API_KEY, API_SECRET_KEY, RequestType, setUpValidRequest, setUpValidSession, TEST_SHOP, TEST_SHOP_NAME } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import type { InventoryPageData } from "~/services/inventory/page.server";
import { hold } from "~/services/reservations/reservations.server";
import type { TestDatabase } from "../helpers/db";
import { browserRequest, call, closeTestDatabase, installTestDatabase } from "../routes/support";
import { LOC, OTHER_SHOP, T0, itemId, seedLocations, seedVariants } from "./seed";

vi.mock("~/shopify.server", async () => {
  await import("@shopify/shopify-app-remix/adapters/node");
  const { ApiVersion, shopifyApp } = await import("@shopify/shopify-app-remix/server");
  const { testConfig } = await import("@shopify/shopify-app-remix/test-helpers");
  const shopify = shopifyApp(
    testConfig({ apiVersion: ApiVersion.October26, future: { unstable_newEmbeddedAuthStrategy: true }, logger: { level: LogSeverity.Error } }),
  );
  return {
    default: shopify,
    authenticate: shopify.authenticate,
    unauthenticated: shopify.unauthenticated,
    sessionStorage: shopify.sessionStorage,
    login: shopify.login,
  };
});

let db: TestDatabase;
let route: typeof import("~/routes/app.inventory");

beforeAll(async () => {
  db = await installTestDatabase();
  const shopify = await import("~/shopify.server");
  await shopify.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await db.prisma.shop.create({ data: { shop: TEST_SHOP, currencyCode: "USD" } });
  await seedLocations(db.prisma, TEST_SHOP);
  await seedVariants(
    db.prisma,
    [
      { n: 1, sku: "HOODIE-M", barcode: "4006381333932", levels: [{ location: LOC.brooklyn, available: 5, incoming: 2 }, { location: LOC.chicago, available: 1 }] },
      { n: 2, sku: "HOODIE-L", levels: [{ location: LOC.brooklyn, available: 0, committed: 3 }] },
      { n: 3, sku: "HOODIE-L", levels: [] },
    ],
    TEST_SHOP,
  );
  // Oversold: holds past what Shopify has.
  await forShop(db.prisma, TEST_SHOP).inventoryLevel.updateMany({ where: { inventoryItemId: itemId(2) }, data: { peakguardHolds: 2 } });
  await forShop(db.prisma, TEST_SHOP).atpSample.createMany({
    data: [
      { shop: TEST_SHOP, inventoryItemId: itemId(1), locationId: LOC.brooklyn, atp: 9, source: "reconcile", at: new Date(Date.now() - 3_600_000) },
      { shop: TEST_SHOP, inventoryItemId: itemId(1), locationId: LOC.brooklyn, atp: 7, source: "webhook", at: new Date(Date.now() - 60_000) },
    ],
  });
  // Another shop with the same SKU: must never show up.
  await seedLocations(db.prisma, OTHER_SHOP);
  await seedVariants(db.prisma, [{ n: 1, sku: "HOODIE-M", levels: [{ location: LOC.brooklyn, available: 999 }] }], OTHER_SHOP);
  route = await import("~/routes/app.inventory");
});
afterAll(() => closeTestDatabase(db));

const documentRequest = (path: string) =>
  setUpValidRequest({ type: RequestType.Admin, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, browserRequest(path));
const actionRequest = (fields: Record<string, string>) =>
  setUpValidRequest(
    { type: RequestType.Bearer, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    browserRequest("/app/inventory", { method: "POST", body: new URLSearchParams(fields) }),
  );

describe("Inventory page loader", () => {
  it("shows ATP per SKU × location with source and age, flags the negative, reports catalog issues, and reads only its shop", async () => {
    const response = await call(route.loader, await documentRequest("/app/inventory?sku=HOODIE-M"));
    expect(response.status).toBe(200);
    const data = (await response.json()) as InventoryPageData;
    expect(data.locations.map((l) => l.name)).toEqual(["Brooklyn Warehouse", "Chicago Fulfillment Center", "Dublin Grafton Street Store"]);
    const m = data.rows.find((r) => r.inventoryItemId === itemId(1))!;
    expect(m.cells[LOC.brooklyn]).toMatchObject({ atp: 7, source: "reconcile" });
    expect(m.cells[LOC.chicago]?.atp).toBe(1);
    const l = data.rows.find((r) => r.inventoryItemId === itemId(2))!;
    expect(l.negative).toBe(true);
    expect(l.cells[LOC.brooklyn]?.flags.map((f) => f.code)).toContain("negative");
    expect(data.negatives).toBe(1);
    expect(data.issues.map((i) => i.code)).toEqual(["duplicate_sku", "invalid_identifier"]);
    expect(data.history?.series[0]?.points.map((p) => p.atp)).toEqual([9, 7]);
    expect(JSON.stringify(data)).not.toContain("999");
  });

  it("searches by SKU", async () => {
    const data = (await (await call(route.loader, await documentRequest("/app/inventory?q=hoodie-m"))).json()) as InventoryPageData;
    expect(data.rows.map((r) => r.sku)).toEqual(["HOODIE-M"]);
  });

  it("without a session it redirects to login", async () => {
    const response = await call(route.loader, browserRequest("/app/inventory"));
    expect(response.status).toBe(302);
  });
});

describe("Inventory page actions", () => {
  it("release: lets a held reservation go, and a second click replays", async () => {
    const held = await hold(forShop(db.prisma, TEST_SHOP), TEST_SHOP, "page-hold-0001", { sku: "HOODIE-M", locationId: LOC.brooklyn, quantity: 1 }, { now: T0 });
    const id = (held.body as { reservation: { id: string } }).reservation.id;
    const first = await call(route.action, await actionRequest({ intent: "release", reservationId: id }));
    expect(await first.json()).toMatchObject({ ok: true, message: `Released ${id}` });
    const again = await call(route.action, await actionRequest({ intent: "release", reservationId: id }));
    expect(again.status).toBe(200);
  });

  it("routing: every field problem is named and nothing is published", async () => {
    const response = await call(route.action, await actionRequest({ intent: "routing", strategy: "closest", fallback: "closest", [`cost:${LOC.chicago}`]: "abc" }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual([`cost:${LOC.chicago}`, "fallback"]);
    expect(await forShop(db.prisma, TEST_SHOP).inventorySettings.count()).toBe(0);
  });
});
