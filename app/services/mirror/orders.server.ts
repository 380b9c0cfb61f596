/**
 * The Order, OrderLine and Customer mirror. One writer (`writeOrder`) for
 * orders/* webhooks (REST payloads) and the reconcile sync (GraphQL nodes).
 * Issue 7 adds the order state machine on top.
 */
import { Prisma } from "@prisma/client";
import type { ShopDb } from "../db/scoped.server";
import { parseMoney } from "../../domain/money";
import type { ApplyOutcome } from "./apply-if-newer.server";
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
  type Json,
} from "../webhooks/payload";

export interface OrderLineRecord {
  id: string;
  sku: string | null;
  variantId: string | null;
  quantity: number;
  priceCents: number | null;
}

export interface CustomerRecord {
  id: string;
  email: string | null;
  phone: string | null;
  tags: string[];
  updatedAt: Date;
}

export interface OrderRecord {
  id: string;
  name: string | null;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  cancelledAt: Date | null;
  currencyCode: string;
  totalCents: number | null;
  createdAt: Date | null;
  updatedAt: Date;
  lines: OrderLineRecord[];
  /** Present when the payload carried the customer with its own updated_at. */
  customer: CustomerRecord | null;
}

function cents(value: unknown, currency: string): number | null {
  const parsed = parseMoney(optionalString(value), currency);
  return parsed.ok ? parsed.minor : null;
}

function customerFromJson(customer: Json): CustomerRecord {
  return {
    id: gidOf(customer, "Customer", "customer"),
    email: optionalString(customer.email),
    phone: optionalString(customer.phone),
    tags: tagList(customer.tags),
    updatedAt: requiredDate(customer, "updated_at", "customer"),
  };
}

/** orders/* payload (REST shape). */
export function orderFromWebhook(payload: unknown): OrderRecord {
  const order = asObject(payload, "order");
  const currency = optionalString(order.currency) ?? "USD";
  const customer = optionalObject(order.customer);
  return {
    id: gidOf(order, "Order", "order"),
    name: optionalString(order.name),
    customerId: customer ? gidOf(customer, "Customer", "order.customer") : null,
    email: optionalString(order.email) ?? optionalString(order.contact_email),
    phone: optionalString(order.phone),
    financialStatus: optionalString(order.financial_status),
    fulfillmentStatus: optionalString(order.fulfillment_status),
    cancelledAt: optionalDate(order.cancelled_at),
    currencyCode: currency,
    totalCents: cents(optionalString(order.current_total_price) ?? order.total_price, currency),
    createdAt: optionalDate(order.created_at),
    updatedAt: requiredDate(order, "updated_at", "order"),
    lines: asArray(order.line_items).map((raw) => {
      const line = asObject(raw, "order.line_items[]");
      return {
        id: gidOf(line, "LineItem", "order.line_items[]"),
        sku: optionalString(line.sku),
        variantId: optionalGid(line.variant_id, "ProductVariant"),
        quantity: typeof line.quantity === "number" ? line.quantity : 0,
        priceCents: cents(line.price, currency),
      };
    }),
    customer: customer && optionalDate(customer.updated_at) ? customerFromJson(customer) : null,
  };
}

type Money = { shopMoney: { amount: string; currencyCode: string } };

/** An OrdersPage node (Admin GraphQL). Statuses are enums there (PAID); stored lowercase like the webhooks' (paid). */
export interface OrderNode {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string | null;
  displayFinancialStatus?: string | null;
  displayFulfillmentStatus: string;
  customer?: { id: string } | null;
  totalPriceSet: Money;
  lineItems: { nodes: { id: string; sku?: string | null; quantity: number; variant?: { id: string } | null }[] };
}

