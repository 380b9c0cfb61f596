/**
 * Returns: the lifecycle (request → approve → dispose → process → closed, decline,
 * cancel, close/reopen) with its userErrors and webhooks, returnCalculate's sums,
 * RESTOCKED dispositions raising `available`, and the transition table.
 */
import { describe, expect, it } from "vitest";

import { adminSchema } from "../../emulator/schema";
import { RETURN_TRANSITIONS, transition, type ReturnEvent } from "../../emulator/returns";
import type { ReturnRecord, ReturnStatus } from "../../emulator/model";
import { Store, StoreError } from "../../emulator/store";
import { harness, IDS, SEED, shapeProblems, type Harness, type Json } from "./helpers";

const schema = adminSchema();
const ORDER_1002 = "gid://shopify/Order/5400000000002";
const BOOT_ITEM = "gid://shopify/InventoryItem/8300000000004";

const RETURN_FIELDS = `id name status totalQuantity createdAt requestApprovedAt closedAt
  decline { reason note }
  order { id }
  returnShippingFees { amountSet { shopMoney { amount currencyCode } } }
  returnLineItems(first: 10) { nodes { id quantity processedQuantity unprocessedQuantity processableQuantity refundedQuantity refundableQuantity returnReason customerNote
    ... on ReturnLineItem { fulfillmentLineItem { id lineItem { id sku } } restockingFee { percentage amountSet { shopMoney { amount } } } } } }
  reverseFulfillmentOrders(first: 5) { nodes { id status lineItems(first: 10) { nodes { id totalQuantity dispositions { type quantity location { id } } } } } }`;

const REQUEST = `mutation Request($input: ReturnRequestInput!) {
  returnRequest(input: $input) { return { ${RETURN_FIELDS} } userErrors { field message code } }
}`;
const CREATE = `mutation Create($input: ReturnInput!) {
  returnCreate(returnInput: $input) { return { ${RETURN_FIELDS} } userErrors { field message code } }
}`;
const APPROVE = `mutation Approve($id: ID!) { returnApproveRequest(input: { id: $id }) { return { ${RETURN_FIELDS} } userErrors { field message code } } }`;
const DECLINE = `mutation Decline($input: ReturnDeclineRequestInput!) { returnDeclineRequest(input: $input) { return { ${RETURN_FIELDS} } userErrors { field message code } } }`;
const CANCEL = `mutation Cancel($id: ID!) { returnCancel(id: $id) { return { id status reverseFulfillmentOrders(first: 2) { nodes { status } } } userErrors { field message code } } }`;
const CLOSE = `mutation Close($id: ID!) { returnClose(id: $id) { return { id status closedAt reverseFulfillmentOrders(first: 2) { nodes { status } } } userErrors { field message code } } }`;
const REOPEN = `mutation Reopen($id: ID!) { returnReopen(id: $id) { return { id status closedAt reverseFulfillmentOrders(first: 2) { nodes { status } } } userErrors { field message code } } }`;
const DISPOSE = `mutation Dispose($inputs: [ReverseFulfillmentOrderDisposeInput!]!) {
  reverseFulfillmentOrderDispose(dispositionInputs: $inputs) {
    reverseFulfillmentOrderLineItems { id totalQuantity dispositions { type quantity location { id } } }
    userErrors { field message code }
  }
}`;
const PROCESS = `mutation Process($input: ReturnProcessInput!) {
  returnProcess(input: $input) {
    return { ${RETURN_FIELDS}
      refunds(first: 5) { nodes { id totalRefundedSet { shopMoney { amount } } return { id }
        refundLineItems(first: 5) { nodes { quantity restockType restocked subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } lineItem { sku } } }
        transactions(first: 5) { nodes { kind status amountSet { shopMoney { amount } } parentTransaction { id kind } } } } } }
    userErrors { field message code }
  }
}`;
const CALCULATE = `query Calculate($input: CalculateReturnInput!) {
  returnCalculate(input: $input) {
    returnLineItems { quantity fulfillmentLineItem { id }
      subtotalBeforeOrderDiscountsSet { shopMoney { amount } } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
      restockingFee { percentage amountSet { shopMoney { amount } } } }
    returnShippingFee { amountSet { shopMoney { amount } } }
  }
}`;

