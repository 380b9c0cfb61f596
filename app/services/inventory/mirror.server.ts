/**
 * The inventory mirror: locations, inventory items, inventory levels (Shopify's
 * named quantities) and transfers/shipments in transit. One guarded writer per
 * record for every source — webhooks (REST payloads), the reconcile (GraphQL
 * pages and the bulk JSONL) and our own read-after-write ("local"). Every figure
 * keeps its source and Shopify's time for it.
 *
 * Guards (out-of-order webhooks, late retries):
 * - locations and items: written only when `updated_at` is strictly newer
 *   (mirror/apply-if-newer).
 * - levels: a webhook carries only `available`; it is applied when strictly newer
 *   than the stored `availableAt`. A full read (every named quantity) is applied
 *   when at least as new: it is authoritative for its second.
 * - a level's `peakguardHolds` is never written here: only reservations move it.
 */
import { Prisma } from "@prisma/client";
import type { NamedQuantities } from "../../domain/inventory/atp";
import type { FigureSource } from "../../domain/inventory/staleness";
import type { ShopDb } from "../db/scoped.server";
import { applyIfNewer, isUniqueViolation, mirrorDelegate, type ApplyOutcome } from "../mirror/apply-if-newer.server";
import {
  asArray,
  asObject,
  gidOf,
  optionalDate,
  optionalGid,
  optionalObject,
  optionalString,
  PayloadError,
  requiredDate,
  type Json,
} from "../webhooks/payload";

// ——— locations ———

export interface LocationRecord {
  id: string;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean | null;
  countryCode: string | null;
  provinceCode: string | null;
  city: string | null;
  zip: string | null;
  /** undefined: the source does not carry coordinates (webhooks) — keep what is stored. */
  latitude?: number | null;
  longitude?: number | null;
  updatedAt: Date;
}

/** locations/* payload (REST: no coordinates; `active`; country as a code). */
export function locationFromWebhook(payload: unknown): LocationRecord {
  const body = asObject(payload, "location");
  return {
    id: gidOf(body, "Location", "location"),
    name: optionalString(body.name) ?? "",
    isActive: body.active !== false,
    fulfillsOnlineOrders: null,
    countryCode: optionalString(body.country_code) ?? optionalString(body.country),
    provinceCode: optionalString(body.province_code),
    city: optionalString(body.city),
    zip: optionalString(body.zip),
    updatedAt: requiredDate(body, "updated_at", "location"),
  };
}

export interface LocationNode {
  id: string;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  updatedAt: string;
  address: { city: string | null; provinceCode: string | null; zip: string | null; countryCode: string | null; latitude: number | null; longitude: number | null };
}

export function locationFromGraphQL(node: LocationNode): LocationRecord {
  const updatedAt = optionalDate(node.updatedAt);
  if (!updatedAt) throw new Error(`Location ${node.id}: updatedAt ${JSON.stringify(node.updatedAt)} is not a date`);
  return {
    id: node.id,
    name: node.name,
    isActive: node.isActive,
    fulfillsOnlineOrders: node.fulfillsOnlineOrders,
    countryCode: node.address.countryCode,
    provinceCode: node.address.provinceCode,
    city: node.address.city,
    zip: node.address.zip,
    latitude: node.address.latitude,
    longitude: node.address.longitude,
    updatedAt,
  };
}

export function writeLocation(db: Pick<ShopDb, "location">, shop: string, record: LocationRecord, source: FigureSource): Promise<ApplyOutcome> {
  const data: Prisma.LocationUncheckedUpdateManyInput = {
    name: record.name,
    isActive: record.isActive,
    countryCode: record.countryCode,
    provinceCode: record.provinceCode,
    city: record.city,
    zip: record.zip,
    source,
    deletedAt: null,
  };
  if (record.fulfillsOnlineOrders !== null) data.fulfillsOnlineOrders = record.fulfillsOnlineOrders;
  if (record.latitude !== undefined) data.latitude = record.latitude;
  if (record.longitude !== undefined) data.longitude = record.longitude;
  return applyIfNewer(mirrorDelegate(db.location), { shop, id: record.id }, record.updatedAt, data as Record<string, unknown>);
}

