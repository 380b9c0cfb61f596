/**
 * The checkout simulator's cart file: what a shopper has in the cart and who they are.
 *
 *   {
 *     "shop": "peakguard-demo.myshopify.com",            optional, checked against the store
 *     "lines": [ { "sku": "PG-JKT-M", "quantity": 2, "attributes": { "gift": "yes" } },
 *                { "variantId": "gid://shopify/ProductVariant/8200000000007", "quantity": 1 } ],
 *     "buyer": { "customerId": 6200000000001 } | { "email": "a@b.c", "phone": "+353…", "isAuthenticated": false },
 *     "address": { "countryCode": "US", "provinceCode": "NY", "city": "Brooklyn", "zip": "11201", "address1": "1 Main St" },
 *     "country": "US",                                    Localization.country; default address.countryCode
 *     "language": "EN",                                   Localization.language; default EN
 *     "market": "us" | { "handle": "us", "id": "gid://shopify/Market/1", "metafields": [...] },
 *     "presentmentCurrency": "USD", "presentmentCurrencyRate": "1.0",   rate required when ≠ shop currency
 *     "attributes": { "gift_note": "Happy birthday" },
 *     "metafields": [ { "namespace": "custom", "key": "x", "type": "json", "value": "{}" } ],   Cart.metafield
 *     "retailLocationId": 70100000003,                    a POS cart (no delivery groups)
 *     "discountCodes": ["BFCM26"],
 *     "deliveryOptions": [ { "handle": "standard", "title": "Standard", "costCents": 500, "type": "SHIPPING" } ],
 *     "selectedDeliveryOption": "standard",
 *     "paymentMethods": [ { "id": "gid://shopify/PaymentCustomizationPaymentMethod/1", "name": "Credit card" } ],
 *     "buyerJourneyStep": "CHECKOUT_COMPLETION",
 *     "now": "2026-11-27T09:30:00",                       shop-local wall time for shop.localTime
 *     "functions": ["peakguard-floor"],                   run these even if the store has no owner for them
 *     "functionOwners": { "peakguard-floor": { "metafields": [...], "discountClasses": ["PRODUCT"] } }
 *   }
 *
 * parseCartFile() checks everything and throws a CartFileError naming every bad field
 * ("lines[3].quantity: must be a positive integer, got 0"). Defaults are filled in here,
 * once, so the rest of the simulator never guesses.
 */

export const DELIVERY_METHOD_TYPES = ["SHIPPING", "PICK_UP", "LOCAL", "PICKUP_POINT", "RETAIL", "NONE"] as const;
export type DeliveryMethodType = (typeof DELIVERY_METHOD_TYPES)[number];

export const BUYER_JOURNEY_STEPS = ["CART_INTERACTION", "CHECKOUT_INTERACTION", "CHECKOUT_COMPLETION"] as const;
export type BuyerJourneyStep = (typeof BUYER_JOURNEY_STEPS)[number];

export const PAYMENT_PLACEMENTS = ["ACCELERATED_CHECKOUT", "PAYMENT_METHOD"] as const;
export type PaymentPlacement = (typeof PAYMENT_PLACEMENTS)[number];

export const DISCOUNT_CLASSES = ["PRODUCT", "ORDER", "SHIPPING"] as const;
export type DiscountClassName = (typeof DISCOUNT_CLASSES)[number];

