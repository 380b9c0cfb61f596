/**
 * Reading returns and orders from the Admin API into the shapes the returns
 * domain takes: minor units (parsed once, here), epoch milliseconds, plain ids.
 */
import { parseMoney } from "../../domain/money";
import type { AdminClient } from "../admin/client.server";
import { OrderReturnables, ReturnCalculate, ReturnDetail, ReturnSuggestedRefund } from "../../../graphql/operations";

type Money = { shopMoney: { amount: string; currencyCode: string } } | null | undefined;

export function moneyMinor(money: Money): number {
  if (!money) return 0;
  const parsed = parseMoney(money.shopMoney.amount, money.shopMoney.currencyCode);
  if (!parsed.ok) throw new RangeError(`Shopify sent ${JSON.stringify(money.shopMoney.amount)} ${money.shopMoney.currencyCode}: ${parsed.message}`);
  return parsed.minor;
}

export interface ReturnableOrder {
  id: string;
  name: string;
  currency: string;
  orderedAt: number;
  /** The latest fulfilment (the window counts from it). */
  fulfilledAt: number | null;
  discountMinor: number;
  totalMinor: number;
  lines: {
    lineItemId: string;
    title: string;
    sku: string | null;
    quantity: number;
    unitPriceMinor: number;
    variantId: string | null;
    inventoryItemId: string | null;
    productTags: string[];
  }[];
  /** Fulfilled units still returnable, per fulfillment line item. */
  returnable: { fulfillmentLineItemId: string; lineItemId: string; quantity: number; fulfilledAt: number }[];
}

export async function readReturnableOrder(admin: AdminClient, orderId: string): Promise<ReturnableOrder | null> {
  const data = await admin.request(OrderReturnables, { orderId });
  const order = data.order;
  if (!order) return null;
  const fulfilledTimes = order.fulfillments.map((f) => Date.parse(f.createdAt)).filter((t) => !Number.isNaN(t));
  return {
    id: order.id,
    name: order.name,
    currency: order.currencyCode,
    orderedAt: Date.parse(order.createdAt),
    fulfilledAt: fulfilledTimes.length > 0 ? Math.max(...fulfilledTimes) : null,
    discountMinor: moneyMinor(order.totalDiscountsSet),
    totalMinor: moneyMinor(order.totalPriceSet),
    lines: order.lineItems.nodes.map((line) => ({
      lineItemId: line.id,
      title: line.title,
      sku: line.sku ?? null,
      quantity: line.currentQuantity,
      unitPriceMinor: moneyMinor(line.originalUnitPriceSet),
      variantId: line.variant?.id ?? null,
      inventoryItemId: line.variant?.inventoryItem.id ?? null,
      productTags: line.product?.tags ?? [],
    })),
    returnable: data.returnableFulfillments.nodes.flatMap((rf) =>
      rf.returnableFulfillmentLineItems.nodes.map((item) => ({
        fulfillmentLineItemId: item.fulfillmentLineItem.id,
        lineItemId: item.fulfillmentLineItem.lineItem.id,
        quantity: item.quantity,
        fulfilledAt: Date.parse(rf.fulfillment.createdAt),
      })),
    ),
  };
}

export interface ReturnSnapshot {
  id: string;
  name: string;
  status: string;
  orderId: string;
  orderName: string;
  shippingFeesMinor: number;
  lines: {
    returnLineItemId: string;
    fulfillmentLineItemId: string | null;
    lineItemId: string | null;
    sku: string | null;
    title: string | null;
    inventoryItemId: string | null;
    variantId: string | null;
    quantity: number;
    processableQuantity: number;
    processedQuantity: number;
    refundableQuantity: number;
    restockingFeePercent: number | null;
    customerNote: string | null;
  }[];
  rfoLines: {
    rfoId: string;
    rfoStatus: string;
    rfoLineItemId: string;
    fulfillmentLineItemId: string | null;
    totalQuantity: number;
    dispositions: { id: string; type: string; quantity: number; locationId: string | null }[];
  }[];
}