function available(h: Harness, item: string, location: string): number {
  const body = h.gql(`query($item: ID!, $location: ID!) { inventoryItem(id: $item) { inventoryLevel(locationId: $location) { quantities(names: ["available"]) { quantity } } } }`, {
    item,
    location,
  });
  return body.data?.inventoryItem.inventoryLevel.quantities[0].quantity as number;
}

/** Order #1002 (jacket ×1 at 249.00, boots ×2 at 179.50; 25.00 order discount, 52.65 tax) fulfilled; its fulfillment line items. */
function fulfilled1002(): { h: Harness; jacketLine: string; bootLine: string; sale: string } {
  const h = harness();
  h.store.fulfillOrder(5400000000002);
  h.events.length = 0;
  const body = h.gql(`{ order(id: "${ORDER_1002}") {
    fulfillments { id name status totalQuantity location { id } fulfillmentLineItems(first: 5) { nodes { id quantity lineItem { sku } } } }
    transactions { id kind } } }`);
  expect(body.errors).toBeUndefined();
  const [fulfillment] = body.data?.order.fulfillments as Json[];
  expect(fulfillment).toMatchObject({ name: "#1002.1", status: "SUCCESS", totalQuantity: 3, location: { id: IDS.brooklyn } });
  const lines = fulfillment.fulfillmentLineItems.nodes as { id: string; lineItem: { sku: string } }[];
  return {
    h,
    jacketLine: lines.find((l) => l.lineItem.sku === "PG-JKT-M")!.id,
    bootLine: lines.find((l) => l.lineItem.sku === "PG-BOOT-09")!.id,
    sale: (body.data?.order.transactions as { id: string; kind: string }[]).find((t) => t.kind === "SALE")!.id,
  };
}

const topics = (h: Harness): string[] => h.events.map((e) => e.topic);

describe("returnCalculate", () => {
  it("prorates the order discount and the tax over the returned units; every unit of the order adds back to its totals", () => {
    const { h, jacketLine, bootLine } = fulfilled1002();
    const all = h.gql(CALCULATE, {
      input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: jacketLine, quantity: 1 }, { fulfillmentLineItemId: bootLine, quantity: 2 }] },
    });
    expect(all.errors).toBeUndefined();
    expect(shapeProblems(schema, CALCULATE, all.data)).toEqual([]);
    const lines = all.data?.returnCalculate.returnLineItems as Json[];
    // 24,900 and 35,900 cents share a 2,500 discount: 1,024 / 1,476; the 5,265 tax follows the discounted subtotals: 2,156 / 3,109.
    expect(lines.map((l) => [l.subtotalBeforeOrderDiscountsSet.shopMoney.amount, l.subtotalSet.shopMoney.amount, l.totalTaxSet.shopMoney.amount])).toEqual([
      ["249.0", "238.76", "21.56"],
      ["359.0", "344.24", "31.09"],
    ]);
    const cents = (amount: string): number => Math.round(Number(amount) * 100);
    expect(lines.reduce((sum, l) => sum + cents(l.subtotalSet.shopMoney.amount), 0)).toBe(60800 - 2500);
    expect(lines.reduce((sum, l) => sum + cents(l.totalTaxSet.shopMoney.amount), 0)).toBe(5265);
  });

  it("splits a line unit by unit so that the parts sum to the line; restocking and return shipping fees are shown", () => {
    const { h, bootLine } = fulfilled1002();
    const body = h.gql(CALCULATE, {
      input: {
        orderId: ORDER_1002,
        returnLineItems: [
          { fulfillmentLineItemId: bootLine, quantity: 1, restockingFee: { percentage: 10 } },
          { fulfillmentLineItemId: bootLine, quantity: 1 },
        ],
        returnShippingFee: { amount: { amount: "5.00", currencyCode: "USD" } },
      },
    });
    expect(body.errors).toBeUndefined();
    const [first, second] = body.data?.returnCalculate.returnLineItems as Json[];
    expect([first.subtotalSet.shopMoney.amount, first.totalTaxSet.shopMoney.amount]).toEqual(["172.12", "15.54"]);
    expect([second.subtotalSet.shopMoney.amount, second.totalTaxSet.shopMoney.amount]).toEqual(["172.12", "15.55"]);
    expect(first.restockingFee).toEqual({ percentage: 10, amountSet: { shopMoney: { amount: "17.21" } } });
    expect(second.restockingFee).toBeNull();
    expect(body.data?.returnCalculate.returnShippingFee).toEqual({ amountSet: { shopMoney: { amount: "5.0" } } });
  });

  it("refuses units that were never fulfilled: a GraphQL error naming the line", () => {
    const { h, bootLine } = fulfilled1002();
    const body = h.gql(CALCULATE, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 3 }] } });
    expect(body.errors?.[0]?.message).toContain("SKU PG-BOOT-09 (line item 1700000000004) on order #1002 has 2 returnable");
  });
});

