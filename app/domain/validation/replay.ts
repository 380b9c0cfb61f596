/**
 * ADMIN SIDE: counts per rule from synced orders — "how many of the last N days' orders
 * would this rule have blocked?". Shopify does not tell apps when a validation blocks a
 * checkout (a blocked checkout never becomes an order, and no webhook reports it), so the
 * app cannot count real blocks. What it can count honestly:
 *   - replays (this file): each synced order run through today's rules at the moment it
 *     was placed, as the function would have seen it — useful before switching a rule from
 *     testing to enforce, and to see what a rule in testing mode "reports";
 *   - lookups the merchant runs in the admin (recorded by the app, counted separately).
 *
 * Not replayable: region rules (the order mirror keeps no delivery address) and ATP rules
 * (ATP at the time of the order is not kept). Per-customer limits are replayed with what
 * the function would have known: counts of the buyer's earlier synced orders for a
 * customer account, nothing for a guest; guests who went over a limit when merged by
 * email/phone afterwards are counted apart (guestsOverLimit) — that is what guests evade.
 */
import { parseUtc } from "../inventory/atp-metafield";
import { toDecimalString } from "../money";
import { utcToZoned } from "../promotions/time-admin";
import { exactClock } from "./clock";
import { IdentityIndex, inWindow, type BuyerRecord, type OrderForLimits } from "./customer-limits";
import { evaluate } from "./evaluate";
import { skuMatcher } from "./sku";
import type { CheckoutInput, Rule, RuleSet } from "./types";

export interface ReplayOrder extends OrderForLimits {
  currencyCode: string | null;
  lines: { sku: string | null; quantity: number; priceCents?: number | null }[];
}

export interface ReplayCount {
  ruleId: string;
  /** Orders the rule was checked against. */
  checked: number;
  /** Of those, orders it would have blocked. */
  wouldBlock: number;
  replayable: boolean;
  /** customerLimit only: guest orders over the limit once merged by email/phone (invisible at checkout). */
  guestsOverLimit?: number;
  note?: string;
}

const NOT_REPLAYABLE: Partial<Record<Rule["kind"], string>> = {
  region: "the order mirror keeps no delivery address",
  atp: "ATP at the time of each order is not kept",
};

export function replayOrders(
  set: RuleSet,
  orders: readonly ReplayOrder[],
  options: { zone: string; customers?: readonly BuyerRecord[] },
): ReplayCount[] {
  const sorted = orders
    .filter((o) => !o.cancelled && parseUtc(o.createdAt) !== null)
    .slice()
    .sort((a, b) => parseUtc(a.createdAt)! - parseUtc(b.createdAt)! || (a.id < b.id ? -1 : 1));
  const identities = new IdentityIndex();
  for (const c of options.customers ?? []) identities.link(c);
  for (const o of sorted) identities.link(o);

  const counts: ReplayCount[] = [];
  for (const rule of set.rules.slice().sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (rule.mode === "off") continue;
    const why = NOT_REPLAYABLE[rule.kind];
    if (why) {
      counts.push({ ruleId: rule.id, checked: 0, wouldBlock: 0, replayable: false, note: why });
      continue;
    }
    const single: RuleSet = { ...set, rules: [{ ...rule, mode: "enforce" } as Rule] };
    const limit = rule.kind === "customerLimit" ? rule : null;
    const matches = limit ? skuMatcher(limit.skus) : null;
    // Units bought so far per buyer, for customer limits: [placedAt, units][].
    const history = new Map<string, [number, number][]>();
    let checked = 0;
    let wouldBlock = 0;
    let guestsOverLimit = 0;
    let skippedCurrency = 0;
    for (const order of sorted) {
      const placed = parseUtc(order.createdAt)!;
      const buyer = identities.buyerOf(order);
      let already = 0;
      if (limit && buyer) for (const [at, units] of history.get(buyer) ?? []) if (inWindow(limit, at, placed)) already += units;
      if (rule.kind === "subtotal" && order.currencyCode !== set.currencyCode) {
        skippedCurrency++;
        continue;
      }
      const input = orderInput(order, set.currencyCode, limit && order.customerId ? { v: 1, counts: { [limit.id]: already } } : null);
      const clock = exactClock(utcToZoned(placed, options.zone).wall, placed);
      const verdict = evaluate(single, input, clock).verdicts[0];
      if (verdict?.status !== "skipped") checked++;
      if (verdict?.status === "blocked") wouldBlock++;
      if (limit && matches && buyer) {
        let units = 0;
        for (const line of order.lines) if (line.sku && matches(line.sku)) units += line.quantity;
        if (!order.customerId && units > 0 && already + units > limit.max) guestsOverLimit++;
        if (units > 0) history.set(buyer, [...(history.get(buyer) ?? []), [placed, units]]);
      }
    }
    counts.push({
      ruleId: rule.id,
      checked,
      wouldBlock,
      replayable: true,
      ...(limit ? { guestsOverLimit } : {}),
      ...(skippedCurrency > 0 ? { note: `${skippedCurrency} order(s) in another currency not checked` } : {}),
    });
  }
  return counts;
}

/** A synced order as the function's input at checkout completion (no address, no ATP). */
function orderInput(order: ReplayOrder, currencyCode: string, limits: unknown): CheckoutInput {
  let subtotal = 0;
  for (const line of order.lines) subtotal += (line.priceCents ?? 0) * line.quantity;
  return {
    buyerJourney: { step: "CHECKOUT_COMPLETION" },
    localization: { language: { isoCode: "EN" } },
    presentmentCurrencyRate: "1.0",
    cart: {
      cost: { subtotalAmount: { amount: toDecimalString(subtotal, order.currencyCode ?? currencyCode), currencyCode: order.currencyCode ?? currencyCode } },
      buyerIdentity: { customer: order.customerId ? { limits: limits === null ? null : { jsonValue: limits } } : null },
      deliveryGroups: [],
      lines: order.lines.map((l) => ({ q: l.quantity, m: { s: l.sku } })),
    },
  };
}
