/**
 * Returns over GraphQL: returnRequest, returnCreate, returnApproveRequest,
 * returnDeclineRequest, returnCancel, returnClose, returnReopen, returnProcess,
 * reverseFulfillmentOrderDispose; the queries return, returnCalculate,
 * returnableFulfillment(s), reverseFulfillmentOrder, fulfillment, refund; and the
 * types around them (Return, ReturnLineItem, ReverseFulfillmentOrder…,
 * Fulfillment, FulfillmentLineItem, Refund, OrderTransaction, Order.returns…).
 *
 * Inputs are checked here into ReturnUserErrors with field paths that follow the
 * input shapes (`["returnInput","returnLineItems","0","quantity"]`); a refused
 * mutation changes nothing. The domain rules are in returns.ts.
 */
import { GraphQLError } from "graphql";

import type { EmulatorContext } from "./context";
import { gid, idOf, toCents } from "./ids";
import type {
  DispositionRecord,
  DispositionType,
  FulfillmentRecord,
  LineItemRecord,
  OrderRecord,
  ReturnDeclineReason,
  ReturnReason,
  ReturnRecord,
  ReverseFulfillmentOrderRecord,
} from "./model";
import {
  node,
  type FulfillmentLineRef,
  type RefundRef,
  type ReturnLineRef,
  type RfoLineRef,
  type TransactionRef,
} from "./nodes";
import { count, field, legacy, listing, lookupTyped, moneyBag, moneyV2, search, type Args, type Lister, type R } from "./resolve";
import {
  applyReturnEvent,
  createReturn,
  financialOutcome,
  orderReturnStatus,
  processableQuantity,
  processReturn,
  refundableQuantity,
  restockItem,
  suggestTransactions,
  transition as returnTransition,
  transactionRefundable,
  valueLines,
  dispose,
  type DispositionPlan,
  type FinancialOutcome,
  type ProcessPlan,
  type ReturnEvent,
  type ReturnLinePlan,
} from "./returns";
import { notEmulated, recordOf, type ResolverMap } from "./schema";
import type { Store } from "./store";

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

const at = (...path: (string | number)[]): string[] => path.map(String);

/* ---------------------------------------------------------------- inputs */

interface MoneyInput {
  amount: unknown;
  currencyCode: string;
}

/** Cents from a MoneyInput in the shop's currency, or the userError saying why not. */
function moneyInput(store: Store, money: MoneyInput, path: string[]): { cents: number } | { error: UserError } {
  if (money.currencyCode !== store.shop.currencyCode) {
    return { error: { field: [...path, "currencyCode"], message: `The currency ${money.currencyCode} is not the shop's currency ${store.shop.currencyCode}.`, code: "INVALID" } };
  }
  try {
    return { cents: toCents(String(money.amount)) };
  } catch {
    return { error: { field: [...path, "amount"], message: `"${String(money.amount)}" is not an amount in ${store.shop.currencyCode}.`, code: "INVALID" } };
  }
}

function describeLine(line: LineItemRecord): string {
  return `${line.sku ? `SKU ${line.sku}` : line.title} (line item ${line.id})`;
}

interface LineInput {
  fulfillmentLineItemId: string;
  quantity: number;
  restockingFee?: { percentage: number } | null;
  returnReason?: ReturnReason | null;
  returnReasonDefinitionId?: string | null;
  returnReasonNote?: string | null;
  customerNote?: string | null;
}

type PlannedLine = ReturnLinePlan & { returnReason: ReturnReason; returnReasonNote: string; customerNote: string | null };

/**
 * Return lines checked against the order's fulfilled units: the fulfillment line
 * item must be on the order, quantities positive and within what is still
 * returnable (summed per fulfillment line item and per order line).
 */
function planLines(store: Store, order: OrderRecord, inputs: LineInput[], path: string[]): { plans: PlannedLine[]; errors: UserError[] } {
  const errors: UserError[] = [];
  const plans: PlannedLine[] = [];
  if (inputs.length === 0) {
    errors.push({ field: [...path, "returnLineItems"], message: "A return needs at least one return line item.", code: "BLANK" });
  }
  const perFli = new Map<number, number>();
  const perLine = new Map<number, number>();
  inputs.forEach((input, index) => {
    const here = (name: string, ...rest: string[]): string[] => [...path, "returnLineItems", String(index), name, ...rest];
    if (input.returnReasonDefinitionId != null) throw notEmulated("return reason definitions (returnReasonDefinitionId)");
    const fliId = idOf(input.fulfillmentLineItemId, "FulfillmentLineItem");
    const found = fliId === null ? undefined : store.fulfillmentLineIndex.get(fliId);
    if (!found) {
      errors.push({ field: here("fulfillmentLineItemId"), message: `Fulfillment line item ${input.fulfillmentLineItemId} does not exist.`, code: "NOT_FOUND" });
      return;
    }
    if (found.fulfillment.orderId !== order.id) {
      errors.push({ field: here("fulfillmentLineItemId"), message: `Fulfillment line item ${input.fulfillmentLineItemId} is not on order ${order.name}.`, code: "INVALID" });
      return;
    }
    const line = order.lineItems.find((candidate) => candidate.id === found.line.lineItemId) as LineItemRecord;
    const percentage = input.restockingFee?.percentage ?? null;
    if (percentage !== null && (percentage < 0 || percentage > 100)) {
      errors.push({ field: here("restockingFee", "percentage"), message: `A restocking fee is a percentage from 0 to 100, not ${percentage}.`, code: "INVALID" });
    }
    if (!Number.isInteger(input.quantity) || input.quantity <= 0) {
      errors.push({ field: here("quantity"), message: `Quantity must be greater than 0 (${describeLine(line)}: ${input.quantity}).`, code: "GREATER_THAN" });
      return;
    }
    const fliTotal = (perFli.get(found.line.id) ?? 0) + input.quantity;
    const lineTotal = (perLine.get(line.id) ?? 0) + input.quantity;
    perFli.set(found.line.id, fliTotal);
    perLine.set(line.id, lineTotal);
    const returnable = Math.min(store.returnableQuantity(found.line.id), store.returnableOfLine(order, line.id) - (lineTotal - fliTotal));
    if (fliTotal > returnable) {
      errors.push({
        field: here("quantity"),
        message: `${describeLine(line)} on order ${order.name} has ${Math.max(0, returnable)} returnable (fulfilled, not yet returned), ${fliTotal} requested.`,
        code: "LESS_THAN_OR_EQUAL_TO",
      });
      return;
    }
    plans.push({
      fulfillmentLineItemId: found.line.id,
      line,
      quantity: input.quantity,
      restockingFeePercentage: percentage,
      returnReason: input.returnReason ?? "UNKNOWN",
      returnReasonNote: input.returnReasonNote ?? "",
      customerNote: input.customerNote ?? null,
    });
  });
  return { plans, errors };
}

