/**
 * ADMIN SIDE — kill switches as the app holds them, and the rules for flipping them.
 *
 * A switch is a target (what is off: a payment method, a delivery option, a promotion, the
 * master promotion freeze, a region), a reason, who flipped it, and an optional expiry. The
 * active switches are the source of truth; the shop metafield the functions read is derived
 * from them (toKillSwitches), so what the guard checks here is evaluated with the same
 * predicates the functions run (format.ts): byte-for-byte the same rule.
 *
 * Flips are planned here, purely; the service (app/services/kill-switches) stores them and
 * writes the metafield. Expected refusals are returned, never thrown:
 *   REASON_REQUIRED, EXPIRY_NOT_IN_FUTURE, INVALID_TARGET, UNKNOWN_MARKET, NOT_HIDEABLE,
 *   ALREADY_OFF, NO_DECLARED_METHODS, LAST_PAYMENT_METHOD, LAST_DELIVERY_OPTION, TOO_LARGE,
 *   NOT_FOUND.
 *
 * THE LAST-METHOD GUARD. The Admin API cannot list a shop's payment methods (they exist only
 * inside checkout, as the payment-customization function's input), and delivery rates come
 * from profiles, carriers and apps. So the merchant DECLARES, per market, the payment methods
 * and delivery options checkout offers there (the Peak page's settings; the checkout
 * simulator uses the same declaration). A flip that would leave a market that has declared
 * methods with none is refused, naming the market and what is already off. A payment or
 * delivery switch is refused outright while nothing is declared: the guard cannot be checked.
 * The functions add a second net at checkout: they never hide every method offered.
 */
import { utcToZoned } from "../promotions/time-admin";
import {
  DELIVERY_METHOD_TYPES,
  EMPTY_KILL_SWITCHES,
  isDeliveryOptionKilled,
  isPaymentMethodKilled,
  type DeliveryKill,
  type FreezeSwitch,
  type KillSwitches,
  type PaymentKill,
  type PromotionKill,
  type RegionKill,
} from "./format";
import { checkedKillSwitchValue } from "./serialize";

export const SWITCH_KINDS = ["payment", "delivery", "promotion", "freeze", "region"] as const;
export type SwitchKind = (typeof SWITCH_KINDS)[number];

/** The metafield entry a switch becomes, without its expiry (added from expiresAt). */
export type SwitchTarget =
  | { kind: "payment"; entry: Omit<PaymentKill, "until"> }
  | { kind: "delivery"; entry: Omit<DeliveryKill, "until"> }
  | { kind: "promotion"; entry: Omit<PromotionKill, "until"> }
  | { kind: "freeze"; entry: Omit<FreezeSwitch, "until"> }
  | { kind: "region"; entry: Omit<RegionKill, "until"> };

