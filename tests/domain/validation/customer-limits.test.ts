import { describe, expect, it } from "vitest";
import { parseUtc } from "~/domain/inventory/atp-metafield";
import {
  countPurchases,
  IdentityIndex,
  normalizeEmail,
  normalizePhone,
  readCustomerCounts,
  serializeCustomerCounts,
  type OrderForLimits,
} from "~/domain/validation/customer-limits";
import { explainVerdict } from "~/domain/validation/explain";
import { evaluate } from "~/domain/validation/evaluate";
import { replayOrders, type ReplayOrder } from "~/domain/validation/replay";
import type { CustomerLimitRule, Rule } from "~/domain/validation/types";
import { atpFigure, cart, clockAt, ruleSet } from "./helpers";

const NOW = parseUtc("2026-11-30T12:00:00Z")!;
const limit = (window: CustomerLimitRule["window"] = { kind: "days", days: 30 }): CustomerLimitRule => ({
  id: "drop",
  mode: "enforce",
  kind: "customerLimit",
  skus: ["HD-*"],
  max: 2,
  window,
  guests: "allow",
});
let n = 0;
const order = (buyer: Partial<OrderForLimits>, createdAt: string, lines: [string, number][], cancelled = false): ReplayOrder => ({
  id: `o${++n}`,
  customerId: null,
  email: null,
  phone: null,
  ...buyer,
  createdAt,
  cancelled,
  currencyCode: "USD",
  lines: lines.map(([sku, quantity]) => ({ sku, quantity, priceCents: 5000 })),
});

describe("identities", () => {
  it.each([
    ["John.Doe+drop@GMail.com ", "johndoe@gmail.com"],
    ["j.doe+1@googlemail.com", "jdoe@gmail.com"],
    ["Jane.Doe+x@example.com", "jane.doe@example.com"],
    ["not-an-email", null],
    ["", null],
  ])("normalizeEmail(%j) = %j", (email, expected) => {
    expect(normalizeEmail(email)).toBe(expected);
  });

  it("normalizes phones to digits", () => {
    expect(normalizePhone("+1 (613) 555-1111")).toBe("16135551111");
    expect(normalizePhone("12")).toBeNull();
  });

  it("merges across customer id, email and phone, transitively", () => {
    const ids = new IdentityIndex();
    ids.link({ customerId: "C1", email: "a@x.com" });
    ids.link({ email: "A+drop@x.com", phone: "555 0000 1" });
    ids.link({ customerId: "C2", phone: "5550 0001" });
    ids.link({ customerId: "C3", email: "other@x.com" });
    expect(ids.buyerOf({ customerId: "C2" })).toBe(ids.buyerOf({ customerId: "C1" }));
    expect(ids.customersOf(ids.buyerOf({ customerId: "C1" })!)).toEqual(["C1", "C2"]);
    expect(ids.buyerOf({ customerId: "C3" })).not.toBe(ids.buyerOf({ customerId: "C1" }));
  });
});

describe("countPurchases: from synced orders to what each customer is published", () => {
  it("counts units of the rule's SKUs inside the window, for every account of the merged buyer", () => {
    const orders = [
      order({ customerId: "C1", email: "a@x.com" }, "2026-11-27T15:01:00Z", [["HD-BLK-M", 1], ["CAP-1", 3]]),
      order({ email: "a+2@x.com" }, "2026-11-28T15:01:00Z", [["HD-BLK-L", 1]]), // guest, same email
      order({ customerId: "C1" }, "2026-10-01T00:00:00Z", [["HD-BLK-M", 5]]), // outside 30 days
      order({ customerId: "C1" }, "2026-11-29T00:00:00Z", [["HD-BLK-M", 5]], true), // cancelled
      order({ customerId: "C9" }, "2026-11-29T00:00:00Z", [["CAP-1", 1]]), // no rule SKU
    ];
    const counts = countPurchases([limit()], orders, NOW, [{ customerId: "C2", email: "A@x.com" }]);
    expect(Object.fromEntries(counts.byCustomer)).toEqual({ C1: { drop: 2 }, C2: { drop: 2 } });
  });

  it("a drop's lifetime window counts from its start, to its end", () => {
    const rule = limit({ kind: "between", from: "2026-11-27T15:00:00Z", to: "2026-11-28T15:00:00Z" });
    const orders = [
      order({ customerId: "C1" }, "2026-11-27T14:59:59Z", [["HD-BLK-M", 1]]),
      order({ customerId: "C1" }, "2026-11-27T15:00:00Z", [["HD-BLK-M", 1]]),
      order({ customerId: "C1" }, "2026-11-28T15:00:00Z", [["HD-BLK-M", 1]]),
    ];
    expect(countPurchases([rule], orders, NOW).byCustomer.get("C1")).toEqual({ drop: 1 });
  });

  it("the published value round-trips through the function's reader", () => {
    const value = serializeCustomerCounts({ drop: 2, zero: 0 }, NOW);
    expect(value).toBe(`{"v":1,"asOf":${NOW},"counts":{"drop":2}}`);
    expect(readCustomerCounts(value)).toEqual({ drop: 2 });
    expect(readCustomerCounts(null)).toEqual({});
    expect(readCustomerCounts({ v: 2, counts: {} })).toBeNull();
  });
});