function shippingFee(store: Store, fee: { amount: MoneyInput } | null | undefined, path: string[]): { cents: number | null; errors: UserError[] } {
  if (!fee) return { cents: null, errors: [] };
  const parsed = moneyInput(store, fee.amount, [...path, "returnShippingFee", "amount"]);
  if ("error" in parsed) return { cents: null, errors: [parsed.error] };
  if (parsed.cents < 0) {
    return { cents: null, errors: [{ field: [...path, "returnShippingFee", "amount", "amount"], message: "A return shipping fee can't be negative.", code: "GREATER_THAN_OR_EQUAL_TO" }] };
  }
  return { cents: parsed.cents, errors: [] };
}

function findOrder(store: Store, id: unknown, path: string[]): { order: OrderRecord } | { error: UserError } {
  const orderId = idOf(id, "Order");
  const order = orderId === null ? undefined : store.orders.get(orderId);
  return order ? { order } : { error: { field: path, message: `Order ${String(id)} does not exist.`, code: "NOT_FOUND" } };
}

function findReturn(store: Store, id: unknown, path: string[]): { record: ReturnRecord } | { error: UserError } {
  const returnId = idOf(id, "Return");
  const record = returnId === null ? undefined : store.returns.get(returnId);
  return record ? { record } : { error: { field: path, message: `Return ${String(id)} does not exist.`, code: "NOT_FOUND" } };
}

interface DisposeInput {
  reverseFulfillmentOrderLineItemId: string;
  quantity: number;
  dispositionType: DispositionType;
  locationId?: string | null;
}

/** Dispositions checked: the line exists on an OPEN reverse fulfillment order, quantities fit, RESTOCKED names a location. */
function planDispositions(
  store: Store,
  inputs: DisposeInput[],
  path: (index: number) => string[],
  belongsTo?: (rfo: ReverseFulfillmentOrderRecord, lineId: number) => string | null,
): { plans: DispositionPlan[]; errors: UserError[] } {
  const errors: UserError[] = [];
  const plans: DispositionPlan[] = [];
  const perLine = new Map<number, number>();
  inputs.forEach((input, index) => {
    const here = (name: string): string[] => [...path(index), name];
    const lineId = idOf(input.reverseFulfillmentOrderLineItemId, "ReverseFulfillmentOrderLineItem");
    let rfo: ReverseFulfillmentOrderRecord | undefined;
    for (const candidate of store.reverseFulfillmentOrders.values()) if (candidate.lines.some((line) => line.id === lineId)) rfo = candidate;
    const line = rfo?.lines.find((candidate) => candidate.id === lineId);
    if (!rfo || !line) {
      errors.push({ field: here("reverseFulfillmentOrderLineItemId"), message: `Reverse fulfillment order line item ${input.reverseFulfillmentOrderLineItemId} does not exist.`, code: "NOT_FOUND" });
      return;
    }
    const other = belongsTo?.(rfo, line.id) ?? null;
    if (other) {
      errors.push({ field: here("reverseFulfillmentOrderLineItemId"), message: other, code: "INVALID" });
      return;
    }
    if (rfo.status !== "OPEN") {
      errors.push({ field: here("reverseFulfillmentOrderLineItemId"), message: `Reverse fulfillment order ${rfo.id} is ${rfo.status}; only an OPEN one takes dispositions.`, code: "INVALID_STATE" });
      return;
    }
    let locationId: number | null = null;
    if (input.locationId != null) {
      locationId = idOf(input.locationId, "Location");
      if (locationId === null || !store.locations.has(locationId)) {
        errors.push({ field: here("locationId"), message: `Location ${input.locationId} does not exist.`, code: "NOT_FOUND" });
        return;
      }
    } else if (input.dispositionType === "RESTOCKED") {
      errors.push({ field: here("locationId"), message: "A RESTOCKED disposition needs the location the units go back to.", code: "BLANK" });
      return;
    }
    if (!Number.isInteger(input.quantity) || input.quantity <= 0) {
      errors.push({ field: here("quantity"), message: `Quantity must be greater than 0, not ${input.quantity}.`, code: "GREATER_THAN" });
      return;
    }
    const disposed = line.dispositions.reduce((sum, d) => sum + d.quantity, 0);
    const wanted = (perLine.get(line.id) ?? 0) + input.quantity;
    perLine.set(line.id, wanted);
    if (disposed + wanted > line.totalQuantity) {
      errors.push({
        field: here("quantity"),
        message: `Reverse fulfillment order line item ${line.id} has ${line.totalQuantity - disposed} of ${line.totalQuantity} units left to dispose, ${wanted} requested.`,
        code: "LESS_THAN_OR_EQUAL_TO",
      });
      return;
    }
    if (input.dispositionType === "RESTOCKED" && locationId !== null) {
      const itemId = restockItem(store, line.fulfillmentLineItemId);
      if (itemId !== null && !store.level(itemId, locationId)) {
        throw notEmulated(`restocking at a location where the item is not stocked (inventory item ${itemId} at location ${locationId})`);
      }
    }
    plans.push({ rfo, lineId: line.id, type: input.dispositionType, quantity: input.quantity, locationId });
  });
  return { plans, errors };
}

/* ---------------------------------------------------------------- mutations */

