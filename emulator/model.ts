/**
 * The emulated store's records and the seed file format. Records hold plain data
 * with numeric ids; the GraphQL layer turns them into gids and schema shapes.
 */

/**
 * Shopify's named inventory quantities
 * (https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps#inventory-states):
 *
 *   on_hand     = available + committed + unavailable
 *   unavailable = reserved + damaged + quality_control + safety_stock
 *   incoming    is NOT part of on_hand (units on their way to the location).
 *
 * So, per item per location:
 *   on_hand = available + committed + reserved + damaged + quality_control + safety_stock
 *
 * The store keeps the seven independent quantities and derives on_hand, so the
 * invariant cannot drift; seed files that state an on_hand must agree with it.
 */
export const STORED_QUANTITY_NAMES = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "quality_control",
  "safety_stock",
  "incoming",
] as const;
export type StoredQuantityName = (typeof STORED_QUANTITY_NAMES)[number];
export type QuantityName = StoredQuantityName | "on_hand";
export const QUANTITY_NAMES: readonly QuantityName[] = [...STORED_QUANTITY_NAMES, "on_hand"];
/** The quantities that make up on_hand. */
export const ON_HAND_PARTS: readonly StoredQuantityName[] = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "quality_control",
  "safety_stock",
];

export type Quantities = Record<StoredQuantityName, number>;

export function onHand(q: Quantities): number {
  return ON_HAND_PARTS.reduce((sum, name) => sum + q[name], 0);
}

export function isQuantityName(name: string): name is QuantityName {
  return (QUANTITY_NAMES as readonly string[]).includes(name);
}

