/** customers/redact reaches the RMAs: the customer's notes go, the RMA and its decisions stay. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { caseLines } from "~/services/returns/cases.server";
import { REDACTED_NOTE } from "~/services/returns/redact.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { deliverAndProcess, orderPayload, OTHER_SHOP, SHOP } from "../webhooks/helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const returnRequest = (orderId: number, returnId: number) => ({
  id: returnId,
  admin_graphql_api_id: `gid://shopify/Return/${returnId}`,
  order_id: orderId,
  status: "requested",
  updated_at: "2026-12-01T10:00:00Z",
  return_line_items: [
    { id: returnId * 10, quantity: 1, return_reason: "size_too_small", customer_note: "Please call me on +15550001111", fulfillment_line_item: { id: 1, line_item: { id: orderId * 10 + 1 } } },
  ],
});

describe("customers/redact and RMAs", () => {
  it("scrubs the customer's notes on the RMAs of their orders, in this shop only", async () => {
    await deliverAndProcess(db.prisma, { topic: "orders/create", body: orderPayload({ id: 1, fulfillment_status: "fulfilled" }) });
    await deliverAndProcess(db.prisma, { topic: "returns/request", body: returnRequest(1, 31) });
    await deliverAndProcess(db.prisma, { topic: "returns/request", body: returnRequest(1, 31), shop: OTHER_SHOP });
    await deliverAndProcess(db.prisma, {
      topic: "customers/redact",
      body: { shop_domain: SHOP, customer: { id: 77, email: "ada@example.com", phone: "+15550001111" }, orders_to_redact: [1] },
    });
    const [event] = await db.prisma.webhookEvent.findMany({ where: { topic: "customers/redact" } });
    expect(event?.outcome).toContain("1 return note(s)");
    const mine = await forShop(db.prisma, SHOP).returnCase.findFirst();
    expect(caseLines(mine!).map((line) => [line.customerNote, line.reason, line.quantity])).toEqual([[REDACTED_NOTE, "SIZE_TOO_SMALL", 1]]);
    expect(mine?.rmaNumber).toMatch(/^RMA-/);
    const theirs = await forShop(db.prisma, OTHER_SHOP).returnCase.findFirst();
    expect(caseLines(theirs!)[0]?.customerNote).toBe("Please call me on +15550001111");
  });
});
