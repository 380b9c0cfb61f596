/**
 * The checkout as the simulator holds it: a cart file resolved against the store, in
 * integer minor units of the presentment currency. Functions read it (input.ts builds
 * their input from it); their operations change it (apply.ts); the shopper view is read
 * off it at the end (view.ts).
 */
import type { LocationRecord, ProductRecord, VariantRecord } from "../model";
import {
  DEFAULT_DELIVERY_OPTIONS,
  type CartAddress,
  type CartFile,
  type DeliveryMethodType,
  type PaymentPlacement,
} from "./cart";
import { locationHandle, type FunctionOwner, type StoreSnapshot } from "./snapshot";
import { convertCents, shopWallTime } from "./values";

export type DiscountClass = "PRODUCT" | "ORDER" | "SHIPPING";

/** One discount's share on a line or a delivery option. */
export interface SimAllocation {
  /** The discount's title, or the candidate's message when it has one (what the shopper reads). */
  title: string;
  /** The owner (discount) that produced it. */
  owner: Pick<FunctionOwner, "gid" | "title">;
  /** Key of the owner within the run (gid, or "forced:<handle>"). */
  ownerKey: string;
  discountClass: DiscountClass;
  cents: number;
  code: string | null;
}

export interface SimLine {
  /** gid://shopify/CartLine/<n>, n = position in the cart file, from 1. */
  id: string;
  position: number;
  variant: VariantRecord;
  product: ProductRecord;
  quantity: number;
  attributes: Record<string, string>;
  /** Unit price in the presentment currency, cents. */
  unitCents: number;
  compareAtUnitCents: number | null;
  requiresShipping: boolean;
  productAllocations: SimAllocation[];
  orderAllocations: SimAllocation[];
}

export interface SimDeliveryOption {
  handle: string;
  title: string;
  originalTitle: string;
  type: DeliveryMethodType;
  costCents: number;
  code: string | null;
  description: string | null;
  discounts: SimAllocation[];
  hiddenBy: string | null;
  renamedBy: string | null;
}

export interface SimDeliveryGroup {
  /** gid://shopify/CartDeliveryGroup/<n>. */
  id: string;
  lineIds: string[];
  address: CartAddress | null;
  options: SimDeliveryOption[];
  /** What the cart file selected (Input: selectedDeliveryOption), or null. */
  selectedHandle: string | null;
}

export interface SimPaymentMethod {
  id: string;
  name: string;
  originalName: string;
  placements: PaymentPlacement[];
  hiddenPlacements: PaymentPlacement[];
  hiddenBy: string | null;
  renamedBy: string | null;
}

export interface SimFulfillmentGroup {
  id: string;
  handle: string;
  deliveryGroupId: string;
  lineIds: string[];
  inventoryLocationHandles: string[];
  /** Set by a location-rankings function: best (lowest rank) first. */
  rankings: { locationHandle: string; rank: number; by: string }[] | null;
}

export interface SimValidationError {
  message: string;
  target: string;
  by: string;
}

export interface SimDiscountCode {
  code: string;
  status: "entered" | "accepted" | "rejected";
  message: string | null;
  by: string | null;
}

export interface CheckoutState {
  snapshot: StoreSnapshot;
  cart: CartFile;
  /** Presentment currency. */
  currency: string;
  /** Input.presentmentCurrencyRate (Decimal string). */
  rate: string;
  /** Shop-local wall time "YYYY-MM-DDTHH:MM:SS" for shop.localTime. */
  nowWall: string;
  lines: SimLine[];
  deliveryGroups: SimDeliveryGroup[];
  paymentMethods: SimPaymentMethod[];
  fulfillmentGroups: SimFulfillmentGroup[];
  validationErrors: SimValidationError[];
  discountCodes: SimDiscountCode[];
  paymentTerms: { terms: unknown; by: string }[];
  orderReviews: { reason: string; by: string }[];
  fulfillmentConstraints: { operation: string; detail: unknown; by: string }[];
  /** Things an operation asked for that were ignored or not simulated, in order. */
  notes: string[];
  /** Validations whose function failed with blockOnFailure: checkout is blocked. */
  blockedBy: string[];
}

/** A cart that names things the store does not have. */
export class CartResolveError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] as string) : `\n  ${problems.join("\n  ")}`);
    this.name = "CartResolveError";
  }
}

export interface ResolveOptions {
  /** Epoch ms used when the cart file gives no `now` (default Date.now()). */
  clock?: () => number;
}