export interface CartMetafield {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface CartLineInput {
  /** Numeric id or gid of a store variant. Exactly one of variantId / sku. */
  variantId?: number;
  sku?: string;
  quantity: number;
  attributes: Record<string, string>;
}

export interface CartBuyer {
  customerId: number | null;
  email: string | null;
  phone: string | null;
  isAuthenticated: boolean;
}

export interface CartAddress {
  countryCode: string;
  provinceCode: string | null;
  city: string | null;
  zip: string | null;
  address1: string | null;
  address2: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface CartMarket {
  handle: string;
  /** gid of the market; absent → Market.id answers "not simulated". */
  id: string | null;
  metafields: CartMetafield[];
}

export interface CartDeliveryOptionInput {
  handle: string;
  title: string;
  costCents: number;
  type: DeliveryMethodType;
  code: string | null;
  description: string | null;
}

export interface CartPaymentMethod {
  id: string;
  name: string;
  placements: PaymentPlacement[];
}

export interface FunctionOwnerOverride {
  /** Title shown in the results; default the extension's handle. */
  title?: string;
  metafields: CartMetafield[];
  /** Discount functions: the discount's classes (default all three). */
  discountClasses?: DiscountClassName[];
  /** Discount functions: combinesWith (default: combines with nothing). */
  combinesWith?: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean };
  /** Discount functions: Input.triggeringDiscountCode (default null: an automatic discount). */
  triggeringDiscountCode?: string | null;
  /** Validation functions: blockOnFailure (default false). */
  blockOnFailure?: boolean;
}

export interface CartFile {
  shop: string | null;
  lines: CartLineInput[];
  buyer: CartBuyer | null;
  address: CartAddress | null;
  country: string | null;
  language: string;
  market: CartMarket | null;
  presentmentCurrency: string | null;
  presentmentCurrencyRate: string | null;
  attributes: Record<string, string>;
  metafields: CartMetafield[];
  retailLocationId: number | null;
  discountCodes: string[];
  /** null: the default table (with an address) or none (without one). */
  deliveryOptions: CartDeliveryOptionInput[] | null;
  selectedDeliveryOption: string | null;
  paymentMethods: CartPaymentMethod[];
  buyerJourneyStep: BuyerJourneyStep;
  /** Shop-local wall time "YYYY-MM-DDTHH:MM:SS", or null for the store clock. */
  now: string | null;
  functions: string[];
  functionOwners: Record<string, FunctionOwnerOverride>;
}

/** The delivery options a cart with an address gets when it lists none. */
export const DEFAULT_DELIVERY_OPTIONS: readonly CartDeliveryOptionInput[] = [
  { handle: "standard", title: "Standard", costCents: 695, type: "SHIPPING", code: "STANDARD", description: "3–5 business days" },
  { handle: "express", title: "Express", costCents: 1995, type: "SHIPPING", code: "EXPRESS", description: "1–2 business days" },
  { handle: "local-delivery", title: "Local delivery", costCents: 500, type: "LOCAL", code: null, description: null },
  { handle: "pick-up", title: "Pick up in store", costCents: 0, type: "PICK_UP", code: null, description: null },
];

/** Payment methods a cart gets when it lists none. */
export const DEFAULT_PAYMENT_METHODS: readonly CartPaymentMethod[] = [
  { id: "gid://shopify/PaymentCustomizationPaymentMethod/1", name: "Shop Pay", placements: ["ACCELERATED_CHECKOUT", "PAYMENT_METHOD"] },
  { id: "gid://shopify/PaymentCustomizationPaymentMethod/2", name: "PayPal", placements: ["ACCELERATED_CHECKOUT", "PAYMENT_METHOD"] },
  { id: "gid://shopify/PaymentCustomizationPaymentMethod/3", name: "(for testing) Bogus Gateway", placements: ["PAYMENT_METHOD"] },
  { id: "gid://shopify/PaymentCustomizationPaymentMethod/4", name: "Cash on Delivery (COD)", placements: ["PAYMENT_METHOD"] },
  { id: "gid://shopify/PaymentCustomizationPaymentMethod/5", name: "Bank Deposit", placements: ["PAYMENT_METHOD"] },
];

/** Every problem in a cart file, one line each, naming the field. */
export class CartFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join("\n  ")}`}`);
    this.name = "CartFileError";
  }
}

const TOP_LEVEL_KEYS = new Set([
  "shop",
  "lines",
  "buyer",
  "address",
  "country",
  "language",
  "market",
  "presentmentCurrency",
  "presentmentCurrencyRate",
  "attributes",
  "metafields",
  "retailLocationId",
  "discountCodes",
  "deliveryOptions",
  "selectedDeliveryOption",
  "paymentMethods",
  "buyerJourneyStep",
  "now",
  "functions",
  "functionOwners",
  "$comment",
]);

