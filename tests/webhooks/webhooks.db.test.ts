import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { HANDLERS } from "~/services/webhooks/handlers.server";
import { MAX_ATTEMPTS, processDueEvents, retryDeadEvent } from "~/services/webhooks/processor.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { deliver, deliverAndProcess, orderPayload, SHOP } from "./helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => db.close());

const events = () => db.prisma.webhookEvent.findMany({ orderBy: { receivedAt: "asc" } });

describe("HMAC and headers (authenticate.webhook before anything is written)", () => {
  it("a correctly signed delivery is stored raw and acknowledged with 200", async () => {
    const body = orderPayload();
    const response = await deliver(db.prisma, { topic: "orders/create", body, eventId: "evt-1" });
    expect(response.status).toBe(200);
    const [event] = await events();
    expect(event).toMatchObject({ shop: SHOP, topic: "orders/create", eventKey: "evt-1", eventKeySource: "event-id", status: "received" });
    expect(event!.rawBody).toBe(JSON.stringify(body));
  });

  it("a wrong HMAC is refused with 401 and nothing is written", async () => {
    const response = await deliver(db.prisma, { topic: "orders/create", body: orderPayload(), hmac: "bm90LXRoZS1obWFj" });
    expect(response.status).toBe(401);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });

  it("a body changed after signing is refused with 401", async () => {
    const good = orderPayload();
    const { createHmac } = await import("node:crypto");
    const { API_SECRET } = await import("./helpers");
    const hmac = createHmac("sha256", API_SECRET).update(JSON.stringify(good)).digest("base64");
    const response = await deliver(db.prisma, { topic: "orders/create", body: { ...good, total_price: "0.01" }, hmac });
    expect(response.status).toBe(401);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });

  it.each([["X-Shopify-Hmac-Sha256"], ["X-Shopify-Topic"], ["X-Shopify-Shop-Domain"]])(
    "a delivery without %s is refused with 400 and nothing is written",
    async (header) => {
      const response = await deliver(db.prisma, { topic: "orders/create", body: orderPayload(), omit: [header] });
      expect(response.status).toBe(400);
      expect(await db.prisma.webhookEvent.count()).toBe(0);
    },
  );

  it("a topic delivered to another topic's route is refused with 400", async () => {
    const response = await deliver(db.prisma, { topic: "orders/create", body: orderPayload() }, "products/update");
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/ORDERS_CREATE was delivered to the route for products\/update/);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });
});

describe("backpressure at the queue's cap", () => {
  it("answers 503 with Retry-After and stores nothing once the unprocessed backlog reaches the cap; a processed queue accepts again", async () => {
    process.env.PEAKGUARD_WEBHOOK_BACKLOG_CAP = "2";
    try {
      const sample = () => new Promise((resolve) => setTimeout(resolve, 300)); // the backlog is sampled every 250 ms
      await sample(); // no count left over from an earlier test
      expect((await deliver(db.prisma, { topic: "orders/create", body: orderPayload() })).status).toBe(200);
      await sample();
      expect((await deliver(db.prisma, { topic: "orders/create", body: orderPayload() })).status).toBe(200);
      await sample();
      const refused = await deliver(db.prisma, { topic: "orders/create", body: orderPayload() });
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(await db.prisma.webhookEvent.count()).toBe(2);
      await processDueEvents(db.prisma);
      await sample();
      expect((await deliver(db.prisma, { topic: "orders/create", body: orderPayload() })).status).toBe(200);
    } finally {
      delete process.env.PEAKGUARD_WEBHOOK_BACKLOG_CAP;
    }
  });
});

describe("event log: duplicates and keys", () => {
  it("a duplicate delivery of one event is a no-op (one row, delivery counted, one mirror write)", async () => {
    const body = orderPayload();
    const first = await deliver(db.prisma, { topic: "orders/create", body, eventId: "evt-dup" });
    const second = await deliver(db.prisma, { topic: "orders/create", body, eventId: "evt-dup" });
    expect(first.headers.get("X-Peakguard-Webhook")).toBe("stored");
    expect(second.status).toBe(200);
    expect(second.headers.get("X-Peakguard-Webhook")).toBe("duplicate");
    const rows = await events();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.deliveries).toBe(2);
    expect(await processDueEvents(db.prisma)).toEqual({ processed: 1, retrying: 0, dead: 0 });
    expect(await db.prisma.order.count()).toBe(1);
  });

  it("without X-Shopify-Event-Id the webhook id keys the event", async () => {
    await deliver(db.prisma, { topic: "orders/create", body: orderPayload(), eventId: null, webhookId: "wh-9" });
    const [event] = await events();
    expect(event).toMatchObject({ eventKey: "webhook:wh-9", eventKeySource: "webhook-id" });
  });

  it("the same event id in two shops is two events", async () => {
    await deliver(db.prisma, { topic: "orders/create", body: orderPayload(), eventId: "evt-x" });
    await deliver(db.prisma, { topic: "orders/create", body: orderPayload(), eventId: "evt-x", shop: "other-test.myshopify.com" });
    expect(await db.prisma.webhookEvent.count()).toBe(2);
  });
});