/** locations/delete: the id and the event's time. */
export async function markLocationDeleted(db: ShopDb, payload: unknown, deletedAt: Date): Promise<ApplyOutcome> {
  const id = gidOf(asObject(payload, "location"), "Location", "location");
  const { count } = await db.location.updateMany({
    where: { id, shopifyUpdatedAt: { lt: deletedAt } },
    data: { deletedAt, isActive: false, shopifyUpdatedAt: deletedAt, source: "webhook" },
  });
  return count > 0 ? "applied" : "stale";
}

// ——— inventory items ———

export interface ItemRecord {
  id: string;
  sku: string | null;
  tracked: boolean;
  variantId?: string | null;
  identifiers?: Record<string, string> | null;
  updatedAt: Date;
}

export function itemFromWebhook(payload: unknown): ItemRecord {
  const body = asObject(payload, "inventory_item");
  return {
    id: gidOf(body, "InventoryItem", "inventory_item"),
    sku: optionalString(body.sku),
    tracked: body.tracked !== false,
    updatedAt: requiredDate(body, "updated_at", "inventory_item"),
  };
}

export function writeItem(db: Pick<ShopDb, "inventoryItem">, shop: string, record: ItemRecord, source: FigureSource): Promise<ApplyOutcome> {
  const data: Prisma.InventoryItemUncheckedUpdateManyInput = { sku: record.sku, tracked: record.tracked, source, deletedAt: null };
  if (record.variantId !== undefined) data.variantId = record.variantId;
  if (record.identifiers !== undefined) data.identifiers = record.identifiers ?? Prisma.JsonNull;
  return applyIfNewer(mirrorDelegate(db.inventoryItem), { shop, id: record.id }, record.updatedAt, data as Record<string, unknown>);
}

export async function markItemDeleted(db: ShopDb, payload: unknown, deletedAt: Date): Promise<ApplyOutcome> {
  const id = gidOf(asObject(payload, "inventory_item"), "InventoryItem", "inventory_item");
  const { count } = await db.inventoryItem.updateMany({
    where: { id, shopifyUpdatedAt: { lt: deletedAt } },
    data: { deletedAt, shopifyUpdatedAt: deletedAt, source: "webhook" },
  });
  if (count > 0) await db.inventoryLevel.updateMany({ where: { inventoryItemId: id }, data: { active: false, changedAt: deletedAt } });
  return count > 0 ? "applied" : "stale";
}

// ——— inventory levels ———

/** Every named quantity of a level, read in full (GraphQL). */
export interface LevelRead {
  inventoryItemId: string;
  locationId: string;
  quantities: NamedQuantities;
  updatedAt: Date;
}

export function quantitiesFrom(list: readonly { name: string; quantity: number }[]): NamedQuantities {
  const q: NamedQuantities = { available: 0, on_hand: 0, committed: 0, reserved: 0, incoming: 0, safety_stock: 0, damaged: 0, quality_control: 0 };
  for (const { name, quantity } of list) {
    if (name in q) q[name as keyof NamedQuantities] = quantity;
  }
  return q;
}

function quantityColumns(q: NamedQuantities) {
  return {
    available: q.available,
    onHand: q.on_hand,
    committed: q.committed,
    reserved: q.reserved,
    incoming: q.incoming,
    safetyStock: q.safety_stock,
    damaged: q.damaged,
    qualityControl: q.quality_control,
  };
}

type LevelDb = Pick<ShopDb, "inventoryLevel">;

/**
 * A full read (reconcile, GraphQL): applied when its `updatedAt` is at least as new as the
 * stored `availableAt` — so a read of the same second as a stored webhook replaces it (a read
 * ranks last in its second; see writeAvailable for the whole ordering rule).
 */
