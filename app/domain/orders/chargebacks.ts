/**
 * Disputes and the monthly chargeback budget, as pure rules: which dispute
 * statuses are open or lost, the calendar month an instant falls in in the
 * shop's time zone, the month's tally (disputes opened, open now, lost with
 * their amount, cancellations flagged as fraud) and how it stands against the
 * budget the merchant set. Money in integer minor units; times in epoch ms.
 *
 * The order state machine (machine.ts) reads the same statuses through
 * facts.ts: open → disputed, lost/accepted → chargeback, won (or
 * charge_refunded) → back to where the order's other facts put it.
 */
import { parseMoney, toDecimalString } from "../money";
import { parseZone, utcToZoned, zonedToUtc } from "../promotions/time-admin";
import type { DisputeStatus } from "./facts";

export const DISPUTE_STATUSES = ["needs_response", "under_review", "charge_refunded", "accepted", "won", "lost"] as const satisfies readonly DisputeStatus[];

/** Still to be decided by the card network. */
export const OPEN_DISPUTE_STATUSES: readonly DisputeStatus[] = ["needs_response", "under_review"];
/** Decided against the merchant: `accepted` is the merchant conceding, the money is gone as when lost. */
export const LOST_DISPUTE_STATUSES: readonly DisputeStatus[] = ["lost", "accepted"];

export function isDisputeStatus(value: string): value is DisputeStatus {
  return (DISPUTE_STATUSES as readonly string[]).includes(value);
}

export const isOpenDispute = (status: string): boolean => (OPEN_DISPUTE_STATUSES as readonly string[]).includes(status);
export const isLostDispute = (status: string): boolean => (LOST_DISPUTE_STATUSES as readonly string[]).includes(status);

/* ----------------------------------------------------------------- months */

export interface Month {
  /** "2026-11" */
  key: string;
  /** The first instant of the month in the zone (inclusive), epoch ms. */
  start: number;
  /** The first instant of the next month in the zone (exclusive), epoch ms. */
  end: number;
  /** "November 2026" */
  label: string;
  timeZone: string;
}

/** The wall clock in `timeZone` at `at` (time-admin's conversion); throws RangeError naming the zone when it is not one. */
function wallClock(at: number, timeZone: string): { year: number; month: number; day: number } {
  const zone = parseZone(timeZone);
  if (!zone.ok) throw new RangeError(`"${timeZone}" is not an IANA time zone`);
  const { wall } = utcToZoned(Math.floor(at / 1000), timeZone);
  return { year: Number(wall.slice(0, 4)), month: Number(wall.slice(5, 7)), day: Number(wall.slice(8, 10)) };
}

/**
 * The instant the zone's wall clock reads midnight on (year, month, day); month 1–12, 13 rolls
 * over. A midnight that does not exist (clocks go forward at 00:00) starts at the first instant
 * after it: time-admin's "compatible" rule.
 */
function dayStart(year: number, month: number, day: number, timeZone: string): number {
  const date = new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
  const start = zonedToUtc(`${date}T00:00:00`, timeZone);
  if (!start.ok) throw new RangeError(`"${timeZone}" is not an IANA time zone`);
  return start.epochSeconds * 1000;
}

const monthStart = (year: number, month: number, timeZone: string): number => dayStart(year, month, 1, timeZone);

/** A calendar date ("2026-12-01", e.g. a dispute's finalized_on) as the instant it starts in the shop's zone; null when not a date. */
export function startOfLocalDate(date: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return dayStart(year, month, day, timeZone);
}

/** The calendar month `at` falls in, in the shop's time zone. */
export function monthOf(at: number, timeZone: string): Month {
  const w = wallClock(at, timeZone);
  const start = monthStart(w.year, w.month, timeZone);
  const end = monthStart(w.year, w.month + 1, timeZone);
  const label = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "long" }).format(Date.UTC(w.year, w.month - 1, 15));
  return { key: `${w.year}-${String(w.month).padStart(2, "0")}`, start, end, label, timeZone };
}

/** An IANA zone (or a fixed offset) the system knows. */
export function isTimeZone(timeZone: string): boolean {
  return parseZone(timeZone).ok;
}

export const inMonth = (at: number | null, month: Month): boolean => at !== null && at >= month.start && at < month.end;

/* ------------------------------------------------------------------ tally */

export interface DisputeRecord {
  disputeId: string;
  orderId: string | null;
  status: DisputeStatus;
  reason: string | null;
  amountMinor: number;
  currencyCode: string;
  initiatedAt: number;
  finalizedAt: number | null;
  /** The time of the event that last wrote the record (a lost dispute without finalized_on counts from it). */
  eventAt: number;
}

