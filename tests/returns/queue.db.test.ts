/**
 * The Returns queue's extras against the store emulator: filters by reason,
 * SLA standing and age; bulk approve through the idempotent approve action
 * (one key per return per batch: a double submit approves nothing twice, each
 * return reports its own result); the SLA setting; the charts' figures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "~/domain/returns/policy";
import { forShop } from "~/services/db/scoped.server";
import { createStaffReturn, type ReturnsContext } from "~/services/returns/actions.server";
import { bulkApprove, loadQueue, loadReturnAnalytics, readBulkApprove, readQueueFilters, saveSla } from "~/services/returns/page.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { SHOP } from "../webhooks/helpers";
import { emulatedShop, fulfilledOrder, type EmulatedShop } from "./emulator";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const HOUR = 3_600_000;
const scoped = () => forShop(db.prisma, SHOP);
const context = (shop: EmulatedShop, now = new Date(shop.h.clock.ms)): ReturnsContext => ({ db: scoped(), shop: SHOP, admin: shop.admin, actor: "staff:ada", now });

/** A fulfilled order and a staff-created (requested) return of its jacket with `reason`. */
async function requestedReturn(shop: EmulatedShop, reason: "SIZE_TOO_SMALL" | "DEFECTIVE" | "UNWANTED", key: string) {
  const { orderId } = fulfilledOrder(shop);
  await shop.pump(db.prisma);
  const ctx = context(shop);
  const { readReturnableOrder } = await import("~/services/returns/shopify.server");
  const order = await readReturnableOrder(ctx.admin, orderId);
  const jacket = order!.returnable[0]!;
  const created = await createStaffReturn(ctx, { orderId, lines: [{ fulfillmentLineItemId: jacket.fulfillmentLineItemId, quantity: 1, reason, condition: "unopened", note: null }], idempotencyKey: key });
  if (!created.ok) throw new Error(created.message);
  await shop.pump(db.prisma);
  return { orderId, caseId: created.value.caseId, rmaNumber: created.value.rmaNumber };
}

const queue = (query: string, now: Date) => loadQueue(scoped(), readQueueFilters(new URL(`https://x/app/returns?${query}`)), now);

