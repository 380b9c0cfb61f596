/**
 * Webhook handlers of the inventory area: the catalog and inventory mirror
 * (items, levels, locations), transfers and shipments in transit, and the bulk
 * reconcile's completion. Each is idempotent and guarded by Shopify's times
 * (./mirror.server.ts), so a duplicate, late or out-of-order delivery changes
 * nothing it should not. products/* stay with the app-wide handlers (they share
 * the products mirror with the reconcile).
 */
import type { PrismaClient } from "@prisma/client";
import type { AreaHandlers, Handler } from "../webhooks/handler-types";
import { bulkFinishOf } from "./bulk.server";
import { adminClientFor, startBackgroundApply } from "./jobs.server";
import {
  availableFromWebhook,
  disconnectLevel,
  itemFromWebhook,
  locationFromWebhook,
  markItemDeleted,
  markLocationDeleted,
  transferFromWebhook,
  writeAvailable,
  writeItem,
  writeLevelRead,
  writeLocation,
  writeTransfer,
} from "./mirror.server";
import { readLevel } from "../reservations/shopify-sync.server";
import type { ShopDb } from "../db/scoped.server";

type InventoryTopic =
  | "inventory_items/create" | "inventory_items/update" | "inventory_items/delete"
  | "inventory_levels/connect" | "inventory_levels/update" | "inventory_levels/disconnect"
  | "inventory_transfers/add_items" | "inventory_transfers/cancel" | "inventory_transfers/complete"
  | "inventory_transfers/ready_to_ship" | "inventory_transfers/remove_items"
  | "inventory_transfers/update_item_quantities" | "inventory_transfers/updated"
  | "inventory_shipments/add_items" | "inventory_shipments/create" | "inventory_shipments/delete"
  | "inventory_shipments/mark_in_transit" | "inventory_shipments/receive_items"
  | "inventory_shipments/remove_items" | "inventory_shipments/update_item_quantities"
  | "inventory_shipments/update_tracking" | "locations/create" | "locations/update" | "locations/delete"
  | "locations/activate" | "locations/deactivate" | "bulk_operations/finish";

const item: Handler = async ({ db, shop, payload }) => `inventory item: ${await writeItem(db, shop, itemFromWebhook(payload), "webhook")}`;
const level: Handler = async ({ db, shop, payload, occurredAt, now }) => {
  // occurredAt: X-Shopify-Triggered-At, else the time we received the event — orders same-second updates.
  const update = availableFromWebhook(payload, occurredAt);
  return `available ${update.available} at ${update.locationId}: ${await writeAvailable(db, shop, update, "webhook", now)}`;
};
const location: Handler = async ({ db, shop, payload }) => `location: ${await writeLocation(db, shop, locationFromWebhook(payload), "webhook")}`;

/**
 * A transfer or shipment moves Shopify's committed (origin) and incoming
 * (destination), which no inventory_levels/update reports: after mirroring it,
 * the affected levels are read again (source "local"). A failed read throws, so
 * the event is retried (the mirror write is idempotent).
 */
const transfer: Handler = async ({ prisma, db, shop, topic, payload, occurredAt, now }) => {
  const record = transferFromWebhook(topic, payload, occurredAt);
  const outcome = await writeTransfer(db, shop, record, "webhook");
  const refreshed = await refreshLevels(prisma, db, shop, record.id, now);
  return `${record.kind} ${record.id} ${record.status}: ${outcome}; ${refreshed} level(s) re-read`;
};

async function refreshLevels(prisma: PrismaClient, db: ShopDb, shop: string, id: string, now: Date): Promise<number> {
  const stored = await db.inventoryTransfer.findFirst({ where: { id } });
  if (!stored) return 0;
  let parent = stored;
  if (stored.kind === "shipment" && stored.transferId) parent = (await db.inventoryTransfer.findFirst({ where: { id: stored.transferId } })) ?? stored;
  const locations = [parent.originLocationId, parent.destinationLocationId, stored.destinationLocationId].filter((l): l is string => !!l);
  const items = new Set<string>();
  for (const line of Array.isArray(stored.lines) ? stored.lines : []) {
    const itemId = (line as { inventoryItemId?: unknown }).inventoryItemId;
    if (typeof itemId === "string") items.add(itemId);
  }
  if (items.size === 0 || locations.length === 0) return 0;
  const client = await adminClientFor(prisma, shop);
  let count = 0;
  for (const itemId of items) {
    for (const locationId of new Set(locations)) {
      const read = await readLevel(client, itemId, locationId);
      if (read) {
        await writeLevelRead(db, shop, read, "local", now);
        count += 1;
      }
    }
  }
  return count;
}

const bulkFinish: Handler = async ({ prisma, db, shop, payload }) => {
  const finish = bulkFinishOf(payload);
  if (!finish.id) return "ignored: no bulk operation id";
  const sync = await db.bulkSync.findFirst({ where: { bulkOperationId: finish.id } });
  if (!sync) return `ignored: bulk operation ${finish.id} is not an inventory reconcile`;
  if (finish.status !== "COMPLETED") {
    await db.bulkSync.updateMany({
      where: { id: sync.id, status: { in: ["running", "downloading"] } },
      data: { status: "failed", error: `Bulk operation ${finish.id} ended ${finish.status}${finish.errorCode ? ` (${finish.errorCode})` : ""}`, finishedAt: new Date() },
    });
    return `reconcile ${sync.id} failed: ${finish.status}`;
  }
  if (sync.status !== "running") return `reconcile ${sync.id} is already ${sync.status}`;
  // Applying streams a file that may take minutes: not inside the webhook worker's lease.
  startBackgroundApply(prisma, shop, sync.id);
  return `reconcile ${sync.id}: applying ${finish.id} in the background`;
};

export const inventoryHandlers: AreaHandlers<InventoryTopic> = {
  "inventory_items/create": item,
  "inventory_items/update": item,
  "inventory_items/delete": async ({ db, payload, occurredAt }) => `inventory item: ${await markItemDeleted(db, payload, occurredAt)}`,
  "inventory_levels/connect": level,
  "inventory_levels/update": level,
  "inventory_levels/disconnect": async ({ db, payload, now }) => `disconnected: ${await disconnectLevel(db, payload, now)}`,
  "inventory_transfers/add_items": transfer,
  "inventory_transfers/cancel": transfer,
  "inventory_transfers/complete": transfer,
  "inventory_transfers/ready_to_ship": transfer,
  "inventory_transfers/remove_items": transfer,
  "inventory_transfers/update_item_quantities": transfer,
  "inventory_transfers/updated": transfer,
  "inventory_shipments/add_items": transfer,
  "inventory_shipments/create": transfer,
  "inventory_shipments/delete": transfer,
  "inventory_shipments/mark_in_transit": transfer,
  "inventory_shipments/receive_items": transfer,
  "inventory_shipments/remove_items": transfer,
  "inventory_shipments/update_item_quantities": transfer,
  "inventory_shipments/update_tracking": async () => "ignored: tracking details do not move ATP",
  "locations/create": location,
  "locations/update": location,
  "locations/delete": async ({ db, payload, occurredAt }) => `location: ${await markLocationDeleted(db, payload, occurredAt)}`,
  "locations/activate": location,
  "locations/deactivate": location,
  "bulk_operations/finish": bulkFinish,
};
