import { describe, expect, it } from "vitest";
import { checkEligibility, ELIGIBILITY_RULES, type EligibilityLine, type EligibilityOrder } from "~/domain/returns/eligibility";
import { percentOfMinor, restockingFee, returnShippingFee } from "~/domain/returns/fees";
import { DEFAULT_POLICY, marketFor, readPolicy, type ReturnPolicy } from "~/domain/returns/policy";
import { refundDue, REFUND_TRIGGER } from "~/domain/returns/timing";
import { RMA_STATUSES, RMA_EVENTS, RMA_TRANSITIONS, rmaTransition, type RmaFacts } from "~/domain/returns/machine";
import { checkRegrade, DISPOSITION_OF, feedsAtp, GRADES, planDispositions } from "~/domain/returns/disposition";
import { formatRmaNumber, parseRmaNumber } from "~/domain/returns/rma-number";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-20T12:00:00Z");
const policy: ReturnPolicy = { ...DEFAULT_POLICY, excludedSkus: ["GIFT-CARD"], finalSaleTags: ["final-sale", "Clearance"] };

const order = (over: Partial<EligibilityOrder> = {}): EligibilityOrder => ({
  name: "#1001",
  countryCode: "US",
  orderedAt: NOW - 40 * DAY,
  fulfilledAt: NOW - 10 * DAY,
  ...over,
});
const line = (over: Partial<EligibilityLine> = {}): EligibilityLine => ({
  lineItemId: "gid://shopify/LineItem/1",
  sku: "PG-JKT-S",
  title: "Jacket",
  productTags: ["outerwear"],
  quantity: 1,
  returnableQuantity: 1,
  reason: "SIZE_TOO_SMALL",
  condition: "unopened",
  ...over,
});

describe("eligibility (table-driven)", () => {
  it.each([
    ["within the US window from fulfilment", order(), line(), true, null, "eligible: every line passes window, final_sale, excluded_sku, condition, quantity"],
    ["past the US window (30 days)", order({ fulfilledAt: NOW - 31 * DAY }), line(), false, "RETURN_PERIOD_ENDED", "not eligible: fulfilled 2026-11-19, 31 days ago: past the US window of 30 days"],
    ["the UK window is 28 days", order({ countryCode: "GB", fulfilledAt: NOW - 29 * DAY }), line(), false, "RETURN_PERIOD_ENDED", "not eligible: fulfilled 2026-11-21, 29 days ago: past the UK window of 28 days"],
    ["an unknown country gets the default 14 days", order({ countryCode: "JP", fulfilledAt: NOW - 15 * DAY }), line(), false, "RETURN_PERIOD_ENDED", "not eligible: fulfilled 2026-12-05, 15 days ago: past the default window of 14 days"],
    ["no fulfilment date: counted from the order", order({ fulfilledAt: null, countryCode: "DE" }), line(), false, "RETURN_PERIOD_ENDED", "not eligible: ordered 2026-11-10, 40 days ago: past the EU window of 30 days"],
    ["final-sale tag (case-insensitive)", order(), line({ productTags: ["clearance"] }), false, "FINAL_SALE", "not eligible: SKU PG-JKT-S is tagged Clearance: final sale"],
    ["an excluded SKU", order(), line({ sku: "GIFT-CARD" }), false, "FINAL_SALE", "not eligible: SKU GIFT-CARD is excluded from returns"],
    ["a damaged item", order(), line({ condition: "damaged" }), false, "OTHER", "not eligible: condition damaged is not accepted for returns"],
    ["condition unknown until inspection", order(), line({ condition: "unknown" }), true, null, "eligible: every line passes window, final_sale, excluded_sku, condition, quantity"],
    ["more than returnable", order(), line({ quantity: 3, returnableQuantity: 2 }), false, "OTHER", "not eligible: SKU PG-JKT-S: 3 requested, 2 returnable"],
  ] as const)("%s", (_name, theOrder, theLine, eligible, declineReason, summary) => {
    const result = checkEligibility(policy, theOrder, [theLine], NOW);
    expect(result.eligible).toBe(eligible);
    expect(result.declineReason).toBe(declineReason);
    expect(result.summary).toBe(summary);
    expect(result.lines[0]?.checks.map((c) => c.rule)).toEqual(ELIGIBILITY_RULES.map((r) => r.id));
  });

  it("explains every rule for every line, passing ones included", () => {
    const result = checkEligibility(policy, order(), [line(), line({ lineItemId: "L2", sku: "CAP", productTags: ["final-sale"] })], NOW);
    expect(result.lines.map((l) => l.eligible)).toEqual([true, false]);
    expect(result.lines[0]?.checks.find((c) => c.rule === "window")?.message).toBe("fulfilled 2026-12-10, 10 days ago: within the US window of 30 days");
  });

  it("no lines is not eligible", () => {
    expect(checkEligibility(policy, order(), [], NOW)).toMatchObject({ eligible: false, summary: "order #1001: no lines to return" });
  });

  it("markets: first listing the country, else default", () => {
    expect(marketFor(policy, "ie")).toEqual({ id: "EU", windowDays: 30 });
    expect(marketFor(policy, null)).toEqual({ id: "default", windowDays: 14 });
  });
});

