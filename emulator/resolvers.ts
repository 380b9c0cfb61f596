/**
 * Query resolvers: what the emulator answers, field by field. A field missing
 * here (and not a plain property of a value object) answers "not emulated".
 *
 * Connection fields are declared once as a *listing* (filtered items + sort +
 * node renderer); the Relay page is cut by `paginate`, and bulk operations read
 * the same listing without a page limit.
 */
import { GraphQLError } from "graphql";

import { paginate } from "./connection";
import type { EmulatorContext } from "./context";
import { gid, moneyString, parseGid, zoneOffsetMinutes } from "./ids";
import {
  currentQuantity,
  isQuantityName,
  onHand,
  orderTotals,
  refundedTotal,
  unfulfilled,
  type AdjustmentGroupRecord,
  type BulkOperationRecord,
  type CollectionRecord,
  type CustomerRecord,
  type InventoryItemRecord,
  type InventoryLevelRecord,
  type LocationRecord,
  type MetafieldRecord,
  type OrderRecord,
  type ProductRecord,
  type QuantityName,
  type VariantRecord,
} from "./model";
import { compareDigestOf, jsonValueOf, OWNER_TYPE_ENUM } from "./metafields";
import { levelGid, lookupNode, node, type LineRef } from "./nodes";
import {
  count,
  field,
  legacy,
  listing,
  lookupTyped,
  metafieldResolvers,
  metafieldsLister,
  moneyBag,
  ms,
  search,
  sortBy,
  type Lister,
} from "./resolve";
import { notEmulated, recordOf, type ResolverMap } from "./schema";
import type { SearchFields } from "./search";
import type { Store } from "./store";

import { customerTypeResolvers } from "./customers";
import { functionListers, functionQueries, functionTypeResolvers } from "./functions";
import { orderTypeResolvers } from "./orders";
import { returnListers, returnQueries, returnTypeResolvers } from "./returns-graphql";

export type { Lister } from "./resolve";

const productSearch = (store: Store): SearchFields<ProductRecord> => ({
  id: { kind: "number", get: (p) => p.id },
  title: { kind: "text", get: (p) => p.title },
  handle: { kind: "text", get: (p) => p.handle },
  status: { kind: "text", get: (p) => p.status.toLowerCase() },
  tag: { kind: "text", get: (p) => p.tags },
  vendor: { kind: "text", get: (p) => p.vendor },
  product_type: { kind: "text", get: (p) => p.productType },
  sku: { kind: "text", get: (p) => store.variantsOf(p).map((v) => v.sku) },
  barcode: { kind: "text", get: (p) => store.variantsOf(p).map((v) => v.barcode) },
  created_at: { kind: "date", get: (p) => p.createdAt },
  updated_at: { kind: "date", get: (p) => p.updatedAt },
});

const productSort = {
  ID: (p: ProductRecord) => p.id,
  TITLE: (p: ProductRecord) => p.title.toLowerCase(),
  CREATED_AT: (p: ProductRecord) => ms(p.createdAt),
  UPDATED_AT: (p: ProductRecord) => ms(p.updatedAt),
};

const variantSearch: SearchFields<VariantRecord> = {
  id: { kind: "number", get: (v) => v.id },
  sku: { kind: "text", get: (v) => v.sku },
  barcode: { kind: "text", get: (v) => v.barcode },
  title: { kind: "text", get: (v) => v.title },
  product_id: { kind: "number", get: (v) => v.productId },
  created_at: { kind: "date", get: (v) => v.createdAt },
  updated_at: { kind: "date", get: (v) => v.updatedAt },
};

const variantSort = {
  ID: (v: VariantRecord) => v.id,
  SKU: (v: VariantRecord) => v.sku ?? "",
  TITLE: (v: VariantRecord) => v.title.toLowerCase(),
  POSITION: (v: VariantRecord) => v.position,
};

const levelSearch: SearchFields<InventoryLevelRecord> = {
  inventory_item_id: { kind: "number", get: (l) => l.itemId },
  location_id: { kind: "number", get: (l) => l.locationId },
  created_at: { kind: "date", get: (l) => l.createdAt },
  updated_at: { kind: "date", get: (l) => l.updatedAt },
};

