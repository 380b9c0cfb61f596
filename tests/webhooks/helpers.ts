import { createHmac, randomUUID } from "node:crypto";
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import type { PrismaClient } from "@prisma/client";
import { receiveWebhookWith } from "~/services/webhooks/receive.server";
import { processDueEvents } from "~/services/webhooks/processor.server";
import type { WebhookTopic } from "~/services/webhooks/topics";

export const SHOP = "peak-test.myshopify.com";
export const OTHER_SHOP = "other-test.myshopify.com";

const config = testConfig({ apiVersion: ApiVersion.October26, logger: { level: LogSeverity.Error } });
export const API_SECRET = config.apiSecretKey;
const shopify = shopifyApp(config);

export interface Delivery {
  topic: WebhookTopic;
  body: unknown;
  shop?: string;
  eventId?: string | null;
  webhookId?: string;
  triggeredAt?: string;
  hmac?: string | null;
  omit?: string[];
}

export function webhookRequest(d: Delivery): Request {
  const raw = typeof d.body === "string" ? d.body : JSON.stringify(d.body);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": d.topic,
    "X-Shopify-Shop-Domain": d.shop ?? SHOP,
    "X-Shopify-API-Version": ApiVersion.October26,
    "X-Shopify-Webhook-Id": d.webhookId ?? randomUUID(),
    "X-Shopify-Triggered-At": d.triggeredAt ?? new Date().toISOString(),
    "X-Shopify-Hmac-Sha256": d.hmac ?? createHmac("sha256", API_SECRET).update(raw, "utf8").digest("base64"),
  };
  if (d.eventId !== null) headers["X-Shopify-Event-Id"] = d.eventId ?? randomUUID();
  for (const name of d.omit ?? []) delete headers[name];
  if (d.hmac === null) delete headers["X-Shopify-Hmac-Sha256"];
  return new Request(`https://peakguard.test/webhooks/${d.topic}`, { method: "POST", headers, body: raw });
}

/** Delivers like Shopify: a thrown Response (401/400/405 from the library) is returned as the answer. */
export async function deliver(prisma: PrismaClient, d: Delivery, route: WebhookTopic = d.topic): Promise<Response> {
  try {
    return await receiveWebhookWith(
      { prisma, authenticateWebhook: (r) => shopify.authenticate.webhook(r), worker: { kick: () => undefined } },
      webhookRequest(d),
      route,
    );
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

export async function deliverAndProcess(prisma: PrismaClient, d: Delivery, now?: () => Date): Promise<Response> {
  const response = await deliver(prisma, d);
  await processDueEvents(prisma, now ? { now } : {});
  return response;
}

let nextId = 1000;
export function orderPayload(over: Record<string, unknown> = {}) {
  const id = (over.id as number | undefined) ?? nextId++;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email: "ada@example.com",
    phone: "+15550001111",
    currency: "USD",
    total_price: "120.00",
    financial_status: "paid",
    fulfillment_status: null,
    cancelled_at: null,
    created_at: "2026-11-20T10:00:00Z",
    updated_at: "2026-11-20T10:00:00Z",
    customer: { id: 77, email: "ada@example.com", phone: "+15550001111", tags: "vip", updated_at: "2026-11-20T09:00:00Z" },
    line_items: [
      { id: id * 10 + 1, sku: "HOODIE-M", variant_id: 501, quantity: 2, price: "50.00" },
      { id: id * 10 + 2, sku: "CAP", variant_id: 502, quantity: 1, price: "20.00" },
    ],
    ...over,
  };
}
