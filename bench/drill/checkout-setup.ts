/**
 * The drill's checkout sampler's store, set up the way the app sets one up for a drop, through
 * the emulator's Admin API with the app's own services and serializers (AdminClient over
 * AdminApi.handle: the same documents, the same userErrors handling):
 *
 *   kill switches        shop metafield at a typical peak state (typicalKillSwitches)
 *   promotion-stacking   an automatic app discount (savePromotionDiscount → discountAutomaticAppCreate
 *                        with the compiled promotions metafields): the bench's BFCM calendar
 *                        (benchPromotions, PROMOTIONS of them), its four collections mapped onto
 *                        the seed's collections
 *   checkout-validation  a validation (saveCheckoutRules → validationCreate with the rules and
 *                        clock metafields): a drop rule set over the seed's first product (the
 *                        drop): per-order max, per-customer limit, region block, ATP rule, cart
 *                        size; its ATP copy (checkoutStock → metafieldsSet on the validation) and
 *                        the buyer's published purchase counts (serializeCustomerCounts)
 *   location-routing     forced (Shopify has no Admin API for order-routing location rules: the
 *                        merchant adds the app's rule in the admin): the routing shop metafield
 *                        (DEFAULT_ROUTING, as saveRouting writes it) and the per-variant ATP
 *                        metafields of the cart's variants (serializeAtp), what the publisher writes
 *   payment / delivery   forced: they read only the shop's kill switches
 *
 * The cart is a drop's: one unit of the drop SKU (the seed's first product) plus two other
 * catalogue lines, a signed-in VIP customer (the seed's first customer with tag "vip") shipping
 * to New York. ATP figures are the seed's available quantities, asOf now; refreshDropStock()
 * re-confirms them (the app's checkout clock heartbeat does so every minute; the rule's
 * staleAfterSeconds is 300).
 */
import { simulateCheckout, type CheckoutResult } from "../../emulator/checkout/run";
import { AdminApi } from "../../emulator/graphql";
import type { SeedFile } from "../../emulator/model";
import { appFunctions } from "../../emulator/seed/generate";
import { Store } from "../../emulator/store";
import type { FunctionExtension } from "../../functions/build";
import { MetafieldsSet } from "../../graphql/operations";
import { ATP_METAFIELD, CHECKOUT_ATP_METAFIELD, serializeAtp, type AtpFigure } from "../../app/domain/inventory/atp-metafield";
import { typicalKillSwitches } from "../../app/domain/kill-switches/bench-states";
import { KILL_SWITCH_KEY, KILL_SWITCH_NAMESPACE, KILL_SWITCH_TYPE } from "../../app/domain/kill-switches/format";
import { serializeKillSwitches } from "../../app/domain/kill-switches/serialize";
import { BENCH_COLLECTIONS, benchPromotions } from "../../app/domain/promotions/bench-set";
import { DEFAULT_ROUTING, ROUTING_KEY, ROUTING_NAMESPACE, ROUTING_TYPE } from "../../app/domain/routing/config";
import { LIMITS_METAFIELD, serializeCustomerCounts } from "../../app/domain/validation/customer-limits";
import { checkoutStock } from "../../app/domain/validation/stock";
import type { RuleSet } from "../../app/domain/validation/types";
import { AdminClient } from "../../app/services/admin/client.server";
import { savePromotionDiscount } from "../../app/services/promotions/promotions.server";
import { loadCheckoutRules, saveCheckoutRules } from "../../app/services/validation/rules.server";

/** Promotions in the drill's discount: the bench's middle size (1 / 20 / 50). */
export const PROMOTIONS = 20;

/** Functions run forced (no owner object the app can create through the Admin API). */
export const FORCED = ["payment-kill-switch", "delivery-kill-switch", "location-routing"];

export interface DropStore {
  store: Store;
  cart: Record<string, unknown>;
  /** The drop's SKUs (the seed's first product's). */
  dropSkus: string[];
  discountId: string;
  validationId: string;
  /** Re-writes the ATP copy and the per-variant figures with asOf now. */
  refreshDropStock(): Promise<void>;
}

interface SeedVariant {
  id: number;
  sku: string;
  title: string;
  productTitle: string;
  levels: { locationId: number; available: number }[];
}

