/**
 * The webhook queue's cap, as a rule: what the receiver does when the backlog of stored,
 * not-yet-processed events reaches the cap. Pure; app/services/peak/backpressure.server.ts
 * measures the backlog and answers.
 *
 * At the cap the receiver answers 503 with Retry-After BEFORE storing anything: Shopify
 * counts the delivery as failed and retries it (8 times over ~4 hours, the same payload and
 * event id), so the event is delayed, never dropped. Nothing is ever acknowledged and then
 * discarded. Below the cap: store, 200, process later — as always.
 *
 * What it costs: Shopify may remove a subscription after many consecutive failures over
 * ~48 hours, so a cap is for bursts; a backlog that stays at the cap needs more workers.
 */

export interface QueueCap {
  /** Unprocessed events (received / processing / retrying) at which new deliveries are refused. */
  cap: number;
  /** Seconds a refused delivery is told to wait (Retry-After). */
  retryAfterSeconds: number;
}

export const DEFAULT_QUEUE_CAP: QueueCap = { cap: 5_000, retryAfterSeconds: 30 };

export type QueueDecision = { accept: true } | { accept: false; status: 503; retryAfterSeconds: number; message: string };

export function queueDecision(backlog: number, cap: QueueCap = DEFAULT_QUEUE_CAP): QueueDecision {
  if (backlog < cap.cap) return { accept: true };
  return {
    accept: false,
    status: 503,
    retryAfterSeconds: cap.retryAfterSeconds,
    message: `webhook backlog ${backlog} is at the cap of ${cap.cap} unprocessed events: not stored, retry later (Shopify retries this delivery)`,
  };
}

/** The sentence the Peak page shows for the cap. */
export function describeCap(cap: QueueCap): string {
  return `At ${cap.cap.toLocaleString("en-US")} unprocessed webhook events the receiver answers 503 with Retry-After: ${cap.retryAfterSeconds} s before storing; Shopify retries the delivery (8 times over ~4 h) with the same event id, so nothing is dropped — only delayed.`;
}
