/**
 * Peak kill switches: the one app-owned SHOP metafield every Peakguard function reads.
 *
 *   owner      the Shop          namespace "$app:peakguard"   key "kill_switches"   type json
 *
 * HOW A FUNCTION READS IT (payment, delivery, discount, validation alike). In the target's
 * input query:
 *
 *   shop {
 *     localTime { date }                                                  # expiry safety net
 *     killSwitches: metafield(namespace: "$app:peakguard", key: "kill_switches") { jsonValue }
 *   }
 *
 * and in the function:
 *
 *   import { parseKillSwitches, isPromotionKilled } from "../../../app/domain/kill-switches/format";
 *   const ks = parseKillSwitches(input.shop.killSwitches?.jsonValue);  // never throws; EMPTY when absent/unreadable
 *   const today = input.shop.localTime.date;                            // "YYYY-MM-DD" in the shop's zone
 *   if (isPromotionKilled(ks, promotion.id, today)) skip it;
 *   // validation: const block = regionBlock(ks, countryCode, marketHandle, today, languageIsoCode);
 *   //             if (block) return a validationAdd error with block.message
 *
 * Import ONLY from this file in a function: it has no dependencies and stays small.
 * (serialize.ts and the rest of this folder are admin-side.)
 *
 * THE VALUE (version 1). Compact because a function pays ~230 Wasm instructions per input
 * byte, and at most 10,000 bytes (Shopify's limit for a metafield a function reads; the app
 * refuses a write past it, see serialize.ts). Every list may be absent; unknown fields are
 * ignored (a newer admin may add some):
 *
 *   {
 *     "v": 1,                                   // format version; any other value → EMPTY (nothing killed)
 *     "rev": 17,                                // write counter, for the propagation receipt
 *     "pay": [{ "name": "Cash on Delivery (COD)", "mk": ["eu"], "until": "2026-11-29" }],
 *     "ship": [{ "handle": "express" }, { "title": "DHL Express", "mk": ["uk"] }, { "type": "PICKUP_POINT" }],
 *     "promo": [{ "id": "bf-20-off" }],
 *     "freeze": { "until": "2026-11-28" },      // master "freeze promotions": every promotion is killed
 *     "region": [{ "cc": "FR", "msg": { "en": "We can't ship to France today.", "fr": "…" } }, { "mk": "latam" }]
 *   }
 *
 * Matching rules:
 * - pay: `name` equals the payment method's `name` in the payment-customization input, case-
 *   insensitively; a trailing `*` makes it a prefix ("Klarna*" matches "Klarna - Pay later").
 * - ship: every field given must match the delivery option: `handle` exactly, `title` case-
 *   insensitively (trailing `*` = prefix), `type` = deliveryMethodType (SHIPPING, PICKUP_POINT, …).
 *   An entry with none of the three is ignored (never "kill everything").
 * - promo: `id` equals the promotion id in the promotion-set metafield (exactly).
 * - region: `cc` (ISO country code, upper case) and/or `mk` (market handle); every field given
 *   must match. `msg` maps a language code (lower case, "en", "pt-br" or "pt_br") to the
 *   shopper's message; see regionBlock for the fallback.
 * - `mk` on pay/ship: the switch applies only in these markets (market handles); absent = every market.
 *
 * Expiry ("until"): every switch may carry the shop-local DATE of its expiry. The app restores
 * an expired switch at the exact minute (its expiry job rewrites the metafield); the date here
 * is the safety net should that job not run: a function ignores a switch once
 * `shop.localTime.date` is AFTER `until`. So a switch is never ignored early, and at worst
 * outlives its expiry until the shop's next midnight. Pass `today` = null/undefined to skip
 * the check (then only the app's job restores).
 */
import { readMetafieldJson, UNPARSABLE } from "../json";

export const KILL_SWITCH_NAMESPACE = "$app:peakguard";
export const KILL_SWITCH_KEY = "kill_switches";
export const KILL_SWITCH_TYPE = "json";
export const KILL_SWITCH_VERSION = 1;
/** Shopify's limit on a metafield value a function reads, in bytes. */
export const KILL_SWITCH_MAX_BYTES = 10_000;

/** Delivery method types a switch may name (the functions' DeliveryMethod enum). */
export const DELIVERY_METHOD_TYPES = ["SHIPPING", "PICKUP_POINT", "PICK_UP", "LOCAL", "RETAIL", "NONE"] as const;
export type DeliveryMethodType = (typeof DELIVERY_METHOD_TYPES)[number];

export interface PaymentKill {
  name: string;
  mk?: string[];
  until?: string;
}
export interface DeliveryKill {
  handle?: string;
  title?: string;
  type?: string;
  mk?: string[];
  until?: string;
}
export interface PromotionKill {
  id: string;
  until?: string;
}
export interface FreezeSwitch {
  until?: string;
}
export interface RegionKill {
  cc?: string;
  mk?: string;
  /** language code (lower case) → shopper message */
  msg?: Record<string, string>;
  until?: string;
}

