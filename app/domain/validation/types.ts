/**
 * Checkout rules as data. A RuleSet is what the admin writes to the Validation's
 * "$app:peakguard.rules" metafield (the source of truth the function reads), validated
 * strictly by validate.ts before it is written and read leniently by parse.ts inside the
 * function. evaluate.ts runs it: the same code in the checkout function and in the admin's
 * "why was this cart blocked" lookup.
 *
 *   {
 *     "schemaVersion": 1,
 *     "currencyCode": "USD",                     subtotal thresholds are in this currency's minor units
 *     "failureMode": "closed",                   what an unreadable rule, and Shopify's blockOnFailure, do
 *     "labels": { "HD-BLK-M": "Hoodie — Black / M" },   item names for messages, by SKU
 *     "rules": [
 *       { "id": "hoodie-2", "mode": "enforce", "kind": "maxPerOrder", "skus": ["HD-*"], "max": 2, "per": "sku" },
 *       …
 *     ]
 *   }
 *
 * Rules are independent: every rule in mode "enforce" that fails adds its errors; there is
 * no priority because nothing is chosen between rules. They are evaluated and reported in
 * the order of their ids (not array order) so the same set always gives the same output.
 */

export const RULE_SET_VERSION = 1;
export const RULES_METAFIELD = { namespace: "$app:peakguard", key: "rules", type: "json" } as const;

/** enforce: errors block checkout. test: evaluated and logged, never blocks. off: not evaluated. */
export type RuleMode = "enforce" | "test" | "off";
export const RULE_MODES: readonly RuleMode[] = ["enforce", "test", "off"];

/**
 * open: when the function cannot read a rule (or crashes), checkout goes through.
 * closed: it is blocked with a "try again" message. Also sets the Validation's blockOnFailure.
 */
export type FailureMode = "open" | "closed";

/**
 * SKU patterns: exact SKUs ("HD-BLK-M") or a prefix ending in "*" ("HD-*"). Case-sensitive,
 * like Shopify SKUs. Lines without a SKU are never governed by SKU-scoped rules.
 */
export type SkuPatterns = string[];

interface RuleBase {
  /** Unique in the set: lowercase letters, digits, "-" and "_", ≤ 40 characters. */
  id: string;
  /** Merchant-facing name; defaults to the id. Never shown to shoppers. */
  name?: string;
  mode: RuleMode;
}

/** At most `max` units per order, per SKU ("per": "sku", default) or summed over the matching SKUs ("per": "rule"). */
export interface MaxPerOrderRule extends RuleBase {
  kind: "maxPerOrder";
  skus: SkuPatterns;
  max: number;
  per?: "sku" | "rule";
}

/**
 * Counting window of a per-customer limit, applied when the app counts synced orders (the
 * function only sees the published count): the last `days` days, or a drop's lifetime
 * between two UTC instants (`to` null = open-ended).
 */
export type LimitWindow = { kind: "days"; days: number } | { kind: "between"; from: string; to: string | null };

/**
 * At most `max` units of the matching SKUs per customer over `window`, counting what the
 * customer already bought (published to the customer's "$app:peakguard.limits" metafield
 * by the app) plus what is in the cart. Guests have no customer record at checkout:
 * "guests": "allow" lets them through (only the cart is counted), "block" asks them to log in.
 */
export interface CustomerLimitRule extends RuleBase {
  kind: "customerLimit";
  skus: SkuPatterns;
  max: number;
  window: LimitWindow;
  guests: "allow" | "block";
}

/** Total units in the cart (all lines) between min and max, inclusive. Either may be absent. */
export interface CartQuantityRule extends RuleBase {
  kind: "cartQuantity";
  min?: number;
  max?: number;
}

/** Cart subtotal (before cart-level discounts, Shopify's subtotalAmount) between min and max, in the set's currency minor units. */
export interface SubtotalRule extends RuleBase {
  kind: "subtotal";
  minCents?: number;
  maxCents?: number;
}

/**
 * Delivery addresses the shop will not ship to: ISO countries ("RU"), provinces as
 * "COUNTRY-PROVINCE" ("US-HI"), postal-code patterns for a country ("GB:BT*", "US:969??":
 * "*" any run, "?" one character, case and spaces ignored) and PO boxes.
 */
export interface RegionRule extends RuleBase {
  kind: "region";
  countries?: string[];
  provinces?: string[];
  postalCodes?: string[];
  poBoxes?: boolean;
}

/**
 * A drop's time gate: the matching SKUs cannot be bought before `opensAt` (and, when set,
 * from `closesAt` on). Both are shop-local wall times "YYYY-MM-DDTHH:MM:SS", exactly what
 * shop.localTime.dateTimeAfter compares against.
 */
export interface TimeGateRule extends RuleBase {
  kind: "timeGate";
  skus: SkuPatterns;
  opensAt: string;
  closesAt?: string | null;
}

/**
 * Blocks a line whose quantity exceeds the variant's published ATP: the total, or one
 * location's figure, as the app copies them into the validation's own metafield
 * (CHECKOUT_ATP_METAFIELD in app/domain/inventory/atp-metafield.ts) for the SKUs ATP rules
 * govern. A figure older than `staleAfterSeconds` (or missing, or unreadable) is stale:
 * "open" lets the line through, "closed" blocks it with a "cannot confirm stock" message.
 * Empty `skus` = every line whose SKU has a figure in that copy (lines without one are not
 * governed; the app copies every variant's figure then, as far as the metafield holds).
 */
export interface AtpRule extends RuleBase {
  kind: "atp";
  skus: SkuPatterns;
  location?: string | null;
  staleAfterSeconds: number;
  whenStale: "open" | "closed";
}

