/**
 * ATP from the mirror: levels joined with their SKU (products mirror), location
 * and transfers in transit, through the domain's computeAtp. Used by the
 * Inventory page (grid, chart), the publisher and the routing preview.
 */
import type { Prisma } from "@prisma/client";
import { computeAtp, type AtpResult, type NamedQuantities } from "../../domain/inventory/atp";
import type { FigureSource } from "../../domain/inventory/staleness";
import type { ShopDb } from "../db/scoped.server";
import { transitOutByLevel } from "./mirror.server";

export interface LevelAtp extends AtpResult {
  inventoryItemId: string;
  locationId: string;
  locationName: string;
  sku: string | null;
  variantId: string | null;
  quantities: NamedQuantities;
  availableSource: FigureSource;
  breakdownSource: FigureSource | null;
  availableAt: string;
  breakdownAt: string | null;
  peakguardHolds: number;
}

type LevelRow = Prisma.InventoryLevelGetPayload<object>;

export function quantitiesOf(row: LevelRow): NamedQuantities {
  return {
    available: row.available,
    on_hand: row.onHand,
    committed: row.committed,
    reserved: row.reserved,
    incoming: row.incoming,
    safety_stock: row.safetyStock,
    damaged: row.damaged,
    quality_control: row.qualityControl,
  };
}

export interface AtpQuery {
  inventoryItemIds?: string[];
  /** Only levels changed after this instant. */
  changedAfter?: Date;
}

/** ATP of every active level (optionally of some items, or changed since an instant). */
export async function levelAtps(db: ShopDb, query: AtpQuery = {}): Promise<LevelAtp[]> {
  const where: Prisma.InventoryLevelWhereInput = { active: true };
  if (query.inventoryItemIds) where.inventoryItemId = { in: query.inventoryItemIds };
  if (query.changedAfter) where.changedAt = { gt: query.changedAfter };
  const levels = await db.inventoryLevel.findMany({ where, orderBy: [{ inventoryItemId: "asc" }, { locationId: "asc" }] });
  if (levels.length === 0) return [];
  const itemIds = [...new Set(levels.map((l) => l.inventoryItemId))];
  const [variants, items, locations, transitOut] = await Promise.all([
    db.variant.findMany({ where: { inventoryItemId: { in: itemIds } }, select: { id: true, sku: true, inventoryItemId: true } }),
    db.inventoryItem.findMany({ where: { id: { in: itemIds } }, select: { id: true, sku: true, tracked: true, variantId: true } }),
    db.location.findMany({ select: { id: true, name: true } }),
    transitOutByLevel(db),
  ]);
  const variantOf = new Map(variants.map((v) => [v.inventoryItemId, v]));
  const itemOf = new Map(items.map((i) => [i.id, i]));
  const nameOf = new Map(locations.map((l) => [l.id, l.name]));
  return levels.map((row) => {
    const variant = variantOf.get(row.inventoryItemId);
    const item = itemOf.get(row.inventoryItemId);
    const sku = variant?.sku ?? item?.sku ?? null;
    const locationName = nameOf.get(row.locationId) ?? row.locationId;
    const quantities = quantitiesOf(row);
    const result = computeAtp({
      sku,
      locationName,
      quantities,
      availableAt: row.availableAt.getTime(),
      breakdownAt: row.breakdownAt?.getTime() ?? null,
      peakguardHolds: row.peakguardHolds,
      transfersReadyToShip: transitOut.get(`${row.inventoryItemId} ${row.locationId}`) ?? 0,
      tracked: item?.tracked,
    });
    return {
      ...result,
      inventoryItemId: row.inventoryItemId,
      locationId: row.locationId,
      locationName,
      sku,
      variantId: variant?.id ?? item?.variantId ?? null,
      quantities,
      availableSource: row.availableSource as FigureSource,
      breakdownSource: (row.breakdownSource as FigureSource | null) ?? null,
      availableAt: row.availableAt.toISOString(),
      breakdownAt: row.breakdownAt?.toISOString() ?? null,
      peakguardHolds: row.peakguardHolds,
    };
  });
}
