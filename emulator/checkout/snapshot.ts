/**
 * A read-only view of the emulator's store for the checkout simulator, built from the
 * store's JSON dump (`Store.dump()`, or `GET /__emulator/state` of a running emulator), so
 * an in-process store and a live one read the same way. Only public data is used.
 *
 * Function owners (the objects a Function runs for, whose metafields configure it) come
 * from the store's function-config collections when the dump has them (discounts,
 * validations, paymentCustomizations, deliveryCustomizations, and — when the store grows
 * them — locationRules / fulfillmentConstraintRules), matched to an extension through
 * `functions[].handle`.
 */
import type {
  CollectionRecord,
  CustomerRecord,
  DiscountRecord,
  InventoryItemRecord,
  InventoryLevelRecord,
  LocationRecord,
  MetafieldRecord,
  OrderRecord,
  ProductRecord,
  ShopifyFunctionRecord,
  ShopRecord,
  ValidationRecord,
  CustomizationRecord,
  VariantRecord,
} from "../model";
import { orderTotals, refundedTotal } from "../model";
import type { Store } from "../store";

/** What the dump holds (fields this module reads; newer collections are optional). */
export interface StoreDump {
  shop: ShopRecord;
  app: { id: number };
  locations: LocationRecord[];
  collections?: CollectionRecord[];
  products: ProductRecord[];
  variants: VariantRecord[];
  inventoryItems: InventoryItemRecord[];
  inventoryLevels: InventoryLevelRecord[];
  customers?: CustomerRecord[];
  orders?: OrderRecord[];
  metafields?: MetafieldRecord[];
  functions?: ShopifyFunctionRecord[];
  discounts?: DiscountRecord[];
  validations?: ValidationRecord[];
  paymentCustomizations?: CustomizationRecord[];
  deliveryCustomizations?: CustomizationRecord[];
  locationRules?: CustomizationRecord[];
  fulfillmentConstraintRules?: CustomizationRecord[];
}

/** The kinds of Function owner, one per Function API. */
export type OwnerKind =
  | "discount"
  | "validation"
  | "paymentCustomization"
  | "deliveryCustomization"
  | "locationRule"
  | "fulfillmentConstraintRule";

/** Metafield owner types the store uses for each kind (Store.ownerOf). */
export const OWNER_METAFIELD_TYPES: Record<OwnerKind, readonly string[]> = {
  discount: ["DiscountAutomaticNode", "DiscountCodeNode", "DiscountNode"],
  validation: ["Validation"],
  paymentCustomization: ["PaymentCustomization"],
  deliveryCustomization: ["DeliveryCustomization"],
  locationRule: ["OrderRoutingLocationRule", "LocationRule"],
  fulfillmentConstraintRule: ["FulfillmentConstraintRule"],
};

/** A metafield as the simulator reads it. */
export interface SimMetafield {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

/** One owner a Function runs for: a discount, a validation, a customization, a rule. */
export interface FunctionOwner {
  kind: OwnerKind;
  /** gid of the store object, or null for an owner made up by a caller's override / forced run. */
  gid: string | null;
  title: string;
  /** "store": an object in the store; "override": given by the caller or cart file; "forced": run without one. */
  source: "store" | "override" | "forced";
  enabled: boolean;
  metafields: SimMetafield[];
  /** Discounts only. */
  discountClasses: ("PRODUCT" | "ORDER" | "SHIPPING")[];
  combinesWith: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean };
  triggeringDiscountCode: string | null;
  /** Validations only. */
  blockOnFailure: boolean;
}

export class StoreSnapshot {
  readonly shop: ShopRecord;
  readonly appId: number;
  readonly locations = new Map<number, LocationRecord>();
  readonly collections = new Map<number, CollectionRecord>();
  readonly products = new Map<number, ProductRecord>();
  readonly variants = new Map<number, VariantRecord>();
  readonly variantsBySku = new Map<string, VariantRecord[]>();
  readonly inventoryItems = new Map<number, InventoryItemRecord>();
  readonly levelsByItem = new Map<number, InventoryLevelRecord[]>();
  readonly customers = new Map<number, CustomerRecord>();
  readonly ordersByCustomer = new Map<number, OrderRecord[]>();
  readonly functions: ShopifyFunctionRecord[];
  private readonly metafieldIndex = new Map<string, SimMetafield>();
  private readonly dump: StoreDump;

  constructor(dump: StoreDump) {
    this.dump = dump;
    this.shop = dump.shop;
    this.appId = dump.app.id;
    for (const l of dump.locations) this.locations.set(l.id, l);
    for (const c of dump.collections ?? []) this.collections.set(c.id, c);
    for (const p of dump.products) this.products.set(p.id, p);
    for (const v of dump.variants) {
      this.variants.set(v.id, v);
      if (v.sku) this.variantsBySku.set(v.sku, [...(this.variantsBySku.get(v.sku) ?? []), v]);
    }
    for (const i of dump.inventoryItems) this.inventoryItems.set(i.id, i);
    for (const level of dump.inventoryLevels) this.levelsByItem.set(level.itemId, [...(this.levelsByItem.get(level.itemId) ?? []), level]);
    for (const c of dump.customers ?? []) this.customers.set(c.id, c);
    for (const o of dump.orders ?? []) {
      if (o.customerId !== null) this.ordersByCustomer.set(o.customerId, [...(this.ordersByCustomer.get(o.customerId) ?? []), o]);
    }
    for (const m of dump.metafields ?? []) this.metafieldIndex.set(metafieldKey(m.ownerType, m.ownerId, m.namespace, m.key), m);
    this.functions = dump.functions ?? [];
  }

