/**
 * Compensating actions end to end: the signal plans the rule, the staff run
 * calls orderCancel exactly once, and Shopify's orders/cancelled settles it —
 * against the store emulator, and against a strict mock transport for the
 * answers the emulator does not give (Shopify's refusal, a network failure).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminClient, AdminNetworkFailure } from "~/services/admin/client.server";
import { planOverdueCaptures, runCompensation, signalReserveFailed } from "~/services/orders/compensation.server";
import { forShop } from "~/services/db/scoped.server";
import { OrderCancel } from "../../graphql/operations";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { strictTransport, type ExpectedCall } from "../services/admin/strict-transport";
import { deliverAndProcess, orderPayload, SHOP } from "../webhooks/helpers";
import { emulatedShop } from "../returns/emulator";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const ORDER = "gid://shopify/Order/5151";
const NOW = new Date("2026-11-30T12:00:00Z");
const scoped = () => forShop(db.prisma, SHOP);
const order = (over: Record<string, unknown>) => orderPayload({ id: 5151, name: "#5151", ...over });

const cancelCall = (variables: Record<string, unknown>, errors: unknown[] = []): ExpectedCall => ({
  operation: OrderCancel,
  variables,
  respond: { status: 200, data: { orderCancel: { job: { id: "gid://shopify/Job/1", done: false }, orderCancelUserErrors: errors } } },
});

describe("authorization without an inventory reserve → void and cancel", () => {
  it("plans once, runs orderCancel once per key (void, restock), settles on orders/cancelled", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: order({ financial_status: "authorized", updated_at: "2026-11-30T10:00:00Z" }) });
    const planned = await signalReserveFailed(scoped(), SHOP, ORDER, "PG-JKT-S short by 1 at every location", NOW);
    expect(planned).toMatchObject({ ok: true, ruleId: "authorization-without-reserve", action: "void_and_cancel", alreadyPlanned: false });
    expect(await signalReserveFailed(scoped(), SHOP, ORDER, "again", NOW)).toMatchObject({ ok: true, alreadyPlanned: true });
    if (!planned.ok) throw new Error(planned.message);

    const mock = strictTransport([
      cancelCall({
        orderId: ORDER,
        reason: "INVENTORY",
        restock: true,
        notifyCustomer: true,
        refundMethod: { originalPaymentMethodsRefund: true },
        staffNote: "Peakguard compensation authorization-without-reserve: reserve_failed: PG-JKT-S short by 1 at every location",
      }),
    ]);
    const admin = new AdminClient(mock.transport);
    const first = await runCompensation(scoped(), SHOP, admin, { compensationId: planned.id, idempotencyKey: "comp-key-1", actor: "staff:ada", now: NOW });
    const second = await runCompensation(scoped(), SHOP, admin, { compensationId: planned.id, idempotencyKey: "comp-key-1", actor: "staff:ada", now: NOW });
    expect(first).toMatchObject({ ok: true, replayed: false, value: { status: "requested" } });
    expect(second).toEqual({ ...first, replayed: true });
    mock.assertDone();

    await deliverAndProcess(db.prisma, {
      topic: "orders/cancelled",
      body: order({ financial_status: "voided", cancelled_at: "2026-11-30T12:01:00Z", updated_at: "2026-11-30T12:01:00Z" }),
    });
    expect((await scoped().orderState.findFirst())?.state).toBe("cancelled");
    expect(await scoped().orderCompensation.findFirst()).toMatchObject({ status: "settled", settledAt: new Date("2026-11-30T12:01:00Z") });
  });

  it("a fulfilled order has no compensation for a failed reserve, said so", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/fulfilled", body: order({ financial_status: "paid", fulfillment_status: "fulfilled" }) });
    expect(await signalReserveFailed(scoped(), SHOP, ORDER, "late", NOW)).toEqual({
      ok: false,
      code: "not_applicable",
      message: "order #5151 is fulfilled; signal reserve_failed has no compensating action from fulfilled (only from authorized, captured)",
    });
  });
});

describe("capture without fulfillment → cancel and refund", () => {
  it("the sweep plans captured orders past the deadline; orderCancel refunds to the original method; Shopify's refusal is recorded", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order({ financial_status: "paid", updated_at: "2026-11-26T10:00:00Z" }) });
    const early = await planOverdueCaptures(scoped(), SHOP, new Date("2026-11-27T10:00:00Z"), 72);
    expect(early).toEqual([]);
    const [planned] = await planOverdueCaptures(scoped(), SHOP, NOW, 72);
    expect(planned).toMatchObject({ ok: true, ruleId: "capture-without-fulfillment", action: "cancel_and_refund" });
    if (!planned?.ok) throw new Error("not planned");

    const refused = strictTransport([
      cancelCall(
        expect.objectContaining({ refundMethod: { originalPaymentMethodsRefund: true }, reason: "OTHER", restock: true }) as unknown as Record<string, unknown>,
        [{ field: ["orderId"], message: "Order has been fulfilled", code: "INVALID" }],
      ),
    ]);
    const result = await runCompensation(scoped(), SHOP, new AdminClient(refused.transport), { compensationId: planned.id, idempotencyKey: "comp-key-2", actor: "staff:ada", now: NOW });
    expect(result).toMatchObject({ ok: false, code: "shopify_refused", message: "order #5151: orderId: Order has been fulfilled" });
    expect(await scoped().orderCompensation.findFirst()).toMatchObject({ status: "failed", error: "orderId: Order has been fulfilled" });
    refused.assertDone();
  });

  it("a network failure is reported as maybe-applied and never resent (orderCancel has no @idempotent)", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/paid", body: order({ financial_status: "paid", updated_at: "2026-11-20T10:00:00Z" }) });
    const [planned] = await planOverdueCaptures(scoped(), SHOP, NOW, 72);
    if (!planned?.ok) throw new Error("not planned");
    const failing = strictTransport([
      { operation: OrderCancel, variables: expect.anything() as unknown as Record<string, unknown>, respond: { throws: new AdminNetworkFailure("socket hang up") } },
    ]);
    const result = await runCompensation(scoped(), SHOP, new AdminClient(failing.transport, { sleep: async () => undefined }), {
      compensationId: planned.id,
      idempotencyKey: "comp-key-3",
      actor: "staff:ada",
      now: NOW,
    });
    expect(result).toMatchObject({ ok: false, code: "failed", message: expect.stringContaining("may have been applied") });
    failing.assertDone();
  });
});

describe("against the store emulator", () => {
  it("an authorized order whose reservation cannot be authorized: planned from the webhook, voided and cancelled once, settled by Shopify's webhooks", async () => {
    const shop = emulatedShop();
    const placed = shop.h.store.createOrder({ lineItems: [{ variantId: 8200000000008, quantity: 1 }], financialStatus: "AUTHORIZED" });
    const orderId = `gid://shopify/Order/${placed.id}`;
    // The storefront named a hold that no longer exists (expired and swept): the order has no reserve.
    const [created] = shop.h.events.filter((e) => e.topic === "orders/create");
    (created!.payload as Record<string, unknown>).note_attributes = [{ name: "_peakguard_reservations", value: "rsv_aaaaaaaaaaaaaaaaaaaaaaaaaa" }];
    await shop.pump(db.prisma);
    const planned = await scoped().orderCompensation.findFirst();
    expect(planned).toMatchObject({ orderId, ruleId: "authorization-without-reserve", status: "planned" });
    expect(planned?.signal).toContain("rsv_aaaaaaaaaaaaaaaaaaaaaaaaaa authorize: 404");

    const run = () => runCompensation(scoped(), SHOP, shop.admin, { compensationId: planned!.id, idempotencyKey: "comp-emu-1", actor: "staff:ada", now: NOW });
    expect(await run()).toMatchObject({ ok: true, replayed: false });
    expect(await run()).toMatchObject({ ok: true, replayed: true });
    expect(shop.calls.filter((c) => c === "OrderCancel")).toHaveLength(1);
    expect(shop.h.store.orders.get(placed.id)?.financialStatus).toBe("VOIDED");

    await shop.pump(db.prisma);
    expect((await scoped().orderState.findFirst({ where: { orderId } }))?.state).toBe("cancelled");
    expect((await scoped().orderCompensation.findFirst())?.status).toBe("settled");
  });
});
