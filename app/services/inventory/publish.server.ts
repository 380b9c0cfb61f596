/**
 * The ATP publisher: writes the per-variant ATP metafield (format:
 * app/domain/inventory/atp-metafield.ts) for the variants whose ATP changed —
 * or whose unchanged figures were re-confirmed (domain/inventory/publish.ts) —
 * 25 per metafieldsSet, through the AdminClient (which paces calls by the
 * throttle status Shopify reports).
 *
 * Staleness budget: the inventory jobs run this every PUBLISH_INTERVAL_MS, so an
 * ATP change (webhook, hold, release, reconcile) reaches checkout within
 * PUBLISH_BUDGET_MS while the backlog fits one run (MAX_BATCHES_PER_RUN × 25
 * variants = 1,000 variants, 400 cost points). A bigger backlog (a full reconcile
 * of a large catalog) drains over several runs at the rate limit: each
 * metafieldsSet costs 10 points, so a Standard shop (100 points/s) publishes
 * about 250 variants a second; the Inventory page shows the backlog's age.
 *
 * Which variants: levels changed (changedAt) or confirmed (syncedAt) after the
 * last run's start, minus an overlap that catches transactions still committing
 * when the last run read; re-reading a variant is harmless (its hash decides).
 *
 * The checkout validation does not read these per-variant values (every cart line would
 * pay for them): when a pass wrote any, it refreshes the validation's own copy of the
 * figures its ATP rules govern (publishCheckoutStock, one metafieldsSet when it changed).
 */
import type { PrismaClient } from "@prisma/client";
import { MetafieldsSet } from "../../../graphql/operations";
import { metafieldBatches, planPublication, type PublishedState, type PublishVariant } from "../../domain/inventory/publish";
import { numericId } from "../../domain/routing/config";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import { publishCheckoutStock, type StockPublication } from "../validation/stock.server";
import { levelAtps } from "./atp.server";

export const PUBLISH_INTERVAL_MS = 10_000;
export const PUBLISH_BUDGET_MS = 60_000;
export const MAX_BATCHES_PER_RUN = 40;
/** Unchanged figures re-confirmed this long after their published asOf are republished. */
export const REFRESH_AFTER_MS = 60 * 60_000;
const OVERLAP_MS = 2 * 60_000;

export interface PublishReport {
  variantsConsidered: number;
  written: number;
  calls: number;
  unchanged: number;
  refused: string[];
  /** More writes were planned than one run sends: the rest go next run. */
  backlog: number;
  /**
   * The checkout validation's ATP copy (app/services/validation/stock.server.ts), refreshed
   * in the same pass when a figure was written; its failure never fails this publication.
   */
  checkoutStock?: StockPublication | { error: string };
}

