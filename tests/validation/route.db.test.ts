/**
 * The Checkout rules page (app/routes/app.checkout-rules.tsx) against a migrated test
 * database and a strict Admin API mock: every Shopify call the page makes is listed, with
 * its exact variables, and nothing else may happen.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { ShopMetafield, Validations, ValidationCreate, ValidationLookupVariants, ValidationUpdate } from "../../graphql/operations";
import { AdminClient, type AdminTransportResponse } from "~/services/admin/client.server";
import { planClock } from "~/domain/validation/clock-admin";
import { serializeRuleSet } from "~/domain/validation/validate";
import type { Rule, RuleSet } from "~/domain/validation/types";
import { revisionOf } from "~/services/validation/rules.server";
import type { TestDatabase } from "../helpers/db";
import { call, closeTestDatabase, formPost, browserRequest, installTestDatabase } from "../routes/support";
import { strictTransport, type ExpectedCall, type StrictTransport } from "../services/admin/strict-transport";

const SHOP = "drop-shop.myshopify.com";
const ZONE = "America/New_York";
const NOW = new Date("2026-11-27T15:00:00Z"); // 10:00 in New York
const VALIDATION_ID = "gid://shopify/Validation/1";
const FUNCTION = { id: "fn-1", handle: "checkout-validation", apiType: "cart_checkout_validation" };
const HOODIE_M = "gid://shopify/ProductVariant/101";
const HOODIE_L = "gid://shopify/ProductVariant/102";

vi.mock("~/services/admin-context.server", () => ({ adminContext: vi.fn() }));

let db: TestDatabase;
let route: typeof import("~/routes/app.checkout-rules");
let strict: StrictTransport;

async function useAdmin(calls: ExpectedCall[]) {
  strict = strictTransport(calls);
  const { adminContext } = await import("~/services/admin-context.server");
  vi.mocked(adminContext).mockResolvedValue({
    shop: SHOP,
    session: {} as never,
    admin: new AdminClient(strict.transport, { sleep: async () => {} }),
    mode: "embedded",
  });
}

const ok = (data: unknown): AdminTransportResponse => ({ status: 200, data });

/** The lookup reads the shop's kill switches like the function does: null = none set. */
function killSwitchesRead(value: unknown | null): ExpectedCall {
  const metafield =
    value === null
      ? null
      : { id: "gid://shopify/Metafield/9", namespace: "$app:peakguard", key: "kill_switches", type: "json", value: JSON.stringify(value), compareDigest: "d1", updatedAt: "2026-11-27T14:30:00Z" };
  return { operation: ShopMetafield, variables: { namespace: "$app:peakguard", key: "kill_switches" }, respond: ok({ shop: { id: "gid://shopify/Shop/1", ianaTimezone: ZONE, metafield } }) };
}

function validationsAnswer(set: RuleSet | null, extra: { enabled?: boolean } = {}) {
  const nodes = set
    ? [
        {
          id: VALIDATION_ID,
          title: "Peakguard checkout rules",
          enabled: extra.enabled ?? true,
          blockOnFailure: set.failureMode === "closed",
          shopifyFunction: FUNCTION,
          rules: { value: serialized(set), updatedAt: "2026-11-27T14:00:00Z" },
          ticks: null,
        },
      ]
    : [];
  return ok({ validations: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } });
}

function serialized(set: RuleSet): string {
  const s = serializeRuleSet(set);
  if (!s.ok) throw new Error(s.message);
  return s.value;
}

const readValidations = (set: RuleSet | null, extra?: { enabled?: boolean }): ExpectedCall => ({
  operation: Validations,
  variables: { first: 25 },
  respond: validationsAnswer(set, extra),
});

const variantsAnswer = ok({
  nodes: [
    { id: HOODIE_M, sku: "HD-BLK-M", title: "Black / M", price: "60.00", product: { title: "Hoodie" }, atp: { jsonValue: { v: 1, asOf: NOW.getTime() / 1000 - 60, total: 1 } } },
    { id: HOODIE_L, sku: "HD-BLK-L", title: "Black / L", price: "60.00", product: { title: "Hoodie" }, atp: null },
  ],
});

