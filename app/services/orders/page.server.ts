/**
 * What the Orders pages load: states at a glance, the drift view against
 * Shopify's own statuses (with a reconcile key per row), compensations, recent
 * refusals; and one order's timeline.
 */
import { randomUUID } from "node:crypto";
import { COMPENSATIONS } from "../../domain/orders/compensation";
import { ORDER_STATES, ORDER_TRANSITIONS } from "../../domain/orders/machine";
import type { AdminClient } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";
import { loadDrift, type DriftRow } from "./drift.server";
import { orderTimeline } from "./state.server";

export async function loadOrdersOverview(db: ShopDb, admin: AdminClient) {
  const counts = await db.orderState.groupBy({ by: ["state"], _count: { _all: true } });
  let drift: (DriftRow & { reconcileKey: string })[] = [];
  let driftError: string | null = null;
  try {
    drift = (await loadDrift(db, admin, 20)).map((row) => ({ ...row, reconcileKey: randomUUID() }));
  } catch (error) {
    driftError = `Shopify's statuses could not be read: ${error instanceof Error ? error.message : String(error)}`;
  }
  const compensations = await db.orderCompensation.findMany({ orderBy: [{ plannedAt: "desc" }, { id: "asc" }], take: 50 });
  const refusals = await db.orderTransition.findMany({ where: { outcome: "refused" }, orderBy: [{ recordedAt: "desc" }, { id: "asc" }], take: 20 });
  return {
    counts: ORDER_STATES.map((state) => ({ state, count: counts.find((c) => c.state === state)?._count._all ?? 0 })),
    drift,
    driftError,
    compensations: compensations.map((c) => ({
      id: c.id,
      orderId: c.orderId,
      ruleId: c.ruleId,
      action: c.action,
      signal: c.signal,
      status: c.status,
      reason: c.reason,
      error: c.error,
      plannedAt: c.plannedAt.toISOString(),
      runKey: randomUUID(),
    })),
    rules: COMPENSATIONS.map((rule) => ({ id: rule.id, trigger: rule.trigger, states: rule.states, action: rule.action, description: rule.description })),
    refusals: refusals.map((r) => ({ orderId: r.orderId, source: r.source, message: r.message, recordedAt: r.recordedAt.toISOString() })),
    table: ORDER_TRANSITIONS.map((row) => ({ from: row.from, to: row.to, event: row.event, guards: [...row.guards] })),
  };
}

export async function loadOrderDetail(db: ShopDb, orderId: string) {
  const state = await db.orderState.findFirst({ where: { orderId } });
  if (!state) return null;
  const order = await db.order.findFirst({ where: { id: orderId }, select: { name: true, financialStatus: true, fulfillmentStatus: true, totalCents: true, currencyCode: true } });
  const returns = await db.returnCase.findMany({ where: { orderId }, select: { id: true, rmaNumber: true, status: true }, orderBy: { createdAt: "asc" } });
  return {
    orderId,
    orderName: state.orderName ?? order?.name ?? orderId,
    state: state.state,
    facts: state.facts,
    mirror: order,
    capturedAt: state.capturedAt?.toISOString() ?? null,
    fulfilledAt: state.fulfilledAt?.toISOString() ?? null,
    timeline: await orderTimeline(db, orderId),
    returns,
    reconcileKey: randomUUID(),
  };
}

export type FormRead<T> = { ok: true; value: T } | { ok: false; message: string };

export type OrdersAction =
  | { intent: "reconcile"; orderId: string; key: string }
  | { intent: "compensate"; compensationId: string; key: string }
  | { intent: "sweep"; deadlineHours: number };

export function readOrdersAction(form: FormData): FormRead<OrdersAction> {
  const text = (name: string): string | null => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
  };
  const intent = text("intent");
  if (intent === "reconcile") {
    const orderId = text("orderId");
    const key = text("idempotencyKey");
    if (!orderId || !key) return { ok: false, message: "reconcile needs orderId and idempotencyKey" };
    return { ok: true, value: { intent, orderId, key } };
  }
  if (intent === "compensate") {
    const compensationId = text("compensationId");
    const key = text("idempotencyKey");
    if (!compensationId || !key) return { ok: false, message: "compensate needs compensationId and idempotencyKey" };
    return { ok: true, value: { intent, compensationId, key } };
  }
  if (intent === "sweep") {
    const hours = Number(text("deadlineHours") ?? "72");
    if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 60) return { ok: false, message: `deadlineHours: ${text("deadlineHours")} is not a number of hours from 1 to 1440` };
    return { ok: true, value: { intent, deadlineHours: hours } };
  }
  return { ok: false, message: `intent "${intent}" is not an orders action` };
}
