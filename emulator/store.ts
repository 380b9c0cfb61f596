/**
 * The emulated store: in-memory state seeded from a JSON file, resettable, with
 * monotonically increasing numeric ids and timestamps from an injectable clock.
 * Every change emits the webhook topic Shopify would send for it.
 */
import { readFileSync } from "node:fs";

import { isoSeconds, toCents } from "./ids";
import {
  ON_HAND_PARTS,
  STORED_QUANTITY_NAMES,
  currentQuantity,
  onHand,
  orderTotals,
  refundedTotal,
  unfulfilled,
  type AdjustmentGroupRecord,
  type BulkOperationRecord,
  type CollectionRecord,
  type CustomerRecord,
  type FinancialStatus,
  type InventoryChangeRecord,
  type InventoryItemRecord,
  type InventoryLevelRecord,
  type LineItemRecord,
  type LocationRecord,
  type MetafieldRecord,
  type OrderRecord,
  type ProductRecord,
  type ProductStatus,
  type Quantities,
  type RefundRecord,
  type SeedFile,
  type ShopRecord,
  type StoredQuantityName,
  type VariantRecord,
} from "./model";
import * as payloads from "./payloads";

/** Milliseconds since the epoch. Inject a fake one in tests. */
export type Clock = () => number;

export interface StoreEvent {
  topic: string;
  payload: unknown;
  /** When the change happened (ISO-8601, ms precision): sent as X-Shopify-Triggered-At. */
  triggeredAt: string;
}

export type StoreListener = (event: StoreEvent) => void;

export interface StoreOptions {
  seed: SeedFile;
  clock?: Clock;
}

export function readSeedFile(path: string): SeedFile {
  return JSON.parse(readFileSync(path, "utf8")) as SeedFile;
}

/** A refused store operation (bad id, impossible transition). The message names the thing. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

export function levelKey(itemId: number, locationId: number): string {
  return `${itemId}:${locationId}`;
}

/** Inventory levels by `levelKey`, indexed by item and by location too. */
export class LevelIndex {
  private byKey = new Map<string, InventoryLevelRecord>();
  private byItem = new Map<number, Map<number, InventoryLevelRecord>>();
  private byLocation = new Map<number, Map<number, InventoryLevelRecord>>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): InventoryLevelRecord | undefined {
    return this.byKey.get(key);
  }

  set(key: string, level: InventoryLevelRecord): void {
    this.delete(key);
    this.byKey.set(key, level);
    let ofItem = this.byItem.get(level.itemId);
    if (!ofItem) this.byItem.set(level.itemId, (ofItem = new Map()));
    ofItem.set(level.locationId, level);
    let atLocation = this.byLocation.get(level.locationId);
    if (!atLocation) this.byLocation.set(level.locationId, (atLocation = new Map()));
    atLocation.set(level.itemId, level);
  }

  delete(key: string): void {
    const level = this.byKey.get(key);
    if (!level) return;
    this.byKey.delete(key);
    this.byItem.get(level.itemId)?.delete(level.locationId);
    this.byLocation.get(level.locationId)?.delete(level.itemId);
  }

  clear(): void {
    this.byKey.clear();
    this.byItem.clear();
    this.byLocation.clear();
  }

  values(): IterableIterator<InventoryLevelRecord> {
    return this.byKey.values();
  }

  ofItem(itemId: number): InventoryLevelRecord[] {
    return [...(this.byItem.get(itemId)?.values() ?? [])];
  }

  atLocation(locationId: number): InventoryLevelRecord[] {
    return [...(this.byLocation.get(locationId)?.values() ?? [])];
  }
}

export interface InventoryDelta {
  itemId: number;
  locationId: number;
  name: StoredQuantityName;
  delta: number;
  ledgerDocumentUri?: string | null;
}

export interface NewProductInput {
  title: string;
  handle?: string;
  status?: ProductStatus;
  vendor?: string;
  productType?: string;
  tags?: string[];
  collectionIds?: number[];
  variants: {
    title?: string;
    sku?: string | null;
    barcode?: string | null;
    /** Decimal string, e.g. "19.99". */
    price: string;
    inventoryPolicy?: "DENY" | "CONTINUE";
    tracked?: boolean;
    /** Starting `available` per location; every other quantity starts at 0. */
    levels?: { locationId: number; available: number }[];
  }[];
}

export interface ProductPatch {
  title?: string;
  handle?: string;
  status?: ProductStatus;
  vendor?: string;
  productType?: string;
  tags?: string[];
  variants?: { id: number; sku?: string | null; barcode?: string | null; price?: string; title?: string }[];
}

export interface NewOrderInput {
  lineItems: { variantId: number; quantity: number; price?: string }[];
  customerId?: number | null;
  email?: string | null;
  /** Location whose inventory the order commits; defaults to the first active location. */
  locationId?: number;
  financialStatus?: Extract<FinancialStatus, "PENDING" | "AUTHORIZED" | "PAID">;
  shippingPrice?: string;
  totalTax?: string;
  totalDiscounts?: string;
  tags?: string[];
  test?: boolean;
}

