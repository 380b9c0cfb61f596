import { describe, expect, it } from "vitest";
import {
  COMPENSATIONS,
  compensationSettled,
  orderCancelArguments,
  planCompensation,
  type CompensationSignal,
} from "~/domain/orders/compensation";
import { ORDER_STATES, type OrderState } from "~/domain/orders/machine";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const reserveFailed: CompensationSignal = { kind: "reserve_failed", detail: "SKU PG-JKT-S short by 2 at every location" };
const overdue = (hoursAgo: number): CompensationSignal => ({ kind: "fulfillment_overdue", capturedAt: NOW - hoursAgo * 3_600_000, now: NOW, deadlineHours: 72 });

describe("compensating actions", () => {
  it("authorization without an inventory reserve → void and cancel (the refund method returns a partial capture, if any)", () => {
    const plan = planCompensation("#1001", "authorized", reserveFailed);
    expect(plan).toMatchObject({ ok: true, rule: { id: "authorization-without-reserve", action: "void_and_cancel" } });
    if (!plan.ok) throw new Error(plan.message);
    expect(orderCancelArguments("gid://shopify/Order/1", plan.rule, "Peakguard: no stock")).toEqual({
      orderId: "gid://shopify/Order/1",
      reason: "INVENTORY",
      restock: true,
      notifyCustomer: true,
      refundMethod: { originalPaymentMethodsRefund: true },
      staffNote: "Peakguard: no stock",
    });
    expect(plan.reason).toBe("order #1001 is authorized; reserve_failed (SKU PG-JKT-S short by 2 at every location) → void_and_cancel (authorization-without-reserve)");
  });

  it("capture without a reserve → cancel and refund to the original payment method", () => {
    const plan = planCompensation("#1001", "captured", reserveFailed);
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.rule.id).toBe("capture-without-reserve");
    expect(orderCancelArguments("gid://shopify/Order/1", plan.rule, "x").refundMethod).toEqual({ originalPaymentMethodsRefund: true });
  });

  it("capture without fulfillment past the deadline → cancel and refund; before it, not due", () => {
    const due = planCompensation("#1001", "captured", overdue(73));
    expect(due).toMatchObject({ ok: true, rule: { id: "capture-without-fulfillment", action: "cancel_and_refund" } });
    const early = planCompensation("#1001", "captured", overdue(10));
    expect(early).toEqual({
      ok: false,
      code: "not_due",
      message: "order #1001 was captured 2026-11-28T02:00:00.000Z; the 72 h fulfilment deadline ends 2026-12-01T02:00:00.000Z",
    });
  });

  const notApplicable = ORDER_STATES.flatMap((state) =>
    (["reserve_failed", "fulfillment_overdue"] as const)
      .filter((kind) => !COMPENSATIONS.some((rule) => rule.trigger === kind && rule.states.includes(state)))
      .map((kind) => ({ state, kind })),
  );

  it.each(notApplicable)("no compensation for $kind when the order is $state, said so by name", ({ state, kind }) => {
    const signal = kind === "reserve_failed" ? reserveFailed : overdue(100);
    const plan = planCompensation("#1001", state as OrderState, signal);
    expect(plan).toMatchObject({ ok: false, code: "not_applicable" });
    if (!plan.ok) expect(plan.message).toContain(`order #1001 is ${state}; signal ${kind} has no compensating action from ${state}`);
  });

  it("a compensation is settled by the state Shopify's own webhook moves the order to", () => {
    const [voidRule, refundRule] = COMPENSATIONS;
    expect(compensationSettled(voidRule!, "cancelled")).toBe(true);
    expect(compensationSettled(voidRule!, "authorized")).toBe(false);
    expect(compensationSettled(refundRule!, "refunded")).toBe(true);
  });
});
