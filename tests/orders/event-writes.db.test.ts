/**
 * The orders/* handler's writes, two statements in one transaction (the mirror's Order row with
 * the state machine's read; then the lines, customer, promotion uses, state row and transition),
 * on the test database (PGlite, and PostgreSQL in CI's second pass): what each statement writes
 * and skips, replays, and two deliveries racing for one order.
 */
import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop, type ShopDb } from "~/services/db/scoped.server";
import { orderSnapshotFromWebhook, refundFromWebhook } from "~/services/orders/order-events.server";
import {
  commitOrderEvent,
  orderMachineColumns,
  OrderStateConflict,
  orderTimeline,
  planOrderEvent,
  recordOrderEvent,
  type MachineRead,
  type RecordedEvent,
} from "~/services/orders/state.server";
import { contextFor, HANDLERS } from "~/services/webhooks/handlers.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { orderPayload, SHOP } from "../webhooks/helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const scoped = () => forShop(db.prisma, SHOP);
const ORDER = "gid://shopify/Order/5151";
const order = (over: Record<string, unknown>) => orderPayload({ id: 5151, name: "#5151", financial_status: "pending", ...over });
const run = (topic: "orders/create" | "orders/paid" | "orders/updated" | "orders/fulfilled" | "refunds/create", body: unknown, key: string) => {
  const now = new Date();
  return HANDLERS[topic](contextFor(db.prisma, SHOP, topic, body, now, now, key));
};
/** Runs a handler as the processor would: an OrderStateConflict is retried. */
async function runWithRetries(topic: "orders/create" | "orders/paid", body: unknown, key: string): Promise<{ outcome: string; conflicts: number }> {
  for (let conflicts = 0; ; conflicts++) {
    try {
      return { outcome: await run(topic, body, key), conflicts };
    } catch (error) {
      if (!(error instanceof OrderStateConflict) || conflicts >= 5) throw error;
    }
  }
}
const linesOf = async () =>
  (await db.prisma.$queryRaw<{ id: string; sku: string | null; quantity: number; version: string }[]>`
    SELECT "id", "sku", "quantity", xmin::text AS "version" FROM "OrderLine" WHERE "orderId" = ${ORDER} ORDER BY "id"`);
const readFor = async (input: RecordedEvent): Promise<MachineRead> =>
  (await db.prisma.$queryRaw<MachineRead[]>(Prisma.sql`SELECT ${orderMachineColumns(SHOP, input.event.orderId, input.eventKey)}`))[0]!;
const commit = (input: RecordedEvent, read: MachineRead) =>
  scoped().$transaction((tx) => commitOrderEvent(tx as unknown as ShopDb, SHOP, input, planOrderEvent(SHOP, input, read)));

