/**
 * Drift: the mirror's state of an order next to the state Shopify's own
 * statuses put it in now (read through the Admin API). The live statuses are
 * an order snapshot like any other; reconciling applies it as an event keyed
 * by the order and Shopify's updated_at, so reconciling the same version twice
 * is a replay.
 */
import type { FinancialStatus, FulfillmentStatus, OrderFacts, OrderSnapshot } from "./facts";
import { stateOf, type OrderState } from "./machine";

/** Order.displayFinancialStatus → the webhooks' financial_status. */
export function financialFromDisplay(value: string | null | undefined): FinancialStatus | null {
  switch (value) {
    case "PENDING":
      return "pending";
    case "AUTHORIZED":
      return "authorized";
    case "PARTIALLY_PAID":
      return "partially_paid";
    case "PAID":
      return "paid";
    case "PARTIALLY_REFUNDED":
      return "partially_refunded";
    case "REFUNDED":
      return "refunded";
    case "VOIDED":
      return "voided";
    case "EXPIRED":
      return "expired";
    default:
      return null;
  }
}

/** Order.displayFulfillmentStatus → fulfilled / partial / unfulfilled. */
export function fulfillmentFromDisplay(value: string | null | undefined): FulfillmentStatus {
  if (value === "FULFILLED") return "fulfilled";
  if (value === "PARTIALLY_FULFILLED") return "partial";
  return "unfulfilled";
}

/** The webhooks' fulfillment_status (null, "partial", "fulfilled", "restocked"). */
export function fulfillmentFromWebhook(value: string | null | undefined): FulfillmentStatus {
  if (value === "fulfilled") return "fulfilled";
  if (value === "partial") return "partial";
  return "unfulfilled";
}

export interface DriftReport {
  orderId: string;
  mirrorState: OrderState;
  shopifyState: OrderState;
  /** One line per status that differs, naming both values. */
  differences: string[];
  drifted: boolean;
}

export function compareWithShopify(orderId: string, mirror: { state: OrderState; facts: OrderFacts }, live: OrderSnapshot): DriftReport {
  const shopifyState = stateOf({ ...mirror.facts, snapshot: live });
  const stored = mirror.facts.snapshot;
  const differences: string[] = [];
  if (!stored) differences.push("the mirror has no order snapshot");
  else {
    if (stored.financial !== live.financial) differences.push(`payment: mirror ${stored.financial ?? "unknown"}, Shopify ${live.financial ?? "unknown"}`);
    if (stored.fulfillment !== live.fulfillment) differences.push(`fulfilment: mirror ${stored.fulfillment}, Shopify ${live.fulfillment}`);
    if (stored.cancelled !== live.cancelled) differences.push(`cancelled: mirror ${stored.cancelled ? "yes" : "no"}, Shopify ${live.cancelled ? "yes" : "no"}`);
    if (live.at > stored.at) differences.push(`Shopify's copy is newer (${new Date(live.at).toISOString()} > ${new Date(stored.at).toISOString()})`);
  }
  if (shopifyState !== mirror.state) differences.push(`state: mirror ${mirror.state}, Shopify's statuses say ${shopifyState}`);
  return { orderId, mirrorState: mirror.state, shopifyState, differences, drifted: differences.length > 0 };
}
