/**
 * The counters behind per-customer and budget caps, on the test database (PGlite, and
 * PostgreSQL in CI's second pass): orders/* webhooks record which promotions an order used
 * (the order counted once however often it arrives), the promotions job publishes the counts
 * with metafieldsSet 25 at a time, and the discount Function then applies the caps.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { DiscountPromotionsList, MetafieldsSet } from "../../graphql/operations";
import { serializePromotionSet, validatePromotionSet } from "~/domain/promotions/validate";
import type { PromotionSet } from "~/domain/promotions/types";
import { AdminClient } from "~/services/admin/client.server";
import { forShop } from "~/services/db/scoped.server";
import { countPromotionUses, markAllPromotionCounters, publishPromotionCounters, recordPromotionUses } from "~/services/promotions/counters.server";
import { runPromotionCounterJob, runPromotionJobs } from "~/services/promotions/jobs.server";
import { recordInstall } from "~/services/shops.server";
import { listPromotionSets } from "~/services/promotions/promotions.server";
import { cartLinesDiscountsGenerateRun } from "../../extensions/promotion-stacking/src/cart_lines_discounts_generate_run";
import { compiled, functionInput, type InputOptions } from "../../extensions/promotion-stacking/tests/inputs";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { strictTransport, type ExpectedCall } from "../services/admin/strict-transport";
import { deliverAndProcess, orderPayload, SHOP } from "../webhooks/helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const DISCOUNT = "gid://shopify/DiscountAutomaticNode/88";
const ZONE = "America/New_York";
const AUTHORED = {
  schemaVersion: 1,
  currencyCode: "USD",
  floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
  promotions: [
    { id: "welcome", name: "Welcome 10%", priority: 1, stacksWith: ["*"], action: { type: "percent_off", percent: 10, appliesTo: "order" }, caps: { perCustomerUses: 1 } },
    { id: "bf20", name: "BF 20%", priority: 2, stacksWith: ["*"], action: { type: "percent_off", percent: 20, appliesTo: "matching_lines" }, caps: { totalBudgetCents: 5000 } },
    { id: "ship", name: "Free shipping", priority: 3, stacksWith: ["*"], action: { type: "free_shipping" } },
  ],
};
function theSet(): PromotionSet {
  const v = validatePromotionSet(AUTHORED);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.set;
}

/** An orders/* payload whose discount applications are our candidates' messages. */
function discountedOrder(id: number, customerId: number, over: Record<string, unknown> = {}) {
  return orderPayload({
    id,
    customer: { id: customerId, email: `c${customerId}@example.com`, phone: null, tags: "", updated_at: "2026-11-20T09:00:00Z" },
    discount_applications: [
      { type: "automatic", title: "bf20", description: null, value: "20.0", value_type: "percentage", allocation_method: "across", target_selection: "entitled", target_type: "line_item" },
      { type: "automatic", title: "welcome", description: null, value: "10.0", value_type: "fixed_amount", allocation_method: "across", target_selection: "all", target_type: "line_item" },
      { type: "discount_code", code: "bf20", value: "5.0", value_type: "fixed_amount", allocation_method: "across", target_selection: "all", target_type: "line_item" },
      { type: "automatic", title: "ship", description: null, value: "100.0", value_type: "percentage", allocation_method: "each", target_selection: "all", target_type: "shipping_line" },
    ],
    line_items: [
      {
        id: id * 10 + 1, sku: "HOODIE-M", variant_id: 501, quantity: 2, price: "50.00",
        discount_allocations: [
          { amount: "20.00", amount_set: { shop_money: { amount: "20.00", currency_code: "USD" } }, discount_application_index: 0 },
          { amount: "8.00", amount_set: { shop_money: { amount: "8.00", currency_code: "USD" } }, discount_application_index: 1 },
          { amount: "5.00", amount_set: { shop_money: { amount: "5.00", currency_code: "USD" } }, discount_application_index: 2 },
        ],
      },
      {
        id: id * 10 + 2, sku: "CAP", variant_id: 502, quantity: 1, price: "20.00",
        discount_allocations: [{ amount: "1.60", amount_set: { shop_money: { amount: "1.60", currency_code: "USD" } }, discount_application_index: 1 }],
      },
    ],
    shipping_lines: [{ id: 1, price: "6.95", discount_allocations: [{ amount: "6.95", discount_application_index: 3 }] }],
    ...over,
  });
}

const scoped = () => forShop(db.prisma, SHOP);
const uses = async () =>
  (await scoped().promotionUse.findMany({ orderBy: [{ orderId: "asc" }, { promotionId: "asc" }] })).map((u) => `${u.orderId} ${u.promotionId} ${u.customerId} ${u.amountCents}`);