export async function readReturn(admin: AdminClient, returnId: string): Promise<ReturnSnapshot | null> {
  const data = await admin.request(ReturnDetail, { id: returnId });
  const ret = data.return;
  if (!ret) return null;
  return {
    id: ret.id,
    name: ret.name,
    status: ret.status,
    orderId: ret.order.id,
    orderName: ret.order.name,
    shippingFeesMinor: ret.returnShippingFees.reduce((sum, fee) => sum + moneyMinor(fee.amountSet), 0),
    lines: ret.returnLineItems.nodes.map((line) => {
      const concrete = "fulfillmentLineItem" in line ? line : null;
      const lineItem = concrete?.fulfillmentLineItem.lineItem ?? null;
      return {
        returnLineItemId: line.id,
        fulfillmentLineItemId: concrete?.fulfillmentLineItem.id ?? null,
        lineItemId: lineItem?.id ?? null,
        sku: lineItem?.sku ?? null,
        title: lineItem?.title ?? null,
        inventoryItemId: lineItem?.variant?.inventoryItem.id ?? null,
        variantId: lineItem?.variant?.id ?? null,
        quantity: line.quantity,
        processableQuantity: line.processableQuantity,
        processedQuantity: line.processedQuantity,
        refundableQuantity: line.refundableQuantity,
        restockingFeePercent: concrete?.restockingFee?.percentage ?? null,
        customerNote: line.customerNote ?? null,
      };
    }),
    rfoLines: ret.reverseFulfillmentOrders.nodes.flatMap((rfo) =>
      rfo.lineItems.nodes.map((line) => ({
        rfoId: rfo.id,
        rfoStatus: rfo.status,
        rfoLineItemId: line.id,
        fulfillmentLineItemId: line.fulfillmentLineItem?.id ?? null,
        totalQuantity: line.totalQuantity,
        dispositions: line.dispositions.map((d) => ({ id: d.id, type: d.type, quantity: d.quantity, locationId: d.location?.id ?? null })),
      })),
    ),
  };
}

export interface SuggestedRefund {
  discountedSubtotalMinor: number;
  taxMinor: number;
  additionalFeesMinor: number;
  /** Positive: a refund; 0: nothing to refund; an invoice is reported as 0 with `invoiceMinor`. */
  amountMinor: number;
  invoiceMinor: number;
  transactions: { parentId: string; amountMinor: number }[];
  currency: string;
}

export async function readSuggestedRefund(admin: AdminClient, returnId: string, lines: { id: string; quantity: number }[]): Promise<SuggestedRefund | null> {
  const data = await admin.request(ReturnSuggestedRefund, { id: returnId, returnLineItems: lines, refundShipping: null });
  const outcome = data.return?.suggestedFinancialOutcome;
  if (!outcome) return null;
  const transfer = outcome.financialTransfer;
  const refund = transfer?.__typename === "RefundReturnOutcome" ? transfer : null;
  const invoice = transfer?.__typename === "InvoiceReturnOutcome" ? transfer : null;
  return {
    discountedSubtotalMinor: moneyMinor(outcome.discountedSubtotal),
    taxMinor: moneyMinor(outcome.totalTax),
    additionalFeesMinor: moneyMinor(outcome.totalAdditionalFees),
    amountMinor: refund ? moneyMinor(refund.amount) : 0,
    invoiceMinor: invoice ? moneyMinor(invoice.amount) : 0,
    transactions: (refund?.suggestedTransactions ?? []).flatMap((t) => (t.parentTransaction ? [{ parentId: t.parentTransaction.id, amountMinor: moneyMinor(t.amountSet) }] : [])),
    currency: outcome.totalTax.shopMoney.currencyCode,
  };
}

export interface CalculatedLine {
  fulfillmentLineItemId: string;
  lineItemId: string;
  quantity: number;
  subtotalMinor: number;
  taxMinor: number;
  restockingFeeMinor: number | null;
}

/** returnCalculate: Shopify's value of units not in a return yet (or of a return's lines, by their fulfillment line items). */
export async function calculateReturn(
  admin: AdminClient,
  orderId: string,
  lines: { fulfillmentLineItemId: string; quantity: number; restockingFeePercent: number }[],
): Promise<CalculatedLine[]> {
  if (lines.length === 0) return [];
  const data = await admin.request(ReturnCalculate, {
    input: {
      orderId,
      returnLineItems: lines.map((line) => ({
        fulfillmentLineItemId: line.fulfillmentLineItemId,
        quantity: line.quantity,
        ...(line.restockingFeePercent > 0 ? { restockingFee: { percentage: line.restockingFeePercent } } : {}),
      })),
    },
  });
  return (data.returnCalculate?.returnLineItems ?? []).map((line) => ({
    fulfillmentLineItemId: line.fulfillmentLineItem.id,
    lineItemId: line.fulfillmentLineItem.lineItem.id,
    quantity: line.quantity,
    subtotalMinor: moneyMinor(line.subtotalSet),
    taxMinor: moneyMinor(line.totalTaxSet),
    restockingFeeMinor: line.restockingFee ? moneyMinor(line.restockingFee.amountSet) : null,
  }));
}
