/**
 * The storefront reservations API through the app proxy, as Shopify calls it: the
 * route modules (app/routes/api.reservations*.tsx) with a real app-proxy signature
 * checked by the library (testConfig), the shop taken from the signed query.
 */
import { LogSeverity } from "@shopify/shopify-api";
import { setUpValidSession, TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { RESERVATION_ATTRIBUTE, onOrderEvent, reservationIdsOf } from "~/services/reservations/api.server";
import { signedProxyQuery } from "../helpers/app-proxy";
import type { TestDatabase } from "../helpers/db";
import { closeTestDatabase, installTestDatabase } from "../routes/support";
import { LOC, seedLocations, seedVariants } from "../inventory/seed";

vi.mock("~/shopify.server", async () => {
  await import("@shopify/shopify-app-remix/adapters/node");
  const { ApiVersion, shopifyApp } = await import("@shopify/shopify-app-remix/server");
  const { testConfig } = await import("@shopify/shopify-app-remix/test-helpers");
  const shopify = shopifyApp(testConfig({ apiVersion: ApiVersion.October26, logger: { level: LogSeverity.Error } }));
  return { default: shopify, authenticate: shopify.authenticate, sessionStorage: shopify.sessionStorage, unauthenticated: shopify.unauthenticated };
});

const NOT_INSTALLED = "not-installed.myshopify.com";
let db: TestDatabase;
let create: typeof import("~/routes/api.reservations");
let byId: typeof import("~/routes/api.reservations.$id");

beforeAll(async () => {
  db = await installTestDatabase();
  const shopify = await import("~/shopify.server");
  await shopify.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  create = await import("~/routes/api.reservations");
  byId = await import("~/routes/api.reservations.$id");
});
afterAll(() => closeTestDatabase(db));
beforeEach(async () => {
  await db.reset();
  const shopify = await import("~/shopify.server");
  await shopify.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await seedLocations(db.prisma, TEST_SHOP);
  await seedVariants(db.prisma, [{ n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 3 }] }], TEST_SHOP);
});

/** A request as the app proxy forwards it: shop, timestamp, customer and the signature over them. */
function proxied(path: string, init: { method?: string; body?: unknown; key?: string | null; shop?: string; customer?: string; tamper?: boolean } = {}): Request {
  const params = signedProxyQuery({ shop: init.shop, customer: init.customer, tamper: init.tamper });
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (init.key !== null) headers["Idempotency-Key"] = init.key ?? `key-${Math.random().toString(36).slice(2, 12)}`;
  return new Request(`https://peakguard.test${path}?${params}`, {
    method: init.method ?? "POST",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function respond(promise: Promise<Response>): Promise<Response> {
  try {
    return await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const post = (request: Request) => respond(create.action({ request, params: {}, context: {} }));
const onId = (request: Request, id: string) =>
  respond(request.method === "GET" ? byId.loader({ request, params: { id }, context: {} }) : byId.action({ request, params: { id }, context: {} }));

describe("POST /api/reservations (app proxy)", () => {
  it("holds stock for a signed request and names the shop from the signature, not the body", async () => {
    const response = await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 2, shop: "evil.myshopify.com", reference: "cart:abc" }, customer: "77", key: "hold-api-0001" }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as { reservation: { id: string; state: string; quantity: number }; atpAfter: number };
    expect(body).toMatchObject({ reservation: { state: "held", quantity: 2 }, atpAfter: 1 });
    const row = await forShop(db.prisma, TEST_SHOP).reservation.findFirst({ where: { id: body.reservation.id } });
    expect(row?.reference).toBe("cart:abc customer:77");
  });

  it("replays with Idempotent-Replayed", async () => {
    const first = await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 1 }, key: "hold-api-replay" }));
    const second = await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 1 }, key: "hold-api-replay" }));
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
  });

  it("refuses a bad signature (400), a shop without the app (403), a missing key, too many units, and stock it does not have", async () => {
    expect((await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 1 }, tamper: true }))).status).toBe(400);
    expect((await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 1 }, shop: NOT_INSTALLED }))).status).toBe(403);
    const noKey = await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 1 }, key: null }));
    expect(noKey.status).toBe(400);
    expect(await noKey.json()).toMatchObject({ error: { code: "idempotency_key_required" } });
    expect((await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 11 } }))).status).toBe(422);
    const short = await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 4 } }));
    expect(short.status).toBe(409);
    expect(await short.json()).toEqual({ error: { code: "insufficient_atp", message: "SKU DROP-1: Brooklyn Warehouse has ATP 3; 4 requested" } });
    expect(await forShop(db.prisma, TEST_SHOP).reservation.count()).toBe(0);
  });
});

describe("/api/reservations/:id (app proxy)", () => {
  it("GET shows it; POST release returns the units; authorize is not a storefront action", async () => {
    const created = (await (await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 2 } }))).json()) as { reservation: { id: string } };
    const id = created.reservation.id;
    const got = await onId(proxied(`/api/reservations/${id}`, { method: "GET", key: null }), id);
    expect(await got.json()).toMatchObject({ reservation: { id, state: "held" } });
    const authorize = await onId(proxied(`/api/reservations/${id}`, { body: { action: "authorize" } }), id);
    expect(authorize.status).toBe(400);
    const released = await onId(proxied(`/api/reservations/${id}`, { body: { action: "release" } }), id);
    expect(await released.json()).toMatchObject({ reservation: { state: "released" } });
    expect(await onId(proxied("/api/reservations/rsv_nope", { method: "GET", key: null }), "rsv_nope").then((r) => r.status)).toBe(404);
  });
});

describe("order events drive hard reserves (for the orders area's handlers)", () => {
  it("authorized order → reserved, fulfilled → committed, replays are harmless", async () => {
    const created = (await (await post(proxied("/api/reservations", { body: { sku: "DROP-1", quantity: 1 } }))).json()) as { reservation: { id: string } };
    const id = created.reservation.id;
    const order = { admin_graphql_api_id: "gid://shopify/Order/9", financial_status: "authorized", note_attributes: [{ name: RESERVATION_ATTRIBUTE, value: `${id}, junk` }] };
    expect(reservationIdsOf(order)).toEqual([id]);
    expect(await onOrderEvent(db.prisma, TEST_SHOP, "orders/create", order, "evt-1", new Date())).toEqual([`${id} authorize: 200`]);
    expect(await onOrderEvent(db.prisma, TEST_SHOP, "orders/create", order, "evt-1", new Date())).toEqual([`${id} authorize: 200`]);
    expect(await onOrderEvent(db.prisma, TEST_SHOP, "orders/fulfilled", order, "evt-2", new Date())).toEqual([`${id} commit: 200`]);
    const row = await forShop(db.prisma, TEST_SHOP).reservation.findFirst({ where: { id } });
    expect(row).toMatchObject({ state: "committed", orderId: "gid://shopify/Order/9" });
    expect(await onOrderEvent(db.prisma, TEST_SHOP, "orders/updated", order, "evt-3", new Date())).toEqual([]);
  });
});
