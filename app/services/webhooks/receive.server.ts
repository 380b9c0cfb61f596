/**
 * The webhook front door, used by every app/routes/webhooks.*.tsx route.
 *
 * 1. authenticate.webhook verifies the HMAC (bad → 401, missing headers →
 *    400, not POST → 405) before anything is written;
 * 2. the raw body is stored in the event log, keyed by X-Shopify-Event-Id
 *    (else the webhook id, else a hash of topic + body): a duplicate delivery
 *    only bumps a counter;
 * 3. 200 is answered, then the worker processes the event. A failure to store
 *    answers 500, so Shopify retries: an event is never acknowledged unsaved.
 *    When the backlog of unprocessed events is at its cap, 503 + Retry-After
 *    (backpressure: Shopify retries; nothing is dropped).
 */
import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { isUniqueViolation } from "../mirror/apply-if-newer.server";
import { webhookBackpressure } from "../peak/backpressure.server";
import { forShop } from "../db/scoped.server";
import { WebhookWorker } from "./processor.server";
import { topicEnum, type WebhookTopic } from "./topics";

interface WebhookContextLike {
  shop: string;
  topic: string | number | symbol;
  webhookId: string;
  apiVersion: string;
  eventId?: string;
  triggeredAt?: string;
}

export interface ReceiverDeps {
  prisma: PrismaClient;
  authenticateWebhook: (request: Request) => Promise<WebhookContextLike>;
  worker: { kick(): Promise<void> | void };
}

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

export async function receiveWebhookWith(deps: ReceiverDeps, request: Request, expected: WebhookTopic): Promise<Response> {
  const rawBody = await request.clone().text();
  const ctx = await deps.authenticateWebhook(request); // throws the library's 401 / 400 / 405 Response
  if (String(ctx.topic) !== topicEnum(expected)) {
    return new Response(`Topic ${String(ctx.topic)} was delivered to the route for ${expected}`, { status: 400 });
  }
  // At the queue's cap (PEAKGUARD_WEBHOOK_BACKLOG_CAP unprocessed events): 503 with
  // Retry-After and nothing stored, so Shopify delivers again later — never a silent drop.
  const shed = await webhookBackpressure(deps.prisma);
  if (shed) return shed;
  const { key, source } = eventKeyFor(ctx, expected, rawBody);
  const db = forShop(deps.prisma, ctx.shop);
  try {
    await db.webhookEvent.create({
      data: {
        shop: ctx.shop,
        topic: expected,
        eventKey: key,
        eventKeySource: source,
        webhookId: ctx.webhookId || null,
        apiVersion: ctx.apiVersion || null,
        triggeredAt: parseTime(ctx.triggeredAt),
        rawBody,
      },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // → 500: Shopify will deliver again
    await db.webhookEvent.updateMany({ where: { eventKey: key }, data: { deliveries: { increment: 1 } } });
    return new Response(null, { status: 200, headers: { "X-Peakguard-Webhook": "duplicate" } });
  }
  void deps.worker.kick();
  return new Response(null, { status: 200, headers: { "X-Peakguard-Webhook": "stored" } });
}

declare global {
  var __peakguardWebhookWorker: WebhookWorker | undefined;
}

/** The process's worker on the app's database, started on first use. */
export async function webhookWorker(): Promise<WebhookWorker> {
  if (!globalThis.__peakguardWebhookWorker) {
    const { default: prisma } = await import("../../db.server");
    globalThis.__peakguardWebhookWorker = new WebhookWorker(prisma).start();
  }
  return globalThis.__peakguardWebhookWorker;
}

/** What a webhooks.<topic>.tsx route calls. */
export async function receiveWebhook(request: Request, topic: WebhookTopic): Promise<Response> {
  const [{ authenticate }, { default: prisma }, worker] = await Promise.all([
    import("../../shopify.server"),
    import("../../db.server"),
    webhookWorker(),
  ]);
  return receiveWebhookWith({ prisma, authenticateWebhook: (r) => authenticate.webhook(r), worker }, request, topic);
}
