/**
 * Webhook payloads (REST shape) → the order state machine's events: which
 * order, when, and what fact changed. Read once here, at the edge; the
 * domain sees minor units, epoch milliseconds and lowercase statuses.
 */
import { parseMoney } from "../../domain/money";
import type { DisputeStatus, FactChange, FinancialStatus, OrderSnapshot, ShopifyReturnStatus } from "../../domain/orders/facts";
import { fulfillmentFromWebhook } from "../../domain/orders/drift";
import { asArray, asObject, gidOf, optionalDate, optionalGid, optionalObject, optionalString, PayloadError, requiredDate, type Json } from "../webhooks/payload";

export interface OrderEventFromPayload {
  orderId: string;
  orderName: string | null;
  /** The event's time: the payload's updated_at when it has one, else X-Shopify-Triggered-At. */
  at: Date;
  change: FactChange;
  /** Order facts the returns area needs (market, window start). */
  meta: { countryCode: string | null; orderedAt: Date | null };
}

const FINANCIAL: ReadonlySet<string> = new Set(["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired"]);
const DISPUTE: ReadonlySet<string> = new Set(["needs_response", "under_review", "charge_refunded", "accepted", "won", "lost"]);
const RETURN: ReadonlySet<string> = new Set(["requested", "open", "declined", "canceled", "closed"]);

function minor(value: unknown, currency: string): number | null {
  const parsed = parseMoney(optionalString(value), currency);
  return parsed.ok ? parsed.minor : null;
}

function countryOf(order: Json): string | null {
  const address = optionalObject(order.shipping_address) ?? optionalObject(order.billing_address);
  return optionalString(address?.country_code)?.toUpperCase() ?? null;
}

/** orders/create|updated|paid|cancelled|fulfilled|partially_fulfilled: the whole order as a snapshot. */
export function orderSnapshotFromWebhook(payload: unknown): OrderEventFromPayload {
  const order = asObject(payload, "order");
  const currency = optionalString(order.currency) ?? "USD";
  const updatedAt = requiredDate(order, "updated_at", "order");
  const financial = optionalString(order.financial_status);
  const lineQuantities: Record<string, number> = {};
  for (const raw of asArray(order.line_items)) {
    const line = asObject(raw, "order.line_items[]");
    const current = typeof line.current_quantity === "number" ? line.current_quantity : typeof line.quantity === "number" ? line.quantity : 0;
    lineQuantities[gidOf(line, "LineItem", "order.line_items[]")] = current;
  }
  const snapshot: OrderSnapshot = {
    financial: financial && FINANCIAL.has(financial) ? (financial as FinancialStatus) : null,
    fulfillment: fulfillmentFromWebhook(optionalString(order.fulfillment_status)),
    cancelled: optionalDate(order.cancelled_at) !== null,
    totalMinor: minor(order.total_price, currency),
    lineQuantities,
    at: updatedAt.getTime(),
  };
  return {
    orderId: gidOf(order, "Order", "order"),
    orderName: optionalString(order.name),
    at: updatedAt,
    change: { kind: "snapshot", snapshot },
    meta: { countryCode: countryOf(order), orderedAt: optionalDate(order.created_at) },
  };
}

function orderIdOf(body: Json, what: string): string {
  const id = optionalGid(body.order_id, "Order") ?? optionalGid(optionalObject(body.order)?.admin_graphql_api_id ?? optionalObject(body.order)?.id, "Order");
  if (!id) throw new PayloadError(`${what}: "order_id" is missing`);
  return id;
}

/** refunds/create: the money its transactions moved (successful refunds). */
export function refundFromWebhook(payload: unknown, occurredAt: Date): OrderEventFromPayload {
  const refund = asObject(payload, "refund");
  const transactions = asArray(refund.transactions).map((raw) => asObject(raw, "refund.transactions[]"));
  let amountMinor = 0;
  for (const transaction of transactions) {
    const kind = optionalString(transaction.kind);
    const status = optionalString(transaction.status);
    if (kind !== "refund" || (status !== null && status !== "success")) continue;
    const amount = minor(transaction.amount, optionalString(transaction.currency) ?? "USD");
    if (amount === null) throw new PayloadError(`refund: transaction amount ${JSON.stringify(transaction.amount)} is not an amount`);
    amountMinor += amount;
  }
  return {
    orderId: orderIdOf(refund, "refund"),
    orderName: null,
    at: optionalDate(refund.created_at) ?? occurredAt,
    change: { kind: "refund", refundId: gidOf(refund, "Refund", "refund"), amountMinor },
    meta: { countryCode: null, orderedAt: null },
  };
}

/** disputes/create|update: the dispute's status (its time is the event's). */
export function disputeFromWebhook(payload: unknown, occurredAt: Date): OrderEventFromPayload {
  const dispute = asObject(payload, "dispute");
  const status = optionalString(dispute.status);
  if (!status || !DISPUTE.has(status)) throw new PayloadError(`dispute: status ${JSON.stringify(dispute.status)} is not a dispute status`);
  return {
    orderId: orderIdOf(dispute, "dispute"),
    orderName: null,
    at: occurredAt,
    change: { kind: "dispute", disputeId: gidOf(dispute, "ShopifyPaymentsDispute", "dispute"), status: status as DisputeStatus },
    meta: { countryCode: null, orderedAt: null },
  };
}

/** Units per order line item in a returns/* payload; null when it lists no lines (status-only payloads). */
export function returnUnits(body: Json): Record<string, number> | null {
  if (!Array.isArray(body.return_line_items)) return null;
  const units: Record<string, number> = {};
  for (const raw of body.return_line_items) {
    const line = asObject(raw, "return.return_line_items[]");
    const fulfillmentLine = optionalObject(line.fulfillment_line_item);
    const lineItem = optionalObject(fulfillmentLine?.line_item);
    const lineItemId = lineItem ? gidOf(lineItem, "LineItem", "return line item") : null;
    if (!lineItemId) continue;
    units[lineItemId] = (units[lineItemId] ?? 0) + (typeof line.quantity === "number" ? line.quantity : 0);
  }
  return units;
}

/** returns/*: the return's status (and its units when the payload lists them). */
export function returnFromWebhook(payload: unknown, occurredAt: Date, topicStatus: ShopifyReturnStatus | null): OrderEventFromPayload {
  const body = asObject(payload, "return");
  const status = optionalString(body.status)?.toLowerCase() ?? topicStatus;
  if (!status || !RETURN.has(status)) throw new PayloadError(`return: status ${JSON.stringify(body.status)} is not a return status`);
  return {
    orderId: orderIdOf(body, "return"),
    orderName: null,
    at: optionalDate(body.updated_at) ?? occurredAt,
    change: { kind: "return", returnId: gidOf(body, "Return", "return"), status: status as ShopifyReturnStatus, units: returnUnits(body) },
    meta: { countryCode: null, orderedAt: null },
  };
}