/** The cart file against the store: every id, SKU, customer and location checked. */
export function resolveCart(snapshot: StoreSnapshot, cart: CartFile, options: ResolveOptions = {}): CheckoutState {
  const problems: string[] = [];
  const shop = snapshot.shop;
  if (cart.shop && cart.shop !== shop.myshopifyDomain) problems.push(`shop: the cart is for ${cart.shop}, the store is ${shop.myshopifyDomain}`);

  const currency = cart.presentmentCurrency ?? shop.currencyCode;
  let rate = "1.0";
  if (currency !== shop.currencyCode) {
    if (!cart.presentmentCurrencyRate) problems.push(`presentmentCurrencyRate: required when presentmentCurrency (${currency}) is not the shop's currency (${shop.currencyCode})`);
    else rate = cart.presentmentCurrencyRate;
  } else if (cart.presentmentCurrencyRate && Number(cart.presentmentCurrencyRate) !== 1) {
    problems.push(`presentmentCurrencyRate: ${cart.presentmentCurrencyRate}, but the presentment currency is the shop's own (${currency}): the rate is 1`);
  }

  const lines: SimLine[] = [];
  const seen = new Map<string, number>();
  cart.lines.forEach((line, index) => {
    const at = `lines[${index}]`;
    let variant: VariantRecord | undefined;
    if (line.variantId !== undefined) {
      variant = snapshot.variants.get(line.variantId);
      if (!variant) return problems.push(`${at}.variantId: no variant ${line.variantId} in the store`);
    } else {
      const matches = snapshot.variantsBySku.get(line.sku ?? "") ?? [];
      if (matches.length === 0) return problems.push(`${at}.sku: no variant with SKU ${line.sku} in the store`);
      if (matches.length > 1) return problems.push(`${at}.sku: SKU ${line.sku} names ${matches.length} variants (${matches.map((v) => v.id).join(", ")}): use variantId`);
      variant = matches[0];
    }
    if (!variant) return;
    const product = snapshot.products.get(variant.productId);
    if (!product) return problems.push(`${at}: variant ${variant.id} has no product in the store`);
    if (product.status !== "ACTIVE") return problems.push(`${at}: ${product.title} is ${product.status}; only ACTIVE products can be in a cart`);
    const key = `${variant.id}|${JSON.stringify(Object.entries(line.attributes).sort())}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return problems.push(`${at}: same variant (${variant.sku ?? variant.id}) and attributes as lines[${earlier}]; Shopify merges such lines into one: add the quantities`);
    }
    seen.set(key, index);
    const item = snapshot.inventoryItems.get(variant.inventoryItemId);
    lines.push({
      id: `gid://shopify/CartLine/${index + 1}`,
      position: index + 1,
      variant,
      product,
      quantity: line.quantity,
      attributes: line.attributes,
      unitCents: convertCents(variant.price, rate),
      compareAtUnitCents: variant.compareAtPrice === null ? null : convertCents(variant.compareAtPrice, rate),
      requiresShipping: item?.requiresShipping ?? true,
      productAllocations: [],
      orderAllocations: [],
    });
  });

  if (cart.buyer?.customerId != null && !snapshot.customers.has(cart.buyer.customerId)) {
    problems.push(`buyer.customerId: no customer ${cart.buyer.customerId} in the store`);
  }
  let retail: LocationRecord | undefined;
  if (cart.retailLocationId !== null) {
    retail = snapshot.locations.get(cart.retailLocationId);
    if (!retail) problems.push(`retailLocationId: no location ${cart.retailLocationId} in the store`);
    else if (!retail.isActive) problems.push(`retailLocationId: ${retail.name} is not active`);
    if (cart.address || cart.deliveryOptions) problems.push("retailLocationId: a POS cart is handed over at the counter; it takes no address or deliveryOptions");
  }
  if (!cart.country && !cart.address && !retail) {
    // Allowed: Localization.country then answers "not simulated" if a query asks for it.
  }

  const deliveryGroups: SimDeliveryGroup[] = [];
  const shippable = lines.filter((l) => l.requiresShipping);
  if (!retail && shippable.length > 0) {
    const source = cart.deliveryOptions ?? (cart.address ? DEFAULT_DELIVERY_OPTIONS : []);
    const options = source.map((o) => ({
      handle: o.handle,
      title: o.title,
      originalTitle: o.title,
      type: o.type,
      costCents: o.costCents,
      code: o.code,
      description: o.description,
      discounts: [],
      hiddenBy: null,
      renamedBy: null,
    }));
    if (cart.selectedDeliveryOption && !options.some((o) => o.handle === cart.selectedDeliveryOption)) {
      problems.push(`selectedDeliveryOption: "${cart.selectedDeliveryOption}" is not one of the delivery options (${options.map((o) => o.handle).join(", ") || "none"})`);
    }
    deliveryGroups.push({
      id: "gid://shopify/CartDeliveryGroup/1",
      lineIds: shippable.map((l) => l.id),
      address: cart.address,
      options,
      selectedHandle: cart.selectedDeliveryOption,
    });
  } else if (cart.selectedDeliveryOption && lines.length === cart.lines.length) {
    problems.push("selectedDeliveryOption: the cart has no delivery group (nothing to ship, or a POS cart)");
  }

  if (problems.length > 0) throw new CartResolveError(problems);

  const fulfillmentGroups: SimFulfillmentGroup[] = deliveryGroups.map((group, index) => ({
    id: `gid://shopify/FulfillmentGroup/${index + 1}`,
    handle: `fulfillment-group-${index + 1}`,
    deliveryGroupId: group.id,
    lineIds: [...group.lineIds],
    inventoryLocationHandles: stockingLocations(snapshot, lines.filter((l) => group.lineIds.includes(l.id))).map(locationHandle),
    rankings: null,
  }));

  const clock = options.clock ?? Date.now;
  return {
    snapshot,
    cart,
    currency,
    rate,
    nowWall: cart.now ?? shopWallTime(clock(), shop.ianaTimezone),
    lines,
    deliveryGroups,
    paymentMethods: cart.paymentMethods.map((m) => ({
      id: m.id,
      name: m.name,
      originalName: m.name,
      placements: [...m.placements],
      hiddenPlacements: [],
      hiddenBy: null,
      renamedBy: null,
    })),
    fulfillmentGroups,
    validationErrors: [],
    discountCodes: cart.discountCodes.map((code) => ({ code, status: "entered", message: null, by: null })),
    paymentTerms: [],
    orderReviews: [],
    fulfillmentConstraints: [],
    notes: [],
    blockedBy: [],
  };
}

