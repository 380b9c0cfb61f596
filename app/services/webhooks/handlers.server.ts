/**
 * What processing does with each topic, after the event is stored and
 * acknowledged. A handler may run twice, late, or before its predecessor:
 * it is idempotent and guarded by updated_at (mirror/apply-if-newer).
 * It returns a short outcome recorded on the event; it throws to be retried.
 */
import type { PrismaClient } from "@prisma/client";
import { forShop, type ShopDb } from "../db/scoped.server";
import { exportCustomerData, purgeShop, recordUninstall, redactCustomer } from "../compliance.server";
import { markProductDeleted, productFromWebhook, writeProduct } from "../mirror/catalog.server";
import { deleteCustomer, deleteOrder, orderFromWebhook, writeCustomerFromWebhook, writeOrder } from "../mirror/orders.server";
import { asObject, optionalString } from "./payload";
import type { WebhookTopic } from "./topics";

export interface HandlerContext {
  prisma: PrismaClient;
  db: ShopDb;
  shop: string;
  topic: WebhookTopic;
  payload: unknown;
  /** X-Shopify-Triggered-At, else the time we received it. */
  occurredAt: Date;
  now: Date;
}

export type Handler = (ctx: HandlerContext) => Promise<string>;

const mirrorOrderFromWebhook: Handler = ({ db, shop, payload }) => writeOrder(db, shop, orderFromWebhook(payload), "webhook");

const mirrorProductFromWebhook: Handler = async ({ db, shop, payload }) =>
  writeProduct(db, shop, productFromWebhook(payload, await shopCurrency(db)), "webhook");

/**
 * Topics whose processing belongs to a later area (returns, inventory,
 * disputes…): the event is kept in the log, nothing is dropped, and the
 * outcome says so until that area's handler replaces this entry.
 */
const keptForLaterArea =
  (area: string): Handler =>
  async () =>
    `kept: ${area} processing is not built yet; the event stays in the log`;

async function shopCurrency(db: ShopDb): Promise<string | null> {
  return (await db.shop.findFirst({ select: { currencyCode: true } }))?.currencyCode ?? null;
}

export const HANDLERS: Record<WebhookTopic, Handler> = {
  "app/uninstalled": ({ prisma, shop, now }) => recordUninstall(prisma, shop, now),
  "app/scopes_update": async ({ db, payload }) => {
    const current = asObject(payload, "app/scopes_update").current;
    const scope = Array.isArray(current) ? current.join(",") : optionalString(current);
    const { count } = await db.session.updateMany({ data: { scope } });
    await db.shop.updateMany({ data: { scopes: scope } });
    return `scopes: ${scope ?? "(none)"} on ${count} session(s)`;
  },

  "orders/create": mirrorOrderFromWebhook,
  "orders/updated": mirrorOrderFromWebhook,
  "orders/paid": mirrorOrderFromWebhook,
  "orders/cancelled": mirrorOrderFromWebhook,
  "orders/fulfilled": mirrorOrderFromWebhook,
  "orders/partially_fulfilled": mirrorOrderFromWebhook,
  "orders/edited": keptForLaterArea("order edits (order state machine)"),
  "orders/delete": ({ db, payload }) => deleteOrder(db, payload),
  "refunds/create": keptForLaterArea("refunds (order state machine)"),
  "disputes/create": keptForLaterArea("disputes (order state machine)"),
  "disputes/update": keptForLaterArea("disputes (order state machine)"),

  "returns/request": keptForLaterArea("returns (RMA)"),
  "returns/approve": keptForLaterArea("returns (RMA)"),
  "returns/decline": keptForLaterArea("returns (RMA)"),
  "returns/cancel": keptForLaterArea("returns (RMA)"),
  "returns/close": keptForLaterArea("returns (RMA)"),
  "returns/reopen": keptForLaterArea("returns (RMA)"),
  "returns/process": keptForLaterArea("returns (RMA)"),
  "returns/update": keptForLaterArea("returns (RMA)"),
  "reverse_fulfillment_orders/dispose": keptForLaterArea("returns (RMA)"),

  "products/create": mirrorProductFromWebhook,
  "products/update": mirrorProductFromWebhook,
  "products/delete": ({ db, payload, occurredAt }) => markProductDeleted(db, payload, occurredAt),
  "inventory_items/create": keptForLaterArea("inventory (ATP)"),
  "inventory_items/update": keptForLaterArea("inventory (ATP)"),
  "inventory_items/delete": keptForLaterArea("inventory (ATP)"),
  "inventory_levels/connect": keptForLaterArea("inventory (ATP)"),
  "inventory_levels/update": keptForLaterArea("inventory (ATP)"),
  "inventory_levels/disconnect": keptForLaterArea("inventory (ATP)"),
  "inventory_transfers/add_items": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/cancel": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/complete": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/ready_to_ship": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/remove_items": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/update_item_quantities": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/updated": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_shipments/add_items": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/create": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/delete": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/mark_in_transit": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/receive_items": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/remove_items": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/update_item_quantities": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/update_tracking": keptForLaterArea("inventory shipments (ATP)"),
  "locations/create": keptForLaterArea("locations (ATP, routing)"),
  "locations/update": keptForLaterArea("locations (ATP, routing)"),
  "locations/delete": keptForLaterArea("locations (ATP, routing)"),
  "locations/activate": keptForLaterArea("locations (ATP, routing)"),
  "locations/deactivate": keptForLaterArea("locations (ATP, routing)"),
  "customers/create": ({ db, shop, payload }) => writeCustomerFromWebhook(db, shop, payload),
  "customers/update": ({ db, shop, payload }) => writeCustomerFromWebhook(db, shop, payload),
  "customers/delete": ({ db, payload }) => deleteCustomer(db, payload),
  "bulk_operations/finish": keptForLaterArea("bulk reconcile (catalog sync)"),

  "customers/data_request": ({ db, shop, payload }) => exportCustomerData(db, shop, payload),
  "customers/redact": ({ db, payload, now }) => redactCustomer(db, payload, now),
  "shop/redact": async ({ prisma, shop }) => {
    const counts = await purgeShop(prisma, shop);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return `purged: ${total} row(s) of ${shop}`;
  },
};

export function contextFor(prisma: PrismaClient, shop: string, topic: WebhookTopic, payload: unknown, occurredAt: Date, now: Date): HandlerContext {
  return { prisma, db: forShop(prisma, shop), shop, topic, payload, occurredAt, now };
}
