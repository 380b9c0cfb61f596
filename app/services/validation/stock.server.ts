/**
 * The checkout validation's ATP copy: the figures of the SKUs its ATP rules govern, in one
 * json metafield on the validation (CHECKOUT_ATP_METAFIELD, app/domain/inventory/
 * atp-metafield.ts; which SKUs: app/domain/validation/stock.ts). The function reads it once
 * per checkout instead of a per-variant metafield on every cart line.
 *
 * Same figures as the per-variant metafield: computed with the inventory publisher's own
 * inputs (loadPublishVariants → planPublication → the variant's value), so total and asOf
 * agree; asOf is the oldest confirmation of the variant's online levels.
 *
 * When it is written (staleness):
 *   - by the inventory publisher, in the same pass, whenever it wrote a changed figure
 *     (publishAtp: every PUBLISH_INTERVAL_MS, 10 s);
 *   - by the checkout clock heartbeat (every minute): a re-confirmed figure moves asOf
 *     forward even when nothing changed (the per-variant metafield waits an hour for that);
 *   - after the rules are saved (a new ATP rule, other SKUs).
 * A write happens only when the value differs from the stored one (compared as text), and
 * names the stored compareDigest so an older writer never overwrites a newer copy.
 *
 * Rate limit: one metafieldsSet (10 cost points) per change pass for the whole copy,
 * whatever the number of SKUs, next to the per-variant publisher's one call per 25 variants.
 */
import type { PrismaClient } from "@prisma/client";

import { MetafieldsSet, Validations } from "../../../graphql/operations";
import { CHECKOUT_ATP_METAFIELD, readAtp } from "../../domain/inventory/atp-metafield";
import { planPublication } from "../../domain/inventory/publish";
import { atpGovernance, checkoutStock, readStoredCopy, type CheckoutStock } from "../../domain/validation/stock";
import type { RuleSet } from "../../domain/validation/types";
import { AdminUserErrorsError, type AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import { loadPublishVariants } from "../inventory/publish.server";
import { FUNCTION_HANDLE, loadCheckoutRules, MAX_VALIDATIONS, type CheckoutRules } from "./rules.server";

export type StockPublication =
  | { written: true; skus: number; bytes: number; over: boolean }
  | { written: false; reason: "no_validation" | "rules_unreadable" | "no_atp_rules" | "unchanged" | "superseded"; skus?: number; over?: boolean };

/**
 * Writes the copy when it changed. `rules`: what the caller already read from Shopify
 * (loadCheckoutRules), read here when absent.
 */
export async function publishCheckoutStock(
  prisma: PrismaClient,
  shop: string,
  admin: AdminClient,
  options: { rules?: CheckoutRules; zone?: string; currencyCode?: string } = {},
): Promise<StockPublication> {
  const db = forShop(prisma, shop);
  let rules = options.rules;
  if (!rules) {
    const row = options.zone && options.currencyCode ? null : await db.shop.findFirst({ select: { ianaTimezone: true, currencyCode: true } });
    rules = await loadCheckoutRules(admin, { zone: options.zone ?? row?.ianaTimezone ?? "UTC", currencyCode: options.currencyCode ?? row?.currencyCode ?? "USD" });
  }
  if (!rules.validation) return { written: false, reason: "no_validation" };
  if (rules.problems.length > 0) return { written: false, reason: "rules_unreadable" };
  if (atpGovernance(rules.set).none) return { written: false, reason: "no_atp_rules" };

  const stock = await computeCheckoutStock(prisma, shop, rules.set);
  if (rules.stock?.value === stock.value) return { written: false, reason: "unchanged", skus: stock.skus, over: stock.over };
  try {
    await admin.mutate(
      MetafieldsSet,
      { metafields: [{ ownerId: rules.validation.id, ...CHECKOUT_ATP_METAFIELD, value: stock.value, compareDigest: rules.stock?.compareDigest ?? null }] },
      "metafieldsSet",
    );
  } catch (error) {
    if (error instanceof AdminUserErrorsError && error.userErrors.some((e) => e.code === "STALE_OBJECT")) return { written: false, reason: "superseded" };
    throw error;
  }
  return { written: true, skus: stock.skus, bytes: stock.bytes, over: stock.over };
}

/**
 * The copy for a rule set with the current figures, not written: what publishCheckoutStock
 * would write, what a save is checked against (overProblems) and what the page shows.
 */
export async function computeCheckoutStock(prisma: PrismaClient, shop: string, set: RuleSet): Promise<CheckoutStock> {
  const db = forShop(prisma, shop);
  const governance = atpGovernance(set);
  if (governance.none) return checkoutStock(set, []);
  const exact = governance.patterns.filter((p) => !p.endsWith("*"));
  const prefixes = governance.patterns.filter((p) => p.endsWith("*")).map((p) => p.slice(0, -1));
  const items = await db.inventoryItem.findMany({
    where: governance.all
      ? { deletedAt: null, sku: { not: null }, variantId: { not: null } }
      : { deletedAt: null, variantId: { not: null }, OR: [{ sku: { in: exact } }, ...prefixes.map((p) => ({ sku: { startsWith: p } }))] },
    select: { id: true, variantId: true, sku: true },
  });
  const skuOf = new Map(items.map((i) => [i.variantId!, i.sku]));
  const variants = items.length === 0 ? [] : [...(await loadPublishVariants(db, items.map((i) => i.id))).variants.values()];
  // The variant's own value (byLocation kept: the copy picks the locations rules name).
  const plan = planPublication(variants, new Map(), { refreshAfterMs: 0, byLocation: true });
  return checkoutStock(
    set,
    plan.writes.map((w) => ({ sku: skuOf.get(w.variantId) ?? null, figure: readAtp(w.value) })),
  );
}

/**
 * The copy as stored on our validation (what checkout reads): SKUs carried, bytes, `over`;
 * null without a validation or a copy. For the Peak page's function headroom.
 */
export async function storedCheckoutStock(admin: AdminClient): Promise<{ skus: number; bytes: number; over: boolean } | null> {
  const data = await admin.request(Validations, { first: MAX_VALIDATIONS });
  const ours = data.validations.nodes.find((n) => n.shopifyFunction.handle === FUNCTION_HANDLE);
  return readStoredCopy(ours?.stock?.value);
}