const ISO_COUNTRY = /^[A-Z]{2}$/;
const HANDLE = /^[a-z0-9][a-z0-9-]*$/;
const DATE_TIME_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

/**
 * Checks a parsed cart file and returns it with defaults filled in.
 * `source` names the file in errors.
 */
export function parseCartFile(raw: unknown, source = "cart"): CartFile {
  const problems: string[] = [];
  const bad = (field: string, message: string): void => {
    problems.push(`${field}: ${message}`);
  };
  if (!isRecord(raw)) throw new CartFileError(source, [`the cart must be a JSON object, got ${describe(raw)}`]);

  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(key)) bad(key, `unknown field (known: ${[...TOP_LEVEL_KEYS].filter((k) => k !== "$comment").join(", ")})`);
  }

  const str = (value: unknown, field: string, options: { optional?: boolean; pattern?: RegExp; hint?: string } = {}): string | null => {
    if (value === undefined || value === null) {
      if (!options.optional) bad(field, "is required");
      return null;
    }
    if (typeof value !== "string" || value.trim() === "") {
      bad(field, `must be a non-empty string, got ${describe(value)}`);
      return null;
    }
    if (options.pattern && !options.pattern.test(value)) {
      bad(field, `${JSON.stringify(value)} ${options.hint ?? `does not match ${String(options.pattern)}`}`);
      return null;
    }
    return value;
  };

  const shop = str(raw.shop, "shop", { optional: true });

  // lines
  const lines: CartLineInput[] = [];
  if (!Array.isArray(raw.lines)) bad("lines", `must be an array of cart lines, got ${describe(raw.lines)}`);
  else {
    raw.lines.forEach((line: unknown, index: number) => {
      const at = `lines[${index}]`;
      if (!isRecord(line)) return bad(at, `must be an object, got ${describe(line)}`);
      for (const key of Object.keys(line)) {
        if (!["variantId", "sku", "quantity", "attributes"].includes(key)) bad(`${at}.${key}`, "unknown field (known: variantId, sku, quantity, attributes)");
      }
      const hasVariant = line.variantId !== undefined;
      const hasSku = line.sku !== undefined;
      if (hasVariant === hasSku) bad(at, "needs exactly one of variantId or sku");
      let variantId: number | undefined;
      if (hasVariant) {
        const parsed = numericId(line.variantId, "ProductVariant");
        if (parsed === null) bad(`${at}.variantId`, `must be a variant id (a number or gid://shopify/ProductVariant/<n>), got ${describe(line.variantId)}`);
        else variantId = parsed;
      }
      const sku = hasSku ? str(line.sku, `${at}.sku`) : null;
      if (!Number.isSafeInteger(line.quantity) || (line.quantity as number) <= 0) {
        bad(`${at}.quantity`, `must be a positive integer, got ${describe(line.quantity)}`);
      }
      const attributes = stringMap(line.attributes, `${at}.attributes`, bad);
      lines.push({
        ...(variantId !== undefined ? { variantId } : {}),
        ...(sku !== null ? { sku } : {}),
        quantity: line.quantity as number,
        attributes,
      });
    });
  }

  // buyer
  let buyer: CartBuyer | null = null;
  if (raw.buyer !== undefined && raw.buyer !== null) {
    if (!isRecord(raw.buyer)) bad("buyer", `must be an object, got ${describe(raw.buyer)}`);
    else {
      const b = raw.buyer;
      for (const key of Object.keys(b)) {
        if (!["customerId", "email", "phone", "isAuthenticated"].includes(key)) bad(`buyer.${key}`, "unknown field (known: customerId, email, phone, isAuthenticated)");
      }
      let customerId: number | null = null;
      if (b.customerId !== undefined && b.customerId !== null) {
        customerId = numericId(b.customerId, "Customer");
        if (customerId === null) bad("buyer.customerId", `must be a customer id (a number or gid://shopify/Customer/<n>), got ${describe(b.customerId)}`);
      }
      const email = str(b.email, "buyer.email", { optional: true, pattern: /^[^@\s]+@[^@\s]+$/, hint: "is not an email address" });
      const phone = str(b.phone, "buyer.phone", { optional: true, pattern: /^\+[1-9]\d{6,14}$/, hint: "must be E.164 (+<country><number>)" });
      if (b.isAuthenticated !== undefined && typeof b.isAuthenticated !== "boolean") bad("buyer.isAuthenticated", `must be true or false, got ${describe(b.isAuthenticated)}`);
      const isAuthenticated = typeof b.isAuthenticated === "boolean" ? b.isAuthenticated : customerId !== null;
      if (isAuthenticated && customerId === null) bad("buyer.isAuthenticated", "is true but no customerId is given (an authenticated buyer is a customer)");
      buyer = { customerId, email, phone, isAuthenticated };
    }
  }

  // address
  let address: CartAddress | null = null;
  if (raw.address !== undefined && raw.address !== null) {
    if (!isRecord(raw.address)) bad("address", `must be an object, got ${describe(raw.address)}`);
    else {
      const a = raw.address;
      const known = ["countryCode", "provinceCode", "city", "zip", "address1", "address2", "firstName", "lastName", "company", "phone", "latitude", "longitude"];
      for (const key of Object.keys(a)) if (!known.includes(key)) bad(`address.${key}`, `unknown field (known: ${known.join(", ")})`);
      const coordinate = (value: unknown, field: string, limit: number): number | null => {
        if (value === undefined || value === null) return null;
        if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > limit) {
          bad(field, `must be a number between -${limit} and ${limit}, got ${describe(value)}`);
          return null;
        }
        return value;
      };
      address = {
        countryCode: str(a.countryCode, "address.countryCode", { pattern: ISO_COUNTRY, hint: "must be an ISO 3166-1 alpha-2 code like US" }) ?? "",
        provinceCode: str(a.provinceCode, "address.provinceCode", { optional: true }),
        city: str(a.city, "address.city", { optional: true }),
        zip: str(a.zip, "address.zip", { optional: true }),
        address1: str(a.address1, "address.address1", { optional: true }),
        address2: str(a.address2, "address.address2", { optional: true }),
        firstName: str(a.firstName, "address.firstName", { optional: true }),
        lastName: str(a.lastName, "address.lastName", { optional: true }),
        company: str(a.company, "address.company", { optional: true }),
        phone: str(a.phone, "address.phone", { optional: true }),
        latitude: coordinate(a.latitude, "address.latitude", 90),
        longitude: coordinate(a.longitude, "address.longitude", 180),
      };
    }
  }

  const country = str(raw.country, "country", { optional: true, pattern: ISO_COUNTRY, hint: "must be an ISO 3166-1 alpha-2 code like US" });
  const language = str(raw.language, "language", { optional: true, pattern: /^[A-Z]{2}(_[A-Z]{2,4})?$/, hint: "must be a LanguageCode like EN or PT_BR" }) ?? "EN";

  // market
  let market: CartMarket | null = null;
  if (typeof raw.market === "string") {
    const handle = str(raw.market, "market", { pattern: HANDLE, hint: "must be a market handle (lowercase letters, digits, hyphens)" });
    if (handle) market = { handle, id: null, metafields: [] };
  } else if (isRecord(raw.market)) {
    for (const key of Object.keys(raw.market)) if (!["handle", "id", "metafields"].includes(key)) bad(`market.${key}`, "unknown field (known: handle, id, metafields)");
    const handle = str(raw.market.handle, "market.handle", { pattern: HANDLE, hint: "must be a market handle (lowercase letters, digits, hyphens)" });
    const id = str(raw.market.id, "market.id", { optional: true, pattern: /^gid:\/\/shopify\/Market\/\d+$/, hint: "must be gid://shopify/Market/<n>" });
    const metafields = metafieldList(raw.market.metafields, "market.metafields", bad);
    if (handle) market = { handle, id, metafields };
  } else if (raw.market !== undefined && raw.market !== null) {
    bad("market", `must be a market handle or { handle, id?, metafields? }, got ${describe(raw.market)}`);
  }

  const presentmentCurrency = str(raw.presentmentCurrency, "presentmentCurrency", { optional: true, pattern: /^[A-Z]{3}$/, hint: "must be an ISO 4217 code like EUR" });
  if (presentmentCurrency && currencyDigits(presentmentCurrency) !== 2) {
    bad("presentmentCurrency", `${presentmentCurrency} has ${currencyDigits(presentmentCurrency)} minor-unit digits; the simulator handles two-decimal currencies only`);
  }
  const presentmentCurrencyRate = str(raw.presentmentCurrencyRate, "presentmentCurrencyRate", { optional: true, pattern: DECIMAL, hint: "must be a Decimal string like \"0.92\"" });
  if (presentmentCurrencyRate !== null && Number(presentmentCurrencyRate) <= 0) bad("presentmentCurrencyRate", "must be greater than 0");

  const attributes = stringMap(raw.attributes, "attributes", bad);
  const metafields = metafieldList(raw.metafields, "metafields", bad);

  let retailLocationId: number | null = null;
  if (raw.retailLocationId !== undefined && raw.retailLocationId !== null) {
    retailLocationId = numericId(raw.retailLocationId, "Location");
    if (retailLocationId === null) bad("retailLocationId", `must be a location id (a number or gid://shopify/Location/<n>), got ${describe(raw.retailLocationId)}`);
  }

  const discountCodes = stringList(raw.discountCodes, "discountCodes", bad);
  const seenCodes = new Set<string>();
  discountCodes.forEach((code, index) => {
    if (seenCodes.has(code.toLowerCase())) bad(`discountCodes[${index}]`, `"${code}" is entered twice (codes are case-insensitive)`);
    seenCodes.add(code.toLowerCase());
  });

  // delivery options
  let deliveryOptions: CartDeliveryOptionInput[] | null = null;
  if (raw.deliveryOptions !== undefined && raw.deliveryOptions !== null) {
    if (!Array.isArray(raw.deliveryOptions)) bad("deliveryOptions", `must be an array, got ${describe(raw.deliveryOptions)}`);
    else {
      deliveryOptions = [];
      const handles = new Set<string>();
      raw.deliveryOptions.forEach((option: unknown, index: number) => {
        const at = `deliveryOptions[${index}]`;
        if (!isRecord(option)) return bad(at, `must be an object, got ${describe(option)}`);
        const known = ["handle", "title", "costCents", "type", "code", "description"];
        for (const key of Object.keys(option)) if (!known.includes(key)) bad(`${at}.${key}`, `unknown field (known: ${known.join(", ")})`);
        const handle = str(option.handle, `${at}.handle`, { pattern: HANDLE, hint: "must be a handle (lowercase letters, digits, hyphens)" });
        if (handle && handles.has(handle)) bad(`${at}.handle`, `"${handle}" is used by an earlier option`);
        if (handle) handles.add(handle);
        const title = str(option.title, `${at}.title`);
        if (!Number.isSafeInteger(option.costCents) || (option.costCents as number) < 0) bad(`${at}.costCents`, `must be a non-negative integer (minor units), got ${describe(option.costCents)}`);
        const type = option.type ?? "SHIPPING";
        if (!(DELIVERY_METHOD_TYPES as readonly unknown[]).includes(type)) bad(`${at}.type`, `must be one of ${DELIVERY_METHOD_TYPES.join(", ")}, got ${describe(type)}`);
        deliveryOptions?.push({
          handle: handle ?? "",
          title: title ?? "",
          costCents: option.costCents as number,
          type: type as DeliveryMethodType,
          code: str(option.code, `${at}.code`, { optional: true }),
          description: str(option.description, `${at}.description`, { optional: true }),
        });
      });
    }
  }
  const selectedDeliveryOption = str(raw.selectedDeliveryOption, "selectedDeliveryOption", { optional: true });

  // payment methods
  let paymentMethods: CartPaymentMethod[] = DEFAULT_PAYMENT_METHODS.map((m) => ({ ...m, placements: [...m.placements] }));
  if (raw.paymentMethods !== undefined && raw.paymentMethods !== null) {
    if (!Array.isArray(raw.paymentMethods)) bad("paymentMethods", `must be an array, got ${describe(raw.paymentMethods)}`);
    else {
      paymentMethods = [];
      const ids = new Set<string>();
      raw.paymentMethods.forEach((method: unknown, index: number) => {
        const at = `paymentMethods[${index}]`;
        if (!isRecord(method)) return bad(at, `must be an object, got ${describe(method)}`);
        for (const key of Object.keys(method)) if (!["id", "name", "placements"].includes(key)) bad(`${at}.${key}`, "unknown field (known: id, name, placements)");
        const id = str(method.id, `${at}.id`, { pattern: GID, hint: "must be a gid like gid://shopify/PaymentCustomizationPaymentMethod/1" });
        if (id && ids.has(id)) bad(`${at}.id`, `"${id}" is used by an earlier method`);
        if (id) ids.add(id);
        const name = str(method.name, `${at}.name`);
        const placements = method.placements === undefined ? ["PAYMENT_METHOD"] : method.placements;
        if (!Array.isArray(placements) || placements.some((p) => !(PAYMENT_PLACEMENTS as readonly unknown[]).includes(p))) {
          bad(`${at}.placements`, `must be a list of ${PAYMENT_PLACEMENTS.join(", ")}, got ${describe(placements)}`);
        }
        paymentMethods.push({ id: id ?? "", name: name ?? "", placements: Array.isArray(placements) ? (placements as PaymentPlacement[]) : [] });
      });
    }
  }

  const step = raw.buyerJourneyStep ?? "CHECKOUT_COMPLETION";
  if (!(BUYER_JOURNEY_STEPS as readonly unknown[]).includes(step)) bad("buyerJourneyStep", `must be one of ${BUYER_JOURNEY_STEPS.join(", ")}, got ${describe(step)}`);

  const now = str(raw.now, "now", { optional: true, pattern: DATE_TIME_WITHOUT_ZONE, hint: "must be a shop-local time like 2026-11-27T09:30:00 (no zone)" });

  const functions = stringList(raw.functions, "functions", bad);

  const functionOwners: Record<string, FunctionOwnerOverride> = {};
  if (raw.functionOwners !== undefined && raw.functionOwners !== null) {
    if (!isRecord(raw.functionOwners)) bad("functionOwners", `must be an object keyed by extension handle, got ${describe(raw.functionOwners)}`);
    else {
      for (const [handle, value] of Object.entries(raw.functionOwners)) {
        const override = parseOwnerOverride(value, `functionOwners.${handle}`, bad);
        if (override) functionOwners[handle] = override;
      }
    }
  }

  if (problems.length > 0) throw new CartFileError(source, problems);
  return {
    shop,
    lines,
    buyer,
    address,
    country,
    language,
    market,
    presentmentCurrency,
    presentmentCurrencyRate,
    attributes,
    metafields,
    retailLocationId,
    discountCodes,
    deliveryOptions,
    selectedDeliveryOption,
    paymentMethods,
    buyerJourneyStep: step as BuyerJourneyStep,
    now,
    functions,
    functionOwners,
  };
}