const orderSearch = (): SearchFields<OrderRecord> => ({
  id: { kind: "number", get: (o) => o.id },
  name: { kind: "text", get: (o) => [o.name, String(o.number)] },
  email: { kind: "text", get: (o) => o.email },
  tag: { kind: "text", get: (o) => o.tags },
  customer_id: { kind: "number", get: (o) => o.customerId },
  sku: { kind: "text", get: (o) => o.lineItems.map((line) => line.sku) },
  financial_status: { kind: "text", get: (o) => o.financialStatus.toLowerCase() },
  fulfillment_status: {
    kind: "text",
    get: (o) =>
      o.fulfillmentStatus === "FULFILLED" ? ["fulfilled", "shipped"] : o.fulfillmentStatus === "PARTIALLY_FULFILLED" ? ["partial"] : ["unfulfilled", "unshipped"],
  },
  status: { kind: "text", get: (o) => (o.cancelledAt ? ["cancelled", "any"] : ["open", "any"]) },
  test: { kind: "boolean", get: (o) => o.test },
  created_at: { kind: "date", get: (o) => o.createdAt },
  processed_at: { kind: "date", get: (o) => o.processedAt },
  updated_at: { kind: "date", get: (o) => o.updatedAt },
  location_id: { kind: "number", get: (o) => o.locationId },
});

const orderSort = {
  ID: (o: OrderRecord) => o.id,
  ORDER_NUMBER: (o: OrderRecord) => o.number,
  CREATED_AT: (o: OrderRecord) => ms(o.createdAt),
  PROCESSED_AT: (o: OrderRecord) => ms(o.processedAt),
  UPDATED_AT: (o: OrderRecord) => ms(o.updatedAt),
};

