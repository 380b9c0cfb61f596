/**
 * The webhook front door, used by every app/routes/webhooks.*.tsx route.
 *
 * 1. the HMAC is verified (bad → 401, missing headers → 400, not POST → 405)
 *    before anything is written: verifyWebhook below, the library's
 *    authenticate.webhook check without its per-delivery session lookup;
 * 2. the raw body is stored in the event log, keyed by X-Shopify-Event-Id
 *    (else the webhook id, else a hash of topic + body), in one INSERT … ON
 *    CONFLICT statement: a duplicate delivery only bumps a counter;
 * 3. 200 is answered, then the worker processes the event. A failure to store
 *    answers 500, so Shopify retries: an event is never acknowledged unsaved.
 *    When the backlog of unprocessed events is at its cap, 503 + Retry-After
 *    (backpressure: Shopify retries; nothing is dropped).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import pg from "pg";
import { webhookBackpressure } from "../peak/backpressure.server";
import { resolveDatabaseTarget } from "../db/database-url";
import { WebhookWorker } from "./processor.server";
import { topicEnum, type WebhookTopic } from "./topics";
import { SERVER_MODULE_URL, webhookWorkerMode, WebhookWorkerThread, WORKER_MODE_ENV } from "./worker-thread.server";

interface WebhookContextLike {
  shop: string;
  topic: string | number | symbol;
  webhookId: string;
  apiVersion: string;
  eventId?: string;
  triggeredAt?: string;
}

export type ReceiverDeps = {
  prisma: PrismaClient;
  /** How events are stored, when not one statement each through `prisma` (receivingStore on PostgreSQL). */
  store?: ((event: EventToStore) => Promise<StoredEvent>) | null;
  worker: { kick(): Promise<void> | void };
} & (
  | /** The library's check (reads the request itself). */ { authenticateWebhook: (request: Request) => Promise<WebhookContextLike> }
  | /** A check of the body already read (verifyWebhook). */ { verify: (request: Request, rawBody: string) => WebhookContextLike }
);

export type EventKeySource = "event-id" | "webhook-id" | "body-hash";

export function eventKeyFor(ctx: Pick<WebhookContextLike, "eventId" | "webhookId">, topic: string, rawBody: string): { key: string; source: EventKeySource } {
  if (ctx.eventId) return { key: ctx.eventId, source: "event-id" };
  if (ctx.webhookId) return { key: `webhook:${ctx.webhookId}`, source: "webhook-id" };
  return { key: `sha256:${createHash("sha256").update(topic).update("\n").update(rawBody).digest("hex")}`, source: "body-hash" };
}

