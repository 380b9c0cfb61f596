/**
 * "Why was this cart blocked": builds the checkout function's input for a cart the
 * merchant describes (SKUs and quantities, who is buying, where to, when, which checkout
 * step and language), runs the same evaluate() the function runs, and explains each rule.
 *
 * Where the figures come from, as at checkout: names, prices and the ATP metafields from
 * Shopify (ValidationLookupVariants, by the variant ids the synced catalogue gives for the
 * SKUs); a logged-in customer's purchases counted now from synced orders (what the app
 * publishes to their limits metafield); time from the shop's clock (or the time asked).
 * Each rule's verdict is recorded (CheckoutRuleCheck) for the page's lookup counts.
 * The shop's peak region kill switches (the kill_switches metafield, read by the caller)
 * run too, as the function runs them (kill-regions.ts): they block whatever the rules say.
 */
import type { PrismaClient } from "@prisma/client";

import { ValidationLookupVariants } from "../../../graphql/operations";
import { parseMoney, toDecimalString } from "../../domain/money";
import { utcToZoned, zonedToUtc } from "../../domain/promotions/time-admin";
import { canonicalWall, exactClock } from "../../domain/validation/clock";
import { countPurchases, normalizeEmail } from "../../domain/validation/customer-limits";
import { readAtp } from "../../domain/inventory/atp-metafield";
import { evaluate } from "../../domain/validation/evaluate";
import { checkoutStock } from "../../domain/validation/stock";
import { regionKillErrors, type RegionKillError } from "../../domain/validation/kill-regions";
import { parseRegionKillSwitches } from "../../domain/kill-switches/format";
import { explainVerdict, statusLabel } from "../../domain/validation/explain";
import type { BuyerJourneyStep, CheckoutInput, RuleSet, RuleVerdict, ValidationMessage } from "../../domain/validation/types";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import { countingHorizon, limitRules, loadBuyers } from "./customer-limits.server";
import { recordLookup } from "./counts.server";

export const STEPS: BuyerJourneyStep[] = ["CART_INTERACTION", "CHECKOUT_INTERACTION", "CHECKOUT_COMPLETION"];
export const LANGUAGES = ["EN", "FR", "DE"] as const;
export const MAX_LOOKUP_LINES = 50;

export interface LookupRequest {
  lines: { sku: string; quantity: number }[];
  buyer: { kind: "guest" } | { kind: "customer"; ref: string };
  address: { countryCode: string; provinceCode: string; zip: string; address1: string; address2: string } | null;
  /** The checkout's market handle (region kill switches by market); null = not given. */
  market: string | null;
  step: BuyerJourneyStep;
  language: (typeof LANGUAGES)[number];
  /** Shop-local wall time "YYYY-MM-DDTHH:MM:SS"; null = now. */
  at: string | null;
}

export type LookupFormResult = { ok: true; request: LookupRequest } | { ok: false; errors: Record<string, string> };

const text = (form: FormData, name: string): string => {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
};

/** "HD-BLK-M × 2", "HD-BLK-M 2", "HD-BLK-M,2", or "HD-BLK-M" (1): one line per cart line. */
export function readLookupForm(form: FormData): LookupFormResult {
  const errors: Record<string, string> = {};
  const lines: LookupRequest["lines"] = [];
  text(form, "lines")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((line, i) => {
      const match = /^(\S+?)(?:\s*[×x*,]\s*|\s+)?(\d+)?$/.exec(line);
      const quantity = match?.[2] === undefined ? 1 : Number(match[2]);
      if (!match || !Number.isSafeInteger(quantity) || quantity < 1 || quantity > 10_000) {
        errors.lines ??= `Line ${i + 1} ("${line}"): write a SKU and a quantity, like HD-BLK-M × 2`;
      } else lines.push({ sku: match[1]!, quantity });
    });
  if (lines.length === 0 && !errors.lines) errors.lines = "Add at least one line: a SKU and a quantity, like HD-BLK-M × 2";
  if (lines.length > MAX_LOOKUP_LINES) errors.lines = `At most ${MAX_LOOKUP_LINES} lines`;

  const customer = text(form, "customer");
  const buyer: LookupRequest["buyer"] = text(form, "buyer") === "customer" ? { kind: "customer", ref: customer } : { kind: "guest" };
  if (buyer.kind === "customer" && !customer) errors.customer = "Give the customer's email or id, or choose a guest checkout";

  const countryCode = text(form, "countryCode").toUpperCase();
  if (countryCode && !/^[A-Z]{2}$/.test(countryCode)) errors.countryCode = "A two-letter country code, like US";
  const address = countryCode || text(form, "zip") || text(form, "address1")
    ? { countryCode, provinceCode: text(form, "provinceCode").toUpperCase(), zip: text(form, "zip"), address1: text(form, "address1"), address2: text(form, "address2") }
    : null;

  const market = text(form, "market").toLowerCase() || null;
  if (market && !/^[a-z0-9][a-z0-9-]*$/.test(market)) errors.market = "A market handle, like us or eu (lower-case letters, digits, hyphens)";

  const step = (STEPS as string[]).includes(text(form, "step")) ? (text(form, "step") as BuyerJourneyStep) : "CHECKOUT_COMPLETION";
  const language = (LANGUAGES as readonly string[]).includes(text(form, "language")) ? (text(form, "language") as LookupRequest["language"]) : "EN";
  const atText = text(form, "at");
  const at = atText ? canonicalWall(atText) : null;
  if (atText && !at) errors.at = "A shop-local date and time, like 2026-11-27T10:00";

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, request: { lines, buyer, address, market, step, language, at } };
}

