/**
 * Promotion stacking: the data. A PromotionSet is what the admin validates
 * (validate.ts), stores as one JSON metafield, and the discount Function reads
 * leniently (parse.ts) and evaluates (evaluate.ts). The rules that decide what
 * the fields mean are written down in ./README.md.
 *
 * Money is integer minor units of `PromotionSet.currencyCode` (the shop
 * currency) everywhere in the set; the cart is in its presentment currency and
 * evaluate() converts with `CartContext.presentmentRate`.
 */

export const PROMOTION_SCHEMA_VERSION = 1 as const;

/** Shopify's limit on a metafield value a Function may read. */
export const METAFIELD_BYTE_LIMIT = 10_000;

/** The cart attribute the storefront sets to name its channel (underscore: hidden at checkout). */
export const CHANNEL_ATTRIBUTE_KEY = "_peakguard_channel";

/**
 * What the admin shows next to the channels condition: the discount Function's
 * input has no channel field, so this is how a channel is known.
 */
export const CHANNEL_EXPLANATION =
  `"pos" means the cart has a retail location (a Shopify POS sale). Every other channel is read from the cart ` +
  `attribute ${CHANNEL_ATTRIBUTE_KEY}, which your storefront or app must set (for example "online" or ` +
  `"wholesale-app"); a cart without it counts as "online". Buyers can change cart attributes, so a custom ` +
  `channel is a convenience, not a security boundary — and the attribute can never claim "pos".`;

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Lines that match: product id in anyOfProducts OR member of any of anyOfCollections (GIDs). */
export interface LineFilter {
  anyOfProducts?: string[];
  anyOfCollections?: string[];
}

/**
 * A one-off window, authored as wall times in `zone` and compiled by the admin
 * (validatePromotionSet, using time-admin.ts) into UTC instants. The engine
 * only reads startUtc/endUtc (or, inside a Function, the shop.localTime answer).
 * Half-open: start ≤ now < end.
 */
export interface TimeWindow {
  /** "2026-11-27T00:00" or "2026-11-27T00:00:00", wall time in `zone`. */
  start: string;
  /** Exclusive. */
  end: string;
  /** IANA name ("Europe/Berlin") or fixed offset ("+02:00", "-05:30", "Z"). */
  zone: string;
  /** Compiled: "2026-11-26T23:00:00Z". */
  startUtc: string;
  /** Compiled, exclusive. */
  endUtc: string;
}

/** A recurring window in shop time: on `days` (all days if absent), from ≤ time < to. */
export interface RecurringWindow {
  days?: Weekday[];
  /** "18:00" */
  from: string;
  /** "20:00"; "24:00" means end of day. Must be after `from` (split overnight windows). */
  to: string;
}

export type CustomerSegment = "new" | "returning" | "any";

export interface Conditions {
  /** new: a signed-in customer with 0 orders; returning: ≥ 1 order. Guests match neither. */
  customerSegment?: CustomerSegment;
  /** The customer has any of these tags (case-insensitive). */
  customerTags?: { anyOf: string[] };
  /** Country ISO codes ("DE") or market handles ("eu"); either list matching is enough. */
  markets?: { countryCodes?: string[]; marketHandles?: string[] };
  /** "online" | "pos" | a custom channel named by the storefront's cart attribute. */
  channels?: string[];
  /** At least one non-excluded line matches. */
  cartContains?: LineFilter;
  /** Pre-discount subtotal of the non-excluded lines, shop currency. */
  minSubtotalCents?: number;
  timeWindow?: TimeWindow;
  recurring?: RecurringWindow;
}

/**
 * matching_lines: the lines `lines` names; without `lines`, the lines
 * conditions.cartContains names; without either, every line.
 * order: every non-excluded line, as one order-level discount.
 */
export type AppliesTo = "matching_lines" | "order";

export interface PercentOffAction {
  type: "percent_off";
  /** 0 < percent ≤ 100, at most 2 decimals. */
  percent: number;
  appliesTo: AppliesTo;
  lines?: LineFilter;
  /** With floor.allowFreeOrder, lets this promotion take the cart to 0. */
  allowFreeOrder?: boolean;
}

export interface FixedOffAction {
  type: "fixed_off";
  /** matching_lines: off each matching unit. order: off the order once. Shop currency. */
  amountCents: number;
  appliesTo: AppliesTo;
  lines?: LineFilter;
  allowFreeOrder?: boolean;
}

export interface FreeShippingAction {
  type: "free_shipping";
}

