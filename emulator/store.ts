/**
 * The emulated store: in-memory state seeded from a JSON file, resettable, with
 * monotonically increasing numeric ids and timestamps from an injectable clock.
 * Every change emits the webhook topic Shopify would send for it.
 */
import { readFileSync } from "node:fs";

import { isoSeconds, toCents } from "./ids";
import { lineShares, refundedUnits, unitsValue } from "./money";
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
  type CustomizationRecord,
  type DiscountRecord,
  type FinancialStatus,
  type FulfillmentLineRecord,
  type FulfillmentRecord,
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
  type RefundLineRecord,
  type RefundRecord,
  type ReturnRecord,
  type ReturnStatus,
  type ReverseFulfillmentOrderRecord,
  type SeedFile,
  type SeedReturn,
  type ShopifyFunctionRecord,
  type ShopRecord,
  type StoredQuantityName,
  type TransactionRecord,
  type ValidationRecord,
  type VariantRecord,
} from "./model";
import * as payloads from "./payloads";

export type { SeedFile } from "./model";

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

const RETURN_STATUSES: readonly ReturnStatus[] = ["REQUESTED", "OPEN", "DECLINED", "CANCELED", "CLOSED"];
/** Return statuses whose lines hold fulfilled units (a declined or canceled return gives them back). */
export const RETURN_HOLDS_UNITS: readonly ReturnStatus[] = ["REQUESTED", "OPEN", "CLOSED"];

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

export interface CustomerPatch {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
}