describe("queue filters and the SLA clock", () => {
  it("filters by reason (any line), by SLA standing and by age; rows carry their age against the SLA", async () => {
    const shop = emulatedShop();
    const a = await requestedReturn(shop, "SIZE_TOO_SMALL", "create-a");
    const b = await requestedReturn(shop, "DEFECTIVE", "create-b");
    const c = await requestedReturn(shop, "UNWANTED", "create-c");
    const now = Date.now();
    // Requested 60 h, 40 h and 2 h ago against the default 48 h SLA (due soon after 75% = 36 h).
    await scoped().returnCase.updateMany({ where: { id: a.caseId }, data: { createdAt: new Date(now - 60 * HOUR) } });
    await scoped().returnCase.updateMany({ where: { id: b.caseId }, data: { createdAt: new Date(now - 40 * HOUR) } });
    await scoped().returnCase.updateMany({ where: { id: c.caseId }, data: { createdAt: new Date(now - 2 * HOUR) } });
    const at = new Date(now);

    const all = await queue("status=open", at);
    expect(all.rows.map((r) => [r.rmaNumber, r.age.state, r.age.ageHours])).toEqual([
      [c.rmaNumber, "within", 2],
      [b.rmaNumber, "due_soon", 40],
      [a.rmaNumber, "breached", 60],
    ]);
    expect(all.rows[2]?.age.label).toBe("breached 12 h ago (SLA 48 h)");
    expect(all.slaCounts).toEqual({ breached: 1, dueSoon: 1 });
    expect(all.rows.every((r) => r.approvable)).toBe(true);

    expect((await queue("status=all&reason=DEFECTIVE", at)).rows.map((r) => r.rmaNumber)).toEqual([b.rmaNumber]);
    expect((await queue("status=all&reason=WRONG_ITEM", at)).rows).toEqual([]);
    expect((await queue("status=all&sla=breached", at)).rows.map((r) => r.rmaNumber)).toEqual([a.rmaNumber]);
    expect((await queue("status=all&sla=due_soon", at)).rows.map((r) => r.rmaNumber)).toEqual([b.rmaNumber]);
    expect((await queue("status=all&sla=within", at)).rows.map((r) => r.rmaNumber)).toEqual([c.rmaNumber]);
    expect((await queue("status=all&age=1d", at)).rows.map((r) => r.rmaNumber)).toEqual([b.rmaNumber, a.rmaNumber]);
    expect((await queue("status=all&age=3d", at)).rows).toEqual([]);
    // Unknown filter values fall back to "any" instead of failing the page.
    expect(readQueueFilters(new URL("https://x/app/returns?reason=BOGUS&sla=late&age=9y"))).toMatchObject({ reason: "all", sla: "all", age: "any" });

    // A merchant-set SLA of 3 days puts the 60 h request back within it.
    expect(await saveSla(scoped(), SHOP, { decisionHours: 72, dueSoonPercent: 80 })).toEqual({ ok: true, value: { decisionHours: 72, dueSoonPercent: 80 } });
    const stored = await scoped().returnPolicySetting.findFirst();
    expect(stored?.policy).toMatchObject({ refundTiming: DEFAULT_POLICY.refundTiming, sla: { decisionHours: 72, dueSoonPercent: 80 } });
    const relaxed = await queue("status=open", at);
    expect(relaxed.rows.map((r) => r.age.state)).toEqual(["within", "within", "due_soon"]);
    expect(relaxed.policy).toMatchObject({ sla: { decisionHours: 72 }, slaSource: "policy" });
  });

  it("an unreadable stored policy is not overwritten by the SLA form", async () => {
    await scoped().returnPolicySetting.create({ data: { shop: SHOP, policy: { schemaVersion: 2 } } });
    const saved = await saveSla(scoped(), SHOP, { decisionHours: 24, dueSoonPercent: 50 });
    expect(saved).toMatchObject({ ok: false, message: expect.stringMatching(/stored return policy is unreadable \(schemaVersion: 2 is not 1/) });
    expect((await scoped().returnPolicySetting.findFirst())?.policy).toEqual({ schemaVersion: 2 });
  });
});

describe("bulk approve", () => {
  it("approves each selected return once, reports each result, and a double submit of the same batch approves nothing twice", async () => {
    const shop = emulatedShop();
    const a = await requestedReturn(shop, "SIZE_TOO_SMALL", "create-a");
    const b = await requestedReturn(shop, "DEFECTIVE", "create-b");
    const ctx = context(shop);
    const missing = "00000000-0000-4000-8000-000000000000";
    const before = shop.calls.filter((c) => c === "ReturnApproveRequest").length;

    const first = await bulkApprove(ctx, { batchKey: "batch-0001", caseIds: [a.caseId, b.caseId, missing] });
    expect(first.map((r) => [r.rmaNumber, r.ok, r.replayed])).toEqual([
      [a.rmaNumber, true, false],
      [b.rmaNumber, true, false],
      [null, false, false],
    ]);
    expect(first[2]?.message).toBe(`no return ${missing} in ${SHOP}`);
    expect(shop.calls.filter((c) => c === "ReturnApproveRequest").length - before).toBe(2);
    expect((await scoped().returnCase.findMany({ where: { id: { in: [a.caseId, b.caseId] } } })).map((r) => r.status)).toEqual(["approved", "approved"]);

    // The same form submitted again (double click, retry): each return's stored answer, no second approval.
    const again = await bulkApprove(ctx, { batchKey: "batch-0001", caseIds: [a.caseId, b.caseId] });
    expect(again.map((r) => [r.ok, r.replayed])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(shop.calls.filter((c) => c === "ReturnApproveRequest").length - before).toBe(2);

    // A new batch (the page re-rendered) finds them approved: refused per return by the RMA's table, named.
    const later = await bulkApprove(ctx, { batchKey: "batch-0002", caseIds: [a.caseId] });
    expect(later[0]).toMatchObject({ ok: false, replayed: false, message: expect.stringMatching(/is approved; approve is not allowed from approved/) });
    expect((await scoped().returnAudit.count({ where: { action: "approve" } }))).toBe(2);
  });

  it("reads the bulk form strictly", () => {
    const form = (entries: [string, string][]) => {
      const data = new FormData();
      for (const [k, v] of entries) data.append(k, v);
      return data;
    };
    const id = "3f1c2a9e-8b1d-4c3e-9f2a-1b2c3d4e5f60";
    expect(readBulkApprove(form([["bulkKey", "batch-0001"], ["caseId", id], ["caseId", id]]))).toEqual({ ok: true, value: { batchKey: "batch-0001", caseIds: [id] } });
    expect(readBulkApprove(form([["bulkKey", "batch-0001"]]))).toEqual({ ok: false, message: "select at least one return to approve" });
    expect(readBulkApprove(form([["caseId", id]]))).toMatchObject({ ok: false, message: expect.stringMatching(/^bulkKey is missing/) });
    expect(readBulkApprove(form([["bulkKey", "batch-0001"], ["caseId", "1; drop"]]))).toEqual({ ok: false, message: 'caseId "1; drop" is not a return id' });
    const many = Array.from({ length: 51 }, (_, i) => ["caseId", `3f1c2a9e-8b1d-4c3e-9f2a-${String(i).padStart(12, "0")}`] as [string, string]);
    expect(readBulkApprove(form([["bulkKey", "batch-0001"], ...many]))).toEqual({ ok: false, message: "51 returns selected: approve at most 50 at a time" });
  });
});

describe("the charts' figures", () => {
  it("weekly return rate over the mirror's orders and units per reason, cancelled requests left out", async () => {
    const shop = emulatedShop();
    await requestedReturn(shop, "SIZE_TOO_SMALL", "create-a");
    await requestedReturn(shop, "SIZE_TOO_SMALL", "create-b");
    const c = await requestedReturn(shop, "DEFECTIVE", "create-c");
    await scoped().returnCase.updateMany({ where: { id: c.caseId }, data: { status: "cancelled" } });
    // One more order without a return.
    fulfilledOrder(shop);
    await shop.pump(db.prisma);
    const orders = await scoped().order.findMany({ select: { id: true, shopifyCreatedAt: true } });
    expect(orders).toHaveLength(4);
    const now = new Date(Math.max(...orders.map((o) => o.shopifyCreatedAt!.getTime())) + HOUR);

    const analytics = await loadReturnAnalytics(scoped(), { now, timeZone: "UTC" });
    expect(analytics.weeks).toHaveLength(12);
    const current = analytics.weeks[analytics.weeks.length - 1]!;
    // The orders were all placed in the emulator's current week: 4 orders, 2 with a counted return (the cancelled one is not).
    expect(analytics.weeks.reduce((sum, w) => sum + w.orders, 0)).toBe(4);
    expect(current).toMatchObject({ orders: 4, returned: 2, ratePercent: 50 });
    expect(analytics.weeks.slice(0, -1).map((w) => w.ratePercent)).toEqual(Array(11).fill(null));
    expect(analytics.reasons).toEqual([{ reason: "SIZE_TOO_SMALL", units: 2, returns: 2 }]);
    expect(analytics.returnsCounted).toBe(2);
  });
});