/** Owner override: `{ title?, metafields?, discountClasses?, combinesWith?, triggeringDiscountCode?, blockOnFailure? }`. */
export function parseOwnerOverride(value: unknown, at: string, bad: (field: string, message: string) => void): FunctionOwnerOverride | null {
  if (!isRecord(value)) {
    bad(at, `must be an object, got ${describe(value)}`);
    return null;
  }
  const known = ["title", "metafields", "discountClasses", "combinesWith", "triggeringDiscountCode", "blockOnFailure"];
  for (const key of Object.keys(value)) if (!known.includes(key)) bad(`${at}.${key}`, `unknown field (known: ${known.join(", ")})`);
  const override: FunctionOwnerOverride = { metafields: metafieldList(value.metafields, `${at}.metafields`, bad) };
  if (value.title !== undefined) {
    if (typeof value.title === "string" && value.title) override.title = value.title;
    else bad(`${at}.title`, `must be a non-empty string, got ${describe(value.title)}`);
  }
  if (value.discountClasses !== undefined) {
    if (!Array.isArray(value.discountClasses) || value.discountClasses.some((c) => !(DISCOUNT_CLASSES as readonly unknown[]).includes(c))) {
      bad(`${at}.discountClasses`, `must be a list of ${DISCOUNT_CLASSES.join(", ")}, got ${describe(value.discountClasses)}`);
    } else override.discountClasses = value.discountClasses as DiscountClassName[];
  }
  if (value.combinesWith !== undefined) {
    const c = value.combinesWith;
    if (!isRecord(c) || ["productDiscounts", "orderDiscounts", "shippingDiscounts"].some((k) => c[k] !== undefined && typeof c[k] !== "boolean")) {
      bad(`${at}.combinesWith`, `must be { productDiscounts?, orderDiscounts?, shippingDiscounts? } booleans, got ${describe(c)}`);
    } else {
      override.combinesWith = {
        productDiscounts: c.productDiscounts === true,
        orderDiscounts: c.orderDiscounts === true,
        shippingDiscounts: c.shippingDiscounts === true,
      };
    }
  }
  if (value.triggeringDiscountCode !== undefined) {
    if (value.triggeringDiscountCode === null || typeof value.triggeringDiscountCode === "string") override.triggeringDiscountCode = value.triggeringDiscountCode;
    else bad(`${at}.triggeringDiscountCode`, `must be a string or null, got ${describe(value.triggeringDiscountCode)}`);
  }
  if (value.blockOnFailure !== undefined) {
    if (typeof value.blockOnFailure === "boolean") override.blockOnFailure = value.blockOnFailure;
    else bad(`${at}.blockOnFailure`, `must be true or false, got ${describe(value.blockOnFailure)}`);
  }
  return override;
}