export interface ActiveSwitch {
  id: string;
  target: SwitchTarget;
  reason: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** What checkout offers in one market, as the merchant declared it. */
export interface DeclaredMarket {
  handle: string;
  name?: string;
  countries: string[];
  payment: string[];
  delivery: { handle: string; title?: string; type?: string }[];
}
export interface MethodCatalog {
  markets: DeclaredMarket[];
}

export type Refusal = { ok: false; code: RefusalCode; message: string };
export type RefusalCode =
  | "REASON_REQUIRED"
  | "EXPIRY_NOT_IN_FUTURE"
  | "INVALID_TARGET"
  | "UNKNOWN_MARKET"
  | "NOT_HIDEABLE"
  | "ALREADY_OFF"
  | "NO_DECLARED_METHODS"
  | "LAST_PAYMENT_METHOD"
  | "LAST_DELIVERY_OPTION"
  | "TOO_LARGE"
  | "NOT_FOUND";

const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** Shopify does not let a delivery customization hide local pickup or local delivery. */
export const UNHIDEABLE_DELIVERY_TYPES: readonly string[] = ["PICK_UP", "LOCAL"];
export const MIN_REASON_LENGTH = 3;

/* ------------------------------------------------------------------ identity and words */

const markets = (mk: string[] | undefined) => (mk && mk.length > 0 ? `@${[...mk].sort().join(",")}` : "");

/** One active switch per key: the same target twice is refused (ALREADY_OFF). */
export function switchKey(target: SwitchTarget): string {
  switch (target.kind) {
    case "payment":
      return `payment:${target.entry.name.toLowerCase()}${markets(target.entry.mk)}`;
    case "delivery": {
      const e = target.entry;
      return `delivery:${e.handle ?? ""}|${e.title?.toLowerCase() ?? ""}|${e.type ?? ""}${markets(e.mk)}`;
    }
    case "promotion":
      return `promotion:${target.entry.id}`;
    case "freeze":
      return "freeze";
    case "region":
      return `region:${target.entry.cc ?? ""}|${target.entry.mk ?? ""}`;
  }
}

const inMarkets = (mk: string[] | undefined) => (mk && mk.length > 0 ? ` in ${mk.join(", ")}` : "");

/** "Payment method “Klarna*” in eu", "Delivery option express", "Promotion bf-20-off", … */
export function describeTarget(target: SwitchTarget): string {
  switch (target.kind) {
    case "payment":
      return `Payment method “${target.entry.name}”${inMarkets(target.entry.mk)}`;
    case "delivery": {
      const e = target.entry;
      const parts = [e.handle && `handle ${e.handle}`, e.title && `title “${e.title}”`, e.type && `type ${e.type}`].filter(Boolean);
      return `Delivery option ${parts.join(", ")}${inMarkets(e.mk)}`;
    }
    case "promotion":
      return `Promotion ${target.entry.id}`;
    case "freeze":
      return "Freeze all promotions";
    case "region": {
      const e = target.entry;
      return `Checkout to ${e.cc ?? ""}${e.cc && e.mk ? " in market " : ""}${e.mk && !e.cc ? "market " : ""}${e.mk ?? ""}`;
    }
  }
}

/* ------------------------------------------------------------------ the metafield state */

/** The shop-local date (YYYY-MM-DD) of an instant: the `until` functions compare with shop.localTime.date. */
export function shopLocalDate(instant: Date, timeZone: string): string {
  return utcToZoned(Math.floor(instant.getTime() / 1000), timeZone).wall.slice(0, 10);
}

/** The metafield state for these active switches (expired ones are the caller's to remove first). */
export function toKillSwitches(active: readonly ActiveSwitch[], rev: number, timeZone: string): KillSwitches {
  const ks: KillSwitches = { ...EMPTY_KILL_SWITCHES, rev, pay: [], ship: [], promo: [], region: [], freeze: null };
  // Oldest first: the metafield lists switches in the order they were flipped.
  const sorted = [...active].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  for (const sw of sorted) {
    const until = sw.expiresAt ? { until: shopLocalDate(sw.expiresAt, timeZone) } : {};
    const t = sw.target;
    if (t.kind === "payment") ks.pay.push({ ...t.entry, ...until });
    else if (t.kind === "delivery") ks.ship.push({ ...t.entry, ...until });
    else if (t.kind === "promotion") ks.promo.push({ ...t.entry, ...until });
    else if (t.kind === "freeze") ks.freeze = { ...until };
    else ks.region.push({ ...t.entry, ...until });
  }
  return ks;
}

/* ------------------------------------------------------------------ target validation */

const LANGUAGE = /^[a-z]{2,3}([-_][a-z0-9]{2,4})?$/i;
const COUNTRY = /^[A-Z]{2}$/;
const HANDLE = /^[a-z0-9][a-z0-9-]*$/;
const PROMOTION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

function cleanMarkets(mk: unknown): string[] | undefined | null {
  if (mk === undefined || mk === null) return undefined;
  if (!Array.isArray(mk)) return null;
  const list = [...new Set(mk.map((m) => (typeof m === "string" ? m.trim() : "")))];
  if (list.some((m) => !HANDLE.test(m))) return null;
  return list.length > 0 ? list : undefined;
}

/**
 * Reads a target from a form or JSON: trims, upper-cases country codes, checks shapes.
 * Names the field at fault.
 */
export function readTarget(kind: string, raw: Record<string, unknown>): { ok: true; target: SwitchTarget } | Refusal {
  const text = (key: string) => (typeof raw[key] === "string" ? (raw[key] as string).trim() : "");
  const mk = cleanMarkets(raw.mk);
  if (mk === null) return refuse("INVALID_TARGET", "markets: each must be a market handle (lower-case letters, digits, hyphens)");
  switch (kind) {
    case "payment": {
      const name = text("name");
      if (name.replace(/\*$/, "") === "") return refuse("INVALID_TARGET", "name: the payment method's name as checkout shows it (a trailing * matches a prefix), not empty");
      return { ok: true, target: { kind, entry: { name, ...(mk ? { mk } : {}) } } };
    }
    case "delivery": {
      const handle = text("handle");
      const title = text("title");
      const type = text("type").toUpperCase();
      if (!handle && !title.replace(/\*$/, "") && !type) return refuse("INVALID_TARGET", "delivery option: give its handle, title or delivery method type");
      if (type && !(DELIVERY_METHOD_TYPES as readonly string[]).includes(type)) {
        return refuse("INVALID_TARGET", `type: ${type} is not a delivery method type (${DELIVERY_METHOD_TYPES.join(", ")})`);
      }
      if (type && UNHIDEABLE_DELIVERY_TYPES.includes(type)) {
        return refuse("NOT_HIDEABLE", `type: Shopify does not let a delivery customization hide ${type === "PICK_UP" ? "local pickup" : "local delivery"}`);
      }
      const entry: DeliveryKill = { ...(handle ? { handle } : {}), ...(title ? { title } : {}), ...(type ? { type } : {}), ...(mk ? { mk } : {}) };
      return { ok: true, target: { kind, entry } };
    }
    case "promotion": {
      const id = text("id");
      if (!PROMOTION_ID.test(id)) return refuse("INVALID_TARGET", `id: "${id}" is not a promotion id from the promotion set`);
      return { ok: true, target: { kind, entry: { id } } };
    }
    case "freeze":
      return { ok: true, target: { kind, entry: {} } };
    case "region": {
      const cc = text("cc").toUpperCase();
      const market = text("market") || (mk?.length === 1 ? mk[0]! : "");
      if (!cc && !market) return refuse("INVALID_TARGET", "region: give a country code, a market handle, or both");
      if (cc && !COUNTRY.test(cc)) return refuse("INVALID_TARGET", `country: "${cc}" is not a two-letter ISO country code`);
      if (market && !HANDLE.test(market)) return refuse("INVALID_TARGET", `market: "${market}" is not a market handle`);
      const msg: Record<string, string> = {};
      const messages = raw.msg;
      if (messages && typeof messages === "object" && !Array.isArray(messages)) {
        for (const [lang, value] of Object.entries(messages as Record<string, unknown>)) {
          const textValue = typeof value === "string" ? value.trim() : "";
          if (!textValue) continue;
          if (!LANGUAGE.test(lang)) return refuse("INVALID_TARGET", `message language: "${lang}" is not a language code like en or pt-BR`);
          msg[lang.toLowerCase().replace("_", "-")] = textValue;
        }
      }
      const entry: RegionKill = { ...(cc ? { cc } : {}), ...(market ? { mk: market } : {}), ...(Object.keys(msg).length > 0 ? { msg } : {}) };
      return { ok: true, target: { kind, entry } };
    }
    default:
      return refuse("INVALID_TARGET", `kind: "${kind}" is not one of ${SWITCH_KINDS.join(", ")}`);
  }
}

/* ------------------------------------------------------------------ the guard */

export interface MarketCoverage {
  market: string;
  payment: { declared: string[]; remaining: string[] };
  delivery: { declared: string[]; remaining: string[] };
}

const optionLabel = (o: DeclaredMarket["delivery"][number]) => o.title ?? o.handle;

/** What each declared market still offers under this state (the functions' own predicates, no date check). */
export function coverage(catalog: MethodCatalog, ks: KillSwitches): MarketCoverage[] {
  return catalog.markets.map((m) => ({
    market: m.handle,
    payment: { declared: m.payment, remaining: m.payment.filter((name) => !isPaymentMethodKilled(ks, name, null, m.handle)) },
    delivery: {
      declared: m.delivery.map(optionLabel),
      remaining: m.delivery
        .filter(
          (o) =>
            (o.type !== undefined && UNHIDEABLE_DELIVERY_TYPES.includes(o.type)) ||
            !isDeliveryOptionKilled(ks, { handle: o.handle, title: o.title ?? null, deliveryMethodType: o.type ?? null }, null, m.handle)
        )
        .map(optionLabel),
    },
  }));
}

function lastMethodRefusal(catalog: MethodCatalog, before: KillSwitches, after: KillSwitches, what: string): Refusal | null {
  const was = new Map(coverage(catalog, before).map((c) => [c.market, c]));
  for (const now of coverage(catalog, after)) {
    const prior = was.get(now.market);
    if (prior && prior.payment.remaining.length > 0 && now.payment.remaining.length === 0) {
      const off = now.payment.declared.filter((n) => !prior.payment.remaining.includes(n));
      return refuse(
        "LAST_PAYMENT_METHOD",
        `Refused: turning off ${what} would leave market ${now.market} with no payment method: it would turn off ${prior.payment.remaining.join(", ")}, the last one${prior.payment.remaining.length === 1 ? "" : "s"} on${off.length > 0 ? ` (already off: ${off.join(", ")})` : ""}. Restore another method first, or declare one more for ${now.market}.`
      );
    }
    if (prior && prior.delivery.remaining.length > 0 && now.delivery.remaining.length === 0) {
      const off = now.delivery.declared.filter((n) => !prior.delivery.remaining.includes(n));
      return refuse(
        "LAST_DELIVERY_OPTION",
        `Refused: turning off ${what} would leave market ${now.market} with no delivery option: it would turn off ${prior.delivery.remaining.join(", ")}, the last one${prior.delivery.remaining.length === 1 ? "" : "s"} on${off.length > 0 ? ` (already off: ${off.join(", ")})` : ""}. Restore another option first, or declare one more for ${now.market}.`
      );
    }
  }
  return null;
}

/* ------------------------------------------------------------------ planning flips */

export interface FlipContext {
  active: readonly ActiveSwitch[];
  catalog: MethodCatalog;
  /** The shop's IANA zone (for the metafield's shop-local expiry dates). */
  timeZone: string;
  now: Date;
}

export type KillPlan = { ok: true; target: SwitchTarget; key: string; expiresAt: Date | null; before: KillSwitches; after: KillSwitches } | Refusal;

export function readReason(reason: unknown): string | null {
  const text = typeof reason === "string" ? reason.trim() : "";
  return text.length >= MIN_REASON_LENGTH ? text : null;
}

/** Plan turning a switch on. `after` is the metafield state to write (rev left to the writer). */
export function planKill(ctx: FlipContext, target: SwitchTarget, reason: unknown, expiresAt: Date | null): KillPlan {
  if (!readReason(reason)) return refuse("REASON_REQUIRED", `reason: say why (at least ${MIN_REASON_LENGTH} characters); it goes in the audit log`);
  if (expiresAt && expiresAt.getTime() <= ctx.now.getTime()) {
    return refuse("EXPIRY_NOT_IN_FUTURE", `expiry: ${expiresAt.toISOString()} is not after now (${ctx.now.toISOString()})`);
  }
  const key = switchKey(target);
  const same = ctx.active.find((s) => switchKey(s.target) === key);
  if (same) return refuse("ALREADY_OFF", `${describeTarget(target)} is already off (since ${same.createdAt.toISOString()}, by ${same.createdBy}: ${same.reason})`);

  const declared = new Set(ctx.catalog.markets.map((m) => m.handle));
  const named = target.kind === "payment" || target.kind === "delivery" ? target.entry.mk ?? [] : target.kind === "region" && target.entry.mk ? [target.entry.mk] : [];
  const unknown = named.filter((m) => !declared.has(m));
  if ((target.kind === "payment" || target.kind === "delivery") && ctx.catalog.markets.length === 0) {
    return refuse(
      "NO_DECLARED_METHODS",
      "Declare the payment methods and delivery options each market offers (Peak settings) first: without them the app cannot check that a market keeps a way to pay and to receive its order."
    );
  }
  if (unknown.length > 0 && target.kind !== "region") {
    return refuse("UNKNOWN_MARKET", `markets: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not declared (declared: ${[...declared].join(", ") || "none"})`);
  }

  const before = toKillSwitches(ctx.active, 0, ctx.timeZone);
  const candidate: ActiveSwitch = { id: "~planned", target, reason: String(reason), createdBy: "", createdAt: ctx.now, expiresAt };
  const after = toKillSwitches([...ctx.active, candidate], 0, ctx.timeZone);
  if (target.kind === "payment" || target.kind === "delivery") {
    const blocked = lastMethodRefusal(ctx.catalog, before, after, describeTarget(target));
    if (blocked) return blocked;
  }
  const size = checkedKillSwitchValue(after);
  if (!size.ok) return refuse("TOO_LARGE", size.message);
  return { ok: true, target, key, expiresAt, before, after };
}

export type RestorePlan = { ok: true; restored: ActiveSwitch; before: KillSwitches; after: KillSwitches } | Refusal;

/** Plan turning a switch back off (staff, or "expiry" with reason "expired"). */
export function planRestore(ctx: FlipContext, switchId: string, reason: unknown): RestorePlan {
  if (!readReason(reason)) return refuse("REASON_REQUIRED", `reason: say why (at least ${MIN_REASON_LENGTH} characters); it goes in the audit log`);
  const restored = ctx.active.find((s) => s.id === switchId);
  if (!restored) return refuse("NOT_FOUND", `No active kill switch ${switchId}: it may have been restored or expired already`);
  return {
    ok: true,
    restored,
    before: toKillSwitches(ctx.active, 0, ctx.timeZone),
    after: toKillSwitches(
      ctx.active.filter((s) => s.id !== switchId),
      0,
      ctx.timeZone
    ),
  };
}

/** Switches whose expiry has passed at `now`, oldest expiry first. */
export function expiredSwitches(active: readonly ActiveSwitch[], now: Date): ActiveSwitch[] {
  return active
    .filter((s) => s.expiresAt !== null && s.expiresAt.getTime() <= now.getTime())
    .sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime());
}

