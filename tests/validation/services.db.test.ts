/**
 * The checkout-rules services that run outside the page: the clock heartbeat and the
 * per-customer counts, against a migrated test database and a strict Admin API mock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { MetafieldsSet, Validations } from "../../graphql/operations";
import { planClock } from "~/domain/validation/clock-admin";
import type { RuleSet } from "~/domain/validation/types";
import { serializeRuleSet } from "~/domain/validation/validate";
import { AdminClient, type AdminTransportResponse } from "~/services/admin/client.server";
import { clockStatus, refreshCheckoutClock } from "~/services/validation/clock.server";
import { publishCustomerLimitCounts } from "~/services/validation/customer-limits.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { strictTransport, type ExpectedCall, type StrictTransport } from "../services/admin/strict-transport";

const SHOP = "drop-shop.myshopify.com";
const ZONE = "America/New_York";
const NOW = new Date("2026-11-27T15:00:00Z");
const NOW_S = NOW.getTime() / 1000;
const VALIDATION_ID = "gid://shopify/Validation/1";

const SET: RuleSet = {
  schemaVersion: 1,
  currencyCode: "USD",
  failureMode: "closed",
  labels: {},
  rules: [
    { id: "drop", mode: "enforce", kind: "customerLimit", skus: ["HD-*"], max: 2, window: { kind: "days", days: 7 }, guests: "allow" },
    { id: "stock", mode: "enforce", kind: "atp", skus: [], staleAfterSeconds: 600, whenStale: "closed" },
  ],
};

let db: TestDatabase;
let strict: StrictTransport;
const ok = (data: unknown): AdminTransportResponse => ({ status: 200, data });
const admin = (calls: ExpectedCall[]) => {
  strict = strictTransport(calls);
  return new AdminClient(strict.transport, { sleep: async () => {} });
};
const value = (set: RuleSet) => {
  const s = serializeRuleSet(set);
  if (!s.ok) throw new Error(s.message);
  return s.value;
};
const validations = (ticks: string | null): ExpectedCall => ({
  operation: Validations,
  variables: { first: 25 },
  respond: ok({
    validations: {
      nodes: [
        {
          id: VALIDATION_ID,
          title: "Peakguard checkout rules",
          enabled: true,
          blockOnFailure: true,
          shopifyFunction: { id: "fn", handle: "checkout-validation", apiType: "cart_checkout_validation" },
          rules: { value: value(SET), updatedAt: "2026-11-27T14:00:00Z" },
          ticks: ticks === null ? null : { value: ticks, compareDigest: "digest-1", updatedAt: "2026-11-27T14:00:00Z" },
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  }),
});

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());
afterEach(async () => {
  strict.assertDone();
  await db.reset();
});

describe("the clock heartbeat", () => {
  it("GIVEN ticks past half-way WHEN it beats THEN it writes a new plan with the read compareDigest", async () => {
    const old = planClock(SET, NOW_S - 3600, ZONE);
    const next = planClock(SET, NOW_S, ZONE);
    const client = admin([
      validations(JSON.stringify(old.ticks)),
      {
        operation: MetafieldsSet,
        variables: {
          metafields: [
            { ownerId: VALIDATION_ID, namespace: "$app:peakguard", key: "clock", type: "json", value: JSON.stringify(next.variables) },
            { ownerId: VALIDATION_ID, namespace: "$app:peakguard", key: "ticks", type: "json", value: JSON.stringify(next.ticks), compareDigest: "digest-1" },
          ],
        },
        respond: ok({ metafieldsSet: { metafields: [], userErrors: [] } }),
      },
    ]);
    const result = await refreshCheckoutClock(client, { zone: ZONE, currencyCode: "USD", now: NOW });
    expect(result).toEqual({ written: true, coversUntil: next.coversUntil, notes: [] });
    expect(next.stepSeconds).toBe(150);
  });

  it("GIVEN a plan written a minute ago WHEN it beats THEN nothing is due", async () => {
    const recent = planClock(SET, NOW_S - 60, ZONE);
    const client = admin([validations(JSON.stringify(recent.ticks))]);
    expect(await refreshCheckoutClock(client, { zone: ZONE, currencyCode: "USD", now: NOW })).toEqual({ written: false, reason: "not_due" });
    expect(clockStatus(JSON.stringify(recent.ticks)).coversUntil).toBeGreaterThan(NOW_S);
  });

  it("GIVEN a save wrote newer ticks meanwhile WHEN the write arrives THEN Shopify's STALE_OBJECT keeps the newer plan", async () => {
    const client = admin([
      validations(null),
      {
        operation: MetafieldsSet,
        variables: expect.anything() as never,
        respond: ok({ metafieldsSet: { metafields: null, userErrors: [{ field: ["metafields", "1"], message: "The resource has been updated", code: "STALE_OBJECT", elementIndex: 1 }] } }),
      },
    ]);
    expect(await refreshCheckoutClock(client, { zone: ZONE, currencyCode: "USD", now: NOW })).toEqual({ written: false, reason: "superseded" });
  });
});

describe("per-customer counts", () => {
  it("publishes each customer's merged count, and an empty count to a customer whose purchases left the window", async () => {
    const at = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
    await db.prisma.customer.createMany({
      data: [
        { shop: SHOP, id: "gid://shopify/Customer/1", email: "Ada@Example.com", shopifyUpdatedAt: NOW, source: "webhook" },
        { shop: SHOP, id: "gid://shopify/Customer/2", email: "bob@example.com", shopifyUpdatedAt: NOW, source: "webhook" },
      ],
    });
    const order = (id: number, data: { customerId?: string; email?: string; days: number; sku: string; quantity: number }) =>
      db.prisma.order.create({
        data: {
          shop: SHOP,
          id: `gid://shopify/Order/${id}`,
          customerId: data.customerId ?? null,
          email: data.email ?? null,
          shopifyCreatedAt: at(data.days),
          shopifyUpdatedAt: at(data.days),
          source: "webhook",
          lines: { create: [{ id: `gid://shopify/LineItem/${id}`, sku: data.sku, quantity: data.quantity }] },
        },
      });
    await order(1, { customerId: "gid://shopify/Customer/1", days: 1, sku: "HD-BLK-M", quantity: 1 });
    await order(2, { email: "ada+drop@example.com", days: 2, sku: "HD-BLK-L", quantity: 1 }); // guest, merged by email
    await order(3, { customerId: "gid://shopify/Customer/2", days: 6, sku: "CAP-1", quantity: 4 }); // no limited SKU
    await order(4, { customerId: "gid://shopify/Customer/2", days: 8, sku: "HD-BLK-M", quantity: 2 }); // before the window
    const client = admin([
      {
        operation: MetafieldsSet,
        variables: {
          metafields: [
            { ownerId: "gid://shopify/Customer/1", namespace: "$app:peakguard", key: "limits", type: "json", value: `{"v":1,"asOf":${NOW_S},"counts":{"drop":2}}` },
            { ownerId: "gid://shopify/Customer/2", namespace: "$app:peakguard", key: "limits", type: "json", value: `{"v":1,"asOf":${NOW_S},"counts":{}}` },
          ],
        },
        respond: ok({ metafieldsSet: { metafields: [], userErrors: [] } }),
      },
    ]);
    expect(await publishCustomerLimitCounts(db.prisma, client, SHOP, SET, NOW)).toEqual({ customers: 2, calls: 1 });
  });

  it("writes nothing without a per-customer rule", async () => {
    const client = admin([]);
    expect(await publishCustomerLimitCounts(db.prisma, client, SHOP, { ...SET, rules: [] }, NOW)).toEqual({ customers: 0, calls: 0 });
  });
});
