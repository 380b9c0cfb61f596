/**
 * The counters behind per-customer and budget caps (app/domain/promotions/usage.ts):
 *
 * 1. recordPromotionUses (orders/* webhooks, after the mirror applied the payload): which of our
 *    promotions the order used and each one's share of the order's discount, from
 *    discount_applications (the application's title is our candidate's message) and the
 *    discount_allocations of its line items and shipping lines, in shop money. The order's rows
 *    in PromotionUse are replaced, so an order processed twice (a duplicate delivery, an
 *    orders/updated after orders/create) is counted once; a cancelled order counts nothing.
 *    Its customer (and a previous one) and the budgets are marked for publishing.
 * 2. publishPromotionCounters (the promotions job, every 10 s for shops with something marked):
 *    each marked customer's uses of every per-customer-capped promotion to the customer metafield
 *    $app:peakguard.promotion_uses, and, when budgets are marked, each promotion set's spent
 *    budgets to its discount's $app:peakguard.promotion_budget; 25 metafields per metafieldsSet
 *    (the Admin client paces them by the throttle status).
 *
 * Counts are by promotion id across the shop's sets. Orders synced without their discount
 * applications (the GraphQL reconcile) count no use: only orders seen through orders/* webhooks
 * are counted.
 */
import { Prisma, type PrismaClient } from "@prisma/client";

import type { MetafieldsSetInput } from "../../../graphql/generated/admin.types";
import { MetafieldsSet } from "../../../graphql/operations";
import { currencyExponent, parseMoney } from "../../domain/money";
import { BUDGET_KEY, CUSTOMER_USES_KEY, PROMOTIONS_NAMESPACE } from "../../domain/promotions/compile";
import type { PromotionSet } from "../../domain/promotions/types";
import { budgeted, counterValue, perCustomerCapped, promotionShares, type OrderDiscountAllocation, type OrderDiscountApplication } from "../../domain/promotions/usage";
import type { AdminClient } from "../admin/client.server";
import { forShop, type ShopDb } from "../db/scoped.server";
import { asArray, asObject, gidOf, optionalDate, optionalObject, optionalString } from "../webhooks/payload";

export const METAFIELDS_PER_CALL = 25;
export const BUDGETS_OWNER = "*";

export interface RecordedUses {
  orderId: string;
  customerId: string | null;
  cancelled: boolean;
  shares: { promotionId: string; amountCents: number }[];
}

/** What an orders/* payload (REST shape) says about our promotions. Throws on a payload that is not an order. */
export function promotionUsesFromWebhook(payload: unknown): RecordedUses & { currencyCode: string; createdAt: Date | null } {
  const order = asObject(payload, "order");
  const currency = optionalString(order.currency) ?? "USD";
  const presentment = optionalString(order.presentment_currency) ?? currency;
  const customer = optionalObject(order.customer);
  const applications: OrderDiscountApplication[] = asArray(order.discount_applications).map((raw, index) => {
    const app = asObject(raw, "order.discount_applications[]");
    return { index, type: optionalString(app.type), title: optionalString(app.title), description: optionalString(app.description) };
  });
  const allocations: OrderDiscountAllocation[] = [];
  const collect = (holders: unknown, where: string): void => {
    for (const raw of asArray(holders)) {
      const holder = asObject(raw, where);
      for (const rawAllocation of asArray(holder.discount_allocations)) {
        const allocation = asObject(rawAllocation, `${where}.discount_allocations[]`);
        const index = allocation.discount_application_index;
        if (typeof index !== "number") continue;
        const shopMoney = optionalObject(optionalObject(allocation.amount_set)?.shop_money);
        const parsed = parseMoney(optionalString(shopMoney?.amount) ?? optionalString(allocation.amount), currency);
        if (!parsed.ok) throw new Error(`order ${String(order.id)}: ${where} discount allocation amount ${JSON.stringify(allocation.amount)} is not money`);
        allocations.push({ applicationIndex: index, amountCents: parsed.minor });
      }
    }
  };
  collect(order.line_items, "order.line_items[]");
  collect(order.shipping_lines, "order.shipping_lines[]");
  const cancelled = optionalString(order.cancelled_at) !== null;
  return {
    orderId: gidOf(order, "Order", "order"),
    customerId: customer ? gidOf(customer, "Customer", "order.customer") : null,
    cancelled,
    currencyCode: currency,
    createdAt: optionalDate(order.created_at),
    shares: cancelled ? [] : promotionShares(applications, allocations, currencyExponent(presentment)),
  };
}

/**
 * Replaces the order's promotion uses with what this payload says and marks the counters to
 * publish. Idempotent: the same payload twice leaves the same rows.
 */