describe("replayOrders: counts per rule from synced orders", () => {
  it("per-order and per-customer limits would-block counts; guests over the limit counted apart", () => {
    const rules: Rule[] = [
      limit(),
      { id: "max", mode: "test", kind: "maxPerOrder", skus: ["HD-*"], max: 2 },
      { id: "ship", mode: "enforce", kind: "region", countries: ["RU"] },
      { id: "off", mode: "off", kind: "cartQuantity", max: 1 },
    ];
    const orders = [
      order({ customerId: "C1", email: "a@x.com" }, "2026-11-27T15:01:00Z", [["HD-BLK-M", 2]]),
      order({ customerId: "C1" }, "2026-11-27T16:00:00Z", [["HD-BLK-M", 1]]), // over: 2 + 1
      order({ email: "a@x.com" }, "2026-11-27T17:00:00Z", [["HD-BLK-L", 1]]), // guest: invisible at checkout
      order({ customerId: "C2" }, "2026-11-27T18:00:00Z", [["HD-BLK-M", 3]]), // over per order and per customer
    ];
    const counts = replayOrders(ruleSet(rules), orders, { zone: "America/New_York" });
    expect(counts).toEqual([
      { ruleId: "drop", checked: 4, wouldBlock: 2, replayable: true, guestsOverLimit: 1 },
      { ruleId: "max", checked: 4, wouldBlock: 1, replayable: true },
      { ruleId: "ship", checked: 0, wouldBlock: 0, replayable: false, note: "the order mirror keeps no delivery address" },
    ]);
  });

  it("a time gate replays at each order's own time in the shop's zone", () => {
    const gate: Rule = { id: "gate", mode: "enforce", kind: "timeGate", skus: ["HD-*"], opensAt: "2026-11-27T10:00:00" };
    const orders = [order({}, "2026-11-27T14:59:00Z", [["HD-BLK-M", 1]]), order({}, "2026-11-27T15:00:00Z", [["HD-BLK-M", 1]])];
    expect(replayOrders(ruleSet([gate]), orders, { zone: "America/New_York" })[0]).toMatchObject({ checked: 2, wouldBlock: 1 });
  });
});

describe("explainVerdict: the lookup's sentences", () => {
  it("words what each rule compared", () => {
    const rules: Rule[] = [
      { id: "a-max", mode: "enforce", kind: "maxPerOrder", skus: ["HD-*"], max: 2 },
      { id: "b-stock", mode: "enforce", kind: "atp", skus: ["HD-*"], staleAfterSeconds: 300, whenStale: "closed" },
      { id: "c-gate", mode: "test", kind: "timeGate", skus: ["CAP-*"], opensAt: "2026-11-27T12:00:00" },
      { id: "d-ship", mode: "enforce", kind: "region", countries: ["RU"] },
    ];
    const input = cart([["HD-BLK-M", 3, atpFigure(10, 400)], ["CAP-1", 1]]);
    const clock = clockAt();
    const result = evaluate(ruleSet(rules), input, clock);
    const said = result.verdicts.map((v) => explainVerdict(rules.find((r) => r.id === v.ruleId), v, input, clock));
    expect(said).toEqual([
      "Blocks checkout: HD-BLK-M × 3 in the cart; at most 2 per SKU per order.",
      "Blocks checkout: HD-BLK-M: 3 requested, ATP 10 as of 2026-11-27T14:53:20Z (older than 300 s → stale); stale figures fail closed.",
      "Would block (testing mode: not enforced): the drop is not open yet: opens 2026-11-27T12:00:00 (shop time).",
      "Not applied: no delivery address has been entered yet.",
    ]);
  });
});
