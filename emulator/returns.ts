/**
 * Returns and reverse fulfillment orders, as the store's domain: the status
 * transition table, what can still be returned, what a return is worth, and the
 * changes (with their webhooks) of every return operation. The GraphQL layer
 * (returns-graphql.ts) validates inputs into userErrors and calls these.
 *
 * A return's lines point at fulfillment line items: only fulfilled units can be
 * returned, and no more than were fulfilled minus those already in returns
 * (declined and canceled returns give their units back) minus fulfilled units
 * refunded without a return.
 */
import { unitsValue, lineShares, percentOf, refundedUnits } from "./money";
import {
  orderTotals,
  refundedTotal,
  type DispositionRecord,
  type DispositionType,
  type LineItemRecord,
  type OrderRecord,
  type RefundLineRecord,
  type RefundRecord,
  type ReturnDeclineReason,
  type ReturnLineRecord,
  type ReturnReason,
  type ReturnRecord,
  type ReturnStatus,
  type ReverseFulfillmentOrderRecord,
  type TransactionRecord,
} from "./model";
import * as payloads from "./payloads";
import { StoreError, type InventoryDelta, type Store } from "./store";

/* ------------------------------------------------------------ transitions */

export type ReturnEvent = "approve" | "decline" | "cancel" | "close" | "reopen" | "complete";

export interface ReturnTransition {
  from: ReturnStatus;
  to: ReturnStatus;
  event: ReturnEvent;
  /** Why the transition is refused for this return, or null when it may go ahead. */
  guard?: (record: ReturnRecord, store: Store) => string | null;
}

/** Nothing done yet: no unit processed, disposed or refunded (Shopify: cancel only "before any work"). */
function untouched(record: ReturnRecord, store: Store): string | null {
  if (record.lines.some((line) => line.processedQuantity > 0 || line.refundedQuantity > 0)) {
    return `Return ${record.name} has processed or refunded items`;
  }
  for (const id of record.reverseFulfillmentOrderIds) {
    if (store.reverseFulfillmentOrders.get(id)?.lines.some((line) => line.dispositions.length > 0)) {
      return `Return ${record.name} has disposed items`;
    }
  }
  return null;
}

/** Every status change a return can make. Anything not in the table is refused. */
export const RETURN_TRANSITIONS: readonly ReturnTransition[] = [
  { from: "REQUESTED", to: "OPEN", event: "approve" },
  { from: "REQUESTED", to: "DECLINED", event: "decline" },
  { from: "REQUESTED", to: "CANCELED", event: "cancel" },
  { from: "OPEN", to: "CANCELED", event: "cancel", guard: untouched },
  { from: "OPEN", to: "CLOSED", event: "close" },
  { from: "OPEN", to: "CLOSED", event: "complete" },
  { from: "CLOSED", to: "OPEN", event: "reopen" },
];

export type TransitionResult = { ok: true; to: ReturnStatus } | { ok: false; message: string };

export function transition(store: Store, record: ReturnRecord, event: ReturnEvent): TransitionResult {
  const row = RETURN_TRANSITIONS.find((candidate) => candidate.from === record.status && candidate.event === event);
  if (!row) return { ok: false, message: `Return ${record.name} is ${record.status}; it can't ${event} (${allowedEvents(record.status)})` };
  const refused = row.guard?.(record, store) ?? null;
  if (refused) return { ok: false, message: `${refused}; it can't ${event}` };
  return { ok: true, to: row.to };
}

function allowedEvents(status: ReturnStatus): string {
  const events = RETURN_TRANSITIONS.filter((row) => row.from === status && row.event !== "complete").map((row) => row.event);
  return events.length > 0 ? `${status} allows: ${events.join(", ")}` : `${status} is final`;
}

/* ------------------------------------------------------------- quantities */

export function processableQuantity(record: ReturnRecord, line: ReturnLineRecord): number {
  return record.status === "OPEN" ? line.quantity - line.processedQuantity : 0;
}

