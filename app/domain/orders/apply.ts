/**
 * One event against one order: merge its fact (unless superseded), derive the
 * state the facts put the order in, and move there along the table — or refuse.
 * Every outcome is a result to record; nothing here throws on ordinary input.
 *
 * Replays are the caller's: each result is stored under (order id, event key)
 * and a second delivery of the same key returns the stored result
 * (`replayOf`) without touching the order.
 */
import { mergeFacts, type FactChange, type OrderFacts } from "./facts";
import { eventInto, planPath, stateOf, transition, type OrderEvent, type OrderState } from "./machine";

export interface OrderMachine {
  state: OrderState;
  facts: OrderFacts;
}

export interface OrderEventInput {
  /** X-Shopify-Event-Id (or the event log's fallback key); "reconcile:<time>" for a reconcile. */
  key: string;
  /** The webhook topic, or "reconcile". */
  source: string;
  /** When it happened (payload updated_at, else X-Shopify-Triggered-At), epoch ms. */
  at: number;
  change: FactChange;
}

export type ApplyOutcome = "applied" | "unchanged" | "superseded" | "duplicate" | "refused";

export interface StepRecord {
  from: OrderState;
  to: OrderState;
  event: OrderEvent;
}

export interface ApplyResult {
  outcome: ApplyOutcome;
  from: OrderState;
  to: OrderState;
  /** The table rows taken (applied), in order; empty otherwise. */
  steps: StepRecord[];
  /** For refusals: not_in_table or guard_refused. */
  code: string | null;
  message: string;
  /** True when this is the stored result of an earlier delivery of the same event. */
  replayed: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function dimension(change: FactChange): string {
  switch (change.kind) {
    case "snapshot":
      return "order snapshot";
    case "refund":
      return `refund ${change.refundId}`;
    case "dispute":
      return `dispute ${change.disputeId}`;
    case "return":
      return `return ${change.returnId}`;
  }
}

export function applyOrderEvent(order: string, current: OrderMachine, event: OrderEventInput): { next: OrderMachine; result: ApplyResult } {
  const from = current.state;
  const base = { from, steps: [] as StepRecord[], code: null, replayed: false };
  const merged = mergeFacts(current.facts, event.change, event.at);
  if (!merged.merged) {
    const message =
      merged.reason === "duplicate"
        ? `${event.source}: ${dimension(event.change)} is already counted; order ${order} stays ${from}`
        : `${event.source} of ${iso(event.at)} is older than the ${dimension(event.change)} already applied (${iso(merged.storedAt)}); recorded, not applied`;
    return { next: current, result: { ...base, outcome: merged.reason, to: from, message } };
  }
  const facts = merged.facts;
  const target = stateOf(facts);
  if (target === from) {
    return { next: { state: from, facts }, result: { ...base, outcome: "unchanged", to: from, message: `${event.source}: order ${order} stays ${from}` } };
  }
  const path = planPath(from, target, facts);
  if (!path) {
    // The facts are Shopify's truth and are kept; the state only moves along the table.
    const refusal = transition({ order, from, to: target, event: eventInto(from, target), source: event.source, facts });
    const message = refusal.ok
      ? `order ${order} is ${from}; no chain of allowed transitions leads to ${target}`
      : refusal.message;
    const code = refusal.ok ? "no_path" : refusal.code;
    return { next: { state: from, facts }, result: { ...base, outcome: "refused", to: from, code, message } };
  }
  const steps = path.map(({ from: stepFrom, to, event: stepEvent }) => ({ from: stepFrom, to, event: stepEvent }));
  const chain = steps.map((step) => `${step.to} (${step.event})`).join(" → ");
  return {
    next: { state: target, facts },
    result: { ...base, outcome: "applied", to: target, steps, message: `order ${order}: ${from} → ${chain} via ${event.source}` },
  };
}

/** The stored result of an event already applied, returned as the answer to its replay. */
export function replayOf(prior: ApplyResult): ApplyResult {
  return { ...prior, replayed: true };
}

export const INITIAL_MACHINE: OrderMachine = { state: "cart", facts: { snapshot: null, refunds: {}, disputes: {}, returns: {} } };
