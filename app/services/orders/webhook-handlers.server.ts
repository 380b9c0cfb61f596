/**
 * Webhook handlers of the orders area: the order mirror, the order state
 * machine (every orders/*, refunds/create, disputes/* and returns/* event is
 * applied to its order, keyed by the event: a replay is a no-op), and the RMA
 * workflow (returns/*, reverse_fulfillment_orders/dispose).
 *
 * orders/* keep the mirror's outcome ("applied" / "stale") as the event's
 * outcome; the state machine's result is on the order's timeline.
 */
import { createHash } from "node:crypto";
import type { ShopifyReturnStatus } from "../../domain/orders/facts";
import { Prisma } from "@prisma/client";
import { deleteOrder, orderDetailsCtes, orderFromWebhook, orderUpsertCte } from "../mirror/orders.server";
import type { ApplyOutcome } from "../mirror/apply-if-newer.server";
import type { ShopDb } from "../db/scoped.server";
import { disposeFromWebhook, returnFromWebhook as rmaFromWebhook } from "../returns/cases.server";
import type { AreaHandlers, Handler, HandlerContext } from "../webhooks/handler-types";
import { disputeFromWebhook, orderSnapshotFromWebhook, refundFromWebhook, returnFromWebhook, type OrderEventFromPayload } from "./order-events.server";
import { onOrderEvent } from "../reservations/api.server";
import { signalReserveFailed } from "./compensation.server";
import { isTimeZone } from "../../domain/orders/chargebacks";
import { disputeRecordFromWebhook, recordDispute, recordFraudCancellation } from "./disputes.server";
import { commitOrderEvent, orderMachineColumns, planOrderEvent, recordOrderEvent, type MachineRead } from "./state.server";
import { promotionUsesCtes, promotionUsesFromWebhook } from "../promotions/counters.server";

type OrderTopic =
  | "orders/create" | "orders/updated" | "orders/paid" | "orders/cancelled" | "orders/fulfilled"
  | "orders/partially_fulfilled" | "orders/edited" | "orders/delete" | "refunds/create"
  | "disputes/create" | "disputes/update" | "returns/request" | "returns/approve" | "returns/decline"
  | "returns/cancel" | "returns/close" | "returns/reopen" | "returns/process" | "returns/update"
  | "reverse_fulfillment_orders/dispose";

/** The event log's key; a hand-built context (tests) falls back to a hash of topic and payload. */
export function eventKeyOf(ctx: Pick<HandlerContext, "eventKey" | "topic" | "payload">): string {
  return ctx.eventKey ?? `hash:${createHash("sha256").update(`${ctx.topic}\n${JSON.stringify(ctx.payload)}`).digest("hex")}`;
}

async function applyToOrder(ctx: HandlerContext, event: OrderEventFromPayload): Promise<string> {
  const result = await recordOrderEvent(ctx.db, ctx.shop, { eventKey: eventKeyOf(ctx), source: ctx.topic, event });
  return `${result.replayed ? "replayed " : ""}${result.outcome}: ${result.message}`;
}

/**
 * orders/*: the mirror, the state machine and the promotion uses (one transaction), then the inventory area's reservations
 * (authorize / release / commit the holds the order names). A hold that cannot be
 * authorized is an authorization (or capture) without an inventory reserve: the
 * compensating action is planned for staff to run.
 *
 * The transaction is two statements: the Order row's apply-if-newer write with the state
 * machine's read (the event's earlier transition, the order's state row), then, with the Order
 * row locked, every write at once: the lines, customer and promotion uses when the mirror took
 * the payload, and the state row and transition unless the event is a replay.
 */