describe("the mirror's part", () => {
  it("a newer payload makes the lines the payload's: a removed line deleted, a changed one updated, a new one added, an unchanged one not rewritten", async () => {
    const lines = [
      { id: 1, sku: "HOODIE-M", variant_id: 501, quantity: 2, price: "50.00" },
      { id: 2, sku: "CAP", variant_id: 502, quantity: 1, price: "20.00" },
      { id: 3, sku: "SOCKS", variant_id: 503, quantity: 1, price: "5.00" },
    ];
    expect(await run("orders/create", order({ updated_at: "2026-11-27T10:00:00Z", line_items: lines }), "evt-create")).toBe("applied");
    const before = await linesOf();
    expect(before.map((l) => `${l.id} ${l.sku} ${l.quantity}`)).toEqual(["gid://shopify/LineItem/1 HOODIE-M 2", "gid://shopify/LineItem/2 CAP 1", "gid://shopify/LineItem/3 SOCKS 1"]);

    const edited = [lines[0], { ...lines[1], quantity: 3 }, { id: 4, sku: "SCARF", variant_id: 504, quantity: 1, price: "15.00" }];
    expect(await run("orders/updated", order({ updated_at: "2026-11-27T10:05:00Z", line_items: edited }), "evt-edit")).toBe("applied");
    const after = await linesOf();
    expect(after.map((l) => `${l.id} ${l.sku} ${l.quantity}`)).toEqual(["gid://shopify/LineItem/1 HOODIE-M 2", "gid://shopify/LineItem/2 CAP 3", "gid://shopify/LineItem/4 SCARF 1"]);
    // The unchanged line is the same row version; the changed one a new one.
    expect(after[0]!.version).toBe(before[0]!.version);
    expect(after[1]!.version).not.toBe(before[1]!.version);
  });

  it("an older payload writes no line, customer or order field; a later one with no lines removes them all", async () => {
    await run("orders/create", order({ updated_at: "2026-11-27T10:05:00Z" }), "evt-new");
    const stale = order({
      updated_at: "2026-11-27T10:00:00Z",
      email: "old@example.com",
      line_items: [{ id: 9, sku: "OLD", variant_id: 509, quantity: 1, price: "1.00" }],
      customer: { id: 77, email: "old@example.com", phone: null, tags: "", updated_at: "2026-11-27T09:59:00Z" },
    });
    expect(await run("orders/paid", stale, "evt-old")).toBe("stale");
    expect((await linesOf()).map((l) => l.sku)).toEqual(["HOODIE-M", "CAP"]);
    expect((await scoped().order.findFirst({ where: { id: ORDER } }))?.email).toBe("ada@example.com");
    expect(await scoped().customer.findFirst({ where: { id: "gid://shopify/Customer/77" }, select: { email: true, tags: true } })).toEqual({ email: "ada@example.com", tags: ["vip"] });
    // The state machine still records the stale event (its own rules decide).
    expect((await orderTimeline(scoped(), ORDER)).map((t) => t.eventKey)).toEqual(["evt-new", "evt-old"]);

    await run("orders/updated", order({ updated_at: "2026-11-27T10:10:00Z", line_items: [] }), "evt-empty");
    expect(await linesOf()).toEqual([]);
  });

  it("the payload's customer is written only when its updated_at is newer than the stored one", async () => {
    const customer = (email: string, updated_at: string) => ({ id: 77, email, phone: null, tags: "vip, drop", updated_at });
    await run("orders/create", order({ updated_at: "2026-11-27T10:00:00Z", customer: customer("a@example.com", "2026-11-27T09:00:00Z") }), "evt-1");
    await run("orders/updated", order({ updated_at: "2026-11-27T10:01:00Z", customer: customer("b@example.com", "2026-11-27T08:00:00Z") }), "evt-2");
    const stored = () => scoped().customer.findFirst({ where: { id: "gid://shopify/Customer/77" }, select: { email: true, tags: true, shopifyUpdatedAt: true } });
    expect(await stored()).toEqual({ email: "a@example.com", tags: ["vip", "drop"], shopifyUpdatedAt: new Date("2026-11-27T09:00:00Z") });
    await run("orders/updated", order({ updated_at: "2026-11-27T10:02:00Z", customer: customer("c@example.com", "2026-11-27T09:30:00Z") }), "evt-3");
    expect((await stored())?.email).toBe("c@example.com");
  });
});