const coreListers: Record<string, Lister> = {
  "QueryRoot.products": (_s, args, context, info) => {
    const { store } = context;
    const match = search(context, info, args, productSearch(store));
    const sort = sortBy("QueryRoot.products", args.sortKey, productSort);
    if (args.savedSearchId != null) throw notEmulated("QueryRoot.products(savedSearchId:)");
    return listing([...store.products.values()].filter(match), sort, (p) => p.id, node.product);
  },
  "QueryRoot.productVariants": (_s, args, context, info) => {
    const { store } = context;
    const match = search(context, info, args, variantSearch);
    const sort = sortBy("QueryRoot.productVariants", args.sortKey, variantSort);
    if (args.savedSearchId != null) throw notEmulated("QueryRoot.productVariants(savedSearchId:)");
    return listing([...store.variants.values()].filter(match), sort, (v) => v.id, node.variant);
  },
  "QueryRoot.inventoryItems": (_s, args, context, info) => {
    const { store } = context;
    const match = search<InventoryItemRecord>(context, info, args, {
      id: { kind: "number", get: (i) => i.id },
      sku: { kind: "text", get: (i) => store.variants.get(i.variantId)?.sku ?? null },
      created_at: { kind: "date", get: (i) => i.createdAt },
      updated_at: { kind: "date", get: (i) => i.updatedAt },
    });
    return listing([...store.inventoryItems.values()].filter(match), (i) => i.id, (i) => i.id, node.item);
  },
  "QueryRoot.locations": (_s, args, context, info) => {
    const { store } = context;
    const match = search<LocationRecord>(context, info, args, {
      id: { kind: "number", get: (l) => l.id },
      name: { kind: "text", get: (l) => l.name },
      active: { kind: "boolean", get: (l) => l.isActive },
      created_at: { kind: "date", get: (l) => l.createdAt },
      updated_at: { kind: "date", get: (l) => l.updatedAt },
    });
    const sort = sortBy("QueryRoot.locations", args.sortKey ?? "NAME", {
      ID: (l: LocationRecord) => l.id,
      NAME: (l: LocationRecord) => l.name.toLowerCase(),
    });
    const items = [...store.locations.values()].filter((l) => (args.includeInactive === true || l.isActive) && match(l));
    return listing(items, sort, (l) => l.id, node.location);
  },
  "QueryRoot.orders": (_s, args, context, info) => {
    const { store } = context;
    const match = search(context, info, args, orderSearch());
    const sort = sortBy("QueryRoot.orders", args.sortKey ?? "PROCESSED_AT", orderSort);
    if (args.savedSearchId != null) throw notEmulated("QueryRoot.orders(savedSearchId:)");
    return listing([...store.orders.values()].filter(match), sort, (o) => o.id, node.order);
  },
  "QueryRoot.customers": (_s, args, context, info) => {
    const { store } = context;
    const match = search<CustomerRecord>(context, info, args, {
      id: { kind: "number", get: (c) => c.id },
      email: { kind: "text", get: (c) => c.email },
      phone: { kind: "text", get: (c) => c.phone },
      first_name: { kind: "text", get: (c) => c.firstName },
      last_name: { kind: "text", get: (c) => c.lastName },
      tag: { kind: "text", get: (c) => c.tags },
      created_at: { kind: "date", get: (c) => c.createdAt },
      updated_at: { kind: "date", get: (c) => c.updatedAt },
    });
    const sort = sortBy("QueryRoot.customers", args.sortKey, {
      ID: (c: CustomerRecord) => c.id,
      CREATED_AT: (c: CustomerRecord) => ms(c.createdAt),
      UPDATED_AT: (c: CustomerRecord) => ms(c.updatedAt),
    });
    return listing([...store.customers.values()].filter(match), sort, (c) => c.id, node.customer);
  },
  "QueryRoot.collections": (_s, args, context, info) => {
    const { store } = context;
    const match = search<CollectionRecord>(context, info, args, {
      id: { kind: "number", get: (c) => c.id },
      title: { kind: "text", get: (c) => c.title },
      handle: { kind: "text", get: (c) => c.handle },
      updated_at: { kind: "date", get: (c) => c.updatedAt },
    });
    if (args.savedSearchId != null) throw notEmulated("QueryRoot.collections(savedSearchId:)");
    const sort = sortBy("QueryRoot.collections", args.sortKey, {
      ID: (c: CollectionRecord) => c.id,
      TITLE: (c: CollectionRecord) => c.title.toLowerCase(),
      UPDATED_AT: (c: CollectionRecord) => ms(c.updatedAt),
    });
    return listing([...store.collections.values()].filter(match), sort, (c) => c.id, node.collection);
  },
  "QueryRoot.bulkOperations": (_s, args, context, info) => {
    const { store } = context;
    const match = search<BulkOperationRecord>(context, info, args, {
      status: { kind: "text", get: (b) => b.status.toLowerCase() },
      operation_type: { kind: "text", get: () => "query" },
      created_at: { kind: "date", get: (b) => b.createdAt },
      id: { kind: "number", get: (b) => b.id },
    });
    // Newest first by default (Shopify: "Defaults to sorting by created_at, with newest operations first").
    const sort = sortBy("QueryRoot.bulkOperations", args.sortKey ?? "CREATED_AT", {
      CREATED_AT: (b: BulkOperationRecord) => -ms(b.createdAt),
      COMPLETED_AT: (b: BulkOperationRecord) => -(b.completedAt ? ms(b.completedAt) : Number.MAX_SAFE_INTEGER),
    });
    return listing([...store.bulkOperations.values()].filter(match), sort, (b) => -b.id, node.bulk);
  },
  "QueryRoot.webhookSubscriptions": () =>
    // The emulator delivers webhooks as app-scoped (shopify.app.toml) subscriptions, which this
    // query never returns (it lists only shop-scoped subscriptions created through the API).
    listing([] as never[], () => 0, () => 0, () => null),
  "Product.variants": (source, args, context) => {
    const product = recordOf<ProductRecord>(source);
    const sort = sortBy("Product.variants", args.sortKey ?? "POSITION", variantSort);
    return listing(context.store.variantsOf(product), sort, (v) => v.id, node.variant);
  },
  "Product.collections": (source, args, context, info) => {
    const product = recordOf<ProductRecord>(source);
    const match = search<CollectionRecord>(context, info, args, {
      id: { kind: "number", get: (c) => c.id },
      title: { kind: "text", get: (c) => c.title },
    });
    const sort = sortBy("Product.collections", args.sortKey, {
      ID: (c: CollectionRecord) => c.id,
      TITLE: (c: CollectionRecord) => c.title.toLowerCase(),
      UPDATED_AT: (c: CollectionRecord) => ms(c.updatedAt),
    });
    const items = product.collectionIds.map((id) => context.store.collections.get(id)).filter((c): c is CollectionRecord => !!c && match(c));
    return listing(items, sort, (c) => c.id, node.collection);
  },
  "Collection.products": (source, args, context) => {
    const collection = recordOf<CollectionRecord>(source);
    // The collection's own manual/automatic order is not modelled: COLLECTION_DEFAULT is id order.
    const sort = sortBy("Collection.products", args.sortKey ?? "COLLECTION_DEFAULT", {
      COLLECTION_DEFAULT: (p: ProductRecord) => p.id,
      ID: (p: ProductRecord) => p.id,
      TITLE: (p: ProductRecord) => p.title.toLowerCase(),
      CREATED: (p: ProductRecord) => ms(p.createdAt),
    });
    const items = [...context.store.products.values()].filter((p) => p.collectionIds.includes(collection.id));
    return listing(items, sort, (p) => p.id, node.product);
  },
  "InventoryItem.inventoryLevels": (source, args, context, info) => {
    const item = recordOf<InventoryItemRecord>(source);
    const match = search(context, info, args, levelSearch);
    return listing(context.store.levelsOfItem(item.id).filter(match), (l) => l.locationId, (l) => l.locationId, node.level);
  },
  "Location.inventoryLevels": (source, args, context, info) => {
    const location = recordOf<LocationRecord>(source);
    const match = search(context, info, args, levelSearch);
    return listing(context.store.levelsAtLocation(location.id).filter(match), (l) => l.itemId, (l) => l.itemId, node.level);
  },
  "Order.lineItems": (source) => {
    const order = recordOf<OrderRecord>(source);
    return listing(order.lineItems, (l) => l.id, (l) => l.id, (l) => node.lineItem(order, l));
  },
  "Customer.orders": (source, args, context, info) => {
    const customer = recordOf<CustomerRecord>(source);
    const match = search(context, info, args, orderSearch());
    const sort = sortBy("Customer.orders", args.sortKey ?? "ID", orderSort);
    const items = [...context.store.orders.values()].filter((o) => o.customerId === customer.id && match(o));
    return listing(items, sort, (o) => o.id, node.order);
  },
};

