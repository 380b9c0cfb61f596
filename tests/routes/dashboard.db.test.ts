/**
 * The admin home page (app/routes/app._index.tsx) with an embedded session,
 * authenticated the way the library's own tests do it: shopifyApp built from
 * testConfig(), a session from setUpValidSession, and requests carrying a
 * session token signed by getJwt (id_token on a document load, Bearer on a fetch).
 */
import { LogSeverity } from "@shopify/shopify-api";
import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  setUpValidRequest,
  setUpValidSession,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DashboardData } from "~/services/dashboard.server";
import type { TestDatabase } from "../helpers/db";
import { browserRequest, call, closeTestDatabase, installTestDatabase } from "./support";

vi.mock("~/shopify.server", async () => {
  await import("@shopify/shopify-app-remix/adapters/node");
  const { ApiVersion, shopifyApp } = await import("@shopify/shopify-app-remix/server");
  const { testConfig } = await import("@shopify/shopify-app-remix/test-helpers");
  const shopify = shopifyApp(
    testConfig({
      apiVersion: ApiVersion.October26,
      future: { unstable_newEmbeddedAuthStrategy: true },
      logger: { level: LogSeverity.Error },
    }),
  );
  // The same exports as app/shopify.server.ts.
  return {
    default: shopify,
    SHOPIFY_API_VERSION: ApiVersion.October26,
    apiVersion: ApiVersion.October26,
    addDocumentResponseHeaders: shopify.addDocumentResponseHeaders,
    authenticate: shopify.authenticate,
    unauthenticated: shopify.unauthenticated,
    login: shopify.login,
    registerWebhooks: shopify.registerWebhooks,
    sessionStorage: shopify.sessionStorage,
  };
});

const OTHER_SHOP_NAME = "other-shop";
const OTHER_SHOP = `${OTHER_SHOP_NAME}.myshopify.com`;

let db: TestDatabase;
let dashboard: typeof import("~/routes/app._index");
const ids: Record<string, string> = {};

function event(shop: string, key: string, status: string, receivedAt: string, extra: Record<string, unknown> = {}) {
  return {
    shop,
    topic: "products/update",
    eventKey: `${shop}:${key}`,
    eventKeySource: "event-id",
    rawBody: "{}",
    status,
    receivedAt: new Date(receivedAt),
    ...extra,
  };
}