export interface RefundInput {
  lines: { lineItemId: number; quantity: number; restock?: boolean }[];
  /** Decimal string of shipping refunded. */
  shipping?: string;
  note?: string | null;
}

export type LocationPatch = Partial<Pick<LocationRecord, "name" | "isActive" | "fulfillsOnlineOrders" | "shipsInventory">> & {
  address?: Partial<LocationRecord["address"]>;
};

const EMPTY_ADDRESS: LocationRecord["address"] = {
  address1: null,
  address2: null,
  city: null,
  province: null,
  provinceCode: null,
  zip: null,
  country: null,
  countryCode: null,
  phone: null,
  latitude: null,
  longitude: null,
};

export class Store {
  readonly clock: Clock;
  private seed: SeedFile;
  private listeners = new Set<StoreListener>();
  private nextIdValue = 1;

  shop!: ShopRecord;
  appId!: number;
  locations = new Map<number, LocationRecord>();
  collections = new Map<number, CollectionRecord>();
  products = new Map<number, ProductRecord>();
  variants = new Map<number, VariantRecord>();
  inventoryItems = new Map<number, InventoryItemRecord>();
  /** Keyed by {@link levelKey}. */
  levels = new LevelIndex();
  customers = new Map<number, CustomerRecord>();
  orders = new Map<number, OrderRecord>();
  metafields = new Map<number, MetafieldRecord>();
  /** Metafield ids by owner, then `namespace.key` (see {@link putMetafield}). */
  private metafieldsByOwner = new Map<string, Map<string, number>>();
  adjustmentGroups = new Map<number, AdjustmentGroupRecord>();
  bulkOperations = new Map<number, BulkOperationRecord>();

  constructor(options: StoreOptions) {
    this.clock = options.clock ?? Date.now;
    this.seed = structuredClone(options.seed);
    this.load(this.seed);
  }

  /* ------------------------------------------------------------ lifecycle */

  /** Back to the seed the store was created (or last re-seeded) with. */
  reset(): void {
    this.load(this.seed);
  }

  /** Replaces the seed (it becomes what {@link reset} returns to) and loads it. */
  loadSeed(seed: SeedFile): void {
    const copy = structuredClone(seed);
    this.load(copy);
    this.seed = copy;
  }

