/**
 * The drift view: the mirror's order states next to Shopify's own statuses,
 * read live (OrderStatuses), and a one-click reconcile that applies Shopify's
 * copy as an event keyed by the order and Shopify's updated_at — so
 * reconciling the same version twice is a replay, and a double click is caught
 * by the idempotency key before that.
 */
import type { ApplyResult } from "../../domain/orders/apply";
import { compareWithShopify, financialFromDisplay, fulfillmentFromDisplay, type DriftReport } from "../../domain/orders/drift";
import type { OrderFacts, OrderSnapshot } from "../../domain/orders/facts";
import type { OrderState } from "../../domain/orders/machine";
import type { AdminClient } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";
import { moneyMinor } from "../returns/shopify.server";
import { OrderStatuses } from "../../../graphql/operations";
import type { OrderStatusesQuery } from "../../../graphql/generated/admin.types";
import { recordOrderEvent } from "./state.server";
import { withIdempotency, type StaffActionResult } from "./staff-actions.server";

type LiveOrder = Extract<NonNullable<OrderStatusesQuery["nodes"][number]>, { __typename: "Order" }>;

export function snapshotFromLive(order: LiveOrder): OrderSnapshot {
  return {
    financial: financialFromDisplay(order.displayFinancialStatus),
    fulfillment: fulfillmentFromDisplay(order.displayFulfillmentStatus),
    cancelled: order.cancelledAt !== null && order.cancelledAt !== undefined,
    totalMinor: moneyMinor(order.totalPriceSet),
    lineQuantities: Object.fromEntries(order.lineItems.nodes.map((line) => [line.id, line.currentQuantity])),
    at: Date.parse(order.updatedAt),
  };
}

export async function readLiveOrders(admin: AdminClient, ids: string[]): Promise<Map<string, LiveOrder>> {
  const out = new Map<string, LiveOrder>();
  for (let i = 0; i < ids.length; i += 10) {
    const data = await admin.request(OrderStatuses, { ids: ids.slice(i, i + 10) });
    for (const node of data.nodes) if (node?.__typename === "Order") out.set(node.id, node);
  }
  return out;
}

export interface DriftRow extends DriftReport {
  orderName: string | null;
  returnStatus: string | null;
  /** Shopify no longer has the order. */
  missing: boolean;
}

/** The most recently changed orders of the mirror, compared with Shopify's statuses. */
export async function loadDrift(db: ShopDb, admin: AdminClient, limit = 20): Promise<DriftRow[]> {
  const rows = await db.orderState.findMany({ orderBy: [{ updatedAt: "desc" }, { orderId: "asc" }], take: limit });
  const live = await readLiveOrders(admin, rows.map((row) => row.orderId));
  return rows.map((row) => {
    const mirror = { state: row.state as OrderState, facts: row.facts as unknown as OrderFacts };
    const order = live.get(row.orderId);
    if (!order) {
      return { orderId: row.orderId, orderName: row.orderName, mirrorState: mirror.state, shopifyState: mirror.state, differences: ["Shopify has no such order"], drifted: true, returnStatus: null, missing: true };
    }
    return { ...compareWithShopify(row.orderId, mirror, snapshotFromLive(order)), orderName: row.orderName ?? order.name, returnStatus: order.returnStatus, missing: false };
  });
}

/** Reconcile one order with Shopify's copy, through the state machine (its table still decides). */
export function reconcileOrder(
  db: ShopDb,
  shop: string,
  admin: AdminClient,
  input: { orderId: string; idempotencyKey: string },
): Promise<StaffActionResult<{ outcome: string; state: string; message: string }>> {
  return withIdempotency(db, shop, { key: input.idempotencyKey, action: "reconcile", target: input.orderId, params: {} }, async () => {
    const live = (await readLiveOrders(admin, [input.orderId])).get(input.orderId);
    if (!live) return { ok: false, code: "not_found", message: `Shopify has no order ${input.orderId}` };
    const snapshot = snapshotFromLive(live);
    const result: ApplyResult = await recordOrderEvent(db, shop, {
      eventKey: `reconcile:${snapshot.at}`,
      source: "reconcile",
      event: {
        orderId: live.id,
        orderName: live.name,
        at: new Date(snapshot.at),
        change: { kind: "snapshot", snapshot },
        meta: { countryCode: null, orderedAt: new Date(live.createdAt) },
      },
    });
    return { ok: true, value: { outcome: result.outcome, state: result.to, message: result.replayed ? `already reconciled with this version: ${result.message}` : result.message } };
  });
}