export function refundableQuantity(record: ReturnRecord, line: ReturnLineRecord): number {
  return record.status === "OPEN" ? line.quantity - line.refundedQuantity : 0;
}

/** Order.returnStatus from its returns (open work first). */
export function orderReturnStatus(store: Store, orderId: number): "NO_RETURN" | "RETURN_REQUESTED" | "IN_PROGRESS" | "RETURNED" {
  const statuses = store.returnsOf(orderId).map((record) => record.status);
  if (statuses.includes("OPEN")) return "IN_PROGRESS";
  if (statuses.includes("REQUESTED")) return "RETURN_REQUESTED";
  if (statuses.includes("CLOSED")) return "RETURNED";
  return "NO_RETURN";
}

/* ------------------------------------------------------------------ value */

export interface ReturnLinePlan {
  fulfillmentLineItemId: number;
  line: LineItemRecord;
  quantity: number;
  restockingFeePercentage: number | null;
}

export interface ValuedLine {
  plan: ReturnLinePlan;
  /** price × quantity */
  gross: number;
  discount: number;
  subtotal: number;
  tax: number;
  restockingFee: number;
}

/**
 * What the planned units are worth (money.ts): the next units of each line after
 * those already refunded, in plan order; restocking fees are a percentage of the
 * discounted subtotal, rounded half up.
 */
export function valueLines(order: OrderRecord, plans: readonly ReturnLinePlan[]): ValuedLine[] {
  const shares = lineShares(order);
  const counted = new Map<number, number>();
  return plans.map((plan) => {
    const before = refundedUnits(order, plan.line.id) + (counted.get(plan.line.id) ?? 0);
    counted.set(plan.line.id, (counted.get(plan.line.id) ?? 0) + plan.quantity);
    const value = unitsValue(order, plan.line, before, plan.quantity, shares);
    const restockingFee = plan.restockingFeePercentage === null ? 0 : percentOf(value.subtotal, plan.restockingFeePercentage);
    return { plan, ...value, restockingFee };
  });
}

export function shippingRefunded(order: OrderRecord): number {
  return order.refunds.reduce((sum, refund) => sum + refund.shipping, 0);
}

/** Money still refundable on the order (total less refunds). */
export function maximumRefundable(order: OrderRecord): number {
  return orderTotals(order).total - refundedTotal(order);
}

/** What is left to refund on a sale or capture (its amount less its refund children). */
export function transactionRefundable(order: OrderRecord, transaction: TransactionRecord): number {
  if (transaction.kind !== "SALE" && transaction.kind !== "CAPTURE") return 0;
  const refunded = order.transactions.filter((t) => t.kind === "REFUND" && t.parentId === transaction.id).reduce((sum, t) => sum + t.amount, 0);
  return Math.max(0, transaction.amount - refunded);
}

/** Splits `amount` over the order's sales and captures, oldest first, within what each has left. */
export function suggestTransactions(order: OrderRecord, amount: number): { transaction: TransactionRecord; amount: number; refundable: number }[] {
  const out: { transaction: TransactionRecord; amount: number; refundable: number }[] = [];
  let left = amount;
  for (const transaction of order.transactions) {
    const refundable = transactionRefundable(order, transaction);
    if (refundable <= 0 || left <= 0) continue;
    const take = Math.min(refundable, left);
    out.push({ transaction, amount: take, refundable });
    left -= take;
  }
  return out;
}

export interface FinancialOutcome {
  lines: ValuedLine[];
  gross: number;
  discount: number;
  discountedSubtotal: number;
  tax: number;
  shipping: number;
  shippingMaximum: number;
  /** Restocking fees of these units plus the return's shipping fees (when nothing was refunded on it yet). */
  fees: number;
  /** discountedSubtotal + tax + shipping − fees: > 0 a refund, < 0 an invoice. */
  net: number;
  maximumRefundable: number;
}

