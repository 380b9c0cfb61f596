/**
 * The emulator over HTTP: authentication, versioned path, control endpoints,
 * store events, bulk operations with their JSONL file and finish webhook.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { API_VERSION } from "../../app/api-version";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { SEED_PATH, startReceiver, verifyHmac, type GqlBody, type Json, type Receiver } from "./helpers";

const SECRET = "shpss_server_test";
const TOKEN = "shpat_server_test";

let emulator: RunningEmulator;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  emulator = await startEmulator({
    port: 0,
    seedFile: SEED_PATH,
    appUrl: receiver.url,
    apiSecret: SECRET,
    accessToken: TOKEN,
    webhooks: { timeScale: 0.00001, seed: 1 },
  });
});

afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

beforeEach(async () => {
  await post("/__emulator/reset");
  receiver.received = [];
  receiver.respond = () => 200;
});

async function gql(query: string, variables?: Record<string, unknown>): Promise<GqlBody> {
  const response = await fetch(emulator.graphqlUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("x-shopify-api-version")).toBe(API_VERSION);
  return (await response.json()) as GqlBody;
}

async function post(path: string, body: unknown = {}, method = "POST"): Promise<Record<string, Json>> {
  const response = await fetch(`${emulator.url}${path}`, { method, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, Json>;
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

describe("the Admin API endpoint", () => {
  it(`serves POST /admin/api/${API_VERSION}/graphql.json to a request with the access token`, async () => {
    expect(emulator.graphqlUrl).toBe(`${emulator.url}/admin/api/${API_VERSION}/graphql.json`);
    const body = await gql(`{ shop { myshopifyDomain } }`);
    expect(body.data).toEqual({ shop: { myshopifyDomain: "peakguard-demo.myshopify.com" } });
  });

  it("answers 401 without the right access token", async () => {
    for (const headers of [{}, { "X-Shopify-Access-Token": "wrong" }] as Record<string, string>[]) {
      const response = await fetch(emulator.graphqlUrl, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: '{"query":"{ shop { id } }"}' });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
  });

  it("answers 404 for another API version", async () => {
    const response = await fetch(`${emulator.url}/admin/api/2024-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
      body: '{"query":"{ shop { id } }"}',
    });
    expect(response.status).toBe(404);
  });

  it("answers 400 without a query", async () => {
    const response = await fetch(emulator.graphqlUrl, { method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN }, body: "{}" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: { query: "Required parameter missing or invalid" } });
  });
});

describe("control endpoints", () => {
  it("store events change what the API answers and send their webhooks", async () => {
    const created = await post("/__emulator/orders", { lineItems: [{ variantId: "gid://shopify/ProductVariant/8200000000005", quantity: 2 }], financialStatus: "PENDING" });
    const orderId = created.id as string;
    await post(`/__emulator/orders/${orderId.split("/").pop()}/paid`);
    await post(`/__emulator/orders/${orderId.split("/").pop()}/fulfill`, { lines: [{ lineItemId: created.lineItemIds[0], quantity: 1 }] });
    const refund = await post(`/__emulator/orders/${orderId.split("/").pop()}/refund`, { lines: [{ lineItemId: created.lineItemIds[0], quantity: 1 }] });
    expect(refund.id).toMatch(/^gid:\/\/shopify\/Refund\/\d+$/);
    const body = await gql(`query($id: ID!) { order(id: $id) {
      name displayFinancialStatus displayFulfillmentStatus totalRefundedSet { shopMoney { amount } }
      lineItems(first: 5) { nodes { quantity currentQuantity unfulfilledQuantity } } } }`, { id: orderId });
    expect(body.data?.order).toEqual({
      name: "#1004",
      displayFinancialStatus: "PARTIALLY_REFUNDED",
      displayFulfillmentStatus: "FULFILLED",
      totalRefundedSet: { shopMoney: { amount: "179.5" } },
      lineItems: { nodes: [{ quantity: 2, currentQuantity: 1, unfulfilledQuantity: 0 }] },
    });
    await post("/__emulator/webhooks/flush");
    expect(receiver.received.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        "/webhooks/orders/create",
        "/webhooks/orders/paid",
        "/webhooks/orders/updated",
        "/webhooks/orders/partially_fulfilled",
        "/webhooks/refunds/create",
        "/webhooks/inventory_levels/update",
      ]),
    );
    expect(receiver.received.every((r) => verifyHmac(SECRET, r.body, r.headers["x-shopify-hmac-sha256"]))).toBe(true);
    // Boot US 10 at Brooklyn: ordered 2 (available -2, committed +2), fulfilled 1 (committed -1),
    // refunded the unfulfilled 1 with restock (committed -1, available +1).
    const level = await gql(`{ inventoryItem(id: "gid://shopify/InventoryItem/8300000000005") {
      inventoryLevel(locationId: "gid://shopify/Location/70100000001") { quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } }`);
    expect(level.data?.inventoryItem.inventoryLevel.quantities).toEqual([
      { name: "available", quantity: 10 },
      { name: "committed", quantity: 0 },
      { name: "on_hand", quantity: 10 },
    ]);
  });

  it("creates a product with stock from gids and sends products/create", async () => {
    const created = await post("/__emulator/products", {
      title: "Drop Day Beanie",
      tags: ["drop"],
      variants: [{ sku: "PG-BEANIE", price: "29.00", levels: [{ locationId: "gid://shopify/Location/70100000002", available: 40 }] }],
    });
    const body = await gql(`query($id: ID!) { product(id: $id) { handle totalInventory variants(first: 1) { nodes { sku price inventoryQuantity } } } }`, { id: created.id });
    expect(body.data?.product).toEqual({ handle: "drop-day-beanie", totalInventory: 40, variants: { nodes: [{ sku: "PG-BEANIE", price: "29.00", inventoryQuantity: 40 }] } });
    await post("/__emulator/webhooks/flush");
    const delivery = receiver.received.find((r) => r.path === "/webhooks/products/create");
    expect(JSON.parse(delivery!.body)).toMatchObject({ title: "Drop Day Beanie", tags: "drop", status: "active", variants: [{ sku: "PG-BEANIE", price: "29.00", inventory_quantity: 40 }] });
  });

  it("reset returns to the seed; state dumps the store; a refused store event is a 422 naming the thing", async () => {
    await post("/__emulator/products/8100000000004", { title: "Renamed" }, "PATCH");
    expect((await gql(`{ product(id: "gid://shopify/Product/8100000000004") { title } }`)).data?.product.title).toBe("Renamed");
    await post("/__emulator/reset");
    expect((await gql(`{ product(id: "gid://shopify/Product/8100000000004") { title } }`)).data?.product.title).toBe("Insulated Water Bottle");
    const state = (await (await fetch(`${emulator.url}/__emulator/state`)).json()) as { products: unknown[]; inventoryLevels: unknown[] };
    expect(state.products).toHaveLength(5);
    const refused = await fetch(`${emulator.url}/__emulator/orders/5400000000001/paid`, { method: "POST" });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({ error: "Order #1001 is PAID; only a PENDING or AUTHORIZED order can be marked as paid" });
  });

  it("app/uninstall sends app/uninstalled; webhook knobs are adjustable", async () => {
    await post("/__emulator/webhooks", { duplicateProbability: 1, duplicateCount: 1 });
    await post("/__emulator/app/uninstall");
    const { stats } = await post("/__emulator/webhooks/flush");
    await post("/__emulator/webhooks", { duplicateProbability: 0 });
    expect(receiver.received.map((r) => r.path)).toEqual(["/webhooks/app/uninstalled", "/webhooks/app/uninstalled"]);
    expect(receiver.received[0]?.headers["x-shopify-event-id"]).toBe(receiver.received[1]?.headers["x-shopify-event-id"]);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ myshopify_domain: "peakguard-demo.myshopify.com", iana_timezone: "America/New_York" });
    expect(stats).toMatchObject({ events: 1, deliveries: 2, duplicates: 1, delivered: 2 });
  });
});

describe("caller-made webhooks", () => {
  it("/__emulator/webhooks/send delivers a topic the store does not model (compliance), signed like the rest", async () => {
    await post("/__emulator/webhooks/send", { topic: "customers/redact", payload: { shop_domain: "peakguard-demo.myshopify.com", customer: { id: 6200000000002 } } });
    await post("/__emulator/webhooks/flush");
    const [delivery] = receiver.received;
    expect(delivery?.path).toBe("/webhooks/customers/redact");
    expect(JSON.parse(delivery!.body)).toEqual({ shop_domain: "peakguard-demo.myshopify.com", customer: { id: 6200000000002 } });
    expect(verifyHmac(SECRET, delivery!.body, delivery!.headers["x-shopify-hmac-sha256"])).toBe(true);
  });
});

describe("bulk operations", () => {
  const QUERY = `{
    products(query: "tag:winter") {
      edges { node { id title
        variants { edges { node { id sku inventoryItem { id tracked } } } }
        collections { edges { node { id handle } } }
      } }
    }
  }`;

  it("run without page limits, write JSONL with __parentId lines, serve the file and send bulk_operations/finish", async () => {
    const started = await gql(`mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`, { q: QUERY });
    expect(started.data?.bulkOperationRunQuery.userErrors).toEqual([]);
    expect(started.data?.bulkOperationRunQuery.bulkOperation.status).toBe("CREATED");
    const id = started.data?.bulkOperationRunQuery.bulkOperation.id as string;
    await emulator.api.bulk.whenIdle();

    const status = await gql(`query($id: ID!) { bulkOperation(id: $id) { status errorCode objectCount rootObjectCount fileSize url } }`, { id });
    const op = status.data?.bulkOperation;
    expect(op).toMatchObject({ status: "COMPLETED", errorCode: null, objectCount: "8", rootObjectCount: "2" });
    const file = await fetch(op.url as string);
    const text = await file.text();
    expect(Number(op.fileSize)).toBe(Buffer.byteLength(text));
    const lines = text.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ id: "gid://shopify/Product/8100000000001", title: "Summit Down Jacket" });
    expect(lines[1]).toEqual({
      id: "gid://shopify/ProductVariant/8200000000001",
      sku: "PG-JKT-S",
      inventoryItem: { id: "gid://shopify/InventoryItem/8300000000001", tracked: true },
      __parentId: "gid://shopify/Product/8100000000001",
    });
    expect(Object.keys(lines[1]!).at(-1)).toBe("__parentId");
    expect(lines.filter((l) => l.__parentId === "gid://shopify/Product/8100000000001").map((l) => l.sku ?? l.handle)).toEqual([
      "PG-JKT-S",
      "PG-JKT-M",
      "PG-JKT-L",
      "winter-gear",
    ]);
    expect(lines.filter((l) => !("__parentId" in l))).toHaveLength(2);

    await post("/__emulator/webhooks/flush");
    const finish = receiver.received.find((r) => r.path === "/webhooks/bulk_operations/finish");
    expect(JSON.parse(finish!.body)).toMatchObject({ admin_graphql_api_id: id, status: "completed", error_code: null, type: "query" });

    const viaNode = await gql(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } currentBulkOperation { id } }`, { id });
    expect(viaNode.data).toEqual({ node: { status: "COMPLETED" }, currentBulkOperation: { id } });
  });

  it.each([
    ["no connection", `{ shop { id } }`, "at least one connection"],
    ["more than five connections", `{ a: products { edges { node { id variants { edges { node { id } } } collections { edges { node { id } } } } } } b: orders { edges { node { id lineItems { edges { node { id } } } } } } c: locations { edges { node { id } } } }`, "more than 5 connections"],
    ["connections nested three deep", `{ collections { edges { node { id products { edges { node { id variants { edges { node { id } } } } } } } } } }`, "more than 2 levels"],
    ["an invalid query", `{ products { edges { node { nope } } } }`, 'Cannot query field "nope"'],
  ])("refuses %s with a userError on the query", async (_label, query, message) => {
    const body = await gql(`mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message code } } }`, { q: query });
    expect(body.data?.bulkOperationRunQuery.bulkOperation).toBeNull();
    expect(body.data?.bulkOperationRunQuery.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
    expect(body.data?.bulkOperationRunQuery.userErrors[0].message).toContain(message);
  });
});