async function seed(): Promise<void> {
  const at = new Date("2026-11-01T00:00:00Z");
  await db.prisma.shop.createMany({
    data: [
      { shop: TEST_SHOP, ianaTimezone: "America/Toronto", currencyCode: "CAD", installedAt: new Date("2026-10-01T12:00:00Z") },
      { shop: OTHER_SHOP, ianaTimezone: "Europe/Paris", currencyCode: "EUR" },
    ],
  });
  await db.prisma.webhookEvent.createMany({
    data: [
      event(TEST_SHOP, "r1", "received", "2026-11-27T05:30:00Z"),
      event(TEST_SHOP, "r2", "received", "2026-11-27T05:31:00Z"),
      event(TEST_SHOP, "p1", "processed", "2026-11-27T05:32:00Z", { outcome: "applied", attempts: 1 }),
      event(TEST_SHOP, "t1", "retrying", "2026-11-27T05:33:00Z", { attempts: 2, lastError: "timeout" }),
      event(TEST_SHOP, "d1", "dead", "2026-11-27T05:34:00Z", { attempts: 8, lastError: "Product gid://shopify/Product/9 failed: boom" }),
      // Shop B: more rows of every kind, so a leak shows in every count.
      ...["b1", "b2", "b3"].map((key, i) => event(OTHER_SHOP, key, "dead", `2026-11-27T06:0${i}:00Z`, { attempts: 8 })),
      ...["b4", "b5", "b6", "b7"].map((key, i) => event(OTHER_SHOP, key, "processed", `2026-11-27T06:1${i}:00Z`)),
    ],
  });
  for (const row of await db.prisma.webhookEvent.findMany({ select: { id: true, eventKey: true } })) ids[row.eventKey] = row.id;

  const product = (shop: string, n: number, deletedAt: Date | null = null) => ({
    shop, id: `gid://shopify/Product/${n}`, title: `P${n}`, tags: [], shopifyUpdatedAt: at, source: "webhook", deletedAt,
  });
  await db.prisma.product.createMany({
    data: [product(TEST_SHOP, 1), product(TEST_SHOP, 2), product(TEST_SHOP, 3, at), ...[1, 2, 3, 4, 5].map((n) => product(OTHER_SHOP, n))],
  });
  const variant = (shop: string, n: number) => ({
    shop, id: `gid://shopify/ProductVariant/${n}`, productId: "gid://shopify/Product/1", shopifyUpdatedAt: at, source: "webhook",
  });
  await db.prisma.variant.createMany({ data: [variant(TEST_SHOP, 1), variant(TEST_SHOP, 2), ...[1, 2, 3, 4, 5, 6].map((n) => variant(OTHER_SHOP, n))] });
  const order = (shop: string, n: number) => ({ shop, id: `gid://shopify/Order/${n}`, shopifyUpdatedAt: at, source: "webhook" });
  await db.prisma.order.createMany({ data: [order(TEST_SHOP, 1), ...[1, 2, 3].map((n) => order(OTHER_SHOP, n))] });
  const customer = (shop: string, n: number) => ({ shop, id: `gid://shopify/Customer/${n}`, tags: [], shopifyUpdatedAt: at, source: "webhook" });
  await db.prisma.customer.createMany({ data: [customer(TEST_SHOP, 1), ...[1, 2, 3, 4].map((n) => customer(OTHER_SHOP, n))] });
}

