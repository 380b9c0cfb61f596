/**
 * Webhook processing, after the acknowledgement.
 *
 * The receiver stores each event (status "received") and answers 200 at
 * once. This worker claims due events in batches (one UPDATE … WHERE id IN
 * (SELECT … FOR UPDATE SKIP LOCKED) RETURNING, so two workers never take one
 * event), runs their handlers — events of one resource in order, different
 * resources up to `concurrency` at a time (./ordering.ts) — and records each
 * outcome with one raw UPDATE. A handler that throws is retried with exponential backoff
 * ("retrying"); after MAX_ATTEMPTS it is dead-lettered ("dead") — visible on
 * the dashboard, retryable by staff — never silently dropped. A process that
 * dies mid-processing leaves the event "processing" with a lease; once the
 * lease expires the event is claimed again. Handlers are idempotent, so a
 * second run is harmless.
 *
 * The queue query is the one deliberate cross-shop read: each claimed event is
 * then processed through its own shop's scoped client.
 */
import type { PrismaClient } from "@prisma/client";
import { runDueCleanups } from "../compliance.server";
import { forShop } from "../db/scoped.server";
import { contextFor, HANDLERS } from "./handlers.server";
import { orderingKey, runOrdered } from "./ordering";
import { isKnownTopic } from "./topics";

export const MAX_ATTEMPTS = 8;
export const LEASE_MS = 60_000;
const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 15 * 60_000;

export type EventStatus = "received" | "processing" | "processed" | "retrying" | "dead";

export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
}

export interface ProcessOptions {
  now?: () => Date;
  /** Events claimed per batch (one UPDATE … RETURNING). Default 100. */
  batchSize?: number;
  leaseMs?: number;
  /**
   * Events of different resources processed at the same time (./ordering.ts keeps one
   * resource's events in order). Default 1: on the embedded PGlite (one connection) more buys
   * nothing; on PostgreSQL the worker thread uses WORKER_CONCURRENCY.
   */
  concurrency?: number;
}

export interface ProcessReport {
  processed: number;
  retrying: number;
  dead: number;
}

/** A claimed event: what its handler needs. */
export interface ClaimedEvent {
  id: string;
  shop: string;
  topic: string;
  eventKey: string;
  rawBody: string;
  triggeredAt: Date | null;
  receivedAt: Date;
  /** After this claim's increment. */
  attempts: number;
}

/** Timestamps go in as ISO strings and are read as UTC, whatever the session's time zone. */
const AT = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  // A timestamp without time zone read as text is UTC (Prisma stores UTC).
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Claims up to `limit` due events in one statement — received or retrying whose time has come,
 * or processing whose lease has expired — oldest first, skipping rows another worker is
 * claiming (FOR UPDATE SKIP LOCKED): status processing, a lease, attempts + 1. Returned oldest
 * first.
 */