export interface ShopRecord {
  id: number;
  name: string;
  email: string;
  myshopifyDomain: string;
  ianaTimezone: string;
  currencyCode: string;
  weightUnit: "GRAMS" | "KILOGRAMS" | "OUNCES" | "POUNDS";
  plan: { publicDisplayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
  createdAt: string;
  updatedAt: string;
}

export interface AddressRecord {
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  phone: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface LocationRecord {
  id: number;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  shipsInventory: boolean;
  address: AddressRecord;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}

export interface CollectionRecord {
  id: number;
  title: string;
  handle: string;
  updatedAt: string;
}

export type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";

export interface ProductRecord {
  id: number;
  title: string;
  handle: string;
  status: ProductStatus;
  vendor: string;
  productType: string;
  tags: string[];
  collectionIds: number[];
  variantIds: number[];
  createdAt: string;
  updatedAt: string;
}

export interface VariantRecord {
  id: number;
  productId: number;
  title: string;
  sku: string | null;
  barcode: string | null;
  /** Cents. */
  price: number;
  compareAtPrice: number | null;
  position: number;
  inventoryPolicy: "DENY" | "CONTINUE";
  taxable: boolean;
  inventoryItemId: number;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryItemRecord {
  id: number;
  variantId: number;
  tracked: boolean;
  requiresShipping: boolean;
  weight: { value: number; unit: ShopRecord["weightUnit"] } | null;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryLevelRecord {
  itemId: number;
  locationId: number;
  quantities: Quantities;
  /** When each stored quantity last changed (null: never since the level was created). */
  quantityUpdatedAt: Record<StoredQuantityName, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerRecord {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** E.164, e.g. "+12125550123". */
  phone: string | null;
  note: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export type FinancialStatus = "PENDING" | "AUTHORIZED" | "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED";
export type FulfillmentStatus = "UNFULFILLED" | "PARTIALLY_FULFILLED" | "FULFILLED";

export interface LineItemRecord {
  id: number;
  variantId: number | null;
  productId: number | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  vendor: string | null;
  quantity: number;
  /** Unit price, cents. */
  price: number;
  fulfilledQuantity: number;
  /** Units removed before fulfilment (refunded unfulfilled, or cancelled). */
  removedQuantity: number;
  /** Fulfilled units refunded (returned). */
  returnedQuantity: number;
}

export type RestockType = "cancel" | "return" | "no_restock";

export interface RefundLineRecord {
  id: number;
  lineItemId: number;
  quantity: number;
  restockType: RestockType;
  locationId: number | null;
  /** Cents, after the line's share of order-level discounts. */
  subtotal: number;
  /** Cents: the line's share of the order's tax. */
  totalTax: number;
  /** Of `quantity`, the units that had been fulfilled (the rest were removed before fulfilment). */
  returnedUnits: number;
}

export interface RefundRecord {
  id: number;
  createdAt: string;
  note: string | null;
  lines: RefundLineRecord[];
  shipping: number;
  /** Total refunded by this refund, cents. */
  amount: number;
  /** The return this refund settles (returnProcess), or null. */
  returnId: number | null;
  /** The REFUND transactions that moved its money. */
  transactionIds: number[];
}

/** A payment event on an order (OrderTransaction). */
export interface TransactionRecord {
  id: number;
  kind: "AUTHORIZATION" | "CAPTURE" | "SALE" | "REFUND" | "VOID";
  status: "SUCCESS";
  /** Cents. */
  amount: number;
  parentId: number | null;
  createdAt: string;
  processedAt: string;
  test: boolean;
}

export interface FulfillmentLineRecord {
  id: number;
  lineItemId: number;
  quantity: number;
}

export interface FulfillmentRecord {
  id: number;
  orderId: number;
  /** 1 for the order's first fulfillment: `name` is `#1001.1`. */
  sequence: number;
  locationId: number | null;
  status: "SUCCESS" | "CANCELLED";
  lines: FulfillmentLineRecord[];
  createdAt: string;
  updatedAt: string;
}

export interface OrderRecord {
  id: number;
  number: number;
  name: string;
  email: string | null;
  customerId: number | null;
  /** Location whose inventory the order committed. */
  locationId: number | null;
  lineItems: LineItemRecord[];
  shippingPrice: number;
  totalTax: number;
  totalDiscounts: number;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  cancelledAt: string | null;
  cancelReason: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF" | null;
  refunds: RefundRecord[];
  fulfillments: FulfillmentRecord[];
  transactions: TransactionRecord[];
  tags: string[];
  test: boolean;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
}

/* ---------------------------------------------------------------- returns */

export type ReturnStatus = "REQUESTED" | "OPEN" | "DECLINED" | "CANCELED" | "CLOSED";
export type ReturnDeclineReason = "FINAL_SALE" | "OTHER" | "RETURN_PERIOD_ENDED";
export type ReturnReason =
  | "COLOR"
  | "DEFECTIVE"
  | "NOT_AS_DESCRIBED"
  | "OTHER"
  | "SIZE_TOO_LARGE"
  | "SIZE_TOO_SMALL"
  | "STYLE"
  | "UNKNOWN"
  | "UNWANTED"
  | "WRONG_ITEM";
export type DispositionType = "RESTOCKED" | "PROCESSING_REQUIRED" | "NOT_RESTOCKED" | "MISSING";

export interface ReturnLineRecord {
  id: number;
  fulfillmentLineItemId: number;
  lineItemId: number;
  quantity: number;
  processedQuantity: number;
  refundedQuantity: number;
  returnReason: ReturnReason;
  returnReasonNote: string;
  customerNote: string | null;
  restockingFee: { id: number; percentage: number } | null;
}

export interface DispositionRecord {
  id: number;
  type: DispositionType;
  quantity: number;
  locationId: number | null;
  createdAt: string;
}

export interface ReverseFulfillmentOrderLineRecord {
  id: number;
  returnLineId: number;
  fulfillmentLineItemId: number;
  totalQuantity: number;
  dispositions: DispositionRecord[];
}

export interface ReverseFulfillmentOrderRecord {
  id: number;
  returnId: number;
  orderId: number;
  status: "OPEN" | "CLOSED" | "CANCELED";
  lines: ReverseFulfillmentOrderLineRecord[];
}

export interface ReturnRecord {
  id: number;
  orderId: number;
  /** `#1001-R1`. */
  name: string;
  status: ReturnStatus;
  lines: ReturnLineRecord[];
  /** Return shipping fees charged to the customer, cents. */
  shippingFees: { id: number; amount: number }[];
  decline: { reason: ReturnDeclineReason; note: string | null } | null;
  reverseFulfillmentOrderIds: number[];
  createdAt: string;
  updatedAt: string;
  requestApprovedAt: string | null;
  closedAt: string | null;
}

/* ------------------------------------------------- functions and their owners */

/** One of the app's Shopify Functions (an extension), as the seed declares it. */
export interface ShopifyFunctionRecord {
  id: string;
  title: string;
  /** Shopify's API type, e.g. "discount", "cart_checkout_validation", "payment_customization", "delivery_customization". */
  apiType: string;
  handle: string;
  apiVersion?: string;
  description?: string | null;
  appKey?: string;
  useCreationUi?: boolean;
  inputQuery?: string | null;
}

export type DiscountClass = "ORDER" | "PRODUCT" | "SHIPPING";

export interface DiscountRecord {
  id: number;
  functionId: string;
  title: string;
  discountClasses: DiscountClass[];
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  startsAt: string;
  endsAt: string | null;
  appliesOnOneTimePurchase: boolean;
  appliesOnSubscription: boolean;
  recurringCycleLimit: number;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ValidationRecord {
  id: number;
  functionId: string;
  title: string;
  enabled: boolean;
  blockOnFailure: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CustomizationRecord {
  id: number;
  functionId: string;
  title: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface MetafieldRecord {
  id: number;
  ownerType: string;
  ownerId: number;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryChangeRecord {
  name: QuantityName;
  delta: number;
  itemId: number;
  locationId: number;
  ledgerDocumentUri: string | null;
}

export interface AdjustmentGroupRecord {
  id: number;
  createdAt: string;
  reason: string;
  referenceDocumentUri: string | null;
  changes: InventoryChangeRecord[];
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED" | "CANCELING" | "EXPIRED";

export interface BulkOperationRecord {
  id: number;
  query: string;
  status: BulkStatus;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  /** Why the emulator failed the operation (not a Shopify field; shown in the state dump). */
  failureReason: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** Path of the JSONL file on disk once written. */
  filePath: string | null;
}

/* ---------------------------------------------------------- order arithmetic */

export function unfulfilled(line: LineItemRecord): number {
  return line.quantity - line.fulfilledQuantity - line.removedQuantity;
}

/** Units still on the order: ordered, minus removed and returned (LineItem.currentQuantity). */
export function currentQuantity(line: LineItemRecord): number {
  return line.quantity - line.removedQuantity - line.returnedQuantity;
}

/** Order totals at placement, in cents (before refunds). */
export function orderTotals(order: OrderRecord): { lines: number; subtotal: number; shipping: number; tax: number; discounts: number; total: number } {
  const lines = order.lineItems.reduce((sum, line) => sum + line.price * line.quantity, 0);
  const subtotal = lines - order.totalDiscounts;
  const total = subtotal + order.shippingPrice + order.totalTax;
  return { lines, subtotal, shipping: order.shippingPrice, tax: order.totalTax, discounts: order.totalDiscounts, total };
}

export function refundedTotal(order: OrderRecord): number {
  return order.refunds.reduce((sum, refund) => sum + refund.amount, 0);
}

/* ------------------------------------------------------------------ seed file */

export type SeedQuantities = Partial<Record<QuantityName, number>>;

export interface SeedFile {
  shop: Omit<ShopRecord, "updatedAt"> & { updatedAt?: string };
  /** The app the emulator speaks to: its id names the `$app` metafield namespace (`app--<id>`). */
  app: { id: number };
  locations: (Omit<LocationRecord, "deactivatedAt" | "updatedAt" | "address"> & {
    updatedAt?: string;
    deactivatedAt?: string | null;
    address: Partial<AddressRecord>;
  })[];
  collections?: (Omit<CollectionRecord, "updatedAt"> & { updatedAt?: string })[];
  products: {
    id: number;
    title: string;
    handle: string;
    status: ProductStatus;
    vendor: string;
    productType: string;
    tags: string[];
    collectionIds?: number[];
    createdAt: string;
    updatedAt?: string;
    variants: {
      id: number;
      title: string;
      sku: string | null;
      barcode: string | null;
      price: string;
      compareAtPrice?: string | null;
      inventoryPolicy?: "DENY" | "CONTINUE";
      taxable?: boolean;
      inventoryItem: {
        id: number;
        tracked: boolean;
        requiresShipping?: boolean;
        weight?: { value: number; unit: ShopRecord["weightUnit"] } | null;
        levels: { locationId: number; quantities: SeedQuantities }[];
      };
    }[];
  }[];
  customers?: (Omit<CustomerRecord, "updatedAt" | "phone" | "note"> & { updatedAt?: string; phone?: string | null; note?: string | null })[];
  orders?: {
    id: number;
    number: number;
    email?: string | null;
    customerId?: number | null;
    locationId?: number | null;
    financialStatus: FinancialStatus;
    fulfillmentStatus?: FulfillmentStatus;
    /**
     * `fulfilledQuantity` on a line is used only when the order lists no `fulfillments`
     * (one fulfillment at the order's location is then derived); with `fulfillments`
     * the lines' fulfilled quantities are their sums.
     */
    lineItems: { id: number; variantId: number; quantity: number; price?: string; fulfilledQuantity?: number }[];
    fulfillments?: SeedFulfillment[];
    /** Applied in order: unfulfilled units are refunded first (removed), then fulfilled ones (returned). */
    refunds?: SeedRefund[];
    /** A cancelled order: its remaining unfulfilled units are removed. */
    cancelledAt?: string | null;
    cancelReason?: OrderRecord["cancelReason"];
    shippingPrice?: string;
    totalTax?: string;
    totalDiscounts?: string;
    tags?: string[];
    test?: boolean;
    createdAt: string;
    processedAt?: string;
    updatedAt?: string;
  }[];
  returns?: SeedReturn[];
  metafields?: { ownerId: string; namespace: string; key: string; type: string; value: string }[];
  /** The app's Shopify Functions (extensions): what `shopifyFunctions` lists and owners name. */
  functions?: ShopifyFunctionRecord[];
}

export interface SeedFulfillment {
  id: number;
  locationId?: number | null;
  createdAt: string;
  lines: { id: number; lineItemId: number; quantity: number }[];
}

export interface SeedRefund {
  id: number;
  createdAt: string;
  note?: string | null;
  /** Decimal string of shipping refunded. */
  shipping?: string;
  /** The return this refund settles. */
  returnId?: number | null;
  lines: { id: number; lineItemId: number; quantity: number; restockType: RestockType; locationId?: number | null }[];
}

export interface SeedReturn {
  id: number;
  orderId: number;
  status: ReturnStatus;
  createdAt: string;
  updatedAt?: string;
  requestApprovedAt?: string | null;
  closedAt?: string | null;
  decline?: { reason: ReturnDeclineReason; note?: string | null } | null;
  /** Decimal strings. */
  shippingFees?: { id: number; amount: string }[];
  lines: {
    id: number;
    fulfillmentLineItemId: number;
    quantity: number;
    processedQuantity?: number;
    returnReason?: ReturnReason;
    returnReasonNote?: string;
    customerNote?: string | null;
    restockingFee?: { id: number; percentage: number } | null;
  }[];
  /** Required for OPEN and CLOSED returns (Shopify opens one when a return is approved). */
  reverseFulfillmentOrder?: {
    id: number;
    lines: { id: number; returnLineId: number; dispositions?: (Omit<DispositionRecord, "createdAt"> & { createdAt?: string })[] }[];
  } | null;
}