const orderEvent: Handler = async (ctx) => {
  const record = orderFromWebhook(ctx.payload);
  const event = orderSnapshotFromWebhook(ctx.payload);
  const input = { eventKey: eventKeyOf(ctx), source: ctx.topic, event };
  // The mirror, the state machine and (when the mirror took the payload) the promotions area's
  // use counters (per-customer and budget caps) in one transaction: a retried event redoes all three.
  const mirror = await ctx.db.$transaction(async (raw) => {
    const tx = raw as unknown as ShopDb;
    const [read] = await tx.$queryRaw<(MachineRead & { applied: boolean | null })[]>(
      Prisma.sql`WITH ${orderUpsertCte(ctx.shop, record, "webhook")}
        SELECT (SELECT "applied" FROM order_written) AS "applied", ${orderMachineColumns(ctx.shop, event.orderId, input.eventKey)}`,
    );
    const written: ApplyOutcome = read?.applied === true ? "applied" : "stale";
    const along = written === "applied" ? [orderDetailsCtes(ctx.shop, record, "webhook"), promotionUsesCtes(ctx.shop, promotionUsesFromWebhook(ctx.payload))] : [];
    await commitOrderEvent(tx, ctx.shop, input, planOrderEvent(ctx.shop, input, read ?? { prior: null, state: null }), along);
    return written;
  });
  const reservations = await onOrderEvent(ctx.prisma, ctx.shop, ctx.topic, ctx.payload, eventKeyOf(ctx), ctx.now);
  const unreserved = reservations.filter((line) => /\sauthorize: (?!200$)\d+$/.test(line));
  if (unreserved.length > 0) {
    await signalReserveFailed(ctx.db, ctx.shop, event.orderId, `reservation not authorized: ${unreserved.join("; ")}`, ctx.now);
  }
  // Cancelled as fraud: counted against the chargeback budget (orders/cancelled, or any later payload saying so).
  const fraud = await recordFraudCancellation(ctx.db, ctx.shop, ctx.payload, eventKeyOf(ctx));
  return fraud === "recorded" ? `${mirror}; fraud cancellation recorded` : mirror;
};

/**
 * disputes/create|update: the order's state machine (open → disputed, lost → chargeback,
 * won → back), then the Dispute row the chargeback budget counts. Both are keyed by the event.
 */
const disputeEvent: Handler = async (ctx) => {
  const order = await applyToOrder(ctx, disputeFromWebhook(ctx.payload, ctx.occurredAt));
  // A date-only finalized_on is a date in the shop's zone (the month it is counted in depends on it).
  const zone = (await ctx.db.shop.findFirst({ select: { ianaTimezone: true } }))?.ianaTimezone ?? null;
  const dispute = disputeRecordFromWebhook(ctx.payload, zone && isTimeZone(zone) ? zone : "UTC");
  const written = await recordDispute(ctx.db, ctx.shop, { dispute, eventKey: eventKeyOf(ctx), eventAt: ctx.occurredAt });
  return `dispute ${dispute.status} ${written}; order ${order}`;
};

const RETURN_TOPIC_STATUS: Partial<Record<OrderTopic, ShopifyReturnStatus>> = {
  "returns/request": "requested",
  "returns/approve": "open",
  "returns/decline": "declined",
  "returns/cancel": "canceled",
  "returns/close": "closed",
  "returns/reopen": "open",
};

const returnEvent: Handler = async (ctx) => {
  const rma = await rmaFromWebhook(ctx);
  const order = await applyToOrder(ctx, returnFromWebhook(ctx.payload, ctx.occurredAt, RETURN_TOPIC_STATUS[ctx.topic as OrderTopic] ?? null));
  return `${rma}; order ${order}`;
};

export const orderHandlers: AreaHandlers<OrderTopic> = {
  "orders/create": orderEvent,
  "orders/updated": orderEvent,
  "orders/paid": orderEvent,
  "orders/cancelled": orderEvent,
  "orders/fulfilled": orderEvent,
  "orders/partially_fulfilled": orderEvent,
  // An edit's new lines and totals arrive in the orders/updated Shopify sends with it.
  "orders/edited": async () => "ignored: the orders/updated that follows an edit carries the order's new lines and totals",
  "orders/delete": ({ db, payload }) => deleteOrder(db, payload),
  "refunds/create": (ctx) => applyToOrder(ctx, refundFromWebhook(ctx.payload, ctx.occurredAt)),
  "disputes/create": disputeEvent,
  "disputes/update": disputeEvent,
  "returns/request": returnEvent,
  "returns/approve": returnEvent,
  "returns/decline": returnEvent,
  "returns/cancel": returnEvent,
  "returns/close": returnEvent,
  "returns/reopen": returnEvent,
  "returns/process": returnEvent,
  "returns/update": returnEvent,
  "reverse_fulfillment_orders/dispose": (ctx) => disposeFromWebhook(ctx),
};
