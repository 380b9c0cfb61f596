/**
 * Compensating actions: when a step of an order's life cannot be completed,
 * undo the steps before it. Each rule names the signal that triggers it, the
 * states it applies in and the Shopify call that compensates (orderCancel with
 * the refund and restock options). Rules are data; `planCompensation` picks
 * the rule or refuses with a message naming the order, its state and the signal.
 *
 * Signals:
 * - `reserve_failed`: the inventory area could not reserve stock for the order
 *   (ATP short at every eligible location).
 * - `fulfillment_overdue`: the order was captured and nothing was fulfilled
 *   within the shop's fulfilment deadline.
 */
import type { OrderState } from "./machine";

export type CompensationSignal =
  | { kind: "reserve_failed"; detail: string }
  | { kind: "fulfillment_overdue"; capturedAt: number; now: number; deadlineHours: number };

export type CompensationAction = "void_and_cancel" | "cancel_and_refund";

/** OrderCancelReason values we use. */
export type CancelReason = "INVENTORY" | "OTHER";

export interface CompensationRule {
  id: string;
  trigger: CompensationSignal["kind"];
  states: readonly OrderState[];
  action: CompensationAction;
  cancel: { reason: CancelReason; refund: boolean; restock: boolean; notifyCustomer: boolean };
  /** The state that shows the compensation took effect (from Shopify's own webhook). */
  settlesIn: readonly OrderState[];
  description: string;
}

export const COMPENSATIONS: readonly CompensationRule[] = [
  {
    id: "authorization-without-reserve",
    trigger: "reserve_failed",
    states: ["authorized"],
    action: "void_and_cancel",
    // Shopify voids an authorization whatever refundMethod says; asking for the refund as well
    // returns anything captured meanwhile (a partial capture) instead of keeping it.
    cancel: { reason: "INVENTORY", refund: true, restock: true, notifyCustomer: true },
    settlesIn: ["cancelled"],
    description:
      "Payment authorized but no stock could be reserved: cancel the order, which voids the authorization (and returns anything captured meanwhile) and releases what was committed.",
  },
  {
    id: "capture-without-reserve",
    trigger: "reserve_failed",
    states: ["captured"],
    action: "cancel_and_refund",
    cancel: { reason: "INVENTORY", refund: true, restock: true, notifyCustomer: true },
    settlesIn: ["cancelled", "refunded"],
    description: "Payment captured but no stock could be reserved: cancel the order and refund the captured payment to the original method.",
  },
  {
    id: "capture-without-fulfillment",
    trigger: "fulfillment_overdue",
    states: ["captured"],
    action: "cancel_and_refund",
    cancel: { reason: "OTHER", refund: true, restock: true, notifyCustomer: true },
    settlesIn: ["cancelled", "refunded"],
    description:
      "Payment captured and nothing fulfilled within the fulfilment deadline: cancel the order, refund the payment and restock what was committed.",
  },
];

export type CompensationPlan =
  | { ok: true; rule: CompensationRule; reason: string }
  | { ok: false; code: "not_applicable" | "not_due"; message: string };

const HOUR_MS = 3_600_000;

function describeSignal(signal: CompensationSignal): string {
  return signal.kind === "reserve_failed"
    ? `reserve_failed (${signal.detail})`
    : `fulfillment_overdue (captured ${new Date(signal.capturedAt).toISOString()}, deadline ${signal.deadlineHours} h)`;
}

export function planCompensation(order: string, state: OrderState, signal: CompensationSignal): CompensationPlan {
  const rule = COMPENSATIONS.find((candidate) => candidate.trigger === signal.kind && candidate.states.includes(state));
  if (!rule) {
    const where = COMPENSATIONS.filter((candidate) => candidate.trigger === signal.kind).flatMap((candidate) => candidate.states);
    return {
      ok: false,
      code: "not_applicable",
      message: `order ${order} is ${state}; signal ${signal.kind} has no compensating action from ${state} (only from ${where.join(", ")})`,
    };
  }
  if (signal.kind === "fulfillment_overdue") {
    const due = signal.capturedAt + signal.deadlineHours * HOUR_MS;
    if (signal.now < due) {
      return {
        ok: false,
        code: "not_due",
        message: `order ${order} was captured ${new Date(signal.capturedAt).toISOString()}; the ${signal.deadlineHours} h fulfilment deadline ends ${new Date(due).toISOString()}`,
      };
    }
  }
  return { ok: true, rule, reason: `order ${order} is ${state}; ${describeSignal(signal)} → ${rule.action} (${rule.id})` };
}

/** The arguments of Shopify's orderCancel for a rule. Authorized payments are voided by Shopify regardless of refundMethod. */
export function orderCancelArguments(orderId: string, rule: CompensationRule, staffNote: string) {
  return {
    orderId,
    reason: rule.cancel.reason,
    restock: rule.cancel.restock,
    notifyCustomer: rule.cancel.notifyCustomer,
    refundMethod: rule.cancel.refund ? { originalPaymentMethodsRefund: true } : null,
    staffNote: staffNote.slice(0, 255),
  };
}

export function compensationSettled(rule: CompensationRule, state: OrderState): boolean {
  return rule.settlesIn.includes(state);
}

export function compensationRule(id: string): CompensationRule | undefined {
  return COMPENSATIONS.find((rule) => rule.id === id);
}
