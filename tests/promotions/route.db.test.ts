/**
 * The Promotions pages (app/routes/app.promotions.tsx, app/routes/app.promotions_.$id.tsx)
 * against a migrated test database and a strict Admin API mock: every Shopify call is listed
 * with its exact variables, and nothing else may happen.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import {
  DiscountAutomaticAppCreate,
  DiscountAutomaticAppUpdate,
  DiscountProductCollections,
  DiscountPromotionSet,
  DiscountPromotionsList,
  ShopifyFunctionsDiscount,
} from "../../graphql/operations";
import { compileForFunction } from "~/domain/promotions/compile";
import { serializePromotionSet, validatePromotionSet } from "~/domain/promotions/validate";
import type { PromotionSet } from "~/domain/promotions/types";
import { AdminClient, type AdminTransportResponse } from "~/services/admin/client.server";
import { formFromSet, blankSetForm, type SetForm } from "~/services/promotions/form";
import type { EditorPage, ListPage, PreviewView, ReplayView, Timing } from "~/services/promotions/page.server";
import type { Finding } from "~/domain/promotions/analyze";
import type { TestDatabase } from "../helpers/db";
import { browserRequest, closeTestDatabase, formPost, installTestDatabase } from "../routes/support";
import { strictTransport, type ExpectedCall, type StrictTransport } from "../services/admin/strict-transport";
import { HOODIES, SHOP_ZONE, SPRING, TEES, springSeedSet } from "../domain/promotions/seed-set";

const SHOP = "spring-shop.myshopify.com";
const NOW = new Date("2026-03-10T17:00:00Z"); // 13:00 EDT
const DISCOUNT = "gid://shopify/DiscountAutomaticNode/77";
const HOODIE = "gid://shopify/Product/501";
const TEE = "gid://shopify/Product/502";
const GIFT = "gid://shopify/Product/503";

vi.mock("~/services/admin-context.server", () => ({ adminContext: vi.fn() }));

let db: TestDatabase;
let list: typeof import("~/routes/app.promotions");
let editor: typeof import("~/routes/app.promotions_.$id");
let strict: StrictTransport;

async function useAdmin(calls: ExpectedCall[]) {
  strict = strictTransport(calls);
  const { adminContext } = await import("~/services/admin-context.server");
  vi.mocked(adminContext).mockResolvedValue({ shop: SHOP, session: {} as never, admin: new AdminClient(strict.transport, { sleep: async () => {} }), mode: "embedded" });
}

const ok = (data: unknown): AdminTransportResponse => ({ status: 200, data });
const deployed = (yes = true): ExpectedCall => ({
  operation: ShopifyFunctionsDiscount,
  respond: ok({ shopifyFunctions: { nodes: yes ? [{ id: "fn-1", handle: "promotion-stacking", title: "Peakguard promotion stacking" }] : [] } }),
});
const collectionsOf = (ids: string[]): ExpectedCall => ({
  operation: DiscountProductCollections,
  variables: { ids },
  respond: ok({
    nodes: ids.map((id) => ({
      __typename: "Product",
      id,
      collections: { nodes: id === HOODIE ? [{ id: HOODIES }, { id: "gid://shopify/Collection/999" }] : id === TEE ? [{ id: TEES }] : [] },
    })),
  }),
});

function seedSet(): PromotionSet {
  const v = validatePromotionSet(springSeedSet());
  if (!v.ok) throw new Error("seed");
  return v.set;
}

function readDiscount(set: PromotionSet | null): ExpectedCall {
  return {
    operation: DiscountPromotionSet,
    variables: { id: DISCOUNT },
    respond: ok({
      discountNode: {
        id: DISCOUNT,
        discount: {
          __typename: "DiscountAutomaticApp",
          title: "Spring",
          status: "ACTIVE",
          startsAt: "2026-02-01T00:00:00Z",
          endsAt: null,
          discountClasses: ["PRODUCT", "SHIPPING"],
          combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: false },
        },
        set: set ? { value: serializePromotionSet(set) } : null,
        compiled: { value: '{"v":1,"c":"USD","p":[]}' },
      },
    }),
  };
}

function metafieldsFor(set: PromotionSet) {
  const compiled = compileForFunction(set, SHOP_ZONE);
  if (!compiled.ok) throw new Error("compile");
  return [
    { namespace: "$app:peakguard", key: "promotions", type: "json", value: compiled.config.wireJson },
    { namespace: "$app:peakguard", key: "promotion_set", type: "json", value: serializePromotionSet(set) },
    { namespace: "$app:peakguard", key: "promotion_vars", type: "json", value: JSON.stringify(compiled.config.variables) },
  ];
}

const springForm = (): SetForm => formFromSet(seedSet(), "Spring", { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false }, SHOP_ZONE);

async function load<T extends ListPage | EditorPage>(path: string, id?: string): Promise<{ status: number; body: T }> {
  const route = id === undefined ? list : editor;
  try {
    const response = (await route.loader({ request: browserRequest(path), params: id === undefined ? {} : { id }, context: {} })) as Response;
    return { status: response.status, body: (await response.json()) as T };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, body: {} as T };
    throw thrown;
  }
}

/** Every field an action's answer may carry (ActionData is a union; the assertions say which one came). */
interface Answer {
  intent: string;
  ok: boolean;
  id?: string;
  created?: boolean;
  errors: Record<string, string>;
  findings: Finding[];
  timings: Timing[];
  bytes: number;
  preview: PreviewView;
  replay: ReplayView;
}

