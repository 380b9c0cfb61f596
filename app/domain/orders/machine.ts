/**
 * The order state machine: states, the transition table as data, guards as
 * small pure functions named by the rows, and `transition`, which refuses
 * anything the table does not list with a message naming the order, its state
 * and the event.
 *
 * One state per order folds Shopify's separate financial, fulfillment, dispute
 * and return statuses into the question staff ask ("where is this order?"),
 * with a fixed precedence (`stateOf`): chargeback > disputed > cancelled >
 * refunded > returned > partially_refunded > fulfilled > partially_fulfilled >
 * captured > authorized > pending_payment > cart.
 */
import {
  allReturned,
  hasAnyFact,
  hasLostDispute,
  hasOpenDispute,
  isCancelled,
  paymentCaptured,
  refundedMinor,
  refundLevel,
  type OrderFacts,
} from "./facts";

export const ORDER_STATES = [
  "cart",
  "pending_payment",
  "authorized",
  "captured",
  "partially_fulfilled",
  "fulfilled",
  "partially_refunded",
  "refunded",
  "cancelled",
  "disputed",
  "chargeback",
  "returned",
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_EVENTS = [
  "placed",
  "authorized",
  "captured",
  "partially_fulfilled",
  "fulfilled",
  "partially_refunded",
  "refunded",
  "cancelled",
  "returned",
  "return_reopened",
  "dispute_opened",
  "dispute_won",
  "dispute_lost",
] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

export const GUARD_NAMES = [
  "placed",
  "authorized",
  "captured",
  "partiallyFulfilled",
  "fulfilled",
  "partiallyRefunded",
  "fullyRefunded",
  "cancelled",
  "allReturned",
  "returnReopened",
  "disputeOpen",
  "disputeLost",
  "disputeResolved",
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

export interface TransitionRow {
  from: OrderState;
  to: OrderState;
  event: OrderEvent;
  /** Every guard must pass (each is a pure check of the facts). */
  guards: readonly GuardName[];
}

/** A guard answers null when the transition may go ahead, else why not. */
export type Guard = (facts: OrderFacts) => string | null;

const money = (minor: number | null | undefined): string => (minor === null || minor === undefined ? "an unknown total" : `${minor} minor units`);

export const GUARDS: Record<GuardName, Guard> = {
  placed: (f) =>
    !hasAnyFact(f)
      ? "Shopify has not reported the order"
      : paymentCaptured(f) || f.snapshot?.financial === "authorized"
        ? `the payment is ${f.snapshot?.financial ?? "captured"}, not pending`
        : null,
  authorized: (f) => (f.snapshot?.financial === "authorized" ? null : `the payment is ${f.snapshot?.financial ?? "unknown"}, not authorized`),
  captured: (f) => (paymentCaptured(f) ? null : `the payment is ${f.snapshot?.financial ?? "unknown"}, not captured`),
  partiallyFulfilled: (f) => (f.snapshot?.fulfillment === "partial" ? null : `fulfillment is ${f.snapshot?.fulfillment ?? "unknown"}, not partial`),
  fulfilled: (f) => (f.snapshot?.fulfillment === "fulfilled" ? null : `fulfillment is ${f.snapshot?.fulfillment ?? "unknown"}, not fulfilled`),
  partiallyRefunded: (f) =>
    refundLevel(f) === "partial" ? null : `refunds are ${refundLevel(f)} (${money(refundedMinor(f))} of ${money(f.snapshot?.totalMinor)})`,
  fullyRefunded: (f) =>
    refundLevel(f) === "full" ? null : `refunds are ${refundLevel(f)} (${money(refundedMinor(f))} of ${money(f.snapshot?.totalMinor)})`,
  cancelled: (f) => (isCancelled(f) ? null : "Shopify has not cancelled or voided the order"),
  allReturned: (f) => (allReturned(f) ? null : "not every unit is in a closed return"),
  returnReopened: (f) => (allReturned(f) ? "every unit is still in a closed return" : null),
  disputeOpen: (f) => (hasOpenDispute(f) ? null : "no dispute is open"),
  disputeLost: (f) => (hasLostDispute(f) ? null : "no dispute was lost"),
  disputeResolved: (f) => (hasOpenDispute(f) ? "a dispute is still open" : hasLostDispute(f) ? "a dispute was lost" : null),
};

/** The guard each state's own condition is checked with (used by rows into it). */
const ENTRY_GUARD: Record<Exclude<OrderState, "cart" | "disputed" | "chargeback">, GuardName> = {
  pending_payment: "placed",
  authorized: "authorized",
  captured: "captured",
  partially_fulfilled: "partiallyFulfilled",
  fulfilled: "fulfilled",
  partially_refunded: "partiallyRefunded",
  refunded: "fullyRefunded",
  cancelled: "cancelled",
  returned: "allReturned",
};

const row = (from: OrderState, to: OrderState, event: OrderEvent, ...guards: GuardName[]): TransitionRow => ({ from, to, event, guards });

/** States a dispute can open on, and that winning it returns to (whatever the other facts say). */
const DISPUTABLE = [
  "pending_payment",
  "authorized",
  "captured",
  "partially_fulfilled",
  "fulfilled",
  "partially_refunded",
  "refunded",
  "returned",
  "cancelled",
] as const satisfies readonly OrderState[];

/** Every state change an order can make. Anything else is refused. */
export const ORDER_TRANSITIONS: readonly TransitionRow[] = [
  // Placed: the first thing Shopify tells us, with the payment as it stands.
  row("cart", "pending_payment", "placed", "placed"),
  row("cart", "authorized", "authorized", "authorized"),
  row("cart", "captured", "captured", "captured"),
  row("pending_payment", "authorized", "authorized", "authorized"),
  row("pending_payment", "captured", "captured", "captured"),
  row("authorized", "captured", "captured", "captured"),
  // Fulfilment: after capture, or before it (manual capture, payment terms).
  row("pending_payment", "partially_fulfilled", "partially_fulfilled", "partiallyFulfilled"),
  row("pending_payment", "fulfilled", "fulfilled", "fulfilled"),
  row("authorized", "partially_fulfilled", "partially_fulfilled", "partiallyFulfilled"),
  row("authorized", "fulfilled", "fulfilled", "fulfilled"),
  row("captured", "partially_fulfilled", "partially_fulfilled", "partiallyFulfilled"),
  row("captured", "fulfilled", "fulfilled", "fulfilled"),
  row("partially_fulfilled", "fulfilled", "fulfilled", "fulfilled"),
  // Refunds.
  row("captured", "partially_refunded", "partially_refunded", "partiallyRefunded"),
  row("captured", "refunded", "refunded", "fullyRefunded"),
  row("partially_fulfilled", "partially_refunded", "partially_refunded", "partiallyRefunded"),
  row("partially_fulfilled", "refunded", "refunded", "fullyRefunded"),
  row("fulfilled", "partially_refunded", "partially_refunded", "partiallyRefunded"),
  row("fulfilled", "refunded", "refunded", "fullyRefunded"),
  row("partially_refunded", "refunded", "refunded", "fullyRefunded"),
  row("returned", "refunded", "refunded", "fullyRefunded"),
  // Cancellation: void an authorization, cancel (and refund) an unfulfilled capture.
  row("pending_payment", "cancelled", "cancelled", "cancelled"),
  row("authorized", "cancelled", "cancelled", "cancelled"),
  row("captured", "cancelled", "cancelled", "cancelled"),
  row("partially_refunded", "cancelled", "cancelled", "cancelled"),
  row("refunded", "cancelled", "cancelled", "cancelled"),
  // Returns: every unit back in closed returns; a reopened return undoes it.
  row("fulfilled", "returned", "returned", "allReturned"),
  row("partially_refunded", "returned", "returned", "allReturned"),
  row("returned", "fulfilled", "return_reopened", "returnReopened", "fulfilled"),
  row("returned", "partially_refunded", "return_reopened", "returnReopened", "partiallyRefunded"),
  // Disputes: any order with a payment may be disputed; won → back to what the other facts say; lost → chargeback.
  ...DISPUTABLE.map((from) => row(from, "disputed", "dispute_opened", "disputeOpen")),
  row("disputed", "chargeback", "dispute_lost", "disputeLost"),
  // A lost dispute whose opening was never delivered (or arrived after the loss).
  ...DISPUTABLE.map((from) => row(from, "chargeback", "dispute_lost", "disputeLost")),
  ...DISPUTABLE.map((to) => row("disputed", to, "dispute_won", "disputeResolved", ENTRY_GUARD[to])),
];

/** The state the facts put the order in (the precedence above). */
export function stateOf(facts: OrderFacts): OrderState {
  if (!hasAnyFact(facts)) return "cart";
  if (hasLostDispute(facts)) return "chargeback";
  if (hasOpenDispute(facts)) return "disputed";
  if (isCancelled(facts)) return "cancelled";
  const refunds = refundLevel(facts);
  if (refunds === "full") return "refunded";
  if (allReturned(facts)) return "returned";
  if (refunds === "partial") return "partially_refunded";
  const fulfillment = facts.snapshot?.fulfillment;
  if (fulfillment === "fulfilled") return "fulfilled";
  if (fulfillment === "partial") return "partially_fulfilled";
  if (paymentCaptured(facts)) return "captured";
  if (facts.snapshot?.financial === "authorized") return "authorized";
  return "pending_payment";
}

/** The event that names a move into `to` (from `from`), for messages when no row exists. */
export function eventInto(from: OrderState, to: OrderState): OrderEvent {
  if (to === "disputed") return "dispute_opened";
  if (to === "chargeback") return "dispute_lost";
  if (from === "disputed") return "dispute_won";
  if (from === "returned" && to !== "refunded") return "return_reopened";
  if (to === "pending_payment" || to === "cart") return "placed";
  return to;
}

export interface TransitionRequest {
  /** The order's name for messages ("#1001"), else its id. */
  order: string;
  from: OrderState;
  to: OrderState;
  event: OrderEvent;
  /** What brought the event (a webhook topic, "reconcile"), for messages. */
  source: string;
  facts: OrderFacts;
}

export type TransitionRefusal = { ok: false; code: "not_in_table" | "guard_refused"; message: string };
export type TransitionResult = { ok: true; row: TransitionRow } | TransitionRefusal;

export function rowsFrom(state: OrderState): TransitionRow[] {
  return ORDER_TRANSITIONS.filter((candidate) => candidate.from === state);
}

export function findRow(from: OrderState, to: OrderState, event: OrderEvent): TransitionRow | undefined {
  return ORDER_TRANSITIONS.find((candidate) => candidate.from === from && candidate.to === to && candidate.event === event);
}

export function failingGuard(candidate: TransitionRow, facts: OrderFacts): string | null {
  for (const name of candidate.guards) {
    const why = GUARDS[name](facts);
    if (why) return why;
  }
  return null;
}

/** One step, checked against the table and its guards. */
export function transition(request: TransitionRequest): TransitionResult {
  const { order, from, to, event, source, facts } = request;
  const candidates = rowsFrom(from).filter((candidate) => candidate.event === event);
  if (candidates.length === 0) {
    return { ok: false, code: "not_in_table", message: `order ${order} is ${from}; event ${source} (${event}) is not allowed from ${from}` };
  }
  const found = candidates.find((candidate) => candidate.to === to);
  if (!found) {
    const allowed = candidates.map((candidate) => candidate.to).join(", ");
    return {
      ok: false,
      code: "not_in_table",
      message: `order ${order} is ${from}; event ${source} (${event}) cannot take it to ${to} (from ${from} it leads to ${allowed})`,
    };
  }
  const why = failingGuard(found, facts);
  if (why) return { ok: false, code: "guard_refused", message: `order ${order} is ${from}; event ${source} (${event}) to ${to} is refused: ${why}` };
  return { ok: true, row: found };
}

/**
 * The shortest chain of table rows from `from` to `to` whose guards all pass on
 * `facts` (ties: table order), or null. A late or missed webhook makes Shopify's
 * facts jump more than one row ahead (a POS order arrives paid and fulfilled);
 * each step is still a row of the table.
 */
export function planPath(from: OrderState, to: OrderState, facts: OrderFacts): TransitionRow[] | null {
  if (from === to) return [];
  const previous = new Map<OrderState, TransitionRow>();
  const queue: OrderState[] = [from];
  const seen = new Set<OrderState>([from]);
  while (queue.length > 0) {
    const state = queue.shift() as OrderState;
    for (const candidate of rowsFrom(state)) {
      if (seen.has(candidate.to) || failingGuard(candidate, facts)) continue;
      seen.add(candidate.to);
      previous.set(candidate.to, candidate);
      if (candidate.to === to) {
        const path: TransitionRow[] = [];
        for (let step: OrderState = to; step !== from; ) {
          const via = previous.get(step) as TransitionRow;
          path.unshift(via);
          step = via.from;
        }
        return path;
      }
      queue.push(candidate.to);
    }
  }
  return null;
}