export interface LookupVerdict {
  ruleId: string;
  name: string;
  kind: string;
  mode: string;
  status: RuleVerdict["status"];
  statusLabel: string;
  explanation: string;
  errors: ValidationMessage[];
}

export interface LookupResult {
  /** Shop-local time the cart was checked at. */
  at: string;
  /** What the shopper would see (enforced rules). */
  errors: ValidationMessage[];
  /** What testing-mode rules would have shown. */
  testing: ValidationMessage[];
  verdicts: LookupVerdict[];
  /** Region kill switches that block this cart (their errors are in `errors` too, first). */
  killedRegions: RegionKillError[];
  /** Facts the lookup could not find, said plainly. */
  notes: string[];
}

interface VariantFacts {
  sku: string;
  name: string;
  priceMinor: number;
  atp: unknown;
}

/** The validation's ATP copy as the app would publish it for these variants (checkoutStock: only the SKUs ATP rules govern). */
function checkoutStockOf(set: RuleSet, facts: readonly VariantFacts[]): string {
  return checkoutStock(set, facts.map((f) => ({ sku: f.sku, figure: readAtp(f.atp) }))).value;
}

async function variantFacts(prisma: PrismaClient, admin: AdminClient, shop: string, skus: string[], currencyCode: string): Promise<Map<string, VariantFacts>> {
  const mirrored = await forShop(prisma, shop).variant.findMany({ where: { sku: { in: skus } }, select: { id: true, sku: true } });
  const facts = new Map<string, VariantFacts>();
  if (mirrored.length === 0) return facts;
  const data = await admin.request(ValidationLookupVariants, { ids: [...new Set(mirrored.map((v) => v.id))] });
  for (const node of data.nodes) {
    if (!node || !("sku" in node) || !node.sku) continue;
    const price = parseMoney(node.price, currencyCode);
    const name = node.title && node.title !== "Default Title" ? `${node.product.title} — ${node.title}` : node.product.title;
    if (!facts.has(node.sku)) facts.set(node.sku, { sku: node.sku, name, priceMinor: price.ok ? price.minor : 0, atp: node.atp?.jsonValue ?? null });
  }
  return facts;
}

/** The customer record a lookup names (gid, numeric id or email), from the synced customers. */
async function findCustomer(prisma: PrismaClient, shop: string, ref: string): Promise<{ id: string; email: string | null; phone: string | null } | null> {
  const db = forShop(prisma, shop);
  const id = /^\d+$/.test(ref) ? `gid://shopify/Customer/${ref}` : ref.startsWith("gid://") ? ref : null;
  if (id) return db.customer.findFirst({ where: { id, redactedAt: null }, select: { id: true, email: true, phone: true } });
  const email = normalizeEmail(ref);
  if (!email) return null;
  const rows = await db.customer.findMany({ where: { redactedAt: null, email: { not: null } }, select: { id: true, email: true, phone: true } });
  return rows.find((c) => normalizeEmail(c.email) === email) ?? null;
}