describe("the return lifecycle", () => {
  it("request → approve → dispose → process: statuses, quantities, inventory, refund, and every webhook", () => {
    const { h, bootLine, sale } = fulfilled1002();
    const brooklynBoots = available(h, BOOT_ITEM, IDS.brooklyn);

    // GIVEN a customer request for both boots, with a return shipping fee
    const requested = h.gql(REQUEST, {
      input: {
        orderId: ORDER_1002,
        returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 2, returnReason: "SIZE_TOO_SMALL", customerNote: "Too tight" }],
        returnShippingFee: { amount: { amount: "5.00", currencyCode: "USD" } },
      },
    });
    expect(requested.errors).toBeUndefined();
    expect(shapeProblems(schema, REQUEST, requested.data)).toEqual([]);
    const created = requested.data?.returnRequest.return;
    expect(created).toMatchObject({
      name: "#1002-R1",
      status: "REQUESTED",
      totalQuantity: 2,
      requestApprovedAt: null,
      order: { id: ORDER_1002 },
      returnShippingFees: [{ amountSet: { shopMoney: { amount: "5.0", currencyCode: "USD" } } }],
      reverseFulfillmentOrders: { nodes: [] },
    });
    expect(created.returnLineItems.nodes[0]).toMatchObject({ quantity: 2, processableQuantity: 0, returnReason: "SIZE_TOO_SMALL", customerNote: "Too tight" });
    expect(topics(h)).toEqual(["returns/request"]);
    expect(h.events[0]?.payload).toMatchObject({
      admin_graphql_api_id: created.id,
      status: "requested",
      order: { id: 5400000000002, admin_graphql_api_id: ORDER_1002 },
      return_line_items: [{ quantity: 2, return_reason: "size_too_small", fulfillment_line_item: { admin_graphql_api_id: bootLine, line_item: { id: 1700000000004 } } }],
      return_shipping_fees: [{ price: { shop_money: { amount: "5.00", currency_code: "USD" } } }],
    });

    // WHEN it is approved
    h.events.length = 0;
    h.clock.advance(60_000);
    const approved = h.gql(APPROVE, { id: created.id }).data?.returnApproveRequest;
    expect(approved.userErrors).toEqual([]);
    expect(approved.return).toMatchObject({ status: "OPEN", requestApprovedAt: "2026-11-27T12:01:00Z" });
    const rfo = approved.return.reverseFulfillmentOrders.nodes[0];
    expect(rfo).toMatchObject({ status: "OPEN", lineItems: { nodes: [{ totalQuantity: 2, dispositions: [] }] } });
    expect(approved.return.returnLineItems.nodes[0]).toMatchObject({ processableQuantity: 2, refundableQuantity: 2 });
    expect(topics(h)).toEqual(["returns/approve"]);
    expect(h.gql(`{ order(id: "${ORDER_1002}") { returnStatus } }`).data?.order.returnStatus).toBe("IN_PROGRESS");

    // AND one boot is restocked at Brooklyn
    h.events.length = 0;
    const rfoLine = rfo.lineItems.nodes[0].id as string;
    const disposed = h.gql(DISPOSE, { inputs: [{ reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: "RESTOCKED", locationId: IDS.brooklyn }] });
    expect(disposed.data?.reverseFulfillmentOrderDispose).toEqual({
      reverseFulfillmentOrderLineItems: [{ id: rfoLine, totalQuantity: 2, dispositions: [{ type: "RESTOCKED", quantity: 1, location: { id: IDS.brooklyn } }] }],
      userErrors: [],
    });
    expect(available(h, BOOT_ITEM, IDS.brooklyn)).toBe(brooklynBoots + 1);
    expect(topics(h)).toEqual(["inventory_levels/update", "reverse_fulfillment_orders/dispose"]);
    expect(h.events[1]?.payload).toMatchObject({
      admin_graphql_api_id: rfo.id,
      order_id: 5400000000002,
      total_dispositions: 1,
      dispositions: [{ reverse_fulfillment_order_line_item: { admin_graphql_api_id: rfoLine }, type: "restocked", location: { id: 70100000001 }, quantity: 1 }],
    });

    // THEN processing both boots with the suggested refund closes the return
    const returnLineId = approved.return.returnLineItems.nodes[0].id as string;
    const suggested = h.gql(`query($id: ID!, $line: ID!) { return(id: $id) { suggestedFinancialOutcome(returnLineItems: [{ id: $line, quantity: 2 }], exchangeLineItems: []) {
      discountedSubtotal { shopMoney { amount } } totalTax { shopMoney { amount } } totalAdditionalFees { shopMoney { amount } } totalCartDiscountAmount { shopMoney { amount } }
      maximumRefundable { shopMoney { amount } }
      financialTransfer { __typename ... on RefundReturnOutcome { amount { shopMoney { amount } } suggestedTransactions { amountSet { shopMoney { amount } } kind parentTransaction { id } } } } } } }`, {
      id: created.id,
      line: returnLineId,
    });
    expect(suggested.errors).toBeUndefined();
    // 344.24 + 31.09 tax − 5.00 return shipping fee.
    expect(suggested.data?.return.suggestedFinancialOutcome).toEqual({
      discountedSubtotal: { shopMoney: { amount: "344.24" } },
      totalTax: { shopMoney: { amount: "31.09" } },
      totalAdditionalFees: { shopMoney: { amount: "5.0" } },
      totalCartDiscountAmount: { shopMoney: { amount: "14.76" } },
      maximumRefundable: { shopMoney: { amount: "635.65" } },
      financialTransfer: {
        __typename: "RefundReturnOutcome",
        amount: { shopMoney: { amount: "370.33" } },
        suggestedTransactions: [{ amountSet: { shopMoney: { amount: "370.33" } }, kind: "SUGGESTED_REFUND", parentTransaction: { id: sale } }],
      },
    });
    h.events.length = 0;
    const processed = h.gql(PROCESS, {
      input: {
        returnId: created.id,
        returnLineItems: [{ id: returnLineId, quantity: 2, dispositions: [{ reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: "NOT_RESTOCKED" }] }],
        financialTransfer: { issueRefund: { orderTransactions: [{ parentId: sale, transactionAmount: { amount: "370.33", currencyCode: "USD" } }] } },
      },
    });
    expect(processed.errors).toBeUndefined();
    expect(shapeProblems(schema, PROCESS, processed.data)).toEqual([]);
    const done = processed.data?.returnProcess;
    expect(done.userErrors).toEqual([]);
    expect(done.return).toMatchObject({ status: "CLOSED", closedAt: "2026-11-27T12:01:00Z" });
    expect(done.return.returnLineItems.nodes[0]).toMatchObject({ processedQuantity: 2, unprocessedQuantity: 0, processableQuantity: 0, refundedQuantity: 2 });
    expect(done.return.reverseFulfillmentOrders.nodes[0].status).toBe("CLOSED");
    expect(done.return.refunds.nodes[0]).toMatchObject({
      totalRefundedSet: { shopMoney: { amount: "370.33" } },
      return: { id: created.id },
      refundLineItems: { nodes: [{ quantity: 2, restockType: "NO_RESTOCK", restocked: false, subtotalSet: { shopMoney: { amount: "344.24" } }, totalTaxSet: { shopMoney: { amount: "31.09" } }, lineItem: { sku: "PG-BOOT-09" } }] },
      transactions: { nodes: [{ kind: "REFUND", status: "SUCCESS", amountSet: { shopMoney: { amount: "370.33" } }, parentTransaction: { id: sale, kind: "SALE" } }] },
    });
    // NOT_RESTOCKED moves no stock: only the first boot came back.
    expect(available(h, BOOT_ITEM, IDS.brooklyn)).toBe(brooklynBoots + 1);
    expect(topics(h)).toEqual(["reverse_fulfillment_orders/dispose", "refunds/create", "orders/updated", "returns/process", "returns/update", "returns/close"]);
    const refundPayload = h.events.find((e) => e.topic === "refunds/create")?.payload as Json;
    expect(refundPayload).toMatchObject({
      order_id: 5400000000002,
      return: { admin_graphql_api_id: created.id },
      refund_line_items: [{ quantity: 2, restock_type: "no_restock", subtotal: "344.24", total_tax: "31.09", line_item_id: 1700000000004 }],
      transactions: [{ kind: "refund", amount: "370.33", parent_id: Number(sale.split("/").pop()), status: "success" }],
    });
    const order = h.gql(`{ order(id: "${ORDER_1002}") { returnStatus displayFinancialStatus totalRefundedSet { shopMoney { amount } } lineItems(first: 5) { nodes { sku currentQuantity } } } }`)
      .data?.order;
    expect(order).toEqual({
      returnStatus: "RETURNED",
      displayFinancialStatus: "PARTIALLY_REFUNDED",
      totalRefundedSet: { shopMoney: { amount: "370.33" } },
      lineItems: { nodes: [{ sku: "PG-JKT-M", currentQuantity: 1 }, { sku: "PG-BOOT-09", currentQuantity: 0 }] },
    });
  });

  it("refuses returns of unfulfilled, unknown, foreign or already returned units, with field paths, and creates nothing", () => {
    const { h, jacketLine, bootLine } = fulfilled1002();
    const order1001Line = h.gql(`{ order(id: "gid://shopify/Order/5400000000001") { fulfillments { fulfillmentLineItems(first: 1) { nodes { id } } } } }`).data?.order
      .fulfillments[0].fulfillmentLineItems.nodes[0].id as string;
    const body = h.gql(REQUEST, {
      input: {
        orderId: ORDER_1002,
        returnLineItems: [
          { fulfillmentLineItemId: bootLine, quantity: 3 },
          { fulfillmentLineItemId: "gid://shopify/FulfillmentLineItem/1", quantity: 1 },
          { fulfillmentLineItemId: order1001Line, quantity: 1 },
          { fulfillmentLineItemId: jacketLine, quantity: 0 },
        ],
      },
    });
    expect(body.data?.returnRequest.return).toBeNull();
    expect((body.data?.returnRequest.userErrors as Json[]).map((e) => [e.field.join("."), e.code])).toEqual([
      ["input.returnLineItems.0.quantity", "LESS_THAN_OR_EQUAL_TO"],
      ["input.returnLineItems.1.fulfillmentLineItemId", "NOT_FOUND"],
      ["input.returnLineItems.2.fulfillmentLineItemId", "INVALID"],
      ["input.returnLineItems.3.quantity", "GREATER_THAN"],
    ]);
    expect(body.data?.returnRequest.userErrors[0].message).toBe(
      "SKU PG-BOOT-09 (line item 1700000000004) on order #1002 has 2 returnable (fulfilled, not yet returned), 3 requested.",
    );
    expect(h.gql(`{ order(id: "${ORDER_1002}") { returns(first: 5) { nodes { id } } } }`).data?.order.returns.nodes).toEqual([]);
    expect(h.events).toEqual([]);

    // Units in a live return can't go into a second one; an unknown order is NOT_FOUND.
    expect(h.gql(CREATE, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 2 }] } }).data?.returnCreate.userErrors).toEqual([]);
    const again = h.gql(CREATE, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 1 }] } }).data?.returnCreate;
    expect(again.userErrors.map((e: Json) => [e.field.join("."), e.code, e.message])).toEqual([
      ["returnInput.returnLineItems.0.quantity", "LESS_THAN_OR_EQUAL_TO", "SKU PG-BOOT-09 (line item 1700000000004) on order #1002 has 0 returnable (fulfilled, not yet returned), 1 requested."],
    ]);
    const missing = h.gql(CREATE, { input: { orderId: "gid://shopify/Order/1", returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 1 }] } }).data?.returnCreate;
    expect(missing.userErrors).toEqual([{ field: ["returnInput", "orderId"], message: "Order gid://shopify/Order/1 does not exist.", code: "NOT_FOUND" }]);
  });

  it("a staff return (returnCreate) is OPEN at once with its reverse fulfillment order and sends returns/approve", () => {
    const { h, jacketLine } = fulfilled1002();
    const created = h.gql(CREATE, {
      input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: jacketLine, quantity: 1, returnReason: "DEFECTIVE", returnReasonNote: "Zip broke", restockingFee: { percentage: 15 } }] },
    }).data?.returnCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.return).toMatchObject({ status: "OPEN", reverseFulfillmentOrders: { nodes: [{ status: "OPEN", lineItems: { nodes: [{ totalQuantity: 1 }] } }] } });
    // 15% of the jacket's discounted 238.76.
    expect(created.return.returnLineItems.nodes[0].restockingFee).toEqual({ percentage: 15, amountSet: { shopMoney: { amount: "35.81" } } });
    expect(topics(h)).toEqual(["returns/approve"]);
  });

  it("a declined request names its reason, sends returns/decline, and gives the units back", () => {
    const { h, bootLine } = fulfilled1002();
    const id = h.gql(REQUEST, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 2 }] } }).data?.returnRequest.return.id;
    h.events.length = 0;
    const declined = h.gql(DECLINE, { input: { id, declineReason: "FINAL_SALE", declineNote: "Final sale" } }).data?.returnDeclineRequest;
    expect(declined.userErrors).toEqual([]);
    expect(declined.return).toMatchObject({ status: "DECLINED", decline: { reason: "FINAL_SALE", note: "Final sale" } });
    expect(h.events.map((e) => [e.topic, e.payload])).toEqual([
      ["returns/decline", { id: Number(id.split("/").pop()), admin_graphql_api_id: id, order_id: 5400000000002, status: "declined", decline: { reason: "final_sale", note: "Final sale" } }],
    ]);
    expect(h.gql(REQUEST, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 2 }] } }).data?.returnRequest.userErrors).toEqual([]);
    expect(h.gql(APPROVE, { id }).data?.returnApproveRequest.userErrors).toEqual([
      { field: ["input", "id"], message: `Return #1002-R1 is DECLINED; it can't approve (DECLINED is final)`, code: "INVALID_STATE" },
    ]);
  });

  it("cancel: allowed before any work, refused once units are disposed; close and reopen move the reverse fulfillment order too", () => {
    const { h, bootLine, jacketLine } = fulfilled1002();
    const untouched = h.gql(CREATE, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: jacketLine, quantity: 1 }] } }).data?.returnCreate.return;
    h.events.length = 0;
    expect(h.gql(CANCEL, { id: untouched.id }).data?.returnCancel).toEqual({
      return: { id: untouched.id, status: "CANCELED", reverseFulfillmentOrders: { nodes: [{ status: "CANCELED" }] } },
      userErrors: [],
    });
    expect(topics(h)).toEqual(["returns/cancel"]);

    const worked = h.gql(CREATE, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 2 }] } }).data?.returnCreate.return;
    const rfoLine = worked.reverseFulfillmentOrders.nodes[0].lineItems.nodes[0].id;
    h.gql(DISPOSE, { inputs: [{ reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: "MISSING" }] });
    expect(h.gql(CANCEL, { id: worked.id }).data?.returnCancel.userErrors).toEqual([
      { field: ["id"], message: "Return #1002-R2 has disposed items; it can't cancel", code: "INVALID_STATE" },
    ]);
    h.events.length = 0;
    expect(h.gql(CLOSE, { id: worked.id }).data?.returnClose.return).toMatchObject({ status: "CLOSED", closedAt: "2026-11-27T12:00:00Z", reverseFulfillmentOrders: { nodes: [{ status: "CLOSED" }] } });
    expect(h.gql(DISPOSE, { inputs: [{ reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: "MISSING" }] }).data?.reverseFulfillmentOrderDispose.userErrors[0]).toMatchObject({
      field: ["dispositionInputs", "0", "reverseFulfillmentOrderLineItemId"],
      code: "INVALID_STATE",
    });
    expect(h.gql(REOPEN, { id: worked.id }).data?.returnReopen.return).toMatchObject({ status: "OPEN", closedAt: null, reverseFulfillmentOrders: { nodes: [{ status: "OPEN" }] } });
    expect(topics(h)).toEqual(["returns/close", "returns/reopen"]);
  });

  it("dispositions: RESTOCKED needs a location, quantities can't exceed what is left, processing needs an OPEN return", () => {
    const { h, bootLine, sale } = fulfilled1002();
    const requested = h.gql(REQUEST, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 2 }] } }).data?.returnRequest.return;
    const processEarly = h.gql(PROCESS, { input: { returnId: requested.id, returnLineItems: [{ id: requested.returnLineItems.nodes[0].id, quantity: 1 }] } });
    expect(processEarly.data?.returnProcess.userErrors).toEqual([
      { field: ["input", "returnId"], message: "Return #1002-R1 is REQUESTED; only an OPEN return can be processed.", code: "INVALID_STATE" },
    ]);
    const open = h.gql(APPROVE, { id: requested.id }).data?.returnApproveRequest.return;
    const rfoLine = open.reverseFulfillmentOrders.nodes[0].lineItems.nodes[0].id;
    const before = available(h, BOOT_ITEM, IDS.chicago);
    const refused = h.gql(DISPOSE, {
      inputs: [
        { reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: "RESTOCKED" },
        { reverseFulfillmentOrderLineItemId: rfoLine, quantity: 3, dispositionType: "PROCESSING_REQUIRED" },
        { reverseFulfillmentOrderLineItemId: "gid://shopify/ReverseFulfillmentOrderLineItem/1", quantity: 1, dispositionType: "MISSING" },
      ],
    }).data?.reverseFulfillmentOrderDispose;
    expect(refused.userErrors.map((e: Json) => [e.field.join("."), e.code])).toEqual([
      ["dispositionInputs.0.locationId", "BLANK"],
      ["dispositionInputs.1.quantity", "LESS_THAN_OR_EQUAL_TO"],
      ["dispositionInputs.2.reverseFulfillmentOrderLineItemId", "NOT_FOUND"],
    ]);
    // RESTOCKED at another location adds there.
    h.gql(DISPOSE, { inputs: [{ reverseFulfillmentOrderLineItemId: rfoLine, quantity: 2, dispositionType: "RESTOCKED", locationId: IDS.chicago }] });
    expect(available(h, BOOT_ITEM, IDS.chicago)).toBe(before + 2);
    const overRefund = h.gql(PROCESS, {
      input: {
        returnId: requested.id,
        returnLineItems: [{ id: open.returnLineItems.nodes[0].id, quantity: 3 }],
        financialTransfer: { issueRefund: { orderTransactions: [{ parentId: sale, transactionAmount: { amount: "9999.00", currencyCode: "USD" } }] } },
      },
    }).data?.returnProcess.userErrors;
    expect(overRefund.map((e: Json) => [e.field.join("."), e.code])).toEqual([
      ["input.returnLineItems.0.quantity", "LESS_THAN_OR_EQUAL_TO"],
      ["input.financialTransfer.issueRefund.orderTransactions.0.transactionAmount.amount", "LESS_THAN_OR_EQUAL_TO"],
    ]);
  });

  it("processing part of a return leaves it OPEN; the rest closes it", () => {
    const { h, bootLine } = fulfilled1002();
    const open = h.gql(CREATE, { input: { orderId: ORDER_1002, returnLineItems: [{ fulfillmentLineItemId: bootLine, quantity: 2 }] } }).data?.returnCreate.return;
    const line = open.returnLineItems.nodes[0].id;
    const first = h.gql(PROCESS, { input: { returnId: open.id, returnLineItems: [{ id: line, quantity: 1 }] } }).data?.returnProcess.return;
    expect(first.status).toBe("OPEN");
    expect(first.returnLineItems.nodes[0]).toMatchObject({ processedQuantity: 1, processableQuantity: 1, refundedQuantity: 0 });
    expect(first.refunds.nodes).toEqual([]);
    const second = h.gql(PROCESS, { input: { returnId: open.id, returnLineItems: [{ id: line, quantity: 1 }] } }).data?.returnProcess.return;
    expect(second.status).toBe("CLOSED");
  });
});

