/**
 * ADMIN SIDE: "why was this cart blocked", one sentence per rule in the merchant's words.
 * evaluate() decides (the same code as the checkout function); this only words its
 * verdicts, re-reading from the cart the figures it compared (quantities, published
 * counts, ATP and its age), so the function never pays for building explanations.
 */
import { formatUtc, readCompactFigure } from "../inventory/atp-metafield";
import { readCustomerCounts } from "./customer-limits";
import { groupLines, stockOf } from "./evaluate";
import { skuMatcher } from "./sku";
import type { CheckoutInput, Clock, Rule, RuleVerdict } from "./types";

const STATUS: Record<RuleVerdict["status"], string> = {
  blocked: "Blocks checkout",
  would_block: "Would block (testing mode: not enforced)",
  passed: "Passes",
  skipped: "Not applied",
  unreadable: "Cannot be read",
};

export function statusLabel(status: RuleVerdict["status"]): string {
  return STATUS[status];
}

const REASONS: Record<NonNullable<RuleVerdict["reason"]>, string> = {
  no_lines: "none of its SKUs is in the cart",
  at_cart: "this is the cart page: minimums and address rules wait for checkout",
  no_address: "no delivery address has been entered yet",
  no_subtotal: "the cart has no subtotal",
  bad_rate: "the currency conversion rate is unusable",
  guest: "guest checkout: purchases in earlier orders cannot be seen at checkout, only this cart is counted",
  guest_blocked: "guest checkout: this rule asks guests to log in",
  counts_unreadable: "the customer's published purchase counts cannot be read; the failure mode decides",
  clock_unknown: "the function cannot tell the time for this gate (the clock metafield was not written); the failure mode decides",
  not_open: "the drop is not open yet",
  closed: "the drop has closed",
  open: "the drop is open",
  unreadable: "the rule cannot be read; the failure mode decides",
};

function bySku(input: CheckoutInput, skus: readonly string[]) {
  const matches = skus.length > 0 ? skuMatcher(skus) : null;
  return groupLines(input.cart.lines, undefined, stockOf(input).t).groups.filter((g) => g.quantity > 0 && (matches ? matches(g.sku) : g.atp != null));
}

/** One sentence: what the rule compared and what it found. */
export function explainVerdict(rule: Rule | undefined, verdict: RuleVerdict, input: CheckoutInput, clock: Clock): string {
  const head = STATUS[verdict.status];
  if (verdict.status === "unreadable") return `${head}: ${verdict.problem ?? REASONS.unreadable}.`;
  if (verdict.mode === "off" || !rule) return "Off.";
  const reason = verdict.reason ? REASONS[verdict.reason] : null;
  if (verdict.status === "skipped") return `${head}: ${reason ?? "nothing in this cart is governed by it"}.`;
  let facts = "";
  switch (rule.kind) {
    case "maxPerOrder": {
      const groups = bySku(input, rule.skus);
      const per = rule.per === "rule" ? `${groups.reduce((n, g) => n + g.quantity, 0)} in total` : groups.map((g) => `${g.sku} × ${g.quantity}`).join(", ");
      facts = `${per} in the cart; at most ${rule.max} ${rule.per === "rule" ? "in total" : "per SKU"} per order`;
      break;
    }
    case "customerLimit": {
      const groups = bySku(input, rule.skus);
      const inCart = groups.reduce((n, g) => n + g.quantity, 0);
      const customer = input.cart.buyerIdentity?.customer;
      const counts = customer ? readCustomerCounts(customer.limits ? customer.limits.jsonValue : null) : null;
      const already = counts ? (counts[rule.id] ?? 0) : null;
      facts = `${inCart} in the cart${already !== null ? ` + ${already} bought before (published count)` : ""}; limit ${rule.max} per customer`;
      break;
    }
    case "cartQuantity": {
      const total = groupLines(input.cart.lines).total;
      facts = `${total} items in the cart; ${rule.min !== undefined ? `at least ${rule.min}` : ""}${rule.min !== undefined && rule.max !== undefined ? ", " : ""}${rule.max !== undefined ? `at most ${rule.max}` : ""}`;
      break;
    }
    case "subtotal": {
      const s = input.cart.cost.subtotalAmount;
      facts = `subtotal ${s.amount} ${s.currencyCode}; ${rule.minCents !== undefined ? `minimum ${rule.minCents} minor units` : ""}${rule.minCents !== undefined && rule.maxCents !== undefined ? ", " : ""}${rule.maxCents !== undefined ? `maximum ${rule.maxCents} minor units` : ""} of the shop currency, converted at ${input.presentmentCurrencyRate}`;
      break;
    }
    case "region": {
      const found = verdict.errors.map((e) => e.target.replace("$.cart.deliveryGroups", "group").replace(".deliveryAddress.", " ")).join("; ");
      facts = found ? `blocked: ${found}` : "no blocked country, province, postal code or PO box";
      break;
    }
    case "timeGate": {
      facts = `${reason ?? ""}: opens ${rule.opensAt}${rule.closesAt ? `, closes ${rule.closesAt}` : ""} (shop time)`;
      break;
    }
    case "atp": {
      let stale = false;
      const stock = stockOf(input);
      if (stock.over) {
        facts = "the figures the ATP rules govern did not fit in the validation's metafield, so none was published; the failure mode decides";
        break;
      }
      const atLocation = rule.location ? (stock.l?.[rule.location] as Record<string, unknown> | undefined) : undefined;
      facts = bySku(input, rule.skus)
        .map((g) => {
          const figure = readCompactFigure(rule.location ? atLocation?.[g.sku] : g.atp);
          const available = figure === null ? null : figure.total;
          const fresh = figure === null || figure.asOf === null ? false : clock.freshUntil(figure.asOf, rule.staleAfterSeconds);
          if (fresh !== true) stale = true;
          if (!figure && rule.location) return `${g.sku}: no figure for location ${rule.location} → stale`;
          if (!figure) return `${g.sku}: ${g.quantity} requested, no ATP figure published → stale`;
          const age = figure.asOf === null ? "no asOf" : `as of ${formatUtc(figure.asOf)}`;
          const state = fresh === true ? "fresh" : fresh === false ? `older than ${rule.staleAfterSeconds} s → stale` : "age unknown → stale";
          return `${g.sku}: ${g.quantity} requested, ATP ${available} ${age} (${state})`;
        })
        .join("; ");
      if (stale) facts += `; stale figures fail ${rule.whenStale}`;
      break;
    }
  }
  return `${head}: ${facts}.`;
}