export async function runLookup(
  prisma: PrismaClient,
  admin: AdminClient,
  shop: string,
  set: RuleSet,
  request: LookupRequest,
  options: {
    zone: string;
    now: Date;
    /** The shop's kill_switches metafield value (null: none); undefined: not checked. */
    killSwitches?: string | null;
  },
): Promise<LookupResult> {
  const notes: string[] = [];
  const skus = [...new Set(request.lines.map((l) => l.sku))];
  const facts = await variantFacts(prisma, admin, shop, skus, set.currencyCode);
  const missing = skus.filter((s) => !facts.has(s));
  if (missing.length > 0) notes.push(`Not in the synced catalogue (no price, no ATP figure): ${missing.join(", ")}.`);

  const nowUtc = Math.floor(options.now.getTime() / 1000);
  let at = request.at ?? utcToZoned(nowUtc, options.zone).wall;
  let atUtc = nowUtc;
  if (request.at) {
    const utc = zonedToUtc(request.at, options.zone);
    if (utc.ok) {
      atUtc = utc.epochSeconds;
      if (utc.note) notes.push(utc.note);
    } else notes.push(`${utc.message}; checked at the current time instead.`);
    if (!utc.ok) at = utcToZoned(nowUtc, options.zone).wall;
  }

  let customer: { limits: { jsonValue: unknown } | null } | null = null;
  if (request.buyer.kind === "customer") {
    const found = await findCustomer(prisma, shop, request.buyer.ref);
    if (!found) {
      notes.push(`No synced customer matches "${request.buyer.ref}": checked as a logged-in customer with nothing bought before.`);
      customer = { limits: null };
    } else {
      const rules = limitRules(set);
      const since = countingHorizon(rules, new Date(atUtc * 1000));
      const counts = since ? countPurchases(rules, (await loadBuyers(prisma, shop, since)).orders, atUtc, [{ customerId: found.id, email: found.email, phone: found.phone }]) : null;
      customer = { limits: { jsonValue: { v: 1, asOf: atUtc, counts: counts?.byCustomer.get(found.id) ?? {} } } };
    }
  }

  let subtotal = 0;
  for (const line of request.lines) subtotal += (facts.get(line.sku)?.priceMinor ?? 0) * line.quantity;
  const labels = { ...set.labels };
  for (const f of facts.values()) labels[f.sku] ??= f.name;
  const input: CheckoutInput = {
    buyerJourney: { step: request.step },
    localization: { language: { isoCode: request.language } },
    presentmentCurrencyRate: "1.0",
    cart: {
      cost: { subtotalAmount: { amount: toDecimalString(subtotal, set.currencyCode), currencyCode: set.currencyCode } },
      buyerIdentity: { customer },
      deliveryGroups: request.address ? [{ deliveryAddress: request.address }] : [],
      lines: request.lines.map((l) => ({ q: l.quantity, m: { s: l.sku } })),
    },
    // The validation's ATP copy as the app publishes it (stock.server.ts), from the variants' own figures.
    validation: { stock: { jsonValue: JSON.parse(checkoutStockOf(set, [...facts.values()])) as unknown } },
  };
  const clock = exactClock(at, atUtc);
  const withLabels: RuleSet = { ...set, labels };
  const result = evaluate(withLabels, input, clock);
  await recordLookup(prisma, shop, result.verdicts, options.now);
  // The function gives shop.localTime.date for the switches' expiry: the lookup's own day.
  const killedRegions = options.killSwitches === undefined ? [] : regionKillErrors(options.killSwitches, input, request.market, at.slice(0, 10));
  for (const k of killedRegions) notes.push(`Blocked by the peak kill switch for ${k.region} (Peak page), whatever the rules say.`);
  const ks = options.killSwitches === undefined ? null : parseRegionKillSwitches(options.killSwitches);
  if (ks && !request.market && ks.region.some((r) => r.mk)) notes.push("Region kill switches by market were not checked: name the market to check them.");
  const byId = new Map(set.rules.map((r) => [r.id, r]));
  return {
    at,
    errors: [...killedRegions.map(({ target, message }) => ({ target, message })), ...result.errors],
    killedRegions,
    testing: result.testing.map(({ target, message }) => ({ target, message })),
    verdicts: result.verdicts.map((v) => {
      const rule = byId.get(v.ruleId);
      return {
        ruleId: v.ruleId,
        name: rule?.name ?? v.ruleId,
        kind: v.kind,
        mode: v.mode,
        status: v.status,
        statusLabel: statusLabel(v.status),
        explanation: explainVerdict(rule, v, input, clock),
        errors: v.errors,
      };
    }),
    notes,
  };
}