/** Buy `buy.quantity` units matching `buy`, get `get.quantity` units matching `get` at `get.percent` off. */
export interface BuyXGetYAction {
  type: "buy_x_get_y";
  buy: LineFilter & { quantity: number };
  get: LineFilter & { quantity: number; percent: number };
  /** How many times it may apply in one cart; unlimited when absent. */
  maxApplications?: number;
  allowFreeOrder?: boolean;
}

export type Action = PercentOffAction | FixedOffAction | FreeShippingAction | BuyXGetYAction;
export type ActionType = Action["type"];

export interface Caps {
  /** Most this promotion takes off one cart, shop currency. */
  maxDiscountCents?: number;
  /** Most this promotion takes off one cart, as % of the pre-discount subtotal of the lines it targets. */
  maxDiscountPercent?: number;
  /** Uses per customer; needs a signed-in customer (fail closed otherwise). */
  perCustomerUses?: number;
  /** Total discount this promotion may give across all orders, shop currency. */
  totalBudgetCents?: number;
}

export interface Promotion {
  /** [A-Za-z0-9][A-Za-z0-9_.-]{0,63}; "*" is reserved. */
  id: string;
  name: string;
  enabled: boolean;
  /** Integer; LOWER applies FIRST. Ties broken by id (code-unit order). */
  priority: number;
  /** Ids this promotion may stack with, or "*" for any. Stacking needs BOTH sides to allow it. */
  stacksWith: string[];
  conditions: Conditions;
  action: Action;
  exclusions: { skuPatterns: string[] };
  caps: Caps;
}

export interface Floor {
  /** After all discounts the merchandise total stays ≥ this % of the pre-discount subtotal (rounded up to a minor unit). */
  minPercentOfSubtotal: number;
  /** A merchandise total of 0 needs this AND an applied action with allowFreeOrder. */
  allowFreeOrder: boolean;
}

export interface PromotionSet {
  schemaVersion: typeof PROMOTION_SCHEMA_VERSION;
  /** Shop currency: every amount in the set is in its minor units. */
  currencyCode: string;
  floor: Floor;
  promotions: Promotion[];
}

/* ---------------------------------------------------------------- cart --- */

export interface CartLineInput {
  id: string;
  quantity: number;
  /** cost.subtotalAmount in presentment minor units (before this app's discounts). */
  subtotalCents: number;
  productId?: string;
  variantId?: string;
  sku?: string | null;
  /** Collections (GIDs) the line is a member of, among those the set mentions (inCollections). */
  collectionIds?: string[];
}

export interface CartCustomer {
  id?: string;
  numberOfOrders?: number;
  /** The tags the customer has, among those the set mentions (hasTags). */
  tags?: string[];
}

export interface DeliveryOptionInput {
  handle: string;
  groupId?: string;
  costCents: number;
  selected?: boolean;
}

/**
 * What the engine knows about "now", in one of two forms:
 * - admin (preview, replay): the shop-local wall time and the shop's UTC
 *   offset at that moment (clockAt() in time-admin.ts builds it);
 * - Function: shop.localTime.date, plus for each promotion with a window the
 *   answer the Function got from shop.localTime (dateTimeBetween for the
 *   one-off window AND timeBetween for the recurring hours, compiled by
 *   localTimeChecks() in time-admin.ts). Days of the week come from shopDate.
 */
export type ShopClock =
  | { shopLocal: string; utcOffsetMinutes: number }
  | { shopDate: string; windowsOpen: Record<string, boolean> };

/**
 * The cart's lines as columns, index-aligned, for a caller that reads them in one pass anyway
 * (the discount Function): evaluate() then skips its own normalization, so the caller must give
 * what it would: whole quantities ≥ 0, whole subtotals ≥ 0 (0 for a line it cannot read or
 * whose quantity is 0), "" for no SKU. Collections are bits: bit k set when the line is in
 * collectionKeys[k] (at most 30 keys); lines carry no product ids, so product filters never
 * match them.
 */
export interface LineColumns {
  id: string[];
  quantity: number[];
  subtotal: number[];
  sku: string[];
  collectionBits: number[];
  collectionKeys: readonly string[];
  /** The sum of `subtotal`, when the caller added it up on the way. */
  total?: number;
}

