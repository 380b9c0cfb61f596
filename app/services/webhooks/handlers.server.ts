/**
 * What processing does with each topic, after the event is stored and
 * acknowledged: the app-wide topics here, each area's topics in its own
 * module (orders/, inventory/). The type makes a topic without a handler a
 * compile error. Contract: ./handler-types.ts.
 */
import type { PrismaClient } from "@prisma/client";
import { forShop, type ShopDb } from "../db/scoped.server";
import { exportCustomerData, purgeShop, recordUninstall, redactCustomer } from "../compliance.server";
import { inventoryHandlers } from "../inventory/webhook-handlers.server";
import { markProductDeleted, productFromWebhook, writeProduct } from "../mirror/catalog.server";
import { deleteCustomer, writeCustomerFromWebhook } from "../mirror/orders.server";
import { orderHandlers } from "../orders/webhook-handlers.server";
import type { Handler, HandlerContext } from "./handler-types";
import { asObject, optionalString } from "./payload";
import type { WebhookTopic } from "./topics";

export type { Handler, HandlerContext } from "./handler-types";

const mirrorProductFromWebhook: Handler = async ({ db, shop, payload }) =>
  writeProduct(db, shop, productFromWebhook(payload, await shopCurrency(db)), "webhook");

async function shopCurrency(db: ShopDb): Promise<string | null> {
  return (await db.shop.findFirst({ select: { currencyCode: true } }))?.currencyCode ?? null;
}

export const HANDLERS: Record<WebhookTopic, Handler> = {
  ...orderHandlers,
  ...inventoryHandlers,
  "app/uninstalled": ({ prisma, shop, now }) => recordUninstall(prisma, shop, now),
  "app/scopes_update": async ({ db, payload }) => {
    const current = asObject(payload, "app/scopes_update").current;
    const scope = Array.isArray(current) ? current.join(",") : optionalString(current);
    const { count } = await db.session.updateMany({ data: { scope } });
    await db.shop.updateMany({ data: { scopes: scope } });
    return `scopes: ${scope ?? "(none)"} on ${count} session(s)`;
  },

  "products/create": mirrorProductFromWebhook,
  "products/update": mirrorProductFromWebhook,
  "products/delete": ({ db, payload, occurredAt }) => markProductDeleted(db, payload, occurredAt),
  "customers/create": ({ db, shop, payload }) => writeCustomerFromWebhook(db, shop, payload),
  "customers/update": ({ db, shop, payload }) => writeCustomerFromWebhook(db, shop, payload),
  "customers/delete": ({ db, payload }) => deleteCustomer(db, payload),

  "customers/data_request": ({ db, shop, payload }) => exportCustomerData(db, shop, payload),
  "customers/redact": ({ db, payload, now }) => redactCustomer(db, payload, now),
  "shop/redact": async ({ prisma, shop }) => {
    const counts = await purgeShop(prisma, shop);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return `purged: ${total} row(s) of ${shop}`;
  },
};

export function contextFor(
  prisma: PrismaClient,
  shop: string,
  topic: WebhookTopic,
  payload: unknown,
  occurredAt: Date,
  now: Date,
  eventKey?: string,
): HandlerContext {
  return { prisma, db: scopedClient(prisma, shop), shop, topic, payload, occurredAt, now, eventKey };
}

/** One shop-scoped client per shop and client, reused across events (it holds no state). */
const scoped = new WeakMap<PrismaClient, Map<string, ShopDb>>();
function scopedClient(prisma: PrismaClient, shop: string): ShopDb {
  let byShop = scoped.get(prisma);
  if (!byShop) scoped.set(prisma, (byShop = new Map()));
  let db = byShop.get(shop);
  if (!db) byShop.set(shop, (db = forShop(prisma, shop)));
  return db;
}
