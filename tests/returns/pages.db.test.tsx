/**
 * The Returns and Orders pages as staff see them: loader data built by the
 * real services (database + store emulator), rendered server-side; and the
 * pages' forms read strictly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { signalReserveFailed } from "~/services/orders/compensation.server";
import { loadOrderDetail, loadOrdersOverview, readOrdersAction } from "~/services/orders/page.server";
import { approveReturn, createStaffReturn, type ReturnsContext } from "~/services/returns/actions.server";
import { loadNewReturn, loadQueue, loadReturnAnalytics, loadReturnDetail, readNewReturn, readQueueFilters, readReturnAction } from "~/services/returns/page.server";
import type { TestDatabase } from "../helpers/db";
import { closeTestDatabase, installTestDatabase } from "../routes/support";
import { SHOP } from "../webhooks/helpers";
import { emulatedShop, fulfilledOrder } from "./emulator";
import { renderRoute } from "./render";

let db: TestDatabase;
// Route modules import the app's Shopify config and database: install the test database first.
let pages: {
  OrdersPage: (typeof import("~/routes/app.orders"))["default"];
  OrderTimelinePage: (typeof import("~/routes/app.orders_.$id"))["default"];
  ReturnsPage: (typeof import("~/routes/app.returns"))["default"];
  ReturnDetailPage: (typeof import("~/routes/app.returns_.$id"))["default"];
};
beforeAll(async () => {
  db = await installTestDatabase();
  pages = {
    OrdersPage: (await import("~/routes/app.orders")).default,
    OrderTimelinePage: (await import("~/routes/app.orders_.$id")).default,
    ReturnsPage: (await import("~/routes/app.returns")).default,
    ReturnDetailPage: (await import("~/routes/app.returns_.$id")).default,
  };
});
beforeEach(() => db.reset());
afterAll(() => closeTestDatabase(db));

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

describe("Returns pages", () => {
  it("queue with filters, new-return panel, and the detail with eligibility, refund preview, actions and audit", async () => {
    const shop = emulatedShop();
    const { orderId } = fulfilledOrder(shop);
    await shop.pump(db.prisma);
    const ctx: ReturnsContext = { db: forShop(db.prisma, SHOP), shop: SHOP, admin: shop.admin, actor: "staff:ada", now: new Date(shop.h.clock.ms) };
    const panel = await loadNewReturn(ctx, orderId);
    expect(panel.order?.returnable).toHaveLength(2);
    const [jacket] = panel.order!.returnable;
    const created = await createStaffReturn(ctx, {
      orderId,
      lines: [{ fulfillmentLineItemId: jacket!.fulfillmentLineItemId, quantity: 1, reason: "UNWANTED", condition: "opened", note: "changed my mind" }],
      idempotencyKey: "page-create-1",
    });
    if (!created.ok) throw new Error(created.message);
    await approveReturn(ctx, { caseId: created.value.caseId, idempotencyKey: "page-approve-1" });

    const queue = await loadQueue(ctx.db, readQueueFilters(new URL("https://x/app/returns?status=open&source=staff")));
    expect(queue.rows.map((r) => [r.rmaNumber, r.status, r.source])).toEqual([[created.value.rmaNumber, "approved", "staff"]]);
    expect((await loadQueue(ctx.db, readQueueFilters(new URL("https://x/app/returns?status=declined")))).rows).toEqual([]);
    expect((await loadQueue(ctx.db, readQueueFilters(new URL(`https://x/app/returns?status=all&q=${created.value.rmaNumber.toLowerCase()}`)))).rows).toHaveLength(1);
    const analytics = await loadReturnAnalytics(ctx.db, { now: ctx.now, timeZone: "UTC" });
    const queueText = await renderRoute(pages.ReturnsPage, "/app/returns", { shop: SHOP, ...queue, newReturn: panel, analytics });
    // The charts are drawn in the browser (Polaris Viz needs window): the server sends their placeholders.
    expect(queueText).toContain("Return rate by week");
    expect(queueText).toContain("Loading chart…");
    expect(queueText).toContain("Decision SLA: 48 h (due soon after 75%)");
    expect(queueText).toContain(created.value.rmaNumber);
    expect(queueText).toContain("Refund timing: onReceipt — on receipt");
    expect(queueText).toContain("Summit Down Jacket (PG-JKT-S) — 1 returnable");

    const detail = await loadReturnDetail(ctx, created.value.caseId);
    expect(detail?.allowed).toEqual(["cancel", "ship", "receive"]);
    expect(detail?.preview?.totals.refundMinor).toBeGreaterThan(0);
    const text = await renderRoute(pages.ReturnDetailPage, "/app/returns/x", detail);
    expect(text).toContain(created.value.rmaNumber);
    expect(text).toContain("eligible: every line passes window, final_sale, excluded_sku, condition, quantity");
    expect(text).toContain("strategy onReceipt: refund on receipt; the return is only approved");
    expect(text).toContain("Shopify suggests");
    expect(text).toContain("Carrier reports in transit");
    expect(text).toContain("Mark received");
    expect(text).toContain("Inspect and process");
    expect(text).not.toContain("Approve");
    expect(text).toMatch(/staff:ada · approve/);
    expect(text).toContain("changed my mind");
  });

  it("reads its forms strictly, naming what is wrong", () => {
    expect(readReturnAction(form({ intent: "approve", idempotencyKey: "k-12345678" }), 1)).toEqual({ ok: true, value: { intent: "approve", key: "k-12345678" } });
    expect(readReturnAction(form({ intent: "approve" }), 1)).toEqual({ ok: false, message: "idempotencyKey is missing" });
    expect(readReturnAction(form({ intent: "decline", idempotencyKey: "k-12345678", reason: "BECAUSE" }), 1)).toEqual({
      ok: false,
      message: 'reason: "BECAUSE" is not FINAL_SALE, RETURN_PERIOD_ENDED or OTHER',
    });
    expect(readReturnAction(form({ intent: "process", idempotencyKey: "k-12345678", "condition.0": "opened", "resell.0": "1", "scrap.0": "-1" }), 1)).toEqual({
      ok: false,
      message: 'scrap.0: "-1" is not a whole number of units',
    });
    expect(readReturnAction(form({ intent: "process", idempotencyKey: "k-12345678", "condition.0": "opened", "resell.0": "2", locationId: "gid://shopify/Location/1" }), 1)).toEqual({
      ok: true,
      value: { intent: "process", key: "k-12345678", locationId: "gid://shopify/Location/1", lines: [{ line: 0, condition: "opened", grades: [{ grade: "resell", quantity: 2 }] }] },
    });
    expect(readReturnAction(form({ intent: "refund-everything", idempotencyKey: "k-12345678" }), 1)).toEqual({ ok: false, message: 'intent "refund-everything" is not an RMA action' });
    expect(readNewReturn(form({ orderId: "gid://shopify/Order/1", idempotencyKey: "k-12345678", "quantity.0": "0" }), [{ fulfillmentLineItemId: "f1" }])).toEqual({
      ok: false,
      message: "choose at least one unit to return",
    });
    expect(readOrdersAction(form({ intent: "sweep", deadlineHours: "0" }))).toEqual({ ok: false, message: "deadlineHours: 0 is not a number of hours from 1 to 1440" });
    expect(readQueueFilters(new URL("https://x/?status=bogus&source=x&reason=DEFECTIVE"))).toEqual({ status: "open", source: "all", reason: "DEFECTIVE", sla: "all", age: "any", q: "" });
  });
});

describe("Orders pages", () => {
  it("the overview shows drift, compensations and the table; the order page its timeline", async () => {
    const shop = emulatedShop();
    const placed = shop.h.store.createOrder({ lineItems: [{ variantId: 8200000000008, quantity: 1 }], financialStatus: "AUTHORIZED" });
    const orderId = `gid://shopify/Order/${placed.id}`;
    await shop.pump(db.prisma);
    const scoped = forShop(db.prisma, SHOP);
    await signalReserveFailed(scoped, SHOP, orderId, "PG-BOTTLE-75 short everywhere", new Date());
    shop.h.clock.advance(1_000);
    shop.h.store.markOrderPaid(placed.id); // a missed orders/paid

    const overview = await loadOrdersOverview(scoped, shop.admin);
    const text = await renderRoute(pages.OrdersPage, "/app/orders", { shop: SHOP, ...overview });
    expect(text).toContain("state: mirror authorized, Shopify's statuses say captured");
    expect(text).toContain("Reconcile");
    expect(text).toContain("authorization-without-reserve · planned");
    expect(text).toContain("Void and cancel");
    expect(text).toContain("reserve_failed from captured → cancel_and_refund");

    const detail = await loadOrderDetail(scoped, orderId);
    const timeline = await renderRoute(pages.OrderTimelinePage, "/app/orders/x", detail);
    expect(timeline).toContain("cart → authorized (authorized)");
    expect(timeline).toContain("orders/create");
  });
});
