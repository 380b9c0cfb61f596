/**
 * Store records as GraphQL nodes, and lookup by Shopify gid.
 */
import { GraphQLError } from "graphql";

import { gid, parseGid } from "./ids";
import type {
  AdjustmentGroupRecord,
  BulkOperationRecord,
  CollectionRecord,
  CustomerRecord,
  InventoryItemRecord,
  InventoryLevelRecord,
  LineItemRecord,
  LocationRecord,
  MetafieldRecord,
  OrderRecord,
  ProductRecord,
  VariantRecord,
} from "./model";
import { nodeRef, notEmulated, recordOf, type NodeRef } from "./schema";
import type { Store } from "./store";

export type LineRef = { order: OrderRecord; line: LineItemRecord };

export const node = {
  shop: (store: Store) => nodeRef("Shop", store.shop),
  product: (record: ProductRecord) => nodeRef("Product", record),
  variant: (record: VariantRecord) => nodeRef("ProductVariant", record),
  item: (record: InventoryItemRecord) => nodeRef("InventoryItem", record),
  level: (record: InventoryLevelRecord) => nodeRef("InventoryLevel", record),
  location: (record: LocationRecord) => nodeRef("Location", record),
  collection: (record: CollectionRecord) => nodeRef("Collection", record),
  customer: (record: CustomerRecord) => nodeRef("Customer", record),
  order: (record: OrderRecord) => nodeRef("Order", record),
  lineItem: (order: OrderRecord, line: LineItemRecord) => nodeRef<LineRef>("LineItem", { order, line }),
  metafield: (record: MetafieldRecord) => nodeRef("Metafield", record),
  bulk: (record: BulkOperationRecord) => nodeRef("BulkOperation", record),
  adjustmentGroup: (record: AdjustmentGroupRecord) => nodeRef("InventoryAdjustmentGroup", record),
};

export function levelGid(level: { itemId: number; locationId: number }): string {
  return `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.itemId}`;
}

/** The store node behind a Shopify gid, or null when it does not exist. Throws on a malformed id. */
export function lookupNode(store: Store, id: unknown): unknown {
  const parsed = parseGid(id);
  if (!parsed) throw new GraphQLError(`Invalid global id '${String(id)}'`, { extensions: { code: "BAD_REQUEST" } });
  const find = <T>(map: Map<number, T>, wrap: (record: T) => unknown): unknown => {
    const record = map.get(parsed.id);
    return record === undefined ? null : wrap(record);
  };
  switch (parsed.type) {
    case "Shop":
      return parsed.id === store.shop.id ? node.shop(store) : null;
    case "Product":
      return find(store.products, node.product);
    case "ProductVariant":
      return find(store.variants, node.variant);
    case "InventoryItem":
      return find(store.inventoryItems, node.item);
    case "Location":
      return find(store.locations, node.location);
    case "Collection":
      return find(store.collections, node.collection);
    case "Customer":
      return find(store.customers, node.customer);
    case "Order":
      return find(store.orders, node.order);
    case "Metafield":
      return find(store.metafields, node.metafield);
    case "BulkOperation":
      return find(store.bulkOperations, node.bulk);
    case "InventoryAdjustmentGroup":
      return find(store.adjustmentGroups, node.adjustmentGroup);
    case "InventoryLevel": {
      const itemId = Number(parsed.params.inventory_item_id);
      const level = Number.isSafeInteger(itemId) ? store.level(itemId, parsed.id) : undefined;
      return level ? node.level(level) : null;
    }
    case "LineItem": {
      for (const order of store.orders.values()) {
        const line = order.lineItems.find((candidate) => candidate.id === parsed.id);
        if (line) return node.lineItem(order, line);
      }
      return null;
    }
    default:
      throw notEmulated(`node lookup for ${parsed.type} ids`);
  }
}


/** The gid of a node made by {@link node} (used for `__parentId` in bulk output). */
export function gidOfNode(value: unknown): string {
  const ref = value as NodeRef<unknown>;
  const record = recordOf<Record<string, unknown>>(ref);
  switch (ref.__typename) {
    case "InventoryLevel":
      return levelGid(record as unknown as InventoryLevelRecord);
    case "LineItem":
      return gid("LineItem", (record as unknown as LineRef).line.id);
    default:
      return gid(ref.__typename, record.id as number);
  }
}
