/**
 * The Inventory page's data: the ATP grid (SKU × location) with each figure's
 * source and age, catalog issues, reservations, routing settings, the reconcile's
 * progress and one SKU's ATP history. Reads through forShop only.
 */
import type { PrismaClient } from "@prisma/client";
import type { AtpFlag } from "../../domain/inventory/atp";
import { catalogIssues, type CatalogIssue } from "../../domain/inventory/identifiers";
import { ageOf, DEFAULT_STALENESS, SOURCE_LABEL, type Freshness } from "../../domain/inventory/staleness";
import type { RoutingConfig } from "../../domain/routing/config";
import { forShop } from "../db/scoped.server";
import { listReservations, type ReservationListRow } from "../reservations/reservations.server";
import { levelAtps, type LevelAtp } from "./atp.server";
import { progressOf } from "./bulk.server";
import { PUBLISH_BUDGET_MS } from "./publish.server";
import { loadRouting } from "./settings.server";

export const PAGE_SIZE = 50;

export interface GridCell {
  locationId: string;
  atp: number;
  promisable: number;
  terms: LevelAtp["terms"];
  quantities: LevelAtp["quantities"];
  peakguardHolds: number;
  flags: AtpFlag[];
  source: string;
  ageLabel: string;
  freshness: Freshness;
  availableAt: string;
}

export interface GridRow {
  sku: string | null;
  variantId: string | null;
  inventoryItemId: string;
  title: string | null;
  cells: Record<string, GridCell>;
  total: number;
  negative: boolean;
}

export interface PageLocation {
  id: string;
  name: string;
  sellsOnline: boolean;
  located: boolean;
  cost: number | null;
}

export interface HistoryPoint {
  at: string;
  atp: number;
}

export interface InventoryPageData {
  now: string;
  search: string;
  page: number;
  pages: number;
  locations: PageLocation[];
  rows: GridRow[];
  negatives: number;
  flagged: number;
  issues: CatalogIssue[];
  reservations: ReservationListRow[];
  routing: RoutingConfig;
  routingPublishedAt: string | null;
  currency: string;
  sync: { status: string; progress: number; lines: number; applied: number; stale: number; startedAt: string; finishedAt: string | null; error: string | null } | null;
  publish: { publishedThrough: string | null; budgetSeconds: number; lagLabel: string | null; freshness: Freshness | null };
  history: { sku: string; series: { locationId: string; name: string; points: HistoryPoint[] }[] } | null;
}

export interface PageQuery {
  search?: string;
  page?: number;
  sku?: string | null;
  now: Date;
}