export async function publishAtp(prisma: PrismaClient, shop: string, client: AdminClient, now: Date): Promise<PublishReport> {
  const db = forShop(prisma, shop);
  const settings = await db.inventorySettings.findFirst({ where: { shop } });
  const since = settings?.atpPublishedThrough ? new Date(settings.atpPublishedThrough.getTime() - OVERLAP_MS) : new Date(0);
  const touched = await db.inventoryLevel.findMany({
    where: { OR: [{ changedAt: { gt: since } }, { syncedAt: { gt: since } }] },
    select: { inventoryItemId: true },
    distinct: ["inventoryItemId"],
  });
  const report: PublishReport = { variantsConsidered: 0, written: 0, calls: 0, unchanged: 0, refused: [], backlog: 0 };
  if (touched.length > 0) {
    const { atps, variants: byVariant, online } = await loadPublishVariants(db, touched.map((t) => t.inventoryItemId));
    report.variantsConsidered = byVariant.size;
    const prior = await db.atpPublication.findMany({ where: { variantId: { in: [...byVariant.keys()] } }, select: { variantId: true, hash: true, publishedAt: true, value: true } });
    const published = new Map<string, PublishedState>(
      prior.map((p) => [p.variantId, { hash: p.hash, asOf: asOfOf(p.value) ?? Math.floor(p.publishedAt.getTime() / 1000) }]),
    );
    const plan = planPublication([...byVariant.values()], published, { refreshAfterMs: REFRESH_AFTER_MS, byLocation: online.size > 1 });
    report.unchanged = plan.unchanged;
    report.refused = plan.refused.map((r) => `${r.variantId}: ${r.problems.map((p) => `${p.path} ${p.message}`).join("; ")}`);
    const batches = metafieldBatches(plan.writes);
    const sending = batches.slice(0, MAX_BATCHES_PER_RUN);
    report.backlog = plan.writes.length - sending.reduce((n, b) => n + b.length, 0);

    const changedLevels = new Map<string, typeof atps>();
    for (const level of atps) {
      if (!level.variantId) continue;
      changedLevels.set(level.variantId, [...(changedLevels.get(level.variantId) ?? []), level]);
    }
    let offset = 0;
    for (const batch of sending) {
      await client.mutate(MetafieldsSet, { metafields: batch }, "metafieldsSet");
      report.calls += 1;
      const written = plan.writes.slice(offset, offset + batch.length);
      offset += batch.length;
      await db.$transaction(async (tx) => {
        for (const w of written) {
          await tx.atpPublication.upsert({
            where: { shop_variantId: { shop, variantId: w.variantId } },
            create: { shop, variantId: w.variantId, hash: w.hash, value: w.value, publishedAt: now },
            update: { hash: w.hash, value: w.value, publishedAt: now },
          });
          if (w.reason === "reconfirmed") continue;
          // History for the admin's chart: one sample per level of a variant whose figures changed.
          const samples = (changedLevels.get(w.variantId) ?? []).map((l) => ({
            shop,
            inventoryItemId: l.inventoryItemId,
            locationId: l.locationId,
            atp: l.atp,
            source: l.availableSource,
            at: now,
          }));
          if (samples.length > 0) await tx.atpSample.createMany({ data: samples });
        }
      });
      report.written += batch.length;
    }
  }
  if (report.written > 0) {
    try {
      report.checkoutStock = await publishCheckoutStock(prisma, shop, client);
    } catch (error) {
      report.checkoutStock = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  if (report.backlog === 0) {
    await db.inventorySettings.upsert({ where: { shop }, create: { shop, atpPublishedThrough: now }, update: { atpPublishedThrough: now } });
  }
  return report;
}

/**
 * The inputs of a variant's figure (planPublication) for these inventory items: ATP per
 * level, which locations sell online, when each level was last confirmed. Shared with the
 * checkout validation's ATP copy (app/services/validation/stock.server.ts), so both publish
 * the same figure.
 */
export async function loadPublishVariants(db: ReturnType<typeof forShop>, inventoryItemIds: string[]) {
  const [atps, locations, levelRows] = await Promise.all([
    levelAtps(db, { inventoryItemIds }),
    db.location.findMany({ select: { id: true, isActive: true, fulfillsOnlineOrders: true, deletedAt: true } }),
    db.inventoryLevel.findMany({ where: { inventoryItemId: { in: inventoryItemIds } }, select: { inventoryItemId: true, locationId: true, syncedAt: true } }),
  ]);
  const online = new Set(locations.filter((l) => l.isActive && l.fulfillsOnlineOrders && !l.deletedAt).map((l) => l.id));
  const confirmed = new Map(levelRows.map((r) => [`${r.inventoryItemId} ${r.locationId}`, r.syncedAt.getTime()]));
  const variants = new Map<string, PublishVariant>();
  for (const level of atps) {
    if (!level.variantId) continue;
    const entry = variants.get(level.variantId) ?? { variantId: level.variantId, levels: [] };
    entry.levels.push({
      locationKey: numericId(level.locationId),
      atp: level.atp,
      sellsOnline: online.has(level.locationId),
      confirmedAt: confirmed.get(`${level.inventoryItemId} ${level.locationId}`) ?? new Date(level.availableAt).getTime(),
    });
    variants.set(level.variantId, entry);
  }
  return { atps, variants, online };
}

function asOfOf(value: string): number | null {
  try {
    const parsed = JSON.parse(value) as { asOf?: unknown };
    return typeof parsed.asOf === "number" ? parsed.asOf : null;
  } catch {
    return null;
  }
}
