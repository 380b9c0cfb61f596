/**
 * Disputes, fraud cancellations and the monthly chargeback budget: the rows
 * disputes/* and orders/cancelled write (Dispute, FraudCancellation), the
 * budget the merchant sets (ChargebackBudget) and the dashboard card that
 * compares the month's tally with it (app/domain/orders/chargebacks.ts).
 *
 * Writes are idempotent by event: a dispute row keeps the time of the event it
 * was last written from, and an older (or the same) event leaves it alone; a
 * fraud cancellation is one row per order.
 */
import { parseMoney } from "../../domain/money";
import {
  budgetStanding,
  isDisputeStatus,
  monthOf,
  startOfLocalDate,
  tallyMonth,
  type BudgetStanding,
  type ChargebackBudget,
  type DisputeRecord,
  type FraudCancellationRecord,
  type MonthTally,
} from "../../domain/orders/chargebacks";
import type { ShopDb } from "../db/scoped.server";
import { asObject, gidOf, optionalDate, optionalGid, optionalString, PayloadError } from "../webhooks/payload";

export interface DisputeFromPayload {
  disputeId: string;
  orderId: string | null;
  status: DisputeRecord["status"];
  kind: string | null;
  reason: string | null;
  amountMinor: number;
  currencyCode: string;
  initiatedAt: Date;
  finalizedAt: Date | null;
}

/**
 * disputes/create|update (REST shape): id, order_id, type, amount, currency, reason, status, initiated_at,
 * finalized_on. A date-only finalized_on is the shop's calendar date: it starts at midnight in `timeZone`.
 */
export function disputeRecordFromWebhook(payload: unknown, timeZone = "UTC"): DisputeFromPayload {
  const body = asObject(payload, "dispute");
  const status = optionalString(body.status);
  if (!status || !isDisputeStatus(status)) throw new PayloadError(`dispute: status ${JSON.stringify(body.status)} is not a dispute status`);
  const currencyCode = optionalString(body.currency)?.toUpperCase() ?? null;
  if (!currencyCode || !/^[A-Z]{3}$/.test(currencyCode)) throw new PayloadError(`dispute: "currency" ${JSON.stringify(body.currency)} is not a currency code`);
  const amount = parseMoney(optionalString(body.amount), currencyCode);
  if (!amount.ok) throw new PayloadError(`dispute: "amount" ${JSON.stringify(body.amount)}: ${amount.message}`);
  const initiatedAt = optionalDate(body.initiated_at);
  if (!initiatedAt) throw new PayloadError(`dispute: "initiated_at" ${JSON.stringify(body.initiated_at)} is missing or not a date`);
  return {
    disputeId: gidOf(body, "ShopifyPaymentsDispute", "dispute"),
    orderId: optionalGid(body.order_id, "Order"),
    status,
    kind: optionalString(body.type),
    reason: optionalString(body.reason),
    amountMinor: Math.abs(amount.minor),
    currencyCode,
    initiatedAt,
    finalizedAt: finalizedAt(body.finalized_on, timeZone),
  };
}

function finalizedAt(value: unknown, timeZone: string): Date | null {
  const text = optionalString(value);
  if (!text) return null;
  const localDate = startOfLocalDate(text, timeZone);
  if (localDate !== null) return new Date(localDate);
  const at = optionalDate(text);
  if (!at) throw new PayloadError(`dispute: "finalized_on" ${JSON.stringify(value)} is not a date`);
  return at;
}

export type DisputeWrite = "recorded" | "updated" | "replayed" | "superseded";

/**
 * Stores what a disputes/* event says. `eventAt` orders events of one dispute
 * (X-Shopify-Triggered-At: dispute payloads carry no updated_at); a replay of
 * the event already stored, or an older one, changes nothing.
 */
export async function recordDispute(db: ShopDb, shop: string, input: { dispute: DisputeFromPayload; eventKey: string; eventAt: Date }): Promise<DisputeWrite> {
  const { dispute, eventKey, eventAt } = input;
  const data = {
    orderId: dispute.orderId,
    status: dispute.status,
    kind: dispute.kind,
    reason: dispute.reason,
    amountMinor: dispute.amountMinor,
    currencyCode: dispute.currencyCode,
    initiatedAt: dispute.initiatedAt,
    finalizedAt: dispute.finalizedAt,
    eventAt,
    lastEventKey: eventKey,
  };
  const stored = await db.dispute.findFirst({ where: { disputeId: dispute.disputeId }, select: { eventAt: true, lastEventKey: true } });
  if (stored?.lastEventKey === eventKey) return "replayed";
  if (!stored) {
    const created = await db.dispute.createMany({ data: [{ shop, disputeId: dispute.disputeId, ...data }], skipDuplicates: true });
    if (created.count === 1) return "recorded";
  }
  // Conditional on the stored event being older: two deliveries racing cannot both win, nor can an older one.
  const { count } = await db.dispute.updateMany({ where: { disputeId: dispute.disputeId, eventAt: { lte: eventAt }, lastEventKey: { not: eventKey } }, data });
  if (count === 1) return "updated";
  const now = await db.dispute.findFirst({ where: { disputeId: dispute.disputeId }, select: { lastEventKey: true } });
  return now?.lastEventKey === eventKey ? "replayed" : "superseded";
}