  static fromStore(store: Store): StoreSnapshot {
    return new StoreSnapshot(store.dump() as unknown as StoreDump);
  }

  /** A metafield of an owner; `namespace` already resolved (`app--<id>`, not `$app`). */
  metafield(ownerType: string, ownerId: number, namespace: string, key: string): SimMetafield | undefined {
    return this.metafieldIndex.get(metafieldKey(ownerType, ownerId, namespace, key));
  }

  /** `$app` → `app--<app id>`, `$app:x` → `app--<app id>--x`, omitted → `$app`. */
  resolveNamespace(namespace: string | null | undefined): string {
    if (namespace === null || namespace === undefined || namespace === "$app") return `app--${this.appId}`;
    if (namespace.startsWith("$app:")) return `app--${this.appId}--${namespace.slice("$app:".length)}`;
    return namespace;
  }

  /** Levels of an inventory item (every location). */
  levelsOfItem(itemId: number): InventoryLevelRecord[] {
    return this.levelsByItem.get(itemId) ?? [];
  }

  /** Orders of a customer (Customer.numberOfOrders, amountSpent). */
  ordersOf(customerId: number): OrderRecord[] {
    return this.ordersByCustomer.get(customerId) ?? [];
  }

  /**
   * Customer.amountSpent: what the customer's orders came to, minus what was refunded,
   * cancelled orders excluded, in the shop's currency (cents).
   */
  amountSpentCents(customerId: number): number {
    return this.ordersOf(customerId)
      .filter((o) => o.cancelledAt === null)
      .reduce((sum, o) => sum + orderTotals(o).total - refundedTotal(o), 0);
  }

  /** The store's function record for an extension handle, if the store knows the function. */
  functionFor(handle: string): ShopifyFunctionRecord | undefined {
    return this.functions.find((f) => f.handle === handle);
  }

  /** The owners in the store for an extension (by handle), of the given kind, sorted by id. */
  ownersFor(handle: string, kind: OwnerKind): FunctionOwner[] {
    const fn = this.functionFor(handle);
    if (!fn) return [];
    const metafieldsOf = (id: number): SimMetafield[] =>
      (this.dump.metafields ?? []).filter((m) => m.ownerId === id && OWNER_METAFIELD_TYPES[kind].includes(m.ownerType));
    const base = { kind, source: "store" as const, discountClasses: [], combinesWith: NO_COMBINATIONS, triggeringDiscountCode: null, blockOnFailure: false };
    switch (kind) {
      case "discount":
        return (this.dump.discounts ?? [])
          .filter((d) => d.functionId === fn.id)
          .sort((a, b) => a.id - b.id)
          .map((d) => ({
            ...base,
            gid: `gid://shopify/DiscountAutomaticNode/${d.id}`,
            title: d.title,
            enabled: true,
            metafields: metafieldsOf(d.id),
            discountClasses: [...d.discountClasses],
            combinesWith: { ...d.combinesWith },
            // An automatic discount: no code triggers it. (Code discounts, when the store has them, carry `code`.)
            triggeringDiscountCode: (d as DiscountRecord & { code?: string | null }).code ?? null,
            ...{ startsAt: d.startsAt, endsAt: d.endsAt },
          }));
      case "validation":
        return (this.dump.validations ?? [])
          .filter((v) => v.functionId === fn.id)
          .sort((a, b) => a.id - b.id)
          .map((v) => ({
            ...base,
            gid: `gid://shopify/Validation/${v.id}`,
            title: v.title,
            enabled: v.enabled,
            metafields: metafieldsOf(v.id),
            blockOnFailure: v.blockOnFailure,
          }));
      case "paymentCustomization":
      case "deliveryCustomization":
      case "locationRule":
      case "fulfillmentConstraintRule": {
        const records = {
          paymentCustomization: this.dump.paymentCustomizations,
          deliveryCustomization: this.dump.deliveryCustomizations,
          locationRule: this.dump.locationRules,
          fulfillmentConstraintRule: this.dump.fulfillmentConstraintRules,
        }[kind];
        const typename = { paymentCustomization: "PaymentCustomization", deliveryCustomization: "DeliveryCustomization", locationRule: "OrderRoutingLocationRule", fulfillmentConstraintRule: "FulfillmentConstraintRule" }[kind];
        return (records ?? [])
          .filter((r) => r.functionId === fn.id)
          .sort((a, b) => a.id - b.id)
          .map((r) => ({ ...base, gid: `gid://shopify/${typename}/${r.id}`, title: r.title, enabled: r.enabled, metafields: metafieldsOf(r.id) }));
      }
    }
  }

  /** A discount owner's active window, when the store gave one (ownersFor keeps it on the object). */
  static discountWindow(owner: FunctionOwner): { startsAt: string; endsAt: string | null } | null {
    const w = owner as FunctionOwner & { startsAt?: string; endsAt?: string | null };
    return typeof w.startsAt === "string" ? { startsAt: w.startsAt, endsAt: w.endsAt ?? null } : null;
  }
}

export const NO_COMBINATIONS = { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false } as const;

function metafieldKey(ownerType: string, ownerId: number, namespace: string, key: string): string {
  return `${ownerType}:${ownerId}:${namespace}.${key}`;
}

/** Shopify's Location.handle is not in the emulator's records: derive it from the name as a handle is (lowercase, hyphens). */
export function locationHandle(location: LocationRecord): string {
  const own = (location as LocationRecord & { handle?: unknown }).handle;
  if (typeof own === "string" && own) return own;
  return location.name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