export interface CartContext {
  /** Presentment currency of the amounts below; the set's currency when absent. */
  currencyCode?: string;
  /** Input.presentmentCurrencyRate: 1 unit of shop currency = rate units of presentment currency. 1 when absent. */
  presentmentRate?: number;
  lines: CartLineInput[];
  /** When given, the lines as columns (and `lines` is ignored). */
  lineColumns?: LineColumns;
  customer: CartCustomer | null;
  countryCode?: string | null;
  /** localization.market.handle (deprecated in the Function API; prefer countryCode). */
  marketHandle?: string | null;
  /** The CHANNEL_ATTRIBUTE_KEY cart attribute's value, if the storefront set it. */
  channel?: string | null;
  /** cart.retailLocation is present. The only proof of "pos". */
  isPos?: boolean;
  deliveryOptions?: DeliveryOptionInput[];
  now?: ShopClock;
  /** Uses so far per promotion for this customer (metafield the app writes). Missing entry = 0. */
  customerUses?: Record<string, number>;
  /** Discount given so far per promotion, shop currency (metafield the app writes). Missing entry = 0. */
  budgetUsed?: Record<string, number>;
}

/* --------------------------------------------------------------- result --- */

export type ExplanationStatus =
  | "applied"
  | "capped"
  | "floor_reached"
  | "disabled"
  | "outside_window"
  | "not_eligible"
  | "excluded"
  | "does_not_stack"
  | "nothing_to_discount";

export interface Explanation {
  promotionId: string;
  status: ExplanationStatus;
  /** Chosen in the selection pass (it blocks non-stacking promotions after it), even if its amount ends at 0. */
  selected: boolean;
  /** Presentment minor units this promotion takes off (merchandise), or the most it takes off one delivery option. */
  amountCents: number;
  /** Plain English naming the thing; "" when evaluate() was asked for no reasons. */
  reason: string;
}

export interface LineDiscount {
  lineId: string;
  promotionId: string;
  amountCents: number;
  /** "order": this line's prorated share of an order-level discount. */
  level: "line" | "order";
}

export interface OrderDiscount {
  promotionId: string;
  amountCents: number;
  /** Lines that do not share in it (excluded by SKU pattern): OrderSubtotalTarget.excludedCartLineIds. */
  excludedLineIds: string[];
}

export interface ShippingDiscount {
  promotionId: string;
  handle: string;
  groupId?: string;
  amountCents: number;
}

export interface Evaluation {
  currencyCode: string;
  subtotalCents: number;
  /** The lowest merchandise total the floor allows. */
  floorCents: number;
  /** Per (line, promotion); empty when evaluate() was asked for no line detail. */
  lineDiscounts: LineDiscount[];
  /**
   * All of this evaluation's merchandise discount on each line (line-level and
   * order-level shares together), index-aligned with CartContext.lines: what
   * one product-discount candidate per line needs. A plain array, no objects.
   */
  lineTotalCents: number[];
  /**
   * The line-level part of lineTotalCents (percent and fixed amounts on matching
   * lines, buy X get Y): what product discounts carry. The rest of each line's
   * total is its share of order-level promotions (orderDiscounts). Index-aligned
   * with CartContext.lines.
   */
  lineLevelCents: number[];
  /**
   * Checkout mode only: which line-level promotions took from each line, as bits into
   * lineLevelPromotionIds (bit k = lineLevelPromotionIds[k]; the first 31 with an amount), so
   * the Function can name them in the candidate's message without a per-line object.
   */
  lineLevelMask?: number[];
  lineLevelPromotionIds?: string[];
  orderDiscounts: OrderDiscount[];
  shippingDiscounts: ShippingDiscount[];
  /** Merchandise discount (line + order); shipping is not included (the buyer picks one option). */
  totalDiscountCents: number;
  /** One per promotion in the set, in evaluation order (priority, then id). */
  explanations: Explanation[];
}

export interface EvaluateOptions {
  /** Build the reason strings (default true). A Function that only needs amounts can skip them. */
  reasons?: boolean;
  /** Fill lineDiscounts per (line, promotion) (default true). lineTotalCents is always filled. */
  lineDetail?: boolean;
  /**
   * Checkout mode, for the discount Function: the same promotions chosen and the same amounts
   * (every explanation's amountCents, lineLevelCents, orderDiscounts, shippingDiscounts,
   * totalDiscountCents), with only the work those need. A promotion that is not chosen gets the
   * status of the first reason found, cheapest checks first (stacking before the conditions that
   * scan lines), and no reason text; order-level amounts are not spread over the lines when
   * nothing after them needs the split, so lineTotalCents then equals lineLevelCents. Implies
   * reasons: false and lineDetail: false.
   */
  checkout?: boolean;
}
