/**
 * Per-customer limits: counts what each customer bought of each customerLimit rule's SKUs,
 * from the synced orders (Order / OrderLine mirror), merging buyers across customer id,
 * email and phone (app/domain/validation/customer-limits.ts), and publishes the counts to
 * each customer's "$app:peakguard.limits" metafield, which the checkout function reads.
 *
 * When to run it: after an order of a limited SKU is synced (the orders webhook), after
 * the rules change (windows and SKUs move), and daily (rolling windows age out). A
 * customer with nothing left in a window is written an empty count, so a stale number
 * never keeps blocking them.
 */
import type { PrismaClient } from "@prisma/client";

import { MetafieldsSet } from "../../../graphql/operations";
import { parseUtc } from "../../domain/inventory/atp-metafield";
import { countPurchases, LIMITS_METAFIELD, serializeCustomerCounts, type BuyerRecord } from "../../domain/validation/customer-limits";
import type { ReplayOrder } from "../../domain/validation/replay";
import type { CustomerLimitRule, RuleSet } from "../../domain/validation/types";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";

export const METAFIELDS_PER_CALL = 25;

export function limitRules(set: RuleSet): CustomerLimitRule[] {
  return set.rules.filter((r): r is CustomerLimitRule => r.kind === "customerLimit" && r.mode !== "off");
}

/** The earliest instant any rule's window reaches back to, at `now`. */
export function countingHorizon(rules: readonly CustomerLimitRule[], now: Date): Date | null {
  let earliest: number | null = null;
  for (const rule of rules) {
    const from = rule.window.kind === "days" ? Math.floor(now.getTime() / 1000) - rule.window.days * 86400 : parseUtc(rule.window.from);
    if (from !== null && (earliest === null || from < earliest)) earliest = from;
  }
  return earliest === null ? null : new Date(earliest * 1000);
}

/** Synced orders since `since` and every customer record, as the domain counts them. */
export async function loadBuyers(prisma: PrismaClient, shop: string, since: Date): Promise<{ orders: ReplayOrder[]; customers: BuyerRecord[] }> {
  const db = forShop(prisma, shop);
  const rows = await db.order.findMany({
    where: { redactedAt: null, shopifyCreatedAt: { gte: since } },
    include: { lines: { select: { sku: true, quantity: true, priceCents: true } } },
  });
  const customers = await db.customer.findMany({ where: { redactedAt: null }, select: { id: true, email: true, phone: true } });
  return {
    orders: rows.map((o) => ({
      id: o.id,
      customerId: o.customerId,
      email: o.email,
      phone: o.phone,
      createdAt: (o.shopifyCreatedAt ?? o.shopifyUpdatedAt).toISOString(),
      cancelled: o.cancelledAt !== null,
      currencyCode: o.currencyCode,
      lines: o.lines,
    })),
    customers: customers.map((c) => ({ customerId: c.id, email: c.email, phone: c.phone })),
  };
}

export interface PublishedCounts {
  /** Customers written (with a count, or an empty one to clear). */
  customers: number;
  calls: number;
}

export async function publishCustomerLimitCounts(prisma: PrismaClient, admin: AdminClient, shop: string, set: RuleSet, now = new Date()): Promise<PublishedCounts> {
  const rules = limitRules(set);
  const since = countingHorizon(rules, now);
  if (rules.length === 0 || since === null) return { customers: 0, calls: 0 };
  const { orders, customers } = await loadBuyers(prisma, shop, since);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const counts = countPurchases(rules, orders, nowSeconds, customers);
  // Everyone who counted before (ordered in the horizon) or counts now.
  const targets = new Set<string>(counts.byCustomer.keys());
  for (const o of orders) if (o.customerId) targets.add(o.customerId);
  const inputs = [...targets].sort().map((ownerId) => ({
    ownerId,
    ...LIMITS_METAFIELD,
    value: serializeCustomerCounts(counts.byCustomer.get(ownerId) ?? {}, nowSeconds),
  }));
  let calls = 0;
  for (let i = 0; i < inputs.length; i += METAFIELDS_PER_CALL) {
    await admin.mutate(MetafieldsSet, { metafields: inputs.slice(i, i + METAFIELDS_PER_CALL) }, "metafieldsSet");
    calls++;
  }
  return { customers: inputs.length, calls };
}