export function orderFromGraphQL(node: OrderNode): OrderRecord {
  const updatedAt = optionalDate(node.updatedAt);
  if (!updatedAt) throw new Error(`Order ${node.id}: updatedAt ${JSON.stringify(node.updatedAt)} is not a date`);
  const currency = node.totalPriceSet.shopMoney.currencyCode;
  return {
    id: node.id,
    name: node.name,
    customerId: node.customer?.id ?? null,
    email: null,
    phone: null,
    financialStatus: node.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillmentStatus: node.displayFulfillmentStatus.toLowerCase(),
    cancelledAt: optionalDate(node.cancelledAt),
    currencyCode: currency,
    totalCents: cents(node.totalPriceSet.shopMoney.amount, currency),
    createdAt: optionalDate(node.createdAt),
    updatedAt,
    lines: node.lineItems.nodes.map((line) => ({
      id: line.id,
      sku: line.sku ?? null,
      variantId: line.variant?.id ?? null,
      quantity: line.quantity,
      priceCents: null,
    })),
    customer: null,
  };
}

/**
 * Writes the order and makes its lines the record's, unless a newer version is already stored
 * (the reconcile; the orders/* handler runs the same statements with its own): orderUpsertCte,
 * then, applied, orderDetailsCtes, in one transaction.
 */
export async function writeOrder(db: ShopDb, shop: string, record: OrderRecord, source: MirrorSource): Promise<ApplyOutcome> {
  return db.$transaction(async (raw) => {
    const tx = raw as unknown as ShopDb;
    const written = await tx.$queryRaw<{ applied: boolean }[]>(Prisma.sql`WITH ${orderUpsertCte(shop, record, source)} SELECT "applied" FROM order_written`);
    if (written.length === 0) return "stale";
    await tx.$queryRaw(Prisma.sql`WITH ${orderDetailsCtes(shop, record, source)} SELECT 1 AS "done"`);
    return "applied";
  });
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * The order's mirror write in two statements (the orders/* handler adds its own parts to each,
 * so its whole event is two round trips). The apply-if-newer rule
 * (mirror/apply-if-newer.server.ts) as one conditional statement, `orderUpsertCte`: the Order
 * row is inserted, or updated only when the stored shopifyUpdatedAt is older, or left alone
 * (stale: `order_written` is empty). A concurrent first delivery waits on the key instead of
 * failing. Then, only when applied and so with the Order row locked by this transaction,
 * `orderDetailsCtes`: the lines become the payload's and the payload's customer is written.
 */
export function orderUpsertCte(shop: string, record: OrderRecord, source: MirrorSource): Prisma.Sql {
  return Prisma.sql`
    order_written AS (
      INSERT INTO "Order" ("shop", "id", "name", "customerId", "email", "phone", "financialStatus", "fulfillmentStatus", "cancelledAt",
                           "currencyCode", "totalCents", "shopifyCreatedAt", "shopifyUpdatedAt", "source", "syncedAt")
      VALUES (${shop}, ${record.id}, ${record.name}, ${record.customerId}, ${record.email}, ${record.phone}, ${record.financialStatus},
              ${record.fulfillmentStatus}, ${iso(record.cancelledAt)}::timestamp(3), ${record.currencyCode}, ${record.totalCents}::integer,
              ${iso(record.createdAt)}::timestamp(3), ${iso(record.updatedAt)}::timestamp(3), ${source}, CURRENT_TIMESTAMP)
      ON CONFLICT ("shop", "id") DO UPDATE SET
        "name" = EXCLUDED."name", "customerId" = EXCLUDED."customerId", "email" = EXCLUDED."email", "phone" = EXCLUDED."phone",
        "financialStatus" = EXCLUDED."financialStatus", "fulfillmentStatus" = EXCLUDED."fulfillmentStatus", "cancelledAt" = EXCLUDED."cancelledAt",
        "currencyCode" = EXCLUDED."currencyCode", "totalCents" = EXCLUDED."totalCents", "shopifyCreatedAt" = EXCLUDED."shopifyCreatedAt",
        "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "source" = EXCLUDED."source", "syncedAt" = EXCLUDED."syncedAt"
       WHERE "Order"."shopifyUpdatedAt" < EXCLUDED."shopifyUpdatedAt"
      RETURNING true AS "applied")`;
}