describe("recording from orders/* webhooks", () => {
  it("records each promotion's share once per order, however often the order arrives", async () => {
    const order = discountedOrder(7001, 41);
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: order });
    const once = [
      "gid://shopify/Order/7001 bf20 gid://shopify/Customer/41 2000",
      "gid://shopify/Order/7001 ship gid://shopify/Customer/41 695",
      "gid://shopify/Order/7001 welcome gid://shopify/Customer/41 960",
    ];
    expect(await uses()).toEqual(once);
    // a duplicate delivery of another event for the same order state, and orders/paid with it
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: order });
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: { ...order, updated_at: "2026-11-20T10:05:00Z" } });
    expect(await uses()).toEqual(once);
    const { uses: byCustomer, spent } = await countPromotionUses(db.prisma, SHOP, ["gid://shopify/Customer/41"]);
    expect(Object.fromEntries(byCustomer.get("gid://shopify/Customer/41")!)).toEqual({ bf20: 1, ship: 1, welcome: 1 });
    expect(Object.fromEntries(spent)).toEqual({ bf20: 2000, ship: 695, welcome: 960 });
  });

  it("an older payload arriving late changes nothing; a newer one replaces the order's uses; a cancelled order counts nothing", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/updated", body: discountedOrder(7002, 42, { updated_at: "2026-11-21T10:00:00Z", discount_applications: [] }) });
    expect(await uses()).toEqual([]);
    // the create (older) arrives after the update: the mirror keeps the newer state, so do the counters
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: discountedOrder(7002, 42) });
    expect(await uses()).toEqual([]);
    await deliverAndProcess(db.prisma, { topic: "orders/updated", body: discountedOrder(7002, 42, { updated_at: "2026-11-22T10:00:00Z" }) });
    expect(await uses()).toHaveLength(3);
    await deliverAndProcess(db.prisma, { topic: "orders/cancelled", body: discountedOrder(7002, 42, { updated_at: "2026-11-23T10:00:00Z", cancelled_at: "2026-11-23T10:00:00Z" }) });
    expect(await uses()).toEqual([]);
  });

  it("marks the ordering customer and the budgets for publishing, even for an order without our promotions", async () => {
    await recordPromotionUses(scoped(), SHOP, orderPayload({ id: 7003 }));
    const marked = (await scoped().promotionCounterDirty.findMany({ orderBy: { ownerKind: "asc" } })).map((m) => `${m.ownerKind} ${m.ownerId}`);
    expect(marked).toEqual(["customer gid://shopify/Customer/77"]);
    await recordPromotionUses(scoped(), SHOP, discountedOrder(7004, 77));
    const again = (await scoped().promotionCounterDirty.findMany({ orderBy: { ownerKind: "asc" } })).map((m) => `${m.ownerKind} ${m.ownerId}`);
    expect(again).toEqual(["budget *", "customer gid://shopify/Customer/77"]);
  });

  it("a changed payload drops the uses it no longer names and overwrites the others, marking both customers and the budgets; an unchanged one marks only its customer", async () => {
    const marks = async () => (await scoped().promotionCounterDirty.findMany({ orderBy: [{ ownerKind: "asc" }, { ownerId: "asc" }] })).map((m) => `${m.ownerKind} ${m.ownerId}`);
    expect(await recordPromotionUses(scoped(), SHOP, discountedOrder(7006, 44))).toBe("promotion uses: bf20, ship, welcome");
    await scoped().promotionCounterDirty.deleteMany({});
    expect(await recordPromotionUses(scoped(), SHOP, discountedOrder(7006, 44))).toBe("promotion uses unchanged (3)");
    expect(await marks()).toEqual(["customer gid://shopify/Customer/44"]);
    await scoped().promotionCounterDirty.deleteMany({});
    // Another customer, and the free shipping no longer on the order.
    const first = discountedOrder(7006, 44) as { discount_applications?: unknown[] };
    const changed = discountedOrder(7006, 45, { discount_applications: first.discount_applications?.slice(0, 3), shipping_lines: [] });
    expect(await recordPromotionUses(scoped(), SHOP, changed)).toBe("promotion uses: bf20, welcome");
    expect(await uses()).toEqual(["gid://shopify/Order/7006 bf20 gid://shopify/Customer/45 2000", "gid://shopify/Order/7006 welcome gid://shopify/Customer/45 960"]);
    expect(await marks()).toEqual(["budget *", "customer gid://shopify/Customer/44", "customer gid://shopify/Customer/45"]);
  });

  it("refuses an allocation amount that is not money, naming the order", async () => {
    const bad = discountedOrder(7005, 43, { shipping_lines: [{ id: 1, discount_allocations: [{ amount: "lots", discount_application_index: 3 }] }] });
    await expect(recordPromotionUses(scoped(), SHOP, bad)).rejects.toThrow(/order 7005: order.shipping_lines\[\] discount allocation amount "lots" is not money/);
  });
});

