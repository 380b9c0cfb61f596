/**
 * Function inputs as the input query returns them (aliases included), built from a promotion
 * set compiled by the admin's own compileForFunction, for the benchmark, the fixtures and the
 * tests. The shop.localTime slots are answered as the checkout simulator answers them
 * (emulator/checkout/values.ts localTime), from the variables and a shop-local wall time.
 */
import { localTime } from "../../../emulator/checkout/values";
import { BENCH_COLLECTIONS, BENCH_NOW, BENCH_SHOP_ZONE, benchPromotions } from "../../../app/domain/promotions/bench-set";
import { compileForFunction, type FunctionConfig, type PromotionVariables } from "../../../app/domain/promotions/compile";
import type { PromotionSet } from "../../../app/domain/promotions/types";
import { validatePromotionSet } from "../../../app/domain/promotions/validate";
import { COLLECTION_SLOTS, RECURRING_SLOTS, WINDOW_SLOTS } from "../../../app/domain/promotions/wire";

export interface InputLine {
  id?: string;
  quantity: number;
  /** Line subtotal in minor units. */
  cents: number;
  sku?: string | null;
  /** Collection GIDs the line's product is in. */
  collections?: readonly string[];
  /** A gift card or other non-variant merchandise: no sku, no collections. */
  custom?: boolean;
}

export interface InputOptions {
  lines: readonly InputLine[];
  /** The compiled set (compileForFunction); null = the discount has no promotions metafield. */
  config: FunctionConfig | null;
  /** Write this value as the promotions metafield instead of the compiled one (malformed-config tests). */
  rawPromotions?: unknown;
  /** Shop-local wall time "2026-11-27T10:30:00". */
  now: string;
  customer?: { id?: string; orders: number; tags?: readonly string[]; uses?: Record<string, number> } | null;
  country?: string | null;
  channel?: string | null;
  pos?: boolean;
  currency?: string;
  rate?: string;
  killSwitches?: unknown;
  budgetUsed?: Record<string, number> | null;
  delivery?: { handle: string; cents: number }[] | null;
  selected?: string;
}

export function decimal(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** What shop.localTime answers for the variables' slots at `now`. */
export function slotAnswers(variables: PromotionVariables | null, now: string): Record<string, unknown> {
  const clock = localTime(now);
  const out: Record<string, unknown> = { d: clock.date };
  for (let k = 0; k < WINDOW_SLOTS; k++) {
    out[`w${k}`] = variables ? clock.dateTimeBetween(variables[`s${k}`], variables[`e${k}`]) : false;
  }
  for (let k = 0; k < RECURRING_SLOTS; k++) {
    out[`h${k}`] = variables ? clock.timeBetween(variables[`f${k}`], variables[`u${k}`]) : false;
  }
  return out;
}

/** What merchandise answers: the SKU and inAnyCollection for each slot ($c0..$c3). */
function merchandise(l: InputLine, slots: readonly string[][]): Record<string, unknown> {
  const m: Record<string, unknown> = { s: l.sku ?? null };
  const own = l.collections ?? [];
  for (let k = 0; k < slots.length; k++) m[`c${k}`] = slots[k]!.some((c) => own.includes(c));
  return m;
}

export function functionInput(o: InputOptions): Record<string, unknown> {
  const variables = o.config?.variables ?? null;
  const slots: string[][] = [];
  for (let k = 0; k < COLLECTION_SLOTS; k++) slots.push((variables?.[`c${k}`] as string[] | undefined) ?? []);
  const tags = variables?.t ?? [];
  const lines = o.lines.map((l, i) => ({
    i: l.id ?? `gid://shopify/CartLine/${i}`,
    q: l.quantity,
    c: { s: { a: decimal(l.cents) } },
    m: l.custom ? {} : merchandise(l, slots),
  }));
  const customer = o.customer
    ? {
        i: o.customer.id ?? "gid://shopify/Customer/7001",
        n: o.customer.orders,
        t: tags.map((t) => ({ t, h: (o.customer!.tags ?? []).some((own) => own.toLowerCase() === t.toLowerCase()) })),
        u: o.customer.uses ? { j: o.customer.uses } : null,
      }
    : null;
  const cart: Record<string, unknown> = {
    l: lines,
    k: { s: { c: o.currency ?? "USD" } },
    b: { c: customer },
    r: o.pos ? { i: "gid://shopify/Location/1" } : null,
    a: o.channel ? { v: o.channel } : null,
  };
  if (o.delivery !== undefined) {
    cart.g = o.delivery === null
      ? []
      : [{ o: o.delivery.map((d) => ({ h: d.handle, c: { a: decimal(d.cents) } })), s: o.selected ? { h: o.selected } : null }];
  }
  const promotions = "rawPromotions" in o ? o.rawPromotions : o.config?.wire;
  return {
    cart,
    o: { c: o.country === null ? null : { i: o.country ?? "US" } },
    r: o.rate ?? "1.0",
    s: { t: slotAnswers(variables, o.now), k: o.killSwitches === undefined || o.killSwitches === null ? null : { j: o.killSwitches } },
    d: {
      p: promotions === undefined || promotions === null ? null : { j: promotions },
      b: o.budgetUsed ? { j: o.budgetUsed } : null,
    },
  };
}

/** validatePromotionSet + compileForFunction, or throw with every error listed. */
export function compiled(authored: unknown, zone: string): { set: PromotionSet; config: FunctionConfig } {
  const validated = validatePromotionSet(authored);
  if (!validated.ok) throw new Error(validated.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  const result = compileForFunction(validated.set, zone);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  return { set: validated.set, config: result.config };
}

const { hoodies, tees, sale, accessories } = BENCH_COLLECTIONS;

/** Benchmark cart line `index`: prices, quantities and SKUs as benchCartLine varies them; ~1 in 5 lines per collection. */
export function benchLine(index: number): InputLine {
  const quantity = 1 + (index % 3);
  const unitCents = 100 + ((index * 7919) % 9900);
  const collections: string[] = [];
  if (index % 5 === 0) collections.push(hoodies);
  if (index % 5 === 1) collections.push(tees);
  if (index % 7 === 0) collections.push(sale);
  if (index % 5 === 2) collections.push(accessories);
  const sku = index % 23 === 0 ? `GC-${String(index).padStart(5, "0")}` : index % 17 === 0 ? `PG-${10_000 + index}-CLR` : `PG-${10_000 + index}`;
  return { quantity, cents: unitCents * quantity, sku, collections };
}

const compiledCache = new Map<number, FunctionConfig>();

/** The benchmark input: `lines` lines, the first `promotions` of the calendar (0 = no metafield). */
export function benchInput(lines: number, promotions: number, options: { delivery?: boolean } = {}): Record<string, unknown> {
  let config: FunctionConfig | null = null;
  if (promotions > 0) {
    config = compiledCache.get(promotions) ?? compiled(benchPromotions(promotions), BENCH_SHOP_ZONE).config;
    compiledCache.set(promotions, config);
  }
  return functionInput({
    lines: Array.from({ length: lines }, (_, i) => benchLine(i)),
    config,
    now: BENCH_NOW,
    customer: { orders: 3, tags: ["VIP"] },
    country: "US",
    ...(options.delivery
      ? { delivery: [{ handle: "standard", cents: 695 }, { handle: "express", cents: 1995 }], selected: "standard" }
      : {}),
  });
}