function seedVariants(seed: SeedFile): SeedVariant[] {
  return seed.products.flatMap((p) =>
    p.variants.flatMap((v) =>
      v.sku
        ? [{ id: v.id, sku: v.sku, title: v.title, productTitle: p.title, levels: (v.inventoryItem?.levels ?? []).map((l) => ({ locationId: l.locationId, available: l.quantities?.available ?? 0 })) }]
        : [],
    ),
  );
}

/** An AdminClient over the emulator's Admin API, in process. */
export function emulatorAdmin(store: Store): AdminClient {
  const api = new AdminApi(store);
  return new AdminClient(async (query, variables) => {
    const { status, body } = api.handle({ query, variables });
    return { ...(body as object), status };
  });
}

function figureOf(v: SeedVariant, asOf: number): AtpFigure {
  const byLocation: Record<string, number> = {};
  for (const l of v.levels) byLocation[String(l.locationId)] = Math.max(0, l.available);
  return { asOf, total: Object.values(byLocation).reduce((a, b) => a + b, 0), byLocation };
}

/** The drop's rule set over `dropSkus` (labels from the seed). */
export function dropRuleSet(currencyCode: string, drop: readonly SeedVariant[]): RuleSet {
  const skus = drop.map((v) => v.sku);
  return {
    schemaVersion: 1,
    currencyCode,
    failureMode: "closed",
    labels: Object.fromEntries(drop.map((v) => [v.sku, `${v.productTitle} — ${v.title}`])),
    rules: [
      { id: "drop-max", mode: "enforce", kind: "maxPerOrder", skus, max: 2 },
      { id: "drop-limit", mode: "enforce", kind: "customerLimit", skus, max: 4, window: { kind: "days", days: 30 }, guests: "block" },
      { id: "drop-stock", mode: "enforce", kind: "atp", skus, staleAfterSeconds: 300, whenStale: "closed" },
      { id: "order-size", mode: "enforce", kind: "cartQuantity", min: 1, max: 20 },
      { id: "ship-to", mode: "enforce", kind: "region", countries: ["RU", "BY"], provinces: ["US-HI", "US-AK"], postalCodes: ["GB:BT*"], poBoxes: true },
    ],
  };
}

/**
 * A store from the drill's seed with the app's functions deployed (appFunctions: what `shopify
 * app deploy` gives the shop, when the seed lists none), set up for the drop (see the header).
 * Throws naming what Shopify (the emulator) refused.
 */
