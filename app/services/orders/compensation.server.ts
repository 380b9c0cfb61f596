/**
 * Compensating actions, planned and run (app/domain/orders/compensation.ts):
 *
 * - `signalReserveFailed`: the inventory area could not reserve stock for an
 *   order → an authorized order is voided and cancelled, a captured one is
 *   cancelled and refunded.
 * - `planOverdueCaptures`: captured orders with nothing fulfilled past the
 *   shop's fulfilment deadline → cancel and refund.
 * - `runCompensation`: the planned orderCancel, once per idempotency key; the
 *   compensation is settled when Shopify's orders/cancelled (or refund) moves
 *   the order into the rule's end state (state.server.ts).
 */
import { compensationRule, orderCancelArguments, planCompensation, type CompensationPlan, type CompensationSignal } from "../../domain/orders/compensation";
import type { OrderState } from "../../domain/orders/machine";
import type { AdminClient } from "../admin/client.server";
import { AdminTransportError } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";
import { isUniqueViolation } from "../mirror/apply-if-newer.server";
import { OrderCancel } from "../../../graphql/operations";
import { errorMessage, withIdempotency, type StaffActionResult } from "./staff-actions.server";

export type PlannedCompensation = { ok: true; id: string; ruleId: string; action: string; reason: string; alreadyPlanned: boolean } | { ok: false; code: string; message: string };

async function plan(db: ShopDb, shop: string, orderId: string, signal: CompensationSignal, now: Date): Promise<PlannedCompensation> {
  const row = await db.orderState.findFirst({ where: { orderId } });
  if (!row) return { ok: false, code: "unknown_order", message: `order ${orderId} has no state yet; nothing to compensate` };
  const name = row.orderName ?? orderId;
  const planned: CompensationPlan = planCompensation(name, row.state as OrderState, signal);
  if (!planned.ok) return planned;
  const existing = await db.orderCompensation.findFirst({ where: { orderId, ruleId: planned.rule.id } });
  if (existing) return { ok: true, id: existing.id, ruleId: existing.ruleId, action: existing.action, reason: existing.reason, alreadyPlanned: true };
  try {
    const created = await db.orderCompensation.create({
      data: {
        shop,
        orderId,
        ruleId: planned.rule.id,
        action: planned.rule.action,
        signal: signal.kind === "reserve_failed" ? `reserve_failed: ${signal.detail}` : `fulfillment_overdue: ${signal.deadlineHours} h`,
        status: "planned",
        reason: planned.reason,
        plannedAt: now,
      },
    });
    return { ok: true, id: created.id, ruleId: created.ruleId, action: created.action, reason: created.reason, alreadyPlanned: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const again = await db.orderCompensation.findFirst({ where: { orderId, ruleId: planned.rule.id } });
    if (!again) throw error;
    return { ok: true, id: again.id, ruleId: again.ruleId, action: again.action, reason: again.reason, alreadyPlanned: true };
  }
}

/** Called by the inventory area when no location can reserve an order's stock. */
export function signalReserveFailed(db: ShopDb, shop: string, orderId: string, detail: string, now: Date): Promise<PlannedCompensation> {
  return plan(db, shop, orderId, { kind: "reserve_failed", detail }, now);
}

/** The sweep: captured orders still unfulfilled past the deadline. */
export async function planOverdueCaptures(db: ShopDb, shop: string, now: Date, deadlineHours: number): Promise<PlannedCompensation[]> {
  const cutoff = new Date(now.getTime() - deadlineHours * 3_600_000);
  const rows = await db.orderState.findMany({ where: { state: "captured", capturedAt: { lte: cutoff } }, select: { orderId: true, capturedAt: true } });
  const out: PlannedCompensation[] = [];
  for (const row of rows) {
    out.push(await plan(db, shop, row.orderId, { kind: "fulfillment_overdue", capturedAt: (row.capturedAt as Date).getTime(), now: now.getTime(), deadlineHours }, now));
  }
  return out;
}

/** Runs a planned compensation's orderCancel (once per idempotency key). */
export function runCompensation(
  db: ShopDb,
  shop: string,
  admin: AdminClient,
  input: { compensationId: string; idempotencyKey: string; actor: string; now: Date },
): Promise<StaffActionResult<{ status: string; message: string }>> {
  return withIdempotency(db, shop, { key: input.idempotencyKey, action: "compensate", target: input.compensationId, params: {} }, async () => {
    const row = await db.orderCompensation.findFirst({ where: { id: input.compensationId } });
    if (!row) return { ok: false, code: "not_found", message: `no compensation ${input.compensationId} in ${shop}` };
    if (row.status !== "planned" && row.status !== "failed") {
      return { ok: false, code: "not_planned", message: `compensation ${row.ruleId} for order ${row.orderId} is ${row.status}` };
    }
    const rule = compensationRule(row.ruleId);
    if (!rule) return { ok: false, code: "unknown_rule", message: `compensation rule ${row.ruleId} no longer exists` };
    const state = await db.orderState.findFirst({ where: { orderId: row.orderId }, select: { state: true, orderName: true } });
    if (!state || !rule.states.includes(state.state as OrderState)) {
      return { ok: false, code: "state_moved", message: `order ${state?.orderName ?? row.orderId} is ${state?.state ?? "unknown"} now; ${rule.id} applies only from ${rule.states.join(", ")}` };
    }
    const args = orderCancelArguments(row.orderId, rule, `Peakguard compensation ${rule.id}: ${row.signal}`);
    try {
      const data = await admin.request(OrderCancel, args);
      const errors = data.orderCancel?.orderCancelUserErrors ?? [];
      if (!data.orderCancel || errors.length > 0) {
        const message = errors.map((e) => `${(e.field ?? []).join(".") || "orderCancel"}: ${e.message}`).join("; ") || "orderCancel returned no payload";
        await db.orderCompensation.updateMany({ where: { id: row.id }, data: { status: "failed", error: message, executedAt: input.now } });
        return { ok: false, code: "shopify_refused", message: `order ${state.orderName ?? row.orderId}: ${message}` };
      }
      await db.orderCompensation.updateMany({ where: { id: row.id }, data: { status: "requested", error: null, executedAt: input.now } });
      return { ok: true, value: { status: "requested", message: `${rule.action} requested for order ${state.orderName ?? row.orderId} (job ${data.orderCancel.job?.id ?? "?"}); settled when Shopify reports the cancellation` } };
    } catch (error) {
      const unsure = error instanceof AdminTransportError && error.mayHaveApplied;
      const message = `${errorMessage(error)}${unsure ? " (the cancellation may have been applied: the orders/cancelled webhook will settle it)" : ""}`;
      await db.orderCompensation.updateMany({ where: { id: row.id }, data: { status: "failed", error: message, executedAt: input.now } });
      return { ok: false, code: "failed", message };
    }
  });
}