describe("the transition table", () => {
  const statuses: ReturnStatus[] = ["REQUESTED", "OPEN", "DECLINED", "CANCELED", "CLOSED"];
  const events: ReturnEvent[] = ["approve", "decline", "cancel", "close", "reopen", "complete"];
  const store = new Store({ seed: SEED });
  const record = (status: ReturnStatus): ReturnRecord => ({
    id: 1,
    orderId: 5400000000001,
    name: "#1001-R1",
    status,
    lines: [],
    shippingFees: [],
    decline: null,
    reverseFulfillmentOrderIds: [],
    createdAt: "2026-11-27T12:00:00Z",
    updatedAt: "2026-11-27T12:00:00Z",
    requestApprovedAt: null,
    closedAt: null,
  });

  it.each(statuses.flatMap((status) => events.map((event) => [status, event] as const)))("%s + %s is allowed only by a row of the table", (status, event) => {
    const row = RETURN_TRANSITIONS.find((r) => r.from === status && r.event === event);
    const result = transition(store, record(status), event);
    expect(result.ok).toBe(row !== undefined);
    if (result.ok) expect(result.to).toBe(row?.to);
    else expect(result.message).toContain(status);
  });

  it("reaches every status from the two starting ones, and DECLINED and CANCELED are final", () => {
    const reached = new Set<ReturnStatus>(["REQUESTED", "OPEN"]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const row of RETURN_TRANSITIONS) {
        if (reached.has(row.from) && !reached.has(row.to)) {
          reached.add(row.to);
          changed = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...statuses].sort());
    expect(RETURN_TRANSITIONS.filter((row) => row.from === "DECLINED" || row.from === "CANCELED")).toEqual([]);
  });
});

describe("seeded returns", () => {
  it("are checked like every seed: a return of more than was fulfilled is refused", () => {
    const seed = structuredClone(SEED);
    seed.orders![0]!.fulfillments = [{ id: 4400000000001, createdAt: "2026-11-11T10:00:00Z", lines: [{ id: 4500000000001, lineItemId: 1700000000002, quantity: 2 }] }];
    seed.orders![0]!.fulfillmentStatus = "PARTIALLY_FULFILLED";
    seed.returns = [{ id: 1300000000001, orderId: 5400000000001, status: "REQUESTED", createdAt: "2026-11-20T10:00:00Z", lines: [{ id: 1310000000001, fulfillmentLineItemId: 4500000000001, quantity: 3 }] }];
    expect(() => new Store({ seed })).toThrow(new StoreError("Seed: return 1300000000001 returns 3 of fulfillment line item 4500000000001, which has 2 returnable"));
    seed.returns[0]!.lines[0]!.quantity = 2;
    const store = new Store({ seed });
    expect(store.returns.get(1300000000001)?.name).toBe("#1001-R1");
    expect(store.returnableQuantity(4500000000001)).toBe(0);
  });
});