export async function recordPromotionUses(db: ShopDb, shop: string, payload: unknown): Promise<string> {
  // One statement (promotionUsesCtes): atomic without a transaction of its own.
  const read = promotionUsesFromWebhook(payload);
  const rows = await db.$queryRaw<{ same: boolean }[]>(Prisma.sql`WITH ${promotionUsesCtes(shop, read)} SELECT "same" FROM promotion_uses_same`);
  return promotionUsesOutcome(read, rows[0]?.same === true);
}

/** What recordPromotionUses answers. */
export function promotionUsesOutcome(read: RecordedUses, same: boolean): string {
  const names = read.shares.map((s) => s.promotionId).join(", ");
  return same ? `promotion uses unchanged (${read.shares.length})` : read.shares.length > 0 ? `promotion uses: ${names}` : "no promotion uses";
}

/**
 * The replacement of an order's promotion uses as CTEs of one statement (the orders/* handler
 * runs them with its other writes once the mirror took the payload). The stored uses are the payload's already (same promotions, amounts and customer): nothing is
 * written. Otherwise uses no longer named are deleted and the others inserted or overwritten,
 * and the budgets are marked for publishing. Every ordering customer, the payload's and any
 * stored one, is marked either way: their order count is now ≥ 1, so the function stops
 * inferring "no uses" from numberOfOrders = 0 and needs the metafield.
 *
 * Defines: promotion_uses_before, promotion_uses_input, promotion_uses_same(same),
 * promotion_uses_gone, promotion_uses_written, promotion_counters_marked.
 */
export function promotionUsesCtes(shop: string, read: RecordedUses & { currencyCode: string; createdAt: Date | null }): Prisma.Sql {
  const shares = JSON.stringify(read.shares.map((s) => ({ promotionId: s.promotionId, amountCents: s.amountCents })));
  const now = new Date().toISOString();
  return Prisma.sql`
    promotion_uses_before AS (
      SELECT "promotionId", "customerId", "amountCents" FROM "PromotionUse" WHERE "shop" = ${shop} AND "orderId" = ${read.orderId}),
    promotion_uses_input AS (
      SELECT * FROM jsonb_to_recordset(${shares}::jsonb) AS s("promotionId" text, "amountCents" integer)),
    promotion_uses_same AS (
      SELECT (SELECT count(*) FROM promotion_uses_before) = (SELECT count(*) FROM promotion_uses_input)
             AND NOT EXISTS (
               SELECT 1 FROM promotion_uses_input n
                WHERE NOT EXISTS (SELECT 1 FROM promotion_uses_before b
                                   WHERE b."promotionId" = n."promotionId" AND b."amountCents" = n."amountCents"
                                     AND b."customerId" IS NOT DISTINCT FROM ${read.customerId}::text)) AS "same"),
    promotion_uses_gone AS (
      DELETE FROM "PromotionUse"
       WHERE "shop" = ${shop} AND "orderId" = ${read.orderId} AND NOT (SELECT "same" FROM promotion_uses_same)
         AND "promotionId" NOT IN (SELECT "promotionId" FROM promotion_uses_input)
      RETURNING 1),
    promotion_uses_written AS (
      INSERT INTO "PromotionUse" ("shop", "orderId", "promotionId", "customerId", "amountCents", "currencyCode", "orderCreatedAt", "recordedAt")
      SELECT ${shop}, ${read.orderId}, n."promotionId", ${read.customerId}::text, n."amountCents", ${read.currencyCode},
             ${read.createdAt ? read.createdAt.toISOString() : null}::timestamp(3), ${now}::timestamp(3)
        FROM promotion_uses_input n
       WHERE NOT (SELECT "same" FROM promotion_uses_same)
      ON CONFLICT ("shop", "orderId", "promotionId") DO UPDATE SET
        "customerId" = EXCLUDED."customerId", "amountCents" = EXCLUDED."amountCents", "currencyCode" = EXCLUDED."currencyCode",
        "orderCreatedAt" = EXCLUDED."orderCreatedAt", "recordedAt" = EXCLUDED."recordedAt"
      RETURNING 1),
    promotion_counters_marked AS (
      INSERT INTO "PromotionCounterDirty" ("shop", "ownerKind", "ownerId", "markedAt")
      SELECT ${shop}, m."ownerKind", m."ownerId", ${now}::timestamp(3)
        FROM (SELECT 'customer' AS "ownerKind", ${read.customerId}::text AS "ownerId" WHERE ${read.customerId}::text IS NOT NULL
              UNION SELECT 'customer', "customerId" FROM promotion_uses_before WHERE "customerId" IS NOT NULL
              UNION SELECT 'budget', ${BUDGETS_OWNER} WHERE NOT (SELECT "same" FROM promotion_uses_same)) AS m
      ON CONFLICT ("shop", "ownerKind", "ownerId") DO UPDATE SET "markedAt" = EXCLUDED."markedAt"
      RETURNING 1)`;
}

