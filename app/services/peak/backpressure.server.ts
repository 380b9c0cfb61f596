/**
 * Backpressure for the webhook receiver (the rule: app/domain/peak/queue.ts).
 *
 * Called by receiveWebhookWith (app/services/webhooks/receive.server.ts) after
 * `authenticate.webhook` (so an unsigned request still gets its 401) and before the event is
 * stored.
 *
 * The backlog is the WebhookEvent rows still to process (received, processing, retrying), for
 * every shop: the worker is one queue. It is counted at most once per `sampleMs` (250 ms) per
 * process — a count per request would put a query on the hot path — so the cap can be
 * overshot by what arrives in one sample. The cap comes from PEAKGUARD_WEBHOOK_BACKLOG_CAP
 * (default 5,000).
 */
import type { PrismaClient } from "@prisma/client";
import { DEFAULT_QUEUE_CAP, queueDecision, type QueueCap } from "~/domain/peak/queue";

export const BACKLOG_CAP_ENV = "PEAKGUARD_WEBHOOK_BACKLOG_CAP";
export const BACKLOG_STATUSES = ["received", "processing", "retrying"];

export function queueCapFromEnv(env: Record<string, string | undefined> = process.env): QueueCap {
  const raw = env[BACKLOG_CAP_ENV];
  const cap = raw === undefined || raw === "" ? Number.NaN : Number(raw);
  return { ...DEFAULT_QUEUE_CAP, ...(Number.isSafeInteger(cap) && cap > 0 ? { cap } : {}) };
}

export interface BackpressureOptions extends Partial<QueueCap> {
  sampleMs?: number;
  now?: () => number;
}

interface Gauge {
  value: number;
  at: number;
  pending: Promise<number> | null;
}
const gauges = new WeakMap<PrismaClient, Gauge>();

/** The backlog, counted at most once per sampleMs per client. */
export async function webhookBacklog(prisma: PrismaClient, options: { sampleMs?: number; now?: () => number } = {}): Promise<number> {
  const now = (options.now ?? Date.now)();
  const sampleMs = options.sampleMs ?? 250;
  let gauge = gauges.get(prisma);
  if (!gauge) {
    gauge = { value: 0, at: Number.NEGATIVE_INFINITY, pending: null };
    gauges.set(prisma, gauge);
  }
  if (now - gauge.at < sampleMs) return gauge.value;
  const g = gauge;
  g.pending ??= prisma.webhookEvent
    .count({ where: { status: { in: BACKLOG_STATUSES } } })
    .then((value) => {
      g.value = value;
      g.at = (options.now ?? Date.now)();
      return value;
    })
    .finally(() => {
      g.pending = null;
    });
  return g.pending;
}

/** null: store the delivery as usual. A Response: answer it (503 + Retry-After), store nothing. */
export async function webhookBackpressure(prisma: PrismaClient, options: BackpressureOptions = {}): Promise<Response | null> {
  const cap: QueueCap = { ...queueCapFromEnv(), ...(options.cap !== undefined ? { cap: options.cap } : {}), ...(options.retryAfterSeconds !== undefined ? { retryAfterSeconds: options.retryAfterSeconds } : {}) };
  const decision = queueDecision(await webhookBacklog(prisma, options), cap);
  if (decision.accept) return null;
  return new Response(decision.message, {
    status: decision.status,
    headers: { "Retry-After": String(decision.retryAfterSeconds), "X-Peakguard-Webhook": "backpressure" },
  });
}