/* ------------------------------------------------------------------ the declared catalog */

/** Reads the merchant's declaration strictly (the settings form); names the field at fault. */
export function readCatalog(raw: unknown): { ok: true; catalog: MethodCatalog } | { ok: false; message: string } {
  const root = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!root || !Array.isArray(root.markets)) return { ok: false, message: "markets: a list of markets is required" };
  const seen = new Set<string>();
  const markets: DeclaredMarket[] = [];
  for (const [i, value] of root.markets.entries()) {
    const m = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
    const at = `markets[${i}]`;
    const handle = typeof m.handle === "string" ? m.handle.trim() : "";
    if (!HANDLE.test(handle)) return { ok: false, message: `${at}.handle: "${handle}" is not a market handle` };
    if (seen.has(handle)) return { ok: false, message: `${at}.handle: ${handle} is declared twice` };
    seen.add(handle);
    const countries = Array.isArray(m.countries) ? m.countries.map((c) => String(c).trim().toUpperCase()).filter(Boolean) : [];
    const badCountry = countries.find((c) => !COUNTRY.test(c));
    if (badCountry) return { ok: false, message: `${at}.countries: "${badCountry}" is not a two-letter country code` };
    const payment = Array.isArray(m.payment) ? [...new Set(m.payment.map((p) => String(p).trim()).filter(Boolean))] : [];
    const delivery: DeclaredMarket["delivery"] = [];
    for (const [j, o] of (Array.isArray(m.delivery) ? m.delivery : []).entries()) {
      const opt = o && typeof o === "object" ? (o as Record<string, unknown>) : {};
      const h = typeof opt.handle === "string" ? opt.handle.trim() : "";
      if (!HANDLE.test(h)) return { ok: false, message: `${at}.delivery[${j}].handle: "${h}" is not a delivery option handle` };
      const type = typeof opt.type === "string" && opt.type.trim() ? opt.type.trim().toUpperCase() : undefined;
      if (type && !(DELIVERY_METHOD_TYPES as readonly string[]).includes(type)) return { ok: false, message: `${at}.delivery[${j}].type: ${type} is not a delivery method type` };
      const title = typeof opt.title === "string" && opt.title.trim() ? opt.title.trim() : undefined;
      delivery.push({ handle: h, ...(title ? { title } : {}), ...(type ? { type } : {}) });
    }
    const name = typeof m.name === "string" && m.name.trim() ? m.name.trim() : undefined;
    markets.push({ handle, ...(name ? { name } : {}), countries, payment, delivery });
  }
  return { ok: true, catalog: { markets } };
}