export interface FraudCancellationRecord {
  orderId: string;
  cancelledAt: number;
  amountMinor: number | null;
  currencyCode: string | null;
}

export interface MonthTally {
  month: Month;
  currencyCode: string;
  /** Disputes initiated in the month. */
  opened: number;
  /** Disputes open now (whenever they were initiated). */
  openNow: number;
  openNowMinor: number;
  /** Disputes lost (or accepted) in the month: finalized in it, else their losing event was. */
  lost: number;
  lostMinor: number;
  won: number;
  fraudCancellations: number;
  /** The cancelled orders' totals, where known, in the budget's currency. */
  fraudCancelledMinor: number;
  /** Disputes (or cancellations) in another currency are counted but their amounts cannot be added. */
  otherCurrency: { what: string; amountMinor: number; currencyCode: string }[];
}

/** When a lost dispute was lost: its finalized date, else the event that said so. */
export const lostAt = (dispute: DisputeRecord): number => dispute.finalizedAt ?? dispute.eventAt;

export function tallyMonth(month: Month, currencyCode: string, disputes: readonly DisputeRecord[], cancellations: readonly FraudCancellationRecord[]): MonthTally {
  const tally: MonthTally = {
    month,
    currencyCode,
    opened: 0,
    openNow: 0,
    openNowMinor: 0,
    lost: 0,
    lostMinor: 0,
    won: 0,
    fraudCancellations: 0,
    fraudCancelledMinor: 0,
    otherCurrency: [],
  };
  const sameCurrency = (code: string | null) => code !== null && code.toUpperCase() === currencyCode.toUpperCase();
  for (const dispute of disputes) {
    if (inMonth(dispute.initiatedAt, month)) tally.opened += 1;
    if (isOpenDispute(dispute.status)) {
      tally.openNow += 1;
      if (sameCurrency(dispute.currencyCode)) tally.openNowMinor += dispute.amountMinor;
    }
    if (isLostDispute(dispute.status) && inMonth(lostAt(dispute), month)) {
      tally.lost += 1;
      if (sameCurrency(dispute.currencyCode)) tally.lostMinor += dispute.amountMinor;
      else tally.otherCurrency.push({ what: `dispute ${dispute.disputeId} lost`, amountMinor: dispute.amountMinor, currencyCode: dispute.currencyCode });
    }
    if (dispute.status === "won" && inMonth(dispute.finalizedAt ?? dispute.eventAt, month)) tally.won += 1;
  }
  for (const cancellation of cancellations) {
    if (!inMonth(cancellation.cancelledAt, month)) continue;
    tally.fraudCancellations += 1;
    if (cancellation.amountMinor === null) continue;
    if (sameCurrency(cancellation.currencyCode)) tally.fraudCancelledMinor += cancellation.amountMinor;
    else tally.otherCurrency.push({ what: `order ${cancellation.orderId} cancelled as fraud`, amountMinor: cancellation.amountMinor, currencyCode: cancellation.currencyCode ?? "unknown" });
  }
  return tally;
}

/* ----------------------------------------------------------------- budget */

export interface ChargebackBudget {
  currencyCode: string;
  /** Lost dispute amount allowed per month. */
  amountMinor: number;
  /** Disputes opened per month; null: not limited. */
  maxDisputes: number | null;
  /** Orders cancelled as fraud per month; null: not limited. */
  maxFraudCancellations: number | null;
}

/** Share of a limit at which the card warns before the budget is spent. */
export const NEAR_SHARE = 0.8;

export type LimitState = "within" | "near" | "over";

export interface LimitUse {
  limit: "lostAmount" | "disputes" | "fraudCancellations";
  label: string;
  used: number;
  allowed: number;
  /** Whole percent of the limit used (may exceed 100); null when the limit is 0 and nothing is used. */
  percent: number | null;
  state: LimitState;
}

export interface BudgetStanding {
  state: LimitState;
  limits: LimitUse[];
  /** One sentence per limit that is near or over. */
  messages: string[];
}

function limitUse(limit: LimitUse["limit"], label: string, used: number, allowed: number): LimitUse {
  // Over means beyond the limit: spending exactly the budget is within it (near).
  const state: LimitState = used > allowed ? "over" : allowed === 0 ? "within" : used >= allowed * NEAR_SHARE ? "near" : "within";
  const percent = allowed === 0 ? (used === 0 ? null : Infinity) : Math.floor((used * 100) / allowed);
  return { limit, label, used, allowed, percent: percent === Infinity ? null : percent, state };
}

