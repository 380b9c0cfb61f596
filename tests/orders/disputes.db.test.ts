/**
 * Disputes and fraud cancellations end to end: HMAC-signed webhooks through the
 * receiver and the processor into OrderState, Dispute and FraudCancellation,
 * and the dashboard's chargeback card over them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { loadChargebackCard, saveBudget } from "~/services/orders/disputes.server";
import { orderTimeline } from "~/services/orders/state.server";
import { contextFor, HANDLERS } from "~/services/webhooks/handlers.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { deliverAndProcess, orderPayload, OTHER_SHOP, SHOP } from "../webhooks/helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const scoped = (shop = SHOP) => forShop(db.prisma, shop);
const ORDER = "gid://shopify/Order/5151";
const DISPUTE = "gid://shopify/ShopifyPaymentsDispute/31";
const order = (over: Record<string, unknown> = {}) => orderPayload({ id: 5151, name: "#5151", financial_status: "paid", updated_at: "2026-11-10T10:00:00Z", ...over });
const disputeBody = (status: string, over: Record<string, unknown> = {}) => ({
  id: 31,
  order_id: 5151,
  type: "chargeback",
  amount: "120.00",
  currency: "USD",
  reason: "fraudulent",
  network_reason_code: "4837",
  status,
  evidence_due_by: "2026-11-25T23:59:59-05:00",
  evidence_sent_on: null,
  finalized_on: null,
  initiated_at: "2026-11-12T09:00:00-05:00",
  ...over,
});
const stateOf = async () => (await scoped().orderState.findFirst({ where: { orderId: ORDER } }))?.state;
const disputeRow = () => scoped().dispute.findFirst({ where: { disputeId: DISPUTE } });

describe("disputes/create and disputes/update", () => {
  it("opened → lost: the order goes disputed → chargeback and the Dispute row follows, amount in minor units", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order() });
    await deliverAndProcess(db.prisma, { topic: "disputes/create", body: disputeBody("needs_response"), triggeredAt: "2026-11-12T14:00:00Z" });
    expect(await stateOf()).toBe("disputed");
    expect(await disputeRow()).toMatchObject({ orderId: ORDER, status: "needs_response", reason: "fraudulent", kind: "chargeback", amountMinor: 12_000, currencyCode: "USD" });
    expect((await disputeRow())?.initiatedAt.toISOString()).toBe("2026-11-12T14:00:00.000Z");

    await deliverAndProcess(db.prisma, {
      topic: "disputes/update",
      body: disputeBody("lost", { finalized_on: "2026-11-28" }),
      triggeredAt: "2026-11-28T15:00:00Z",
    });
    expect(await stateOf()).toBe("chargeback");
    const row = await disputeRow();
    expect(row).toMatchObject({ status: "lost" });
    expect(row?.finalizedAt?.toISOString()).toBe("2026-11-28T00:00:00.000Z");
    expect((await orderTimeline(scoped(), ORDER)).map((t) => `${t.source}:${t.fromState}>${t.toState}`)).toEqual([
      "orders/paid:cart>captured",
      "disputes/create:captured>disputed",
      "disputes/update:disputed>chargeback",
    ]);
  });

  it("opened → won: the order returns to captured", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order() });
    await deliverAndProcess(db.prisma, { topic: "disputes/create", body: disputeBody("needs_response"), triggeredAt: "2026-11-12T14:00:00Z" });
    await deliverAndProcess(db.prisma, { topic: "disputes/update", body: disputeBody("under_review"), triggeredAt: "2026-11-14T14:00:00Z" });
    expect(await stateOf()).toBe("disputed");
    await deliverAndProcess(db.prisma, { topic: "disputes/update", body: disputeBody("won", { finalized_on: "2026-12-02" }), triggeredAt: "2026-12-02T15:00:00Z" });
    expect(await stateOf()).toBe("captured");
    expect((await disputeRow())?.status).toBe("won");
  });

  it("a replayed event (same event id, handler run twice) changes nothing the second time", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order() });
    const at = new Date("2026-11-28T15:00:00Z");
    const run = () => HANDLERS["disputes/update"](contextFor(db.prisma, SHOP, "disputes/update", disputeBody("lost"), at, at, "evt-lost"));
    expect(await run()).toMatch(/^dispute lost recorded; order applied/);
    const before = await disputeRow();
    expect(await run()).toMatch(/^dispute lost replayed; order replayed applied/);
    expect(await disputeRow()).toEqual(before);
    expect(await scoped().orderTransition.count({ where: { orderId: ORDER } })).toBe(2);
    expect(await stateOf()).toBe("chargeback");
  });

  it("out of order: the needs_response delivered after the loss is superseded on the order and on the Dispute row", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order() });
    await deliverAndProcess(db.prisma, { topic: "disputes/update", body: disputeBody("lost"), triggeredAt: "2026-11-28T15:00:00Z" });
    await deliverAndProcess(db.prisma, { topic: "disputes/create", body: disputeBody("needs_response"), triggeredAt: "2026-11-12T14:00:00Z" });
    expect(await stateOf()).toBe("chargeback");
    expect((await disputeRow())?.status).toBe("lost");
    const events = await db.prisma.webhookEvent.findMany({ where: { topic: "disputes/create" } });
    expect(events[0]?.outcome).toMatch(/^dispute needs_response superseded; order superseded/);
  });

  it("a date-only finalized_on is the shop's calendar date: Dec 1 in New York starts at 05:00Z, so the loss is December's", async () => {
    await db.prisma.shop.create({ data: { shop: SHOP, ianaTimezone: "America/New_York", currencyCode: "USD" } });
    await deliverAndProcess(db.prisma, { topic: "disputes/update", body: disputeBody("lost", { finalized_on: "2026-12-01" }), triggeredAt: "2026-12-01T06:00:00Z" });
    expect((await disputeRow())?.finalizedAt?.toISOString()).toBe("2026-12-01T05:00:00.000Z");
    const card = await loadChargebackCard(scoped(), { now: new Date("2026-12-15T00:00:00Z"), timeZone: "America/New_York", shopCurrency: "USD" });
    expect(card.tally).toMatchObject({ lost: 1, lostMinor: 12_000 });
    const at = new Date("2026-12-02T00:00:00Z");
    await expect(HANDLERS["disputes/update"](contextFor(db.prisma, SHOP, "disputes/update", disputeBody("lost", { finalized_on: "soon" }), at, at, "evt-bad"))).rejects.toThrow(
      /dispute: "finalized_on" "soon" is not a date/,
    );
  });

  it("a dispute payload without an amount is refused naming the field (the event is retried, then dead-lettered)", async () => {
    const at = new Date("2026-11-28T15:00:00Z");
    await expect(HANDLERS["disputes/create"](contextFor(db.prisma, SHOP, "disputes/create", disputeBody("needs_response", { amount: null }), at, at, "evt-x"))).rejects.toThrow(
      /dispute: "amount" null: amount is missing/,
    );
  });
});

describe("orders cancelled as fraud", () => {
  it("orders/cancelled with cancel_reason fraud is recorded once, with the order's total; other reasons are not", async () => {
    const cancelled = order({ cancelled_at: "2026-11-15T10:00:00Z", cancel_reason: "fraud", total_price: "89.90", updated_at: "2026-11-15T10:00:00Z" });
    await deliverAndProcess(db.prisma, { topic: "orders/cancelled", body: cancelled });
    // Shopify's orders/updated after the cancellation says the same: still one row.
    await deliverAndProcess(db.prisma, { topic: "orders/updated", body: { ...cancelled, updated_at: "2026-11-15T10:00:05Z" } });
    await deliverAndProcess(db.prisma, {
      topic: "orders/cancelled",
      body: orderPayload({ id: 6000, cancelled_at: "2026-11-15T11:00:00Z", cancel_reason: "customer", updated_at: "2026-11-15T11:00:00Z" }),
    });
    const rows = await scoped().fraudCancellation.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ orderId: ORDER, orderName: "#5151", amountMinor: 8_990, currencyCode: "USD" });
    expect(await stateOf()).toBe("cancelled");
  });
});

describe("the chargeback card", () => {
  async function seed(shop: string) {
    const d = scoped(shop);
    const row = (id: string, status: string, amountMinor: number, initiatedAt: string, finalizedAt: string | null, eventAt: string, currencyCode = "USD") => ({
      shop,
      disputeId: `gid://shopify/ShopifyPaymentsDispute/${id}`,
      orderId: null,
      status,
      kind: "chargeback",
      reason: "fraudulent",
      amountMinor,
      currencyCode,
      initiatedAt: new Date(initiatedAt),
      finalizedAt: finalizedAt ? new Date(finalizedAt) : null,
      eventAt: new Date(eventAt),
      lastEventKey: `evt-${id}`,
    });
    await d.dispute.createMany({
      data: [
        row("1", "needs_response", 2_000, "2026-11-20T12:00:00Z", null, "2026-11-20T12:00:00Z"),
        row("2", "under_review", 3_000, "2026-10-20T12:00:00Z", null, "2026-10-25T12:00:00Z"),
        row("3", "lost", 7_000, "2026-10-01T12:00:00Z", "2026-11-10T00:00:00Z", "2026-11-10T12:00:00Z"),
        // Lost 2026-12-01T03:00Z: Nov 30 in New York, December in UTC.
        row("4", "lost", 4_000, "2026-11-02T12:00:00Z", null, "2026-12-01T03:00:00Z"),
        row("5", "lost", 9_999, "2026-08-01T12:00:00Z", "2026-09-01T00:00:00Z", "2026-09-01T12:00:00Z"),
        row("6", "won", 1_000, "2026-11-03T12:00:00Z", "2026-11-25T00:00:00Z", "2026-11-25T12:00:00Z"),
      ],
    });
    await d.fraudCancellation.createMany({
      data: [
        { shop, orderId: "gid://shopify/Order/1", cancelledAt: new Date("2026-11-05T00:00:00Z"), amountMinor: 5_000, currencyCode: "USD", eventKey: "e1" },
        { shop, orderId: "gid://shopify/Order/2", cancelledAt: new Date("2026-11-01T02:00:00Z"), amountMinor: 5_000, currencyCode: "USD", eventKey: "e2" },
      ],
    });
  }

  it("tallies the shop's month in its time zone, against the budget, with an over-budget state", async () => {
    await seed(SHOP);
    await seed(OTHER_SHOP);
    await scoped(OTHER_SHOP).dispute.create({
      data: { shop: OTHER_SHOP, disputeId: "gid://shopify/ShopifyPaymentsDispute/99", status: "lost", amountMinor: 1_000_000, currencyCode: "USD", initiatedAt: new Date("2026-11-10T00:00:00Z"), finalizedAt: new Date("2026-11-11T00:00:00Z"), eventAt: new Date("2026-11-11T00:00:00Z"), lastEventKey: "x" },
    });
    const now = new Date("2026-12-01T04:00:00Z"); // Nov 30, 23:00 in New York
    const before = await loadChargebackCard(scoped(), { now, timeZone: "America/New_York", shopCurrency: "USD" });
    expect(before.budget).toBeNull();
    expect(before.standing).toBeNull();
    expect(before.tally).toMatchObject({ opened: 3, openNow: 2, openNowMinor: 5_000, lost: 2, lostMinor: 11_000, won: 1, fraudCancellations: 1, fraudCancelledMinor: 5_000 });
    expect(before.tally.month.key).toBe("2026-11");

    await saveBudget(scoped(), SHOP, { currencyCode: "USD", amountMinor: 10_000, maxDisputes: 3, maxFraudCancellations: null });
    const card = await loadChargebackCard(scoped(), { now, timeZone: "America/New_York", shopCurrency: "USD" });
    expect(card.standing?.state).toBe("over");
    expect(card.standing?.limits.map((l) => [l.limit, l.state])).toEqual([
      ["lostAmount", "over"],
      ["disputes", "near"],
    ]);
    expect(card.standing?.messages[0]).toBe("Lost to chargebacks in November 2026: 110.00 USD, over the budget of 100.00 USD by 10.00 USD");

    // The same instant in UTC is December: only dispute 4's loss and the open ones.
    const utc = await loadChargebackCard(scoped(), { now, timeZone: "UTC", shopCurrency: "USD" });
    expect(utc.tally).toMatchObject({ opened: 0, openNow: 2, lost: 1, lostMinor: 4_000, fraudCancellations: 0 });
    expect(utc.standing?.state).toBe("within");
  });

  it("a budget set in another currency than the shop's is flagged", async () => {
    await saveBudget(scoped(), SHOP, { currencyCode: "EUR", amountMinor: 10_000, maxDisputes: null, maxFraudCancellations: null });
    const card = await loadChargebackCard(scoped(), { now: new Date("2026-11-20T00:00:00Z"), timeZone: "UTC", shopCurrency: "USD" });
    expect(card.currencyMismatch).toMatch(/set in EUR; the shop's currency is now USD/);
  });
});