export async function writeLevelRead(db: LevelDb, shop: string, read: LevelRead, source: FigureSource, now: Date): Promise<ApplyOutcome> {
  const key = { inventoryItemId: read.inventoryItemId, locationId: read.locationId };
  const data = {
    ...quantityColumns(read.quantities),
    availableAt: read.updatedAt,
    // A full read has no trigger time: it ranks last in its second (see writeAvailable).
    availableTriggeredAt: null,
    availableSource: source,
    breakdownAt: read.updatedAt,
    breakdownSource: source,
    active: true,
    changedAt: now,
  };
  const updated = await db.inventoryLevel.updateMany({ where: { ...key, availableAt: { lte: read.updatedAt } }, data });
  if (updated.count > 0) return "applied";
  // The stored figure is newer than this read: the read still confirms it is current (syncedAt = confirmed at).
  if ((await db.inventoryLevel.updateMany({ where: key, data: { syncedAt: now } })).count > 0) return "stale";
  try {
    await db.inventoryLevel.create({ data: { shop, ...key, ...data } });
    return "applied";
  } catch (error) {
    if (isUniqueViolation(error)) return "stale";
    throw error;
  }
}

export interface AvailableUpdate {
  inventoryItemId: string;
  locationId: string;
  available: number;
  /** The payload's `updated_at` (one-second resolution). */
  updatedAt: Date;
  /** X-Shopify-Triggered-At (sub-second), else the time we received the event (the handler's occurredAt). */
  triggeredAt: Date;
}

/** inventory_levels/update|connect payload: `available` only, with the event's trigger time. */
export function availableFromWebhook(payload: unknown, triggeredAt: Date): AvailableUpdate {
  const body = asObject(payload, "inventory_level");
  const item = optionalGid(body.inventory_item_id, "InventoryItem");
  const location = optionalGid(body.location_id, "Location");
  if (!item || !location) throw new PayloadError(`inventory_level: "inventory_item_id" and "location_id" are required`);
  const available = typeof body.available === "number" && Number.isInteger(body.available) ? body.available : null;
  if (available === null) throw new PayloadError(`inventory_level ${item} at ${location}: "available" is ${JSON.stringify(body.available)}`);
  if (Number.isNaN(triggeredAt.getTime())) throw new PayloadError(`inventory_level ${item} at ${location}: the trigger time is not a valid date`);
  return { inventoryItemId: item, locationId: location, available, updatedAt: requiredDate(body, "updated_at", "inventory_level"), triggeredAt };
}

/**
 * A webhook's `available`. The ordering rule for a level's `available` — a total order on
 * (updated_at, triggered_at):
 * - a later `updated_at` second wins, whatever the trigger times;
 * - within one `updated_at` second (Shopify's REST `updated_at` has one-second resolution, so
 *   a drop updates a level several times in one second), the later X-Shopify-Triggered-At wins;
 *   an equal pair is the same event delivered again and changes nothing ("stale");
 * - a full read (reconcile, GraphQL) has no trigger time: it is stored with a null
 *   availableTriggeredAt and ranks last in its second — a webhook of the same second as a
 *   stored read is stale, and a read of the same second as a stored webhook replaces it
 *   (writeLevelRead's `≤`; the bulk reconcile's writer does the same). A read is taken after
 *   the changes it reflects, so an event of its second is usually already in it; a later change
 *   of that very second is corrected by the next event or reconcile.
 * - without an X-Shopify-Triggered-At header the processor passes the time we received the
 *   event (stored with it, so retries keep it): later than the real trigger time, so such an
 *   event ranks as if it happened when it reached us.
 * One statement decides (no read-then-write): an INSERT … ON CONFLICT DO UPDATE … WHERE the
 * incoming pair is later. On PostgreSQL a concurrent writer of the same level waits for the row
 * lock and the condition is evaluated against the committed row, so 8 workers delivering one
 * level's events in any interleaving leave the latest; a level not mirrored yet is created by
 * whichever writer comes first and the others are ordered against it. Raw SQL is not scoped by
 * forShop: the statement names the shop.
 */