  on(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Current time as Shopify's DateTime (second precision, UTC). */
  now(): string {
    return isoSeconds(this.clock());
  }

  /** Next numeric id: one sequence for every resource, above every seeded id. */
  nextId(): number {
    return this.nextIdValue++;
  }

  emit(topic: string, payload: unknown): void {
    const event: StoreEvent = { topic, payload, triggeredAt: new Date(this.clock()).toISOString() };
    for (const listener of this.listeners) listener(event);
  }

  /** Everything in the store, JSON-ready, for the /__emulator/state dump. */
  dump(): Record<string, unknown> {
    return {
      shop: this.shop,
      app: { id: this.appId },
      locations: [...this.locations.values()],
      collections: [...this.collections.values()],
      products: [...this.products.values()],
      variants: [...this.variants.values()],
      inventoryItems: [...this.inventoryItems.values()],
      inventoryLevels: [...this.levels.values()].map((level) => ({
        ...level,
        quantities: { ...level.quantities, on_hand: onHand(level.quantities) },
      })),
      customers: [...this.customers.values()],
      orders: [...this.orders.values()],
      metafields: [...this.metafields.values()],
      adjustmentGroups: [...this.adjustmentGroups.values()],
      bulkOperations: [...this.bulkOperations.values()],
    };
  }

  private load(seed: SeedFile): void {
    const stamp = this.now();
    this.locations.clear();
    this.collections.clear();
    this.products.clear();
    this.variants.clear();
    this.inventoryItems.clear();
    this.levels.clear();
    this.customers.clear();
    this.orders.clear();
    this.metafields.clear();
    this.metafieldsByOwner.clear();
    this.adjustmentGroups.clear();
    this.bulkOperations.clear();

    let maxId = 0;
    const seen = (id: number, what: string): number => {
      if (!Number.isSafeInteger(id) || id <= 0) throw new StoreError(`Seed: ${what} has invalid id ${String(id)}`);
      maxId = Math.max(maxId, id);
      return id;
    };

    this.shop = { ...seed.shop, id: seen(seed.shop.id, "shop"), updatedAt: seed.shop.updatedAt ?? seed.shop.createdAt };
    this.appId = seed.app.id;

    for (const location of seed.locations) {
      this.locations.set(seen(location.id, "location"), {
        ...location,
        address: { ...EMPTY_ADDRESS, ...location.address },
        updatedAt: location.updatedAt ?? location.createdAt,
        deactivatedAt: location.deactivatedAt ?? null,
      });
    }
    for (const collection of seed.collections ?? []) {
      this.collections.set(seen(collection.id, "collection"), { ...collection, updatedAt: collection.updatedAt ?? stamp });
    }
    for (const product of seed.products) {
      const updatedAt = product.updatedAt ?? product.createdAt;
      const record: ProductRecord = {
        id: seen(product.id, "product"),
        title: product.title,
        handle: product.handle,
        status: product.status,
        vendor: product.vendor,
        productType: product.productType,
        tags: [...product.tags],
        collectionIds: [...(product.collectionIds ?? [])],
        variantIds: [],
        createdAt: product.createdAt,
        updatedAt,
      };
      for (const collectionId of record.collectionIds) {
        if (!this.collections.has(collectionId)) throw new StoreError(`Seed: product ${product.id} names unknown collection ${collectionId}`);
      }
      product.variants.forEach((variant, index) => {
        const item = variant.inventoryItem;
        record.variantIds.push(seen(variant.id, "variant"));
        this.variants.set(variant.id, {
          id: variant.id,
          productId: record.id,
          title: variant.title,
          sku: variant.sku,
          barcode: variant.barcode,
          price: toCents(variant.price),
          compareAtPrice: variant.compareAtPrice ? toCents(variant.compareAtPrice) : null,
          position: index + 1,
          inventoryPolicy: variant.inventoryPolicy ?? "DENY",
          taxable: variant.taxable ?? true,
          inventoryItemId: seen(item.id, "inventory item"),
          createdAt: product.createdAt,
          updatedAt,
        });
        this.inventoryItems.set(item.id, {
          id: item.id,
          variantId: variant.id,
          tracked: item.tracked,
          requiresShipping: item.requiresShipping ?? true,
          weight: item.weight ?? null,
          createdAt: product.createdAt,
          updatedAt,
        });
        for (const level of item.levels) {
          if (!this.locations.has(level.locationId)) {
            throw new StoreError(`Seed: SKU ${variant.sku ?? variant.id} is stocked at unknown location ${level.locationId}`);
          }
          const quantities = Object.fromEntries(
            STORED_QUANTITY_NAMES.map((name) => [name, level.quantities[name] ?? 0]),
          ) as Quantities;
          for (const name of STORED_QUANTITY_NAMES) {
            if (name !== "available" && quantities[name] < 0) {
              throw new StoreError(`Seed: SKU ${variant.sku ?? variant.id} at location ${level.locationId} has ${name} ${quantities[name]} (< 0)`);
            }
          }
          const stated = level.quantities.on_hand;
          if (stated !== undefined && stated !== onHand(quantities)) {
            throw new StoreError(
              `Seed: SKU ${variant.sku ?? variant.id} at location ${level.locationId} states on_hand ${stated}, ` +
                `but available + committed + reserved + damaged + quality_control + safety_stock = ${onHand(quantities)}`,
            );
          }
          this.levels.set(levelKey(item.id, level.locationId), {
            itemId: item.id,
            locationId: level.locationId,
            quantities,
            quantityUpdatedAt: Object.fromEntries(
              STORED_QUANTITY_NAMES.map((name) => [name, quantities[name] !== 0 ? updatedAt : null]),
            ) as InventoryLevelRecord["quantityUpdatedAt"],
            createdAt: product.createdAt,
            updatedAt,
          });
        }
      });
      this.products.set(record.id, record);
    }
    for (const customer of seed.customers ?? []) {
      this.customers.set(seen(customer.id, "customer"), {
        ...customer,
        tags: [...customer.tags],
        updatedAt: customer.updatedAt ?? customer.createdAt,
      });
    }
    for (const order of seed.orders ?? []) {
      const lineItems: LineItemRecord[] = order.lineItems.map((line) => {
        const variant = this.variants.get(line.variantId);
        if (!variant) throw new StoreError(`Seed: order ${order.number} names unknown variant ${line.variantId}`);
        const product = this.products.get(variant.productId) as ProductRecord;
        return {
          id: seen(line.id, "line item"),
          variantId: variant.id,
          productId: product.id,
          sku: variant.sku,
          title: product.title,
          variantTitle: variant.title === "Default Title" ? null : variant.title,
          vendor: product.vendor,
          quantity: line.quantity,
          price: line.price !== undefined ? toCents(line.price) : variant.price,
          fulfilledQuantity: line.fulfilledQuantity ?? 0,
          removedQuantity: 0,
          returnedQuantity: 0,
        };
      });
      const record: OrderRecord = {
        id: seen(order.id, "order"),
        number: order.number,
        name: `#${order.number}`,
        email: order.email ?? null,
        customerId: order.customerId ?? null,
        locationId: order.locationId ?? null,
        lineItems,
        shippingPrice: toCents(order.shippingPrice ?? "0"),
        totalTax: toCents(order.totalTax ?? "0"),
        totalDiscounts: toCents(order.totalDiscounts ?? "0"),
        financialStatus: order.financialStatus,
        fulfillmentStatus: order.fulfillmentStatus ?? fulfillmentStatusOf(lineItems),
        cancelledAt: null,
        cancelReason: null,
        refunds: [],
        tags: [...(order.tags ?? [])],
        test: order.test ?? false,
        createdAt: order.createdAt,
        processedAt: order.processedAt ?? order.createdAt,
        updatedAt: order.updatedAt ?? order.createdAt,
      };
      this.orders.set(record.id, record);
    }
    this.nextIdValue = maxId + 1;
    for (const metafield of seed.metafields ?? []) {
      const owner = this.ownerOf(metafield.ownerId);
      if (!owner) throw new StoreError(`Seed: metafield ${metafield.namespace}.${metafield.key} names unknown owner ${metafield.ownerId}`);
      const id = this.nextId();
      this.putMetafield({
        id,
        ownerType: owner.type,
        ownerId: owner.id,
        namespace: metafield.namespace,
        key: metafield.key,
        type: metafield.type,
        value: metafield.value,
        createdAt: stamp,
        updatedAt: stamp,
      });
    }
  }

  /* --------------------------------------------------------------- lookups */

  /** The owner type and id of a metafield owner gid, if it exists in the store. */
  ownerOf(ownerGid: string): { type: string; id: number } | null {
    const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(ownerGid);
    if (!match) return null;
    const type = match[1] as string;
    const id = Number(match[2]);
    const exists =
      (type === "Shop" && id === this.shop.id) ||
      (type === "Product" && this.products.has(id)) ||
      (type === "ProductVariant" && this.variants.has(id)) ||
      (type === "Collection" && this.collections.has(id)) ||
      (type === "Customer" && this.customers.has(id)) ||
      (type === "Order" && this.orders.has(id)) ||
      (type === "Location" && this.locations.has(id));
    return exists ? { type, id } : null;
  }

  /** Adds or replaces a metafield record, keeping the owner index. */
  putMetafield(record: MetafieldRecord): void {
    const owner = `${record.ownerType}:${record.ownerId}`;
    let byKey = this.metafieldsByOwner.get(owner);
    if (!byKey) this.metafieldsByOwner.set(owner, (byKey = new Map()));
    byKey.set(`${record.namespace}.${record.key}`, record.id);
    this.metafields.set(record.id, record);
  }

  deleteMetafield(id: number): void {
    const record = this.metafields.get(id);
    if (!record) return;
    this.metafieldsByOwner.get(`${record.ownerType}:${record.ownerId}`)?.delete(`${record.namespace}.${record.key}`);
    this.metafields.delete(id);
  }

  findMetafield(ownerType: string, ownerId: number, namespace: string, key: string): MetafieldRecord | undefined {
    const id = this.metafieldsByOwner.get(`${ownerType}:${ownerId}`)?.get(`${namespace}.${key}`);
    return id === undefined ? undefined : this.metafields.get(id);
  }

  metafieldsOf(ownerType: string, ownerId: number): MetafieldRecord[] {
    const ids = this.metafieldsByOwner.get(`${ownerType}:${ownerId}`);
    return ids ? [...ids.values()].map((id) => this.metafields.get(id)).filter((m): m is MetafieldRecord => m !== undefined) : [];
  }

  level(itemId: number, locationId: number): InventoryLevelRecord | undefined {
    return this.levels.get(levelKey(itemId, locationId));
  }

  levelsOfItem(itemId: number): InventoryLevelRecord[] {
    return this.levels.ofItem(itemId);
  }

  levelsAtLocation(locationId: number): InventoryLevelRecord[] {
    return this.levels.atLocation(locationId);
  }

  variantsOf(product: ProductRecord): VariantRecord[] {
    return product.variantIds.map((id) => this.variants.get(id)).filter((v): v is VariantRecord => v !== undefined);
  }

  /** Sum of `available` over the item's levels at active locations (ProductVariant.inventoryQuantity). */
  availableTotal(itemId: number): number {
    return this.levelsOfItem(itemId)
      .filter((level) => this.locations.get(level.locationId)?.isActive)
      .reduce((sum, level) => sum + level.quantities.available, 0);
  }

  private requireOrder(orderId: number): OrderRecord {
    const order = this.orders.get(orderId);
    if (!order) throw new StoreError(`Order ${orderId} does not exist`);
    return order;
  }

  /* ------------------------------------------------------------ inventory */

  /**
   * Applies quantity deltas (already validated by the caller) as one adjustment
   * group. on_hand changes are recorded alongside when the deltas touch its parts.
   * Emits inventory_levels/update once per level touched.
   */
  applyInventory(input: { reason: string; referenceDocumentUri: string | null; deltas: InventoryDelta[] }): AdjustmentGroupRecord {
    const stamp = this.now();
    const changes: InventoryChangeRecord[] = [];
    const onHandDelta = new Map<string, number>();
    const touched = new Map<string, InventoryLevelRecord>();
    for (const change of input.deltas) {
      const level = this.level(change.itemId, change.locationId);
      if (!level) {
        throw new StoreError(`Inventory item ${change.itemId} is not stocked at location ${change.locationId}`);
      }
      level.quantities[change.name] += change.delta;
      level.quantityUpdatedAt[change.name] = stamp;
      level.updatedAt = stamp;
      const key = levelKey(change.itemId, change.locationId);
      touched.set(key, level);
      changes.push({
        name: change.name,
        delta: change.delta,
        itemId: change.itemId,
        locationId: change.locationId,
        ledgerDocumentUri: change.ledgerDocumentUri ?? null,
      });
      if (ON_HAND_PARTS.includes(change.name)) onHandDelta.set(key, (onHandDelta.get(key) ?? 0) + change.delta);
    }
    for (const [key, delta] of onHandDelta) {
      if (delta === 0) continue;
      const level = touched.get(key) as InventoryLevelRecord;
      changes.push({ name: "on_hand", delta, itemId: level.itemId, locationId: level.locationId, ledgerDocumentUri: null });
    }
    const group: AdjustmentGroupRecord = {
      id: this.nextId(),
      createdAt: stamp,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri,
      changes,
    };
    this.adjustmentGroups.set(group.id, group);
    for (const level of touched.values()) this.emit("inventory_levels/update", payloads.inventoryLevel(this, level));
    return group;
  }

  updateInventoryItem(itemId: number, patch: { tracked?: boolean; requiresShipping?: boolean }): InventoryItemRecord {
    const item = this.inventoryItems.get(itemId);
    if (!item) throw new StoreError(`Inventory item ${itemId} does not exist`);
    if (patch.tracked !== undefined) item.tracked = patch.tracked;
    if (patch.requiresShipping !== undefined) item.requiresShipping = patch.requiresShipping;
    item.updatedAt = this.now();
    this.emit("inventory_items/update", payloads.inventoryItem(this, item));
    return item;
  }

  /* ------------------------------------------------------------- products */

  createProduct(input: NewProductInput): ProductRecord {
    if (input.variants.length === 0) throw new StoreError("A product needs at least one variant");
    const stamp = this.now();
    const product: ProductRecord = {
      id: this.nextId(),
      title: input.title,
      handle: input.handle ?? slug(input.title),
      status: input.status ?? "ACTIVE",
      vendor: input.vendor ?? this.shop.name,
      productType: input.productType ?? "",
      tags: [...(input.tags ?? [])],
      collectionIds: [...(input.collectionIds ?? [])],
      variantIds: [],
      createdAt: stamp,
      updatedAt: stamp,
    };
    for (const collectionId of product.collectionIds) {
      if (!this.collections.has(collectionId)) throw new StoreError(`Collection ${collectionId} does not exist`);
    }
    input.variants.forEach((variantInput, index) => {
      const variant: VariantRecord = {
        id: this.nextId(),
        productId: product.id,
        title: variantInput.title ?? "Default Title",
        sku: variantInput.sku ?? null,
        barcode: variantInput.barcode ?? null,
        price: toCents(variantInput.price),
        compareAtPrice: null,
        position: index + 1,
        inventoryPolicy: variantInput.inventoryPolicy ?? "DENY",
        taxable: true,
        inventoryItemId: 0,
        createdAt: stamp,
        updatedAt: stamp,
      };
      const item: InventoryItemRecord = {
        id: this.nextId(),
        variantId: variant.id,
        tracked: variantInput.tracked ?? true,
        requiresShipping: true,
        weight: null,
        createdAt: stamp,
        updatedAt: stamp,
      };
      variant.inventoryItemId = item.id;
      for (const level of variantInput.levels ?? []) {
        if (!this.locations.has(level.locationId)) throw new StoreError(`Location ${level.locationId} does not exist`);
        const quantities = Object.fromEntries(STORED_QUANTITY_NAMES.map((name) => [name, 0])) as Quantities;
        quantities.available = level.available;
        this.levels.set(levelKey(item.id, level.locationId), {
          itemId: item.id,
          locationId: level.locationId,
          quantities,
          quantityUpdatedAt: Object.fromEntries(
            STORED_QUANTITY_NAMES.map((name) => [name, name === "available" ? stamp : null]),
          ) as InventoryLevelRecord["quantityUpdatedAt"],
          createdAt: stamp,
          updatedAt: stamp,
        });
      }
      this.variants.set(variant.id, variant);
      this.inventoryItems.set(item.id, item);
      product.variantIds.push(variant.id);
    });
    this.products.set(product.id, product);
    this.emit("products/create", payloads.product(this, product));
    return product;
  }

  updateProduct(productId: number, patch: ProductPatch): ProductRecord {
    const product = this.products.get(productId);
    if (!product) throw new StoreError(`Product ${productId} does not exist`);
    const stamp = this.now();
    for (const key of ["title", "handle", "status", "vendor", "productType"] as const) {
      if (patch[key] !== undefined) (product as unknown as Record<string, unknown>)[key] = patch[key];
    }
    if (patch.tags) product.tags = [...patch.tags];
    const itemsChanged: InventoryItemRecord[] = [];
    for (const variantPatch of patch.variants ?? []) {
      const variant = this.variants.get(variantPatch.id);
      if (!variant || variant.productId !== productId) throw new StoreError(`Variant ${variantPatch.id} is not a variant of product ${productId}`);
      if (variantPatch.sku !== undefined && variantPatch.sku !== variant.sku) {
        variant.sku = variantPatch.sku;
        itemsChanged.push(this.inventoryItems.get(variant.inventoryItemId) as InventoryItemRecord);
      }
      if (variantPatch.barcode !== undefined) variant.barcode = variantPatch.barcode;
      if (variantPatch.title !== undefined) variant.title = variantPatch.title;
      if (variantPatch.price !== undefined) variant.price = toCents(variantPatch.price);
      variant.updatedAt = stamp;
    }
    product.updatedAt = stamp;
    this.emit("products/update", payloads.product(this, product));
    for (const item of itemsChanged) {
      item.updatedAt = stamp;
      this.emit("inventory_items/update", payloads.inventoryItem(this, item));
    }
    return product;
  }

  deleteProduct(productId: number): void {
    const product = this.products.get(productId);
    if (!product) throw new StoreError(`Product ${productId} does not exist`);
    for (const variant of this.variantsOf(product)) {
      for (const level of this.levelsOfItem(variant.inventoryItemId)) this.levels.delete(levelKey(level.itemId, level.locationId));
      this.inventoryItems.delete(variant.inventoryItemId);
      this.variants.delete(variant.id);
    }
    for (const [id, metafield] of this.metafields) {
      if (metafield.ownerType === "Product" && metafield.ownerId === productId) this.deleteMetafield(id);
    }
    this.products.delete(productId);
    this.emit("products/delete", payloads.productDeleted(product));
  }

  /* ------------------------------------------------------------ locations */

  createLocation(input: { name: string; fulfillsOnlineOrders?: boolean; address?: Partial<LocationRecord["address"]> }): LocationRecord {
    const stamp = this.now();
    const location: LocationRecord = {
      id: this.nextId(),
      name: input.name,
      isActive: true,
      fulfillsOnlineOrders: input.fulfillsOnlineOrders ?? true,
      shipsInventory: false,
      address: { ...EMPTY_ADDRESS, ...input.address },
      createdAt: stamp,
      updatedAt: stamp,
      deactivatedAt: null,
    };
    this.locations.set(location.id, location);
    this.emit("locations/create", payloads.location(this, location));
    return location;
  }

  updateLocation(locationId: number, patch: LocationPatch): LocationRecord {
    const location = this.locations.get(locationId);
    if (!location) throw new StoreError(`Location ${locationId} does not exist`);
    const stamp = this.now();
    const wasActive = location.isActive;
    if (patch.name !== undefined) location.name = patch.name;
    if (patch.fulfillsOnlineOrders !== undefined) location.fulfillsOnlineOrders = patch.fulfillsOnlineOrders;
    if (patch.shipsInventory !== undefined) location.shipsInventory = patch.shipsInventory;
    if (patch.isActive !== undefined) location.isActive = patch.isActive;
    if (patch.address) location.address = { ...location.address, ...patch.address };
    location.updatedAt = stamp;
    if (wasActive && !location.isActive) location.deactivatedAt = stamp;
    if (!wasActive && location.isActive) location.deactivatedAt = null;
    this.emit("locations/update", payloads.location(this, location));
    if (wasActive !== location.isActive) {
      this.emit(location.isActive ? "locations/activate" : "locations/deactivate", payloads.location(this, location));
    }
    return location;
  }

  /* --------------------------------------------------------------- orders */

  /**
   * Places an order. Like Shopify, each tracked line moves its units from
   * `available` to `committed` at the order's location.
   */
  createOrder(input: NewOrderInput): OrderRecord {
    if (input.lineItems.length === 0) throw new StoreError("An order needs at least one line item");
    const locationId = input.locationId ?? [...this.locations.values()].find((location) => location.isActive)?.id;
    if (locationId === undefined || !this.locations.has(locationId)) {
      throw new StoreError(`Location ${String(locationId)} does not exist`);
    }
    if (input.customerId != null && !this.customers.has(input.customerId)) {
      throw new StoreError(`Customer ${input.customerId} does not exist`);
    }
    const stamp = this.now();
    const lineItems = input.lineItems.map((line): LineItemRecord => {
      const variant = this.variants.get(line.variantId);
      if (!variant) throw new StoreError(`Variant ${line.variantId} does not exist`);
      if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
        throw new StoreError(`Line for variant ${line.variantId} has quantity ${line.quantity}; it must be a positive integer`);
      }
      const product = this.products.get(variant.productId) as ProductRecord;
      return {
        id: 0,
        variantId: variant.id,
        productId: product.id,
        sku: variant.sku,
        title: product.title,
        variantTitle: variant.title === "Default Title" ? null : variant.title,
        vendor: product.vendor,
        quantity: line.quantity,
        price: line.price !== undefined ? toCents(line.price) : variant.price,
        fulfilledQuantity: 0,
        removedQuantity: 0,
        returnedQuantity: 0,
      };
    });
    const orderId = this.nextId();
    for (const line of lineItems) line.id = this.nextId();
    let highest = 1000;
    for (const existing of this.orders.values()) highest = Math.max(highest, existing.number);
    const number = highest + 1;
    const customer = input.customerId != null ? this.customers.get(input.customerId) : undefined;
    const order: OrderRecord = {
      id: orderId,
      number,
      name: `#${number}`,
      email: input.email ?? customer?.email ?? null,
      customerId: input.customerId ?? null,
      locationId,
      lineItems,
      shippingPrice: toCents(input.shippingPrice ?? "0"),
      totalTax: toCents(input.totalTax ?? "0"),
      totalDiscounts: toCents(input.totalDiscounts ?? "0"),
      financialStatus: input.financialStatus ?? "PAID",
      fulfillmentStatus: "UNFULFILLED",
      cancelledAt: null,
      cancelReason: null,
      refunds: [],
      tags: [...(input.tags ?? [])],
      test: input.test ?? false,
      createdAt: stamp,
      processedAt: stamp,
      updatedAt: stamp,
    };
    this.orders.set(order.id, order);
    const deltas = this.lineDeltas(order, lineItems.map((line) => ({ line, quantity: line.quantity })), [
      ["available", -1],
      ["committed", +1],
    ]);
    this.emit("orders/create", payloads.order(this, order));
    if (order.financialStatus === "PAID") this.emit("orders/paid", payloads.order(this, order));
    if (deltas.length > 0) this.applyInventory({ reason: "order_created", referenceDocumentUri: `gid://shopify/Order/${order.id}`, deltas });
    return order;
  }

