/** orders/* and customers/* webhooks → the Order, OrderLine and Customer mirror (issue 7 adds the state machine). */
import type { ShopDb } from "../db/scoped.server";
import { parseMoney } from "../../domain/money";
import { applyIfNewer, mirrorDelegate, type ApplyOutcome } from "./apply-if-newer.server";
import type { Prisma } from "@prisma/client";
import type { MirrorSource } from "./catalog.server";
import {
  asArray,
  asObject,
  gidOf,
  optionalDate,
  optionalGid,
  optionalObject,
  optionalString,
  requiredDate,
  tagList,
} from "../webhooks/payload";

export async function mirrorOrder(db: ShopDb, shop: string, payload: unknown, source: MirrorSource): Promise<ApplyOutcome> {
  const order = asObject(payload, "order");
  const id = gidOf(order, "Order", "order");
  const updatedAt = requiredDate(order, "updated_at", "order");
  const currency = optionalString(order.currency) ?? "USD";
  const customer = optionalObject(order.customer);
  const total = parseMoney(optionalString(order.current_total_price) ?? optionalString(order.total_price), currency);
  return db.$transaction(async (tx) => {
    const outcome = await applyIfNewer(mirrorDelegate(tx.order), { shop, id }, updatedAt, {
      name: optionalString(order.name),
      customerId: customer ? gidOf(customer, "Customer", "order.customer") : null,
      email: optionalString(order.email) ?? optionalString(order.contact_email),
      phone: optionalString(order.phone),
      financialStatus: optionalString(order.financial_status),
      fulfillmentStatus: optionalString(order.fulfillment_status),
      cancelledAt: optionalDate(order.cancelled_at),
      currencyCode: currency,
      totalCents: total.ok ? total.minor : null,
      shopifyCreatedAt: optionalDate(order.created_at),
      source,
    } satisfies Prisma.OrderUncheckedUpdateManyInput);
    if (outcome === "stale") return outcome;
    await tx.orderLine.deleteMany({ where: { orderId: id } });
    const lines = asArray(order.line_items).map((raw) => {
      const line = asObject(raw, "order.line_items[]");
      const price = parseMoney(optionalString(line.price), currency);
      return {
        shop,
        orderId: id,
        id: gidOf(line, "LineItem", "order.line_items[]"),
        sku: optionalString(line.sku),
        variantId: optionalGid(line.variant_id, "ProductVariant"),
        quantity: typeof line.quantity === "number" ? line.quantity : 0,
        priceCents: price.ok ? price.minor : null,
      };
    });
    if (lines.length > 0) await tx.orderLine.createMany({ data: lines });
    if (customer && optionalDate(customer.updated_at)) await mirrorCustomerWith(tx, shop, customer, source);
    return outcome;
  });
}

type CustomerWriter = Pick<ShopDb, "customer">;

async function mirrorCustomerWith(db: CustomerWriter, shop: string, payload: unknown, source: MirrorSource): Promise<ApplyOutcome> {
  const customer = asObject(payload, "customer");
  const key = { shop, id: gidOf(customer, "Customer", "customer") };
  return applyIfNewer(mirrorDelegate(db.customer), key, requiredDate(customer, "updated_at", "customer"), {
    email: optionalString(customer.email),
    phone: optionalString(customer.phone),
    tags: tagList(customer.tags),
    source,
  } satisfies Prisma.CustomerUncheckedUpdateManyInput);
}

export function mirrorCustomer(db: ShopDb, shop: string, payload: unknown, source: MirrorSource): Promise<ApplyOutcome> {
  return mirrorCustomerWith(db, shop, payload, source);
}

/** orders/delete and customers/delete carry only the id. */
export async function deleteOrder(db: ShopDb, payload: unknown): Promise<ApplyOutcome> {
  const id = gidOf(asObject(payload, "order"), "Order", "order");
  const { count } = await db.order.deleteMany({ where: { id } });
  return count > 0 ? "applied" : "stale";
}

export async function deleteCustomer(db: ShopDb, payload: unknown): Promise<ApplyOutcome> {
  const id = gidOf(asObject(payload, "customer"), "Customer", "customer");
  const { count } = await db.customer.deleteMany({ where: { id } });
  return count > 0 ? "applied" : "stale";
}
