/**
 * The checkout ATP copy must never silently fail a whole catalogue: the Checkout rules page
 * refuses a save whose ATP rules would make the copy `over` (a field error on the rule's
 * SKUs, nothing written to Shopify), and shows the copy's live state with a critical banner
 * when it is over. Against a migrated test database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL) and a strict Admin API mock: every Shopify call is listed.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { MetafieldsSet, Validations, ValidationUpdate } from "../../graphql/operations";
import { CHECKOUT_ATP_MAX_BYTES, serializeCheckoutAtp } from "~/domain/inventory/atp-metafield";
import { planClock } from "~/domain/validation/clock-admin";
import type { Rule, RuleSet } from "~/domain/validation/types";
import { serializeRuleSet } from "~/domain/validation/validate";
import { AdminClient, type AdminTransportResponse } from "~/services/admin/client.server";
import { revisionOf } from "~/services/validation/rules.server";
import { storedCheckoutStock } from "~/services/validation/stock.server";
import type { TestDatabase } from "../helpers/db";
import { browserRequest, call, closeTestDatabase, formPost, installTestDatabase } from "../routes/support";
import { strictTransport, type ExpectedCall, type StrictTransport } from "../services/admin/strict-transport";

const SHOP = "drop-shop.myshopify.com";
const ZONE = "America/New_York";
const NOW = new Date("2026-11-27T15:00:00Z");
const VALIDATION_ID = "gid://shopify/Validation/1";
const BROOKLYN = "gid://shopify/Location/70100000001";
const CATALOGUE = 400;
const sku = (i: number) => `LONG-CATALOGUE-SKU-${String(i).padStart(5, "0")}`;

vi.mock("~/services/admin-context.server", () => ({ adminContext: vi.fn() }));

let db: TestDatabase;
let route: typeof import("~/routes/app.checkout-rules");
let strict: StrictTransport;

async function withAdmin(calls: ExpectedCall[]) {
  strict = strictTransport(calls);
  const { adminContext } = await import("~/services/admin-context.server");
  vi.mocked(adminContext).mockResolvedValue({ shop: SHOP, session: {} as never, admin: new AdminClient(strict.transport, { sleep: async () => {} }), mode: "embedded" });
}

const ok = (data: unknown): AdminTransportResponse => ({ status: 200, data });
const setOf = (rules: Rule[], extra: Partial<RuleSet> = {}): RuleSet => ({ schemaVersion: 1, currencyCode: "USD", failureMode: "open", labels: {}, rules, ...extra });
const atp = (skus: string[], extra: Partial<Extract<Rule, { kind: "atp" }>> = {}): Rule => ({ id: "stock", mode: "enforce", kind: "atp", skus, location: null, staleAfterSeconds: 300, whenStale: "closed", ...extra });
const MAX: Rule = { id: "max", mode: "test", kind: "maxPerOrder", skus: ["LONG-*"], max: 2, per: "sku" };

function serialized(set: RuleSet): string {
  const s = serializeRuleSet(set);
  if (!s.ok) throw new Error(s.message);
  return s.value;
}

const OVER = '{"v":1,"t":{},"over":true}';

function readValidations(set: RuleSet, stock: string | null = null): ExpectedCall {
  const node = {
    id: VALIDATION_ID,
    title: "Peakguard checkout rules",
    enabled: true,
    blockOnFailure: set.failureMode === "closed",
    shopifyFunction: { id: "fn-1", handle: "checkout-validation", apiType: "cart_checkout_validation" },
    rules: { value: serialized(set), updatedAt: "2026-11-27T14:00:00Z" },
    ticks: null,
    stock: stock === null ? null : { value: stock, compareDigest: "stock-digest", updatedAt: "2026-11-27T14:59:30Z" },
  };
  return { operation: Validations, variables: { first: 25 }, respond: ok({ validations: { nodes: [node], pageInfo: { hasNextPage: false, endCursor: null } } }) };
}

function update(next: RuleSet): ExpectedCall {
  const plan = planClock(next, NOW.getTime() / 1000, ZONE);
  const metafields = [
    { namespace: "$app:peakguard", key: "rules", type: "json", value: serialized(next) },
    { namespace: "$app:peakguard", key: "clock", type: "json", value: JSON.stringify(plan.variables) },
    { namespace: "$app:peakguard", key: "ticks", type: "json", value: JSON.stringify(plan.ticks) },
  ];
  const blockOnFailure = next.failureMode === "closed";
  return {
    operation: ValidationUpdate,
    variables: { id: VALIDATION_ID, validation: { title: "Peakguard checkout rules", enable: true, blockOnFailure, metafields } },
    respond: ok({ validationUpdate: { validation: { id: VALIDATION_ID, title: "Peakguard checkout rules", enabled: true, blockOnFailure }, userErrors: [] } }),
  };
}

const writeCopy: ExpectedCall = {
  operation: MetafieldsSet,
  variables: expect.objectContaining({ metafields: [expect.objectContaining({ ownerId: VALIDATION_ID, key: "atp_checkout" })] }) as never,
  respond: ok({ metafieldsSet: { metafields: [], userErrors: [] } }),
};

async function post(fields: Record<string, string>) {
  const response = await call(route.action, formPost("/app/checkout-rules", fields));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A catalogue of CATALOGUE SKUs, one unit each at one online location, confirmed at NOW. */
