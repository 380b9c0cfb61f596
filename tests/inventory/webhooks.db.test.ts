/**
 * Inventory webhooks through the app's receiver (HMAC-signed, stored, processed):
 * out-of-order and duplicate inventory_levels/update, items, locations, transfers
 * and shipments with the level re-read, and bulk_operations/finish for operations
 * that are not ours.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AdminClient } from "~/services/admin/client.server";
import { forShop } from "~/services/db/scoped.server";
import { levelAtps } from "~/services/inventory/atp.server";
import { setAdminClientFactory } from "~/services/inventory/jobs.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { deliverAndProcess, SHOP } from "../webhooks/helpers";
import { LOC, T0, itemId, seedLocations, seedVariants } from "./seed";

let db: TestDatabase;
const reads: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // The transfer handlers re-read levels: a fake Admin client answering InventoryLevelsPage.
  setAdminClientFactory(async () => ({
    request: async (_op: unknown, vars: { locationId: string; query: string }) => {
      reads.push(`${vars.locationId} ${vars.query}`);
      const item = `gid://shopify/InventoryItem/${vars.query.split(":")[1]}`;
      const q = (name: string, quantity: number) => ({ name, quantity, updatedAt: null });
      return {
        location: {
          id: vars.locationId,
          inventoryLevels: {
            nodes: [
              {
                id: "x",
                updatedAt: "2026-11-27T06:00:00Z",
                item: { id: item, sku: null, tracked: true },
                quantities: [q("available", 4), q("on_hand", 10), q("committed", 6), q("incoming", vars.locationId === LOC.chicago ? 6 : 0)],
              },
            ],
            pageInfo: { hasNextPage: false, endCursor: null },
          },
        },
      };
    },
  }) as unknown as AdminClient);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.reset();
  reads.length = 0;
  await seedLocations(db.prisma, SHOP);
  await seedVariants(db.prisma, [{ n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 10 }] }], SHOP);
});

const scoped = () => forShop(db.prisma, SHOP);
const numeric = (gid: string) => Number(gid.split("/").pop());
const levelPayload = (available: number, updatedAt: string) => ({
  inventory_item_id: numeric(itemId(1)),
  location_id: numeric(LOC.brooklyn),
  available,
  updated_at: updatedAt,
  admin_graphql_api_id: `gid://shopify/InventoryLevel/${numeric(LOC.brooklyn)}?inventory_item_id=${numeric(itemId(1))}`,
});
const brooklyn = async () => (await levelAtps(scoped(), { inventoryItemIds: [itemId(1)] })).find((l) => l.locationId === LOC.brooklyn)!;

describe("inventory_levels/update", () => {
  it("applies a newer figure, ignores an older one delivered late, and a duplicate counts a delivery only", async () => {
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/update", body: levelPayload(6, "2026-11-27T05:10:00-05:00"), eventId: "lvl-2" });
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/update", body: levelPayload(8, "2026-11-27T05:05:00-05:00"), eventId: "lvl-1" });
    const dup = await deliverAndProcess(db.prisma, { topic: "inventory_levels/update", body: levelPayload(6, "2026-11-27T05:10:00-05:00"), eventId: "lvl-2" });
    expect(dup.headers.get("X-Peakguard-Webhook")).toBe("duplicate");
    const level = await brooklyn();
    expect(level).toMatchObject({ atp: 6, availableSource: "webhook" });
    const outcomes = (await scoped().webhookEvent.findMany({ orderBy: { receivedAt: "asc" } })).map((e) => e.outcome);
    expect(outcomes[0]).toMatch(/available 6 .*: applied/);
    expect(outcomes[1]).toMatch(/available 8 .*: stale/);
  });

  it("a level Shopify reports before we ever read it is created with `available` only, and says so", async () => {
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/connect", body: { ...levelPayload(3, "2026-11-27T06:00:00Z"), location_id: numeric(LOC.dublin) } });
    const dublin = (await levelAtps(scoped(), { inventoryItemIds: [itemId(1)] })).find((l) => l.locationId === LOC.dublin)!;
    expect(dublin.atp).toBe(3);
    expect(dublin.flags.map((f) => f.code)).toContain("on_hand_derived");
  });

  it("disconnect takes the level out of ATP", async () => {
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/disconnect", body: { inventory_item_id: numeric(itemId(1)), location_id: numeric(LOC.brooklyn) } });
    expect(await levelAtps(scoped(), { inventoryItemIds: [itemId(1)] })).toEqual([]);
  });
});

describe("items and locations", () => {
  it("inventory_items/update records tracked and SKU; locations/update keeps coordinates the REST payload lacks", async () => {
    await deliverAndProcess(db.prisma, {
      topic: "inventory_items/update",
      body: { id: numeric(itemId(1)), sku: "DROP-1", tracked: false, updated_at: "2026-11-28T00:00:00Z" },
    });
    expect((await scoped().inventoryItem.findFirst({ where: { id: itemId(1) } }))?.tracked).toBe(false);
    await deliverAndProcess(db.prisma, {
      topic: "locations/update",
      body: { id: numeric(LOC.chicago), name: "Chicago DC", active: true, country_code: "US", updated_at: "2026-11-28T00:00:00Z" },
    });
    const chicago = await scoped().location.findFirst({ where: { id: LOC.chicago } });
    expect(chicago).toMatchObject({ name: "Chicago DC", latitude: 41.8309, longitude: -87.6567, source: "webhook" });
    await deliverAndProcess(db.prisma, { topic: "locations/delete", body: { id: numeric(LOC.chicago) }, triggeredAt: "2026-11-29T00:00:00Z" });
    expect((await scoped().location.findFirst({ where: { id: LOC.chicago } }))?.deletedAt).not.toBeNull();
  });
});

describe("transfers and shipments in transit", () => {
  it("ready_to_ship mirrors the transfer, re-reads origin and destination, and reports in_transit_out out of committed", async () => {
    const transfer = {
      id: 900,
      admin_graphql_api_id: "gid://shopify/InventoryTransfer/900",
      status: "ready_to_ship",
      origin: { id: LOC.brooklyn },
      destination: { id: LOC.chicago },
      line_items: [{ inventory_item_id: numeric(itemId(1)), quantity: 4, shipped_quantity: 0 }],
      updated_at: "2026-11-27T06:00:00Z",
    };
    await deliverAndProcess(db.prisma, { topic: "inventory_transfers/ready_to_ship", body: transfer });
    expect(reads.sort()).toEqual([`${LOC.brooklyn} inventory_item_id:${numeric(itemId(1))}`, `${LOC.chicago} inventory_item_id:${numeric(itemId(1))}`].sort());
    const origin = await brooklyn();
    expect(origin.terms).toMatchObject({ onHand: 10, inTransitOut: 4, reserved: 2 });
    expect(origin.atp).toBe(4);
    const destination = (await levelAtps(scoped(), { inventoryItemIds: [itemId(1)] })).find((l) => l.locationId === LOC.chicago)!;
    expect(destination.terms.inTransitIn).toBe(6);

    // A shipment of 3 of the 4 goes in transit: only 1 is still waiting at the origin.
    await deliverAndProcess(db.prisma, {
      topic: "inventory_shipments/mark_in_transit",
      body: { id: 950, inventory_transfer_id: 900, status: "in_transit", line_items: [{ inventory_item_id: numeric(itemId(1)), quantity: 3 }], updated_at: "2026-11-27T06:05:00Z" },
    });
    expect((await brooklyn()).terms.inTransitOut).toBe(1);
    const shipment = await scoped().inventoryTransfer.findFirst({ where: { id: "gid://shopify/InventoryShipment/950" } });
    expect(shipment).toMatchObject({ kind: "shipment", transferId: "gid://shopify/InventoryTransfer/900", status: "IN_TRANSIT" });

    await deliverAndProcess(db.prisma, { topic: "inventory_transfers/cancel", body: { ...transfer, status: "canceled", updated_at: "2026-11-27T07:00:00Z" } });
    expect((await brooklyn()).terms.inTransitOut).toBe(0);
  });
});

describe("bulk_operations/finish", () => {
  it("an operation that is not an inventory reconcile is left alone", async () => {
    await deliverAndProcess(db.prisma, {
      topic: "bulk_operations/finish",
      body: { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "completed", type: "query", completed_at: T0.toISOString() },
    });
    const event = await scoped().webhookEvent.findFirst();
    expect(event?.outcome).toBe("ignored: bulk operation gid://shopify/BulkOperation/1 is not an inventory reconcile");
  });
});
