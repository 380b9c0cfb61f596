/** Rule labels and one-line summaries, shared by the Checkout rules page's server code and its components. */
import { toDecimalString } from "../../domain/money";
import type { Rule, RuleSet } from "../../domain/validation/types";

const KIND_LABELS: Record<Rule["kind"], string> = {
  maxPerOrder: "Maximum per order",
  customerLimit: "Limit per customer",
  cartQuantity: "Order quantity",
  subtotal: "Order subtotal",
  region: "Blocked destinations",
  timeGate: "Drop time gate",
  atp: "Stock (ATP)",
};

export function kindLabel(kind: Rule["kind"]): string {
  return KIND_LABELS[kind];
}

/** One line a merchant reads in the rules list. */
export function summarize(rule: Rule, set: RuleSet): string {
  const skus = (list: string[]) => (list.length === 0 ? "every SKU with a published ATP figure" : list.length > 3 ? `${list.slice(0, 3).join(", ")} +${list.length - 3}` : list.join(", "));
  const money = (minor: number) => `${toDecimalString(minor, set.currencyCode)} ${set.currencyCode}`;
  switch (rule.kind) {
    case "maxPerOrder":
      return `At most ${rule.max} ${rule.per === "rule" ? "in total" : "per SKU"} per order of ${skus(rule.skus)}`;
    case "customerLimit":
      return `At most ${rule.max} per customer of ${skus(rule.skus)}, ${rule.window.kind === "days" ? `over ${rule.window.days} days` : `since ${rule.window.from}${rule.window.to ? ` until ${rule.window.to}` : ""}`}; guests ${rule.guests === "block" ? "must log in" : "checked on the cart alone"}`;
    case "cartQuantity":
      return [rule.min !== undefined ? `at least ${rule.min} items` : "", rule.max !== undefined ? `at most ${rule.max} items` : ""].filter(Boolean).join(", ");
    case "subtotal":
      return [rule.minCents !== undefined ? `subtotal at least ${money(rule.minCents)}` : "", rule.maxCents !== undefined ? `at most ${money(rule.maxCents)}` : ""].filter(Boolean).join(", ");
    case "region":
      return [
        rule.countries?.length ? `countries ${rule.countries.join(", ")}` : "",
        rule.provinces?.length ? `provinces ${rule.provinces.join(", ")}` : "",
        rule.postalCodes?.length ? `postal codes ${rule.postalCodes.join(", ")}` : "",
        rule.poBoxes ? "PO boxes" : "",
      ]
        .filter(Boolean)
        .join("; ");
    case "timeGate":
      return `${skus(rule.skus)} on sale from ${rule.opensAt.slice(0, 16).replace("T", " ")}${rule.closesAt ? ` to ${rule.closesAt.slice(0, 16).replace("T", " ")}` : ""} (shop time)`;
    case "atp":
      return `Quantity ≤ published ATP${rule.location ? ` at location ${rule.location}` : ""} for ${skus(rule.skus)}; figures older than ${rule.staleAfterSeconds} s fail ${rule.whenStale}`;
  }
}

