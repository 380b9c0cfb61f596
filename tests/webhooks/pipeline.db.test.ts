/**
 * The fast webhook pipeline on the real database (PGlite here, PostgreSQL in CI's second pass):
 * the one-statement store and its duplicate counter, batched claims (SKIP LOCKED), and
 * concurrent processing that keeps one order's events in order.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { HANDLERS } from "~/services/webhooks/handlers.server";
import type { HandlerContext } from "~/services/webhooks/handler-types";
import { CLEANUP_DELAY_MS, recordUninstall } from "~/services/compliance.server";
import { claimDueEvents, processDueEvents, WebhookWorker } from "~/services/webhooks/processor.server";
import pg from "pg";
import { receiveWebhookWith, receivingPool, StoreBatcher, storeWebhookEvent, storeWebhookEvents, verifyWebhook, type EventToStore } from "~/services/webhooks/receive.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { API_SECRET, OTHER_SHOP, SHOP, orderPayload, webhookRequest } from "./helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => db.close());

const base = new Date("2026-11-27T08:00:00.000Z");
const at = (ms: number) => new Date(base.getTime() + ms);

function store(eventKey: string, over: { shop?: string; topic?: string; body?: unknown; receivedAt?: Date } = {}) {
  return storeWebhookEvent(db.prisma, {
    shop: over.shop ?? SHOP,
    topic: over.topic ?? "orders/create",
    eventKey,
    eventKeySource: "event-id",
    webhookId: `wh-${eventKey}`,
    apiVersion: "2026-10",
    triggeredAt: at(-1000),
    rawBody: JSON.stringify(over.body ?? orderPayload()),
    receivedAt: over.receivedAt ?? at(0),
  });
}

describe("storing: one INSERT … ON CONFLICT", () => {
  it("GIVEN a new event THEN it is stored raw, received, with its times; AND its duplicate only counts a delivery", async () => {
    const body = orderPayload({ id: 77 });
    expect(await store("evt-1", { body })).toEqual({ inserted: true });
    expect(await store("evt-1", { body })).toEqual({ inserted: false });
    expect(await store("evt-1", { body })).toEqual({ inserted: false });
    const rows = await db.prisma.webhookEvent.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      shop: SHOP,
      topic: "orders/create",
      eventKey: "evt-1",
      eventKeySource: "event-id",
      webhookId: "wh-evt-1",
      apiVersion: "2026-10",
      status: "received",
      attempts: 0,
      deliveries: 3,
      rawBody: JSON.stringify(body),
    });
    expect(rows[0]!.receivedAt.toISOString()).toBe(base.toISOString());
    expect(rows[0]!.nextAttemptAt.toISOString()).toBe(base.toISOString());
    expect(rows[0]!.triggeredAt?.toISOString()).toBe(at(-1000).toISOString());
  });

  it("the same event key in two shops is two events", async () => {
    expect(await store("evt-x")).toEqual({ inserted: true });
    expect(await store("evt-x", { shop: OTHER_SHOP })).toEqual({ inserted: true });
    expect(await db.prisma.webhookEvent.count()).toBe(2);
  });

  it("through the receiver with the lean check: 200 stored, 200 duplicate, one row counting two deliveries; a bad HMAC writes nothing", async () => {
    const kicks: number[] = [];
    const deps = { prisma: db.prisma, verify: (r: Request, raw: string) => verifyWebhook(r, raw, API_SECRET), worker: { kick: () => void kicks.push(1) } };
    const body = orderPayload({ id: 78 });
    const first = await receiveWebhookWith(deps, webhookRequest({ topic: "orders/create", body, eventId: "evt-r" }), "orders/create");
    const second = await receiveWebhookWith(deps, webhookRequest({ topic: "orders/create", body, eventId: "evt-r" }), "orders/create");
    expect([first.status, first.headers.get("X-Peakguard-Webhook")]).toEqual([200, "stored"]);
    expect([second.status, second.headers.get("X-Peakguard-Webhook")]).toEqual([200, "duplicate"]);
    expect(kicks).toHaveLength(1); // a duplicate has nothing new to process
    expect(await db.prisma.webhookEvent.findMany({ select: { eventKey: true, deliveries: true } })).toEqual([{ eventKey: "evt-r", deliveries: 2 }]);
    const refused = await receiveWebhookWith(deps, webhookRequest({ topic: "orders/create", body, hmac: "bm90LXRoZS1obWFj" }), "orders/create").catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(401);
    expect(await db.prisma.webhookEvent.count()).toBe(1);
  });

  it("a failure to store is thrown (the route answers 500 and Shopify delivers again), nothing is acknowledged", async () => {
    vi.spyOn(db.prisma, "$queryRawUnsafe").mockRejectedValueOnce(new Error("connection reset"));
    const deps = { prisma: db.prisma, verify: (r: Request, raw: string) => verifyWebhook(r, raw, API_SECRET), worker: { kick: () => undefined } };
    await expect(receiveWebhookWith(deps, webhookRequest({ topic: "orders/create", body: orderPayload() }), "orders/create")).rejects.toThrow("connection reset");
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });
});

const toStore = (eventKey: string, id = 1): EventToStore => ({
  shop: SHOP,
  topic: "orders/create",
  eventKey,
  eventKeySource: "event-id",
  webhookId: `wh-${eventKey}-${Math.random()}`,
  apiVersion: "2026-10",
  triggeredAt: at(-1000),
  rawBody: JSON.stringify(orderPayload({ id })),
  receivedAt: at(0),
});

describe("storing many in one statement (group commit)", () => {
  it("GIVEN a new event twice, an event already stored and another new one in one batch THEN one answer each, in order, and every delivery counted", async () => {
    await store("evt-old");
    const answers = await storeWebhookEvents(db.prisma, [toStore("evt-new", 1), toStore("evt-old"), toStore("evt-new", 1), toStore("evt-other", 2)]);
    expect(answers).toEqual([{ inserted: true }, { inserted: false }, { inserted: false }, { inserted: true }]);
    const rows = await db.prisma.webhookEvent.findMany({ orderBy: { eventKey: "asc" }, select: { eventKey: true, deliveries: true, status: true } });
    expect(rows).toEqual([
      { eventKey: "evt-new", deliveries: 2, status: "received" },
      { eventKey: "evt-old", deliveries: 2, status: "received" },
      { eventKey: "evt-other", deliveries: 1, status: "received" },
    ]);
  });

  it("deliveries arriving while a statement runs go together in the next one; each caller gets its own answer", async () => {
    const statements = vi.spyOn(db.prisma, "$queryRawUnsafe");
    const batcher = new StoreBatcher(db.prisma, 1);
    const keys = ["a", "b", "c", "b", "d", "e", "a", "f"];
    const answers = await Promise.all(keys.map((key) => batcher.store(toStore(`evt-${key}`))));
    expect(answers.map((a) => a.inserted)).toEqual([true, true, true, false, true, true, false, true]);
    expect(statements.mock.calls.length).toBe(2); // the first alone, the seven that queued behind it together
    const rows = await db.prisma.webhookEvent.findMany({ orderBy: { eventKey: "asc" }, select: { eventKey: true, deliveries: true } });
    expect(rows.map((r) => `${r.eventKey}:${r.deliveries}`)).toEqual(["evt-a:2", "evt-b:2", "evt-c:1", "evt-d:1", "evt-e:1", "evt-f:1"]);
  });

  it("a statement that fails fails every delivery in it (each answers 500 and is delivered again); the next statement goes on", async () => {
    const batcher = new StoreBatcher(db.prisma, 1);
    const first = batcher.store(toStore("evt-1"));
    vi.spyOn(db.prisma, "$queryRawUnsafe").mockRejectedValueOnce(new Error("connection reset"));
    const queued = [batcher.store(toStore("evt-2")), batcher.store(toStore("evt-3"))];
    expect(await first).toEqual({ inserted: true }); // already sent before the failure was armed
    const settled = await Promise.allSettled(queued);
    expect(settled.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await batcher.store(toStore("evt-2"))).toEqual({ inserted: true });
    expect((await db.prisma.webhookEvent.findMany({ orderBy: { eventKey: "asc" } })).map((r) => r.eventKey)).toEqual(["evt-1", "evt-2"]);
  });
});

describe("claiming in batches", () => {
  it("claims at most the limit, oldest first, each once: processing, a lease, one more attempt", async () => {
    for (let i = 0; i < 5; i++) await store(`evt-${i}`, { receivedAt: at(4 - i) }); // evt-4 is the oldest
    const now = at(10);
    const first = await claimDueEvents(db.prisma, { now, limit: 3, leaseMs: 60_000 });
    expect(first.map((e) => e.eventKey)).toEqual(["evt-4", "evt-3", "evt-2"]);
    expect(first.every((e) => e.attempts === 1 && e.shop === SHOP && e.topic === "orders/create")).toBe(true);
    expect(first[0]!.receivedAt.toISOString()).toBe(at(0).toISOString());
    expect(first[0]!.triggeredAt?.toISOString()).toBe(at(-1000).toISOString());
    const second = await claimDueEvents(db.prisma, { now, limit: 3, leaseMs: 60_000 });
    expect(second.map((e) => e.eventKey)).toEqual(["evt-1", "evt-0"]);
    expect(await claimDueEvents(db.prisma, { now, limit: 3, leaseMs: 60_000 })).toEqual([]);
    const rows = await db.prisma.webhookEvent.findMany();
    expect(rows.every((r) => r.status === "processing" && r.lockedUntil?.toISOString() === at(60_010).toISOString())).toBe(true);
  });

  it("two workers claiming at once never take the same event", async () => {
    for (let i = 0; i < 40; i++) await store(`evt-${i}`, { receivedAt: at(i) });
    const now = at(100);
    const [a, b] = await Promise.all([
      claimDueEvents(db.prisma, { now, limit: 25, leaseMs: 60_000 }),
      claimDueEvents(db.prisma, { now, limit: 25, leaseMs: 60_000 }),
    ]);
    const keys = [...a, ...b].map((e) => e.eventKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(40);
  });

  it("an event not yet due stays; a processing event is claimed again only once its lease has expired", async () => {
    await store("evt-later");
    await db.prisma.webhookEvent.updateMany({ where: { eventKey: "evt-later" }, data: { status: "retrying", nextAttemptAt: at(5_000) } });
    await store("evt-leased");
    await db.prisma.webhookEvent.updateMany({ where: { eventKey: "evt-leased" }, data: { status: "processing", attempts: 1, lockedUntil: at(3_000) } });
    expect(await claimDueEvents(db.prisma, { now: at(1_000), limit: 10, leaseMs: 1 })).toEqual([]);
    expect((await claimDueEvents(db.prisma, { now: at(3_001), limit: 10, leaseMs: 60_000 })).map((e) => [e.eventKey, e.attempts])).toEqual([["evt-leased", 2]]);
    expect((await claimDueEvents(db.prisma, { now: at(5_000), limit: 10, leaseMs: 60_000 })).map((e) => e.eventKey)).toEqual(["evt-later"]);
  });
});

describe("processing concurrently, one order's events in order", () => {
  it("GIVEN create/paid/updated of three orders interleaved THEN each order's events run in arrival order, orders overlap, all are processed", async () => {
    const topics = ["orders/create", "orders/paid", "orders/updated"] as const;
    let i = 0;
    for (const topic of topics) {
      for (const id of [1, 2, 3]) await store(`evt-${topic}-${id}`, { topic, body: orderPayload({ id }), receivedAt: at(i++) });
    }
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = async (ctx: HandlerContext) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const id = (ctx.payload as { id: number }).id;
      seen.push(`${id}:${ctx.topic}`);
      await new Promise((resolve) => setTimeout(resolve, id === 1 ? 30 : 5));
      inFlight -= 1;
      return "applied";
    };
    for (const topic of topics) vi.spyOn(HANDLERS, topic).mockImplementation(slow);
    expect(await processDueEvents(db.prisma, { concurrency: 4, now: () => at(100) })).toEqual({ processed: 9, retrying: 0, dead: 0 });
    for (const id of [1, 2, 3]) expect(seen.filter((s) => s.startsWith(`${id}:`))).toEqual(topics.map((t) => `${id}:${t}`));
    expect(maxInFlight).toBe(3);
    const rows = await db.prisma.webhookEvent.findMany();
    expect(rows.every((r) => r.status === "processed" && r.outcome === "applied" && r.processedAt !== null && r.lockedUntil === null)).toBe(true);
  });

  it("a failing event among concurrent ones is retrying with its error; the others are processed", async () => {
    for (const id of [11, 12, 13]) await store(`evt-${id}`, { body: orderPayload({ id }) });
    vi.spyOn(HANDLERS, "orders/create").mockImplementation(async (ctx) => {
      if ((ctx.payload as { id: number }).id === 12) throw new Error("mirror unavailable");
      return "applied";
    });
    const now = at(1_000);
    expect(await processDueEvents(db.prisma, { concurrency: 3, now: () => now })).toEqual({ processed: 2, retrying: 1, dead: 0 });
    const failed = await db.prisma.webhookEvent.findFirst({ where: { eventKey: "evt-12" } });
    expect(failed).toMatchObject({ status: "retrying", attempts: 1, lastError: "Error: mirror unavailable", lockedUntil: null });
    expect(failed!.nextAttemptAt.getTime()).toBe(now.getTime() + 1_000);
  });

  it("a body that is not JSON is retried with the parse error, not lost", async () => {
    await storeWebhookEvent(db.prisma, { shop: SHOP, topic: "orders/create", eventKey: "evt-bad", eventKeySource: "event-id", webhookId: null, apiVersion: null, triggeredAt: null, rawBody: "{not json", receivedAt: new Date() });
    expect(await processDueEvents(db.prisma, { concurrency: 4 })).toEqual({ processed: 0, retrying: 1, dead: 0 });
    expect((await db.prisma.webhookEvent.findFirst())?.lastError).toMatch(/^SyntaxError: /);
  });

  it("successes are recorded together, each with its own outcome; if that write fails they stay leased and run again once the lease expires", async () => {
    for (const id of [21, 22]) await store(`evt-${id}`, { body: orderPayload({ id }) });
    let runs = 0;
    vi.spyOn(HANDLERS, "orders/create").mockImplementation(async (ctx) => {
      runs += 1;
      return `applied ${(ctx.payload as { id: number }).id}`;
    });
    const write = vi.spyOn(db.prisma, "$executeRawUnsafe").mockRejectedValueOnce(new Error("connection reset"));
    await expect(processDueEvents(db.prisma, { concurrency: 2, now: () => at(1_000) })).rejects.toThrow("connection reset");
    expect(runs).toBe(2);
    expect((await db.prisma.webhookEvent.findMany()).map((r) => r.status)).toEqual(["processing", "processing"]);
    write.mockRestore();
    expect(await processDueEvents(db.prisma, { concurrency: 2, now: () => at(30_000) })).toEqual({ processed: 0, retrying: 0, dead: 0 }); // lease held
    expect(await processDueEvents(db.prisma, { concurrency: 2, now: () => at(61_001) })).toEqual({ processed: 2, retrying: 0, dead: 0 });
    expect(runs).toBe(4);
    const rows = await db.prisma.webhookEvent.findMany({ orderBy: { eventKey: "asc" } });
    expect(rows.map((r) => [r.eventKey, r.status, r.outcome, r.attempts])).toEqual([
      ["evt-21", "processed", "applied 21", 2],
      ["evt-22", "processed", "applied 22", 2],
    ]);
    expect(rows.every((r) => r.processedAt?.getTime() === at(61_001).getTime())).toBe(true);
  });
});

describe("the receiving path's own pool", () => {
  it("exists only on PostgreSQL, with the URL's schema as its search path", async () => {
    expect(receivingPool({ DATABASE_URL: "pglite:memory" })).toBeNull();
    expect(receivingPool({})).toBeNull();
    const previous = globalThis.__peakguardWebhookPool;
    globalThis.__peakguardWebhookPool = undefined;
    try {
      const pool = receivingPool({ DATABASE_URL: "postgresql://app@db.internal:5432/peakguard?schema=tenant" }) as pg.Pool;
      expect(pool).toBeInstanceOf(pg.Pool);
      expect(pool.options).toMatchObject({ max: 4, options: '-c search_path="tenant"' });
      expect(receivingPool({ DATABASE_URL: "postgresql://app@db.internal:5432/peakguard?schema=tenant" })).toBe(pool); // one per process
      await pool.end();
    } finally {
      globalThis.__peakguardWebhookPool = previous;
    }
  });

  // The pool speaks to a PostgreSQL server: registered in the PostgreSQL pass only.
  if (process.env.TEST_DATABASE_URL?.startsWith("postgres")) {
    it("stores through a plain pool exactly as through Prisma: one row, duplicates counted, batches too", async () => {
      const [row] = await db.prisma.$queryRawUnsafe<{ schema: string }[]>("SELECT current_schema()::text AS schema");
      const schema = row?.schema ?? "public";
      const pool = new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 2, options: `-c search_path="${schema}"` });
      try {
        const event = { shop: SHOP, topic: "orders/create", eventKey: "evt-pool", eventKeySource: "event-id" as const, webhookId: "wh-1", apiVersion: "2026-10", triggeredAt: at(-1000), rawBody: JSON.stringify(orderPayload({ id: 90 })), receivedAt: at(0) };
        expect(await storeWebhookEvent(pool, event)).toEqual({ inserted: true });
        expect(await storeWebhookEvent(pool, event)).toEqual({ inserted: false });
        expect(await storeWebhookEvent(db.prisma, event)).toEqual({ inserted: false });
        expect(await storeWebhookEvents(pool, [toStore("evt-pool-2"), event, toStore("evt-pool-2")])).toEqual([{ inserted: true }, { inserted: false }, { inserted: false }]);
        const rows = await db.prisma.webhookEvent.findMany({ orderBy: { eventKey: "asc" } });
        expect(rows.map((r) => [r.eventKey, r.deliveries, r.status, r.receivedAt.toISOString(), r.triggeredAt?.toISOString()])).toEqual([
          ["evt-pool", 4, "received", at(0).toISOString(), at(-1000).toISOString()],
          ["evt-pool-2", 2, "received", at(0).toISOString(), at(-1000).toISOString()],
        ]);
      } finally {
        await pool.end();
      }
    });
  }
});

describe("the worker loop", () => {
  it("looks for due shop cleanups at most once per cleanupEveryMs, not on every idle turn", async () => {
    await recordUninstall(db.prisma, SHOP, at(0));
    await recordUninstall(db.prisma, OTHER_SHOP, at(0));
    let now = at(CLEANUP_DELAY_MS);
    const worker = new WebhookWorker(db.prisma, { now: () => now, cleanupEveryMs: 30_000 });
    await worker.kick(); // the first turn looks: both shops' cleanups are due
    expect(await db.prisma.shopCleanup.count({ where: { doneAt: null } })).toBe(0);
    await recordUninstall(db.prisma, SHOP, at(0)); // due again at once
    now = at(CLEANUP_DELAY_MS + 29_000);
    await worker.kick();
    expect(await db.prisma.shopCleanup.count({ where: { doneAt: null } })).toBe(1); // not looked for yet
    now = at(CLEANUP_DELAY_MS + 30_000);
    await worker.kick();
    expect(await db.prisma.shopCleanup.count({ where: { doneAt: null } })).toBe(0);
  });
});