/** The money side of refunding `units` of a return's lines (suggestedFinancialOutcome, suggestedRefund). */
export function financialOutcome(
  store: Store,
  record: ReturnRecord,
  units: { line: ReturnLineRecord; quantity: number }[],
  shipping: number,
): FinancialOutcome {
  const order = store.orders.get(record.orderId) as OrderRecord;
  const plans = units.map(({ line, quantity }) => ({
    fulfillmentLineItemId: line.fulfillmentLineItemId,
    line: order.lineItems.find((candidate) => candidate.id === line.lineItemId) as LineItemRecord,
    quantity,
    restockingFeePercentage: line.restockingFee?.percentage ?? null,
  }));
  const lines = valueLines(order, plans);
  const sum = (pick: (line: ValuedLine) => number): number => lines.reduce((total, line) => total + pick(line), 0);
  const alreadyRefunded = order.refunds.some((refund) => refund.returnId === record.id);
  const fees = sum((line) => line.restockingFee) + (alreadyRefunded ? 0 : record.shippingFees.reduce((total, fee) => total + fee.amount, 0));
  const discountedSubtotal = sum((line) => line.subtotal);
  const tax = sum((line) => line.tax);
  return {
    lines,
    gross: sum((line) => line.gross),
    discount: sum((line) => line.discount),
    discountedSubtotal,
    tax,
    shipping,
    shippingMaximum: order.shippingPrice - shippingRefunded(order),
    fees,
    net: discountedSubtotal + tax + shipping - fees,
    maximumRefundable: maximumRefundable(order),
  };
}

/* ---------------------------------------------------------------- changes */

export interface NewReturn {
  order: OrderRecord;
  status: "REQUESTED" | "OPEN";
  lines: (ReturnLinePlan & { returnReason: ReturnReason; returnReasonNote: string; customerNote: string | null })[];
  shippingFee: number | null;
  createdAt?: string;
}

/** Creates a return (REQUESTED: returns/request; OPEN: returns/approve, with its reverse fulfillment order). */
export function createReturn(store: Store, input: NewReturn): ReturnRecord {
  const stamp = store.now();
  const record: ReturnRecord = {
    id: store.nextId(),
    orderId: input.order.id,
    name: `${input.order.name}-R${store.returnsOf(input.order.id).length + 1}`,
    status: input.status,
    lines: input.lines.map((plan) => ({
      id: store.nextId(),
      fulfillmentLineItemId: plan.fulfillmentLineItemId,
      lineItemId: plan.line.id,
      quantity: plan.quantity,
      processedQuantity: 0,
      refundedQuantity: 0,
      returnReason: plan.returnReason,
      returnReasonNote: plan.returnReasonNote,
      customerNote: plan.customerNote,
      restockingFee: plan.restockingFeePercentage === null ? null : { id: store.nextId(), percentage: plan.restockingFeePercentage },
    })),
    shippingFees: input.shippingFee === null ? [] : [{ id: store.nextId(), amount: input.shippingFee }],
    decline: null,
    reverseFulfillmentOrderIds: [],
    createdAt: input.createdAt ?? stamp,
    updatedAt: stamp,
    requestApprovedAt: null,
    closedAt: null,
  };
  store.returns.set(record.id, record);
  if (record.status === "OPEN") openReverseFulfillmentOrder(store, record);
  input.order.updatedAt = stamp;
  store.emit(record.status === "REQUESTED" ? "returns/request" : "returns/approve", payloads.returnBody(store, record));
  return record;
}

function openReverseFulfillmentOrder(store: Store, record: ReturnRecord): void {
  const rfo: ReverseFulfillmentOrderRecord = {
    id: store.nextId(),
    returnId: record.id,
    orderId: record.orderId,
    status: "OPEN",
    lines: record.lines.map((line) => ({
      id: store.nextId(),
      returnLineId: line.id,
      fulfillmentLineItemId: line.fulfillmentLineItemId,
      totalQuantity: line.quantity,
      dispositions: [],
    })),
  };
  store.reverseFulfillmentOrders.set(rfo.id, rfo);
  record.reverseFulfillmentOrderIds.push(rfo.id);
}