function metafieldsFor(set: RuleSet) {
  const plan = planClock(set, NOW.getTime() / 1000, ZONE);
  return [
    { namespace: "$app:peakguard", key: "rules", type: "json", value: serialized(set) },
    { namespace: "$app:peakguard", key: "clock", type: "json", value: JSON.stringify(plan.variables) },
    { namespace: "$app:peakguard", key: "ticks", type: "json", value: JSON.stringify(plan.ticks) },
  ];
}

const MAX: Rule = { id: "hoodie-2", name: "Two hoodies", mode: "test", kind: "maxPerOrder", skus: ["HD-*"], max: 2, per: "sku" };
const LABELS = { "HD-BLK-L": "Hoodie — Black / L", "HD-BLK-M": "Hoodie — Black / M" };
const setOf = (rules: Rule[], extra: Partial<RuleSet> = {}): RuleSet => ({ schemaVersion: 1, currencyCode: "USD", failureMode: "open", labels: LABELS, rules, ...extra });

async function post(fields: Record<string, string>) {
  const response = await call(route.action, formPost("/app/checkout-rules", fields));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
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
  await db.prisma.product.create({ data: { shop: SHOP, id: "gid://shopify/Product/1", title: "Hoodie", shopifyUpdatedAt: NOW, source: "webhook" } });
  await db.prisma.variant.createMany({
    data: [
      { shop: SHOP, id: HOODIE_M, productId: "gid://shopify/Product/1", sku: "HD-BLK-M", shopifyUpdatedAt: NOW, source: "webhook" },
      { shop: SHOP, id: HOODIE_L, productId: "gid://shopify/Product/1", sku: "HD-BLK-L", shopifyUpdatedAt: NOW, source: "webhook" },
    ],
  });
});
afterEach(async () => {
  strict.assertDone();
  vi.useRealTimers();
  await db.reset();
});

describe("GIVEN a shop without checkout rules", () => {
  it("WHEN the page loads THEN it shows no rules, no validation, and reads Shopify once", async () => {
    await useAdmin([readValidations(null)]);
    const response = await call(route.loader, browserRequest("/app/checkout-rules"));
    const data = (await response.json()) as Record<string, unknown>;
    expect(data).toMatchObject({ validation: null, rows: [], revision: "none", failureMode: "open", settings: { zone: ZONE, currencyCode: "USD", synced: true } });
  });

  it("WHEN a first rule is saved THEN the validation is created with the rules, the clock and the ticks, labels from Shopify", async () => {
    const expected = setOf([MAX]);
    await useAdmin([
      readValidations(null),
      { operation: ValidationLookupVariants, variables: { ids: [HOODIE_L, HOODIE_M] }, respond: variantsAnswer },
      {
        operation: ValidationCreate,
        variables: {
          validation: { functionHandle: "checkout-validation", title: "Peakguard checkout rules", enable: true, blockOnFailure: false, metafields: metafieldsFor(expected) },
        },
        respond: ok({ validationCreate: { validation: { id: VALIDATION_ID, title: "Peakguard checkout rules", enabled: true, blockOnFailure: false }, userErrors: [] } }),
      },
    ]);
    const { status, body } = await post({ intent: "saveRule", revision: "none", id: "hoodie-2", name: "Two hoodies", mode: "test", kind: "maxPerOrder", skus: "HD-*", max: "2", per: "sku" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ intent: "saveRule", ok: true, message: "Saved rule hoodie-2" });
  });

  it("WHEN a rule has a bad field THEN the editor gets that field's error and nothing is written", async () => {
    await useAdmin([readValidations(null), { operation: ValidationLookupVariants, variables: { ids: [HOODIE_L, HOODIE_M] }, respond: variantsAnswer }]);
    const { status, body } = await post({ intent: "saveRule", revision: "none", id: "Bad Id", mode: "enforce", kind: "maxPerOrder", skus: "HD-*", max: "0" });
    expect(status).toBe(400);
    expect(body.fieldErrors).toEqual({
      id: 'must be 1–40 lowercase letters, digits, "-" or "_", starting with a letter or digit, got "Bad Id"',
      max: "must be a whole number from 1 to 10000, got 0",
    });
  });

  it("WHEN a number field is not a number THEN it is refused before Shopify is asked anything but the rules", async () => {
    await useAdmin([readValidations(null)]);
    const { status, body } = await post({ intent: "saveRule", revision: "none", id: "x", mode: "enforce", kind: "cartQuantity", max: "ten" });
    expect(status).toBe(400);
    expect(body.fieldErrors).toEqual({ max: 'Enter a whole number, not "ten"' });
  });
});

