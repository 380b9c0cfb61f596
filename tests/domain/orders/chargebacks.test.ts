/**
 * Disputes and the chargeback budget, pure: month bucketing in the shop's zone,
 * the month's tally, the budget's standing and the budget form.
 */
import { describe, expect, it } from "vitest";
import {
  budgetStanding,
  isTimeZone,
  monthOf,
  startOfLocalDate,
  readBudgetForm,
  tallyMonth,
  type ChargebackBudget,
  type DisputeRecord,
  type FraudCancellationRecord,
} from "~/domain/orders/chargebacks";
import { applyOrderEvent, INITIAL_MACHINE, type OrderEventInput } from "~/domain/orders/apply";
import type { DisputeStatus } from "~/domain/orders/facts";

const t = (iso: string) => Date.parse(iso);

describe("monthOf: the calendar month in the shop's time zone", () => {
  it.each([
    // instant (UTC), zone, month key, start (UTC), end (UTC)
    ["2026-12-01T03:00:00Z", "America/New_York", "2026-11", "2026-11-01T04:00:00.000Z", "2026-12-01T05:00:00.000Z"],
    ["2026-12-01T03:00:00Z", "UTC", "2026-12", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["2026-11-30T23:30:00Z", "Asia/Tokyo", "2026-12", "2026-11-30T15:00:00.000Z", "2026-12-31T15:00:00.000Z"],
    ["2026-03-15T12:00:00Z", "Europe/Berlin", "2026-03", "2026-02-28T23:00:00.000Z", "2026-03-31T22:00:00.000Z"],
    ["2026-01-31T23:59:59Z", "Asia/Kolkata", "2026-02", "2026-01-31T18:30:00.000Z", "2026-02-28T18:30:00.000Z"],
    ["2026-12-31T23:00:00Z", "Pacific/Auckland", "2027-01", "2026-12-31T11:00:00.000Z", "2027-01-31T11:00:00.000Z"],
  ])("%s in %s is %s", (instant, zone, key, start, end) => {
    const month = monthOf(t(instant), zone);
    expect(month.key).toBe(key);
    expect(new Date(month.start).toISOString()).toBe(start);
    expect(new Date(month.end).toISOString()).toBe(end);
    expect(t(instant)).toBeGreaterThanOrEqual(month.start);
    expect(t(instant)).toBeLessThan(month.end);
  });

  it("months tile: every month's end is the next month's start, across both DST changes", () => {
    let month = monthOf(t("2026-01-15T12:00:00Z"), "America/New_York");
    for (let i = 0; i < 14; i++) {
      const next = monthOf(month.end, "America/New_York");
      expect(next.start).toBe(month.end);
      expect(monthOf(month.end - 1, "America/New_York").key).toBe(month.key);
      month = next;
    }
    expect(month.key).toBe("2027-03");
  });

  it("startOfLocalDate: a calendar date starts at the zone's midnight; not a date → null", () => {
    expect(new Date(startOfLocalDate("2026-12-01", "America/New_York") ?? 0).toISOString()).toBe("2026-12-01T05:00:00.000Z");
    expect(new Date(startOfLocalDate("2026-07-01", "America/New_York") ?? 0).toISOString()).toBe("2026-07-01T04:00:00.000Z");
    expect(new Date(startOfLocalDate("2026-12-01", "Asia/Tokyo") ?? 0).toISOString()).toBe("2026-11-30T15:00:00.000Z");
    expect(monthOf(startOfLocalDate("2026-12-01", "America/New_York") ?? 0, "America/New_York").key).toBe("2026-12");
    expect(startOfLocalDate("2026-02-30", "UTC")).toBeNull();
    expect(startOfLocalDate("2026-12-01T10:00:00Z", "UTC")).toBeNull();
    expect([isTimeZone("Europe/Berlin"), isTimeZone("Mars/Olympus")]).toEqual([true, false]);
  });

  it("refuses a zone Intl does not know, naming it", () => {
    expect(() => monthOf(0, "Mars/Olympus")).toThrow(/Mars\/Olympus/);
  });
});

const NOV = monthOf(t("2026-11-20T12:00:00Z"), "America/New_York");
const dispute = (id: string, status: DisputeStatus, over: Partial<DisputeRecord> = {}): DisputeRecord => ({
  disputeId: id,
  orderId: `gid://shopify/Order/${id}`,
  status,
  reason: "fraudulent",
  amountMinor: 10_000,
  currencyCode: "USD",
  initiatedAt: t("2026-11-10T12:00:00Z"),
  finalizedAt: null,
  eventAt: t("2026-11-12T12:00:00Z"),
  ...over,
});

describe("tallyMonth", () => {
  it("counts openings, open disputes, losses with their amounts, wins and fraud cancellations of the month", () => {
    const disputes = [
      dispute("1", "needs_response", { amountMinor: 2_500 }),
      dispute("2", "under_review", { initiatedAt: t("2026-10-20T12:00:00Z"), amountMinor: 1_000 }), // opened in October, open now
      dispute("3", "lost", { amountMinor: 4_999, finalizedAt: t("2026-11-25T00:00:00Z") }),
      dispute("4", "accepted", { amountMinor: 1_001 }), // conceded: lost, counted at its event
      dispute("5", "lost", { initiatedAt: t("2026-09-01T00:00:00Z"), finalizedAt: t("2026-10-31T12:00:00Z") }), // lost in October
      dispute("6", "won", { finalizedAt: t("2026-11-30T12:00:00Z") }),
      dispute("7", "lost", { amountMinor: 700, currencyCode: "EUR", finalizedAt: t("2026-11-20T00:00:00Z") }),
      // Lost at 2026-12-01T03:00Z = Nov 30, 22:00 in New York: November's.
      dispute("8", "lost", { amountMinor: 300, finalizedAt: null, eventAt: t("2026-12-01T03:00:00Z") }),
    ];
    const fraud: FraudCancellationRecord[] = [
      { orderId: "a", cancelledAt: t("2026-11-02T12:00:00Z"), amountMinor: 5_000, currencyCode: "USD" },
      { orderId: "b", cancelledAt: t("2026-11-01T03:00:00Z"), amountMinor: 1_000, currencyCode: "USD" }, // Oct 31 in New York
      { orderId: "c", cancelledAt: t("2026-11-29T12:00:00Z"), amountMinor: null, currencyCode: null },
    ];
    const tally = tallyMonth(NOV, "USD", disputes, fraud);
    expect(tally).toMatchObject({
      opened: 6, // 1, 3, 4, 6, 7, 8 were initiated on Nov 10
      openNow: 2,
      openNowMinor: 3_500,
      lost: 4, // 3, 4, 7, 8
      lostMinor: 4_999 + 1_001 + 300,
      won: 1,
      fraudCancellations: 2,
      fraudCancelledMinor: 5_000,
    });
    expect(tally.otherCurrency).toEqual([{ what: "dispute 7 lost", amountMinor: 700, currencyCode: "EUR" }]);
  });

  it("the same dispute lost at 03:00Z on Dec 1 is December's in UTC", () => {
    const utcDec = monthOf(t("2026-12-01T03:00:00Z"), "UTC");
    const lost = dispute("8", "lost", { eventAt: t("2026-12-01T03:00:00Z") });
    expect(tallyMonth(utcDec, "USD", [lost], []).lost).toBe(1);
    expect(tallyMonth(monthOf(t("2026-11-15T00:00:00Z"), "UTC"), "USD", [lost], []).lost).toBe(0);
  });
});

describe("budgetStanding", () => {
  const budget: ChargebackBudget = { currencyCode: "USD", amountMinor: 10_000, maxDisputes: 5, maxFraudCancellations: null };
  const tallyOf = (lostMinor: number, opened: number, fraudCancellations = 0) => ({ ...tallyMonth(NOV, "USD", [], []), lostMinor, opened, fraudCancellations });

  it.each([
    [0, 0, "within"],
    [7_999, 3, "within"],
    [8_000, 0, "near"], // 80% of the amount
    [10_000, 0, "near"], // exactly the budget: spent, not over
    [10_001, 0, "over"],
    [0, 6, "over"], // over on the count alone
    [0, 4, "near"],
  ] as const)("lost %i minor units and %i disputes → %s", (lost, opened, state) => {
    expect(budgetStanding(budget, tallyOf(lost, opened)).state).toBe(state);
  });

  it("names each limit that is over with the overshoot, in the shop's currency", () => {
    const standing = budgetStanding({ ...budget, maxFraudCancellations: 1 }, tallyOf(12_345, 6, 1));
    expect(standing.limits.map((l) => [l.limit, l.used, l.allowed, l.percent, l.state])).toEqual([
      ["lostAmount", 12_345, 10_000, 123, "over"],
      ["disputes", 6, 5, 120, "over"],
      ["fraudCancellations", 1, 1, 100, "near"],
    ]);
    expect(standing.messages[0]).toBe("Lost to chargebacks in November 2026: 123.45 USD, over the budget of 100.00 USD by 23.45 USD");
    expect(standing.messages[1]).toBe("Disputes opened in November 2026: 6, over the budget of 5 by 1");
  });

  it("a zero budget is within while nothing is lost and over at the first minor unit", () => {
    const zero = { ...budget, amountMinor: 0, maxDisputes: null };
    expect(budgetStanding(zero, tallyOf(0, 0)).state).toBe("within");
    expect(budgetStanding(zero, tallyOf(1, 0))).toMatchObject({ state: "over", limits: [{ percent: null }] });
  });
});

describe("readBudgetForm", () => {
  it("reads an amount in the shop's currency and optional limits", () => {
    expect(readBudgetForm({ amount: "1500.5", maxDisputes: "12", maxFraudCancellations: "" }, "USD")).toEqual({
      ok: true,
      budget: { currencyCode: "USD", amountMinor: 150_050, maxDisputes: 12, maxFraudCancellations: null },
    });
    expect(readBudgetForm({ amount: "20000", maxDisputes: null, maxFraudCancellations: "0" }, "JPY")).toEqual({
      ok: true,
      budget: { currencyCode: "JPY", amountMinor: 20_000, maxDisputes: null, maxFraudCancellations: 0 },
    });
  });

  it.each([
    [{ amount: "", maxDisputes: "", maxFraudCancellations: "" }, "USD", "amount", /most you accept/],
    [{ amount: "-5", maxDisputes: "", maxFraudCancellations: "" }, "USD", "amount", /"-5" is not an amount/],
    [{ amount: "12.345", maxDisputes: "", maxFraudCancellations: "" }, "USD", "amount", /more than 2 decimal places for USD/],
    [{ amount: "10.5", maxDisputes: "", maxFraudCancellations: "" }, "JPY", "amount", /more than 0 decimal places for JPY/],
    [{ amount: "99999999999", maxDisputes: "", maxFraudCancellations: "" }, "USD", "amount", /more than this budget can hold/],
    [{ amount: "10", maxDisputes: "2.5", maxFraudCancellations: "" }, "USD", "maxDisputes", /Disputes per month: "2.5" is not a whole number/],
    [{ amount: "10", maxDisputes: "", maxFraudCancellations: "lots" }, "USD", "maxFraudCancellations", /"lots" is not a whole number/],
    [{ amount: "10", maxDisputes: "", maxFraudCancellations: "" }, null, "currencyCode", /currency is not synced/],
  ] as const)("refuses %j (%s) on the field %s", (fields, currency, field, message) => {
    const read = readBudgetForm(fields, currency);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.errors[field]).toMatch(message);
  });

  it("reports every bad field at once", () => {
    const read = readBudgetForm({ amount: "x", maxDisputes: "-1", maxFraudCancellations: "y" }, "USD");
    expect(read.ok ? [] : Object.keys(read.errors).sort()).toEqual(["amount", "maxDisputes", "maxFraudCancellations"]);
  });
});

