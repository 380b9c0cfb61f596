/**
 * A webhook route as the built app serves it: the route module's action with the app's own
 * database client (app/db.server.ts, a Proxy over the Prisma client) — not a client handed in
 * by the test. The receiver tells a Prisma client from a pg pool by `"$queryRawUnsafe" in db`;
 * the Proxy once answered that from its empty target, and every delivery on the embedded
 * default got a 500.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../helpers/db";
import { call, closeTestDatabase, installTestDatabase } from "./support";

let db: TestDatabase;
let route: typeof import("~/routes/webhooks.orders.cancelled");
const previousWorker = process.env.PEAKGUARD_WEBHOOK_WORKER;

beforeAll(async () => {
  process.env.PEAKGUARD_WEBHOOK_WORKER = "off"; // store only: the worker is not under test here
  db = await installTestDatabase();
  route = await import("~/routes/webhooks.orders.cancelled");
});
afterAll(async () => {
  if (previousWorker === undefined) delete process.env.PEAKGUARD_WEBHOOK_WORKER;
  else process.env.PEAKGUARD_WEBHOOK_WORKER = previousWorker;
  await closeTestDatabase(db);
});

function delivery(body: string, eventId: string): Request {
  const hmac = createHmac("sha256", process.env.SHOPIFY_API_SECRET ?? "").update(body).digest("base64");
  return new Request("https://peakguard.test/webhooks/orders/cancelled", {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": "orders/cancelled",
      "X-Shopify-Shop-Domain": "route-test.myshopify.com",
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": `wh-${eventId}`,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": "2026-11-26T12:00:00.123Z",
    },
  });
}

describe("POST /webhooks/orders/cancelled through the app's own database client", () => {
  it("stores the delivery and answers 200; a duplicate is counted, not stored twice", async () => {
    const body = JSON.stringify({ id: 5400000007009, cancel_reason: "fraud", updated_at: "2026-11-26T07:00:00-05:00" });
    const first = await call(route.action, delivery(body, "evt-route-1"));
    expect(first.status).toBe(200);
    const again = await call(route.action, delivery(body, "evt-route-1"));
    expect(again.status).toBe(200);
    const rows = await db.prisma.webhookEvent.findMany({ where: { shop: "route-test.myshopify.com" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: "orders/cancelled", deliveries: 2 });
  });

  it("refuses a bad signature with 401 and stores nothing", async () => {
    const request = delivery("{}", "evt-route-2");
    request.headers.set("X-Shopify-Hmac-Sha256", "AAAA");
    const response = await call(route.action, request);
    expect(response.status).toBe(401);
    expect(await db.prisma.webhookEvent.count({ where: { eventKey: { contains: "evt-route-2" } } })).toBe(0);
  });
});