  markOrderPaid(orderId: number): OrderRecord {
    const order = this.requireOrder(orderId);
    if (order.financialStatus !== "PENDING" && order.financialStatus !== "AUTHORIZED") {
      throw new StoreError(`Order ${order.name} is ${order.financialStatus}; only a PENDING or AUTHORIZED order can be marked as paid`);
    }
    order.financialStatus = "PAID";
    order.updatedAt = this.now();
    this.emit("orders/paid", payloads.order(this, order));
    this.emit("orders/updated", payloads.order(this, order));
    return order;
  }

  /**
   * Fulfils the given quantities (default: everything still to fulfil). Fulfilled
   * units leave `committed` (and so `on_hand`).
   */
  fulfillOrder(orderId: number, lines?: { lineItemId: number; quantity: number }[]): OrderRecord {
    const order = this.requireOrder(orderId);
    if (order.cancelledAt) throw new StoreError(`Order ${order.name} is cancelled; it cannot be fulfilled`);
    const wanted =
      lines ??
      order.lineItems.map((line) => ({ lineItemId: line.id, quantity: unfulfilled(line) })).filter((line) => line.quantity > 0);
    if (wanted.length === 0) throw new StoreError(`Order ${order.name} has nothing left to fulfil`);
    const picks = wanted.map(({ lineItemId, quantity }) => {
      const line = order.lineItems.find((candidate) => candidate.id === lineItemId);
      if (!line) throw new StoreError(`Line item ${lineItemId} is not on order ${order.name}`);
      if (!Number.isInteger(quantity) || quantity <= 0 || quantity > unfulfilled(line)) {
        throw new StoreError(`Line item ${lineItemId} on order ${order.name} has ${unfulfilled(line)} to fulfil, ${quantity} requested`);
      }
      return { line, quantity };
    });
    for (const { line, quantity } of picks) line.fulfilledQuantity += quantity;
    order.fulfillmentStatus = fulfillmentStatusOf(order.lineItems);
    order.updatedAt = this.now();
    const deltas = this.lineDeltas(order, picks, [["committed", -1]]);
    if (deltas.length > 0) this.applyInventory({ reason: "fulfillment", referenceDocumentUri: `gid://shopify/Order/${order.id}`, deltas });
    this.emit(order.fulfillmentStatus === "FULFILLED" ? "orders/fulfilled" : "orders/partially_fulfilled", payloads.order(this, order));
    this.emit("orders/updated", payloads.order(this, order));
    return order;
  }