describe("the state machine's part", () => {
  it("a replayed event answers its stored result, however the order moved since, and writes nothing", async () => {
    await run("orders/create", order({ updated_at: "2026-11-27T10:00:00Z" }), "evt-create");
    const refund = { id: 61, order_id: 5151, created_at: "2026-11-27T11:00:00Z", transactions: [{ id: 1, kind: "refund", status: "success", amount: "20.00", currency: "USD" }] };
    const first = await run("refunds/create", refund, "evt-refund");
    await run("orders/paid", order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" }), "evt-paid");
    const state = await scoped().orderState.findFirst({ where: { orderId: ORDER } });
    const again = await run("refunds/create", refund, "evt-refund");
    expect(again).toBe(`replayed ${first}`);
    expect(await scoped().orderState.findFirst({ where: { orderId: ORDER } })).toEqual(state);
    expect((await orderTimeline(scoped(), ORDER)).map((t) => t.eventKey)).toEqual(["evt-create", "evt-refund", "evt-paid"]);
    const replay = await recordOrderEvent(scoped(), SHOP, { eventKey: "evt-paid", source: "orders/paid", event: orderSnapshotFromWebhook(order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" })) });
    expect(replay).toMatchObject({ outcome: "applied", replayed: true, to: state?.state });
  });

  it("a state row changed after it was read is a conflict: nothing of the event is written, and its retry applies it to the new state", async () => {
    await run("orders/create", order({ updated_at: "2026-11-27T10:00:00Z" }), "evt-create");
    const paid: RecordedEvent = { eventKey: "evt-paid", source: "orders/paid", event: orderSnapshotFromWebhook(order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" })) };
    const read = await readFor(paid);
    // Another event of the order commits between the read and the write.
    const refund: RecordedEvent = {
      eventKey: "evt-refund",
      source: "refunds/create",
      event: refundFromWebhook({ id: 62, order_id: 5151, created_at: "2026-11-27T10:30:00Z", transactions: [{ id: 2, kind: "refund", status: "success", amount: "10.00", currency: "USD" }] }, new Date()),
    };
    await recordOrderEvent(scoped(), SHOP, refund);
    const between = await scoped().orderState.findFirst({ where: { orderId: ORDER } });

    await expect(commit(paid, read)).rejects.toThrow(new OrderStateConflict(`order ${ORDER} changed while orders/paid was applied; the event is retried`));
    expect(await scoped().orderState.findFirst({ where: { orderId: ORDER } })).toEqual(between);
    expect((await orderTimeline(scoped(), ORDER)).map((t) => t.eventKey)).toEqual(["evt-create", "evt-refund"]);

    const retried = await recordOrderEvent(scoped(), SHOP, paid);
    expect(retried).toMatchObject({ outcome: "applied", replayed: false });
    const facts = (await scoped().orderState.findFirst({ where: { orderId: ORDER } }))?.facts as { refunds: Record<string, unknown> };
    expect(Object.keys(facts.refunds)).toEqual(["gid://shopify/Refund/62"]);
  });

  it("two first deliveries of one event read before either wrote: the second to write conflicts, and its retry replays the first's result", async () => {
    const paid: RecordedEvent = { eventKey: "evt-paid", source: "orders/paid", event: orderSnapshotFromWebhook(order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" })) };
    const readA = await readFor(paid);
    const readB = await readFor(paid);
    expect(readA).toEqual({ prior: null, state: null });
    const first = await commit(paid, readA);
    await expect(commit(paid, readB)).rejects.toThrow(new OrderStateConflict(`order ${ORDER}: event evt-paid was recorded concurrently; retried`));
    const retried = await recordOrderEvent(scoped(), SHOP, paid);
    expect(retried).toEqual({ ...first, replayed: true });
    expect(await scoped().orderTransition.count()).toBe(1);
  });

  it("deliveries of one order racing through the handler: each event recorded once, the order where its facts put it", async () => {
    const create = order({ updated_at: "2026-11-27T10:00:00Z" });
    const paid = order({ financial_status: "paid", updated_at: "2026-11-27T10:01:00Z" });
    const results = await Promise.all([
      runWithRetries("orders/create", create, "evt-create"),
      runWithRetries("orders/paid", paid, "evt-paid"),
      runWithRetries("orders/paid", paid, "evt-paid"),
      runWithRetries("orders/create", create, "evt-create"),
    ]);
    // One orders/paid delivery took the mirror (the other saw its updated_at); orders/create at most once (not after the paid).
    expect([results[1]!.outcome, results[2]!.outcome].sort()).toEqual(["applied", "stale"]);
    expect([results[0]!.outcome, results[3]!.outcome].filter((o) => o === "applied").length).toBeLessThanOrEqual(1);
    const timeline = await orderTimeline(scoped(), ORDER);
    expect(timeline.map((t) => t.eventKey).sort()).toEqual(["evt-create", "evt-paid"]);
    expect((await scoped().orderState.findFirst({ where: { orderId: ORDER } }))?.state).toBe("captured");
    expect((await scoped().order.findFirst({ where: { id: ORDER } }))?.financialStatus).toBe("paid");
    expect((await linesOf()).map((l) => l.sku)).toEqual(["HOODIE-M", "CAP"]);
  });
});