/**
 * The applied order's lines and customer, as CTEs: lines no longer in the payload are deleted,
 * the others inserted or updated, and a line that did not change is not written. The payload's
 * customer (when it carries its own updated_at) by the apply-if-newer rule.
 */
export function orderDetailsCtes(shop: string, record: OrderRecord, source: MirrorSource): Prisma.Sql {
  const lines = JSON.stringify(record.lines.map((line) => ({ id: line.id, sku: line.sku, variantId: line.variantId, quantity: line.quantity, priceCents: line.priceCents })));
  const customer = record.customer;
  const parts = [
    Prisma.sql`
    order_line_input AS (
      SELECT * FROM jsonb_to_recordset(${lines}::jsonb) AS l("id" text, "sku" text, "variantId" text, "quantity" integer, "priceCents" integer)),
    order_lines_gone AS (
      DELETE FROM "OrderLine" WHERE "shop" = ${shop} AND "orderId" = ${record.id} AND "id" NOT IN (SELECT "id" FROM order_line_input)
      RETURNING 1),
    order_lines_written AS (
      INSERT INTO "OrderLine" ("shop", "orderId", "id", "sku", "variantId", "quantity", "priceCents")
      SELECT ${shop}, ${record.id}, l."id", l."sku", l."variantId", l."quantity", l."priceCents" FROM order_line_input l
      ON CONFLICT ("shop", "id") DO UPDATE SET
        "orderId" = EXCLUDED."orderId", "sku" = EXCLUDED."sku", "variantId" = EXCLUDED."variantId", "quantity" = EXCLUDED."quantity", "priceCents" = EXCLUDED."priceCents"
       WHERE ("OrderLine"."orderId", "OrderLine"."sku", "OrderLine"."variantId", "OrderLine"."quantity", "OrderLine"."priceCents")
             IS DISTINCT FROM (EXCLUDED."orderId", EXCLUDED."sku", EXCLUDED."variantId", EXCLUDED."quantity", EXCLUDED."priceCents")
      RETURNING 1)`,
  ];
  if (customer) parts.push(customerUpsertCte(shop, customer, source));
  return Prisma.join(parts, ", ");
}

/**
 * The customer's apply-if-newer write as a CTE, `customer_written` (one row when applied, none
 * when stale): inserted, or updated only when the stored shopifyUpdatedAt is older. Used with
 * an applied order's details and alone for customers/create|update.
 */
function customerUpsertCte(shop: string, customer: CustomerRecord, source: MirrorSource): Prisma.Sql {
  return Prisma.sql`
    customer_written AS (
      INSERT INTO "Customer" ("shop", "id", "email", "phone", "tags", "shopifyUpdatedAt", "source", "syncedAt")
      VALUES (${shop}, ${customer.id}, ${customer.email}, ${customer.phone}, ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(customer.tags)}::jsonb)),
              ${iso(customer.updatedAt)}::timestamp(3), ${source}, ${new Date().toISOString()}::timestamp(3))
      ON CONFLICT ("shop", "id") DO UPDATE SET
        "email" = EXCLUDED."email", "phone" = EXCLUDED."phone", "tags" = EXCLUDED."tags", "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt",
        "source" = EXCLUDED."source", "syncedAt" = EXCLUDED."syncedAt"
       WHERE "Customer"."shopifyUpdatedAt" < EXCLUDED."shopifyUpdatedAt"
      RETURNING 1)`;
}

/** customers/create|update payload: the same apply-if-newer statement as an order's customer. */
export async function writeCustomerFromWebhook(db: ShopDb, shop: string, payload: unknown): Promise<ApplyOutcome> {
  const customer = customerFromJson(asObject(payload, "customer"));
  const written = await db.$queryRaw<unknown[]>(Prisma.sql`WITH ${customerUpsertCte(shop, customer, "webhook")} SELECT 1 AS "applied" FROM customer_written`);
  return written.length > 0 ? "applied" : "stale";
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
