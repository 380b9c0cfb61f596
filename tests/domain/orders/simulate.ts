/**
 * A small simulated Shopify order for property tests: random but realistic
 * lives (pay, fulfil, refund, cancel, dispute, return), each step emitting the
 * webhook events Shopify would send, with strictly increasing times.
 */
import type { OrderEventInput } from "~/domain/orders/apply";
import type { DisputeStatus, FinancialStatus, FulfillmentStatus, OrderSnapshot } from "~/domain/orders/facts";

/** The emulator's seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export { prng } from "../../../emulator/ids";

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface SimOrder {
  financial: FinancialStatus;
  fulfillment: FulfillmentStatus;
  cancelled: boolean;
  total: number;
  refunded: number;
  lines: Record<string, number>;
  dispute: DisputeStatus | null;
  returnStatus: "requested" | "open" | "closed" | null;
}

const T0 = Date.parse("2026-11-27T05:00:00Z");

/** One order's life: `steps` random actions, the events they emit, in time order. */
export function simulateOrder(random: () => number, steps: number, id = "1"): OrderEventInput[] {
  const order: SimOrder = {
    financial: pick(random, ["pending", "authorized", "paid"] as const),
    fulfillment: "unfulfilled",
    cancelled: false,
    total: 12_000,
    refunded: 0,
    lines: { L1: 2, L2: 1 },
    dispute: null,
    returnStatus: null,
  };
  const events: OrderEventInput[] = [];
  let clock = T0;
  let serial = 0;
  const tick = () => (clock += 1_000 + Math.floor(random() * 60_000));
  const snapshot = (topic: string) => {
    const at = tick();
    const snap: OrderSnapshot = {
      financial: order.financial,
      fulfillment: order.fulfillment,
      cancelled: order.cancelled,
      totalMinor: order.total,
      lineQuantities: { ...order.lines },
      at,
    };
    events.push({ key: `${id}-e${++serial}`, source: topic, at, change: { kind: "snapshot", snapshot: snap } });
  };
  snapshot("orders/create");
  const paid = () => ["paid", "partially_refunded"].includes(order.financial);
  for (let i = 0; i < steps; i++) {
    const options: (() => void)[] = [];
    if (!order.cancelled && order.financial === "pending") options.push(() => ((order.financial = "authorized"), snapshot("orders/updated")));
    if (!order.cancelled && (order.financial === "pending" || order.financial === "authorized"))
      options.push(() => ((order.financial = "paid"), snapshot("orders/paid")));
    if (!order.cancelled && order.fulfillment !== "fulfilled" && order.dispute === null) {
      options.push(() => ((order.fulfillment = "fulfilled"), snapshot("orders/fulfilled")));
      if (order.fulfillment === "unfulfilled") options.push(() => ((order.fulfillment = "partial"), snapshot("orders/partially_fulfilled")));
    }
    if (!order.cancelled && paid() && order.refunded < order.total && order.dispute === null) {
      options.push(() => {
        const amount = random() < 0.5 ? order.total - order.refunded : Math.min(order.total - order.refunded, 2_500);
        order.refunded += amount;
        const at = tick();
        events.push({ key: `${id}-e${++serial}`, source: "refunds/create", at, change: { kind: "refund", refundId: `R${serial}`, amountMinor: amount } });
        order.financial = order.refunded >= order.total ? "refunded" : "partially_refunded";
        snapshot("orders/updated");
      });
    }
    if (!order.cancelled && order.fulfillment === "unfulfilled" && order.dispute === null) {
      options.push(() => {
        order.cancelled = true;
        if (order.financial === "authorized" || order.financial === "pending") order.financial = "voided";
        else if (paid()) {
          const amount = order.total - order.refunded;
          if (amount > 0) {
            order.refunded = order.total;
            const at = tick();
            events.push({ key: `${id}-e${++serial}`, source: "refunds/create", at, change: { kind: "refund", refundId: `R${serial}`, amountMinor: amount } });
          }
          order.financial = "refunded";
        }
        snapshot("orders/cancelled");
      });
    }
    if (order.dispute === null && paid()) options.push(() => dispute("needs_response", "disputes/create"));
    if (order.dispute === "needs_response" || order.dispute === "under_review") {
      options.push(() => dispute("under_review", "disputes/update"));
      options.push(() => dispute("won", "disputes/update"));
      options.push(() => dispute("lost", "disputes/update"));
    }
    if (order.fulfillment === "fulfilled" && order.returnStatus === null && order.dispute === null && !order.cancelled) {
      options.push(() => returnEvent("requested", "returns/request", true));
    }
    if (order.returnStatus === "requested") options.push(() => returnEvent("open", "returns/approve", true));
    if (order.returnStatus === "open") options.push(() => returnEvent("closed", "returns/close", false));
    if (order.returnStatus === "closed") options.push(() => returnEvent("open", "returns/reopen", false));
    if (options.length === 0) break;
    pick(random, options)();
  }
  return events;

  function dispute(status: DisputeStatus, topic: string) {
    order.dispute = status;
    const at = tick();
    events.push({ key: `${id}-e${++serial}`, source: topic, at, change: { kind: "dispute", disputeId: "D1", status } });
  }
  function returnEvent(status: "requested" | "open" | "closed", topic: string, withUnits: boolean) {
    order.returnStatus = status;
    const at = tick();
    events.push({
      key: `${id}-e${++serial}`,
      source: topic,
      at,
      change: { kind: "return", returnId: "RET1", status, units: withUnits ? { ...order.lines } : null },
    });
  }
}