function setReverseStatus(store: Store, record: ReturnRecord, status: ReverseFulfillmentOrderRecord["status"]): void {
  for (const id of record.reverseFulfillmentOrderIds) {
    const rfo = store.reverseFulfillmentOrders.get(id);
    if (rfo) rfo.status = status;
  }
}

const EVENT_TOPIC: Record<Exclude<ReturnEvent, "complete">, string> = {
  approve: "returns/approve",
  decline: "returns/decline",
  cancel: "returns/cancel",
  close: "returns/close",
  reopen: "returns/reopen",
};

/**
 * Moves a return along the transition table and sends its webhook. Throws a
 * StoreError naming the state and the event when the table refuses.
 */
export function applyReturnEvent(store: Store, record: ReturnRecord, event: ReturnEvent, decline?: { reason: ReturnDeclineReason; note: string | null }): ReturnRecord {
  const result = transition(store, record, event);
  if (!result.ok) throw new StoreError(result.message);
  const stamp = store.now();
  record.status = result.to;
  record.updatedAt = stamp;
  switch (event) {
    case "approve":
      record.requestApprovedAt = stamp;
      openReverseFulfillmentOrder(store, record);
      break;
    case "decline":
      record.decline = decline ?? { reason: "OTHER", note: null };
      break;
    case "cancel":
      setReverseStatus(store, record, "CANCELED");
      break;
    case "close":
    case "complete":
      record.closedAt = stamp;
      setReverseStatus(store, record, "CLOSED");
      break;
    case "reopen":
      record.closedAt = null;
      setReverseStatus(store, record, "OPEN");
      break;
  }
  const order = store.orders.get(record.orderId);
  if (order) order.updatedAt = stamp;
  const topic = event === "complete" ? "returns/close" : EVENT_TOPIC[event];
  store.emit(topic, event === "approve" ? payloads.returnBody(store, record) : payloads.returnStatus(store, record));
  return record;
}

export interface DispositionPlan {
  rfo: ReverseFulfillmentOrderRecord;
  lineId: number;
  type: DispositionType;
  quantity: number;
  locationId: number | null;
}

/**
 * Records dispositions (already validated) and moves inventory: RESTOCKED adds
 * the units to `available` at the chosen location; PROCESSING_REQUIRED,
 * NOT_RESTOCKED and MISSING move nothing. One reverse_fulfillment_orders/dispose
 * per reverse fulfillment order touched.
 */
export function dispose(store: Store, plans: readonly DispositionPlan[]): DispositionRecord[] {
  const stamp = store.now();
  const made = new Map<ReverseFulfillmentOrderRecord, { lineId: number; disposition: DispositionRecord }[]>();
  const deltas: InventoryDelta[] = [];
  const records: DispositionRecord[] = [];
  for (const plan of plans) {
    const line = plan.rfo.lines.find((candidate) => candidate.id === plan.lineId);
    if (!line) throw new StoreError(`Reverse fulfillment order line item ${plan.lineId} is not on reverse fulfillment order ${plan.rfo.id}`);
    const disposition: DispositionRecord = { id: store.nextId(), type: plan.type, quantity: plan.quantity, locationId: plan.locationId, createdAt: stamp };
    line.dispositions.push(disposition);
    records.push(disposition);
    const list = made.get(plan.rfo) ?? [];
    list.push({ lineId: line.id, disposition });
    made.set(plan.rfo, list);
    if (plan.type === "RESTOCKED" && plan.locationId !== null) {
      const itemId = restockItem(store, line.fulfillmentLineItemId);
      if (itemId !== null) deltas.push({ itemId, locationId: plan.locationId, name: "available", delta: plan.quantity });
    }
  }
  for (const rfo of made.keys()) {
    const record = store.returns.get(rfo.returnId);
    if (record) record.updatedAt = stamp;
  }
  if (deltas.length > 0) {
    const returnId = plans[0]?.rfo.returnId ?? 0;
    store.applyInventory({ reason: "restock", referenceDocumentUri: `gid://shopify/Return/${returnId}`, deltas });
  }
  for (const [rfo, list] of made) store.emit("reverse_fulfillment_orders/dispose", payloads.reverseFulfillmentOrderDispose(store, rfo, list));
  return records;
}