describe("out-of-order and stale payloads", () => {
  it("an older orders/create arriving after a newer orders/updated changes nothing", async () => {
    const newer = orderPayload({ id: 5, financial_status: "refunded", updated_at: "2026-11-21T12:00:00Z" });
    const older = orderPayload({ id: 5, financial_status: "paid", updated_at: "2026-11-20T10:00:00Z" });
    await deliverAndProcess(db.prisma, { topic: "orders/updated", body: newer });
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: older });
    const order = await forShop(db.prisma, SHOP).order.findFirst({ where: { id: "gid://shopify/Order/5" } });
    expect(order?.financialStatus).toBe("refunded");
    expect(order?.shopifyUpdatedAt.toISOString()).toBe("2026-11-21T12:00:00.000Z");
    const outcomes = (await events()).map((e) => `${e.topic}:${e.outcome}`);
    expect(outcomes).toEqual(["orders/updated:applied", "orders/create:stale"]);
  });

  it("a newer payload replaces the order and its lines", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: orderPayload({ id: 6 }) });
    await deliverAndProcess(db.prisma, {
      topic: "orders/updated",
      body: orderPayload({ id: 6, updated_at: "2026-11-22T00:00:00Z", line_items: [{ id: 61, sku: "HOODIE-M", quantity: 1, price: "50.00" }] }),
    });
    const lines = await forShop(db.prisma, SHOP).orderLine.findMany({ where: { orderId: "gid://shopify/Order/6" } });
    expect(lines.map((l) => [l.sku, l.quantity, l.priceCents])).toEqual([["HOODIE-M", 1, 5000]]);
  });

  it("products: a stale update leaves the newer title and variants", async () => {
    const product = (title: string, updated_at: string, price: string) => ({
      id: 9, title, handle: "hoodie", status: "active", tags: "drop, fw26", updated_at,
      variants: [{ id: 91, sku: "HOODIE-M", barcode: "4006381333931", price, inventory_item_id: 991, updated_at }],
    });
    await deliverAndProcess(db.prisma, { topic: "products/update", body: product("New", "2026-11-21T00:00:00Z", "59.00") });
    await deliverAndProcess(db.prisma, { topic: "products/create", body: product("Old", "2026-11-01T00:00:00Z", "49.00") });
    const scoped = forShop(db.prisma, SHOP);
    expect((await scoped.product.findFirst())?.title).toBe("New");
    expect((await scoped.product.findFirst())?.tags).toEqual(["drop", "fw26"]);
    expect((await scoped.variant.findFirst())?.priceCents).toBe(5900);
  });
});

describe("processing after the acknowledgement: retries, crash recovery, dead letters", () => {
  it("a handler error is recorded and retried later; the event is processed, not lost", async () => {
    const real = HANDLERS["orders/create"];
    const spy = vi.spyOn(HANDLERS, "orders/create").mockRejectedValueOnce(new Error("database went away"));
    await deliver(db.prisma, { topic: "orders/create", body: orderPayload({ id: 7 }) });
    let now = new Date();
    expect(await processDueEvents(db.prisma, { now: () => now })).toEqual({ processed: 0, retrying: 1, dead: 0 });
    const [failed] = await events();
    expect(failed).toMatchObject({ status: "retrying", attempts: 1, lastError: "Error: database went away" });
    expect(await processDueEvents(db.prisma, { now: () => now })).toEqual({ processed: 0, retrying: 0, dead: 0 }); // not due yet
    spy.mockImplementation(real);
    now = new Date(now.getTime() + 60_000);
    expect(await processDueEvents(db.prisma, { now: () => now })).toEqual({ processed: 1, retrying: 0, dead: 0 });
    expect((await events())[0]).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    expect(await db.prisma.order.count()).toBe(1);
  });

  it("a process that died mid-processing leaves a lease; once it expires the event is processed", async () => {
    await deliver(db.prisma, { topic: "orders/create", body: orderPayload({ id: 8 }) });
    const start = new Date();
    // The crash: claimed (status processing, lease taken), then the process vanished.
    await db.prisma.webhookEvent.updateMany({ data: { status: "processing", attempts: 1, lockedUntil: new Date(start.getTime() + 60_000) } });
    expect(await processDueEvents(db.prisma, { now: () => start })).toEqual({ processed: 0, retrying: 0, dead: 0 });
    const later = new Date(start.getTime() + 61_000);
    expect(await processDueEvents(db.prisma, { now: () => later })).toEqual({ processed: 1, retrying: 0, dead: 0 });
    expect(await db.prisma.order.count()).toBe(1);
  });

  it(`after ${MAX_ATTEMPTS} failures the event is dead-lettered, visible, and staff can retry it`, async () => {
    await deliver(db.prisma, { topic: "products/update", body: { id: 1, title: "no updated_at" } });
    let now = Date.now();
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await processDueEvents(db.prisma, { now: () => new Date(now) });
      now += 60 * 60_000;
    }
    const [dead] = await events();
    expect(dead).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS });
    expect(dead!.lastError).toMatch(/PayloadError: product: "updated_at" is missing/);
    expect(await retryDeadEvent(db.prisma, "other-test.myshopify.com", dead!.id)).toMatchObject({ ok: false, code: "not_found" });
    expect(await retryDeadEvent(db.prisma, SHOP, dead!.id)).toEqual({ ok: true });
    expect((await events())[0]).toMatchObject({ status: "retrying", attempts: 0 });
    expect(await retryDeadEvent(db.prisma, SHOP, dead!.id)).toMatchObject({ ok: false, code: "not_dead" });
  });
});