async function post(id: string, fields: Record<string, string>) {
  const response = (await editor.action({ request: formPost(`/app/promotions/${id}`, fields), params: { id }, context: {} })) as Response;
  return { status: response.status, body: (await response.json()) as Answer };
}

beforeAll(async () => {
  db = await installTestDatabase();
  list = await import("~/routes/app.promotions");
  editor = await import("~/routes/app.promotions_.$id");
});
afterAll(() => closeTestDatabase(db));

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  await db.prisma.shop.create({ data: { shop: SHOP, ianaTimezone: SHOP_ZONE, currencyCode: "USD" } });
  await db.prisma.variant.createMany({
    data: [
      { shop: SHOP, id: "gid://shopify/ProductVariant/1", productId: HOODIE, sku: "HOOD-GRY-M", priceCents: 6000, shopifyUpdatedAt: NOW, source: "webhook" },
      { shop: SHOP, id: "gid://shopify/ProductVariant/2", productId: TEE, sku: "TEE-WHT-L", priceCents: 2500, shopifyUpdatedAt: NOW, source: "webhook" },
      { shop: SHOP, id: "gid://shopify/ProductVariant/3", productId: GIFT, sku: "GC-50", priceCents: 5000, shopifyUpdatedAt: NOW, source: "webhook" },
    ],
  });
});
afterEach(async () => {
  strict.assertDone();
  vi.useRealTimers();
  await db.reset();
});

describe("the list", () => {
  it("shows our discounts (those with a promotion set), not other apps' discounts, with times in the shop's zone", async () => {
    await useAdmin([
      {
        operation: DiscountPromotionsList,
        variables: { first: 50 },
        respond: ok({
          discountNodes: {
            nodes: [
              { id: DISCOUNT, discount: { __typename: "DiscountAutomaticApp", title: "Spring", status: "ACTIVE", startsAt: "2026-02-01T00:00:00Z", endsAt: null, updatedAt: "2026-03-10T12:00:00Z", discountClasses: ["PRODUCT", "SHIPPING"] }, set: { value: serializePromotionSet(seedSet()) } },
              { id: "gid://shopify/DiscountAutomaticNode/2", discount: { __typename: "DiscountAutomaticApp", title: "Someone else's", status: "ACTIVE", startsAt: "2026-02-01T00:00:00Z", endsAt: null, updatedAt: "2026-03-01T00:00:00Z", discountClasses: ["ORDER"] }, set: null },
            ],
            pageInfo: { hasNextPage: false, endCursor: null },
          },
        }),
      },
      deployed(),
    ]);
    const { body } = await load<ListPage>("/app/promotions");
    expect(body.zone).toBe(SHOP_ZONE);
    expect(body.deployed).toBe(true);
    expect(body.discounts).toEqual([
      expect.objectContaining({ id: DISCOUNT, title: "Spring", promotions: { enabled: 2, total: 2 }, updatedShop: "2026-03-10 08:00" }),
    ]);
  });
});