export async function writeAvailable(db: Pick<ShopDb, "$queryRaw">, shop: string, update: AvailableUpdate, source: FigureSource, now: Date): Promise<ApplyOutcome> {
  const rows = await db.$queryRaw<{ applied: number }[]>`
    INSERT INTO "InventoryLevel" ("shop", "inventoryItemId", "locationId", "available", "availableAt", "availableTriggeredAt",
                                  "availableSource", "active", "changedAt", "syncedAt")
    VALUES (${shop}, ${update.inventoryItemId}, ${update.locationId}, ${update.available}, ${update.updatedAt}, ${update.triggeredAt},
            ${source}, true, ${now}, ${now})
    ON CONFLICT ("shop", "inventoryItemId", "locationId") DO UPDATE SET
      "available" = EXCLUDED."available", "availableAt" = EXCLUDED."availableAt", "availableTriggeredAt" = EXCLUDED."availableTriggeredAt",
      "availableSource" = EXCLUDED."availableSource", "active" = true, "changedAt" = EXCLUDED."changedAt", "syncedAt" = EXCLUDED."syncedAt"
    -- A null stored trigger time (a full read) fails the comparison: a read ranks last in its second.
    WHERE "InventoryLevel"."availableAt" < EXCLUDED."availableAt"
       OR ("InventoryLevel"."availableAt" = EXCLUDED."availableAt" AND "InventoryLevel"."availableTriggeredAt" < EXCLUDED."availableTriggeredAt")
    RETURNING 1 AS applied`;
  return rows.length > 0 ? "applied" : "stale";
}

/** inventory_levels/disconnect: the item is no longer stocked there. */
export async function disconnectLevel(db: LevelDb, payload: unknown, now: Date): Promise<ApplyOutcome> {
  const body = asObject(payload, "inventory_level");
  const item = optionalGid(body.inventory_item_id, "InventoryItem");
  const location = optionalGid(body.location_id, "Location");
  if (!item || !location) throw new PayloadError(`inventory_level: "inventory_item_id" and "location_id" are required`);
  const { count } = await db.inventoryLevel.updateMany({ where: { inventoryItemId: item, locationId: location, active: true }, data: { active: false, changedAt: now } });
  return count > 0 ? "applied" : "stale";
}

// ——— transfers and shipments ———

export interface TransferLine {
  inventoryItemId: string;
  quantity: number;
  shipped: number;
  received: number;
}

export interface TransferRecord {
  id: string;
  kind: "transfer" | "shipment";
  transferId: string | null;
  status: string;
  originLocationId: string | null;
  destinationLocationId: string | null;
  /** null: the payload carried no line items (keep what is stored). */
  lines: TransferLine[] | null;
  updatedAt: Date;
  deleted: boolean;
}

/** Status a topic implies when the payload carries none. */
const TOPIC_STATUS: Record<string, string> = {
  "inventory_transfers/ready_to_ship": "READY_TO_SHIP",
  "inventory_transfers/cancel": "CANCELED",
  "inventory_transfers/complete": "TRANSFERRED",
  "inventory_shipments/create": "DRAFT",
  "inventory_shipments/mark_in_transit": "IN_TRANSIT",
};

function intOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : 0;
}

function linesOf(body: Json, kind: "transfer" | "shipment"): TransferLine[] | null {
  const raw = body.line_items ?? body.lineItems;
  if (!Array.isArray(raw)) return null;
  return asArray(raw).flatMap((entry): TransferLine[] => {
    const line = optionalObject(entry);
    if (!line) return [];
    const item = optionalGid(line.inventory_item_id ?? optionalObject(line.inventory_item)?.id, "InventoryItem");
    if (!item) return [];
    const quantity = intOf(line.total_quantity ?? line.quantity);
    const received = intOf(line.accepted_quantity) + intOf(line.rejected_quantity);
    const shipped = kind === "transfer" ? intOf(line.shipped_quantity) : quantity;
    return [{ inventoryItemId: item, quantity, shipped, received }];
  });
}

/**
 * inventory_transfers/* and inventory_shipments/* payloads. Read leniently: the
 * payloads are documented only in part (origin/destination ids since 2026-07,
 * inventory_transfer_id on shipments since 2026-10); what is missing is kept from
 * the stored row and completed by the reconcile.
 */