describe("fee rules", () => {
  it.each([
    ["SIZE_TOO_SMALL", "unopened", 0, "condition unopened: no restocking fee"],
    ["UNWANTED", "opened", 10, "condition opened: 10% restocking fee"],
    ["STYLE", "used", 20, "condition used: 20% restocking fee"],
    ["DEFECTIVE", "used", 0, "defective is the merchant's fault: no restocking fee"],
    ["WRONG_ITEM", "opened", 0, "wrong_item is the merchant's fault: no restocking fee"],
  ] as const)("restocking fee for %s / %s: %i%%", (reason, condition, percent, why) => {
    expect(restockingFee(policy, { reason, condition })).toEqual({ percent, why });
  });

  it.each([
    [["SIZE_TOO_SMALL"], 10_000, { amountMinor: 595, why: "flat return shipping fee" }],
    [["SIZE_TOO_SMALL", "DEFECTIVE"], 10_000, { amountMinor: 0, why: "defective is the merchant's fault: return shipping is free" }],
  ] as const)("return shipping fee for %j", (reasons, total, expected) => {
    expect(returnShippingFee(policy, { reasons, orderTotalMinor: total })).toEqual(expected);
  });

  it("return shipping is free above the order total the policy names", () => {
    const generous = { ...policy, returnShippingFee: { ...policy.returnShippingFee, waivedAboveOrderMinor: 20_000 } };
    expect(returnShippingFee(generous, { reasons: ["STYLE"], orderTotalMinor: 20_000 }).amountMinor).toBe(0);
    expect(returnShippingFee(generous, { reasons: ["STYLE"], orderTotalMinor: 19_999 }).amountMinor).toBe(595);
  });

  it.each([
    [10_000, 10, 1_000],
    [999, 10, 100], // 99.9 → 100 (half up)
    [1_005, 10, 101], // 100.5 → 101
    [1_000, 12.5, 125],
    [0, 20, 0],
  ])("%i × %f%% = %i", (subtotal, percent, fee) => {
    expect(percentOfMinor(subtotal, percent)).toBe(fee);
  });
});

describe("refund timing strategies", () => {
  const stages = ["requested", "approved", "in_transit", "received", "inspected"] as const;
  it.each([
    ["onApproval", [false, true, true, true, true]],
    ["onInTransit", [false, false, true, true, true]],
    ["onReceipt", [false, false, false, true, true]],
    ["onInspection", [false, false, false, false, true]],
  ] as const)("%s is due at %j", (timing, due) => {
    expect(stages.map((stage) => refundDue(timing, stage, false).due)).toEqual(due);
    expect(stages.every((stage) => !refundDue(timing, stage, true).due)).toBe(true);
    expect(refundDue(timing, "declined", false)).toEqual({ due: false, why: "a declined return is not refunded" });
    expect(REFUND_TRIGGER[timing]).toBe(stages[due.indexOf(true)]);
  });

  it("a skipped stage counts as passed (received without a carrier scan)", () => {
    expect(refundDue("onInTransit", "received", false)).toEqual({
      due: true,
      why: "strategy onInTransit: refund when the carrier reports the parcel in transit; the return is received",
    });
  });
});

describe("the RMA's status table", () => {
  const facts: RmaFacts = { refunded: false, unitsDisposed: 0, unitsAwaitingRegrade: 0, totalUnits: 2 };
  const missing = RMA_STATUSES.flatMap((from) => RMA_EVENTS.map((event) => ({ from, event }))).filter(
    ({ from, event }) => !RMA_TRANSITIONS.some((row) => row.from === from && row.event === event),
  );
  it.each(missing)("refuses $event from $from, naming both", ({ from, event }) => {
    const result = rmaTransition("RMA-7K3Q-9XH2-M", from, event, facts);
    expect(result).toMatchObject({ ok: false, code: "not_in_table" });
    if (!result.ok) expect(result.message).toMatch(new RegExp(`^return RMA-7K3Q-9XH2-M is ${from}; ${event} is not allowed from ${from}`));
  });

  it("cancelling an approved return is refused once money moved", () => {
    expect(rmaTransition("R", "approved", "cancel", { ...facts, refunded: true })).toEqual({
      ok: false,
      code: "guard_refused",
      message: "return R is approved; cancel is refused: a refund was issued",
    });
    expect(rmaTransition("R", "approved", "cancel", facts)).toEqual({ ok: true, to: "cancelled" });
  });

  it("closing needs every unit finally graded and the refund issued", () => {
    expect(rmaTransition("R", "inspected", "close", { ...facts, refunded: true, unitsAwaitingRegrade: 1 })).toMatchObject({ ok: false, code: "guard_refused" });
    expect(rmaTransition("R", "inspected", "close", { ...facts, refunded: true })).toEqual({ ok: true, to: "closed" });
  });
});