for (const owner of ["Shop", "Product", "ProductVariant", "Collection", "Customer", "Order", "Location"]) {
  coreListers[`${owner}.metafields`] = metafieldsLister(owner);
}

/* ------------------------------------------------------------- resolvers */

/** Variant sellable quantity: sum of `available` at active locations. */
function inventoryQuantity(store: Store, variant: VariantRecord): number {
  return store.availableTotal(variant.inventoryItemId);
}

function quantityOf(level: InventoryLevelRecord, name: QuantityName): number {
  return name === "on_hand" ? onHand(level.quantities) : level.quantities[name];
}

function quantityUpdatedAt(level: InventoryLevelRecord, name: QuantityName): string | null {
  if (name !== "on_hand") return level.quantityUpdatedAt[name];
  const stamps = (["available", "committed", "reserved", "damaged", "quality_control", "safety_stock"] as const)
    .map((part) => level.quantityUpdatedAt[part])
    .filter((stamp): stamp is string => stamp !== null)
    .sort();
  return stamps[stamps.length - 1] ?? null;
}

const typeResolvers: ResolverMap<EmulatorContext> = {
  QueryRoot: {
    shop: (_s, _a, context) => node.shop(context.store),
    node: (_s, args, context) => (context.bulkSource !== undefined ? context.bulkSource : lookupNode(context.store, args.id)),
    nodes: (_s, args, context) => (args.ids as unknown[]).map((id) => lookupNode(context.store, id)),
    product: (_s, args, context) => lookupTyped(context.store, args.id, "Product"),
    productVariant: (_s, args, context) => lookupTyped(context.store, args.id, "ProductVariant"),
    inventoryItem: (_s, args, context) => lookupTyped(context.store, args.id, "InventoryItem"),
    inventoryLevel: (_s, args, context) => lookupTyped(context.store, args.id, "InventoryLevel"),
    location: (_s, args, context) => {
      if (args.id == null) throw notEmulated("QueryRoot.location without an id (the shop's primary location)");
      return lookupTyped(context.store, args.id, "Location");
    },
    order: (_s, args, context) => lookupTyped(context.store, args.id, "Order"),
    customer: (_s, args, context) => lookupTyped(context.store, args.id, "Customer"),
    collection: (_s, args, context) => lookupTyped(context.store, args.id, "Collection"),
    bulkOperation: (_s, args, context) => lookupTyped(context.store, args.id, "BulkOperation"),
    currentBulkOperation: (_s, args, context) => {
      if (args.type === "MUTATION") return null; // the emulator runs no bulk mutations
      const newest = [...context.store.bulkOperations.values()].sort((a, b) => b.id - a.id)[0];
      return newest ? node.bulk(newest) : null;
    },
    productsCount: (_s, args, context, info) => {
      if (args.savedSearchId != null) throw notEmulated("QueryRoot.productsCount(savedSearchId:)");
      const match = search(context, info, args, productSearch(context.store));
      return count([...context.store.products.values()].filter(match).length, args.limit);
    },
    productVariantsCount: (_s, args, context, info) => {
      const match = search(context, info, args, variantSearch);
      return count([...context.store.variants.values()].filter(match).length, args.limit);
    },
    ordersCount: (_s, args, context, info) => {
      if (args.savedSearchId != null) throw notEmulated("QueryRoot.ordersCount(savedSearchId:)");
      const match = search(context, info, args, orderSearch());
      return count([...context.store.orders.values()].filter(match).length, args.limit);
    },
    locationsCount: (_s, args, context, info) => {
      const match = search<LocationRecord>(context, info, args, {
        name: { kind: "text", get: (l) => l.name },
        active: { kind: "boolean", get: (l) => l.isActive },
      });
      return count([...context.store.locations.values()].filter(match).length, args.limit);
    },
  },

  Shop: {
    id: (_s, _a, context) => gid("Shop", context.store.shop.id),
    name: (_s, _a, context) => context.store.shop.name,
    email: (_s, _a, context) => context.store.shop.email,
    myshopifyDomain: (_s, _a, context) => context.store.shop.myshopifyDomain,
    ianaTimezone: (_s, _a, context) => context.store.shop.ianaTimezone,
    timezoneOffsetMinutes: (_s, _a, context) => zoneOffsetMinutes(context.store.clock(), context.store.shop.ianaTimezone),
    timezoneOffset: (_s, _a, context) => {
      const minutes = zoneOffsetMinutes(context.store.clock(), context.store.shop.ianaTimezone);
      const abs = Math.abs(minutes);
      return `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
    },
    currencyCode: (_s, _a, context) => context.store.shop.currencyCode,
    weightUnit: (_s, _a, context) => context.store.shop.weightUnit,
    plan: (_s, _a, context) => ({ ...context.store.shop.plan }),
    createdAt: (_s, _a, context) => context.store.shop.createdAt,
    updatedAt: (_s, _a, context) => context.store.shop.updatedAt,
    ...metafieldResolvers("Shop"),
  },

  Product: {
    ...legacy("Product"),
    title: field<ProductRecord>((p) => p.title),
    handle: field<ProductRecord>((p) => p.handle),
    status: field<ProductRecord>((p) => p.status),
    vendor: field<ProductRecord>((p) => p.vendor),
    productType: field<ProductRecord>((p) => p.productType),
    tags: field<ProductRecord>((p) => [...p.tags]),
    createdAt: field<ProductRecord>((p) => p.createdAt),
    updatedAt: field<ProductRecord>((p) => p.updatedAt),
    defaultCursor: field<ProductRecord>((p) => Buffer.from(JSON.stringify({ last_id: p.id, last_value: p.id })).toString("base64")),
    variantsCount: field<ProductRecord>((p) => count(p.variantIds.length)),
    hasOnlyDefaultVariant: field<ProductRecord>((p, context) => {
      const variants = context.store.variantsOf(p);
      return variants.length === 1 && variants[0]?.title === "Default Title";
    }),
    tracksInventory: field<ProductRecord>((p, context) =>
      context.store.variantsOf(p).some((v) => context.store.inventoryItems.get(v.inventoryItemId)?.tracked),
    ),
    totalInventory: field<ProductRecord>((p, context) =>
      context.store
        .variantsOf(p)
        .filter((v) => context.store.inventoryItems.get(v.inventoryItemId)?.tracked)
        .reduce((sum, v) => sum + inventoryQuantity(context.store, v), 0),
    ),
    inCollection: field<ProductRecord>((p, _c, args) => {
      const parsed = parseGid(args.id);
      return parsed?.type === "Collection" && p.collectionIds.includes(parsed.id);
    }),
    ...metafieldResolvers("Product"),
  },

  ProductVariant: {
    ...legacy("ProductVariant"),
    title: field<VariantRecord>((v) => v.title),
    displayName: field<VariantRecord>((v, context) => `${context.store.products.get(v.productId)?.title ?? ""} - ${v.title}`),
    sku: field<VariantRecord>((v) => v.sku),
    barcode: field<VariantRecord>((v) => v.barcode),
    price: field<VariantRecord>((v) => moneyString(v.price)),
    compareAtPrice: field<VariantRecord>((v) => (v.compareAtPrice === null ? null : moneyString(v.compareAtPrice))),
    position: field<VariantRecord>((v) => v.position),
    inventoryPolicy: field<VariantRecord>((v) => v.inventoryPolicy),
    inventoryQuantity: field<VariantRecord>((v, context) => inventoryQuantity(context.store, v)),
    taxable: field<VariantRecord>((v) => v.taxable),
    createdAt: field<VariantRecord>((v) => v.createdAt),
    updatedAt: field<VariantRecord>((v) => v.updatedAt),
    product: field<VariantRecord>((v, context) => node.product(context.store.products.get(v.productId) as ProductRecord)),
    inventoryItem: field<VariantRecord>((v, context) => node.item(context.store.inventoryItems.get(v.inventoryItemId) as InventoryItemRecord)),
    ...metafieldResolvers("ProductVariant"),
  },

  InventoryItem: {
    ...legacy("InventoryItem"),
    sku: field<InventoryItemRecord>((i, context) => context.store.variants.get(i.variantId)?.sku ?? null),
    tracked: field<InventoryItemRecord>((i) => i.tracked),
    requiresShipping: field<InventoryItemRecord>((i) => i.requiresShipping),
    createdAt: field<InventoryItemRecord>((i) => i.createdAt),
    updatedAt: field<InventoryItemRecord>((i) => i.updatedAt),
    measurement: field<InventoryItemRecord>((i) => ({ weight: i.weight ? { ...i.weight } : null })),
    variant: field<InventoryItemRecord>((i, context) => node.variant(context.store.variants.get(i.variantId) as VariantRecord)),
    locationsCount: field<InventoryItemRecord>((i, context) => count(context.store.levelsOfItem(i.id).length)),
    inventoryLevel: field<InventoryItemRecord>((i, context, args) => {
      const location = parseGid(args.locationId);
      if (!location || location.type !== "Location") throw new GraphQLError(`Invalid global id '${String(args.locationId)}'`);
      const level = context.store.level(i.id, location.id);
      return level ? node.level(level) : null;
    }),
  },

  InventoryLevel: {
    id: field<InventoryLevelRecord>((l) => levelGid(l)),
    isActive: () => true,
    createdAt: field<InventoryLevelRecord>((l) => l.createdAt),
    updatedAt: field<InventoryLevelRecord>((l) => l.updatedAt),
    item: field<InventoryLevelRecord>((l, context) => node.item(context.store.inventoryItems.get(l.itemId) as InventoryItemRecord)),
    location: field<InventoryLevelRecord>((l, context) => node.location(context.store.locations.get(l.locationId) as LocationRecord)),
    quantities: field<InventoryLevelRecord>((l, _c, args) =>
      (args.names as string[]).map((name) => {
        if (!isQuantityName(name)) throw notEmulated(`InventoryLevel.quantities for the quantity name "${name}"`);
        return { name, quantity: quantityOf(l, name), updatedAt: quantityUpdatedAt(l, name) };
      }),
    ),
  },

  Location: {
    ...legacy("Location"),
    name: field<LocationRecord>((l) => l.name),
    isActive: field<LocationRecord>((l) => l.isActive),
    fulfillsOnlineOrders: field<LocationRecord>((l) => l.fulfillsOnlineOrders),
    shipsInventory: field<LocationRecord>((l) => l.shipsInventory),
    isFulfillmentService: () => false,
    hasActiveInventory: field<LocationRecord>((l, context) => context.store.levelsAtLocation(l.id).length > 0),
    deactivatedAt: field<LocationRecord>((l) => l.deactivatedAt),
    createdAt: field<LocationRecord>((l) => l.createdAt),
    updatedAt: field<LocationRecord>((l) => l.updatedAt),
    address: field<LocationRecord>((l) => ({ ...l.address })),
    inventoryLevel: field<LocationRecord>((l, context, args) => {
      const item = parseGid(args.inventoryItemId);
      if (!item || item.type !== "InventoryItem") throw new GraphQLError(`Invalid global id '${String(args.inventoryItemId)}'`);
      const level = context.store.level(item.id, l.id);
      return level ? node.level(level) : null;
    }),
    ...metafieldResolvers("Location"),
  },

  Collection: {
    ...legacy("Collection"),
    title: field<CollectionRecord>((c) => c.title),
    handle: field<CollectionRecord>((c) => c.handle),
    updatedAt: field<CollectionRecord>((c) => c.updatedAt),
    productsCount: field<CollectionRecord>((c, context) =>
      count([...context.store.products.values()].filter((p) => p.collectionIds.includes(c.id)).length),
    ),
    hasProduct: field<CollectionRecord>((c, context, args) => {
      const parsed = parseGid(args.id);
      return parsed?.type === "Product" && (context.store.products.get(parsed.id)?.collectionIds.includes(c.id) ?? false);
    }),
    ...metafieldResolvers("Collection"),
  },

  Customer: {
    ...legacy("Customer"),
    firstName: field<CustomerRecord>((c) => c.firstName),
    lastName: field<CustomerRecord>((c) => c.lastName),
    displayName: field<CustomerRecord>((c) => [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || ""),
    email: field<CustomerRecord>((c) => c.email),
    tags: field<CustomerRecord>((c) => [...c.tags]),
    createdAt: field<CustomerRecord>((c) => c.createdAt),
    updatedAt: field<CustomerRecord>((c) => c.updatedAt),
    numberOfOrders: field<CustomerRecord>((c, context) =>
      String([...context.store.orders.values()].filter((o) => o.customerId === c.id).length),
    ),
    ...metafieldResolvers("Customer"),
  },

  Order: {
    ...legacy("Order"),
    name: field<OrderRecord>((o) => o.name),
    number: field<OrderRecord>((o) => o.number),
    email: field<OrderRecord>((o) => o.email),
    createdAt: field<OrderRecord>((o) => o.createdAt),
    processedAt: field<OrderRecord>((o) => o.processedAt),
    updatedAt: field<OrderRecord>((o) => o.updatedAt),
    cancelledAt: field<OrderRecord>((o) => o.cancelledAt),
    cancelReason: field<OrderRecord>((o) => o.cancelReason),
    test: field<OrderRecord>((o) => o.test),
    tags: field<OrderRecord>((o) => [...o.tags]),
    currencyCode: field<OrderRecord>((_o, context) => context.store.shop.currencyCode),
    presentmentCurrencyCode: field<OrderRecord>((_o, context) => context.store.shop.currencyCode),
    displayFinancialStatus: field<OrderRecord>((o) => o.financialStatus),
    displayFulfillmentStatus: field<OrderRecord>((o) => o.fulfillmentStatus),
    customer: field<OrderRecord>((o, context) => {
      const customer = o.customerId === null ? undefined : context.store.customers.get(o.customerId);
      return customer ? node.customer(customer) : null;
    }),
    subtotalPriceSet: field<OrderRecord>((o, context) => moneyBag(context.store, orderTotals(o).subtotal)),
    totalDiscountsSet: field<OrderRecord>((o, context) => moneyBag(context.store, orderTotals(o).discounts)),
    totalShippingPriceSet: field<OrderRecord>((o, context) => moneyBag(context.store, orderTotals(o).shipping)),
    totalTaxSet: field<OrderRecord>((o, context) => moneyBag(context.store, orderTotals(o).tax)),
    totalPriceSet: field<OrderRecord>((o, context) => moneyBag(context.store, orderTotals(o).total)),
    totalRefundedSet: field<OrderRecord>((o, context) => moneyBag(context.store, refundedTotal(o))),
    subtotalLineItemsQuantity: field<OrderRecord>((o) => o.lineItems.reduce((sum, line) => sum + line.quantity, 0)),
    currentSubtotalLineItemsQuantity: field<OrderRecord>((o) => o.lineItems.reduce((sum, line) => sum + currentQuantity(line), 0)),
    fullyPaid: field<OrderRecord>((o) => ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(o.financialStatus)),
    unpaid: field<OrderRecord>((o) => ["PENDING", "AUTHORIZED"].includes(o.financialStatus)),
    ...metafieldResolvers("Order"),
  },

  LineItem: {
    id: field<LineRef>(({ line }) => gid("LineItem", line.id)),
    title: field<LineRef>(({ line }) => line.title),
    name: field<LineRef>(({ line }) => (line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title)),
    variantTitle: field<LineRef>(({ line }) => line.variantTitle),
    vendor: field<LineRef>(({ line }) => line.vendor),
    sku: field<LineRef>(({ line }) => line.sku),
    quantity: field<LineRef>(({ line }) => line.quantity),
    currentQuantity: field<LineRef>(({ line }) => currentQuantity(line)),
    unfulfilledQuantity: field<LineRef>(({ line }) => unfulfilled(line)),
    originalUnitPriceSet: field<LineRef>(({ line }, context) => moneyBag(context.store, line.price)),
    originalTotalSet: field<LineRef>(({ line }, context) => moneyBag(context.store, line.price * line.quantity)),
    variant: field<LineRef>(({ line }, context) => {
      const variant = line.variantId === null ? undefined : context.store.variants.get(line.variantId);
      return variant ? node.variant(variant) : null;
    }),
    product: field<LineRef>(({ line }, context) => {
      const product = line.productId === null ? undefined : context.store.products.get(line.productId);
      return product ? node.product(product) : null;
    }),
  },

  Metafield: {
    ...legacy("Metafield"),
    namespace: field<MetafieldRecord>((m) => m.namespace),
    key: field<MetafieldRecord>((m) => m.key),
    type: field<MetafieldRecord>((m) => m.type),
    value: field<MetafieldRecord>((m) => m.value),
    jsonValue: field<MetafieldRecord>((m) => jsonValueOf(m)),
    compareDigest: field<MetafieldRecord>((m) => compareDigestOf(m)),
    createdAt: field<MetafieldRecord>((m) => m.createdAt),
    updatedAt: field<MetafieldRecord>((m) => m.updatedAt),
    ownerType: field<MetafieldRecord>((m) => OWNER_TYPE_ENUM[m.ownerType] ?? m.ownerType.toUpperCase()),
    owner: field<MetafieldRecord>((m, context) => lookupNode(context.store, gid(m.ownerType, m.ownerId))),
  },

  BulkOperation: {
    id: field<BulkOperationRecord>((b) => gid("BulkOperation", b.id)),
    type: () => "QUERY",
    status: field<BulkOperationRecord>((b) => b.status),
    errorCode: field<BulkOperationRecord>((b) => b.errorCode),
    query: field<BulkOperationRecord>((b) => b.query),
    createdAt: field<BulkOperationRecord>((b) => b.createdAt),
    completedAt: field<BulkOperationRecord>((b) => b.completedAt),
    objectCount: field<BulkOperationRecord>((b) => String(b.objectCount)),
    rootObjectCount: field<BulkOperationRecord>((b) => String(b.rootObjectCount)),
    fileSize: field<BulkOperationRecord>((b) => (b.status === "COMPLETED" && b.fileSize !== null && b.objectCount > 0 ? String(b.fileSize) : null)),
    url: field<BulkOperationRecord>((b, context) =>
      b.status === "COMPLETED" && b.objectCount > 0 ? bulkUrl(context, b.id) : null,
    ),
    partialDataUrl: field<BulkOperationRecord>((b, context) =>
      b.status === "FAILED" && b.objectCount > 0 ? bulkUrl(context, b.id) : null,
    ),
  },

  InventoryAdjustmentGroup: {
    id: field<AdjustmentGroupRecord>((g) => gid("InventoryAdjustmentGroup", g.id)),
    createdAt: field<AdjustmentGroupRecord>((g) => g.createdAt),
    reason: field<AdjustmentGroupRecord>((g) => g.reason),
    referenceDocumentUri: field<AdjustmentGroupRecord>((g) => g.referenceDocumentUri),
    changes: field<AdjustmentGroupRecord>((g, context, args) => {
      const itemIds = Array.isArray(args.inventoryItemIds) ? (args.inventoryItemIds as string[]) : null;
      const locationIds = Array.isArray(args.locationIds) ? (args.locationIds as string[]) : null;
      const names = Array.isArray(args.quantityNames) ? (args.quantityNames as string[]) : null;
      return g.changes
        .filter(
          (c) =>
            (itemIds === null || itemIds.includes(gid("InventoryItem", c.itemId))) &&
            (locationIds === null || locationIds.includes(gid("Location", c.locationId))) &&
            (names === null || names.includes(c.name)),
        )
        .map((c) => {
          const item = context.store.inventoryItems.get(c.itemId);
          const location = context.store.locations.get(c.locationId);
          return {
            name: c.name,
            delta: c.delta,
            ledgerDocumentUri: c.ledgerDocumentUri,
            // Shopify answers null here (its own examples show `quantityAfterChange: null`):
            // read the level back for the new quantity.
            quantityAfterChange: null,
            item: item ? node.item(item) : null,
            location: location ? node.location(location) : null,
          };
        });
    }),
  },
};

function bulkUrl(context: EmulatorContext, id: number): string | null {
  const base = context.runtime.bulk.baseUrl;
  if (!base) throw notEmulated("BulkOperation.url without the emulator's HTTP server (no base URL to serve the file from)");
  return `${base}/__emulator/bulk/${id}.jsonl`;
}

/** Resolver modules: the core types here, returns, functions and their owners, customers. */
const modules: { types: ResolverMap<EmulatorContext>; listers: Record<string, Lister> }[] = [
  { types: typeResolvers, listers: coreListers },
  { types: { ...returnTypeResolvers, QueryRoot: returnQueries }, listers: returnListers },
  { types: { ...functionTypeResolvers, QueryRoot: functionQueries }, listers: functionListers },
  { types: customerTypeResolvers, listers: {} },
  { types: orderTypeResolvers, listers: {} },
];

/** Every connection field's listing, by `Type.field` (pagination and bulk operations read these). */
export const listers: Record<string, Lister> = Object.assign({}, ...modules.map((m) => m.listers)) as Record<string, Lister>;

/** Every query resolver, with connection fields cut into Relay pages. */
export function queryResolvers(): ResolverMap<EmulatorContext> {
  const map: ResolverMap<EmulatorContext> = {};
  for (const { types } of modules) {
    for (const [type, fields] of Object.entries(types)) map[type] = { ...map[type], ...fields };
  }
  for (const [path, lister] of Object.entries(listers)) {
    const [type, fieldName] = path.split(".") as [string, string];
    (map[type] ??= {})[fieldName] = (source, args, context, info) =>
      paginate(lister(source, args, context, info), args, `${type}.${fieldName}`);
  }
  return map;
}