export async function setupDropStore(seed: SeedFile, now: () => number = Date.now): Promise<DropStore> {
  const store = new Store({ seed: seed.functions && seed.functions.length > 0 ? seed : { ...seed, functions: appFunctions() } });
  const admin = emulatorAdmin(store);
  const shopId = `gid://shopify/Shop/${seed.shop.id}`;
  const zone = seed.shop.ianaTimezone ?? "UTC";
  const currencyCode = seed.shop.currencyCode ?? "USD";
  const variants = seedVariants(seed);
  const first = seed.products[0];
  if (!first) throw new Error("drill checkout: the seed has no product");
  const drop = variants.filter((v) => first.variants.some((fv) => fv.id === v.id));
  if (drop.length === 0) throw new Error(`drill checkout: the seed's first product (${first.title}), the drop, has no variant with a SKU`);
  // Two other products' first variants: a drop cart is the drop item and a couple of others.
  const others = seed.products
    .slice(1)
    .flatMap((p) => variants.filter((v) => v.id === p.variants[0]?.id))
    .slice(0, 2);
  if (others.length < 2) throw new Error("drill checkout: the seed needs two products with a SKU besides the drop's");
  const customers = seed.customers ?? [];
  const vip = customers.find((c) => (c.tags ?? []).some((t) => t.toLowerCase() === "vip")) ?? customers[0];
  if (!vip) throw new Error("drill checkout: the seed has no customer to sign in");
  const dropLine = drop[Math.min(1, drop.length - 1)]!;
  const cartVariants = [dropLine, ...others];

  const set = async (metafields: { ownerId: string; namespace: string; key: string; type: string; value: string }[]) => {
    await admin.mutate(MetafieldsSet, { metafields }, "metafieldsSet");
  };

  // Shop: kill switches, routing config.
  await set([
    { ownerId: shopId, namespace: KILL_SWITCH_NAMESPACE, key: KILL_SWITCH_KEY, type: KILL_SWITCH_TYPE, value: serializeKillSwitches(typicalKillSwitches()) },
    { ownerId: shopId, namespace: ROUTING_NAMESPACE, key: ROUTING_KEY, type: ROUTING_TYPE, value: JSON.stringify(DEFAULT_ROUTING) },
  ]);

  // Promotions: the bench calendar on the seed's collections.
  const collections = (seed.collections ?? []).map((c) => `gid://shopify/Collection/${c.id}`);
  if (collections.length === 0) throw new Error("drill checkout: the seed has no collection for the promotions to target");
  let promotionsJson = JSON.stringify(benchPromotions(PROMOTIONS));
  Object.values(BENCH_COLLECTIONS).forEach((gid, i) => {
    promotionsJson = promotionsJson.split(gid).join(collections[i % collections.length]!);
  });
  const saved = await savePromotionDiscount(admin, {
    id: null,
    title: "Drill drop promotions",
    set: JSON.parse(promotionsJson) as unknown,
    combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false },
    shopZone: zone,
  });
  if (!saved.ok) throw new Error(`drill checkout: the promotion discount was refused: ${saved.errors.map((e) => `${e.path || "set"}: ${e.message}`).join("; ")}`);

  // Checkout rules.
  const current = await loadCheckoutRules(admin, { currencyCode, zone });
  const rules = await saveCheckoutRules(admin, dropRuleSet(currencyCode, drop), { enabled: true, revision: current.revision, zone, currencyCode, now: new Date(now()), current });
  if (!rules.ok) throw new Error(`drill checkout: the checkout rules were refused: ${JSON.stringify(rules)}`);
  const validationId = rules.validation.id;
  const ruleSet = rules.set;

  // The buyer's published purchase counts (one earlier unit of the drop).
  await set([{ ownerId: `gid://shopify/Customer/${vip.id}`, ...LIMITS_METAFIELD, value: serializeCustomerCounts({ "drop-limit": 1 }, Math.floor(now() / 1000) - 600) }]);

  const refreshDropStock = async () => {
    const asOf = Math.floor(now() / 1000);
    const stock = checkoutStock(
      ruleSet,
      drop.map((v) => {
        const f = figureOf(v, asOf);
        return { sku: v.sku, figure: { asOf: f.asOf, total: f.total, byLocation: f.byLocation ?? null } };
      }),
    );
    if (stock.over) throw new Error(`drill checkout: the ATP copy is over its size (${stock.bytes} bytes)`);
    const perVariant = cartVariants.map((v) => {
      const serialized = serializeAtp(figureOf(v, asOf));
      if (!serialized.ok) throw new Error(`drill checkout: ATP of ${v.sku}: ${serialized.problems.join("; ")}`);
      return { ownerId: `gid://shopify/ProductVariant/${v.id}`, ...ATP_METAFIELD, value: serialized.value };
    });
    await set([{ ownerId: validationId, ...CHECKOUT_ATP_METAFIELD, value: stock.value }, ...perVariant]);
  };
  await refreshDropStock();

  return {
    store,
    cart: {
      lines: cartVariants.map((v) => ({ sku: v.sku, quantity: 1 })),
      buyer: { customerId: vip.id },
      address: { countryCode: "US", provinceCode: "NY", city: "Brooklyn", zip: "11201", address1: "100 Water St" },
      market: { handle: "us" },
      buyerJourneyStep: "CHECKOUT_COMPLETION",
    },
    dropSkus: drop.map((v) => v.sku),
    discountId: saved.id,
    validationId,
    refreshDropStock,
  };
}

/** One checkout of `cart` running only `extension` (forced when it is in FORCED). */
export function checkoutWith(store: Store, cart: Record<string, unknown>, extension: FunctionExtension): Promise<CheckoutResult> {
  return simulateCheckout({ cart, store, extensions: [extension], functions: FORCED.includes(extension.handle) ? [extension.handle] : [] });
}