/**
 * FulfillmentGroup.inventoryLocationHandles: active locations that fulfil online orders and
 * hold at least one of the group's lines — `available` > 0, or a level of an untracked item
 * (untracked inventory never runs out). In location-id order.
 */
export function stockingLocations(snapshot: StoreSnapshot, lines: readonly SimLine[]): LocationRecord[] {
  const ids = new Set<number>();
  for (const line of lines) {
    const item = snapshot.inventoryItems.get(line.variant.inventoryItemId);
    for (const level of snapshot.levelsOfItem(line.variant.inventoryItemId)) {
      if (level.quantities.available > 0 || item?.tracked === false) ids.add(level.locationId);
    }
  }
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => snapshot.locations.get(id))
    .filter((l): l is LocationRecord => l !== undefined && l.isActive && l.fulfillsOnlineOrders);
}

/* ------------------------------------------------------------------ amounts */

export function lineSubtotalCents(line: SimLine): number {
  return line.unitCents * line.quantity;
}

/** The line after product discounts (CartLine.cost.totalAmount; what the line shows). */
export function lineAfterProductCents(line: SimLine): number {
  return lineSubtotalCents(line) - sum(line.productAllocations.map((a) => a.cents));
}

/** The line after product and order discounts. */
export function lineFinalCents(line: SimLine): number {
  return lineAfterProductCents(line) - sum(line.orderAllocations.map((a) => a.cents));
}

export function optionCostCents(option: SimDeliveryOption): number {
  return Math.max(0, option.costCents - sum(option.discounts.map((d) => d.cents)));
}

/** Visible options of a group (not hidden). */
export function visibleOptions(group: SimDeliveryGroup): SimDeliveryOption[] {
  return group.options.filter((o) => o.hiddenBy === null);
}

/**
 * The option the shopper ends up with: the cart's selection if still visible, else the
 * first visible option (checkout preselects the first option it lists).
 */
export function effectiveSelection(group: SimDeliveryGroup): SimDeliveryOption | null {
  const visible = visibleOptions(group);
  return visible.find((o) => o.handle === group.selectedHandle) ?? visible[0] ?? null;
}

export interface Totals {
  /** Lines before any discount. */
  linesCents: number;
  /** Lines after product discounts (checkout's "Subtotal" before order discounts). */
  subtotalCents: number;
  orderDiscountCents: number;
  shippingOriginalCents: number;
  shippingCents: number;
  /** subtotal − order discounts + shipping. Taxes and duties are not simulated. */
  totalCents: number;
}

/**
 * `selection`: "shopper" counts the option the shopper ends up with (checkout preselects the
 * first one); "cart" counts only what the cart has selected (a Function's cart.cost: no
 * selection, no shipping in the total).
 */
export function totals(state: CheckoutState, selection: "shopper" | "cart" = "shopper"): Totals {
  const linesCents = sum(state.lines.map(lineSubtotalCents));
  const subtotalCents = sum(state.lines.map(lineAfterProductCents));
  const orderDiscountCents = sum(state.lines.flatMap((l) => l.orderAllocations.map((a) => a.cents)));
  let shippingOriginalCents = 0;
  let shippingCents = 0;
  for (const group of state.deliveryGroups) {
    const selected = selection === "shopper" ? effectiveSelection(group) : (group.options.find((o) => o.handle === group.selectedHandle && o.hiddenBy === null) ?? null);
    if (selected) {
      shippingOriginalCents += selected.costCents;
      shippingCents += optionCostCents(selected);
    }
  }
  return { linesCents, subtotalCents, orderDiscountCents, shippingOriginalCents, shippingCents, totalCents: subtotalCents - orderDiscountCents + shippingCents };
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** A deep copy of the mutable parts (the snapshot and cart are shared, read-only). */
export function cloneState(state: CheckoutState): CheckoutState {
  const { snapshot, cart, ...rest } = state;
  const lines = state.lines.map((l) => ({ ...l, productAllocations: [...l.productAllocations], orderAllocations: [...l.orderAllocations] }));
  return { ...structuredClone({ ...rest, lines: [] }), lines, snapshot, cart };
}