async function mirror(): Promise<void> {
  await db.prisma.location.create({ data: { shop: SHOP, id: BROOKLYN, name: "Brooklyn", fulfillsOnlineOrders: true, shopifyUpdatedAt: NOW, source: "reconcile" } });
  const ids = Array.from({ length: CATALOGUE }, (_, i) => i);
  await db.prisma.inventoryItem.createMany({
    data: ids.map((i) => ({ shop: SHOP, id: `gid://shopify/InventoryItem/${i}`, variantId: `gid://shopify/ProductVariant/${i}`, sku: sku(i), shopifyUpdatedAt: NOW, source: "reconcile" })),
  });
  await db.prisma.inventoryLevel.createMany({
    data: ids.map((i) => ({ shop: SHOP, inventoryItemId: `gid://shopify/InventoryItem/${i}`, locationId: BROOKLYN, available: 1, onHand: 1, availableAt: NOW, availableSource: "reconcile" })),
  });
}

beforeAll(async () => {
  db = await installTestDatabase();
  route = await import("~/routes/app.checkout-rules");
});
afterAll(() => closeTestDatabase(db));
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  await db.prisma.shop.create({ data: { shop: SHOP, ianaTimezone: ZONE, currencyCode: "USD" } });
  await mirror();
});
afterEach(async () => {
  try {
    strict.assertDone();
  } finally {
    vi.useRealTimers();
    await db.reset();
  }
});

