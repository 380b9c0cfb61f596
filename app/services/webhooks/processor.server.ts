/**
 * Webhook processing, after the acknowledgement.
 *
 * The receiver stores each event (status "received") and answers 200 at
 * once. This worker claims due events, runs their handler and records the
 * outcome. A handler that throws is retried with exponential backoff
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
  batchSize?: number;
  leaseMs?: number;
}

export interface ProcessReport {
  processed: number;
  retrying: number;
  dead: number;
}

function dueWhere(now: Date) {
  return {
    OR: [
      { status: { in: ["received", "retrying"] }, nextAttemptAt: { lte: now } },
      { status: "processing", lockedUntil: { lt: now } },
    ],
  };
}

/** Claims and processes the events that are due; returns what happened. */
export async function processDueEvents(prisma: PrismaClient, options: ProcessOptions = {}): Promise<ProcessReport> {
  const clock = options.now ?? (() => new Date());
  const report: ProcessReport = { processed: 0, retrying: 0, dead: 0 };
  const start = clock();
  const due = await prisma.webhookEvent.findMany({
    where: dueWhere(start),
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    take: options.batchSize ?? 100,
    select: { id: true },
  });
  for (const { id } of due) {
    const result = await processOne(prisma, id, clock, options.leaseMs ?? LEASE_MS);
    if (result) report[result]++;
  }
  return report;
}

async function processOne(
  prisma: PrismaClient,
  id: string,
  clock: () => Date,
  leaseMs: number,
): Promise<"processed" | "retrying" | "dead" | null> {
  const now = clock();
  // Claim atomically: only one worker wins the row.
  const claimed = await prisma.webhookEvent.updateMany({
    where: { id, ...dueWhere(now) },
    data: { status: "processing", lockedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return null;
  const event = await prisma.webhookEvent.findUnique({ where: { id } });
  if (!event) return null; // purged meanwhile (shop/redact)
  const db = forShop(prisma, event.shop);
  try {
    if (!isKnownTopic(event.topic)) throw new Error(`no handler for topic ${event.topic}`);
    const payload: unknown = JSON.parse(event.rawBody);
    const ctx = contextFor(prisma, event.shop, event.topic, payload, event.triggeredAt ?? event.receivedAt, now, event.eventKey);
    const outcome = await HANDLERS[event.topic](ctx);
    await db.webhookEvent.updateMany({
      where: { id, status: "processing" },
      data: { status: "processed", outcome, processedAt: clock(), lockedUntil: null, lastError: null },
    });
    return "processed";
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const dead = event.attempts >= MAX_ATTEMPTS;
    await db.webhookEvent.updateMany({
      where: { id, status: "processing" },
      data: {
        status: dead ? "dead" : "retrying",
        lastError: message.slice(0, 2000),
        lockedUntil: null,
        nextAttemptAt: new Date(clock().getTime() + backoffMs(event.attempts)),
      },
    });
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
 * The in-process worker: kicked right after each acknowledgement, and
 * polling so retries, expired leases and scheduled cleanups are picked up.
 */
export class WebhookWorker {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: ProcessOptions & { pollMs?: number; onError?: (error: unknown) => void } = {},
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
        await runDueCleanups(this.prisma, (this.options.now ?? (() => new Date()))());
      } catch (error) {
        (this.options.onError ?? ((e) => console.error("[webhooks] worker error", e)))(error);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