export interface KillSwitches {
  v: 1;
  rev: number;
  pay: PaymentKill[];
  ship: DeliveryKill[];
  promo: PromotionKill[];
  freeze: FreezeSwitch | null;
  region: RegionKill[];
}

/** Nothing killed. What the parser returns for an absent or unreadable value. */
export const EMPTY_KILL_SWITCHES: KillSwitches = Object.freeze({
  v: 1,
  rev: 0,
  pay: [],
  ship: [],
  promo: [],
  freeze: null,
  region: [],
}) as KillSwitches;

export const DEFAULT_REGION_MESSAGE = "We can't take orders to this destination right now. Please try again later.";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function until(raw: Obj): { until?: string } | null {
  if (raw.until === undefined || raw.until === null) return {};
  // An expiry we cannot read would make the switch permanent or void: drop the switch.
  return typeof raw.until === "string" && DATE.test(raw.until) ? { until: raw.until } : null;
}

function markets(raw: Obj): { mk?: string[] } | null {
  if (raw.mk === undefined || raw.mk === null) return {};
  if (!Array.isArray(raw.mk) || raw.mk.length === 0) return null;
  const out: string[] = [];
  for (const m of raw.mk) {
    if (typeof m !== "string" || m === "") return null;
    out.push(m);
  }
  return { mk: out };
}

function list<T>(raw: unknown, read: (o: Obj) => T | null): T[] {
  if (!Array.isArray(raw)) return [];
  const out: T[] = [];
  for (const item of raw) {
    if (!isObj(item)) continue;
    const parsed = read(item);
    if (parsed) out.push(parsed);
  }
  return out;
}

function readPay(o: Obj): PaymentKill | null {
  const name = str(o.name);
  const u = until(o);
  const m = markets(o);
  return name && u && m ? { name, ...m, ...u } : null;
}

function readShip(o: Obj): DeliveryKill | null {
  const handle = str(o.handle);
  const title = str(o.title);
  const type = str(o.type);
  const u = until(o);
  const m = markets(o);
  if (!u || !m || (!handle && !title && !type)) return null;
  const out: DeliveryKill = { ...m, ...u };
  if (handle) out.handle = handle;
  if (title) out.title = title;
  if (type) out.type = type;
  return out;
}

function readPromo(o: Obj): PromotionKill | null {
  const id = str(o.id);
  const u = until(o);
  return id && u ? { id, ...u } : null;
}

function readRegion(o: Obj): RegionKill | null {
  const cc = str(o.cc);
  const mk = str(o.mk);
  const u = until(o);
  if (!u || (!cc && !mk)) return null;
  const out: RegionKill = { ...u };
  if (cc) out.cc = cc.toUpperCase();
  if (mk) out.mk = mk;
  if (isObj(o.msg)) {
    const msg: Record<string, string> = {};
    let any = false;
    for (const lang of Object.keys(o.msg)) {
      const text = str(o.msg[lang]);
      if (text) {
        msg[lang.toLowerCase().replace("_", "-")] = text;
        any = true;
      }
    }
    if (any) out.msg = msg;
  }
  return out;
}

/**
 * The functions' reader. Accepts the metafield's jsonValue (an object) or its value (a JSON
 * string). Never throws. Absent, unparsable or another version → EMPTY_KILL_SWITCHES (nothing
 * killed: a broken switch metafield must not take checkout down). A single entry it cannot
 * read in full (no name, unreadable expiry or markets) is dropped, the others kept.
 */
export function parseKillSwitches(json: unknown): KillSwitches {
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return EMPTY_KILL_SWITCHES;
  if (!isObj(value) || value.v !== KILL_SWITCH_VERSION) return EMPTY_KILL_SWITCHES;
  const freezeRaw = value.freeze;
  let freeze: FreezeSwitch | null = null;
  if (freezeRaw === true) freeze = {};
  else if (isObj(freezeRaw)) freeze = until(freezeRaw);
  return {
    v: 1,
    rev: typeof value.rev === "number" && Number.isSafeInteger(value.rev) ? value.rev : 0,
    pay: list(value.pay, readPay),
    ship: list(value.ship, readShip),
    promo: list(value.promo, readPromo),
    freeze,
    region: list(value.region, readRegion),
  };
}

/** True while the switch applies: no expiry, no date to compare, or today (shop-local) ≤ until. */
export function isActive(sw: { until?: string }, today?: string | null): boolean {
  // ISO dates (YYYY-MM-DD, fixed width) order as strings.
  return !sw.until || !today || today <= sw.until;
}

function nameMatches(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  return p.endsWith("*") ? v.startsWith(p.slice(0, -1)) : v === p;
}

function inMarket(mk: string[] | undefined, market: string | null | undefined): boolean {
  if (!mk) return true;
  // A market-scoped switch needs the market to apply; without one we cannot tell, so it does not.
  return !!market && mk.includes(market);
}