const RANK: Record<LimitState, number> = { within: 0, near: 1, over: 2 };

export function formatMinor(minor: number, currencyCode: string): string {
  return `${toDecimalString(minor, currencyCode)} ${currencyCode}`;
}

/** How the month's tally stands against the budget; the amount limit is compared only in the budget's currency. */
export function budgetStanding(budget: ChargebackBudget, tally: MonthTally): BudgetStanding {
  const limits: LimitUse[] = [limitUse("lostAmount", "Lost to chargebacks", tally.lostMinor, budget.amountMinor)];
  if (budget.maxDisputes !== null) limits.push(limitUse("disputes", "Disputes opened", tally.opened, budget.maxDisputes));
  if (budget.maxFraudCancellations !== null) limits.push(limitUse("fraudCancellations", "Cancelled as fraud", tally.fraudCancellations, budget.maxFraudCancellations));
  const state = limits.reduce<LimitState>((worst, limit) => (RANK[limit.state] > RANK[worst] ? limit.state : worst), "within");
  const show = (limit: LimitUse, n: number) => (limit.limit === "lostAmount" ? formatMinor(n, budget.currencyCode) : String(n));
  const messages = limits
    .filter((limit) => limit.state !== "within")
    .map((limit) =>
      limit.state === "over"
        ? `${limit.label} in ${tally.month.label}: ${show(limit, limit.used)}, over the budget of ${show(limit, limit.allowed)} by ${show(limit, limit.used - limit.allowed)}`
        : `${limit.label} in ${tally.month.label}: ${show(limit, limit.used)} of ${show(limit, limit.allowed)} (${limit.percent}%)`,
    );
  return { state, limits, messages };
}

/* ------------------------------------------------------------- the form */

export type BudgetFieldErrors = Partial<Record<"amount" | "maxDisputes" | "maxFraudCancellations" | "currencyCode", string>>;
export type BudgetRead = { ok: true; budget: ChargebackBudget } | { ok: false; errors: BudgetFieldErrors };

/** The most a budget may be (a 32-bit column in minor units). */
const MAX_MINOR = 2_147_483_647;

function readCount(raw: string | null, label: string): { value: number | null } | { error: string } {
  const text = (raw ?? "").trim();
  if (text === "") return { value: null };
  if (!/^\d+$/.test(text)) return { error: `${label}: "${text.slice(0, 40)}" is not a whole number (leave it empty for no limit)` };
  const value = Number(text);
  if (value > 1_000_000) return { error: `${label}: ${text} is more than 1,000,000` };
  return { value };
}

/**
 * Reads the budget form: the amount as a decimal in the shop's currency
 * ("1500" or "1500.00"), two optional whole-number limits. Every problem is
 * named on its field.
 */
export function readBudgetForm(fields: { amount: string | null; maxDisputes: string | null; maxFraudCancellations: string | null }, currencyCode: string | null): BudgetRead {
  const errors: BudgetFieldErrors = {};
  if (!currencyCode || !/^[A-Z]{3}$/.test(currencyCode)) errors.currencyCode = "The shop's currency is not synced yet: the budget cannot be set until it is";
  const amountText = (fields.amount ?? "").trim();
  let amountMinor = 0;
  if (amountText === "") errors.amount = "Enter the most you accept losing to chargebacks in a month (0 for none)";
  else if (!/^\d+(\.\d+)?$/.test(amountText)) errors.amount = `"${amountText.slice(0, 40)}" is not an amount: use digits and at most one decimal point, e.g. 1500.00`;
  else if (currencyCode && !errors.currencyCode) {
    const parsed = parseMoney(amountText, currencyCode);
    if (!parsed.ok) errors.amount = `"${amountText}" is not an amount in ${currencyCode}: ${parsed.message}`;
    else if (parsed.minor > MAX_MINOR) errors.amount = `${amountText} ${currencyCode} is more than this budget can hold (${formatMinor(MAX_MINOR, currencyCode)})`;
    else amountMinor = parsed.minor;
  }
  const disputes = readCount(fields.maxDisputes, "Disputes per month");
  const fraud = readCount(fields.maxFraudCancellations, "Fraud cancellations per month");
  if ("error" in disputes) errors.maxDisputes = disputes.error;
  if ("error" in fraud) errors.maxFraudCancellations = fraud.error;
  if (Object.keys(errors).length > 0 || "error" in disputes || "error" in fraud) return { ok: false, errors };
  return { ok: true, budget: { currencyCode: currencyCode as string, amountMinor, maxDisputes: disputes.value, maxFraudCancellations: fraud.value } };
}