describe("disposition rules", () => {
  it("maps each grade to Shopify's disposition; only resell feeds ATP", () => {
    expect(DISPOSITION_OF).toEqual({ resell: "RESTOCKED", refurbish: "PROCESSING_REQUIRED", scrap: "NOT_RESTOCKED", missing: "MISSING" });
    expect(GRADES.filter(feedsAtp)).toEqual(["resell"]);
  });

  it("plans dispositions, resell at the chosen location else the policy's default", () => {
    const plan = planDispositions(
      [
        {
          rfoLineItemId: "rfo-1",
          label: "SKU A",
          remaining: 3,
          grades: [
            { grade: "resell", quantity: 1, locationId: "gid://shopify/Location/2" },
            { grade: "resell", quantity: 1 },
            { grade: "refurbish", quantity: 1 },
          ],
        },
        { rfoLineItemId: "rfo-2", label: "SKU B", remaining: 1, grades: [{ grade: "scrap", quantity: 1 }] },
      ],
      "gid://shopify/Location/1",
    );
    expect(plan).toEqual({
      ok: true,
      inputs: [
        { reverseFulfillmentOrderLineItemId: "rfo-1", quantity: 1, dispositionType: "RESTOCKED", locationId: "gid://shopify/Location/2" },
        { reverseFulfillmentOrderLineItemId: "rfo-1", quantity: 1, dispositionType: "RESTOCKED", locationId: "gid://shopify/Location/1" },
        { reverseFulfillmentOrderLineItemId: "rfo-1", quantity: 1, dispositionType: "PROCESSING_REQUIRED", locationId: null },
        { reverseFulfillmentOrderLineItemId: "rfo-2", quantity: 1, dispositionType: "NOT_RESTOCKED", locationId: null },
      ],
    });
  });

  it.each([
    [[{ grade: "resell" as const, quantity: 1 }], null, "no_location", "SKU A: 1 unit(s) to resell need a restock location"],
    [[{ grade: "scrap" as const, quantity: 3 }], "L", "too_many", "SKU A: 3 unit(s) graded, 2 left to dispose"],
    [[{ grade: "scrap" as const, quantity: 0 }], "L", "bad_quantity", "SKU A: 0 scrap is not a positive number of units"],
  ])("refuses %j", (grades, location, code, message) => {
    expect(planDispositions([{ rfoLineItemId: "r", label: "SKU A", remaining: 2, grades }], location)).toEqual({ ok: false, code, message });
  });

  it("refurbish re-grades to resell or scrap, nothing else", () => {
    expect(checkRegrade("SKU A", "refurbish", "resell", 1, 2)).toEqual({ ok: true });
    expect(checkRegrade("SKU A", "refurbish", "refurbish", 1, 2)).toEqual({ ok: false, message: "SKU A: refurbish units cannot be re-graded to refurbish (only resell or scrap)" });
    expect(checkRegrade("SKU A", "scrap", "resell", 1, 2)).toEqual({ ok: false, message: "SKU A: scrap units cannot be re-graded to resell (final)" });
    expect(checkRegrade("SKU A", "refurbish", "scrap", 3, 2)).toEqual({ ok: false, message: "SKU A: 3 unit(s) to re-grade, 2 await a grade" });
  });
});

describe("RMA numbers", () => {
  it("are opaque, well-formed and checked", () => {
    const number = formatRmaNumber(new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a]));
    expect(number).toMatch(/^RMA-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
    expect(parseRmaNumber(number)).toBe(number);
    expect(parseRmaNumber(number.toLowerCase().replace(/-/g, " "))).toBe(number);
    const typo = number.slice(0, 5) + (number[5] === "2" ? "3" : "2") + number.slice(6);
    expect(parseRmaNumber(typo)).toBeNull();
    expect(parseRmaNumber("RMA-1")).toBeNull();
  });

  it("different bytes give different numbers", () => {
    const numbers = new Set(Array.from({ length: 256 }, (_, i) => formatRmaNumber(new Uint8Array([i, 7, 7, 7, i]))));
    expect(numbers.size).toBe(256);
  });
});

describe("policy", () => {
  it("the default policy reads back", () => {
    expect(readPolicy(JSON.parse(JSON.stringify(DEFAULT_POLICY)))).toEqual({ ok: true, policy: DEFAULT_POLICY });
  });

  it("names every problem by path", () => {
    const broken = { ...DEFAULT_POLICY, schemaVersion: 2, refundTiming: "whenever", markets: [{ id: "EU", countries: ["Germany"], windowDays: -1 }] };
    const read = readPolicy(broken);
    expect(read).toEqual({
      ok: false,
      errors: [
        "schemaVersion: 2 is not 1",
        "markets[0].countries: not a list of two-letter country codes",
        "markets[0].windowDays: not a whole number of days",
        'refundTiming: "whenever" is not one of onApproval, onInTransit, onReceipt, onInspection',
      ],
    });
  });
});