export async function claimDueEvents(prisma: PrismaClient, options: { now: Date; limit: number; leaseMs: number }): Promise<ClaimedEvent[]> {
  const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(
    `UPDATE "WebhookEvent" SET "status" = 'processing', "lockedUntil" = ${AT(2)}, "attempts" = "attempts" + 1
      WHERE "id" IN (
        SELECT "id" FROM "WebhookEvent"
         WHERE ("status" IN ('received', 'retrying') AND "nextAttemptAt" <= ${AT(1)})
            OR ("status" = 'processing' AND "lockedUntil" < ${AT(1)})
         ORDER BY "receivedAt", "id"
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING "id", "shop", "topic", "eventKey", "rawBody", "triggeredAt", "receivedAt", "attempts"`,
    options.now.toISOString(),
    new Date(options.now.getTime() + options.leaseMs).toISOString(),
    options.limit,
  );
  const events = rows.map((row) => ({
    id: String(row.id),
    shop: String(row.shop),
    topic: String(row.topic),
    eventKey: String(row.eventKey),
    rawBody: String(row.rawBody),
    triggeredAt: toDate(row.triggeredAt),
    receivedAt: toDate(row.receivedAt) ?? options.now,
    attempts: Number(row.attempts),
  }));
  return events.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Claims and processes the events that are due; returns what happened. */
export async function processDueEvents(prisma: PrismaClient, options: ProcessOptions = {}): Promise<ProcessReport> {
  const clock = options.now ?? (() => new Date());
  const report: ProcessReport = { processed: 0, retrying: 0, dead: 0 };
  const claimed = await claimDueEvents(prisma, { now: clock(), limit: options.batchSize ?? 100, leaseMs: options.leaseMs ?? LEASE_MS });
  const items = claimed.map((event) => {
    let payload: unknown;
    let parsed = true;
    try {
      payload = JSON.parse(event.rawBody);
    } catch {
      parsed = false;
    }
    return { event, payload, parsed, key: parsed ? orderingKey(event.shop, event.topic, payload) : null };
  });
  const done: Processed[] = [];
  try {
    await runOrdered(items, options.concurrency ?? 1, async (item) => {
      const result = await processClaimed(prisma, item.event, item.parsed ? { payload: item.payload } : null, clock);
      if (typeof result === "string") report[result]++;
      else done.push(result);
    });
  } finally {
    // One UPDATE for the batch's successes; until it is written they stay leased ("processing").
    await markProcessed(prisma, done);
  }
  report.processed += done.length;
  return report;
}

/** A handler that finished: its outcome and when, recorded with the rest of its batch. */
interface Processed {
  id: string;
  shop: string;
  outcome: string;
  at: Date;
}

const MARK_CHUNK = 200;

/**
 * Records finished events as processed, each with its own outcome and finishing time. If this
 * write fails the events keep their lease and are claimed and run again once it expires (the
 * handlers are idempotent): never marked processed without having been.
 */
async function markProcessed(prisma: PrismaClient, done: Processed[]): Promise<void> {
  for (let start = 0; start < done.length; start += MARK_CHUNK) {
    const chunk = done.slice(start, start + MARK_CHUNK);
    const values = chunk.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`).join(", ");
    await prisma.$executeRawUnsafe(
      `UPDATE "WebhookEvent" AS e
          SET "status" = 'processed', "outcome" = v."outcome", "processedAt" = (v."at"::timestamptz AT TIME ZONE 'UTC'), "lockedUntil" = NULL, "lastError" = NULL
         FROM (VALUES ${values}) AS v("id", "shop", "outcome", "at")
        WHERE e."id" = v."id" AND e."shop" = v."shop" AND e."status" = 'processing'`,
      ...chunk.flatMap((p) => [p.id, p.shop, p.outcome, p.at.toISOString()]),
    );
  }
}

/**
 * Runs one claimed event's handler. A success is returned, to be recorded with its batch; a
 * failure is recorded here (retrying or dead). Never throws.
 */
async function processClaimed(prisma: PrismaClient, event: ClaimedEvent, parsed: { payload: unknown } | null, clock: () => Date): Promise<Processed | "retrying" | "dead"> {
  const now = clock();
  try {
    if (!isKnownTopic(event.topic)) throw new Error(`no handler for topic ${event.topic}`);
    const payload: unknown = parsed ? parsed.payload : JSON.parse(event.rawBody); // an unparsable body throws its SyntaxError here
    const ctx = contextFor(prisma, event.shop, event.topic, payload, event.triggeredAt ?? event.receivedAt, now, event.eventKey);
    const outcome = await HANDLERS[event.topic](ctx);
    return { id: event.id, shop: event.shop, outcome, at: clock() };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const dead = event.attempts >= MAX_ATTEMPTS;
    try {
      await prisma.$executeRawUnsafe(
        `UPDATE "WebhookEvent" SET "status" = $3, "lastError" = $4, "lockedUntil" = NULL, "nextAttemptAt" = ${AT(5)}
          WHERE "id" = $1 AND "shop" = $2 AND "status" = 'processing'`,
        event.id,
        event.shop,
        dead ? "dead" : "retrying",
        message.slice(0, 2000),
        new Date(clock().getTime() + backoffMs(event.attempts)).toISOString(),
      );
    } catch (recordError) {
      // Not even the failure could be written: the lease expires and the event is claimed again.
      console.error(`[webhooks] could not record the failure of event ${event.id} (${event.topic})`, recordError);
    }
    return dead ? "dead" : "retrying";
  }
}

export type RetryResult = { ok: true } | { ok: false; code: "not_found" | "not_dead"; message: string };

/** Staff's "Retry" on a dead-lettered event: it gets a fresh set of attempts. */
export async function retryDeadEvent(prisma: PrismaClient, shop: string, id: string): Promise<RetryResult> {
  const db = forShop(prisma, shop);
  const event = await db.webhookEvent.findFirst({ where: { id }, select: { status: true, topic: true } });
  if (!event) return { ok: false, code: "not_found", message: `No webhook event ${id} for ${shop}` };
  if (event.status !== "dead") {
    return { ok: false, code: "not_dead", message: `Event ${id} (${event.topic}) is ${event.status}, not dead-lettered` };
  }
  await db.webhookEvent.updateMany({
    where: { id, status: "dead" },
    data: { status: "retrying", attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });
  return { ok: true };
}

/**
 * The worker loop: kicked right after each acknowledgement, and polling so
 * retries, expired leases and scheduled cleanups are picked up. It runs in the
 * receiving process on the embedded PGlite, in its own thread on PostgreSQL
 * (./worker-thread.server.ts).
 */
export class WebhookWorker {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  private lastCleanup = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly prisma: PrismaClient,
    /** cleanupEveryMs: how often, at most, due shop cleanups (48 h after an uninstall) are looked for (30 s). */
    private readonly options: ProcessOptions & { pollMs?: number; cleanupEveryMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  start(): this {
    if (!this.timer) {
      this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 2_000);
      this.timer.unref();
      this.kick();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Process what is due now; coalesces concurrent kicks. Resolves when idle. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const report = await processDueEvents(this.prisma, this.options);
          if (report.processed + report.retrying + report.dead > 0) this.again = true;
        } while (this.again);
        const now = (this.options.now ?? (() => new Date()))();
        if (now.getTime() - this.lastCleanup >= (this.options.cleanupEveryMs ?? 30_000)) {
          this.lastCleanup = now.getTime();
          await runDueCleanups(this.prisma, now);
        }
      } catch (error) {
        (this.options.onError ?? ((e) => console.error("[webhooks] worker error", e)))(error);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