  /**
   * Cancels an order: its unfulfilled units are removed and leave `committed`;
   * with `restock` (the default) they go back to `available`.
   */
  cancelOrder(orderId: number, options: { reason?: OrderRecord["cancelReason"]; restock?: boolean } = {}): OrderRecord {
    const order = this.requireOrder(orderId);
    if (order.cancelledAt) throw new StoreError(`Order ${order.name} is already cancelled`);
    const stamp = this.now();
    const picks = order.lineItems.map((line) => ({ line, quantity: unfulfilled(line) })).filter((pick) => pick.quantity > 0);
    for (const { line, quantity } of picks) line.removedQuantity += quantity;
    order.cancelledAt = stamp;
    order.cancelReason = options.reason ?? "OTHER";
    order.updatedAt = stamp;
    const moves: [StoredQuantityName, number][] = options.restock === false ? [["committed", -1]] : [["committed", -1], ["available", +1]];
    const deltas = this.lineDeltas(order, picks, moves);
    if (deltas.length > 0) this.applyInventory({ reason: "restock", referenceDocumentUri: `gid://shopify/Order/${order.id}`, deltas });
    this.emit("orders/cancelled", payloads.order(this, order));
    this.emit("orders/updated", payloads.order(this, order));
    return order;
  }

  /**
   * Refunds line quantities (and optionally shipping). Unfulfilled units are
   * removed first (restock: committed -> available), then fulfilled units
   * (restock: returned to available, so on_hand grows again).
   */
  refundOrder(orderId: number, input: RefundInput): RefundRecord {
    const order = this.requireOrder(orderId);
    // Plan first, so a refused refund changes nothing.
    const plan = input.lines.map((request) => {
      const line = order.lineItems.find((candidate) => candidate.id === request.lineItemId);
      if (!line) throw new StoreError(`Line item ${request.lineItemId} is not on order ${order.name}`);
      const refundable = currentQuantity(line);
      if (!Number.isInteger(request.quantity) || request.quantity <= 0 || request.quantity > refundable) {
        throw new StoreError(`Line item ${line.id} on order ${order.name} has ${refundable} refundable, ${request.quantity} requested`);
      }
      const fromUnfulfilled = Math.min(request.quantity, unfulfilled(line));
      return { line, restock: request.restock ?? true, fromUnfulfilled, fromFulfilled: request.quantity - fromUnfulfilled };
    });
    const shipping = input.shipping ? toCents(input.shipping) : 0;
    const amount = plan.reduce((sum, step) => sum + step.line.price * (step.fromUnfulfilled + step.fromFulfilled), 0) + shipping;
    const total = orderTotals(order).total;
    const refundable = total - refundedTotal(order);
    if (amount > refundable) {
      throw new StoreError(`Order ${order.name}: a refund of ${amount} cents exceeds the ${refundable} cents still refundable`);
    }

    const stamp = this.now();
    const refund: RefundRecord = { id: this.nextId(), createdAt: stamp, note: input.note ?? null, lines: [], shipping, amount };
    const deltas: InventoryDelta[] = [];
    for (const { line, restock, fromUnfulfilled, fromFulfilled } of plan) {
      if (fromUnfulfilled > 0) {
        line.removedQuantity += fromUnfulfilled;
        refund.lines.push({
          id: this.nextId(),
          lineItemId: line.id,
          quantity: fromUnfulfilled,
          restockType: restock ? "cancel" : "no_restock",
          locationId: restock ? order.locationId : null,
          subtotal: line.price * fromUnfulfilled,
        });
        const moves: [StoredQuantityName, number][] = restock ? [["committed", -1], ["available", +1]] : [["committed", -1]];
        deltas.push(...this.lineDeltas(order, [{ line, quantity: fromUnfulfilled }], moves));
      }
      if (fromFulfilled > 0) {
        line.returnedQuantity += fromFulfilled;
        refund.lines.push({
          id: this.nextId(),
          lineItemId: line.id,
          quantity: fromFulfilled,
          restockType: restock ? "return" : "no_restock",
          locationId: restock ? order.locationId : null,
          subtotal: line.price * fromFulfilled,
        });
        if (restock) deltas.push(...this.lineDeltas(order, [{ line, quantity: fromFulfilled }], [["available", +1]]));
      }
    }
    order.refunds.push(refund);
    order.financialStatus = refundedTotal(order) >= total ? "REFUNDED" : "PARTIALLY_REFUNDED";
    order.fulfillmentStatus = fulfillmentStatusOf(order.lineItems);
    order.updatedAt = stamp;
    if (deltas.length > 0) this.applyInventory({ reason: "restock", referenceDocumentUri: `gid://shopify/Order/${order.id}`, deltas });
    this.emit("refunds/create", payloads.refund(this, order, refund));
    this.emit("orders/updated", payloads.order(this, order));
    return refund;
  }

