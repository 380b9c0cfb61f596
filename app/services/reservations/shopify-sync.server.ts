/**
 * Reflecting hard reserves in Shopify. A reservation in state `reserved` should
 * have its units in Shopify's `reserved` quantity (so POS, other apps and
 * Shopify's own checkout see them gone from `available`); in any other state it
 * should have none there. The sync moves the difference with
 * inventoryMoveQuantities (available ⇄ reserved, reason reservation_created /
 * reservation_deleted, ledger document peakguard://reservations/<id>), then
 * reads the level back and records, under the reservation's row lock:
 *   - the level's named quantities as read after the move (source "local"),
 *   - the reservation's shopifyQuantity, and the level's holds moved by the same
 *     amount (the units are now subtracted by Shopify's `available`, not by us).
 *
 * The idempotency key of a move is stable across retries of one attempt (a
 * network failure resends the same key: Shopify applies it once) and changes
 * after a refused attempt (Shopify would otherwise replay the refusal).
 * A refusal is kept on the reservation (shopifyError, shown on the Inventory
 * page) and retried by the next sync; the reservation itself stays valid.
 */
import { InventoryLevelsPage, InventoryMoveQuantities } from "../../../graphql/operations";
import { shopifyTarget, type ReservationState } from "../../domain/inventory/reservations";
import { numericId } from "../../domain/routing/config";
import { AdminUserErrorsError, type AdminClient } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";
import { quantitiesFrom, writeLevelRead } from "../inventory/mirror.server";
import { TX_OPTIONS } from "./idempotency.server";
import { lockReservation } from "./reservations.server";

export const RESERVATION_URI = (id: string) => `peakguard://reservations/${id}`;

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

export function moveKey(id: string, from: number, to: number, lastError: string | null): string {
  return `peakguard-${id}-${from}to${to}-${fnv1a(lastError ?? "")}`;
}

export type SyncOutcome = "in_sync" | "moved" | "refused";

/** Reads one level in full from the Admin API. */
export async function readLevel(client: AdminClient, inventoryItemId: string, locationId: string) {
  const data = await client.request(InventoryLevelsPage, {
    locationId,
    first: 1,
    query: `inventory_item_id:${numericId(inventoryItemId)}`,
  });
  const node = data.location?.inventoryLevels.nodes.find((n) => n.item.id === inventoryItemId);
  if (!node) return null;
  return { inventoryItemId, locationId, quantities: quantitiesFrom(node.quantities), updatedAt: new Date(node.updatedAt) };
}

export async function syncReservation(db: ShopDb, shop: string, client: AdminClient, id: string, now: Date): Promise<SyncOutcome> {
  const row = await db.reservation.findFirst({ where: { id } });
  if (!row) return "in_sync";
  const target = shopifyTarget(row.state as ReservationState, row.quantity);
  const delta = target - row.shopifyQuantity;
  if (delta === 0) return "in_sync";

  const toReserved = delta > 0;
  const units = Math.abs(delta);
  const uri = RESERVATION_URI(id);
  try {
    await client.mutate(
      InventoryMoveQuantities,
      {
        idempotencyKey: moveKey(id, row.shopifyQuantity, target, row.shopifyError),
        input: {
          reason: toReserved ? "reservation_created" : "reservation_deleted",
          referenceDocumentUri: uri,
          changes: [
            {
              inventoryItemId: row.inventoryItemId,
              quantity: units,
              from: { locationId: row.locationId, name: toReserved ? "available" : "reserved", changeFromQuantity: null, ledgerDocumentUri: toReserved ? null : uri },
              to: { locationId: row.locationId, name: toReserved ? "reserved" : "available", changeFromQuantity: null, ledgerDocumentUri: toReserved ? uri : null },
            },
          ],
        },
      },
      "inventoryMoveQuantities",
    );
  } catch (error) {
    if (!(error instanceof AdminUserErrorsError)) throw error; // unknown outcome: retried with the same key
    const detail = error.userErrors.map((e) => `${e.code ?? "error"}: ${e.message}`).join("; ");
    await db.reservation.updateMany({
      where: { id },
      data: { shopifyError: `${now.toISOString()} moving ${units} ${toReserved ? "available → reserved" : "reserved → available"} refused: ${detail}` },
    });
    return "refused";
  }

  const read = await readLevel(client, row.inventoryItemId, row.locationId);
  await db.$transaction(async (tx) => {
    const locked = await lockReservation(tx, shop, id);
    if (!locked) return;
    const newShopify = locked.shopifyQuantity + delta;
    const active = locked.state === "held" || locked.state === "reserved";
    // Units now carried by Shopify's available instead of our holds (only while the reservation is active).
    const holdsChange = active ? -delta : 0;
    await tx.reservation.update({
      where: { shop_id: { shop, id } },
      data: { shopifyQuantity: newShopify, shopifySyncedAt: now, shopifyError: null },
    });
    if (holdsChange !== 0) {
      await tx.$executeRaw`
        UPDATE "InventoryLevel" SET "peakguardHolds" = "peakguardHolds" + ${holdsChange}, "changedAt" = ${now}
         WHERE "shop" = ${shop} AND "inventoryItemId" = ${locked.inventoryItemId} AND "locationId" = ${locked.locationId}`;
    }
    if (read) await writeLevelRead(tx, shop, read, "local", now);
  }, TX_OPTIONS);
  return "moved";
}

/** Every reservation whose Shopify quantity differs from its target (the job's loop). */
export async function syncPending(db: ShopDb, shop: string, client: AdminClient, now: Date, limit = 50): Promise<Record<SyncOutcome, number>> {
  const pending = await db.reservation.findMany({
    where: {
      OR: [
        { state: "reserved", shopifyQuantity: 0 },
        { state: { in: ["committed", "released", "expired"] }, shopifyQuantity: { gt: 0 } },
      ],
    },
    orderBy: { updatedAt: "asc" },
    take: limit,
    select: { id: true },
  });
  const counts: Record<SyncOutcome, number> = { in_sync: 0, moved: 0, refused: 0 };
  for (const { id } of pending) counts[await syncReservation(db, shop, client, id, now)] += 1;
  return counts;
}
