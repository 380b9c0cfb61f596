/**
 * Checkout rules at 1, 50 and 200 lines, next to the floor on the same input (the harness
 * runs extensions/peakguard-floor on each input below). Inputs are what the input query
 * returns: one-letter aliases per line, SKUs as long as benchCartLine's, a logged-in
 * customer with published counts, one delivery address, and the app's clock slots.
 *
 *   "drop"        7 rules (one of each kind); the first 5 lines are the drop's SKUs, whose
 *                 ATP figures come in the validation's own copy (validation.stock); the rest
 *                 are ordinary catalogue lines. No line carries ATP: a variant's published
 *                 figure reaches the function only through the copy, when a rule governs it.
 *   "atp all"     one ATP rule over every SKU: the copy carries a figure for every line's SKU
 *                 (what the app publishes for such a rule) — the most ATP a checkout can read.
 *
 * Both read the shop's kill switches as a busy peak day has them (typicalKillSwitches: a few
 * payment, delivery and promotion switches and one region switch, for France: this cart
 * ships to New York, so it passes).
 */
import { benchCartLine, defineBenchmarks } from "../../functions/bench-spec";
import { serializeCheckoutAtp } from "../../app/domain/inventory/atp-metafield";
import { typicalKillSwitches } from "../../app/domain/kill-switches/bench-states";
import { serializeKillSwitches } from "../../app/domain/kill-switches/serialize";
import { planClock } from "../../app/domain/validation/clock-admin";
import type { Rule, RuleSet } from "../../app/domain/validation/types";
import { serializeRuleSet } from "../../app/domain/validation/validate";

const TARGET = "cart.validations.generate.run";
const PLANNED_AT = 1795791600; // 2026-11-27T15:00:00Z
const NOW = PLANNED_AT + 130;
const DROP_LINES = 5;

const SIZES = ["XS", "S", "M", "L", "XL"];
/** The drop's SKUs (DRP-26-HD-XS …) for its first lines, benchCartLine's for the rest: same lengths as real SKUs. */
const sku = (i: number) => (i < DROP_LINES ? `DRP-26-HD-${SIZES[i]}` : benchCartLine(i).merchandise.sku);
const figure = (i: number) => ({ sku: sku(i), asOf: NOW - 40 - i, total: 20 + (i % 7) });

const DROP_RULES: Rule[] = [
  { id: "drop-max", mode: "enforce", kind: "maxPerOrder", skus: ["DRP-26-*"], max: 4 },
  { id: "drop-limit", mode: "enforce", kind: "customerLimit", skus: [sku(0), sku(1), sku(2), sku(3), sku(4)], max: 20, window: { kind: "days", days: 30 }, guests: "block" },
  { id: "drop-gate", mode: "enforce", kind: "timeGate", skus: [sku(0), sku(1)], opensAt: "2026-11-27T10:00:00", closesAt: "2026-11-30T10:00:00" },
  { id: "drop-stock", mode: "enforce", kind: "atp", skus: [sku(0), sku(1), sku(2), sku(3), sku(4)], staleAfterSeconds: 300, whenStale: "closed" },
  { id: "order-size", mode: "enforce", kind: "cartQuantity", min: 1, max: 1000 },
  { id: "order-value", mode: "test", kind: "subtotal", minCents: 1000 },
  { id: "ship-to", mode: "enforce", kind: "region", countries: ["RU", "BY"], provinces: ["US-HI", "US-AK"], postalCodes: ["GB:BT*"], poBoxes: true },
];
/** The rules metafield's value as the app writes it (serializeRuleSet: rules sorted by id, labels by SKU). */
function rulesValue(set: RuleSet): unknown {
  const serialized = serializeRuleSet(set);
  if (!serialized.ok) throw new Error(`bench rules: ${serialized.message}`);
  return JSON.parse(serialized.value) as unknown;
}
/** The metafield's value as the app writes it. */
const KILL_SWITCHES = JSON.parse(serializeKillSwitches(typicalKillSwitches())) as unknown;
const ATP_ALL: Rule[] = [{ id: "stock", mode: "enforce", kind: "atp", skus: [], staleAfterSeconds: 300, whenStale: "closed" }];

/**
 * `governed`: how many SKUs the validation's ATP copy carries (what the app publishes for the
 * rules: the drop's 5, or for a rule over every SKU the whole catalogue up to the metafield's
 * size — here every line's SKU).
 */
function input(rules: Rule[], lines: number, governed: number) {
  const labels: Record<string, string> = {};
  for (let i = 0; i < DROP_LINES; i++) labels[sku(i)] = `Summit Hoodie — Black / ${SIZES[i]}`;
  const set: RuleSet = { schemaVersion: 1, currencyCode: "USD", failureMode: "closed", labels, rules };
  const plan = planClock(set, PLANNED_AT, "America/New_York");
  return {
    buyerJourney: { step: "CHECKOUT_COMPLETION" },
    localization: { language: { isoCode: "EN" }, market: { handle: "us" } },
    presentmentCurrencyRate: "1.0",
    cart: {
      cost: { subtotalAmount: { amount: "4312.50", currencyCode: "USD" } },
      buyerIdentity: { customer: { limits: { jsonValue: { v: 1, asOf: NOW - 600, counts: { "drop-limit": 1 } } } } },
      deliveryGroups: [{ deliveryAddress: { countryCode: "US", provinceCode: "NY", zip: "11201", address1: "410 Atlantic Ave", address2: "Apt 3" } }],
      lines: Array.from({ length: lines }, (_, i) => ({ q: 1 + (i % 3), m: { s: sku(i) } })),
    },
    shop: {
      k: { jsonValue: KILL_SWITCHES },
      localTime: { date: "2026-11-27", ...Object.fromEntries(plan.ticks.slots.map(([, utc], i) => [`t${i}`, utc !== null && NOW >= utc])) },
    },
    validation: {
      rules: { jsonValue: rulesValue(set) },
      ticks: { jsonValue: plan.ticks },
      stock: { jsonValue: JSON.parse(serializeCheckoutAtp(Array.from({ length: governed }, (_, i) => figure(i))).value) as unknown },
    },
  };
}

/** The targets the issue sets (the discount function's): at 200 lines ≤ 2× the floor and ≤ 50% of 11M. */
const GOAL = [{ lines: 200, maxFloorRatio: 2, maxBudgetShare: 0.5 }];

export default defineBenchmarks([
  { target: TARGET, label: "drop", sizes: [1, 50, 200], input: (lines) => input(DROP_RULES, lines, DROP_LINES), goals: GOAL },
  { target: TARGET, label: "atp all", sizes: [1, 50, 200], input: (lines) => input(ATP_ALL, lines, Math.max(lines, DROP_LINES)), goals: GOAL },
]);