export async function loadInventoryPage(prisma: PrismaClient, shop: string, query: PageQuery): Promise<InventoryPageData> {
  const db = forShop(prisma, shop);
  const nowMs = query.now.getTime();
  const search = (query.search ?? "").trim();

  const [locationRows, variants, items, shopRow, routing, sync, settings, reservations] = await Promise.all([
    db.location.findMany({ where: { deletedAt: null }, orderBy: { name: "asc" } }),
    db.variant.findMany({ select: { id: true, sku: true, barcode: true, inventoryItemId: true, productId: true }, orderBy: [{ sku: "asc" }, { id: "asc" }] }),
    db.inventoryItem.findMany({ select: { id: true, identifiers: true } }),
    db.shop.findFirst({ select: { currencyCode: true } }),
    loadRouting(db),
    db.bulkSync.findFirst({ orderBy: { startedAt: "desc" } }),
    db.inventorySettings.findFirst({ select: { atpPublishedThrough: true } }),
    listReservations(db, { limit: 50 }),
  ]);
  const productTitles = new Map(
    (await db.product.findMany({ where: { id: { in: [...new Set(variants.map((v) => v.productId))] } }, select: { id: true, title: true } })).map((p) => [p.id, p.title]),
  );
  const identifiersOf = new Map(items.map((i) => [i.id, i.identifiers]));

  const issues = catalogIssues(
    variants.map((v) => ({
      variantId: v.id,
      sku: v.sku,
      barcode: v.barcode,
      title: productTitles.get(v.productId),
      identifierMetafields: (v.inventoryItemId ? (identifiersOf.get(v.inventoryItemId) as Record<string, string> | null) : null) ?? undefined,
    })),
  );

  const needle = search.toLowerCase();
  const matching = variants.filter(
    (v) => v.inventoryItemId && (needle === "" || (v.sku ?? "").toLowerCase().includes(needle) || (productTitles.get(v.productId) ?? "").toLowerCase().includes(needle)),
  );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  const pageVariants = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const atps = await levelAtps(db, { inventoryItemIds: pageVariants.map((v) => v.inventoryItemId!) });
  const confirmed = new Map(
    (await db.inventoryLevel.findMany({ where: { inventoryItemId: { in: pageVariants.map((v) => v.inventoryItemId!) } }, select: { inventoryItemId: true, locationId: true, syncedAt: true } })).map(
      (l) => [`${l.inventoryItemId} ${l.locationId}`, l.syncedAt.getTime()],
    ),
  );
  const byItem = new Map<string, LevelAtp[]>();
  for (const level of atps) byItem.set(level.inventoryItemId, [...(byItem.get(level.inventoryItemId) ?? []), level]);

  const online = new Set(locationRows.filter((l) => l.isActive && l.fulfillsOnlineOrders).map((l) => l.id));
  const rows: GridRow[] = pageVariants.map((v) => {
    const cells: Record<string, GridCell> = {};
    for (const level of byItem.get(v.inventoryItemId!) ?? []) {
      const confirmedAt = confirmed.get(`${level.inventoryItemId} ${level.locationId}`) ?? new Date(level.availableAt).getTime();
      const age = ageOf(confirmedAt, nowMs, DEFAULT_STALENESS);
      cells[level.locationId] = {
        locationId: level.locationId,
        atp: level.atp,
        promisable: level.promisable,
        terms: level.terms,
        quantities: level.quantities,
        peakguardHolds: level.peakguardHolds,
        flags: level.flags,
        source: SOURCE_LABEL[level.availableSource] ?? level.availableSource,
        ageLabel: age.label,
        freshness: age.freshness,
        availableAt: level.availableAt,
      };
    }
    const values = Object.values(cells);
    return {
      sku: v.sku,
      variantId: v.id,
      inventoryItemId: v.inventoryItemId!,
      title: productTitles.get(v.productId) ?? null,
      cells,
      total: values.filter((c) => online.has(c.locationId)).reduce((sum, c) => sum + c.promisable, 0),
      negative: values.some((c) => c.atp < 0),
    };
  });

  const negatives = await countNegatives(prisma, shop);
  let history: InventoryPageData["history"] = null;
  const historySku = query.sku?.trim();
  if (historySku) {
    const variant = variants.find((v) => v.sku === historySku);
    if (variant?.inventoryItemId) {
      const samples = await db.atpSample.findMany({
        where: { inventoryItemId: variant.inventoryItemId, at: { gte: new Date(nowMs - 30 * 86_400_000) } },
        orderBy: [{ at: "asc" }, { id: "asc" }],
        take: 5000,
      });
      const names = new Map(locationRows.map((l) => [l.id, l.name]));
      const series = new Map<string, HistoryPoint[]>();
      for (const s of samples) series.set(s.locationId, [...(series.get(s.locationId) ?? []), { at: s.at.toISOString(), atp: s.atp }]);
      history = {
        sku: historySku,
        series: [...series.entries()].map(([locationId, points]) => ({ locationId, name: names.get(locationId) ?? locationId, points })),
      };
    } else {
      history = { sku: historySku, series: [] };
    }
  }

  const publishedThrough = settings?.atpPublishedThrough ?? null;
  const lag = publishedThrough ? ageOf(publishedThrough.getTime(), nowMs, { freshMs: PUBLISH_BUDGET_MS, staleMs: 10 * PUBLISH_BUDGET_MS }) : null;
  const expectedObjects = atps.length > 0 ? (await db.inventoryLevel.count()) + variants.length : variants.length * 3;

  return {
    now: query.now.toISOString(),
    search,
    page,
    pages,
    locations: locationRows.map((l) => ({
      id: l.id,
      name: l.name,
      sellsOnline: online.has(l.id),
      located: l.latitude !== null && l.longitude !== null,
      cost: routing.config.cost[l.id.split("/").pop() ?? ""] ?? null,
    })),
    rows,
    negatives,
    flagged: rows.filter((r) => Object.values(r.cells).some((c) => c.flags.some((f) => f.severity !== "info"))).length,
    issues,
    reservations,
    routing: routing.config,
    routingPublishedAt: routing.publishedAt,
    currency: shopRow?.currencyCode ?? "USD",
    sync: sync
      ? {
          status: sync.status,
          progress: progressOf(sync, Math.max(1, expectedObjects)),
          lines: sync.lines,
          applied: sync.applied,
          stale: sync.stale,
          startedAt: sync.startedAt.toISOString(),
          finishedAt: sync.finishedAt?.toISOString() ?? null,
          error: sync.error,
        }
      : null,
    publish: { publishedThrough: publishedThrough?.toISOString() ?? null, budgetSeconds: PUBLISH_BUDGET_MS / 1000, lagLabel: lag?.label ?? null, freshness: lag?.freshness ?? null },
    history,
  };
}

/** Levels whose ATP is below zero, shop-wide (raw SQL names the shop itself). */
async function countNegatives(prisma: PrismaClient, shop: string): Promise<number> {
  const rows = await prisma.$queryRaw<{ n: number }[]>`
    SELECT COUNT(*)::int AS "n" FROM "InventoryLevel"
     WHERE "shop" = ${shop} AND "active" AND "available" - "peakguardHolds" + "incoming" < 0`;
  return Number(rows[0]?.n ?? 0);
}