export type Rule = MaxPerOrderRule | CustomerLimitRule | CartQuantityRule | SubtotalRule | RegionRule | TimeGateRule | AtpRule;
export type RuleKind = Rule["kind"];
export const RULE_KINDS: readonly RuleKind[] = ["maxPerOrder", "customerLimit", "cartQuantity", "subtotal", "region", "timeGate", "atp"];

export interface RuleSet {
  schemaVersion: typeof RULE_SET_VERSION;
  currencyCode: string;
  failureMode: FailureMode;
  /** Shopper-facing item names by SKU (the shop's default language); a line without one is named by its SKU. */
  labels: Record<string, string>;
  rules: Rule[];
}

/* ---------------------------------------------------------------- input --- */

export type BuyerJourneyStep = "CART_INTERACTION" | "CHECKOUT_INTERACTION" | "CHECKOUT_COMPLETION";

/**
 * A cart line exactly as the function's input query returns it. The one-letter names are
 * GraphQL aliases (extensions/checkout-validation/src/cart_validations_generate_run.graphql):
 * every input byte costs the function ~230 Wasm instructions per line, so the long field
 * names are not sent. q: quantity; m: merchandise (a ProductVariant, or {} for a custom
 * product); s: sku. ATP figures are not read per line: they come in the validation's own
 * ATP copy (CheckoutInput.validation.stock; ../inventory/atp-metafield.ts).
 */
export interface CartLineInput {
  q: number;
  m: { __typename?: string; s?: string | null };
}

export interface DeliveryAddressInput {
  countryCode?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  address1?: string | null;
  address2?: string | null;
}

/**
 * The cart as the function's input query returns it (evaluate() reads it as is: no copy
 * per line inside the function). The admin's lookup builds the same shape.
 */
export interface CheckoutInput {
  /** step null when Shopify does not say: treated like CHECKOUT_COMPLETION (every rule applies). */
  buyerJourney: { step?: BuyerJourneyStep | null };
  /** isoCode: Shopify's LanguageCode ("EN", "FR", "DE", "PT_BR" …). */
  localization: { language: { isoCode: string } };
  /** 1 unit of shop currency = rate units of presentment currency (a Decimal string). */
  presentmentCurrencyRate: string;
  cart: {
    /** Before cart-level discounts, presentment currency. */
    cost: { subtotalAmount: { amount: string; currencyCode: string } };
    /**
     * customer null or absent: a guest. limits: the customer's "$app:peakguard.limits"
     * metafield (customer-limits.ts), null when the app has published nothing for them.
     */
    buyerIdentity?: { customer?: { limits?: { jsonValue: unknown } | null } | null } | null;
    /** In Shopify's order: the index is the error target's deliveryGroups[i]. */
    deliveryGroups: { deliveryAddress?: DeliveryAddressInput | null }[];
    lines: CartLineInput[];
  };
  /**
   * stock: the validation's "$app:peakguard.atp_checkout" metafield (CHECKOUT_ATP_METAFIELD:
   * the figures of the SKUs its ATP rules govern); absent or null when none is published.
   */
  validation?: { stock?: { jsonValue: unknown } | null } | null;
}

/**
 * What "now" is. The admin knows it exactly; a function only knows the answers Shopify
 * gave to shop.localTime.dateTimeAfter for the slots the app wrote (clock.ts). Both answer
 * the same two questions, with null for "cannot tell".
 */
export interface Clock {
  /** now ≥ the shop-local wall time `local` ("YYYY-MM-DDTHH:MM:SS")? */
  atOrAfter(local: string): boolean | null;
  /** now < asOf + budgetSeconds, asOf in UTC epoch seconds? */
  freshUntil(asOf: number, budgetSeconds: number): boolean | null;
  /**
   * The oldest asOf that freshUntil(asOf, budgetSeconds) calls fresh (true), or null when
   * none is: `asOf >= freshSince(b)` ⟺ `freshUntil(asOf, b) === true`. Asked once per rule,
   * so a rule over many lines compares integers instead of calling freshUntil per line.
   */
  freshSince(budgetSeconds: number): number | null;
}

/* --------------------------------------------------------------- output --- */

/** One shopper-facing error: Shopify's ValidationError. */
export interface ValidationMessage {
  target: string;
  message: string;
}

export type VerdictStatus =
  /** The rule blocks this cart (mode enforce). */
  | "blocked"
  /** It would block, but the rule is in testing mode. */
  | "would_block"
  | "passed"
  /** Not evaluated: mode off, or not at this buyer-journey step, or nothing in the cart it governs. */
  | "skipped"
  /** The function could not read this rule; the set's failureMode decided. */
  | "unreadable";

export interface RuleVerdict {
  ruleId: string;
  kind: RuleKind | "unknown";
  mode: RuleMode;
  status: VerdictStatus;
  /** The shopper-facing errors it produced (or would produce in testing mode). */
  errors: ValidationMessage[];
  reason?: VerdictReason;
  /** For an unreadable rule: what could not be read. */
  problem?: string;
}

/** Why a verdict is what it is, when that is not plain from the rule and the cart (explain.ts words it). */
export type VerdictReason =
  | "no_lines"
  | "at_cart"
  | "no_address"
  | "no_subtotal"
  | "bad_rate"
  | "guest"
  | "guest_blocked"
  | "counts_unreadable"
  | "clock_unknown"
  | "not_open"
  | "closed"
  | "open"
  | "unreadable";

export interface Evaluation {
  /** Errors to return to Shopify (enforced rules only). */
  errors: ValidationMessage[];
  /** Errors testing-mode rules would have returned (logged by the function, shown by the admin). */
  testing: (ValidationMessage & { ruleId: string })[];
  verdicts: RuleVerdict[];
}
