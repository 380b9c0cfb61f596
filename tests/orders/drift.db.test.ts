/**
 * Drift and reconcile against the store emulator: a missed webhook leaves the
 * mirror behind Shopify; the drift view names the difference and one click
 * reconciles it through the state machine, once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { loadDrift, reconcileOrder } from "~/services/orders/drift.server";
import { orderTimeline } from "~/services/orders/state.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { SHOP } from "../webhooks/helpers";
import { emulatedShop } from "../returns/emulator";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

describe("drift view and one-click reconcile", () => {
  it("a missed orders/fulfilled shows as drift; reconcile applies Shopify's copy once; no drift after", async () => {
    const shop = emulatedShop();
    const placed = shop.h.store.createOrder({ lineItems: [{ variantId: 8200000000008, quantity: 2 }], financialStatus: "PAID" });
    const orderId = `gid://shopify/Order/${placed.id}`;
    await shop.pump(db.prisma);
    const scoped = forShop(db.prisma, SHOP);
    expect((await scoped.orderState.findFirst({ where: { orderId } }))?.state).toBe("captured");

    // Shopify fulfils; the webhook is lost (never pumped).
    shop.h.clock.advance(60_000);
    shop.h.store.fulfillOrder(placed.id);
    const [drift] = await loadDrift(scoped, shop.admin);
    expect(drift).toMatchObject({ orderId, mirrorState: "captured", shopifyState: "fulfilled", drifted: true, missing: false });
    expect(drift?.differences).toContain("fulfilment: mirror unfulfilled, Shopify fulfilled");
    expect(drift?.differences).toContain("state: mirror captured, Shopify's statuses say fulfilled");

    const first = await reconcileOrder(scoped, SHOP, shop.admin, { orderId, idempotencyKey: "reconcile-key-1" });
    expect(first).toMatchObject({ ok: true, replayed: false, value: { outcome: "applied", state: "fulfilled" } });
    const statusReads = shop.calls.filter((c) => c === "OrderStatuses").length;
    expect(await reconcileOrder(scoped, SHOP, shop.admin, { orderId, idempotencyKey: "reconcile-key-1" })).toEqual({ ...first, replayed: true });
    expect(shop.calls.filter((c) => c === "OrderStatuses")).toHaveLength(statusReads);
    // A new click on the same Shopify version is a replay of the same event.
    const again = await reconcileOrder(scoped, SHOP, shop.admin, { orderId, idempotencyKey: "reconcile-key-2" });
    expect(again).toMatchObject({ ok: true, value: { outcome: "applied", message: expect.stringContaining("already reconciled with this version") } });

    expect((await loadDrift(scoped, shop.admin))[0]).toMatchObject({ drifted: false, differences: [] });
    const timeline = await orderTimeline(scoped, orderId);
    expect(timeline.map((t) => [t.source, t.outcome, t.toState])).toEqual([
      ["orders/create", "applied", "captured"],
      ["orders/paid", "unchanged", "captured"],
      ["reconcile", "applied", "fulfilled"],
    ]);

    // The lost webhook finally arrives: same version, nothing changes.
    await shop.pump(db.prisma);
    expect((await scoped.orderState.findFirst({ where: { orderId } }))?.state).toBe("fulfilled");
  });
});