/**
 * The catalog from the settings' plain-text form, one market a line:
 *   eu | DE, FR, IT | Shop Pay, PayPal, Klarna | standard:Standard, express:Express:SHIPPING
 */
export function parseCatalogText(text: string): { ok: true; catalog: MethodCatalog } | { ok: false; message: string } {
  const markets: unknown[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const [handle = "", countries = "", payment = "", delivery = "", ...rest] = line.split("|").map((p) => p.trim());
    if (rest.length > 0) return { ok: false, message: `line ${i + 1}: four fields separated by | (market | countries | payment methods | delivery options)` };
    const list = (s: string) => s.split(",").map((p) => p.trim()).filter(Boolean);
    markets.push({
      handle,
      countries: list(countries),
      payment: list(payment),
      delivery: list(delivery).map((d) => {
        const [h, title, type] = d.split(":").map((p) => p.trim());
        return { handle: h, title, type };
      }),
    });
  }
  const read = readCatalog({ markets });
  return read.ok ? read : { ok: false, message: read.message.replace(/^markets\[(\d+)\]/, (_m, n: string) => `market ${Number(n) + 1}`) };
}

/** The inverse of parseCatalogText. */
export function catalogText(catalog: MethodCatalog): string {
  return catalog.markets
    .map((m) =>
      [
        m.handle,
        m.countries.join(", "),
        m.payment.join(", "),
        m.delivery.map((d) => [d.handle, d.title ?? (d.type ? "" : undefined), d.type].filter((p) => p !== undefined).join(":")).join(", "),
      ].join(" | ")
    )
    .join("\n");
}