function failed(errors: UserError[]): { return: null; userErrors: UserError[] } {
  return { return: null, userErrors: errors };
}

const returnRequest: R = (_s, args, context) => {
  const input = args.input as { orderId: string; returnLineItems: LineInput[]; returnShippingFee?: { amount: MoneyInput } | null };
  const { store } = context;
  const found = findOrder(store, input.orderId, ["input", "orderId"]);
  if ("error" in found) return failed([found.error]);
  const { plans, errors } = planLines(store, found.order, input.returnLineItems, ["input"]);
  const fee = shippingFee(store, input.returnShippingFee, ["input"]);
  errors.push(...fee.errors);
  if (errors.length > 0) return failed(errors);
  const record = createReturn(store, { order: found.order, status: "REQUESTED", lines: plans, shippingFee: fee.cents });
  return { return: node.return(record), userErrors: [] };
};

const returnCreate: R = (_s, args, context) => {
  const input = args.returnInput as {
    orderId: string;
    returnLineItems: LineInput[];
    exchangeLineItems?: unknown[] | null;
    returnShippingFee?: { amount: MoneyInput } | null;
    requestedAt?: string | null;
  };
  const { store } = context;
  if (input.exchangeLineItems && input.exchangeLineItems.length > 0) throw notEmulated("exchange line items (returnCreate exchangeLineItems)");
  const found = findOrder(store, input.orderId, ["returnInput", "orderId"]);
  if ("error" in found) return failed([found.error]);
  const { plans, errors } = planLines(store, found.order, input.returnLineItems, ["returnInput"]);
  const fee = shippingFee(store, input.returnShippingFee, ["returnInput"]);
  errors.push(...fee.errors);
  if (errors.length > 0) return failed(errors);
  const record = createReturn(store, {
    order: found.order,
    status: "OPEN",
    lines: plans,
    shippingFee: fee.cents,
    ...(input.requestedAt ? { createdAt: new Date(Date.parse(input.requestedAt)).toISOString().replace(/\.\d{3}Z$/, "Z") } : {}),
  });
  return { return: node.return(record), userErrors: [] };
};

/** A status change by event, with the return looked up at `path`. */
function statusMutation(event: ReturnEvent, idOfArgs: (args: Args) => unknown, path: string[], extra?: (args: Args) => { reason: ReturnDeclineReason; note: string | null }): R {
  return (_s, args, context) => {
    const { store } = context;
    const found = findReturn(store, idOfArgs(args), path);
    if ("error" in found) return failed([found.error]);
    const allowed = returnTransition(store, found.record, event);
    if (!allowed.ok) return failed([{ field: path, message: allowed.message, code: "INVALID_STATE" }]);
    applyReturnEvent(store, found.record, event, extra?.(args));
    return { return: node.return(found.record), userErrors: [] };
  };
}

const returnApproveRequest = statusMutation("approve", (args) => (args.input as { id: string }).id, ["input", "id"]);
const returnDeclineRequest = statusMutation(
  "decline",
  (args) => (args.input as { id: string }).id,
  ["input", "id"],
  (args) => {
    const input = args.input as { declineReason: ReturnDeclineReason; declineNote?: string | null };
    return { reason: input.declineReason, note: input.declineNote ?? null };
  },
);
const returnCancel = statusMutation("cancel", (args) => args.id, ["id"]);
const returnClose = statusMutation("close", (args) => args.id, ["id"]);
const returnReopen = statusMutation("reopen", (args) => args.id, ["id"]);

interface ProcessInput {
  returnId: string;
  returnLineItems?: { id: string; quantity: number; dispositions?: DisposeInput[] | null }[] | null;
  exchangeLineItems?: unknown[] | null;
  refundDuties?: unknown[] | null;
  refundShipping?: { fullRefund?: boolean | null; shippingRefundAmount?: MoneyInput | null } | null;
  financialTransfer?: {
    issueRefund?: {
      allowOverRefunding?: boolean | null;
      orderTransactions: { parentId: string; transactionAmount: MoneyInput }[];
      refundMethods?: unknown[] | null;
    } | null;
  } | null;
  note?: string | null;
  tipLineId?: string | null;
}