describe("GIVEN a catalogue whose figures do not fit in checkout's ATP copy", () => {
  const stored = setOf([MAX]);

  it("WHEN an ATP rule over every SKU is saved THEN it is refused on the SKUs field with the numbers, and nothing is written to Shopify", async () => {
    await withAdmin([readValidations(stored)]);
    const { status, body } = await post({ intent: "saveRule", revision: revisionOf(serialized(stored)), id: "stock", mode: "enforce", kind: "atp", skus: "", staleAfterSeconds: "300", whenStale: "closed" });
    expect(status).toBe(400);
    expect(body).toMatchObject({ intent: "saveRule", ok: false, formErrors: [] });
    const message = (body.fieldErrors as Record<string, string>).skus!;
    expect(Object.keys(body.fieldErrors as object)).toEqual(["skus"]);
    const found = /^This ATP rule governs 400 SKUs: their stock figures take ([\d,]+) bytes, and checkout can carry about ([\d,]+) SKUs' stock figures \(9,000 bytes\)\. Name the drop's SKUs or prefixes \(HD-\*\) instead\.$/.exec(message);
    expect(found, message).not.toBeNull();
    const needed = Number(found![1]!.replace(/,/g, ""));
    const capacity = Number(found![2]!.replace(/,/g, ""));
    // The bytes are those of the real copy, and "about N" is exactly what fits (every entry is the same size here).
    const figure = (i: number) => ({ sku: sku(i), asOf: NOW.getTime() / 1000, total: 1 });
    const all = serializeCheckoutAtp(Array.from({ length: CATALOGUE }, (_, i) => figure(i)), [], Number.POSITIVE_INFINITY);
    expect(needed).toBe(all.bytes);
    expect(needed).toBeGreaterThan(CHECKOUT_ATP_MAX_BYTES);
    expect(serializeCheckoutAtp(Array.from({ length: capacity }, (_, i) => figure(i))).over).toBe(false);
    expect(serializeCheckoutAtp(Array.from({ length: capacity + 1 }, (_, i) => figure(i))).over).toBe(true);
    expect(strict.calls.map((c) => c.operationName)).toEqual(["Validations"]);
  });

  it("WHEN the rule names the drop's SKUs by prefix THEN it is saved and the copy written at once", async () => {
    const next = setOf([MAX, atp(["LONG-CATALOGUE-SKU-0000*"])]);
    await withAdmin([readValidations(stored), update(next), writeCopy]);
    const { status, body } = await post({ intent: "saveRule", revision: revisionOf(serialized(stored)), id: "stock", mode: "enforce", kind: "atp", skus: "LONG-CATALOGUE-SKU-0000*", staleAfterSeconds: "300", whenStale: "closed" });
    expect([status, body.ok, body.message, body.warnings]).toEqual([200, true, "Saved rule stock", []]);
    const value = JSON.parse((strict.calls[2]!.variables as { metafields: { value: string }[] }).metafields[0]!.value) as { t: Record<string, number> };
    expect(Object.keys(value.t)).toHaveLength(10);
  });

  it("WHEN the over rule is turned from testing to enforced, or the set to fail closed THEN both are refused before any write", async () => {
    const testing = setOf([MAX, atp([], { mode: "test" })]);
    await withAdmin([readValidations(testing, OVER)]);
    const enforce = await post({ intent: "setMode", revision: revisionOf(serialized(testing)), ruleId: "stock", mode: "enforce" });
    expect([enforce.status, enforce.body.ok]).toEqual([400, false]);
    expect(enforce.body.message).toMatch(/^rules\[1\]\.skus: This ATP rule governs 400 SKUs: .* checkout can carry about \d+ SKUs' stock figures \(9,000 bytes\)/);
    strict.assertDone();

    const enforced = setOf([MAX, atp([])]);
    await withAdmin([readValidations(enforced, OVER)]);
    const closed = await post({ intent: "saveSettings", revision: revisionOf(serialized(enforced)), failureMode: "closed", enabled: "on" });
    expect([closed.status, closed.body.ok]).toEqual([400, false]);
    expect(closed.body.message).toMatch(/^failureMode: Failing closed now would block every checkout: the ATP figures of 400 SKUs take [\d,]+ bytes, over the 9,000 checkout can carry, so ATP rule stock cannot be read/);
  });

  it("WHEN a save leaves the over ATP rule as it was (another rule turned off, the ATP rule to testing) THEN it is saved, with a warning", async () => {
    const enforced = setOf([MAX, atp([])], { failureMode: "closed" });
    const next = setOf([{ ...MAX, mode: "off" }, atp([])], { failureMode: "closed" });
    await withAdmin([readValidations(enforced, OVER), update(next)]);
    const off = await post({ intent: "setMode", revision: revisionOf(serialized(enforced)), ruleId: "max", mode: "off" });
    expect([off.status, off.body.ok, off.body.message]).toEqual([200, true, "Rule max is now off"]);
    strict.assertDone();

    const relaxed = setOf([MAX, atp([], { mode: "test" })], { failureMode: "closed" });
    await withAdmin([readValidations(enforced, OVER), update(relaxed)]);
    const test = await post({ intent: "setMode", revision: revisionOf(serialized(enforced)), ruleId: "stock", mode: "test" });
    expect([test.status, test.body.ok]).toEqual([200, true]);
    strict.assertDone();

    // The editor's save of an unchanged over rule passes and says the copy is over.
    await withAdmin([readValidations(enforced, OVER), update(enforced)]);
    const same = await post({ intent: "saveRule", revision: revisionOf(serialized(enforced)), replacing: "stock", id: "stock", mode: "enforce", kind: "atp", skus: "", staleAfterSeconds: "300", whenStale: "closed" });
    expect([same.status, same.body.ok]).toEqual([200, true]);
    expect(same.body.warnings).toContain("Checkout cannot carry the ATP figures of every SKU the ATP rules govern (see the ATP figures card): name the drop's SKUs or prefixes in the ATP rule.");
  });
});

describe("the page shows the copy's live state", () => {
  async function load(set: RuleSet, stock: string | null) {
    await withAdmin([readValidations(set, stock)]);
    return (await (await call(route.loader, browserRequest("/app/checkout-rules"))).json()) as { atpCopy: Record<string, unknown> | null };
  }

  it("GIVEN the catalogue grew past the copy after the save THEN the data says over, what each ATP rule does now, and how many SKUs fit", async () => {
    const set = setOf([atp([]), atp(["LONG-CATALOGUE-SKU-0001*"], { id: "drop", mode: "test" }), atp(["X-*"], { id: "old", mode: "off" })], { failureMode: "closed" });
    const page = await load(set, OVER);
    expect(page.atpCopy).toMatchObject({
      over: true,
      stored: { over: true, skus: 0, bytes: OVER.length, lastWritten: "2026-11-27 09:59:30 (2026-11-27T14:59:30Z)" },
      current: { skus: 400, over: true },
      maxBytes: 9000,
      // In the stored order (by id); the rule that is off is not listed.
      rules: [
        { id: "drop", skus: 10, mode: "test", effect: "reports_only" },
        { id: "stock", skus: 400, mode: "enforce", effect: "blocks_every_checkout" },
      ],
    });
    const capacity = page.atpCopy!.capacity as number;
    expect(capacity).toBeGreaterThan(0);
    expect(capacity).toBeLessThan(400);

    const open = await load({ ...set, failureMode: "open" }, OVER);
    expect((open.atpCopy!.rules as { effect: string }[]).map((r) => r.effect)).toEqual(["reports_only", "not_checked"]);
  });

  it("GIVEN a copy that fits THEN not over, with the SKUs carried and its bytes; no ATP rule on THEN no state at all", async () => {
    const set = setOf([atp(["LONG-CATALOGUE-SKU-0000*"])]);
    const value = serializeCheckoutAtp(Array.from({ length: 10 }, (_, i) => ({ sku: sku(i), asOf: NOW.getTime() / 1000, total: 1 }))).value;
    const page = await load(set, value);
    expect(page.atpCopy).toMatchObject({ over: false, stored: { over: false, skus: 10, bytes: value.length }, current: { skus: 10, over: false } });
    strict.assertDone();

    expect((await load(setOf([MAX, atp([], { mode: "off" })]), null)).atpCopy).toBeNull();
  });

  it("GIVEN a stored copy THEN the Peak page's reader gets its SKUs, bytes and over flag from our validation", async () => {
    await withAdmin([readValidations(setOf([atp([])]), OVER)]);
    const { adminContext } = await import("~/services/admin-context.server");
    const { admin } = await vi.mocked(adminContext)(browserRequest("/app/peak"));
    expect(await storedCheckoutStock(admin)).toEqual({ skus: 0, bytes: OVER.length, over: true });
    strict.assertDone();
    await withAdmin([readValidations(setOf([atp([])]), null)]);
    expect(await storedCheckoutStock((await vi.mocked(adminContext)(browserRequest("/app/peak"))).admin)).toBeNull();
  });
});
