/**
 * The contract of a webhook topic handler (app/services/webhooks/processor.server.ts
 * runs them after the acknowledgement). A handler may run twice, late, or before
 * its predecessor: it is idempotent and guarded by updated_at
 * (mirror/apply-if-newer). It returns a short outcome recorded on the event; it
 * throws to be retried.
 */
import type { PrismaClient } from "@prisma/client";
import type { ShopDb } from "../db/scoped.server";
import type { WebhookTopic } from "./topics";

export interface HandlerContext {
  prisma: PrismaClient;
  db: ShopDb;
  shop: string;
  topic: WebhookTopic;
  payload: unknown;
  /** X-Shopify-Triggered-At, else the time we received it. */
  occurredAt: Date;
  /**
   * The event log's key for this event (X-Shopify-Event-Id, else the webhook id, else a
   * hash): the same on every delivery and retry of one event. Handlers that keep their own
   * per-event records (the order state machine) key them by it. Absent in hand-built contexts.
   */
  eventKey?: string;
  now: Date;
}

export type Handler = (ctx: HandlerContext) => Promise<string>;

/** A map of some topics to their handlers; each area exports one. */
export type AreaHandlers<T extends WebhookTopic = WebhookTopic> = Record<T, Handler>;