describe("the editor", () => {
  it("loads a set with its windows in shop time, the channels note and the analysis over the mirrored catalog", async () => {
    await useAdmin([deployed(), readDiscount(seedSet()), collectionsOf([HOODIE, TEE, GIFT])]);
    const { body } = await load<EditorPage>(`/app/promotions/${DISCOUNT}`, DISCOUNT);
    expect(body.form.title).toBe("Spring");
    expect(body.form.combineOrder).toBe(true);
    expect(body.form.promotions[0]).toMatchObject({ id: SPRING, minSubtotal: "50.00", windowStart: "2026-03-01T00:00", windowZone: "-05:00", skuPatterns: "GC-*, *-CLR" });
    expect(body.timings).toEqual([
      { id: SPRING, text: "from 2026-03-01 00:00:00 until 2026-03-16 01:00:00 (shop time, America/New_York; authored 2026-03-01 00:00 → 2026-03-16 00:00 -05:00)" },
    ]);
    expect(body.channelExplanation).toMatch(/"pos" means the cart has a retail location/);
    expect(body.shopNow).toBe("2026-03-10T13:00");
    expect(body.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["worst_case_cart"]));
    expect(body.catalogSize).toBe(3);
  });

  it("answers 404 for a discount that is not there", async () => {
    await useAdmin([deployed(), { operation: DiscountPromotionSet, variables: { id: DISCOUNT }, respond: ok({ discountNode: null }) }]);
    expect((await load(`/app/promotions/${DISCOUNT}`, DISCOUNT)).status).toBe(404);
  });

  it("shows field-level errors and writes nothing when the set does not validate", async () => {
    await useAdmin([]);
    const form = springForm();
    form.promotions[0] = { ...form.promotions[0]!, percent: "120", minSubtotal: "fifty", windowEnd: "2026-02-01T00:00", stacksWith: "nobody" };
    form.title = "";
    const { status, body } = await post("new", { intent: "save", form: JSON.stringify(form) });
    expect(status).toBe(422);
    expect(body.errors).toEqual({
      title: "must be 1–255 characters, got 0",
      "promotions.0.percent": "must be between 0 and 100, got 120",
      "promotions.0.minSubtotal": 'must be a whole number, got "fifty"',
      "promotions.0.windowEnd": "must be after start (2026-03-01T00:00), got 2026-02-01T00:00",
      "promotions.0.stacksWith": 'no promotion has id "nobody"',
    });
  });

  it("refuses free shipping that combines with other shipping discounts, on that checkbox", async () => {
    await useAdmin([]);
    const { status, body } = await post("new", { intent: "save", form: JSON.stringify({ ...springForm(), combineShipping: true }) });
    expect(status).toBe(422);
    expect(body.errors).toEqual({ combineShipping: expect.stringMatching(/does not let a shipping discount combine/) });
  });

  it("refuses a set the function could not read, saying by how much it is over 10,000 bytes", async () => {
    await useAdmin([]);
    const form = blankSetForm("USD");
    const base = springForm().promotions[1]!;
    form.promotions = Array.from({ length: 150 }, (_, i) => ({ ...base, id: `free-shipping-over-fifty-dollars-${i}`, stacksWith: "", skuPatterns: "GIFT-CARD-*, *-CLEARANCE-ONLY" }));
    const { body } = await post("new", { intent: "save", form: JSON.stringify(form) });
    expect(body.errors[""]).toMatch(/^promotions: the set compiles to [\d,]+ bytes for the discount function; Shopify lets a function read 10,000 — remove [\d,]+ bytes/);
  });

  it("creates the discount with the function handle, classes from the set and the three metafields", async () => {
    const set = seedSet();
    await useAdmin([
      {
        operation: DiscountAutomaticAppCreate,
        variables: {
          automaticAppDiscount: {
            title: "Spring",
            discountClasses: ["PRODUCT", "SHIPPING"],
            combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false },
            metafields: metafieldsFor(set),
            functionHandle: "promotion-stacking",
          },
        },
        respond: ok({ discountAutomaticAppCreate: { automaticAppDiscount: { discountId: DISCOUNT, title: "Spring", status: "ACTIVE", discountClasses: ["PRODUCT", "SHIPPING"], combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false } }, userErrors: [] } }),
      },
      collectionsOf([HOODIE, TEE, GIFT]),
    ]);
    const { status, body } = await post("new", { intent: "save", form: JSON.stringify(springForm()) });
    expect(status).toBe(200);
    expect(body).toMatchObject({ intent: "save", ok: true, id: DISCOUNT, created: true });
    expect(body.bytes).toBeLessThan(1000);
  });

  it("updates an existing discount, and Shopify's userErrors come back on their field", async () => {
    await useAdmin([
      {
        operation: DiscountAutomaticAppUpdate,
        variables: {
          id: DISCOUNT,
          automaticAppDiscount: {
            title: "Spring",
            discountClasses: ["PRODUCT", "SHIPPING"],
            combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: false },
            metafields: metafieldsFor(seedSet()),
          },
        },
        respond: ok({ discountAutomaticAppUpdate: { automaticAppDiscount: null, userErrors: [{ field: ["automaticAppDiscount", "title"], message: "Title is too long", code: "TOO_LONG" }] } }),
      },
    ]);
    const { status, body } = await post(DISCOUNT, { intent: "save", form: JSON.stringify({ ...springForm(), combineOrder: true }) });
    expect(status).toBe(422);
    expect(body.errors).toEqual({ title: "Shopify: Title is too long" });
  });

  it("checks a draft without saving: analysis, bytes and shop-time windows", async () => {
    await useAdmin([collectionsOf([HOODIE, TEE, GIFT])]);
    const form = springForm();
    form.promotions.push({ ...form.promotions[0]!, id: "spring-copy", stacksWith: "" });
    const { status, body } = await post(DISCOUNT, { intent: "check", form: JSON.stringify(form) });
    expect(status).toBe(200);
    expect(body.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["shadowed", "overlapping_windows"]));
    expect(body.timings.map((t) => t.id)).toEqual([SPRING, "spring-copy"]);
  });

  it("previews a cart from the mirrored catalog, at a shop-local time, with every promotion's reason", async () => {
    await useAdmin([collectionsOf([HOODIE, TEE, GIFT])]);
    const { status, body } = await post(DISCOUNT, {
      intent: "preview",
      form: JSON.stringify(springForm()),
      previewLines: "HOOD-GRY-M\nTEE-WHT-L x 2\nGC-50",
      previewAt: "2026-03-15T23:30",
      previewCountry: "us",
      previewChannel: "web",
      previewCustomer: "guest",
      previewShipping: "6.95",
    });
    expect(status).toBe(200);
    const preview = body.preview;
    expect(preview.shopLocal).toBe("2026-03-15T23:30:00");
    expect(preview.lines.map((l) => [l.sku, l.discount])).toEqual([["HOOD-GRY-M", "$9.00"], ["TEE-WHT-L", "$7.50"], ["GC-50", "$0.00"]]);
    expect(preview.discount).toBe("$16.50");
    expect(preview.shipping).toBe("$6.95 off $6.95");
    expect(preview.explanations.map((e) => e.status)).toEqual(["applied", "applied"]);
  });

  it("names a preview SKU the mirror does not have, and a bad time, on their fields", async () => {
    await useAdmin([]);
    const { status, body } = await post(DISCOUNT, { intent: "preview", form: JSON.stringify(springForm()), previewLines: "NOPE x 2", previewAt: "2026-03-15T23:30", previewCustomer: "guest" });
    expect(status).toBe(422);
    expect(body.errors).toEqual({ previewLines: "no variant with SKU NOPE in the mirrored catalog" });
    const bad = await post(DISCOUNT, { intent: "preview", form: JSON.stringify(springForm()), previewLines: "GC-50", previewAt: "tomorrow", previewCustomer: "guest" });
    expect(bad.body.errors.previewAt).toMatch(/shop-local date and time/);
  });

  it("replays the last synced orders: share affected, total and largest discount, caps, and says margin is unknown", async () => {
    const order = async (n: number, created: string, lines: { sku: string; variant: string; qty: number; cents: number }[]) => {
      const id = `gid://shopify/Order/${n}`;
      await db.prisma.order.create({
        data: { shop: SHOP, id, name: `#${n}`, currencyCode: "USD", shopifyCreatedAt: new Date(created), shopifyUpdatedAt: new Date(created), source: "webhook" },
      });
      await db.prisma.orderLine.createMany({
        data: lines.map((l, i) => ({ shop: SHOP, orderId: id, id: `gid://shopify/LineItem/${n}${i}`, sku: l.sku, variantId: l.variant, quantity: l.qty, priceCents: l.cents })),
      });
    };
    await order(1001, "2026-03-05T15:00:00Z", [{ sku: "HOOD-GRY-M", variant: "gid://shopify/ProductVariant/1", qty: 1, cents: 6000 }]);
    await order(1002, "2026-03-06T15:00:00Z", [{ sku: "GC-50", variant: "gid://shopify/ProductVariant/3", qty: 1, cents: 5000 }]);
    await order(1003, "2026-02-20T15:00:00Z", [{ sku: "HOOD-GRY-M", variant: "gid://shopify/ProductVariant/1", qty: 2, cents: 6000 }]);
    await useAdmin([collectionsOf([HOODIE, GIFT])]);
    // Channels and countries are unknown for past orders: a set without those conditions
    const form = springForm();
    form.promotions[0] = { ...form.promotions[0]!, countries: "", channels: "" };
    const { status, body } = await post(DISCOUNT, { intent: "replay", form: JSON.stringify(form), replayCount: "10" });
    expect(status).toBe(200);
    expect(body.replay).toMatchObject({ orders: 3, affected: 1, share: "33.3%", total: "$9.00", largestText: "$9.00 on #1001", hitCap: 0 });
    expect(body.replay.caveats[0]).toMatch(/^Margin impact: unknown/);
    const tooMany = await post(DISCOUNT, { intent: "replay", form: JSON.stringify(form), replayCount: "5000" });
    expect(tooMany.body.errors).toEqual({ replayCount: "must be a whole number from 1 to 500" });
  });
});