function parseTime(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The webhook check of @shopify/shopify-app-remix's authenticate.webhook, answer for answer
 * (not POST → 405; empty body, no X-Shopify-Hmac-Sha256 or a missing X-Shopify-Topic / -Shop-Domain /
 * -API-Version / -Webhook-Id → 400; an HMAC that does not match → 401, each thrown as a
 * Response), without what the receiver does not use: it loads no session (a database query per
 * delivery) and does not parse the body. The HMAC is base64 HMAC-SHA256 of the raw body with
 * the app's secret, compared in constant time. tests/webhooks/verify.db.test.ts runs both on
 * the same requests.
 */
export function verifyWebhook(request: Request, rawBody: string, apiSecret: string): WebhookContextLike {
  if (request.method !== "POST") throw new Response(undefined, { status: 405, statusText: "Method not allowed" });
  const header = (name: string) => request.headers.get(name) || null;
  const hmac = header("X-Shopify-Hmac-Sha256");
  if (rawBody.length === 0 || !hmac) throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  if (!apiSecret) throw new Error("SHOPIFY_API_SECRET is not set: webhooks cannot be verified");
  const expected = Buffer.from(createHmac("sha256", apiSecret).update(rawBody, "utf8").digest("base64"));
  const given = Buffer.from(hmac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
  }
  const topic = header("X-Shopify-Topic");
  const shop = header("X-Shopify-Shop-Domain");
  const apiVersion = header("X-Shopify-API-Version");
  const webhookId = header("X-Shopify-Webhook-Id");
  if (!topic || !shop || !apiVersion || !webhookId) throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  return {
    shop,
    topic: topic.toUpperCase().replace(/\/|\./g, "_"),
    webhookId,
    apiVersion,
    ...(header("X-Shopify-Event-Id") ? { eventId: header("X-Shopify-Event-Id")! } : {}),
    ...(header("X-Shopify-Triggered-At") ? { triggeredAt: header("X-Shopify-Triggered-At")! } : {}),
  };
}

export interface StoredEvent {
  /** false: the event was already in the log (a duplicate delivery); its delivery count went up. */
  inserted: boolean;
}

export interface EventToStore {
  shop: string;
  topic: string;
  eventKey: string;
  eventKeySource: EventKeySource;
  webhookId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
  rawBody: string;
  receivedAt: Date;
}

/** A plain PostgreSQL connection pool (node-postgres), for the receiving path on PostgreSQL. */
export interface SqlPool {
  query(text: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** The statement for `rows` distinct events: each row carries how many deliveries of it the batch holds. */
function storeSql(rows: number): string {
  const at = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;
  const values = Array.from({ length: rows }, (_, r) => {
    const p = (n: number) => `$${r * 11 + n}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${at(r * 11 + 8)}, ${p(9)}, ${at(r * 11 + 10)}, ${at(r * 11 + 10)}, ${p(11)}::int)`;
  });
  return `INSERT INTO "WebhookEvent" ("id", "shop", "topic", "eventKey", "eventKeySource", "webhookId", "apiVersion", "triggeredAt", "rawBody", "receivedAt", "nextAttemptAt", "deliveries")
     VALUES ${values.join(",\n            ")}
     ON CONFLICT ("shop", "eventKey") DO UPDATE SET "deliveries" = "WebhookEvent"."deliveries" + EXCLUDED."deliveries"
     RETURNING "shop", "eventKey", ("xmax" = 0) AS "inserted"`;
}

/**
 * One statement for a batch of events: each new event is inserted; one already there — a
 * duplicate delivery — only has its delivery counter raised, as does every delivery of one event
 * after the first within the batch. Resolves (one answer per event, in order) once the database
 * has committed them all; throws when they could not be stored. Through Prisma (any database)
 * or a plain pool (PostgreSQL: the same statement at a third of Prisma's CPU, on the thread that
 * acknowledges).
 */
export async function storeWebhookEvents(db: PrismaClient | SqlPool, events: readonly EventToStore[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const keyOf = (e: Pick<EventToStore, "shop" | "eventKey">) => `${e.shop}\n${e.eventKey}`;
  // One row per event, in key order (two batches in flight lock shared keys in the same order).
  const groups = new Map<string, { event: EventToStore; count: number }>();
  for (const event of events) {
    const group = groups.get(keyOf(event));
    if (group) group.count += 1;
    else groups.set(keyOf(event), { event, count: 1 });
  }
  const rows = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  const values = rows.flatMap(({ event, count }) => [
    randomUUID(),
    event.shop,
    event.topic,
    event.eventKey,
    event.eventKeySource,
    event.webhookId,
    event.apiVersion,
    event.triggeredAt?.toISOString() ?? null,
    event.rawBody,
    event.receivedAt.toISOString(),
    count,
  ]);
  const sql = storeSql(rows.length);
  const returned = "$queryRawUnsafe" in db ? await db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...values) : (await db.query(sql, values)).rows;
  const inserted = new Map(returned.map((row) => [keyOf({ shop: String(row.shop), eventKey: String(row.eventKey) }), row.inserted === true || String(row.inserted) === "true"]));
  const answered = new Set<string>();
  return events.map((event) => {
    const key = keyOf(event);
    const wasInserted = inserted.get(key);
    if (wasInserted === undefined) throw new Error(`storing webhook event ${event.eventKey} of ${event.shop} returned no row`);
    const first = !answered.has(key);
    answered.add(key);
    return { inserted: first && wasInserted };
  });
}

/** One event: storeWebhookEvents of one. */
export async function storeWebhookEvent(db: PrismaClient | SqlPool, event: EventToStore): Promise<StoredEvent> {
  const [stored] = await storeWebhookEvents(db, [event]);
  return stored!;
}

/**
 * Group commit for the receiving path: a delivery is written at once when fewer than
 * `maxInFlight` statements are running; otherwise it waits for one to finish and goes with
 * every delivery that queued meanwhile, in one statement (up to `maxBatch`). Nothing waits on
 * a timer; under load, fewer statements, commits and round trips. Each caller's promise settles
 * when its own statement has committed (or failed: every delivery of that statement then
 * answers 500 and is delivered again).
 */
export class StoreBatcher {
  private queue: { event: EventToStore; resolve: (stored: StoredEvent) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: PrismaClient | SqlPool,
    private readonly maxInFlight = 2,
    private readonly maxBatch = 100,
  ) {}

  store(event: EventToStore): Promise<StoredEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      storeWebhookEvents(
        this.db,
        batch.map((b) => b.event),
      )
        .then(
          (stored) => batch.forEach((b, i) => b.resolve(stored[i]!)),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}

declare global {
  var __peakguardWebhookPool: SqlPool | undefined;
}

/**
 * The receiving path's own small pool on PostgreSQL (DATABASE_URL, its `schema` parameter as
 * the search path, as Prisma's adapter reads it); null on PGlite, where Prisma is the only way in.
 */
export function receivingPool(env: Record<string, string | undefined> = process.env): SqlPool | null {
  const target = resolveDatabaseTarget(env.DATABASE_URL);
  if (target.kind !== "postgres") return null;
  if (!globalThis.__peakguardWebhookPool) {
    const schema = new URL(target.url).searchParams.get("schema");
    const pool = new pg.Pool({ connectionString: target.url, max: 4, ...(schema ? { options: `-c search_path="${schema.replace(/"/g, '""')}"` } : {}) });
    // An idle connection the server dropped: the pool replaces it; a query in flight fails (→ 500) on its own.
    pool.on("error", (error) => console.error("[webhooks] receiving pool: idle connection lost", error.message));
    globalThis.__peakguardWebhookPool = pool;
  }
  return globalThis.__peakguardWebhookPool;
}

export async function receiveWebhookWith(deps: ReceiverDeps, request: Request, expected: WebhookTopic): Promise<Response> {
  let rawBody: string;
  let ctx: WebhookContextLike;
  // Both throw the 401 / 400 / 405 Response.
  if ("verify" in deps) {
    rawBody = await request.text();
    ctx = deps.verify(request, rawBody);
  } else {
    rawBody = await request.clone().text();
    ctx = await deps.authenticateWebhook(request);
  }
  if (String(ctx.topic) !== topicEnum(expected)) {
    return new Response(`Topic ${String(ctx.topic)} was delivered to the route for ${expected}`, { status: 400 });
  }
  // At the queue's cap (PEAKGUARD_WEBHOOK_BACKLOG_CAP unprocessed events): 503 with
  // Retry-After and nothing stored, so Shopify delivers again later — never a silent drop.
  const shed = await webhookBackpressure(deps.prisma);
  if (shed) return shed;
  const { key, source } = eventKeyFor(ctx, expected, rawBody);
  // A failure here throws: 500, and Shopify delivers again.
  const event: EventToStore = {
    shop: ctx.shop,
    topic: expected,
    eventKey: key,
    eventKeySource: source,
    webhookId: ctx.webhookId || null,
    apiVersion: ctx.apiVersion || null,
    triggeredAt: parseTime(ctx.triggeredAt),
    rawBody,
    receivedAt: new Date(),
  };
  const stored = await (deps.store ? deps.store(event) : storeWebhookEvent(deps.prisma, event));
  if (!stored.inserted) return new Response(null, { status: 200, headers: { "X-Peakguard-Webhook": "duplicate" } });
  void deps.worker.kick();
  return new Response(null, { status: 200, headers: { "X-Peakguard-Webhook": "stored" } });
}

type WorkerHandle = { kick(): Promise<void> | void };

declare global {
  var __peakguardWebhookWorker: WorkerHandle | undefined;
}

/**
 * The process's worker, started on first use where PEAKGUARD_WEBHOOK_WORKER puts it
 * (./worker-thread.server.ts): its own thread on PostgreSQL in the built server, this event
 * loop on PGlite, nowhere when off (kicks are then no-ops: another process processes).
 */
export async function webhookWorker(): Promise<WorkerHandle> {
  if (!globalThis.__peakguardWebhookWorker) {
    const mode = webhookWorkerMode(process.env[WORKER_MODE_ENV], resolveDatabaseTarget(process.env.DATABASE_URL).kind, SERVER_MODULE_URL);
    if (mode === "off") {
      globalThis.__peakguardWebhookWorker = { kick: () => undefined };
    } else if (mode === "thread") {
      globalThis.__peakguardWebhookWorker = new WebhookWorkerThread(new URL(SERVER_MODULE_URL), {
        fallback: async () => new WebhookWorker((await import("../../db.server")).default).start(),
      }).start();
    } else {
      const { default: prisma } = await import("../../db.server");
      globalThis.__peakguardWebhookWorker = new WebhookWorker(prisma).start();
    }
  }
  return globalThis.__peakguardWebhookWorker;
}

declare global {
  var __peakguardWebhookStore: StoreBatcher | undefined;
}

/** On PostgreSQL, deliveries are stored through the receiving pool with group commit; null on PGlite (Prisma, one statement each). */
export function receivingStore(): ((event: EventToStore) => Promise<StoredEvent>) | null {
  const pool = receivingPool();
  if (!pool) return null;
  globalThis.__peakguardWebhookStore ??= new StoreBatcher(pool);
  const batcher = globalThis.__peakguardWebhookStore;
  return (event) => batcher.store(event);
}

/** What a webhooks.<topic>.tsx route calls. */
export async function receiveWebhook(request: Request, topic: WebhookTopic): Promise<Response> {
  const [{ default: prisma }, worker] = await Promise.all([import("../../db.server"), webhookWorker()]);
  const secret = process.env.SHOPIFY_API_SECRET || "";
  return receiveWebhookWith({ prisma, store: receivingStore(), verify: (r, rawBody) => verifyWebhook(r, rawBody, secret), worker }, request, topic);
}
