/**
 * The RMA's own status machine. Shopify's Return knows REQUESTED, OPEN,
 * DECLINED, CANCELED and CLOSED; an RMA also follows the goods while Shopify
 * says OPEN: in transit, received, inspected. The table below is every move;
 * anything else is refused with the RMA number, its status and the event.
 * The refund timing strategies (timing.ts) are keyed by these statuses.
 */

export const RMA_STATUSES = ["requested", "approved", "in_transit", "received", "inspected", "closed", "declined", "cancelled"] as const;
export type RmaStatus = (typeof RMA_STATUSES)[number];

/** The queue's status filter: "open" is every status still in progress. */
export const STATUS_FILTERS = ["open", "all", ...RMA_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const RMA_EVENTS = ["approve", "decline", "cancel", "ship", "receive", "inspect", "close", "reopen"] as const;
export type RmaEvent = (typeof RMA_EVENTS)[number];

/** What the guards look at. */
export interface RmaFacts {
  refunded: boolean;
  /** Units processed or disposed on Shopify's side. */
  unitsDisposed: number;
  /** Units inspected and graded refurbish, awaiting a final grade. */
  unitsAwaitingRegrade: number;
  totalUnits: number;
}

export type RmaGuardName = "untouched" | "everyUnitGraded";

export interface RmaTransitionRow {
  from: RmaStatus;
  to: RmaStatus;
  event: RmaEvent;
  guard?: RmaGuardName;
}

export const RMA_GUARDS: Record<RmaGuardName, (facts: RmaFacts) => string | null> = {
  untouched: (f) => (f.refunded ? "a refund was issued" : f.unitsDisposed > 0 ? `${f.unitsDisposed} unit(s) were already processed` : null),
  everyUnitGraded: (f) =>
    f.unitsAwaitingRegrade > 0 ? `${f.unitsAwaitingRegrade} unit(s) still await a final grade (refurbish)` : f.refunded ? null : "no refund was issued yet",
};

export const RMA_TRANSITIONS: readonly RmaTransitionRow[] = [
  { from: "requested", to: "approved", event: "approve" },
  { from: "requested", to: "declined", event: "decline" },
  { from: "requested", to: "cancelled", event: "cancel" },
  { from: "approved", to: "cancelled", event: "cancel", guard: "untouched" },
  { from: "approved", to: "in_transit", event: "ship" },
  { from: "approved", to: "received", event: "receive" },
  { from: "in_transit", to: "received", event: "receive" },
  { from: "received", to: "inspected", event: "inspect" },
  { from: "inspected", to: "closed", event: "close", guard: "everyUnitGraded" },
  { from: "closed", to: "inspected", event: "reopen" },
];

export type RmaTransitionResult = { ok: true; to: RmaStatus } | { ok: false; code: "not_in_table" | "guard_refused"; message: string };

export function rmaTransition(rma: string, from: RmaStatus, event: RmaEvent, facts: RmaFacts): RmaTransitionResult {
  const found = RMA_TRANSITIONS.find((candidate) => candidate.from === from && candidate.event === event);
  if (!found) {
    const allowed = RMA_TRANSITIONS.filter((candidate) => candidate.from === from).map((candidate) => candidate.event);
    return {
      ok: false,
      code: "not_in_table",
      message: `return ${rma} is ${from}; ${event} is not allowed from ${from}${allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : " (final)"}`,
    };
  }
  const why = found.guard ? RMA_GUARDS[found.guard](facts) : null;
  if (why) return { ok: false, code: "guard_refused", message: `return ${rma} is ${from}; ${event} is refused: ${why}` };
  return { ok: true, to: found.to };
}

/** How far along the goods are: the refund timing strategies compare stages. */
export const STAGE: Record<RmaStatus, number | null> = {
  requested: 0,
  approved: 1,
  in_transit: 2,
  received: 3,
  inspected: 4,
  closed: 5,
  declined: null,
  cancelled: null,
};

/** Shopify's return status, as the RMA's: OPEN is any of the goods' stages. */
export function shopifyStatusMatches(status: RmaStatus, shopify: string): boolean {
  switch (shopify.toUpperCase()) {
    case "REQUESTED":
      return status === "requested";
    case "OPEN":
    case "CLOSED":
      // Shopify closes a return once every unit is processed, which may be before the goods arrive (an early refund).
      return STAGE[status] !== null && status !== "requested";
    case "DECLINED":
      return status === "declined";
    case "CANCELED":
      return status === "cancelled";
    default:
      return false;
  }
}
