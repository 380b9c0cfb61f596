/**
 * Reconciliation: read the shop's truth from the Admin API and bring the
 * mirror up to date (Shopify: "run reconciliation jobs" — webhooks can be
 * missed, late or out of order). Writes go through the same guarded writers
 * as the webhooks, with source "reconcile", so a reconcile never overwrites a
 * newer webhook and vice versa. Used for the initial sync after install and
 * the demo; issue 6 adds the streamed bulk-operation path for large catalogs.
 */
import type { PrismaClient } from "@prisma/client";
import { OrdersPage, ProductsPage, ShopInfo } from "../../../graphql/operations";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import { productFromGraphQL, writeProduct } from "../mirror/catalog.server";
import { orderFromGraphQL, writeOrder } from "../mirror/orders.server";

export interface ReconcileReport {
  products: number;
  variants: number;
  orders: number;
  applied: number;
  stale: number;
  /** Orders whose lines did not fit in one page (more than 50): their lines are incomplete. */
  truncatedOrders: string[];
}

export interface ReconcileOptions {
  /** Only orders updated after this instant (Shopify search syntax on updated_at). */
  ordersUpdatedSince?: Date;
  productsPageSize?: number;
  ordersPageSize?: number;
  onProgress?: (stage: "shop" | "products" | "orders", done: number) => void;
}

export async function reconcileShop(
  prisma: PrismaClient,
  shop: string,
  client: AdminClient,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const db = forShop(prisma, shop);
  const report: ReconcileReport = { products: 0, variants: 0, orders: 0, applied: 0, stale: 0, truncatedOrders: [] };

  const { shop: info } = await client.request(ShopInfo);
  await db.shop.upsert({
    where: { shop },
    create: { shop, ianaTimezone: info.ianaTimezone, currencyCode: info.currencyCode },
    update: { ianaTimezone: info.ianaTimezone, currencyCode: info.currencyCode },
  });
  options.onProgress?.("shop", 1);

  const products = client.paginate(ProductsPage, { first: options.productsPageSize ?? 4 }, (data) => data.products);
  for await (const node of products) {
    const outcome = await writeProduct(db, shop, productFromGraphQL(node, info.currencyCode), "reconcile");
    report.products += 1;
    report.variants += node.variants.nodes.length;
    report[outcome] += 1;
    if (report.products % 50 === 0) options.onProgress?.("products", report.products);
  }
  options.onProgress?.("products", report.products);

  const query = options.ordersUpdatedSince ? `updated_at:>'${options.ordersUpdatedSince.toISOString()}'` : undefined;
  const orders = client.paginate(OrdersPage, { first: options.ordersPageSize ?? 8, query }, (data) => data.orders);
  for await (const node of orders) {
    const outcome = await writeOrder(db, shop, orderFromGraphQL(node), "reconcile");
    if (node.lineItems.pageInfo.hasNextPage) report.truncatedOrders.push(node.id);
    report.orders += 1;
    report[outcome] += 1;
    if (report.orders % 100 === 0) options.onProgress?.("orders", report.orders);
  }
  options.onProgress?.("orders", report.orders);
  return report;
}