describe("GIVEN rules in Shopify", () => {
  const stored = setOf([MAX]);

  it("WHEN a rule is put in enforce mode THEN the validation is updated with enable and blockOnFailure sent", async () => {
    const next = setOf([{ ...MAX, mode: "enforce" }]);
    await useAdmin([
      readValidations(stored),
      {
        operation: ValidationUpdate,
        variables: { id: VALIDATION_ID, validation: { title: "Peakguard checkout rules", enable: true, blockOnFailure: false, metafields: metafieldsFor(next) } },
        respond: ok({ validationUpdate: { validation: { id: VALIDATION_ID, title: "Peakguard checkout rules", enabled: true, blockOnFailure: false }, userErrors: [] } }),
      },
    ]);
    const { status, body } = await post({ intent: "setMode", revision: revisionOf(serialized(stored)), ruleId: "hoodie-2", mode: "enforce" });
    expect([status, body.message]).toEqual([200, "Rule hoodie-2 is now enforced"]);
  });

  it("WHEN the page's revision is old THEN the change is refused with 409 and nothing is written", async () => {
    await useAdmin([readValidations(stored)]);
    const { status, body } = await post({ intent: "setMode", revision: "stale-revision", ruleId: "hoodie-2", mode: "off" });
    expect(status).toBe(409);
    expect(body.message).toMatch(/changed since this page was loaded/);
  });

  it("WHEN failing closed is chosen THEN blockOnFailure follows, and Shopify's userErrors come back as the message", async () => {
    const next = setOf([MAX], { failureMode: "closed" });
    await useAdmin([
      readValidations(stored),
      {
        operation: ValidationUpdate,
        variables: { id: VALIDATION_ID, validation: { title: "Peakguard checkout rules", enable: false, blockOnFailure: true, metafields: metafieldsFor(next) } },
        respond: ok({ validationUpdate: { validation: null, userErrors: [{ field: ["validation"], message: "Function not found", code: "FUNCTION_NOT_FOUND" }] } }),
      },
    ]);
    const { status, body } = await post({ intent: "saveSettings", revision: revisionOf(serialized(stored)), failureMode: "closed" });
    expect([status, body.ok, body.message]).toEqual([502, false, "Function not found"]);
  });

  it("WHEN a cart is looked up THEN each rule explains itself, the verdicts are recorded and counted on the page", async () => {
    const rules = setOf([
      { ...MAX, mode: "enforce", max: 1 },
      { id: "stock", mode: "enforce", kind: "atp", skus: ["HD-*"], staleAfterSeconds: 300, whenStale: "closed" },
    ]);
    await useAdmin([readValidations(rules), killSwitchesRead(null), { operation: ValidationLookupVariants, variables: { ids: [HOODIE_M] }, respond: variantsAnswer }]);
    const { status, body } = await post({ intent: "lookup", revision: "x", lines: "HD-BLK-M × 2", buyer: "guest", step: "CHECKOUT_COMPLETION", language: "FR", at: "2026-11-27T10:00" });
    expect(status).toBe(200);
    const result = body.result as { errors: { message: string }[]; verdicts: { ruleId: string; status: string; explanation: string }[] };
    expect(result.errors.map((e) => e.message)).toEqual([
      "Vous pouvez acheter au maximum 1 × Hoodie — Black / M par commande. Veuillez réduire la quantité.",
      "Il ne reste que 1 × Hoodie — Black / M. Veuillez réduire la quantité à 1 au maximum.",
    ]);
    expect(result.verdicts.map((v) => [v.ruleId, v.status, v.explanation])).toEqual([
      ["hoodie-2", "blocked", "Blocks checkout: HD-BLK-M × 2 in the cart; at most 1 per SKU per order."],
      ["stock", "blocked", "Blocks checkout: HD-BLK-M: 2 requested, ATP 1 as of 2026-11-27T14:59:00Z (fresh)."],
    ]);
    expect(await db.prisma.checkoutRuleCheck.count({ where: { shop: SHOP, status: "blocked" } })).toBe(2);

    await useAdmin([readValidations(rules)]);
    const page = (await (await call(route.loader, browserRequest("/app/checkout-rules"))).json()) as { rows: { id: string; lookups: unknown }[] };
    expect(page.rows.map((r) => [r.id, r.lookups])).toEqual([
      ["hoodie-2", { blocked: 1, lookups: 1 }],
      ["stock", { blocked: 1, lookups: 1 }],
    ]);
  });

  it("WHEN a cart ships to a region a peak kill switch names THEN the lookup shows the switch's block first, and says market switches need a market", async () => {
    const rules = setOf([{ ...MAX, mode: "enforce", max: 5 }]);
    const switches = { v: 1, rev: 2, region: [{ cc: "FR", msg: { fr: "Pas de livraison en France aujourd'hui." } }, { mk: "eu" }, { cc: "DE", until: "2026-11-26" }] };
    await useAdmin([readValidations(rules), killSwitchesRead(switches), { operation: ValidationLookupVariants, variables: { ids: [HOODIE_M] }, respond: variantsAnswer }]);
    const { status, body } = await post({ intent: "lookup", revision: "x", lines: "HD-BLK-M × 2", buyer: "guest", countryCode: "fr", step: "CHECKOUT_COMPLETION", language: "FR", at: "2026-11-27T10:00" });
    expect(status).toBe(200);
    const result = body.result as { errors: { target: string; message: string }[]; killedRegions: { region: string }[]; notes: string[]; verdicts: { ruleId: string; status: string }[] };
    expect(result.errors).toEqual([{ target: "$.cart.deliveryGroups[0].deliveryAddress.countryCode", message: "Pas de livraison en France aujourd'hui." }]);
    expect(result.killedRegions.map((k) => k.region)).toEqual(["FR"]);
    expect(result.notes).toEqual(expect.arrayContaining(["Blocked by the peak kill switch for FR (Peak page), whatever the rules say.", "Region kill switches by market were not checked: name the market to check them."]));
    expect(result.verdicts.map((v) => [v.ruleId, v.status])).toEqual([["hoodie-2", "passed"]]);

    await useAdmin([readValidations(rules), killSwitchesRead(switches), { operation: ValidationLookupVariants, variables: { ids: [HOODIE_M] }, respond: variantsAnswer }]);
    const expired = await post({ intent: "lookup", revision: "x", lines: "HD-BLK-M × 2", buyer: "guest", countryCode: "DE", market: "us", step: "CHECKOUT_COMPLETION", language: "EN", at: "2026-11-27T10:00" });
    expect((expired.body.result as { errors: unknown[]; notes: string[] }).errors).toEqual([]);

    await useAdmin([readValidations(rules)]);
    const refused = await post({ intent: "lookup", revision: "x", lines: "HD-BLK-M × 2", buyer: "guest", market: "EU West", step: "CHECKOUT_COMPLETION", language: "EN", at: "" });
    expect([refused.status, (refused.body as { fieldErrors: Record<string, string> }).fieldErrors.market]).toEqual([400, "A market handle, like us or eu (lower-case letters, digits, hyphens)"]);
  });

  it("WHEN synced orders exist THEN the page replays them per rule, and says which rules cannot be replayed", async () => {
    const rules = setOf([{ ...MAX, max: 1 }, { id: "ship", mode: "enforce", kind: "region", countries: ["RU"] }]);
    await db.prisma.order.create({
      data: {
        shop: SHOP,
        id: "gid://shopify/Order/1",
        customerId: "gid://shopify/Customer/1",
        currencyCode: "USD",
        shopifyCreatedAt: new Date("2026-11-20T12:00:00Z"),
        shopifyUpdatedAt: new Date("2026-11-20T12:00:00Z"),
        source: "webhook",
        lines: { create: [{ id: "gid://shopify/LineItem/1", sku: "HD-BLK-M", quantity: 3, priceCents: 6000 }] },
      },
    });
    await useAdmin([readValidations(rules)]);
    const page = (await (await call(route.loader, browserRequest("/app/checkout-rules"))).json()) as { rows: { id: string; replay: unknown }[] };
    expect(page.rows.map((r) => [r.id, r.replay])).toEqual([
      ["hoodie-2", { ruleId: "hoodie-2", checked: 1, wouldBlock: 1, replayable: true }],
      ["ship", { ruleId: "ship", checked: 0, wouldBlock: 0, replayable: false, note: "the order mirror keeps no delivery address" }],
    ]);
  });
});
