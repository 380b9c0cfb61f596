/**
 * Promotions: the I/O around app/domain/promotions. Shopify's discount is the source of truth:
 * one automatic app discount per promotion set, running extensions/promotion-stacking, with
 * three json metafields the admin writes in the same mutation (compile.ts):
 *   $app:peakguard.promotion_set   the validated set, what this page reads back and edits
 *   $app:peakguard.promotions      the compiled wire set the function reads (≤ 10,000 bytes)
 *   $app:peakguard.promotion_vars  the function's input-query variables
 * Nothing is stored in our database.
 *
 * Preview and replay run the engine on carts built from the mirrored catalog and orders
 * (Variant, Order, OrderLine through forShop). The mirror has no collection membership, so it
 * is read from Shopify for the products involved (DiscountProductCollections), and it has no
 * costs, so margin impact is reported as unknown.
 */
import type { PrismaClient } from "@prisma/client";

import {
  DiscountAutomaticAppCreate,
  DiscountAutomaticAppUpdate,
  DiscountProductCollections,
  DiscountPromotionSet,
  DiscountPromotionsList,
  ShopifyFunctionsDiscount,
  ShopInfo,
  type OperationData,
} from "../../../graphql/operations";
import { analyzePromotionSet, type CatalogItem, type Finding } from "~/domain/promotions/analyze";
import { compileForFunction, PROMOTIONS_NAMESPACE, SET_KEY, VARIABLES_KEY, WIRE_KEY } from "~/domain/promotions/compile";
import { evaluate, lineFilterOf } from "~/domain/promotions/evaluate";
import { clockAt, zonedToUtc } from "~/domain/promotions/time-admin";
import type { CartContext, CartLineInput, Evaluation, PromotionSet } from "~/domain/promotions/types";
import { filterIsEmpty } from "~/domain/promotions/util";
import { serializePromotionSet, validatePromotionSet, type FieldError } from "~/domain/promotions/validate";
import { AdminUserErrorsError, type AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";

export const FUNCTION_HANDLE = "promotion-stacking";
export type DiscountClassName = "PRODUCT" | "ORDER" | "SHIPPING";

export interface CombinesWith {
  productDiscounts: boolean;
  orderDiscounts: boolean;
  shippingDiscounts: boolean;
}

export const NO_COMBINATIONS: CombinesWith = { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false };

/* ================================================================ reading === */

export interface PromotionDiscountSummary {
  id: string;
  title: string;
  status: string;
  startsAt: string | null;
  endsAt: string | null;
  updatedAt: string | null;
  classes: string[];
  /** Enabled / all promotions in the set; null when the set could not be read. */
  promotions: { enabled: number; total: number } | null;
}

/** Our app discounts (those carrying a promotion set), newest first, up to `limit`. */
export async function listPromotionDiscounts(admin: AdminClient, limit = 100): Promise<PromotionDiscountSummary[]> {
  const out: PromotionDiscountSummary[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10 && out.length < limit; page++) {
    const data: OperationData<typeof DiscountPromotionsList> = await admin.request(DiscountPromotionsList, { first: 50, ...(after ? { after } : {}) });
    const connection = data.discountNodes;
    for (const node of connection.nodes) {
      if (!node.set || node.discount.__typename !== "DiscountAutomaticApp") continue;
      const d = node.discount;
      const set = readSet(node.set.value);
      out.push({
        id: node.id,
        title: d.title,
        status: d.status,
        startsAt: d.startsAt,
        endsAt: d.endsAt ?? null,
        updatedAt: d.updatedAt,
        classes: [...d.discountClasses],
        promotions: set ? { enabled: set.promotions.filter((p) => p.enabled).length, total: set.promotions.length } : null,
      });
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return out.slice(0, limit);
}

/** Every automatic app discount carrying a readable promotion set, with its set (the counters' publisher). */
export async function listPromotionSets(admin: AdminClient): Promise<{ discountId: string; set: PromotionSet }[]> {
  const out: { discountId: string; set: PromotionSet }[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const data: OperationData<typeof DiscountPromotionsList> = await admin.request(DiscountPromotionsList, { first: 50, ...(after ? { after } : {}) });
    const connection = data.discountNodes;
    for (const node of connection.nodes) {
      if (!node.set || node.discount.__typename !== "DiscountAutomaticApp") continue;
      const set = readSet(node.set.value);
      if (set) out.push({ discountId: node.id, set });
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return out;
}

export interface PromotionDiscount {
  id: string;
  title: string;
  status: string;
  combinesWith: CombinesWith;
  /** The set as stored; null when the metafield is missing or no longer validates. */
  set: PromotionSet | null;
  /** Why the stored set could not be read, if it could not. */
  setProblem: string | null;
  /** Bytes of the compiled set the function reads now. */
  compiledBytes: number | null;
}

function readSet(value: string | null | undefined): PromotionSet | null {
  if (!value) return null;
  try {
    const validated = validatePromotionSet(JSON.parse(value));
    return validated.ok ? validated.set : null;
  } catch {
    return null;
  }
}

export async function loadPromotionDiscount(admin: AdminClient, id: string): Promise<PromotionDiscount | null> {
  const data = await admin.request(DiscountPromotionSet, { id });
  const node = data.discountNode;
  if (!node || node.discount.__typename !== "DiscountAutomaticApp") return null;
  const d = node.discount;
  const raw = node.set?.value ?? null;
  const set = readSet(raw);
  return {
    id: node.id,
    title: d.title,
    status: d.status,
    combinesWith: {
      productDiscounts: d.combinesWith.productDiscounts,
      orderDiscounts: d.combinesWith.orderDiscounts,
      shippingDiscounts: d.combinesWith.shippingDiscounts,
    },
    set,
    setProblem: raw === null ? "this discount has no promotion set" : set === null ? "the stored promotion set no longer validates" : null,
    compiledBytes: node.compiled ? Buffer.byteLength(node.compiled.value, "utf8") : null,
  };
}

/** Whether the promotion-stacking function is deployed to this shop. */
export async function functionDeployed(admin: AdminClient): Promise<boolean> {
  const data = await admin.request(ShopifyFunctionsDiscount);
  return data.shopifyFunctions.nodes.some((fn) => fn.handle === FUNCTION_HANDLE);
}

/** The shop's IANA zone: the mirrored Shop row, else Shopify. */
export async function shopTimeZone(prisma: PrismaClient, admin: AdminClient, shop: string): Promise<string> {
  const row = await forShop(prisma, shop).shop.findFirst({ select: { ianaTimezone: true } });
  if (row?.ianaTimezone) return row.ianaTimezone;
  const data = await admin.request(ShopInfo);
  return data.shop.ianaTimezone;
}

/* ================================================================= saving === */

/** The discount classes a set needs: products for line-level actions, order for order-level, shipping for free shipping. */
export function discountClassesFor(set: PromotionSet): DiscountClassName[] {
  const classes = new Set<DiscountClassName>();
  for (const p of set.promotions) {
    if (!p.enabled) continue;
    const a = p.action;
    if (a.type === "free_shipping") classes.add("SHIPPING");
    else if (a.type === "buy_x_get_y" || a.appliesTo === "matching_lines") classes.add("PRODUCT");
    else classes.add("ORDER");
  }
  if (classes.size === 0) classes.add("PRODUCT");
  return (["PRODUCT", "ORDER", "SHIPPING"] as const).filter((c) => classes.has(c));
}

/**
 * combinesWith must agree with the set: Shopify refuses a shipping discount that combines with
 * other shipping discounts, and combining with a class the set never gives is meaningless but
 * harmless. The set's own stacking is the set's business; combinesWith is about OTHER discounts.
 */
export function combinesWithProblems(set: PromotionSet, combinesWith: CombinesWith): FieldError[] {
  const problems: FieldError[] = [];
  if (combinesWith.shippingDiscounts && discountClassesFor(set).includes("SHIPPING")) {
    problems.push({
      path: "combinesWith.shippingDiscounts",
      message: "this set gives free shipping, and Shopify does not let a shipping discount combine with other shipping discounts",
    });
  }
  return problems;
}

export interface SaveInput {
  /** null creates a discount. */
  id: string | null;
  title: string;
  /** The set as the editor sent it (not yet validated). */
  set: unknown;
  combinesWith: CombinesWith;
  shopZone: string;
}

export type SaveOutcome =
  | { ok: true; id: string; set: PromotionSet; warnings: FieldError[]; bytes: number; classes: DiscountClassName[] }
  | { ok: false; errors: FieldError[] };

/** Validate, compile, and write the set to Shopify (create or update). Field errors come back by path, Shopify's too. */
export async function savePromotionDiscount(admin: AdminClient, input: SaveInput): Promise<SaveOutcome> {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (title === "" || title.length > 255) errors.push({ path: "title", message: `must be 1–255 characters, got ${title.length}` });
  const validated = validatePromotionSet(input.set);
  if (!validated.ok) return { ok: false, errors: [...errors, ...validated.errors] };
  const set = validated.set;
  errors.push(...combinesWithProblems(set, input.combinesWith));
  const compiled = compileForFunction(set, input.shopZone);
  if (!compiled.ok) errors.push(...compiled.errors);
  if (errors.length > 0 || !compiled.ok) return { ok: false, errors };

  const classes = discountClassesFor(set);
  const json = (key: string, value: string) => ({ namespace: PROMOTIONS_NAMESPACE, key, type: "json", value });
  const automaticAppDiscount = {
    title,
    discountClasses: classes,
    combinesWith: input.combinesWith,
    metafields: [
      json(WIRE_KEY, compiled.config.wireJson),
      json(SET_KEY, serializePromotionSet(set)),
      json(VARIABLES_KEY, JSON.stringify(compiled.config.variables)),
    ],
  };
  try {
    if (input.id === null) {
      const payload = await admin.mutate(
        DiscountAutomaticAppCreate,
        { automaticAppDiscount: { ...automaticAppDiscount, functionHandle: FUNCTION_HANDLE } },
        "discountAutomaticAppCreate",
      );
      const id = payload.automaticAppDiscount?.discountId;
      if (!id) return { ok: false, errors: [{ path: "", message: "Shopify created no discount and said nothing about why" }] };
      return { ok: true, id, set, warnings: validated.warnings, bytes: compiled.config.bytes, classes };
    }
    await admin.mutate(DiscountAutomaticAppUpdate, { id: input.id, automaticAppDiscount }, "discountAutomaticAppUpdate");
    return { ok: true, id: input.id, set, warnings: validated.warnings, bytes: compiled.config.bytes, classes };
  } catch (error) {
    if (error instanceof AdminUserErrorsError) {
      return {
        ok: false,
        errors: error.userErrors.map((e) => ({ path: shopifyPath(e.field), message: `Shopify: ${e.message}` })),
      };
    }
    throw error;
  }
}

/** ["automaticAppDiscount", "combinesWith", "shippingDiscounts"] → "combinesWith.shippingDiscounts". */
function shopifyPath(field: readonly string[] | null): string {
  if (!field) return "";
  const parts = field[0] === "automaticAppDiscount" ? field.slice(1) : field;
  return parts.join(".");
}

/* ============================================================ collections === */

/** Collections each product is in (among `wanted`), read from Shopify 250 products at a time. */
export async function collectionsOf(admin: AdminClient, productIds: readonly string[], wanted: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const ids = [...new Set(productIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (wanted.size === 0) {
    for (const id of ids) out.set(id, []);
    return out;
  }
  for (let i = 0; i < ids.length; i += 250) {
    const data = await admin.request(DiscountProductCollections, { ids: ids.slice(i, i + 250) });
    for (const node of data.nodes) {
      if (!node || node.__typename !== "Product") continue;
      out.set(node.id, node.collections.nodes.map((c) => c.id).filter((c) => wanted.has(c)));
    }
  }
  return out;
}

/** Every collection the set's filters name. */
export function collectionsNamed(set: PromotionSet): Set<string> {
  const out = new Set<string>();
  for (const p of set.promotions) {
    const filters = [p.conditions.cartContains, lineFilterOf(p) ?? undefined];
    if (p.action.type === "buy_x_get_y") filters.push(p.action.buy, p.action.get);
    for (const f of filters) if (f && !filterIsEmpty(f)) f.anyOfCollections?.forEach((c) => out.add(c));
  }
  return out;
}

/* ================================================================ analysis === */

/** The analyzer on the set, with per-SKU worst cases over up to `limit` mirrored variants. */
export async function analyzeWithCatalog(
  prisma: PrismaClient,
  admin: AdminClient,
  shop: string,
  set: PromotionSet,
  now: Date,
  limit = 250,
): Promise<{ findings: Finding[]; catalogSize: number }> {
  const variants = await forShop(prisma, shop).variant.findMany({
    where: { sku: { not: null } },
    orderBy: { id: "asc" },
    take: limit,
    select: { sku: true, productId: true, priceCents: true },
  });
  const wanted = collectionsNamed(set);
  const collections = await collectionsOf(admin, variants.map((v) => v.productId), wanted);
  const catalog: CatalogItem[] = variants.map((v) => ({
    sku: v.sku ?? "",
    productId: v.productId,
    collectionIds: collections.get(v.productId) ?? [],
    ...(v.priceCents !== null ? { unitPriceCents: v.priceCents } : {}),
  }));
  const findings = analyzePromotionSet(set, { now: now.toISOString().slice(0, 19) + "Z", catalog });
  return { findings, catalogSize: catalog.length };
}

/* ================================================================= preview === */

export interface PreviewInput {
  lines: { sku: string; quantity: number }[];
  country: string | null;
  channel: string | null;
  pos: boolean;
  customer: { orders: number; tags: string[] } | null;
  /** Shop-local wall time "2026-11-27T10:30". */
  at: string;
  shippingCents: number | null;
}

export type PreviewOutcome =
  | {
      ok: true;
      evaluation: Evaluation;
      lines: { sku: string; quantity: number; subtotalCents: number; collections: string[]; discountCents: number }[];
      shopLocal: string;
    }
  | { ok: false; errors: FieldError[] };

/** The set on a cart built from the mirrored catalog (SKU → variant price and product; collections from Shopify). */
export async function previewCart(prisma: PrismaClient, admin: AdminClient, shop: string, set: PromotionSet, zone: string, input: PreviewInput): Promise<PreviewOutcome> {
  const errors: FieldError[] = [];
  const skus = input.lines.map((l) => l.sku);
  const variants = await forShop(prisma, shop).variant.findMany({ where: { sku: { in: skus } }, select: { id: true, sku: true, productId: true, priceCents: true } });
  const bySku = new Map(variants.map((v) => [v.sku, v] as const));
  input.lines.forEach((l, i) => {
    const v = bySku.get(l.sku);
    if (!v) errors.push({ path: `lines[${i}].sku`, message: `no variant with SKU ${l.sku} in the mirrored catalog` });
    else if (v.priceCents === null) errors.push({ path: `lines[${i}].sku`, message: `SKU ${l.sku} has no price in the mirrored catalog` });
  });
  const instant = zonedToUtc(input.at, zone);
  if (!instant.ok) errors.push({ path: "at", message: instant.message });
  if (errors.length > 0 || !instant.ok) return { ok: false, errors };

  const collections = await collectionsOf(admin, variants.map((v) => v.productId), collectionsNamed(set));
  const lines: CartLineInput[] = input.lines.map((l, i) => {
    const v = bySku.get(l.sku)!;
    return {
      id: `preview-${i}`,
      quantity: l.quantity,
      subtotalCents: v.priceCents! * l.quantity,
      productId: v.productId,
      variantId: v.id,
      sku: l.sku,
      collectionIds: collections.get(v.productId) ?? [],
    };
  });
  const clock = clockAt(instant.epochSeconds, zone);
  const cart: CartContext = {
    lines,
    customer: input.customer ? { id: "preview-customer", numberOfOrders: input.customer.orders, tags: input.customer.tags } : null,
    countryCode: input.country,
    channel: input.channel,
    isPos: input.pos,
    now: clock,
    ...(input.shippingCents !== null ? { deliveryOptions: [{ handle: "shipping", costCents: input.shippingCents, selected: true }] } : {}),
  };
  const evaluation = evaluate(set, cart);
  return {
    ok: true,
    evaluation,
    shopLocal: clock.shopLocal,
    lines: lines.map((l, i) => ({
      sku: l.sku ?? "",
      quantity: l.quantity,
      subtotalCents: l.subtotalCents,
      collections: l.collectionIds ?? [],
      discountCents: evaluation.lineTotalCents[i] ?? 0,
    })),
  };
}

/* ================================================================== replay === */

export interface ReplayReport {
  /** Orders replayed (the last N synced, cancelled ones left out). */
  orders: number;
  affected: number;
  totalDiscountCents: number;
  largest: { order: string; discountCents: number } | null;
  /** Orders where a cap or the floor cut a promotion. */
  hitCap: number;
  /** Per promotion: orders it applied to and what it gave. */
  byPromotion: { promotionId: string; orders: number; discountCents: number }[];
  /** Lines whose SKU/variant is no longer in the mirror (counted at their order price, without collections). */
  unmatchedLines: number;
  currencyCode: string | null;
  /** What the replay cannot know, in words. */
  caveats: string[];
}

/**
 * The set on the last `limit` synced orders, at each order's own time in the shop's zone.
 * Orders carry no shipping address, channel or customer order count in the mirror, so market,
 * channel and segment conditions see none of them (country and segment fail closed, channel is
 * "online"); customer tags come from the mirrored customer. Costs are not mirrored: margin
 * impact cannot be computed and is reported as unknown.
 */
export async function replayOrders(prisma: PrismaClient, admin: AdminClient, shop: string, set: PromotionSet, zone: string, limit: number): Promise<ReplayReport> {
  const db = forShop(prisma, shop);
  const orders = await db.order.findMany({
    where: { cancelledAt: null, shopifyCreatedAt: { not: null } },
    orderBy: { shopifyCreatedAt: "desc" },
    take: limit,
    include: { lines: true },
  });
  const variantIds = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.variantId).filter((id): id is string => !!id)))];
  const variants = variantIds.length > 0 ? await db.variant.findMany({ where: { id: { in: variantIds } }, select: { id: true, productId: true } }) : [];
  const productOf = new Map(variants.map((v) => [v.id, v.productId] as const));
  const collections = await collectionsOf(admin, [...productOf.values()], collectionsNamed(set));
  const customerIds = [...new Set(orders.map((o) => o.customerId).filter((id): id is string => !!id))];
  const customers = customerIds.length > 0 ? await db.customer.findMany({ where: { id: { in: customerIds } }, select: { id: true, tags: true } }) : [];
  const tagsOf = new Map(customers.map((c) => [c.id, c.tags] as const));

  const report: ReplayReport = {
    orders: orders.length,
    affected: 0,
    totalDiscountCents: 0,
    largest: null,
    hitCap: 0,
    byPromotion: [],
    unmatchedLines: 0,
    currencyCode: orders[0]?.currencyCode ?? null,
    caveats: [
      "Margin impact: unknown. Variant costs are not mirrored, so the replay cannot say what the discounts cost in margin.",
      "Orders in the mirror have no address, sales channel or customer order count: country and new/returning conditions fail closed, and every order counts as the online store.",
      "Budgets and per-customer limits use no usage history here: promotions with them fail closed, as they do at checkout without it.",
    ],
  };
  const byPromotion = new Map<string, { orders: number; discountCents: number }>();
  for (const order of orders) {
    const lines: CartLineInput[] = order.lines.map((l) => {
      const productId = l.variantId ? productOf.get(l.variantId) : undefined;
      if (!productId) report.unmatchedLines++;
      return {
        id: l.id,
        quantity: l.quantity,
        subtotalCents: (l.priceCents ?? 0) * l.quantity,
        ...(productId ? { productId, collectionIds: collections.get(productId) ?? [] } : {}),
        sku: l.sku,
      };
    });
    const cart: CartContext = {
      lines,
      customer: order.customerId ? { id: order.customerId, tags: tagsOf.get(order.customerId) ?? [] } : null,
      countryCode: null,
      channel: null,
      now: clockAt(Math.floor(order.shopifyCreatedAt!.getTime() / 1000), zone),
    };
    const evaluation = evaluate(set, cart, { reasons: false, lineDetail: false });
    const discount = evaluation.totalDiscountCents;
    if (discount > 0) report.affected++;
    report.totalDiscountCents += discount;
    if (discount > 0 && (!report.largest || discount > report.largest.discountCents)) {
      report.largest = { order: order.name ?? order.id, discountCents: discount };
    }
    if (evaluation.explanations.some((e) => e.selected && (e.status === "capped" || e.status === "floor_reached"))) report.hitCap++;
    for (const e of evaluation.explanations) {
      if (!e.selected || e.amountCents <= 0) continue;
      const entry = byPromotion.get(e.promotionId) ?? { orders: 0, discountCents: 0 };
      entry.orders++;
      entry.discountCents += e.amountCents;
      byPromotion.set(e.promotionId, entry);
    }
  }
  report.byPromotion = [...byPromotion.entries()].map(([promotionId, v]) => ({ promotionId, ...v }));
  return report;
}
