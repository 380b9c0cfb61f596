/**
 * The store emulator in-process for RMA tests: an AdminClient over its API (no
 * HTTP), every call recorded, and its webhooks delivered to the app's receiver
 * (HMAC-signed) and processed.
 */
import type { PrismaClient } from "@prisma/client";
import { AdminClient, type AdminTransport } from "~/services/admin/client.server";
import { processDueEvents } from "~/services/webhooks/processor.server";
import { isKnownTopic } from "~/services/webhooks/topics";
import { harness, type Harness } from "../emulator/helpers";
import { deliver } from "../webhooks/helpers";

export interface EmulatedShop {
  h: Harness;
  admin: AdminClient;
  /** Operation names of every Admin call, in order. */
  calls: string[];
  /** Delivers the emulator's webhooks not delivered yet, then processes them. */
  pump: (prisma: PrismaClient) => Promise<string[]>;
}

const AREA_TOPICS = /^(orders|refunds|returns|reverse_fulfillment_orders|disputes)\//;

export function emulatedShop(): EmulatedShop {
  const h = harness();
  const calls: string[] = [];
  const transport: AdminTransport = async (query, variables) => {
    calls.push(/^(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "(anonymous)");
    const response = h.api.handle({ query, variables });
    return { status: response.status, ...(response.body as object) };
  };
  const admin = new AdminClient(transport, { sleep: async () => undefined });
  let delivered = 0;
  return {
    h,
    admin,
    calls,
    async pump(prisma) {
      const topics: string[] = [];
      while (delivered < h.events.length) {
        const event = h.events[delivered++]!;
        if (!AREA_TOPICS.test(event.topic) || !isKnownTopic(event.topic)) continue;
        topics.push(event.topic);
        const response = await deliver(prisma, { topic: event.topic, body: event.payload, triggeredAt: event.triggeredAt, eventId: `emu-${delivered}` });
        if (response.status !== 200) throw new Error(`${event.topic}: the app answered ${response.status}`);
      }
      await processDueEvents(prisma);
      const failed = await prisma.webhookEvent.findMany({ where: { status: { in: ["retrying", "dead"] } } });
      if (failed.length > 0) throw new Error(`webhooks failed: ${failed.map((e) => `${e.topic}: ${e.lastError}`).join("; ")}`);
      return topics;
    },
  };
}

/** A paid, fulfilled order in the emulator: one jacket (PG-JKT-S, 249.00) and two merino layers (89.99), 25.00 order discount. */
export function fulfilledOrder(shop: EmulatedShop): { orderId: string; orderNumericId: number } {
  const order = shop.h.store.createOrder({
    lineItems: [
      { variantId: 8200000000001, quantity: 1 },
      { variantId: 8200000000007, quantity: 2 },
    ],
    financialStatus: "PAID",
    totalDiscounts: "25.00",
    totalTax: "30.00",
  });
  shop.h.store.fulfillOrder(order.id);
  return { orderId: `gid://shopify/Order/${order.id}`, orderNumericId: order.id };
}
