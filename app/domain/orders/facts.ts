/**
 * What Shopify has told us about one order, per source, each with the time it
 * was true. Events change one dimension at a time: an order snapshot
 * (orders/* payloads, an Admin read), a refund (refunds/create), a dispute
 * (disputes/*), a return (returns/*). The order's state is derived from the
 * accumulated facts (`stateOf`), never from the order in which events arrived,
 * which is what lets out-of-order deliveries converge.
 *
 * Pure and JSON-serialisable: times are epoch milliseconds.
 */

export type FinancialStatus =
  | "pending"
  | "authorized"
  | "partially_paid"
  | "paid"
  | "partially_refunded"
  | "refunded"
  | "voided"
  | "expired";

export type FulfillmentStatus = "unfulfilled" | "partial" | "fulfilled";

/** Shopify's dispute statuses (REST `status`, GraphQL ShopifyPaymentsDisputeStatus lowercased). */
export type DisputeStatus = "needs_response" | "under_review" | "charge_refunded" | "accepted" | "won" | "lost";

/** Shopify's ReturnStatus, lowercased as in returns/* payloads. */
export type ShopifyReturnStatus = "requested" | "open" | "declined" | "canceled" | "closed";

export interface OrderSnapshot {
  financial: FinancialStatus | null;
  fulfillment: FulfillmentStatus;
  cancelled: boolean;
  /** The order's original total in minor units (refunds are compared with it); null when unknown. */
  totalMinor: number | null;
  /** Units per order line item id (current quantity: removed units are not returnable). */
  lineQuantities: Record<string, number>;
  /** Shopify's updated_at for this snapshot. */
  at: number;
}

export interface OrderFacts {
  snapshot: OrderSnapshot | null;
  refunds: Record<string, { amountMinor: number; at: number }>;
  disputes: Record<string, { status: DisputeStatus; at: number }>;
  returns: Record<string, { status: ShopifyReturnStatus; units: Record<string, number>; at: number }>;
}

export const NO_FACTS: OrderFacts = { snapshot: null, refunds: {}, disputes: {}, returns: {} };

/** One event's contribution to the facts. */
export type FactChange =
  | { kind: "snapshot"; snapshot: OrderSnapshot }
  | { kind: "refund"; refundId: string; amountMinor: number }
  | { kind: "dispute"; disputeId: string; status: DisputeStatus }
  /** `units` null: the payload named only the status (returns/close, decline, …); the known units are kept. */
  | { kind: "return"; returnId: string; status: ShopifyReturnStatus; units: Record<string, number> | null };

export type MergeResult =
  | { merged: true; facts: OrderFacts }
  /** The same source already holds a newer fact: the event is recorded, not applied. */
  | { merged: false; reason: "superseded"; storedAt: number }
  /** A refund already counted (same refund id). */
  | { merged: false; reason: "duplicate" };

/**
 * Adds one event's change, unless its source already holds a newer fact.
 * `at` is the event's time: the payload's updated_at when it has one, else
 * X-Shopify-Triggered-At. Equal times apply (same-second snapshots are left to
 * the reconcile).
 */
export function mergeFacts(facts: OrderFacts, change: FactChange, at: number): MergeResult {
  switch (change.kind) {
    case "snapshot": {
      const stored = facts.snapshot;
      if (stored && change.snapshot.at < stored.at) return { merged: false, reason: "superseded", storedAt: stored.at };
      return { merged: true, facts: { ...facts, snapshot: change.snapshot } };
    }
    case "refund": {
      if (facts.refunds[change.refundId]) return { merged: false, reason: "duplicate" };
      return { merged: true, facts: { ...facts, refunds: { ...facts.refunds, [change.refundId]: { amountMinor: change.amountMinor, at } } } };
    }
    case "dispute": {
      const stored = facts.disputes[change.disputeId];
      if (stored && at < stored.at) return { merged: false, reason: "superseded", storedAt: stored.at };
      return { merged: true, facts: { ...facts, disputes: { ...facts.disputes, [change.disputeId]: { status: change.status, at } } } };
    }
    case "return": {
      const stored = facts.returns[change.returnId];
      if (stored && at < stored.at) {
        // A return's lines do not change once it exists: a late returns/request still brings
        // the units a status-only payload (returns/close) could not. Its status stays superseded.
        if (change.units && Object.keys(stored.units).length === 0) {
          return { merged: true, facts: { ...facts, returns: { ...facts.returns, [change.returnId]: { ...stored, units: change.units } } } };
        }
        return { merged: false, reason: "superseded", storedAt: stored.at };
      }
      const units = change.units ?? stored?.units ?? {};
      return { merged: true, facts: { ...facts, returns: { ...facts.returns, [change.returnId]: { status: change.status, units, at } } } };
    }
  }
}