describe("publishing, 25 metafields a call, and the caps at checkout", () => {
  const listCall = (set: PromotionSet): ExpectedCall => ({
    operation: DiscountPromotionsList,
    variables: { first: 50 },
    respond: {
      status: 200,
      data: {
        discountNodes: {
          nodes: [{
            id: DISCOUNT,
            discount: { __typename: "DiscountAutomaticApp", title: "BFCM", status: "ACTIVE", startsAt: "2026-11-01T00:00:00Z", endsAt: null, updatedAt: "2026-11-01T00:00:00Z", discountClasses: ["PRODUCT", "ORDER", "SHIPPING"] },
            set: { value: serializePromotionSet(set) },
          }],
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      },
    },
  });
  const setCall = (metafields: unknown[]): ExpectedCall => ({
    operation: MetafieldsSet,
    variables: { metafields },
    respond: { status: 200, data: { metafieldsSet: { metafields: [], userErrors: [] } } },
  });
  const customerValue = (id: number, value: string) => ({ ownerId: `gid://shopify/Customer/${id}`, namespace: "$app:peakguard", key: "promotion_uses", type: "json", value });

  it("publishes every marked customer's uses and the set's budget in batches of 25, then the Function applies the caps", async () => {
    // GIVEN 30 customers: 2 used welcome on a discounted order, 28 ordered without a promotion
    for (let c = 1; c <= 30; c++) {
      await recordPromotionUses(scoped(), SHOP, c <= 2 ? discountedOrder(8000 + c, c) : orderPayload({ id: 8000 + c, customer: { id: c, updated_at: "2026-11-20T09:00:00Z" } }));
    }
    const set = theSet();
    const customers = Array.from({ length: 30 }, (_, i) => i + 1).sort((a, b) => String(a).localeCompare(String(b)));
    const values = customers.map((c) => customerValue(c, c <= 2 ? '{"welcome":1}' : '{"welcome":0}'));
    const budget = { ownerId: DISCOUNT, namespace: "$app:peakguard", key: "promotion_budget", type: "json", value: '{"bf20":4000}' };
    const strict = strictTransport([listCall(set), setCall(values.slice(0, 25)), setCall([...values.slice(25), budget])]);
    const admin = new AdminClient(strict.transport, { sleep: async () => {} });

    // WHEN the job runs
    const published = await runPromotionCounterJob(db.prisma, SHOP, async () => admin);
    strict.assertDone();
    expect(published).toEqual({ customers: 30, budgets: 1, calls: 2 });
    // AND nothing is left to publish: the next run makes no Admin API call
    expect(await runPromotionCounterJob(db.prisma, SHOP, async () => { throw new Error("no call expected"); })).toBeNull();

    // THEN at checkout: customer 1 (1 use of 1) no longer gets welcome; customer 3 (0 uses) does
    const { config } = compiled(AUTHORED, ZONE);
    const checkout = (customerId: number, ordersCount: number, published: string | null, budgetUsed: Record<string, number>) => {
      const options: InputOptions = {
        lines: [{ quantity: 1, cents: 10000, sku: "HOODIE-M" }],
        config,
        now: "2026-11-27T10:00:00",
        customer: { id: `gid://shopify/Customer/${customerId}`, orders: ordersCount, ...(published ? { uses: JSON.parse(published) as Record<string, number> } : {}) },
        budgetUsed,
      };
      const ops = cartLinesDiscountsGenerateRun(functionInput(options) as never).operations as Record<string, { candidates: { message?: string }[] }>[];
      return ops.flatMap((op) => Object.values(op)[0]!.candidates.map((c) => c.message));
    };
    const spent = JSON.parse(budget.value) as Record<string, number>;
    expect(checkout(1, 1, values.find((v) => v.ownerId.endsWith("/1"))!.value, spent)).toEqual(["bf20"]);
    expect(checkout(3, 1, values.find((v) => v.ownerId.endsWith("/3"))!.value, spent)).toEqual(["bf20", "welcome"]);
    // a customer with orders whose counter is not published yet: welcome fails closed
    expect(checkout(99, 1, null, spent)).toEqual(["bf20"]);
    // the budget: $40 of $50 spent leaves $10, so bf20 is cut to $10; spent in full, it is capped
    expect(checkout(3, 1, '{"welcome":0}', { bf20: 5000 })).toEqual(["welcome"]);
  });

  it("a save marks every customer we know and the budgets; a set without caps writes nothing but clears the marks", async () => {
    await recordPromotionUses(scoped(), SHOP, discountedOrder(9001, 5));
    await scoped().promotionCounterDirty.deleteMany({});
    expect(await markAllPromotionCounters(db.prisma, SHOP)).toBe(1);
    const uncapped = validatePromotionSet({ ...AUTHORED, promotions: [AUTHORED.promotions[2]] });
    if (!uncapped.ok) throw new Error("set");
    const strict = strictTransport([listCall(uncapped.set)]);
    const admin = new AdminClient(strict.transport, { sleep: async () => {} });
    expect(await publishPromotionCounters(db.prisma, admin, SHOP, await listPromotionSets(admin))).toEqual({ customers: 0, budgets: 0, calls: 0 });
    strict.assertDone();
    expect(await scoped().promotionCounterDirty.count()).toBe(0);
  });

  it("the pass over every shop skips a shop not installed with an offline token yet, quietly, and keeps its marks", async () => {
    await recordInstall(db.prisma, SHOP, null);
    await recordPromotionUses(scoped(), SHOP, discountedOrder(9101, 6));
    const logged: string[] = [];
    await runPromotionJobs(db.prisma, (m) => logged.push(m));
    expect(logged).toEqual([]);
    expect(await scoped().promotionCounterDirty.count()).toBe(2);
  });
});
