/**
 * The receiver's lean webhook check (verifyWebhook) answers every request as
 * @shopify/shopify-app-remix's authenticate.webhook does — same status, same context — on
 * the same requests; and where the worker runs (webhookWorkerMode).
 */
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "~/services/webhooks/receive.server";
import { webhookWorkerMode, workerNice, WorkerModeError } from "~/services/webhooks/worker-thread.server";
import { API_SECRET, orderPayload, webhookRequest, type Delivery } from "./helpers";

const shopify = shopifyApp(testConfig({ apiVersion: ApiVersion.October26, logger: { level: LogSeverity.Error } }));

type Outcome = { status: number } | { context: Record<string, unknown> };

async function library(request: Request): Promise<Outcome> {
  try {
    const ctx = await shopify.authenticate.webhook(request);
    return { context: { shop: ctx.shop, topic: String(ctx.topic), webhookId: ctx.webhookId, apiVersion: ctx.apiVersion, eventId: "eventId" in ctx ? ctx.eventId : undefined, triggeredAt: ctx.triggeredAt } };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status };
    throw thrown;
  }
}

async function lean(request: Request): Promise<Outcome> {
  try {
    const ctx = verifyWebhook(request, await request.text(), API_SECRET);
    return { context: { shop: ctx.shop, topic: String(ctx.topic), webhookId: ctx.webhookId, apiVersion: ctx.apiVersion, eventId: ctx.eventId, triggeredAt: ctx.triggeredAt } };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status };
    throw thrown;
  }
}

const body = orderPayload({ id: 5150 });
const cases: [string, Delivery][] = [
  ["a good delivery", { topic: "orders/create", body, eventId: "evt-1", webhookId: "wh-1", triggeredAt: "2026-11-27T08:00:00.000Z" }],
  ["a good delivery without an event id", { topic: "inventory_levels/update", body: { inventory_item_id: 1, location_id: 2 }, eventId: null, webhookId: "wh-2", triggeredAt: "2026-11-27T08:00:00.000Z" }],
  ["a wrong HMAC", { topic: "orders/create", body, hmac: "bm90LXRoZS1obWFj" }],
  ["an HMAC of another length", { topic: "orders/create", body, hmac: "c2hvcnQ=" }],
  ["no HMAC", { topic: "orders/create", body, hmac: null }],
  ["an empty body", { topic: "orders/create", body: "" }],
  ...(["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"].map((header) => [`no ${header}`, { topic: "orders/create", body, omit: [header] }]) as [string, Delivery][]),
];

describe("verifyWebhook answers as authenticate.webhook does", () => {
  it.each(cases)("%s", async (_name, delivery) => {
    const request = webhookRequest(delivery);
    const expected = await library(request.clone());
    expect(await lean(request)).toEqual(expected);
  });

  it("a body changed after signing: 401 from both", async () => {
    const signed = webhookRequest({ topic: "orders/create", body });
    const tampered = new Request(signed.url, { method: "POST", headers: signed.headers, body: JSON.stringify({ ...body, total_price: "0.01" }) });
    expect(await lean(tampered.clone())).toEqual({ status: 401 });
    expect(await library(tampered)).toEqual({ status: 401 });
  });

  it("not a POST: 405 from both", async () => {
    const signed = webhookRequest({ topic: "orders/create", body });
    const get = () => new Request(signed.url, { method: "GET", headers: signed.headers });
    expect(await lean(get())).toEqual({ status: 405 });
    expect(await library(get())).toEqual({ status: 405 });
  });

  it("without the app's secret it refuses to verify, naming the setting", () => {
    const request = webhookRequest({ topic: "orders/create", body });
    expect(() => verifyWebhook(request, JSON.stringify(body), "")).toThrow(/SHOPIFY_API_SECRET/);
  });
});

describe("where the webhook worker runs (PEAKGUARD_WEBHOOK_WORKER)", () => {
  const built = "file:///srv/app/build/server/assets/server-build-abc.js";
  const dev = "file:///srv/app/app/services/webhooks/worker-thread.server.ts";
  it.each([
    [undefined, "postgres", built, "thread"],
    ["auto", "postgres", built, "thread"],
    ["on", "postgres", built, "thread"],
    [undefined, "pglite", built, "in-process"],
    [undefined, "postgres", dev, "in-process"],
    ["in-process", "postgres", built, "in-process"],
    ["off", "postgres", built, "off"],
    ["off", "pglite", dev, "off"],
    ["thread", "postgres", built, "thread"],
  ] as const)("%s on %s (%s) → %s", (raw, database, url, mode) => {
    expect(webhookWorkerMode(raw, database, url)).toBe(mode);
  });

  it("refuses a thread where one cannot run, and a value it does not know, saying why", () => {
    expect(() => webhookWorkerMode("thread", "pglite", built)).toThrow(/needs PostgreSQL/);
    expect(() => webhookWorkerMode("thread", "postgres", dev)).toThrow(/needs the built server/);
    expect(() => webhookWorkerMode("sometimes", "postgres", built)).toThrow(WorkerModeError);
    expect(() => webhookWorkerMode("sometimes", "postgres", built)).toThrow(/got "sometimes"/);
  });

  it("the worker thread's nice value: 10 by default, 0..19, anything else refused", () => {
    expect(workerNice(undefined)).toBe(10);
    expect(workerNice("0")).toBe(0);
    expect(workerNice("19")).toBe(19);
    expect(() => workerNice("20")).toThrow(/0 to 19, got "20"/);
    expect(() => workerNice("-5")).toThrow(WorkerModeError);
  });
});