const OPEN_DISPUTES: ReadonlySet<DisputeStatus> = new Set(["needs_response", "under_review"]);
const LOST_DISPUTES: ReadonlySet<DisputeStatus> = new Set(["lost", "accepted"]);

export function hasOpenDispute(facts: OrderFacts): boolean {
  return Object.values(facts.disputes).some((d) => OPEN_DISPUTES.has(d.status));
}

export function hasLostDispute(facts: OrderFacts): boolean {
  return Object.values(facts.disputes).some((d) => LOST_DISPUTES.has(d.status));
}

export function refundedMinor(facts: OrderFacts): number {
  return Object.values(facts.refunds).reduce((sum, r) => sum + r.amountMinor, 0);
}

export type RefundLevel = "none" | "partial" | "full";

/**
 * How much of the order is refunded: the larger of what the latest snapshot
 * says and what the refunds we saw add up to (refunds only ever grow, so the
 * larger signal is the newer one).
 */
export function refundLevel(facts: OrderFacts): RefundLevel {
  const financial = facts.snapshot?.financial;
  const fromSnapshot: RefundLevel = financial === "refunded" ? "full" : financial === "partially_refunded" ? "partial" : "none";
  const sum = refundedMinor(facts);
  const total = facts.snapshot?.totalMinor ?? null;
  const fromRefunds: RefundLevel = sum <= 0 ? "none" : total !== null && sum >= total ? "full" : "partial";
  const rank: Record<RefundLevel, number> = { none: 0, partial: 1, full: 2 };
  return rank[fromSnapshot] >= rank[fromRefunds] ? fromSnapshot : fromRefunds;
}

/** Every unit of every line is in a closed return (and there was something to return). */
export function allReturned(facts: OrderFacts): boolean {
  const lines = Object.entries(facts.snapshot?.lineQuantities ?? {}).filter(([, quantity]) => quantity > 0);
  if (lines.length === 0) return false;
  const returned: Record<string, number> = {};
  for (const ret of Object.values(facts.returns)) {
    if (ret.status !== "closed") continue;
    for (const [lineId, units] of Object.entries(ret.units)) returned[lineId] = (returned[lineId] ?? 0) + units;
  }
  return lines.every(([lineId, quantity]) => (returned[lineId] ?? 0) >= quantity);
}

export function paymentCaptured(facts: OrderFacts): boolean {
  const financial = facts.snapshot?.financial;
  if (financial === "paid" || financial === "partially_paid" || financial === "partially_refunded" || financial === "refunded") return true;
  // No snapshot yet, but a refund, dispute or return proves money was taken.
  return !facts.snapshot && (Object.keys(facts.refunds).length > 0 || Object.keys(facts.disputes).length > 0 || Object.keys(facts.returns).length > 0);
}

export function isCancelled(facts: OrderFacts): boolean {
  return !!facts.snapshot && (facts.snapshot.cancelled || facts.snapshot.financial === "voided" || facts.snapshot.financial === "expired");
}

export function hasAnyFact(facts: OrderFacts): boolean {
  return !!facts.snapshot || Object.keys(facts.refunds).length + Object.keys(facts.disputes).length + Object.keys(facts.returns).length > 0;
}
