/**
 * The order state machine end to end: HMAC-signed webhooks through the
 * receiver and the processor into OrderState and the timeline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { orderTimeline, recordOrderEvent } from "~/services/orders/state.server";
import { orderSnapshotFromWebhook } from "~/services/orders/order-events.server";
import { contextFor, HANDLERS } from "~/services/webhooks/handlers.server";
import { processDueEvents } from "~/services/webhooks/processor.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { deliver, deliverAndProcess, orderPayload, SHOP } from "../webhooks/helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const scoped = () => forShop(db.prisma, SHOP);
const ORDER = "gid://shopify/Order/4242";
const order = (over: Record<string, unknown>) => orderPayload({ id: 4242, name: "#4242", financial_status: "pending", ...over });
const stateOf = async () => (await scoped().orderState.findFirst({ where: { orderId: ORDER } }))?.state;
const timeline = () => orderTimeline(scoped(), ORDER);

describe("webhook-driven transitions", () => {
  it("orders/create → paid → fulfilled moves the order along the table, one timeline row per event", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: order({ updated_at: "2026-11-27T10:00:00Z" }) });
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" }) });
    await deliverAndProcess(db.prisma, {
      topic: "orders/fulfilled",
      body: order({ financial_status: "paid", fulfillment_status: "fulfilled", updated_at: "2026-11-27T10:05:00Z" }),
    });
    expect(await stateOf()).toBe("fulfilled");
    expect((await timeline()).map((t) => [t.source, t.outcome, t.fromState, t.toState])).toEqual([
      ["orders/create", "applied", "cart", "pending_payment"],
      ["orders/paid", "applied", "pending_payment", "captured"],
      ["orders/fulfilled", "applied", "captured", "fulfilled"],
    ]);
    // The mirror keeps its own outcome on the event.
    const events = await db.prisma.webhookEvent.findMany({ orderBy: { receivedAt: "asc" } });
    expect(events.map((e) => e.outcome)).toEqual(["applied", "applied", "applied"]);
  });

  it("out of order: orders/fulfilled before orders/paid converges; the late event is superseded, recorded", async () => {
    await deliverAndProcess(db.prisma, {
      topic: "orders/fulfilled",
      body: order({ financial_status: "paid", fulfillment_status: "fulfilled", updated_at: "2026-11-27T10:05:00Z" }),
    });
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" }) });
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: order({ updated_at: "2026-11-27T10:00:00Z" }) });
    expect(await stateOf()).toBe("fulfilled");
    const rows = await timeline();
    expect(rows.map((t) => [t.source, t.outcome])).toEqual([
      ["orders/fulfilled", "applied"],
      ["orders/paid", "superseded"],
      ["orders/create", "superseded"],
    ]);
    // The first event walked two rows of the table: cart → captured → fulfilled.
    expect(rows[0]?.steps).toEqual([
      { from: "cart", to: "captured", event: "captured" },
      { from: "captured", to: "fulfilled", event: "fulfilled" },
    ]);
  });

  it("a replayed event (same event key, handler run twice) is a no-op returning the first result", async () => {
    const body = order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" });
    const now = new Date();
    const first = await HANDLERS["orders/paid"](contextFor(db.prisma, SHOP, "orders/paid", body, now, now, "evt-paid-1"));
    const second = await HANDLERS["orders/paid"](contextFor(db.prisma, SHOP, "orders/paid", body, now, now, "evt-paid-1"));
    expect(first).toBe("applied");
    expect(second).toBe("stale"); // the mirror saw the same updated_at
    expect(await scoped().orderTransition.count()).toBe(1);
    const replay = await recordOrderEvent(scoped(), SHOP, { eventKey: "evt-paid-1", source: "orders/paid", event: orderSnapshotFromWebhook(body) });
    expect(replay).toMatchObject({ outcome: "applied", from: "cart", to: "captured", replayed: true });
  });

  it("a duplicate delivery of one event id is stored once and applied once", async () => {
    const body = order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" });
    await deliver(db.prisma, { topic: "orders/paid", body, eventId: "evt-dup" });
    await deliver(db.prisma, { topic: "orders/paid", body, eventId: "evt-dup" });
    await processDueEvents(db.prisma);
    expect(await scoped().orderTransition.count()).toBe(1);
  });

  it("refunds/create, then disputes: opened → won returns to where the facts put the order", async () => {
    await deliverAndProcess(db.prisma, {
      topic: "orders/fulfilled",
      body: order({ financial_status: "paid", fulfillment_status: "fulfilled", total_price: "120.00", updated_at: "2026-11-27T10:05:00Z" }),
    });
    await deliverAndProcess(db.prisma, {
      topic: "refunds/create",
      body: {
        id: 77,
        order_id: 4242,
        created_at: "2026-11-27T11:00:00Z",
        transactions: [{ id: 1, kind: "refund", status: "success", amount: "20.00", currency: "USD" }],
      },
    });
    expect(await stateOf()).toBe("partially_refunded");
    const dispute = (status: string, triggeredAt: string) => ({ topic: "disputes/update" as const, body: { id: 9, order_id: 4242, status, type: "chargeback", amount: "120.00", currency: "USD", reason: "fraudulent", initiated_at: "2026-11-28T08:00:00Z", finalized_on: null }, triggeredAt });
    await deliverAndProcess(db.prisma, { ...dispute("needs_response", "2026-11-28T09:00:00Z"), topic: "disputes/create" });
    expect(await stateOf()).toBe("disputed");
    await deliverAndProcess(db.prisma, dispute("won", "2026-12-10T09:00:00Z"));
    expect(await stateOf()).toBe("partially_refunded");
    expect((await timeline()).map((t) => `${t.fromState}>${t.toState}`)).toEqual([
      "cart>fulfilled",
      "fulfilled>partially_refunded",
      "partially_refunded>disputed",
      "disputed>partially_refunded",
    ]);
  });

  it("a move the table refuses is recorded with the state and the event named", async () => {
    await deliverAndProcess(db.prisma, {
      topic: "orders/updated",
      body: order({ financial_status: "refunded", fulfillment_status: "fulfilled", updated_at: "2026-11-27T10:05:00Z" }),
    });
    await deliverAndProcess(db.prisma, {
      topic: "orders/updated",
      body: order({ financial_status: "paid", fulfillment_status: "fulfilled", updated_at: "2026-11-27T10:06:00Z" }),
    });
    expect(await stateOf()).toBe("refunded");
    const refused = (await timeline())[1];
    expect(refused).toMatchObject({ outcome: "refused", code: "not_in_table", message: "order #4242 is refunded; event orders/updated (fulfilled) is not allowed from refunded" });
  });

  it("returns/* events move the order to returned when every unit is in a closed return", async () => {
    await deliverAndProcess(db.prisma, {
      topic: "orders/fulfilled",
      body: order({
        financial_status: "paid",
        fulfillment_status: "fulfilled",
        updated_at: "2026-11-27T10:05:00Z",
        line_items: [{ id: 501, sku: "CAP", quantity: 1, price: "20.00" }],
      }),
    });
    const returnBody = (status: string, updated_at: string, lines = true) => ({
      id: 31,
      admin_graphql_api_id: "gid://shopify/Return/31",
      order_id: 4242,
      status,
      updated_at,
      ...(lines ? { return_line_items: [{ id: 311, quantity: 1, return_reason: "size_too_small", fulfillment_line_item: { id: 3111, line_item: { id: 501 } } }] } : {}),
    });
    await deliverAndProcess(db.prisma, { topic: "returns/request", body: returnBody("requested", "2026-12-01T10:00:00Z") });
    await deliverAndProcess(db.prisma, { topic: "returns/close", body: returnBody("closed", "2026-12-05T10:00:00Z", false) });
    expect(await stateOf()).toBe("returned");
    const rma = await scoped().returnCase.findFirst();
    expect(rma).toMatchObject({ returnId: "gid://shopify/Return/31", source: "shopify", status: "requested", shopifyStatus: "closed" });
    expect(rma?.rmaNumber).toMatch(/^RMA-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
  });
});