const returnProcess: R = (_s, args, context) => {
  const input = args.input as ProcessInput;
  const { store } = context;
  if (input.exchangeLineItems && input.exchangeLineItems.length > 0) throw notEmulated("exchange line items (returnProcess exchangeLineItems)");
  if (input.refundDuties && input.refundDuties.length > 0) throw notEmulated("duties (returnProcess refundDuties)");
  if (input.tipLineId != null) throw notEmulated("tip lines (returnProcess tipLineId)");
  const issue = input.financialTransfer?.issueRefund ?? null;
  if (issue?.refundMethods && issue.refundMethods.length > 0) throw notEmulated("refund methods such as store credit (issueRefund.refundMethods)");
  const found = findReturn(store, input.returnId, ["input", "returnId"]);
  if ("error" in found) return failed([found.error]);
  const { record } = found;
  if (record.status !== "OPEN") {
    return failed([{ field: ["input", "returnId"], message: `Return ${record.name} is ${record.status}; only an OPEN return can be processed.`, code: "INVALID_STATE" }]);
  }
  const order = store.orders.get(record.orderId) as OrderRecord;
  const errors: UserError[] = [];
  const lineInputs = input.returnLineItems ?? [];
  if (lineInputs.length === 0) errors.push({ field: ["input", "returnLineItems"], message: "Processing needs at least one return line item.", code: "BLANK" });
  const lines: ProcessPlan["lines"] = [];
  const dispositionInputs: { input: DisposeInput; lineIndex: number; index: number; returnLineId: number }[] = [];
  const perLine = new Map<number, number>();
  lineInputs.forEach((entry, index) => {
    const here = (name: string): string[] => at("input", "returnLineItems", index, name);
    const lineId = idOf(entry.id, "ReturnLineItem");
    const line = record.lines.find((candidate) => candidate.id === lineId);
    if (!line) {
      errors.push({ field: here("id"), message: `Return line item ${entry.id} is not on return ${record.name}.`, code: "NOT_FOUND" });
      return;
    }
    if (!Number.isInteger(entry.quantity) || entry.quantity <= 0) {
      errors.push({ field: here("quantity"), message: `Quantity must be greater than 0, not ${entry.quantity}.`, code: "GREATER_THAN" });
      return;
    }
    const wanted = (perLine.get(line.id) ?? 0) + entry.quantity;
    perLine.set(line.id, wanted);
    if (wanted > processableQuantity(record, line)) {
      errors.push({
        field: here("quantity"),
        message: `Return line item ${line.id} has ${processableQuantity(record, line)} processable units, ${wanted} requested.`,
        code: "LESS_THAN_OR_EQUAL_TO",
      });
      return;
    }
    lines.push({ line, quantity: entry.quantity });
    const disposed = (entry.dispositions ?? []).reduce((sum, d) => sum + d.quantity, 0);
    if (disposed > entry.quantity) {
      errors.push({ field: here("dispositions"), message: `Dispositions cover ${disposed} units; the line processes ${entry.quantity}.`, code: "LESS_THAN_OR_EQUAL_TO" });
    }
    (entry.dispositions ?? []).forEach((d, dIndex) => dispositionInputs.push({ input: d, lineIndex: index, index: dIndex, returnLineId: line.id }));
  });
  const planned = planDispositions(
    store,
    dispositionInputs.map((d) => d.input),
    (index) => {
      const d = dispositionInputs[index] as (typeof dispositionInputs)[number];
      return at("input", "returnLineItems", d.lineIndex, "dispositions", d.index);
    },
    (rfo, rfoLineId) => {
      const wantedLine = dispositionInputs.find((d) => idOf(d.input.reverseFulfillmentOrderLineItemId, "ReverseFulfillmentOrderLineItem") === rfoLineId)?.returnLineId;
      const rfoLine = rfo.lines.find((line) => line.id === rfoLineId);
      return rfo.returnId === record.id && rfoLine?.returnLineId === wantedLine ? null : `Reverse fulfillment order line item ${rfoLineId} is not the one of the return line item it is listed under.`;
    },
  );
  errors.push(...planned.errors);

  let shipping = 0;
  const shippingLeft = order.shippingPrice - order.refunds.reduce((sum, refund) => sum + refund.shipping, 0);
  if (input.refundShipping) {
    if (input.refundShipping.fullRefund) shipping = shippingLeft;
    else if (input.refundShipping.shippingRefundAmount) {
      const parsed = moneyInput(store, input.refundShipping.shippingRefundAmount, ["input", "refundShipping", "shippingRefundAmount"]);
      if ("error" in parsed) errors.push(parsed.error);
      else if (parsed.cents < 0 || parsed.cents > shippingLeft) {
        errors.push({
          field: ["input", "refundShipping", "shippingRefundAmount", "amount"],
          message: `Order ${order.name} has ${shippingLeft} cents of shipping left to refund, ${parsed.cents} requested.`,
          code: "LESS_THAN_OR_EQUAL_TO",
        });
      } else shipping = parsed.cents;
    }
    if (!issue && shipping > 0) {
      errors.push({ field: ["input", "refundShipping"], message: "Refunding shipping needs financialTransfer.issueRefund with the transactions that pay it back.", code: "INVALID" });
    }
  }
  const transactions: { parentId: number; amount: number }[] = [];
  if (issue) {
    const perParent = new Map<number, number>();
    issue.orderTransactions.forEach((entry, index) => {
      const here = (...rest: string[]): string[] => at("input", "financialTransfer", "issueRefund", "orderTransactions", index, ...rest);
      const parentId = idOf(entry.parentId, "OrderTransaction");
      const parent = order.transactions.find((t) => t.id === parentId);
      if (!parent || (parent.kind !== "SALE" && parent.kind !== "CAPTURE")) {
        errors.push({ field: here("parentId"), message: `${entry.parentId} is not a sale or capture of order ${order.name}.`, code: "NOT_FOUND" });
        return;
      }
      const parsed = moneyInput(store, entry.transactionAmount, here("transactionAmount"));
      if ("error" in parsed) {
        errors.push(parsed.error);
        return;
      }
      const wanted = (perParent.get(parent.id) ?? 0) + parsed.cents;
      perParent.set(parent.id, wanted);
      if (parsed.cents <= 0) {
        errors.push({ field: here("transactionAmount", "amount"), message: "A refund transaction's amount must be greater than 0.", code: "GREATER_THAN" });
      } else if (wanted > transactionRefundable(order, parent)) {
        errors.push({
          field: here("transactionAmount", "amount"),
          message: `Transaction ${parent.id} has ${transactionRefundable(order, parent)} cents left to refund, ${wanted} requested.`,
          code: "LESS_THAN_OR_EQUAL_TO",
        });
      } else transactions.push({ parentId: parent.id, amount: parsed.cents });
    });
  }
  if (errors.length > 0) return failed(errors);
  processReturn(store, {
    record,
    lines,
    dispositions: planned.plans,
    refund: issue ? { transactions, shipping, note: input.note ?? null } : null,
  });
  return { return: node.return(record), userErrors: [] };
};

const reverseFulfillmentOrderDispose: R = (_s, args, context) => {
  const inputs = args.dispositionInputs as DisposeInput[];
  const { store } = context;
  const planned = planDispositions(store, inputs, (index) => at("dispositionInputs", index));
  if (planned.errors.length > 0) return { reverseFulfillmentOrderLineItems: null, userErrors: planned.errors };
  dispose(store, planned.plans);
  const touched = new Map<number, unknown>();
  for (const plan of planned.plans) {
    const line = plan.rfo.lines.find((candidate) => candidate.id === plan.lineId);
    if (line && !touched.has(line.id)) touched.set(line.id, node.rfoLine(plan.rfo, line));
  }
  return { reverseFulfillmentOrderLineItems: [...touched.values()], userErrors: [] };
};

export const returnMutations: Record<string, R> = {
  returnRequest,
  returnCreate,
  returnApproveRequest,
  returnDeclineRequest,
  returnCancel,
  returnClose,
  returnReopen,
  returnProcess,
  reverseFulfillmentOrderDispose,
};