/** Minor-unit digits of an ISO 4217 currency, as Intl knows them. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** A numeric id from a number, a digit string or a gid of `type`. */
export function numericId(value: unknown, type: string): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value !== "string") return null;
  if (/^\d+$/.test(value)) return numericId(Number(value), type);
  const match = GID.exec(value);
  return match && match[1] === type ? numericId(Number(match[2]), type) : null;
}

function metafieldList(value: unknown, at: string, bad: (field: string, message: string) => void): CartMetafield[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    bad(at, `must be an array of { namespace, key, type, value }, got ${describe(value)}`);
    return [];
  }
  const out: CartMetafield[] = [];
  value.forEach((m: unknown, index: number) => {
    const field = `${at}[${index}]`;
    if (!isRecord(m)) return bad(field, `must be an object, got ${describe(m)}`);
    for (const key of ["namespace", "key", "type", "value"]) {
      if (typeof m[key] !== "string" || (key !== "value" && m[key] === "")) bad(`${field}.${key}`, `must be a string, got ${describe(m[key])}`);
    }
    if (m.type === "json" && typeof m.value === "string") {
      try {
        JSON.parse(m.value);
      } catch (error) {
        bad(`${field}.value`, `is not valid JSON (${(error as Error).message})`);
      }
    }
    out.push({ namespace: String(m.namespace), key: String(m.key), type: String(m.type), value: String(m.value) });
  });
  return out;
}

function stringMap(value: unknown, at: string, bad: (field: string, message: string) => void): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    bad(at, `must be an object of string values, got ${describe(value)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") bad(`${at}.${key}`, `must be a string, got ${describe(v)}`);
    else out[key] = v;
  }
  return out;
}

function stringList(value: unknown, at: string, bad: (field: string, message: string) => void): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    bad(at, `must be an array of strings, got ${describe(value)}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((v: unknown, index: number) => {
    if (typeof v !== "string" || v === "") bad(`${at}[${index}]`, `must be a non-empty string, got ${describe(v)}`);
    else out.push(v);
  });
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