/** Tags as Shopify stores them: trimmed, without blanks or case-insensitive duplicates, in order. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags.flatMap((tag) => tag.split(","))) {
    const tag = raw.trim();
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
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
  /** Fulfillments, their lines, refunds and transactions by id (the records live on their orders). */
  fulfillmentIndex = new Map<number, FulfillmentRecord>();
  fulfillmentLineIndex = new Map<number, { fulfillment: FulfillmentRecord; line: FulfillmentLineRecord }>();
  refundIndex = new Map<number, { order: OrderRecord; refund: RefundRecord }>();
  transactionIndex = new Map<number, { order: OrderRecord; transaction: TransactionRecord }>();
  returns = new Map<number, ReturnRecord>();
  reverseFulfillmentOrders = new Map<number, ReverseFulfillmentOrderRecord>();
  /** The app's Shopify Functions, as seeded. */
  functions: ShopifyFunctionRecord[] = [];
  discounts = new Map<number, DiscountRecord>();
  validations = new Map<number, ValidationRecord>();
  paymentCustomizations = new Map<number, CustomizationRecord>();
  deliveryCustomizations = new Map<number, CustomizationRecord>();
  /** Asynchronous jobs the API started (orderCancel); the emulator finishes them at once. */
  jobs = new Map<number, { id: number; kind: "orderCancel"; orderId: number }>();

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
      returns: [...this.returns.values()],
      reverseFulfillmentOrders: [...this.reverseFulfillmentOrders.values()],
      functions: this.functions,
      discounts: [...this.discounts.values()],
      validations: [...this.validations.values()],
      paymentCustomizations: [...this.paymentCustomizations.values()],
      deliveryCustomizations: [...this.deliveryCustomizations.values()],
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
    this.fulfillmentIndex.clear();
    this.fulfillmentLineIndex.clear();
    this.refundIndex.clear();
    this.transactionIndex.clear();
    this.returns.clear();
    this.reverseFulfillmentOrders.clear();
    this.functions = [];
    this.discounts.clear();
    this.validations.clear();
    this.paymentCustomizations.clear();
    this.deliveryCustomizations.clear();
    this.jobs.clear();

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
        phone: customer.phone ?? null,
        note: customer.note ?? null,
        tags: [...customer.tags],
        updatedAt: customer.updatedAt ?? customer.createdAt,
      });
    }
    const derive: { order: OrderRecord; fulfilled: boolean }[] = [];
    for (const order of seed.orders ?? []) {
      const record = this.loadOrder(order, seen);
      derive.push({ order: record, fulfilled: !order.fulfillments });
    }
    const functionIds = new Set<string>();
    for (const fn of seed.functions ?? []) {
      if (!fn.id || !fn.handle || !fn.apiType || !fn.title) throw new StoreError(`Seed: function ${JSON.stringify(fn)} needs id, title, apiType and handle`);
      if (functionIds.has(fn.id)) throw new StoreError(`Seed: function id ${fn.id} is listed twice`);
      if (this.functions.some((other) => other.handle === fn.handle)) throw new StoreError(`Seed: function handle ${fn.handle} is listed twice`);
      functionIds.add(fn.id);
      this.functions.push({ ...fn });
    }
    for (const seeded of seed.returns ?? []) this.loadReturn(seeded, seen);
    for (const { refund, order } of this.refundIndex.values()) {
      if (refund.returnId !== null && this.returns.get(refund.returnId)?.orderId !== order.id) {
        throw new StoreError(`Seed: refund ${refund.id} names return ${refund.returnId}, which is not a return of order ${order.name}`);
      }
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
    // Records the seed implies but does not list get ids after every seeded id:
    // a fulfillment for orders given only fulfilled quantities, and the payment transactions.
    for (const { order, fulfilled } of derive) {
      if (fulfilled) {
        const lines = order.lineItems.filter((line) => line.fulfilledQuantity > 0);
        if (lines.length > 0) {
          this.addFulfillment(order, {
            id: this.nextId(),
            orderId: order.id,
            sequence: 1,
            locationId: order.locationId,
            status: "SUCCESS",
            lines: lines.map((line) => ({ id: this.nextId(), lineItemId: line.id, quantity: line.fulfilledQuantity })),
            createdAt: order.processedAt,
            updatedAt: order.processedAt,
          });
        }
      }
      this.deriveTransactions(order);
    }
  }

  /** One seeded order: lines, fulfillments, refunds and cancellation, checked for consistency. */
  private loadOrder(order: NonNullable<SeedFile["orders"]>[number], seen: (id: number, what: string) => number): OrderRecord {
    const what = `Seed: order ${order.number}`;
    if (order.customerId != null && !this.customers.has(order.customerId)) throw new StoreError(`${what} names unknown customer ${order.customerId}`);
    if (order.locationId != null && !this.locations.has(order.locationId)) throw new StoreError(`${what} names unknown location ${order.locationId}`);
    if (order.lineItems.length === 0) throw new StoreError(`${what} has no line items`);
    const lineItems: LineItemRecord[] = order.lineItems.map((line) => {
      const variant = this.variants.get(line.variantId);
      if (!variant) throw new StoreError(`${what} names unknown variant ${line.variantId}`);
      if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new StoreError(`${what}: line ${line.id} has quantity ${line.quantity}`);
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
        fulfilledQuantity: order.fulfillments ? 0 : (line.fulfilledQuantity ?? 0),
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
      fulfillmentStatus: "UNFULFILLED",
      cancelledAt: null,
      cancelReason: null,
      refunds: [],
      fulfillments: [],
      transactions: [],
      tags: [...(order.tags ?? [])],
      test: order.test ?? false,
      createdAt: order.createdAt,
      processedAt: order.processedAt ?? order.createdAt,
      updatedAt: order.updatedAt ?? order.createdAt,
    };
    const lineOf = (lineItemId: number, where: string): LineItemRecord => {
      const line = lineItems.find((candidate) => candidate.id === lineItemId);
      if (!line) throw new StoreError(`${what}: ${where} names line item ${lineItemId}, which is not on the order`);
      return line;
    };
    for (const line of lineItems) {
      if (line.fulfilledQuantity < 0 || line.fulfilledQuantity > line.quantity) {
        throw new StoreError(`${what}: line ${line.id} has fulfilledQuantity ${line.fulfilledQuantity} of ${line.quantity}`);
      }
    }
    (order.fulfillments ?? []).forEach((fulfillment, index) => {
      if (fulfillment.locationId != null && !this.locations.has(fulfillment.locationId)) {
        throw new StoreError(`${what}: fulfillment ${fulfillment.id} names unknown location ${fulfillment.locationId}`);
      }
      if (fulfillment.lines.length === 0) throw new StoreError(`${what}: fulfillment ${fulfillment.id} has no lines`);
      const lines = fulfillment.lines.map((entry) => {
        const line = lineOf(entry.lineItemId, `fulfillment ${fulfillment.id}`);
        if (!Number.isInteger(entry.quantity) || entry.quantity <= 0 || entry.quantity > unfulfilled(line)) {
          throw new StoreError(`${what}: fulfillment ${fulfillment.id} fulfils ${entry.quantity} of line ${line.id}, which has ${unfulfilled(line)} left`);
        }
        line.fulfilledQuantity += entry.quantity;
        return { id: seen(entry.id, "fulfillment line item"), lineItemId: line.id, quantity: entry.quantity };
      });
      this.addFulfillment(record, {
        id: seen(fulfillment.id, "fulfillment"),
        orderId: record.id,
        sequence: index + 1,
        locationId: fulfillment.locationId === undefined ? record.locationId : fulfillment.locationId,
        status: "SUCCESS",
        lines,
        createdAt: fulfillment.createdAt,
        updatedAt: fulfillment.createdAt,
      });
    });
    const shares = lineShares(record);
    const total = orderTotals(record).total;
    for (const refund of order.refunds ?? []) {
      const lines: RefundLineRecord[] = [];
      for (const entry of refund.lines) {
        const line = lineOf(entry.lineItemId, `refund ${refund.id}`);
        if (!Number.isInteger(entry.quantity) || entry.quantity <= 0 || entry.quantity > currentQuantity(line)) {
          throw new StoreError(`${what}: refund ${refund.id} refunds ${entry.quantity} of line ${line.id}, which has ${currentQuantity(line)} refundable`);
        }
        if (entry.locationId != null && !this.locations.has(entry.locationId)) {
          throw new StoreError(`${what}: refund ${refund.id} restocks at unknown location ${entry.locationId}`);
        }
        const value = unitsValue(record, line, refundedUnits(record, line.id) + lines.filter((l) => l.lineItemId === line.id).reduce((sum, l) => sum + l.quantity, 0), entry.quantity, shares);
        const fromUnfulfilled = Math.min(entry.quantity, unfulfilled(line));
        line.removedQuantity += fromUnfulfilled;
        line.returnedQuantity += entry.quantity - fromUnfulfilled;
        lines.push({
          id: seen(entry.id, "refund line item"),
          lineItemId: line.id,
          quantity: entry.quantity,
          restockType: entry.restockType,
          locationId: entry.restockType === "no_restock" ? null : (entry.locationId ?? record.locationId),
          subtotal: value.subtotal,
          totalTax: value.tax,
          returnedUnits: entry.quantity - fromUnfulfilled,
        });
      }
      const shipping = toCents(refund.shipping ?? "0");
      const amount = lines.reduce((sum, line) => sum + line.subtotal + line.totalTax, 0) + shipping;
      if (amount > total - refundedTotal(record)) {
        throw new StoreError(`${what}: refund ${refund.id} of ${amount} cents exceeds the ${total - refundedTotal(record)} cents still refundable`);
      }
      const created: RefundRecord = {
        id: seen(refund.id, "refund"),
        createdAt: refund.createdAt,
        note: refund.note ?? null,
        lines,
        shipping,
        amount,
        returnId: refund.returnId ?? null,
        transactionIds: [],
      };
      record.refunds.push(created);
      this.refundIndex.set(created.id, { order: record, refund: created });
    }
    if (order.cancelledAt) {
      record.cancelledAt = order.cancelledAt;
      record.cancelReason = order.cancelReason ?? "OTHER";
      for (const line of lineItems) line.removedQuantity += unfulfilled(line);
    } else if (order.cancelReason) {
      throw new StoreError(`${what} has a cancelReason but no cancelledAt`);
    }
    record.fulfillmentStatus = fulfillmentStatusOf(lineItems);
    if (order.fulfillmentStatus !== undefined && order.fulfillmentStatus !== record.fulfillmentStatus) {
      throw new StoreError(`${what} states fulfillmentStatus ${order.fulfillmentStatus}, but its lines make it ${record.fulfillmentStatus}`);
    }
    const refunded = refundedTotal(record);
    const expected = refunded === 0 ? null : refunded >= total ? "REFUNDED" : "PARTIALLY_REFUNDED";
    if (expected !== null && record.financialStatus !== expected) {
      throw new StoreError(`${what} is ${record.financialStatus}, but its refunds (${refunded} of ${total} cents) make it ${expected}`);
    }
    if (expected === null && (record.financialStatus === "REFUNDED" || record.financialStatus === "PARTIALLY_REFUNDED")) {
      throw new StoreError(`${what} is ${record.financialStatus} but lists no refunds`);
    }
    this.orders.set(record.id, record);
    return record;
  }

  /** Payment transactions a seeded order implies: the sale (or authorization) and one refund transaction per refund. */
  private deriveTransactions(order: OrderRecord): void {
    const add = (kind: TransactionRecord["kind"], amount: number, parentId: number | null, at: string): TransactionRecord => {
      const transaction: TransactionRecord = { id: this.nextId(), kind, status: "SUCCESS", amount, parentId, createdAt: at, processedAt: at, test: order.test };
      this.addTransaction(order, transaction);
      return transaction;
    };
    const total = orderTotals(order).total;
    switch (order.financialStatus) {
      case "PENDING":
        return;
      case "AUTHORIZED":
        add("AUTHORIZATION", total, null, order.processedAt);
        return;
      case "VOIDED": {
        const authorization = add("AUTHORIZATION", total, null, order.processedAt);
        add("VOID", total, authorization.id, order.cancelledAt ?? order.updatedAt);
        return;
      }
      default: {
        const sale = add("SALE", total, null, order.processedAt);
        for (const refund of order.refunds) if (refund.amount > 0) refund.transactionIds.push(add("REFUND", refund.amount, sale.id, refund.createdAt).id);
      }
    }
  }

  /** One seeded return, with its reverse fulfillment order. */
  private loadReturn(seeded: SeedReturn, seen: (id: number, what: string) => number): void {
    const what = `Seed: return ${seeded.id}`;
    const order = this.orders.get(seeded.orderId);
    if (!order) throw new StoreError(`${what} names unknown order ${seeded.orderId}`);
    if (!RETURN_STATUSES.includes(seeded.status)) throw new StoreError(`${what} has unknown status ${String(seeded.status)}`);
    if (seeded.lines.length === 0) throw new StoreError(`${what} has no lines`);
    const record: ReturnRecord = {
      id: seen(seeded.id, "return"),
      orderId: order.id,
      name: `${order.name}-R${this.returnsOf(order.id).length + 1}`,
      status: seeded.status,
      lines: [],
      shippingFees: (seeded.shippingFees ?? []).map((fee) => ({ id: seen(fee.id, "return shipping fee"), amount: toCents(fee.amount) })),
      decline: seeded.decline ? { reason: seeded.decline.reason, note: seeded.decline.note ?? null } : null,
      reverseFulfillmentOrderIds: [],
      createdAt: seeded.createdAt,
      updatedAt: seeded.updatedAt ?? seeded.createdAt,
      requestApprovedAt: seeded.requestApprovedAt ?? null,
      closedAt: seeded.closedAt ?? null,
    };
    if ((record.status === "DECLINED") !== (record.decline !== null)) throw new StoreError(`${what}: a DECLINED return, and only one, has a decline`);
    if ((record.status === "CLOSED") !== (record.closedAt !== null)) throw new StoreError(`${what}: a CLOSED return, and only one, has closedAt`);
    for (const line of seeded.lines) {
      const found = this.fulfillmentLineIndex.get(line.fulfillmentLineItemId);
      if (!found || found.fulfillment.orderId !== order.id) {
        throw new StoreError(`${what} names fulfillment line item ${line.fulfillmentLineItemId}, which is not on order ${order.name}`);
      }
      const returnable = this.returnableQuantity(line.fulfillmentLineItemId);
      if (!Number.isInteger(line.quantity) || line.quantity <= 0 || line.quantity > returnable) {
        throw new StoreError(`${what} returns ${line.quantity} of fulfillment line item ${line.fulfillmentLineItemId}, which has ${returnable} returnable`);
      }
      const processed = line.processedQuantity ?? 0;
      if (processed < 0 || processed > line.quantity) throw new StoreError(`${what}: line ${line.id} has processedQuantity ${processed} of ${line.quantity}`);
      record.lines.push({
        id: seen(line.id, "return line item"),
        fulfillmentLineItemId: line.fulfillmentLineItemId,
        lineItemId: found.line.lineItemId,
        quantity: line.quantity,
        processedQuantity: processed,
        refundedQuantity: 0,
        returnReason: line.returnReason ?? "UNKNOWN",
        returnReasonNote: line.returnReasonNote ?? "",
        customerNote: line.customerNote ?? null,
        restockingFee: line.restockingFee ? { id: seen(line.restockingFee.id, "restocking fee"), percentage: line.restockingFee.percentage } : null,
      });
    }
    const rfo = seeded.reverseFulfillmentOrder ?? null;
    const needsRfo = record.status === "OPEN" || record.status === "CLOSED";
    if (needsRfo !== (rfo !== null)) throw new StoreError(`${what}: OPEN and CLOSED returns, and only they, have a reverseFulfillmentOrder`);
    if (rfo) {
      const reverse: ReverseFulfillmentOrderRecord = {
        id: seen(rfo.id, "reverse fulfillment order"),
        returnId: record.id,
        orderId: order.id,
        status: record.status === "CLOSED" ? "CLOSED" : "OPEN",
        lines: rfo.lines.map((entry) => {
          const returnLine = record.lines.find((line) => line.id === entry.returnLineId);
          if (!returnLine) throw new StoreError(`${what}: reverse fulfillment order line ${entry.id} names return line ${entry.returnLineId}, which is not on the return`);
          const dispositions = (entry.dispositions ?? []).map((d) => {
            if (d.locationId !== null && !this.locations.has(d.locationId)) throw new StoreError(`${what}: disposition ${d.id} names unknown location ${d.locationId}`);
            return { ...d, id: seen(d.id, "disposition"), createdAt: d.createdAt ?? record.updatedAt };
          });
          const disposed = dispositions.reduce((sum, d) => sum + d.quantity, 0);
          if (disposed > returnLine.quantity) throw new StoreError(`${what}: ${disposed} units disposed on return line ${returnLine.id}, which returns ${returnLine.quantity}`);
          return { id: seen(entry.id, "reverse fulfillment order line item"), returnLineId: returnLine.id, fulfillmentLineItemId: returnLine.fulfillmentLineItemId, totalQuantity: returnLine.quantity, dispositions };
        }),
      };
      if (reverse.lines.length !== record.lines.length) throw new StoreError(`${what}: its reverse fulfillment order needs one line per return line`);
      this.reverseFulfillmentOrders.set(reverse.id, reverse);
      record.reverseFulfillmentOrderIds.push(reverse.id);
    }
    // Refunds that settle this return (seeded on the order with `returnId`) mark its lines refunded.
    for (const refund of order.refunds) {
      if (refund.returnId !== record.id) continue;
      for (const refundLine of refund.lines) {
        let left = refundLine.quantity;
        for (const line of record.lines) {
          if (line.lineItemId !== refundLine.lineItemId || left === 0) continue;
          const take = Math.min(left, line.quantity - line.refundedQuantity);
          line.refundedQuantity += take;
          left -= take;
        }
        if (left > 0) throw new StoreError(`${what}: refund ${refund.id} refunds more of line ${refundLine.lineItemId} than the return holds`);
      }
    }
    this.returns.set(record.id, record);
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
      (type === "Location" && this.locations.has(id)) ||
      (type === "DiscountAutomaticNode" && this.discounts.has(id)) ||
      (type === "Validation" && this.validations.has(id)) ||
      (type === "PaymentCustomization" && this.paymentCustomizations.has(id)) ||
      (type === "DeliveryCustomization" && this.deliveryCustomizations.has(id));
    return exists ? { type, id } : null;
  }

  /** Deletes every metafield of an owner (the owner is being deleted). */
  deleteMetafieldsOf(ownerType: string, ownerId: number): void {
    for (const metafield of this.metafieldsOf(ownerType, ownerId)) this.deleteMetafield(metafield.id);
  }

  addFulfillment(order: OrderRecord, fulfillment: FulfillmentRecord): void {
    order.fulfillments.push(fulfillment);
    this.fulfillmentIndex.set(fulfillment.id, fulfillment);
    for (const line of fulfillment.lines) this.fulfillmentLineIndex.set(line.id, { fulfillment, line });
  }

  addTransaction(order: OrderRecord, transaction: TransactionRecord): void {
    order.transactions.push(transaction);
    this.transactionIndex.set(transaction.id, { order, transaction });
  }

  addRefund(order: OrderRecord, refund: RefundRecord): void {
    order.refunds.push(refund);
    this.refundIndex.set(refund.id, { order, refund });
  }

  /** The order's returns, oldest first. */
  returnsOf(orderId: number): ReturnRecord[] {
    return [...this.returns.values()].filter((record) => record.orderId === orderId).sort((a, b) => a.id - b.id);
  }

  /** Units of a fulfillment line item in returns that still count (not declined or canceled). */
  unitsInReturns(fulfillmentLineItemId: number): number {
    let units = 0;
    for (const record of this.returns.values()) {
      if (!RETURN_HOLDS_UNITS.includes(record.status)) continue;
      for (const line of record.lines) if (line.fulfillmentLineItemId === fulfillmentLineItemId) units += line.quantity;
    }
    return units;
  }

  /**
   * Units of an order line that can still go into a return: fulfilled, minus those
   * already in returns, minus fulfilled units refunded without a return.
   */
  returnableOfLine(order: OrderRecord, lineItemId: number): number {
    const line = order.lineItems.find((candidate) => candidate.id === lineItemId);
    if (!line) return 0;
    let inReturns = 0;
    for (const fulfillment of order.fulfillments) {
      for (const fli of fulfillment.lines) if (fli.lineItemId === lineItemId) inReturns += this.unitsInReturns(fli.id);
    }
    let refundedOutside = 0;
    for (const refund of order.refunds) {
      if (refund.returnId !== null) continue;
      for (const refundLine of refund.lines) if (refundLine.lineItemId === lineItemId) refundedOutside += refundLine.returnedUnits;
    }
    return Math.max(0, line.fulfilledQuantity - inReturns - refundedOutside);
  }

  /** Units of a fulfillment line item that can still go into a return (0 for an unknown one). */
  returnableQuantity(fulfillmentLineItemId: number): number {
    const found = this.fulfillmentLineIndex.get(fulfillmentLineItemId);
    if (!found || found.fulfillment.status !== "SUCCESS") return 0;
    const order = this.orders.get(found.fulfillment.orderId);
    if (!order) return 0;
    return Math.max(0, Math.min(found.line.quantity - this.unitsInReturns(fulfillmentLineItemId), this.returnableOfLine(order, found.line.lineItemId)));
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
      fulfillments: [],
      transactions: [],
      tags: [...(input.tags ?? [])],
      test: input.test ?? false,
      createdAt: stamp,
      processedAt: stamp,
      updatedAt: stamp,
    };
    this.orders.set(order.id, order);
    if (order.financialStatus !== "PENDING") {
      const kind = order.financialStatus === "PAID" ? "SALE" : "AUTHORIZATION";
      this.addTransaction(order, { id: this.nextId(), kind, status: "SUCCESS", amount: orderTotals(order).total, parentId: null, createdAt: stamp, processedAt: stamp, test: order.test });
    }
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
    const stamp = this.now();
    const authorization = order.transactions.find((transaction) => transaction.kind === "AUTHORIZATION");
    this.addTransaction(order, {
      id: this.nextId(),
      kind: authorization ? "CAPTURE" : "SALE",
      status: "SUCCESS",
      amount: orderTotals(order).total,
      parentId: authorization?.id ?? null,
      createdAt: stamp,
      processedAt: stamp,
      test: order.test,
    });
    order.financialStatus = "PAID";
    order.updatedAt = stamp;
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
    const stamp = this.now();
    this.addFulfillment(order, {
      id: this.nextId(),
      orderId: order.id,
      sequence: order.fulfillments.length + 1,
      locationId: order.locationId,
      status: "SUCCESS",
      lines: picks.map(({ line, quantity }) => ({ id: this.nextId(), lineItemId: line.id, quantity })),
      createdAt: stamp,
      updatedAt: stamp,
    });
    order.fulfillmentStatus = fulfillmentStatusOf(order.lineItems);
    order.updatedAt = stamp;
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
  cancelOrder(orderId: number, options: { reason?: OrderRecord["cancelReason"]; restock?: boolean; refund?: boolean } = {}): OrderRecord {
    const order = this.requireOrder(orderId);
    if (order.cancelledAt) throw new StoreError(`Order ${order.name} is already cancelled`);
    const stamp = this.now();
    const picks = order.lineItems.map((line) => ({ line, quantity: unfulfilled(line) })).filter((pick) => pick.quantity > 0);
    // With `refund`, a paid order gets back what is left to refund on its removed units and shipping.
    let refund: RefundRecord | null = null;
    if (options.refund && ["PAID", "PARTIALLY_REFUNDED"].includes(order.financialStatus)) {
      const shares = lineShares(order);
      const lines: RefundLineRecord[] = picks.map(({ line, quantity }) => {
        const value = unitsValue(order, line, refundedUnits(order, line.id), quantity, shares);
        return {
          id: this.nextId(),
          lineItemId: line.id,
          quantity,
          restockType: options.restock === false ? "no_restock" : "cancel",
          locationId: options.restock === false ? null : order.locationId,
          subtotal: value.subtotal,
          totalTax: value.tax,
          returnedUnits: 0,
        };
      });
      const shipping = order.shippingPrice - order.refunds.reduce((sum, r) => sum + r.shipping, 0);
      const amount = Math.min(
        lines.reduce((sum, line) => sum + line.subtotal + line.totalTax, 0) + shipping,
        orderTotals(order).total - refundedTotal(order),
      );
      refund = { id: this.nextId(), createdAt: stamp, note: "Order cancelled", lines, shipping, amount, returnId: null, transactionIds: [] };
    }
    for (const { line, quantity } of picks) line.removedQuantity += quantity;
    order.cancelledAt = stamp;
    order.cancelReason = options.reason ?? "OTHER";
    order.updatedAt = stamp;
    if (refund) this.recordRefund(order, refund, stamp);
    else if (options.refund && (order.financialStatus === "AUTHORIZED" || order.financialStatus === "PENDING")) {
      // Nothing was captured: the authorization is voided.
      const authorization = order.transactions.find((t) => t.kind === "AUTHORIZATION");
      if (authorization) this.addTransaction(order, { id: this.nextId(), kind: "VOID", status: "SUCCESS", amount: authorization.amount, parentId: authorization.id, createdAt: stamp, processedAt: stamp, test: order.test });
      order.financialStatus = "VOIDED";
    }
    const moves: [StoredQuantityName, number][] = options.restock === false ? [["committed", -1]] : [["committed", -1], ["available", +1]];
    const deltas = this.lineDeltas(order, picks, moves);
    if (deltas.length > 0) this.applyInventory({ reason: "restock", referenceDocumentUri: `gid://shopify/Order/${order.id}`, deltas });
    this.emit("orders/cancelled", payloads.order(this, order));
    if (refund) this.emit("refunds/create", payloads.refund(this, order, refund));
    this.emit("orders/updated", payloads.order(this, order));
    return order;
  }

  /**
   * Refunds line quantities (and optionally shipping). Unfulfilled units are
   * removed first (restock: committed -> available), then fulfilled units
   * (restock: returned to available, so on_hand grows again). Each unit is worth
   * its price less its share of the order discount, plus its share of the tax
   * (see money.ts).
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
    const shares = lineShares(order);
    const planned = new Map<number, number>();
    const valued = plan.map((step) => {
      const value = (count: number): { subtotal: number; tax: number } => {
        if (count === 0) return { subtotal: 0, tax: 0 };
        const before = refundedUnits(order, step.line.id) + (planned.get(step.line.id) ?? 0);
        planned.set(step.line.id, (planned.get(step.line.id) ?? 0) + count);
        return unitsValue(order, step.line, before, count, shares);
      };
      return { ...step, unfulfilledValue: value(step.fromUnfulfilled), fulfilledValue: value(step.fromFulfilled) };
    });
    const shipping = input.shipping ? toCents(input.shipping) : 0;
    const amount =
      valued.reduce((sum, step) => sum + step.unfulfilledValue.subtotal + step.unfulfilledValue.tax + step.fulfilledValue.subtotal + step.fulfilledValue.tax, 0) +
      shipping;
    const total = orderTotals(order).total;
    const refundable = total - refundedTotal(order);
    if (amount > refundable) {
      throw new StoreError(`Order ${order.name}: a refund of ${amount} cents exceeds the ${refundable} cents still refundable`);
    }

    const stamp = this.now();
    const refund: RefundRecord = { id: this.nextId(), createdAt: stamp, note: input.note ?? null, lines: [], shipping, amount, returnId: null, transactionIds: [] };
    const deltas: InventoryDelta[] = [];
    for (const { line, restock, fromUnfulfilled, fromFulfilled, unfulfilledValue, fulfilledValue } of valued) {
      if (fromUnfulfilled > 0) {
        line.removedQuantity += fromUnfulfilled;
        refund.lines.push({
          id: this.nextId(),
          lineItemId: line.id,
          quantity: fromUnfulfilled,
          restockType: restock ? "cancel" : "no_restock",
          locationId: restock ? order.locationId : null,
          subtotal: unfulfilledValue.subtotal,
          totalTax: unfulfilledValue.tax,
          returnedUnits: 0,
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
          subtotal: fulfilledValue.subtotal,
          totalTax: fulfilledValue.tax,
          returnedUnits: fromFulfilled,
        });
        if (restock) deltas.push(...this.lineDeltas(order, [{ line, quantity: fromFulfilled }], [["available", +1]]));
      }
    }
    this.recordRefund(order, refund, stamp);
    if (deltas.length > 0) this.applyInventory({ reason: "restock", referenceDocumentUri: `gid://shopify/Order/${order.id}`, deltas });
    this.emit("refunds/create", payloads.refund(this, order, refund));
    this.emit("orders/updated", payloads.order(this, order));
    return refund;
  }

  /**
   * Adds a refund to an order with its REFUND transaction (child of the order's
   * sale or capture) and the financial status it leads to. Emits nothing.
   */
  recordRefund(order: OrderRecord, refund: RefundRecord, stamp: string, transactions?: { parentId: number; amount: number }[]): void {
    this.addRefund(order, refund);
    const parents = order.transactions.filter((t) => t.kind === "SALE" || t.kind === "CAPTURE");
    const planned = transactions ?? (refund.amount > 0 && parents[0] ? [{ parentId: parents[0].id, amount: refund.amount }] : []);
    for (const { parentId, amount } of planned) {
      const transaction: TransactionRecord = { id: this.nextId(), kind: "REFUND", status: "SUCCESS", amount, parentId, createdAt: stamp, processedAt: stamp, test: order.test };
      this.addTransaction(order, transaction);
      refund.transactionIds.push(transaction.id);
    }
    const total = orderTotals(order).total;
    if (refund.amount > 0 || refundedTotal(order) > 0) order.financialStatus = refundedTotal(order) >= total ? "REFUNDED" : "PARTIALLY_REFUNDED";
    order.fulfillmentStatus = fulfillmentStatusOf(order.lineItems);
    order.updatedAt = stamp;
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

  /* ------------------------------------------------------------- customers */

  createCustomer(input: CustomerPatch): CustomerRecord {
    const stamp = this.now();
    const customer: CustomerRecord = {
      id: this.nextId(),
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      note: input.note ?? null,
      tags: normalizeTags(input.tags ?? []),
      createdAt: stamp,
      updatedAt: stamp,
    };
    this.customers.set(customer.id, customer);
    this.emit("customers/create", payloads.customer(this, customer));
    return customer;
  }

  updateCustomer(customerId: number, patch: CustomerPatch): CustomerRecord {
    const customer = this.customers.get(customerId);
    if (!customer) throw new StoreError(`Customer ${customerId} does not exist`);
    for (const key of ["firstName", "lastName", "email", "phone", "note"] as const) {
      if (patch[key] !== undefined) customer[key] = patch[key] ?? null;
    }
    if (patch.tags !== undefined) customer.tags = normalizeTags(patch.tags ?? []);
    customer.updatedAt = this.now();
    this.emit("customers/update", payloads.customer(this, customer));
    return customer;
  }

  /** Another email/phone on a customer (Shopify keeps both unique per shop). */
  customerWith(field: "email" | "phone", value: string, except?: number): CustomerRecord | undefined {
    const wanted = value.toLowerCase();
    return [...this.customers.values()].find((c) => c.id !== except && (c[field] ?? "").toLowerCase() === wanted);
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
