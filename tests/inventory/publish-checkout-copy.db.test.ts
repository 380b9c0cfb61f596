/**
 * The ATP publisher keeps the checkout validation's copy fresh (issue 5): against the store
 * emulator, a pass that writes changed variant figures also rewrites the validation's
 * `$app:peakguard.atp_checkout` metafield with the figures of the SKUs its ATP rules govern
 * — and the checkout function, run on that copy, blocks by it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { readSeedFile } from "../../emulator/store";
import { formatWall, readCompactFigure } from "~/domain/inventory/atp-metafield";
import { exactClock } from "~/domain/validation/clock";
import { evaluate } from "~/domain/validation/evaluate";
import type { CheckoutInput, RuleSet } from "~/domain/validation/types";
import { adminClientFromToken, type AdminClient } from "~/services/admin/client.server";
import { forShop } from "~/services/db/scoped.server";
import { startBulkReconcile } from "~/services/inventory/bulk.server";
import { setAdminClientFactory, whenBackgroundIdle } from "~/services/inventory/jobs.server";
import { publishAtp } from "~/services/inventory/publish.server";
import { hold } from "~/services/reservations/reservations.server";
import { loadCheckoutRules, saveCheckoutRules } from "~/services/validation/rules.server";
import { processDueEvents } from "~/services/webhooks/processor.server";
import { startAppWebhookServer, type AppWebhookServer } from "../e2e/app-server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const seed = readSeedFile(path.resolve(__dirname, "../../emulator/seed/default.json"));
const SHOP = seed.shop.myshopifyDomain;
const TOKEN = "shpat_checkout_copy";
const BROOKLYN = "gid://shopify/Location/70100000001";
const JACKET_S = "gid://shopify/ProductVariant/8200000000001";

let db: TestDatabase;
let app: AppWebhookServer;
let emulator: RunningEmulator;
let client: AdminClient;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startAppWebhookServer(db.prisma);
  emulator = await startEmulator({
    // Our checkout function, declared as the app's (validationCreate looks its handle up).
    seed: { ...seed, functions: [...(seed.functions ?? []), { id: "01JPEAKVALIDATION000000001", title: "Peakguard checkout rules", apiType: "cart_checkout_validation", handle: "checkout-validation" }] },
    appUrl: app.url,
    apiSecret: app.secret,
    accessToken: TOKEN,
    webhooks: { seed: 3 },
  });
  client = adminClientFromToken({ shop: SHOP, accessToken: TOKEN, endpoint: emulator.graphqlUrl });
  setAdminClientFactory(async () => client);
  await db.prisma.shop.create({ data: { shop: SHOP, currencyCode: "USD", ianaTimezone: "America/New_York" } });
});
afterAll(async () => {
  await emulator?.webhooks.flush();
  await emulator?.close();
  await app.close();
  await db.close();
});

const scoped = () => forShop(db.prisma, SHOP);

async function reconcile(): Promise<void> {
  const started = await startBulkReconcile(scoped(), SHOP, client, new Date());
  expect(started.ok).toBe(true);
  await emulator.api.bulk.whenIdle();
  await emulator.webhooks.flush();
  await processDueEvents(db.prisma);
  await whenBackgroundIdle();
}

function storedCopy(validationId: string): { v: number; t: Record<string, number> } | null {
  const numeric = Number(validationId.split("/").pop());
  const metafield = emulator.store.findMetafield("Validation", numeric, "app--9121707--peakguard", "atp_checkout");
  return metafield ? (JSON.parse(metafield.value) as { v: number; t: Record<string, number> }) : null;
}

describe("the ATP publisher and the checkout validation's copy", () => {
  it("GIVEN an ATP rule on the jackets WHEN the publisher writes figures THEN the copy carries exactly the jackets' totals, and follows a hold", async () => {
    await reconcile();
    const set: RuleSet = {
      schemaVersion: 1,
      currencyCode: "USD",
      failureMode: "closed",
      labels: {},
      rules: [{ id: "stock", mode: "enforce", kind: "atp", skus: ["PG-JKT-*"], staleAfterSeconds: 300, whenStale: "closed" }],
    };
    const current = await loadCheckoutRules(client, { currencyCode: "USD", zone: "America/New_York" });
    const saved = await saveCheckoutRules(client, set, { enabled: true, revision: current.revision, zone: "America/New_York", currencyCode: "USD", now: new Date(), current });
    expect(saved.ok ? "saved" : JSON.stringify(saved)).toBe("saved");
    if (!saved.ok) return;
    expect(storedCopy(saved.validation.id)).toBeNull(); // saveCheckoutRules alone writes rules and clock; the page's save and the publisher write the copy

    const first = await publishAtp(db.prisma, SHOP, client, new Date());
    expect(first.written).toBeGreaterThan(0);
    expect(first.checkoutStock).toMatchObject({ written: true, over: false });
    const copy = storedCopy(saved.validation.id)!;
    const jackets = (await scoped().inventoryItem.findMany({ where: { sku: { startsWith: "PG-JKT-" } }, select: { sku: true } })).map((i) => i.sku).sort();
    expect(Object.keys(copy.t).sort()).toEqual(jackets);
    const variantFigure = JSON.parse(emulator.store.findMetafield("ProductVariant", 8200000000001, "app--9121707--peakguard", "atp")!.value) as { total: number; asOf: number };
    expect(readCompactFigure(copy.t["PG-JKT-S"])).toEqual({ total: variantFigure.total, asOf: variantFigure.asOf });

    await hold(scoped(), SHOP, "copy-hold-0001", { variantId: JACKET_S, locationId: BROOKLYN, quantity: 2 }, { now: new Date() });
    const second = await publishAtp(db.prisma, SHOP, client, new Date());
    expect(second).toMatchObject({ written: 1, checkoutStock: { written: true } });
    expect(readCompactFigure(storedCopy(saved.validation.id)!.t["PG-JKT-S"])!.total).toBe(variantFigure.total - 2);

    // The rules run on that copy (what the function reads), with the exact clock: one over the total is blocked.
    const total = variantFigure.total - 2;
    const input: CheckoutInput = {
      buyerJourney: { step: "CHECKOUT_COMPLETION" },
      localization: { language: { isoCode: "EN" } },
      presentmentCurrencyRate: "1.0",
      cart: { cost: { subtotalAmount: { amount: "100.00", currencyCode: "USD" } }, deliveryGroups: [], lines: [{ q: total + 1, m: { s: "PG-JKT-S" } }] },
      validation: { stock: { jsonValue: storedCopy(saved.validation.id) } },
    };
    const nowUtc = Math.floor(Date.now() / 1000);
    const clock = exactClock(formatWall(nowUtc), nowUtc);
    expect(evaluate(set, input, clock).errors.map((e) => e.message)).toEqual([
      total === 0 ? "PG-JKT-S is sold out. Please remove it from your cart." : `Only ${total} of PG-JKT-S left. Please reduce the quantity to ${total} or fewer.`,
    ]);
    input.cart.lines[0]!.q = total;
    expect(evaluate(set, input, clock).errors).toEqual([]);

    const third = await publishAtp(db.prisma, SHOP, client, new Date());
    expect(third.written).toBe(0);
    expect(third.checkoutStock).toBeUndefined(); // nothing written: the copy is not touched
  });
});
