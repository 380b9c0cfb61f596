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
  CustomizationRecord,
  DiscountRecord,
  DispositionRecord,
  FulfillmentLineRecord,
  FulfillmentRecord,
  InventoryItemRecord,
  InventoryLevelRecord,
  LineItemRecord,
  LocationRecord,
  MetafieldRecord,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  ReturnLineRecord,
  ReturnRecord,
  ReverseFulfillmentOrderLineRecord,
  ReverseFulfillmentOrderRecord,
  TransactionRecord,
  ValidationRecord,
  VariantRecord,
} from "./model";
import { nodeRef, notEmulated, recordOf, type NodeRef } from "./schema";
import type { Store } from "./store";

export type LineRef = { order: OrderRecord; line: LineItemRecord };
/** Nodes that need their parent: the record carries its own `id` for gids and cursors. */
export type FulfillmentLineRef = { id: number; fulfillment: FulfillmentRecord; line: FulfillmentLineRecord };
export type ReturnLineRef = { id: number; ret: ReturnRecord; line: ReturnLineRecord };
export type RfoLineRef = { id: number; rfo: ReverseFulfillmentOrderRecord; line: ReverseFulfillmentOrderLineRecord };
export type RefundRef = { id: number; order: OrderRecord; refund: RefundRecord };
export type TransactionRef = { id: number; order: OrderRecord; transaction: TransactionRecord };

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
  fulfillment: (record: FulfillmentRecord) => nodeRef("Fulfillment", record),
  fulfillmentLine: (fulfillment: FulfillmentRecord, line: FulfillmentLineRecord) =>
    nodeRef<FulfillmentLineRef>("FulfillmentLineItem", { id: line.id, fulfillment, line }),
  /** A ReturnableFulfillment shares its fulfillment's id. */
  returnableFulfillment: (record: FulfillmentRecord) => nodeRef("ReturnableFulfillment", record),
  return: (record: ReturnRecord) => nodeRef("Return", record),
  returnLine: (ret: ReturnRecord, line: ReturnLineRecord) => nodeRef<ReturnLineRef>("ReturnLineItem", { id: line.id, ret, line }),
  reverseFulfillmentOrder: (record: ReverseFulfillmentOrderRecord) => nodeRef("ReverseFulfillmentOrder", record),
  rfoLine: (rfo: ReverseFulfillmentOrderRecord, line: ReverseFulfillmentOrderLineRecord) =>
    nodeRef<RfoLineRef>("ReverseFulfillmentOrderLineItem", { id: line.id, rfo, line }),
  disposition: (record: DispositionRecord) => nodeRef("ReverseFulfillmentOrderDisposition", record),
  refund: (order: OrderRecord, refund: RefundRecord) => nodeRef<RefundRef>("Refund", { id: refund.id, order, refund }),
  transaction: (order: OrderRecord, transaction: TransactionRecord) =>
    nodeRef<TransactionRef>("OrderTransaction", { id: transaction.id, order, transaction }),
  /** The same discount as DiscountNode (discountNode, discountNodes) or DiscountAutomaticNode. */
  discountNode: (record: DiscountRecord) => nodeRef("DiscountNode", record),
  discountAutomaticNode: (record: DiscountRecord) => nodeRef("DiscountAutomaticNode", record),
  discountAutomaticApp: (record: DiscountRecord) => nodeRef("DiscountAutomaticApp", record),
  validation: (record: ValidationRecord) => nodeRef("Validation", record),
  paymentCustomization: (record: CustomizationRecord) => nodeRef("PaymentCustomization", record),
  deliveryCustomization: (record: CustomizationRecord) => nodeRef("DeliveryCustomization", record),
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
    case "Fulfillment":
      return find(store.fulfillmentIndex, node.fulfillment);
    case "ReturnableFulfillment":
      return find(store.fulfillmentIndex, node.returnableFulfillment);
    case "FulfillmentLineItem": {
      const found = store.fulfillmentLineIndex.get(parsed.id);
      return found ? node.fulfillmentLine(found.fulfillment, found.line) : null;
    }
    case "Refund": {
      const found = store.refundIndex.get(parsed.id);
      return found ? node.refund(found.order, found.refund) : null;
    }
    case "OrderTransaction": {
      const found = store.transactionIndex.get(parsed.id);
      return found ? node.transaction(found.order, found.transaction) : null;
    }
    case "Return":
      return find(store.returns, node.return);
    case "ReturnLineItem": {
      for (const ret of store.returns.values()) {
        const line = ret.lines.find((candidate) => candidate.id === parsed.id);
        if (line) return node.returnLine(ret, line);
      }
      return null;
    }
    case "ReverseFulfillmentOrder":
      return find(store.reverseFulfillmentOrders, node.reverseFulfillmentOrder);
    case "ReverseFulfillmentOrderLineItem": {
      for (const rfo of store.reverseFulfillmentOrders.values()) {
        const line = rfo.lines.find((candidate) => candidate.id === parsed.id);
        if (line) return node.rfoLine(rfo, line);
      }
      return null;
    }
    case "ReverseFulfillmentOrderDisposition": {
      for (const rfo of store.reverseFulfillmentOrders.values()) {
        for (const line of rfo.lines) {
          const disposition = line.dispositions.find((candidate) => candidate.id === parsed.id);
          if (disposition) return node.disposition(disposition);
        }
      }
      return null;
    }
    case "DiscountAutomaticNode":
      return find(store.discounts, node.discountAutomaticNode);
    case "Validation":
      return find(store.validations, node.validation);
    case "PaymentCustomization":
      return find(store.paymentCustomizations, node.paymentCustomization);
    case "DeliveryCustomization":
      return find(store.deliveryCustomizations, node.deliveryCustomization);
    default:
      throw notEmulated(`node lookup for ${parsed.type} ids`);
  }
}


/** The gid of a node made by {@link node} (used for `__parentId` in bulk output). */
export function gidOfNode(value: unknown): string {
  const ref = value as NodeRef<unknown>;
  const record = recordOf<Record<string, unknown>>(ref);
  switch (ref.__typename) {
    case "DiscountNode":
      return gid("DiscountAutomaticNode", record.id as number);
    case "ReturnableFulfillment":
      return gid("ReturnableFulfillment", record.id as number);
    case "InventoryLevel":
      return levelGid(record as unknown as InventoryLevelRecord);
    case "LineItem":
      return gid("LineItem", (record as unknown as LineRef).line.id);
    default:
      return gid(ref.__typename, record.id as number);
  }
}