export type FraudWrite = "not_fraud" | "recorded" | "replayed";

/**
 * An order payload cancelled with cancel_reason "fraud" (orders/cancelled; any
 * later order payload says the same and finds the row there): one row per order.
 */
export async function recordFraudCancellation(db: ShopDb, shop: string, payload: unknown, eventKey: string): Promise<FraudWrite> {
  const order = asObject(payload, "order");
  const cancelledAt = optionalDate(order.cancelled_at);
  if (!cancelledAt || optionalString(order.cancel_reason)?.toLowerCase() !== "fraud") return "not_fraud";
  const currencyCode = optionalString(order.currency)?.toUpperCase() ?? null;
  const total = currencyCode ? parseMoney(optionalString(order.total_price), currencyCode) : null;
  const created = await db.fraudCancellation.createMany({
    data: [
      {
        shop,
        orderId: gidOf(order, "Order", "order"),
        orderName: optionalString(order.name),
        cancelledAt,
        amountMinor: total?.ok ? total.minor : null,
        currencyCode,
        eventKey,
      },
    ],
    skipDuplicates: true,
  });
  return created.count === 1 ? "recorded" : "replayed";
}

/* ----------------------------------------------------------------- budget */

export async function loadBudget(db: ShopDb): Promise<ChargebackBudget | null> {
  const row = await db.chargebackBudget.findFirst();
  return row ? { currencyCode: row.currencyCode, amountMinor: row.amountMinor, maxDisputes: row.maxDisputes, maxFraudCancellations: row.maxFraudCancellations } : null;
}

export async function saveBudget(db: ShopDb, shop: string, budget: ChargebackBudget): Promise<void> {
  await db.chargebackBudget.upsert({ where: { shop }, create: { shop, ...budget }, update: budget });
}

export interface ChargebackCard {
  tally: MonthTally;
  budget: ChargebackBudget | null;
  standing: BudgetStanding | null;
  /** The budget was set in another currency than the shop's current one: its amount limit cannot be compared. */
  currencyMismatch: string | null;
  recentDisputes: { disputeId: string; orderId: string | null; status: string; reason: string | null; amountMinor: number; currencyCode: string; initiatedAt: string }[];
}

/** The dashboard card: this month (shop time zone) against the budget. */
export async function loadChargebackCard(db: ShopDb, input: { now: Date; timeZone: string; shopCurrency: string | null }): Promise<ChargebackCard> {
  const month = monthOf(input.now.getTime(), input.timeZone);
  const budget = await loadBudget(db);
  const currencyCode = budget?.currencyCode ?? input.shopCurrency ?? "USD";
  const monthStart = new Date(month.start);
  const monthEnd = new Date(month.end);
  // This month's openings, every open dispute, and those lost or won this month (finalized in it, or last changed in it).
  const disputes = await db.dispute.findMany({
    where: {
      OR: [
        { initiatedAt: { gte: monthStart, lt: monthEnd } },
        { status: { in: ["needs_response", "under_review"] } },
        { finalizedAt: { gte: monthStart, lt: monthEnd } },
        { finalizedAt: null, eventAt: { gte: monthStart, lt: monthEnd } },
      ],
    },
    orderBy: [{ initiatedAt: "desc" }, { disputeId: "asc" }],
  });
  const cancellations = await db.fraudCancellation.findMany({ where: { cancelledAt: { gte: monthStart, lt: monthEnd } } });
  const records: DisputeRecord[] = disputes.map((row) => ({
    disputeId: row.disputeId,
    orderId: row.orderId,
    status: isDisputeStatus(row.status) ? row.status : "needs_response",
    reason: row.reason,
    amountMinor: row.amountMinor,
    currencyCode: row.currencyCode,
    initiatedAt: row.initiatedAt.getTime(),
    finalizedAt: row.finalizedAt?.getTime() ?? null,
    eventAt: row.eventAt.getTime(),
  }));
  const fraud: FraudCancellationRecord[] = cancellations.map((row) => ({ orderId: row.orderId, cancelledAt: row.cancelledAt.getTime(), amountMinor: row.amountMinor, currencyCode: row.currencyCode }));
  const tally = tallyMonth(month, currencyCode, records, fraud);
  const currencyMismatch =
    budget && input.shopCurrency && budget.currencyCode !== input.shopCurrency
      ? `The budget was set in ${budget.currencyCode}; the shop's currency is now ${input.shopCurrency}. Amounts are compared in ${budget.currencyCode}: save the budget again in ${input.shopCurrency}.`
      : null;
  return {
    tally,
    budget,
    standing: budget ? budgetStanding(budget, tally) : null,
    currencyMismatch,
    recentDisputes: disputes.slice(0, 5).map((row) => ({
      disputeId: row.disputeId,
      orderId: row.orderId,
      status: row.status,
      reason: row.reason,
      amountMinor: row.amountMinor,
      currencyCode: row.currencyCode,
      initiatedAt: row.initiatedAt.toISOString(),
    })),
  };
}