describe("the state machine on dispute events", () => {
  const base: OrderEventInput = {
    key: "paid",
    source: "orders/paid",
    at: t("2026-11-01T00:00:00Z"),
    change: { kind: "snapshot", snapshot: { financial: "paid", fulfillment: "unfulfilled", cancelled: false, totalMinor: 5_000, lineQuantities: { L: 1 }, at: t("2026-11-01T00:00:00Z") } },
  };
  const event = (key: string, status: DisputeStatus, at: string): OrderEventInput => ({
    key,
    source: key === "open" ? "disputes/create" : "disputes/update",
    at: t(at),
    change: { kind: "dispute", disputeId: "D", status },
  });
  const run = (...events: OrderEventInput[]) => {
    let machine = INITIAL_MACHINE;
    const results = [];
    for (const e of events) {
      const { next, result } = applyOrderEvent("#1", machine, e);
      machine = next;
      results.push(result);
    }
    return { machine, results };
  };

  it.each([
    ["won", "captured", "dispute_won"],
    ["charge_refunded", "captured", "dispute_won"],
    ["lost", "chargeback", "dispute_lost"],
    ["accepted", "chargeback", "dispute_lost"],
  ] as const)("captured → disputed → %s ends in %s (%s)", (status, end, rowEvent) => {
    const { machine, results } = run(base, event("open", "needs_response", "2026-11-05T00:00:00Z"), event("close", status, "2026-11-20T00:00:00Z"));
    expect(results.map((r) => r.to)).toEqual(["captured", "disputed", end]);
    expect(results[2]?.steps).toEqual([{ from: "disputed", to: end, event: rowEvent }]);
    expect(machine.state).toBe(end);
  });

  it("a late needs_response after the loss is superseded: the order stays chargeback", () => {
    const { machine, results } = run(base, event("close", "lost", "2026-11-20T00:00:00Z"), event("open", "needs_response", "2026-11-05T00:00:00Z"));
    expect(results.map((r) => r.outcome)).toEqual(["applied", "applied", "superseded"]);
    expect(machine.state).toBe("chargeback");
  });
});
