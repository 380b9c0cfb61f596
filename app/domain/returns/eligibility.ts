/**
 * Return eligibility: a list of named rules, each checked for each line, each
 * answering with a sentence staff can read. A line is eligible when every rule
 * passes; the first failing rule suggests Shopify's decline reason.
 */
import { marketFor, type ItemCondition, type ReturnPolicy, type ReturnReason } from "./policy";

export type DeclineReason = "RETURN_PERIOD_ENDED" | "FINAL_SALE" | "OTHER";

export interface EligibilityOrder {
  name: string;
  countryCode: string | null;
  orderedAt: number;
  /** When the line's units were fulfilled (the latest fulfilment of the order when not known per line). */
  fulfilledAt: number | null;
}

export interface EligibilityLine {
  lineItemId: string;
  sku: string | null;
  title: string;
  productTags: string[];
  quantity: number;
  /** What Shopify says is still returnable (fulfilled, not returned), when known. */
  returnableQuantity: number | null;
  reason: ReturnReason;
  condition: ItemCondition;
}

export interface RuleContext {
  policy: ReturnPolicy;
  order: EligibilityOrder;
  line: EligibilityLine;
  now: number;
}

export interface RuleCheck {
  rule: string;
  ok: boolean;
  message: string;
}

export interface EligibilityRule {
  id: string;
  declineReason: DeclineReason;
  check: (context: RuleContext) => { ok: boolean; message: string };
}

const DAY_MS = 86_400_000;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const itemName = (line: EligibilityLine): string => (line.sku ? `SKU ${line.sku}` : `"${line.title}"`);

export const ELIGIBILITY_RULES: readonly EligibilityRule[] = [
  {
    id: "window",
    declineReason: "RETURN_PERIOD_ENDED",
    check: ({ policy, order, now }) => {
      const market = marketFor(policy, order.countryCode);
      const fromFulfillment = policy.windowFrom === "fulfillment" && order.fulfilledAt !== null;
      const start = fromFulfillment ? (order.fulfilledAt as number) : order.orderedAt;
      const days = Math.floor((now - start) / DAY_MS);
      const what = fromFulfillment ? "fulfilled" : "ordered";
      const where = market.id === "default" ? "the default window" : `the ${market.id} window`;
      return days <= market.windowDays
        ? { ok: true, message: `${what} ${day(start)}, ${days} days ago: within ${where} of ${market.windowDays} days` }
        : { ok: false, message: `${what} ${day(start)}, ${days} days ago: past ${where} of ${market.windowDays} days` };
    },
  },
  {
    id: "final_sale",
    declineReason: "FINAL_SALE",
    check: ({ policy, line }) => {
      const tags = new Set(line.productTags.map((tag) => tag.toLowerCase()));
      const hit = policy.finalSaleTags.find((tag) => tags.has(tag.toLowerCase()));
      return hit ? { ok: false, message: `${itemName(line)} is tagged ${hit}: final sale` } : { ok: true, message: `${itemName(line)} is not final sale` };
    },
  },
  {
    id: "excluded_sku",
    declineReason: "FINAL_SALE",
    check: ({ policy, line }) =>
      line.sku && policy.excludedSkus.includes(line.sku)
        ? { ok: false, message: `SKU ${line.sku} is excluded from returns` }
        : { ok: true, message: `${itemName(line)} is not on the excluded list` },
  },
  {
    id: "condition",
    declineReason: "OTHER",
    check: ({ policy, line }) => {
      if (line.condition === "unknown") return { ok: true, message: "condition not stated yet: checked at inspection" };
      return policy.conditions[line.condition].accepted
        ? { ok: true, message: `condition ${line.condition} is accepted` }
        : { ok: false, message: `condition ${line.condition} is not accepted for returns` };
    },
  },
  {
    id: "quantity",
    declineReason: "OTHER",
    check: ({ line }) =>
      line.returnableQuantity === null
        ? { ok: true, message: `${line.quantity} requested (returnable quantity not checked)` }
        : line.quantity <= line.returnableQuantity
          ? { ok: true, message: `${line.quantity} of ${line.returnableQuantity} returnable` }
          : { ok: false, message: `${itemName(line)}: ${line.quantity} requested, ${line.returnableQuantity} returnable` },
  },
];

export interface LineEligibility {
  lineItemId: string;
  eligible: boolean;
  checks: RuleCheck[];
}

export interface EligibilityResult {
  eligible: boolean;
  market: { id: string; windowDays: number };
  lines: LineEligibility[];
  /** Shopify's decline reason for the first failing rule, when not eligible. */
  declineReason: DeclineReason | null;
  /** One sentence: eligible, or why not. */
  summary: string;
}

export function checkEligibility(policy: ReturnPolicy, order: EligibilityOrder, lines: readonly EligibilityLine[], now: number): EligibilityResult {
  let firstFailure: { rule: EligibilityRule; message: string } | null = null;
  const checked = lines.map((line) => {
    const checks = ELIGIBILITY_RULES.map((rule) => {
      const outcome = rule.check({ policy, order, line, now });
      if (!outcome.ok && !firstFailure) firstFailure = { rule, message: outcome.message };
      return { rule: rule.id, ok: outcome.ok, message: outcome.message };
    });
    return { lineItemId: line.lineItemId, eligible: checks.every((check) => check.ok), checks };
  });
  const failure = firstFailure as { rule: EligibilityRule; message: string } | null;
  const eligible = lines.length > 0 && checked.every((line) => line.eligible);
  return {
    eligible,
    market: marketFor(policy, order.countryCode),
    lines: checked,
    declineReason: failure ? failure.rule.declineReason : null,
    summary: lines.length === 0 ? `order ${order.name}: no lines to return` : failure ? `not eligible: ${failure.message}` : `eligible: every line passes ${ELIGIBILITY_RULES.map((r) => r.id).join(", ")}`,
  };
}