/* ---------------------------------------------------------------- queries */

/** returnCalculate: what a return of these units would be worth (money.ts), without creating it. */
const returnCalculate: R = (_s, args, context) => {
  const input = args.input as { orderId: string; returnLineItems?: LineInput[] | null; exchangeLineItems?: unknown[] | null; returnShippingFee?: { amount: MoneyInput } | null };
  const { store } = context;
  if (input.exchangeLineItems && input.exchangeLineItems.length > 0) throw notEmulated("exchange line items (returnCalculate exchangeLineItems)");
  const found = findOrder(store, input.orderId, ["input", "orderId"]);
  if ("error" in found) return null;
  const { plans, errors } = planLines(store, found.order, input.returnLineItems ?? [], ["input"]);
  const fee = shippingFee(store, input.returnShippingFee, ["input"]);
  const problems = [...errors.filter((e) => e.code !== "BLANK"), ...fee.errors];
  if (problems.length > 0) {
    throw new GraphQLError(problems.map((e) => `${(e.field ?? []).join(".")}: ${e.message}`).join(" "), { extensions: { code: "BAD_REQUEST" } });
  }
  const valued = valueLines(found.order, plans);
  return {
    exchangeLineItems: [],
    returnLineItems: valued.map((value) => {
      const fli = store.fulfillmentLineIndex.get(value.plan.fulfillmentLineItemId);
      return {
        fulfillmentLineItem: fli ? node.fulfillmentLine(fli.fulfillment, fli.line) : null,
        quantity: value.plan.quantity,
        subtotalBeforeOrderDiscountsSet: moneyBag(store, value.gross),
        subtotalSet: moneyBag(store, value.subtotal),
        totalTaxSet: moneyBag(store, value.tax),
        restockingFee:
          value.plan.restockingFeePercentage === null
            ? null
            : { __typename: "CalculatedRestockingFee", percentage: value.plan.restockingFeePercentage, amountSet: moneyBag(store, value.restockingFee) },
      };
    }),
    returnShippingFee: fee.cents === null ? null : { __typename: "CalculatedReturnShippingFee", amountSet: moneyBag(store, fee.cents) },
  };
};