  /** Inventory deltas for order lines at the order's location (tracked items stocked there only). */
  private lineDeltas(
    order: OrderRecord,
    picks: { line: LineItemRecord; quantity: number }[],
    moves: [StoredQuantityName, number][],
  ): InventoryDelta[] {
    const deltas: InventoryDelta[] = [];
    if (order.locationId === null) return deltas;
    for (const { line, quantity } of picks) {
      const variant = line.variantId !== null ? this.variants.get(line.variantId) : undefined;
      const item = variant ? this.inventoryItems.get(variant.inventoryItemId) : undefined;
      if (!item?.tracked || !this.level(item.id, order.locationId)) continue;
      for (const [name, sign] of moves) deltas.push({ itemId: item.id, locationId: order.locationId, name, delta: sign * quantity });
    }
    return deltas;
  }

  /* ------------------------------------------------------------------ app */

  /** The merchant uninstalls the app: Shopify sends app/uninstalled with the shop. */
  uninstallApp(): void {
    this.emit("app/uninstalled", payloads.shop(this));
  }
}

function fulfillmentStatusOf(lines: LineItemRecord[]): OrderRecord["fulfillmentStatus"] {
  const fulfilled = lines.reduce((sum, line) => sum + line.fulfilledQuantity, 0);
  const open = lines.reduce((sum, line) => sum + unfulfilled(line), 0);
  if (fulfilled === 0) return "UNFULFILLED";
  return open === 0 ? "FULFILLED" : "PARTIALLY_FULFILLED";
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