/** A document load of /app as the admin does it: embedded=1, shop, host and a signed id_token. */
function documentRequest(store: string, path = "/app"): Promise<Request> {
  return setUpValidRequest({ type: RequestType.Admin, store, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, browserRequest(path));
}

/** A fetch from the embedded page (App Bridge adds the session token as a Bearer header). */
function retryRequest(fields: Record<string, string>, store = TEST_SHOP_NAME): Promise<Request> {
  return setUpValidRequest(
    { type: RequestType.Bearer, store, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    browserRequest("/app?index", { method: "POST", body: new URLSearchParams(fields) }),
  );
}

async function statusOf(id: string | undefined): Promise<string | undefined> {
  if (!id) throw new Error("unknown seeded event");
  return (await db.prisma.webhookEvent.findUniqueOrThrow({ where: { id } })).status;
}

beforeAll(async () => {
  db = await installTestDatabase();
  await seed();
  const shopify = await import("~/shopify.server");
  await shopify.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await shopify.sessionStorage.storeSession(setUpValidSession({ shop: OTHER_SHOP }));
  dashboard = await import("~/routes/app._index");
});
afterAll(() => closeTestDatabase(db));

describe("dashboard loader", () => {
  it("GIVEN two shops' rows WHEN the test shop opens the dashboard THEN it sees only its own counts", async () => {
    const response = await call(dashboard.loader, await documentRequest(TEST_SHOP_NAME));
    expect(response.status).toBe(200);
    const data = (await response.json()) as DashboardData;

    expect(data.shop).toBe(TEST_SHOP);
    expect(data.webhooks.counts).toEqual({ received: 2, processing: 0, processed: 1, retrying: 1, dead: 1 });
    expect(data.webhooks.total).toBe(5);
    expect(data.mirror).toEqual({ products: 2, deletedProducts: 1, variants: 2, orders: 1, customers: 1 });
    expect(data.shopRow).toMatchObject({ installed: true, timezone: "America/Toronto", currency: "CAD" });
  });

  it("lists recent events newest first and the dead letters, none of them another shop's", async () => {
    const data = (await (await call(dashboard.loader, await documentRequest(TEST_SHOP_NAME))).json()) as DashboardData;
    const ownIds = Object.entries(ids).filter(([key]) => key.startsWith(TEST_SHOP)).map(([, id]) => id);

    expect(data.webhooks.recent.map((e) => e.status)).toEqual(["dead", "retrying", "processed", "received", "received"]);
    for (const e of data.webhooks.recent) expect(ownIds).toContain(e.id);
    expect(data.webhooks.dead.map((e) => e.id)).toEqual([ids[`${TEST_SHOP}:d1`]]);
    expect(data.webhooks.dead[0]).toMatchObject({ attempts: 8, lastError: "Product gid://shopify/Product/9 failed: boom" });
  });

  it("shows times in the shop's time zone, labelled", async () => {
    const data = (await (await call(dashboard.loader, await documentRequest(TEST_SHOP_NAME))).json()) as DashboardData;
    expect(data.clock).toEqual({ timeZone: "America/Toronto", label: "Times in America/Toronto, the shop's time zone" });
    expect(data.webhooks.dead[0]?.receivedAtLabel).toBe("Nov 27, 2026, 00:34:00 EST");
    expect(data.webhooks.dead[0]?.receivedAt).toBe("2026-11-27T05:34:00.000Z");
  });

  it("the other shop, with its own session token, sees its own rows", async () => {
    const data = (await (await call(dashboard.loader, await documentRequest(OTHER_SHOP_NAME))).json()) as DashboardData;
    expect(data.webhooks.counts).toEqual({ received: 0, processing: 0, processed: 4, retrying: 0, dead: 3 });
    expect(data.mirror.products).toBe(5);
  });

  it("without a session token the loader redirects to login and reads nothing", async () => {
    const response = await call(dashboard.loader, browserRequest("/app"));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/login");
  });
});

describe("dashboard Retry action", () => {
  it("refuses a request with no event id: 400 with a field error", async () => {
    const response = await call(dashboard.action, await retryRequest({ intent: "retry" }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { ok: boolean; errors: Record<string, string> };
    expect(body.ok).toBe(false);
    expect(body.errors.eventId).toMatch(/event id is missing/);
  });

  it("refuses an event id that is not an id: 400 with a field error", async () => {
    const response = await call(dashboard.action, await retryRequest({ intent: "retry", eventId: "'; drop table" }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Record<string, string> }).errors.eventId).toMatch(/not a webhook event id/);
  });

  it("refuses a missing intent: 400", async () => {
    const response = await call(dashboard.action, await retryRequest({ eventId: ids[`${TEST_SHOP}:d1`] ?? "" }));
    expect(response.status).toBe(400);
    expect(await statusOf(ids[`${TEST_SHOP}:d1`])).toBe("dead");
  });

  it("cannot retry another shop's dead event: 404, and it stays dead", async () => {
    const theirs = ids[`${OTHER_SHOP}:b1`];
    const response = await call(dashboard.action, await retryRequest({ intent: "retry", eventId: theirs ?? "" }));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe("not_found");
    expect(await statusOf(theirs)).toBe("dead");
  });

  it("refuses an event that is not dead: 409", async () => {
    const response = await call(dashboard.action, await retryRequest({ intent: "retry", eventId: ids[`${TEST_SHOP}:p1`] ?? "" }));
    expect(response.status).toBe(409);
    expect(((await response.json()) as { code: string }).code).toBe("not_dead");
    expect(await statusOf(ids[`${TEST_SHOP}:p1`])).toBe("processed");
  });

  it("without a session token the action changes nothing", async () => {
    const request = browserRequest("/app?index", { method: "POST", body: new URLSearchParams({ intent: "retry", eventId: ids[`${TEST_SHOP}:d1`] ?? "" }) });
    const response = await call(dashboard.action, request);
    expect(response.status).toBe(302);
    expect(await statusOf(ids[`${TEST_SHOP}:d1`])).toBe("dead");
  });

  it("GIVEN the shop's dead event WHEN Retry is pressed THEN it leaves the dead letters", async () => {
    const mine = ids[`${TEST_SHOP}:d1`];
    const response = await call(dashboard.action, await retryRequest({ intent: "retry", eventId: mine ?? "" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, eventId: mine });
    expect(await statusOf(mine)).not.toBe("dead");

    const data = (await (await call(dashboard.loader, await documentRequest(TEST_SHOP_NAME))).json()) as DashboardData;
    expect(data.webhooks.counts.dead).toBe(0);
    expect(data.webhooks.dead).toEqual([]);
  });
});

describe("dashboard chargeback budget", () => {
  type CardData = DashboardData & {
    chargebacks: { tally: { month: { timeZone: string }; openNow: number; lost: number; lostMinor: number; currencyCode: string }; budget: unknown; standing: { state: string; messages: string[] } | null };
  };
  const load = async (store = TEST_SHOP_NAME) => (await (await call(dashboard.loader, await documentRequest(store))).json()) as CardData;

  it("GIVEN a lost dispute this month and no budget THEN the card tallies it in the shop's zone and currency, with no standing", async () => {
    const now = new Date();
    await db.prisma.dispute.createMany({
      data: [
        { shop: TEST_SHOP, disputeId: "gid://shopify/ShopifyPaymentsDispute/1", status: "lost", amountMinor: 15_000, currencyCode: "CAD", initiatedAt: now, finalizedAt: null, eventAt: now, lastEventKey: "a" },
        { shop: TEST_SHOP, disputeId: "gid://shopify/ShopifyPaymentsDispute/2", status: "needs_response", amountMinor: 500, currencyCode: "CAD", initiatedAt: now, eventAt: now, lastEventKey: "b" },
        { shop: OTHER_SHOP, disputeId: "gid://shopify/ShopifyPaymentsDispute/3", status: "lost", amountMinor: 99_000, currencyCode: "EUR", initiatedAt: now, eventAt: now, lastEventKey: "c" },
      ],
    });
    const data = await load();
    expect(data.chargebacks.tally).toMatchObject({ openNow: 1, lost: 1, lostMinor: 15_000, currencyCode: "CAD", month: { timeZone: "America/Toronto" } });
    expect(data.chargebacks.budget).toBeNull();
    expect(data.chargebacks.standing).toBeNull();
  });

  it("refuses a bad budget with field-level errors and stores nothing", async () => {
    const response = await call(dashboard.action, await retryRequest({ intent: "budget", amount: "12.345", maxDisputes: "two", maxFraudCancellations: "" }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { ok: boolean; errors: Record<string, string> };
    expect(body.errors.amount).toMatch(/more than 2 decimal places for CAD/);
    expect(body.errors.maxDisputes).toMatch(/"two" is not a whole number/);
    expect(await db.prisma.chargebackBudget.count()).toBe(0);
  });

  it("GIVEN a budget below this month's losses WHEN saved THEN the card is over budget, naming the overshoot", async () => {
    const response = await call(dashboard.action, await retryRequest({ intent: "budget", amount: "100", maxDisputes: "5", maxFraudCancellations: "" }));
    expect(response.status).toBe(200);
    expect(await db.prisma.chargebackBudget.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({ currencyCode: "CAD", amountMinor: 10_000, maxDisputes: 5, maxFraudCancellations: null });
    const data = await load();
    expect(data.chargebacks.standing?.state).toBe("over");
    expect(data.chargebacks.standing?.messages[0]).toMatch(/^Lost to chargebacks in .+: 150\.00 CAD, over the budget of 100\.00 CAD by 50\.00 CAD$/);
    // The other shop has no budget and sees none of this shop's disputes.
    const other = await load(OTHER_SHOP_NAME);
    expect(other.chargebacks.budget).toBeNull();
    expect(other.chargebacks.tally).toMatchObject({ lost: 1, openNow: 0, currencyCode: "EUR" });
  });
});
