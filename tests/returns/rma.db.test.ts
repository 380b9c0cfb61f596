/**
 * The RMA workflow against the store emulator (returns, reverse fulfillment
 * orders, returnProcess, returnCalculate and their webhooks run there), with
 * the app's webhooks delivered through the receiver and the processor.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "~/domain/returns/policy";
import { forShop } from "~/services/db/scoped.server";
import { percentOfMinor } from "~/domain/returns/fees";
import { caseLines } from "~/services/returns/cases.server";
import { readSuggestedRefund } from "~/services/returns/shopify.server";
import {
  advanceReturn,
  approveReturn,
  casePreview,
  createStaffReturn,
  declineReturn,
  planStaffReturn,
  processReturn,
  regradeUnits,
  syncReturnCase,
  type ReturnsContext,
} from "~/services/returns/actions.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { SHOP } from "../webhooks/helpers";
import { emulatedShop, fulfilledOrder, type EmulatedShop } from "./emulator";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const BROOKLYN = "gid://shopify/Location/70100000001";
const JACKET_ITEM = 8300000000001;
const MERINO_ITEM = 8300000000007;

function context(shop: EmulatedShop): ReturnsContext {
  return { db: forShop(db.prisma, SHOP), shop: SHOP, admin: shop.admin, actor: "staff:ada", now: new Date(shop.h.clock.ms) };
}

const available = (shop: EmulatedShop, item: number) => shop.h.store.level(item, 70100000001)?.quantities.available ?? 0;

async function returnableLines(ctx: ReturnsContext, orderId: string) {
  const plan = await planStaffReturn(ctx, orderId, []);
  expect(plan).not.toBeNull();
  const { readReturnableOrder } = await import("~/services/returns/shopify.server");
  const order = await readReturnableOrder(ctx.admin, orderId);
  return order!.returnable;
}

async function setPolicy(timing: (typeof DEFAULT_POLICY)["refundTiming"]) {
  await forShop(db.prisma, SHOP).returnPolicySetting.create({ data: { shop: SHOP, policy: { ...DEFAULT_POLICY, refundTiming: timing } } });
}

describe("staff-created return, refund on receipt (the default strategy)", () => {
  it("create → approve → in transit → received (refund) → inspected → regrade → closed; every decision audited; double clicks act once", async () => {
    const shop = emulatedShop();
    const { orderId } = fulfilledOrder(shop);
    await shop.pump(db.prisma);
    const ctx = context(shop);
    const [jacket, merino] = await returnableLines(ctx, orderId);

    // The plan staff see first: eligibility, the policy's fees, Shopify's numbers explained.
    const lines = [
      { fulfillmentLineItemId: jacket!.fulfillmentLineItemId, quantity: 1, reason: "SIZE_TOO_SMALL" as const, condition: "unopened" as const, note: null },
      { fulfillmentLineItemId: merino!.fulfillmentLineItemId, quantity: 2, reason: "UNWANTED" as const, condition: "opened" as const, note: "itchy" },
    ];
    const plan = await planStaffReturn(ctx, orderId, lines);
    expect(plan?.eligibility.eligible).toBe(true);
    expect(plan?.lines.map((l) => [l.sku, l.restockingFeePercent])).toEqual([["PG-JKT-S", 0], ["PG-MERINO-01", 10]]);
    expect(plan?.shippingFee).toEqual({ amountMinor: 595, why: "flat return shipping fee" });
    expect(plan?.preview?.totals.taxMinor).toBeGreaterThan(0);
    expect(plan?.preview?.allocation.reduce((sum, a) => sum + a.discountMinor, 0)).toBe(2_500);

    const created = await createStaffReturn(ctx, { orderId, lines, idempotencyKey: "create-key-1" });
    expect(created).toMatchObject({ ok: true, replayed: false });
    const again = await createStaffReturn(ctx, { orderId, lines, idempotencyKey: "create-key-1" });
    expect(again).toEqual({ ...created, replayed: true });
    expect(shop.calls.filter((c) => c === "ReturnRequest")).toHaveLength(1);
    if (!created.ok) throw new Error(created.message);
    const caseId = created.value.caseId;

    // Shopify's returns/request arrives: the staff RMA is adopted, not duplicated.
    await shop.pump(db.prisma);
    const scoped = forShop(db.prisma, SHOP);
    expect(await scoped.returnCase.count()).toBe(1);
    expect(await scoped.returnCase.findFirst()).toMatchObject({ source: "staff", status: "requested", shopifyStatus: "requested" });

    const approve = await approveReturn(ctx, { caseId, idempotencyKey: "approve-key-1" });
    expect(approve).toMatchObject({ ok: true, value: { status: "approved" } });
    if (approve.ok) expect(approve.value.message).toContain("strategy onReceipt: refund on receipt; the return is only approved");
    expect(await approveReturn(ctx, { caseId, idempotencyKey: "approve-key-1" })).toMatchObject({ ok: true, replayed: true });
    expect(shop.calls.filter((c) => c === "ReturnApproveRequest")).toHaveLength(1);
    // A second approval with a new key is refused by the RMA's table, naming the status.
    expect(await approveReturn(ctx, { caseId, idempotencyKey: "approve-key-2" })).toMatchObject({
      ok: false,
      code: "not_in_table",
      message: expect.stringMatching(/^return RMA-\S+ is approved; approve is not allowed from approved/),
    });

    expect(await advanceReturn(ctx, { caseId, event: "ship", idempotencyKey: "ship-key-1" })).toMatchObject({ ok: true, value: { status: "in_transit" } });
    const received = await advanceReturn(ctx, { caseId, event: "receive", idempotencyKey: "receive-key-1" });
    expect(received).toMatchObject({ ok: true, value: { status: "received" } });
    const afterReceipt = await scoped.returnCase.findFirst({ where: { id: caseId } });
    expect(afterReceipt?.refundedAt).not.toBeNull();
    // The refund is Shopify's suggestion (its tax) less the fees Shopify's return already carries.
    expect(shop.calls.filter((c) => c === "ReturnProcess")).toHaveLength(1);
    const refunds = shop.h.store.orders.get(Number(orderId.split("/").pop()))!.refunds;
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount).toBe(afterReceipt?.refundMinor);
    await shop.pump(db.prisma);

    // Inspection: the early refund processed every unit, so resellable units go back to available here.
    const jacketBefore = available(shop, JACKET_ITEM);
    const processed = await processReturn(ctx, {
      caseId,
      idempotencyKey: "process-key-1",
      locationId: BROOKLYN,
      lines: [
        { line: 0, condition: "unopened", grades: [{ grade: "resell", quantity: 1 }] },
        { line: 1, condition: "opened", grades: [{ grade: "refurbish", quantity: 1 }, { grade: "scrap", quantity: 1 }] },
      ],
    });
    expect(processed).toMatchObject({ ok: true, value: { status: "inspected" } });
    expect(available(shop, JACKET_ITEM)).toBe(jacketBefore + 1);
    expect(await processReturn(ctx, { caseId, idempotencyKey: "process-key-1", locationId: BROOKLYN, lines: [] })).toMatchObject({
      ok: false,
      code: "idempotency_key_reused",
    });

    const merinoBefore = available(shop, MERINO_ITEM);
    const regrade = await regradeUnits(ctx, { caseId, idempotencyKey: "regrade-key-1", line: 1, to: "resell", quantity: 1, locationId: BROOKLYN });
    expect(regrade).toMatchObject({ ok: true, value: { status: "closed" } });
    expect(available(shop, MERINO_ITEM)).toBe(merinoBefore + 1);
    expect(await regradeUnits(ctx, { caseId, idempotencyKey: "regrade-key-1", line: 1, to: "resell", quantity: 1, locationId: BROOKLYN })).toMatchObject({ replayed: true });
    expect(available(shop, MERINO_ITEM)).toBe(merinoBefore + 1);

    const restocks = await scoped.restockEvent.findMany({ orderBy: { sku: "asc" } });
    expect(restocks.map((r) => [r.sku, r.quantity, r.locationId, r.inventoryItemId])).toEqual([
      ["PG-JKT-S", 1, BROOKLYN, `gid://shopify/InventoryItem/${JACKET_ITEM}`],
      ["PG-MERINO-01", 1, BROOKLYN, `gid://shopify/InventoryItem/${MERINO_ITEM}`],
    ]);
    const audit = await scoped.returnAudit.findMany({ where: { caseId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["create", "shopify_status", "approve", "ship", "receive", "refund", "process", "regrade", "close"]));
    expect(audit.filter((a) => a.actor === "staff:ada").every((a) => a.idempotencyKey !== null)).toBe(true);
  });
});

describe("customer-requested return, refund after inspection", () => {
  it("returns/request opens an RMA with intake eligibility; processing disposes through Shopify and refunds in one returnProcess", async () => {
    await setPolicy("onInspection");
    const shop = emulatedShop();
    const { orderId } = fulfilledOrder(shop);
    await shop.pump(db.prisma);
    const ctx = context(shop);
    const [jacket, merino] = await returnableLines(ctx, orderId);
    // The customer asks in their account (Shopify's returnRequest), no fees on Shopify's return.
    const request = shop.h.gql(
      `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id } userErrors { message } } }`,
      {
        input: {
          orderId,
          returnLineItems: [
            { fulfillmentLineItemId: jacket!.fulfillmentLineItemId, quantity: 1, returnReason: "DEFECTIVE", customerNote: "zip broke" },
            { fulfillmentLineItemId: merino!.fulfillmentLineItemId, quantity: 1, returnReason: "STYLE" },
          ],
        },
      },
    );
    expect(request.data?.returnRequest.userErrors).toEqual([]);
    await shop.pump(db.prisma);
    const scoped = forShop(db.prisma, SHOP);
    const rma = await scoped.returnCase.findFirst();
    expect(rma).toMatchObject({ source: "shopify", status: "requested", refundTiming: "onInspection" });
    expect(rma?.eligibility).toMatchObject({ eligible: true });
    expect(caseLines(rma!).map((l) => [l.reason, l.customerNote])).toEqual([
      ["DEFECTIVE", "zip broke"],
      ["STYLE", null],
    ]);
    const caseId = rma!.id;

    expect(await approveReturn(ctx, { caseId, idempotencyKey: "approve-1-key" })).toMatchObject({ ok: true });
    await shop.pump(db.prisma);
    expect((await scoped.returnCase.findFirst())?.refundedAt).toBeNull();

    // Shopify's own numbers before processing: the whole return, and the merino line alone.
    const synced = await syncReturnCase(ctx, (await scoped.returnCase.findFirst())!);
    const [jacketLine, merinoLine] = synced.snapshot!.lines;
    const total = await readSuggestedRefund(ctx.admin, synced.row.returnId!, [
      { id: jacketLine!.returnLineItemId, quantity: 1 },
      { id: merinoLine!.returnLineItemId, quantity: 1 },
    ]);
    const merinoOnly = await readSuggestedRefund(ctx.admin, synced.row.returnId!, [{ id: merinoLine!.returnLineItemId, quantity: 1 }]);
    const jacketBefore = available(shop, JACKET_ITEM);
    const processed = await processReturn(ctx, {
      caseId,
      idempotencyKey: "process-1-key",
      locationId: BROOKLYN,
      lines: [
        { line: 0, condition: "damaged", grades: [{ grade: "scrap", quantity: 1 }] },
        { line: 1, condition: "used", grades: [{ grade: "resell", quantity: 1 }] },
      ],
    });
    expect(processed, JSON.stringify(processed)).toMatchObject({ ok: true, value: { status: "closed" } });
    expect(shop.calls.filter((c) => c === "ReturnProcess")).toHaveLength(1);
    expect(available(shop, JACKET_ITEM)).toBe(jacketBefore);
    const rfo = [...shop.h.store.reverseFulfillmentOrders.values()].find((r) => r.returnId === Number(synced.row.returnId!.split("/").pop()));
    expect(rfo?.lines.flatMap((l) => l.dispositions.map((d) => [d.type, d.quantity, d.locationId]))).toEqual([
      ["NOT_RESTOCKED", 1, null],
      ["RESTOCKED", 1, 70100000001],
    ]);
    const restocks = await scoped.restockEvent.findMany();
    expect(restocks.map((r) => [r.sku, r.quantity, r.via, r.sourceKey.startsWith("disposition:gid://shopify/ReverseFulfillmentOrderDisposition/")])).toEqual([
      ["PG-MERINO-01", 1, "return_disposition", true],
    ]);
    const after = await scoped.returnCase.findFirst();
    const refund = shop.h.store.orders.get(Number(orderId.split("/").pop()))!.refunds[0]!;
    expect(refund.amount).toBe(after?.refundMinor);
    // STYLE in used condition: 20 % of the merino's discounted subtotal comes off Shopify's suggestion;
    // DEFECTIVE: no fee, and return shipping is free (merchant fault). Tax is Shopify's, untouched.
    expect(refund.amount).toBe(total!.amountMinor - percentOfMinor(merinoOnly!.discountedSubtotalMinor, 20));
    expect(total!.taxMinor).toBeGreaterThan(0);
    await shop.pump(db.prisma);
  });

  it("decline needs a note, names Shopify's reason, and is refused once approved", async () => {
    const shop = emulatedShop();
    const { orderId } = fulfilledOrder(shop);
    await shop.pump(db.prisma);
    const ctx = context(shop);
    const [jacket] = await returnableLines(ctx, orderId);
    shop.h.gql(`mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id } userErrors { message } } }`, {
      input: { orderId, returnLineItems: [{ fulfillmentLineItemId: jacket!.fulfillmentLineItemId, quantity: 1, returnReason: "UNWANTED" }] },
    });
    await shop.pump(db.prisma);
    const caseId = (await forShop(db.prisma, SHOP).returnCase.findFirst())!.id;
    expect(await declineReturn(ctx, { caseId, idempotencyKey: "decline-key-0", reason: "FINAL_SALE", note: " " })).toMatchObject({ ok: false, code: "note_required" });
    const declined = await declineReturn(ctx, { caseId, idempotencyKey: "decline-key-1", reason: "FINAL_SALE", note: "Tagged final sale at purchase" });
    expect(declined).toMatchObject({ ok: true, value: { status: "declined" } });
    await shop.pump(db.prisma);
    const row = await forShop(db.prisma, SHOP).returnCase.findFirst();
    expect(row).toMatchObject({ status: "declined", shopifyStatus: "declined", declineReason: "FINAL_SALE", declineNote: "Tagged final sale at purchase" });
    expect(await approveReturn(ctx, { caseId, idempotencyKey: "approve-key-9" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("is declined; approve is not allowed from declined (final)"),
    });
  });
});

describe("refund timing on approval", () => {
  it("refunds when approved; the preview shows what was refunded and nothing is refunded twice", async () => {
    await setPolicy("onApproval");
    const shop = emulatedShop();
    const { orderId } = fulfilledOrder(shop);
    await shop.pump(db.prisma);
    const ctx = context(shop);
    const [jacket] = await returnableLines(ctx, orderId);
    const created = await createStaffReturn(ctx, {
      orderId,
      lines: [{ fulfillmentLineItemId: jacket!.fulfillmentLineItemId, quantity: 1, reason: "DEFECTIVE", condition: "used", note: null }],
      idempotencyKey: "create-key-2",
    });
    if (!created.ok) throw new Error(created.message);
    const approved = await approveReturn(ctx, { caseId: created.value.caseId, idempotencyKey: "approve-key-3" });
    expect(approved).toMatchObject({ ok: true });
    const row = await forShop(db.prisma, SHOP).returnCase.findFirst();
    expect(row?.refundedAt).not.toBeNull();
    // DEFECTIVE: no restocking fee, free return shipping: the refund is Shopify's whole suggestion.
    const refund = shop.h.store.orders.get(Number(orderId.split("/").pop()))!.refunds[0]!;
    expect(refund.amount).toBe(row?.refundMinor);
    const synced = await syncReturnCase(ctx, row!);
    const preview = await casePreview(ctx, synced.row, synced.snapshot!, { ...DEFAULT_POLICY, refundTiming: "onApproval" });
    expect(preview?.refundLines).toEqual([]);
    expect(await advanceReturn(ctx, { caseId: row!.id, event: "receive", idempotencyKey: "receive-key-3" })).toMatchObject({ ok: true, value: { message: expect.stringContaining("already refunded") } });
    expect(shop.h.store.orders.get(Number(orderId.split("/").pop()))!.refunds).toHaveLength(1);
  });
});

describe("eligibility refuses a staff return outside the rules", () => {
  it("past the window: not eligible, nothing requested on Shopify", async () => {
    const shop = emulatedShop();
    const { orderId } = fulfilledOrder(shop);
    await shop.pump(db.prisma);
    const ctx = { ...context(shop), now: new Date(shop.h.clock.ms + 40 * 86_400_000) };
    const [jacket] = await returnableLines(ctx, orderId);
    const result = await createStaffReturn(ctx, {
      orderId,
      lines: [{ fulfillmentLineItemId: jacket!.fulfillmentLineItemId, quantity: 1, reason: "UNWANTED", condition: "unopened", note: null }],
      idempotencyKey: "create-key-3",
    });
    expect(result).toMatchObject({ ok: false, code: "not_eligible", message: expect.stringContaining("40 days ago: past the default window of 14 days") });
    expect(shop.calls).not.toContain("ReturnRequest");
  });
});