export function transferFromWebhook(topic: string, payload: unknown, occurredAt: Date): TransferRecord {
  const kind = topic.startsWith("inventory_shipments/") ? "shipment" : "transfer";
  const body = asObject(payload, topic);
  const id = gidOf(body, kind === "shipment" ? "InventoryShipment" : "InventoryTransfer", topic);
  const status = optionalString(body.status)?.toUpperCase() ?? TOPIC_STATUS[topic] ?? "OTHER";
  const origin = optionalObject(body.origin);
  const destination = optionalObject(body.destination);
  return {
    id,
    kind,
    transferId: optionalGid(body.inventory_transfer_id, "InventoryTransfer"),
    status,
    originLocationId: optionalGid(origin?.id ?? body.origin_location_id, "Location"),
    destinationLocationId: optionalGid(destination?.id ?? body.destination_location_id, "Location"),
    lines: linesOf(body, kind),
    updatedAt: optionalDate(body.updated_at) ?? occurredAt,
    deleted: topic.endsWith("/delete"),
  };
}

export async function writeTransfer(db: Pick<ShopDb, "inventoryTransfer">, shop: string, record: TransferRecord, source: FigureSource): Promise<ApplyOutcome> {
  const data: Prisma.InventoryTransferUncheckedUpdateManyInput = {
    kind: record.kind,
    status: record.status,
    source,
    deletedAt: record.deleted ? record.updatedAt : null,
  };
  if (record.transferId) data.transferId = record.transferId;
  if (record.originLocationId) data.originLocationId = record.originLocationId;
  if (record.destinationLocationId) data.destinationLocationId = record.destinationLocationId;
  if (record.lines) data.lines = record.lines as unknown as Prisma.InputJsonValue;
  else if ((await db.inventoryTransfer.count({ where: { id: record.id } })) === 0) data.lines = [];
  return applyIfNewer(mirrorDelegate(db.inventoryTransfer), { shop, id: record.id }, record.updatedAt, data as Record<string, unknown>);
}

/** Statuses in which a transfer's unshipped quantity is committed at the origin. */
export const TRANSIT_OUT_STATUSES = ["READY_TO_SHIP", "IN_PROGRESS"];
/** Statuses in which a shipment is on its way. */
export const IN_TRANSIT_STATUSES = ["IN_TRANSIT", "PARTIALLY_RECEIVED"];

export function readLines(value: unknown): TransferLine[] {
  return asArray(value).flatMap((entry): TransferLine[] => {
    const line = optionalObject(entry);
    if (!line || typeof line.inventoryItemId !== "string") return [];
    return [{ inventoryItemId: line.inventoryItemId, quantity: intOf(line.quantity), shipped: intOf(line.shipped), received: intOf(line.received) }];
  });
}

/**
 * Units ready to ship from each location, per item: "<itemId> <locationId>" → units.
 * A line's shipped part is the larger of what the transfer says and what its
 * mirrored shipments (out of draft) carry.
 */
export async function transitOutByLevel(db: Pick<ShopDb, "inventoryTransfer">): Promise<Map<string, number>> {
  const transfers = await db.inventoryTransfer.findMany({
    where: { kind: "transfer", status: { in: TRANSIT_OUT_STATUSES }, deletedAt: null, originLocationId: { not: null } },
    select: { id: true, originLocationId: true, lines: true },
  });
  if (transfers.length === 0) return new Map();
  const shipments = await db.inventoryTransfer.findMany({
    where: { kind: "shipment", transferId: { in: transfers.map((t) => t.id) }, deletedAt: null, status: { notIn: ["DRAFT", "OTHER"] } },
    select: { transferId: true, lines: true },
  });
  const shippedBy = new Map<string, number>();
  for (const s of shipments) {
    for (const line of readLines(s.lines)) {
      const key = `${s.transferId} ${line.inventoryItemId}`;
      shippedBy.set(key, (shippedBy.get(key) ?? 0) + line.quantity);
    }
  }
  const out = new Map<string, number>();
  for (const t of transfers) {
    for (const line of readLines(t.lines)) {
      const shipped = Math.max(line.shipped, shippedBy.get(`${t.id} ${line.inventoryItemId}`) ?? 0);
      const units = Math.max(0, line.quantity - shipped);
      if (units === 0) continue;
      const key = `${line.inventoryItemId} ${t.originLocationId}`;
      out.set(key, (out.get(key) ?? 0) + units);
    }
  }
  return out;
}