async function markDirty(db: ShopDb, shop: string, ownerKind: string, ownerId: string): Promise<void> {
  const now = new Date();
  await db.promotionCounterDirty.upsert({
    where: { shop_ownerKind_ownerId: { shop, ownerKind, ownerId } },
    create: { shop, ownerKind, ownerId, markedAt: now },
    update: { markedAt: now },
  });
}

/**
 * Every counter to be published again: the budgets and every customer we have an order or a
 * use for. Called when a promotion set is saved (a cap may be new) and for a first publication.
 */
export async function markAllPromotionCounters(prisma: PrismaClient, shop: string): Promise<number> {
  const db = forShop(prisma, shop);
  const fromOrders = await db.order.findMany({ where: { customerId: { not: null }, redactedAt: null }, select: { customerId: true }, distinct: ["customerId"] });
  const fromUses = await db.promotionUse.findMany({ where: { customerId: { not: null } }, select: { customerId: true }, distinct: ["customerId"] });
  const customers = new Set<string>();
  for (const row of [...fromOrders, ...fromUses]) if (row.customerId) customers.add(row.customerId);
  await markDirty(db, shop, "budget", BUDGETS_OWNER);
  for (const id of customers) await markDirty(db, shop, "customer", id);
  return customers.size;
}

/** Uses per promotion for each customer, and the amount given per promotion (shop currency). */
export async function countPromotionUses(prisma: PrismaClient, shop: string, customerIds: readonly string[]): Promise<{ uses: Map<string, Map<string, number>>; spent: Map<string, number> }> {
  const db = forShop(prisma, shop);
  const uses = new Map<string, Map<string, number>>();
  if (customerIds.length > 0) {
    const rows = await db.promotionUse.findMany({ where: { customerId: { in: [...customerIds] } }, select: { customerId: true, promotionId: true } });
    for (const row of rows) {
      const own = uses.get(row.customerId!) ?? new Map<string, number>();
      own.set(row.promotionId, (own.get(row.promotionId) ?? 0) + 1);
      uses.set(row.customerId!, own);
    }
  }
  const spent = new Map<string, number>();
  const sums = await db.promotionUse.groupBy({ by: ["promotionId"], _sum: { amountCents: true } });
  for (const row of sums) spent.set(row.promotionId, row._sum.amountCents ?? 0);
  return { uses, spent };
}

export interface PromotionSetOwner {
  /** The automatic app discount (the budget metafield's owner). */
  discountId: string;
  set: PromotionSet;
}

export interface PublishedPromotionCounters {
  customers: number;
  budgets: number;
  calls: number;
}

type MetafieldInput = MetafieldsSetInput;

/**
 * Publishes what is marked. `sets` are the shop's promotion sets with their discounts
 * (listPromotionSets in promotions.server.ts). A marker set again while publishing stays.
 */
export async function publishPromotionCounters(prisma: PrismaClient, admin: AdminClient, shop: string, sets: readonly PromotionSetOwner[]): Promise<PublishedPromotionCounters> {
  const db = forShop(prisma, shop);
  const marked = await db.promotionCounterDirty.findMany({ orderBy: [{ ownerKind: "asc" }, { ownerId: "asc" }] });
  if (marked.length === 0) return { customers: 0, budgets: 0, calls: 0 };
  const customerIds = marked.filter((m) => m.ownerKind === "customer").map((m) => m.ownerId);
  const budgetsMarked = marked.some((m) => m.ownerKind === "budget");
  const capped = [...new Set(sets.flatMap((s) => perCustomerCapped(s.set)))];
  const { uses, spent } = await countPromotionUses(prisma, shop, capped.length > 0 ? customerIds : []);

  const inputs: MetafieldInput[] = [];
  if (capped.length > 0) {
    for (const ownerId of customerIds) {
      inputs.push({ ownerId, namespace: PROMOTIONS_NAMESPACE, key: CUSTOMER_USES_KEY, type: "json", value: counterValue(capped, uses.get(ownerId) ?? new Map()) });
    }
  }
  let budgets = 0;
  if (budgetsMarked) {
    for (const { discountId, set } of sets) {
      const ids = budgeted(set);
      if (ids.length === 0) continue;
      inputs.push({ ownerId: discountId, namespace: PROMOTIONS_NAMESPACE, key: BUDGET_KEY, type: "json", value: counterValue(ids, spent) });
      budgets++;
    }
  }
  let calls = 0;
  for (let i = 0; i < inputs.length; i += METAFIELDS_PER_CALL) {
    await admin.mutate(MetafieldsSet, { metafields: inputs.slice(i, i + METAFIELDS_PER_CALL) }, "metafieldsSet");
    calls++;
  }
  for (const m of marked) {
    await db.promotionCounterDirty.deleteMany({ where: { ownerKind: m.ownerKind, ownerId: m.ownerId, markedAt: { lte: m.markedAt } } });
  }
  return { customers: capped.length > 0 ? customerIds.length : 0, budgets, calls };
}