/** The tracked inventory item a fulfillment line item's units go back to, or null (untracked, deleted variant). */
export function restockItem(store: Store, fulfillmentLineItemId: number): number | null {
  const found = store.fulfillmentLineIndex.get(fulfillmentLineItemId);
  const order = found ? store.orders.get(found.fulfillment.orderId) : undefined;
  const line = order?.lineItems.find((candidate) => candidate.id === found?.line.lineItemId);
  const variant = line?.variantId != null ? store.variants.get(line.variantId) : undefined;
  const item = variant ? store.inventoryItems.get(variant.inventoryItemId) : undefined;
  return item?.tracked ? item.id : null;
}

export interface ProcessPlan {
  record: ReturnRecord;
  lines: { line: ReturnLineRecord; quantity: number }[];
  dispositions: DispositionPlan[];
  /** null: no refund is issued (the items are processed without money moving). */
  refund: { transactions: { parentId: number; amount: number }[]; shipping: number; note: string | null } | null;
}

/**
 * returnProcess, validated: marks units processed, records dispositions, issues
 * the refund (a Refund naming the return, REFUND transactions on the chosen
 * parents), and closes the return once every unit is processed. Webhooks:
 * reverse_fulfillment_orders/dispose, refunds/create + orders/updated (with a
 * refund), returns/process, returns/update, and returns/close when it closed.
 */
export function processReturn(store: Store, plan: ProcessPlan): { record: ReturnRecord; refund: RefundRecord | null } {
  const { record } = plan;
  const order = store.orders.get(record.orderId) as OrderRecord;
  const stamp = store.now();
  if (plan.dispositions.length > 0) dispose(store, plan.dispositions);
  for (const { line, quantity } of plan.lines) line.processedQuantity += quantity;
  let refund: RefundRecord | null = null;
  if (plan.refund) {
    const valued = valueLines(
      order,
      plan.lines.map(({ line, quantity }) => ({
        fulfillmentLineItemId: line.fulfillmentLineItemId,
        line: order.lineItems.find((candidate) => candidate.id === line.lineItemId) as LineItemRecord,
        quantity,
        restockingFeePercentage: null,
      })),
    );
    const lines: RefundLineRecord[] = valued.map((value) => ({
      id: store.nextId(),
      lineItemId: value.plan.line.id,
      quantity: value.plan.quantity,
      // Inventory comes back through dispositions, so the refund itself restocks nothing.
      restockType: "no_restock",
      locationId: null,
      subtotal: value.subtotal,
      totalTax: value.tax,
      returnedUnits: value.plan.quantity,
    }));
    for (const value of valued) value.plan.line.returnedQuantity += value.plan.quantity;
    for (const { line, quantity } of plan.lines) line.refundedQuantity += quantity;
    refund = {
      id: store.nextId(),
      createdAt: stamp,
      note: plan.refund.note,
      lines,
      shipping: plan.refund.shipping,
      amount: plan.refund.transactions.reduce((sum, t) => sum + t.amount, 0),
      returnId: record.id,
      transactionIds: [],
    };
    store.recordRefund(order, refund, stamp, plan.refund.transactions);
  }
  record.updatedAt = stamp;
  order.updatedAt = stamp;
  if (refund) {
    store.emit("refunds/create", payloads.refund(store, order, refund));
    store.emit("orders/updated", payloads.order(store, order));
  }
  store.emit("returns/process", payloads.returnBody(store, record));
  store.emit("returns/update", payloads.returnBody(store, record));
  if (record.lines.every((line) => line.processedQuantity >= line.quantity)) applyReturnEvent(store, record, "complete");
  return { record, refund };
}