/** Is the payment method with this name (payment-customization input `paymentMethods.name`) killed? */
export function isPaymentMethodKilled(
  ks: KillSwitches,
  name: string,
  today?: string | null,
  market?: string | null
): boolean {
  for (const sw of ks.pay) {
    if (isActive(sw, today) && inMarket(sw.mk, market) && nameMatches(sw.name, name)) return true;
  }
  return false;
}

export interface DeliveryOptionRef {
  handle: string;
  title?: string | null;
  deliveryMethodType?: string | null;
}

/** Is this delivery option (delivery-customization input `deliveryOptions[]`) killed? */
export function isDeliveryOptionKilled(
  ks: KillSwitches,
  option: DeliveryOptionRef,
  today?: string | null,
  market?: string | null
): boolean {
  for (const sw of ks.ship) {
    if (!isActive(sw, today) || !inMarket(sw.mk, market)) continue;
    if (sw.handle && sw.handle !== option.handle) continue;
    if (sw.title && !(option.title && nameMatches(sw.title, option.title))) continue;
    if (sw.type && sw.type !== option.deliveryMethodType) continue;
    return true;
  }
  return false;
}

/** Is every promotion frozen (the master switch)? */
export function arePromotionsFrozen(ks: KillSwitches, today?: string | null): boolean {
  return !!ks.freeze && isActive(ks.freeze, today);
}

/** Is this promotion killed, by its own switch or by the master freeze? */
export function isPromotionKilled(ks: KillSwitches, promotionId: string, today?: string | null): boolean {
  if (arePromotionsFrozen(ks, today)) return true;
  for (const sw of ks.promo) {
    if (sw.id === promotionId && isActive(sw, today)) return true;
  }
  return false;
}

export interface RegionBlock {
  /** The shopper-facing message, in the requested language when the switch has one. */
  message: string;
  /** What matched, for logs: "FR", "market latam", "FR in eu". */
  region: string;
}

/**
 * Is checkout to this country / market blocked? Returns the block (with the message to show)
 * or null. `country` is an ISO code (e.g. the delivery address's countryCode or
 * localization.country.isoCode); `market` a market handle. `language` picks the message:
 * exact ("pt-br"), then its base ("pt"), then "en", then the switch's first message, then
 * DEFAULT_REGION_MESSAGE.
 */
export function regionBlock(
  ks: KillSwitches,
  country: string | null | undefined,
  market: string | null | undefined,
  today?: string | null,
  language?: string | null
): RegionBlock | null {
  const sw = findRegionKill(ks, country, market, today);
  if (!sw) return null;
  const region = sw.cc && sw.mk ? `${sw.cc} in ${sw.mk}` : sw.cc ? sw.cc : `market ${sw.mk}`;
  return { message: pickMessage(sw.msg, language), region };
}

/**
 * The first active region switch that blocks this country / market (the matching rule of
 * regionBlock), or null. For a function that words its own message when the switch has
 * none in the shopper's language (the checkout validation does, in en / fr / de).
 */
export function findRegionKill(
  ks: KillSwitches,
  country: string | null | undefined,
  market: string | null | undefined,
  today?: string | null
): RegionKill | null {
  const cc = country ? country.toUpperCase() : null;
  for (const sw of ks.region) {
    if (!isActive(sw, today)) continue;
    if (sw.cc && sw.cc !== cc) continue;
    if (sw.mk && sw.mk !== market) continue;
    return sw;
  }
  return null;
}

/**
 * The switch's own message in exactly this language ("pt-br", then its base "pt"), or null:
 * no fallback to another language (compare regionBlock, which falls back to English).
 */
export function regionMessageIn(sw: RegionKill, language: string | null | undefined): string | null {
  if (!sw.msg || !language) return null;
  const lang = language.toLowerCase().replace("_", "-");
  return sw.msg[lang] ?? sw.msg[lang.split("-")[0] ?? lang] ?? null;
}

/**
 * parseKillSwitches reading only the region switches (the others left empty): for a function
 * that honours nothing else, so it does not pay for reading payment, delivery and promotion
 * entries. Never throws; same leniency as parseKillSwitches.
 */
export function parseRegionKillSwitches(json: unknown): KillSwitches {
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return EMPTY_KILL_SWITCHES;
  if (!isObj(value) || value.v !== KILL_SWITCH_VERSION || !Array.isArray(value.region) || value.region.length === 0) return EMPTY_KILL_SWITCHES;
  return { ...EMPTY_KILL_SWITCHES, rev: typeof value.rev === "number" && Number.isSafeInteger(value.rev) ? value.rev : 0, region: list(value.region, readRegion) };
}

function pickMessage(msg: Record<string, string> | undefined, language: string | null | undefined): string {
  if (!msg) return DEFAULT_REGION_MESSAGE;
  if (language) {
    const lang = language.toLowerCase().replace("_", "-");
    const exact = msg[lang];
    if (exact) return exact;
    const base = msg[lang.split("-")[0] ?? lang];
    if (base) return base;
  }
  const en = msg.en;
  if (en) return en;
  for (const key of Object.keys(msg)) {
    const first = msg[key];
    if (first) return first;
  }
  return DEFAULT_REGION_MESSAGE;
}