function returnUnits(record: ReturnRecord, entries: { id: string; quantity: number }[], what: string): { line: ReturnRecord["lines"][number]; quantity: number }[] {
  return entries.map((entry) => {
    const lineId = idOf(entry.id, "ReturnLineItem");
    const line = record.lines.find((candidate) => candidate.id === lineId);
    if (!line) throw new GraphQLError(`${what}: return line item ${entry.id} is not on return ${record.name}`, { extensions: { code: "BAD_REQUEST" } });
    if (!Number.isInteger(entry.quantity) || entry.quantity < 0 || entry.quantity > line.quantity - line.refundedQuantity) {
      throw new GraphQLError(`${what}: return line item ${entry.id} has ${line.quantity - line.refundedQuantity} refundable, ${entry.quantity} requested`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
    return { line, quantity: entry.quantity };
  });
}

function shippingRequest(store: Store, outcomeShippingLeft: number, input: { fullRefund?: boolean | null; shippingRefundAmount?: MoneyInput | null } | null | undefined): number {
  if (!input) return 0;
  if (input.fullRefund) return outcomeShippingLeft;
  if (!input.shippingRefundAmount) return 0;
  const parsed = moneyInput(store, input.shippingRefundAmount, ["refundShipping", "shippingRefundAmount"]);
  if ("error" in parsed) throw new GraphQLError(parsed.error.message, { extensions: { code: "BAD_REQUEST" } });
  return parsed.cents;
}

function shippingRefund(store: Store, outcome: FinancialOutcome): Record<string, unknown> {
  return {
    amountSet: moneyBag(store, outcome.shipping),
    maximumRefundableSet: moneyBag(store, outcome.shippingMaximum),
    taxSet: moneyBag(store, 0),
  };
}

function suggestedTransactions(store: Store, order: OrderRecord, amount: number): unknown[] {
  return suggestTransactions(order, amount).map(({ transaction, amount: part, refundable }) => ({
    amountSet: moneyBag(store, part),
    maximumRefundableSet: moneyBag(store, refundable),
    kind: "SUGGESTED_REFUND",
    parentTransaction: node.transaction(order, transaction),
  }));
}

function outcomeFor(store: Store, record: ReturnRecord, args: Args, entriesKey: string, what: string): { outcome: FinancialOutcome; order: OrderRecord } {
  if (Array.isArray(args.exchangeLineItems) && args.exchangeLineItems.length > 0) throw notEmulated(`exchange line items (${what})`);
  if (Array.isArray(args.refundDuties) && args.refundDuties.length > 0) throw notEmulated(`duties (${what})`);
  if (args.tipLineId != null) throw notEmulated(`tip lines (${what})`);
  const order = store.orders.get(record.orderId) as OrderRecord;
  const entries = (args[entriesKey] as { id?: string; returnLineItemId?: string; quantity: number }[]).map((entry) => ({
    id: entry.id ?? entry.returnLineItemId ?? "",
    quantity: entry.quantity,
  }));
  const units = returnUnits(record, entries, what);
  const left = order.shippingPrice - order.refunds.reduce((sum, refund) => sum + refund.shipping, 0);
  const shipping = shippingRequest(store, left, args.refundShipping as Parameters<typeof shippingRequest>[2]);
  return { outcome: financialOutcome(store, record, units, shipping), order };
}

export const returnQueries: Record<string, R> = {
  return: (_s, args, context) => lookupTyped(context.store, args.id, "Return"),
  returnCalculate,
  returnableFulfillment: (_s, args, context) => lookupTyped(context.store, args.id, "ReturnableFulfillment"),
  reverseFulfillmentOrder: (_s, args, context) => lookupTyped(context.store, args.id, "ReverseFulfillmentOrder"),
  fulfillment: (_s, args, context) => lookupTyped(context.store, args.id, "Fulfillment"),
  refund: (_s, args, context) => lookupTyped(context.store, args.id, "Refund"),
};

/* ---------------------------------------------------------------- types */

function orderOf(store: Store, orderId: number): unknown {
  const order = store.orders.get(orderId);
  return order ? node.order(order) : null;
}

function lineOf(store: Store, orderId: number, lineItemId: number): unknown {
  const order = store.orders.get(orderId);
  const line = order?.lineItems.find((candidate) => candidate.id === lineItemId);
  return order && line ? node.lineItem(order, line) : null;
}

const STATUS_SEARCH = {
  status: { kind: "text" as const, get: (r: ReturnRecord) => r.status.toLowerCase() },
  created_at: { kind: "date" as const, get: (r: ReturnRecord) => r.createdAt },
  updated_at: { kind: "date" as const, get: (r: ReturnRecord) => r.updatedAt },
};

export const returnListers: Record<string, Lister> = {
  "QueryRoot.returnableFulfillments": (_s, args, context) => {
    const orderId = idOf(args.orderId, "Order");
    const order = orderId === null ? undefined : context.store.orders.get(orderId);
    if (!order) throw new GraphQLError(`Order ${String(args.orderId)} does not exist`, { extensions: { code: "BAD_REQUEST" } });
    const items = order.fulfillments.filter((f) => f.status === "SUCCESS" && f.lines.some((line) => context.store.returnableQuantity(line.id) > 0));
    return listing(items, (f) => f.id, (f) => f.id, node.returnableFulfillment);
  },
  "ReturnableFulfillment.returnableFulfillmentLineItems": (source, _args, context) => {
    const fulfillment = recordOf<FulfillmentRecord>(source);
    const items = fulfillment.lines.filter((line) => context.store.returnableQuantity(line.id) > 0);
    return listing(items, (l) => l.id, (l) => l.id, (l) => ({
      fulfillmentLineItem: node.fulfillmentLine(fulfillment, l),
      quantity: context.store.returnableQuantity(l.id),
    }));
  },
  "Order.returns": (source, args, context, info) => {
    const order = recordOf<OrderRecord>(source);
    const match = search(context, info, args, STATUS_SEARCH);
    return listing(context.store.returnsOf(order.id).filter(match), (r) => r.id, (r) => r.id, node.return);
  },
  "Return.returnLineItems": (source, args) => {
    const record = recordOf<ReturnRecord>(source);
    const filter = args.processingStatus as "PROCESSABLE" | "PROCESSED" | null | undefined;
    const items = record.lines.filter((line) =>
      filter === "PROCESSABLE" ? processableQuantity(record, line) > 0 : filter === "PROCESSED" ? line.processedQuantity > 0 : true,
    );
    return listing(items, (l) => l.id, (l) => l.id, (l) => node.returnLine(record, l));
  },
  "Return.reverseFulfillmentOrders": (source, _args, context) => {
    const record = recordOf<ReturnRecord>(source);
    const items = record.reverseFulfillmentOrderIds.map((id) => context.store.reverseFulfillmentOrders.get(id)).filter((r): r is ReverseFulfillmentOrderRecord => !!r);
    return listing(items, (r) => r.id, (r) => r.id, node.reverseFulfillmentOrder);
  },
  "Return.refunds": (source, _args, context) => {
    const record = recordOf<ReturnRecord>(source);
    const order = context.store.orders.get(record.orderId) as OrderRecord;
    return listing(order.refunds.filter((refund) => refund.returnId === record.id), (r) => r.id, (r) => r.id, (r) => node.refund(order, r));
  },
  "Return.exchangeLineItems": () => listing([] as never[], () => 0, () => 0, () => null),
  "ReverseFulfillmentOrder.lineItems": (source) => {
    const rfo = recordOf<ReverseFulfillmentOrderRecord>(source);
    return listing(rfo.lines, (l) => l.id, (l) => l.id, (l) => node.rfoLine(rfo, l));
  },
  // Reverse deliveries are not created by anything the emulator does: there are none.
  "ReverseFulfillmentOrder.reverseDeliveries": () => listing([] as never[], () => 0, () => 0, () => null),
  "Fulfillment.fulfillmentLineItems": (source) => {
    const fulfillment = recordOf<FulfillmentRecord>(source);
    return listing(fulfillment.lines, (l) => l.id, (l) => l.id, (l) => node.fulfillmentLine(fulfillment, l));
  },
  "Refund.refundLineItems": (source, _args, context) => {
    const { order, refund } = recordOf<RefundRef>(source);
    return listing(refund.lines, (l) => l.id, (l) => l.id, (l) => ({
      id: gid("RefundLineItem", l.id),
      lineItem: lineOf(context.store, order.id, l.lineItemId),
      location: (() => {
        const location = l.locationId === null ? undefined : context.store.locations.get(l.locationId);
        return location ? node.location(location) : null;
      })(),
      priceSet: moneyBag(context.store, order.lineItems.find((line) => line.id === l.lineItemId)?.price ?? 0),
      quantity: l.quantity,
      restockType: l.restockType === "cancel" ? "CANCEL" : l.restockType === "return" ? "RETURN" : "NO_RESTOCK",
      restocked: l.restockType !== "no_restock",
      subtotalSet: moneyBag(context.store, l.subtotal),
      totalTaxSet: moneyBag(context.store, l.totalTax),
    }));
  },
  "Refund.transactions": (source) => {
    const { order, refund } = recordOf<RefundRef>(source);
    const items = order.transactions.filter((t) => refund.transactionIds.includes(t.id));
    return listing(items, (t) => t.id, (t) => t.id, (t) => node.transaction(order, t));
  },
};

function limited<T>(items: T[], first: unknown): T[] {
  return typeof first === "number" ? items.slice(0, Math.max(0, first)) : items;
}

export const returnTypeResolvers: ResolverMap<EmulatorContext> = {
  Order: {
    returnStatus: field<OrderRecord>((o, context) => orderReturnStatus(context.store, o.id)),
    fulfillments: (source, args, context, info) => {
      const order = recordOf<OrderRecord>(source);
      const match = search(context, info, args, {
        id: { kind: "number", get: (f: FulfillmentRecord) => f.id },
        status: { kind: "text", get: (f: FulfillmentRecord) => f.status.toLowerCase() },
        created_at: { kind: "date", get: (f: FulfillmentRecord) => f.createdAt },
        updated_at: { kind: "date", get: (f: FulfillmentRecord) => f.updatedAt },
      });
      return limited(order.fulfillments.filter(match), args.first).map(node.fulfillment);
    },
    refunds: field<OrderRecord>((o, _c, args) => limited(o.refunds, args.first).map((r) => node.refund(o, r))),
    transactions: field<OrderRecord>((o, _c, args) => {
      if (args.capturable != null) throw notEmulated("Order.transactions(capturable:)");
      if (args.manuallyResolvable != null) throw notEmulated("Order.transactions(manuallyResolvable:)");
      return limited(o.transactions, args.first).map((t) => node.transaction(o, t));
    }),
    transactionsCount: field<OrderRecord>((o) => count(o.transactions.length)),
  },

  Fulfillment: {
    ...legacy("Fulfillment"),
    name: field<FulfillmentRecord>((f, context) => `${context.store.orders.get(f.orderId)?.name ?? ""}.${f.sequence}`),
    status: field<FulfillmentRecord>((f) => f.status),
    createdAt: field<FulfillmentRecord>((f) => f.createdAt),
    updatedAt: field<FulfillmentRecord>((f) => f.updatedAt),
    order: field<FulfillmentRecord>((f, context) => orderOf(context.store, f.orderId)),
    location: field<FulfillmentRecord>((f, context) => {
      const location = f.locationId === null ? undefined : context.store.locations.get(f.locationId);
      return location ? node.location(location) : null;
    }),
    totalQuantity: field<FulfillmentRecord>((f) => f.lines.reduce((sum, line) => sum + line.quantity, 0)),
    requiresShipping: field<FulfillmentRecord>((f, context) => {
      const order = context.store.orders.get(f.orderId);
      return f.lines.some((entry) => {
        const line = order?.lineItems.find((candidate) => candidate.id === entry.lineItemId);
        const variant = line?.variantId != null ? context.store.variants.get(line.variantId) : undefined;
        return variant ? (context.store.inventoryItems.get(variant.inventoryItemId)?.requiresShipping ?? false) : false;
      });
    }),
    // The emulator's fulfillments carry no tracking.
    trackingInfo: () => [],
  },

  FulfillmentLineItem: {
    id: field<FulfillmentLineRef>((r) => gid("FulfillmentLineItem", r.id)),
    quantity: field<FulfillmentLineRef>((r) => r.line.quantity),
    lineItem: field<FulfillmentLineRef>((r, context) => lineOf(context.store, r.fulfillment.orderId, r.line.lineItemId)),
    originalTotalSet: field<FulfillmentLineRef>((r, context) => {
      const line = context.store.orders.get(r.fulfillment.orderId)?.lineItems.find((candidate) => candidate.id === r.line.lineItemId);
      return moneyBag(context.store, (line?.price ?? 0) * r.line.quantity);
    }),
  },

  ReturnableFulfillment: {
    id: field<FulfillmentRecord>((f) => gid("ReturnableFulfillment", f.id)),
    fulfillment: field<FulfillmentRecord>((f) => node.fulfillment(f)),
  },

  Return: {
    id: field<ReturnRecord>((r) => gid("Return", r.id)),
    name: field<ReturnRecord>((r) => r.name),
    status: field<ReturnRecord>((r) => r.status),
    createdAt: field<ReturnRecord>((r) => r.createdAt),
    closedAt: field<ReturnRecord>((r) => r.closedAt),
    requestApprovedAt: field<ReturnRecord>((r) => r.requestApprovedAt),
    decline: field<ReturnRecord>((r) => (r.decline ? { reason: r.decline.reason, note: r.decline.note } : null)),
    order: field<ReturnRecord>((r, context) => orderOf(context.store, r.orderId)),
    totalQuantity: field<ReturnRecord>((r) => r.lines.reduce((sum, line) => sum + line.quantity, 0)),
    returnShippingFees: field<ReturnRecord>((r, context) =>
      r.shippingFees.map((fee) => ({ id: gid("ReturnShippingFee", fee.id), amountSet: moneyBag(context.store, fee.amount) })),
    ),
    suggestedFinancialOutcome: (source, args, context) => {
      const record = recordOf<ReturnRecord>(source);
      if (args.refundMethodAllocation != null && args.refundMethodAllocation !== "ORIGINAL_PAYMENT_METHODS") {
        throw notEmulated(`Return.suggestedFinancialOutcome(refundMethodAllocation: ${String(args.refundMethodAllocation)})`);
      }
      const { outcome, order } = outcomeFor(context.store, record, args, "returnLineItems", "Return.suggestedFinancialOutcome");
      const { store } = context;
      return {
        discountedSubtotal: moneyBag(store, outcome.discountedSubtotal),
        maximumRefundable: moneyBag(store, outcome.maximumRefundable),
        refundDuties: [],
        shipping: shippingRefund(store, outcome),
        totalAdditionalFees: moneyBag(store, outcome.fees),
        totalCartDiscountAmount: moneyBag(store, outcome.discount),
        totalDuties: moneyBag(store, 0),
        totalTax: moneyBag(store, outcome.tax),
        financialTransfer:
          outcome.net > 0
            ? {
                __typename: "RefundReturnOutcome",
                amount: moneyBag(store, Math.min(outcome.net, outcome.maximumRefundable)),
                suggestedTransactions: suggestedTransactions(store, order, Math.min(outcome.net, outcome.maximumRefundable)),
              }
            : outcome.net < 0
              ? { __typename: "InvoiceReturnOutcome", amount: moneyBag(store, -outcome.net) }
              : null,
      };
    },
    suggestedRefund: (source, args, context) => {
      const record = recordOf<ReturnRecord>(source);
      const { outcome, order } = outcomeFor(context.store, record, args, "returnRefundLineItems", "Return.suggestedRefund");
      const { store } = context;
      const amount = Math.max(0, Math.min(outcome.net, outcome.maximumRefundable));
      return {
        amount: moneyBag(store, amount),
        subtotal: moneyBag(store, outcome.gross),
        discountedSubtotal: moneyBag(store, outcome.discountedSubtotal),
        totalCartDiscountAmount: moneyBag(store, outcome.discount),
        totalTax: moneyBag(store, outcome.tax),
        totalDuties: moneyBag(store, 0),
        refundDuties: [],
        maximumRefundable: moneyBag(store, outcome.maximumRefundable),
        shipping: shippingRefund(store, outcome),
        suggestedTransactions: suggestedTransactions(store, order, amount),
      };
    },
  },

  ReturnLineItem: {
    id: field<ReturnLineRef>((r) => gid("ReturnLineItem", r.id)),
    quantity: field<ReturnLineRef>((r) => r.line.quantity),
    processedQuantity: field<ReturnLineRef>((r) => r.line.processedQuantity),
    unprocessedQuantity: field<ReturnLineRef>((r) => r.line.quantity - r.line.processedQuantity),
    processableQuantity: field<ReturnLineRef>((r) => processableQuantity(r.ret, r.line)),
    refundedQuantity: field<ReturnLineRef>((r) => r.line.refundedQuantity),
    refundableQuantity: field<ReturnLineRef>((r) => refundableQuantity(r.ret, r.line)),
    returnReason: field<ReturnLineRef>((r) => r.line.returnReason),
    returnReasonNote: field<ReturnLineRef>((r) => r.line.returnReasonNote),
    customerNote: field<ReturnLineRef>((r) => r.line.customerNote),
    // No reason definitions are emulated: a line carries the (deprecated) ReturnReason only.
    returnReasonDefinition: () => null,
    fulfillmentLineItem: field<ReturnLineRef>((r, context) => {
      const found = context.store.fulfillmentLineIndex.get(r.line.fulfillmentLineItemId);
      return found ? node.fulfillmentLine(found.fulfillment, found.line) : null;
    }),
    restockingFee: field<ReturnLineRef>((r, context) => {
      const fee = r.line.restockingFee;
      if (!fee) return null;
      const order = context.store.orders.get(r.ret.orderId) as OrderRecord;
      const line = order.lineItems.find((candidate) => candidate.id === r.line.lineItemId) as LineItemRecord;
      const [value] = valueLines(order, [{ fulfillmentLineItemId: r.line.fulfillmentLineItemId, line, quantity: r.line.quantity, restockingFeePercentage: fee.percentage }]);
      return { id: gid("RestockingFee", fee.id), percentage: fee.percentage, amountSet: moneyBag(context.store, value?.restockingFee ?? 0) };
    }),
  },

  ReverseFulfillmentOrder: {
    id: field<ReverseFulfillmentOrderRecord>((r) => gid("ReverseFulfillmentOrder", r.id)),
    status: field<ReverseFulfillmentOrderRecord>((r) => r.status),
    order: field<ReverseFulfillmentOrderRecord>((r, context) => orderOf(context.store, r.orderId)),
  },

  ReverseFulfillmentOrderLineItem: {
    id: field<RfoLineRef>((r) => gid("ReverseFulfillmentOrderLineItem", r.id)),
    totalQuantity: field<RfoLineRef>((r) => r.line.totalQuantity),
    dispositions: field<RfoLineRef>((r) => r.line.dispositions.map(node.disposition)),
    fulfillmentLineItem: field<RfoLineRef>((r, context) => {
      const found = context.store.fulfillmentLineIndex.get(r.line.fulfillmentLineItemId);
      return found ? node.fulfillmentLine(found.fulfillment, found.line) : null;
    }),
  },

  ReverseFulfillmentOrderDisposition: {
    id: field<DispositionRecord>((d) => gid("ReverseFulfillmentOrderDisposition", d.id)),
    type: field<DispositionRecord>((d) => d.type),
    quantity: field<DispositionRecord>((d) => d.quantity),
    createdAt: field<DispositionRecord>((d) => d.createdAt),
    location: field<DispositionRecord>((d, context) => {
      const location = d.locationId === null ? undefined : context.store.locations.get(d.locationId);
      return location ? node.location(location) : null;
    }),
  },

  Refund: {
    id: field<RefundRef>((r) => gid("Refund", r.id)),
    legacyResourceId: field<RefundRef>((r) => String(r.id)),
    createdAt: field<RefundRef>((r) => r.refund.createdAt),
    processedAt: field<RefundRef>((r) => r.refund.createdAt),
    updatedAt: field<RefundRef>((r) => r.refund.createdAt),
    note: field<RefundRef>((r) => r.refund.note),
    order: field<RefundRef>((r) => node.order(r.order)),
    totalRefundedSet: field<RefundRef>((r, context) => moneyBag(context.store, r.refund.amount)),
    return: field<RefundRef>((r, context) => {
      const record = r.refund.returnId === null ? undefined : context.store.returns.get(r.refund.returnId);
      return record ? node.return(record) : null;
    }),
  },

  OrderTransaction: {
    id: field<TransactionRef>((r) => gid("OrderTransaction", r.id)),
    kind: field<TransactionRef>((r) => r.transaction.kind),
    status: field<TransactionRef>((r) => r.transaction.status),
    test: field<TransactionRef>((r) => r.transaction.test),
    createdAt: field<TransactionRef>((r) => r.transaction.createdAt),
    processedAt: field<TransactionRef>((r) => r.transaction.processedAt),
    amountSet: field<TransactionRef>((r, context) => moneyBag(context.store, r.transaction.amount)),
    maximumRefundableV2: field<TransactionRef>((r, context) =>
      r.transaction.kind === "SALE" || r.transaction.kind === "CAPTURE" ? moneyV2(context.store, transactionRefundable(r.order, r.transaction)) : null,
    ),
    order: field<TransactionRef>((r) => node.order(r.order)),
    parentTransaction: field<TransactionRef>((r) => {
      const parent = r.order.transactions.find((t) => t.id === r.transaction.parentId);
      return parent ? node.transaction(r.order, parent) : null;
    }),
  },
};
