/**
 * The emulator's HTTP face (node:http):
 *
 *   POST /admin/api/<API_VERSION>/graphql.json   the Admin GraphQL API
 *        X-Shopify-Access-Token must match, else 401; another version answers 404.
 *   GET  /__emulator/bulk/<id>.jsonl             bulk operation results
 *   …    /__emulator/…                          control endpoints (see README.md)
 */
import { createReadStream, existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

import { API_VERSION } from "../app/api-version";
import type { BulkOptions } from "./bulk";
import type { ThrottleConfig } from "./cost";
import { AdminApi } from "./graphql";
import { parseGid } from "./ids";
import type { SeedFile } from "./model";
import {
  readSeedFile,
  Store,
  StoreError,
  type Clock,
  type CustomerPatch,
  type NewOrderInput,
  type NewProductInput,
  type ProductPatch,
} from "./store";
import { WebhookSender, type WebhookKnobs, type WebhookPost } from "./webhooks";

export interface StartEmulatorOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  host?: string;
  /** Seed JSON file; or pass `seed` directly. */
  seedFile?: string;
  seed?: SeedFile;
  /** The app's base URL; webhooks go to `${appUrl}/webhooks/<topic>`. */
  appUrl: string;
  /** The app's API secret (signs webhooks). */
  apiSecret: string;
  /** The Admin API access token the app must send. */
  accessToken: string;
  throttle?: ThrottleConfig;
  webhooks?: Partial<WebhookKnobs> & { seed?: number; enabled?: boolean; post?: WebhookPost };
  bulk?: BulkOptions;
  /** Injectable clock (ms since epoch); the control endpoint /__emulator/clock shifts it. */
  clock?: Clock;
}

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  /** The GraphQL endpoint: `${url}/admin/api/<API_VERSION>/graphql.json`. */
  graphqlUrl: string;
  store: Store;
  api: AdminApi;
  webhooks: WebhookSender;
  /** Moves the emulator's clock forward (throttle refill, timestamps). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, "Body must be a JSON object");
}

/** A numeric id from a number, a numeric string or a gid of `type`. */
function idFrom(value: unknown, type: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  const parsed = parseGid(value);
  if (parsed && parsed.type === type) return parsed.id;
  throw new HttpError(400, `Expected a ${type} id (number or gid://shopify/${type}/…), got ${JSON.stringify(value)}`);
}

function orderInput(body: Record<string, unknown>): NewOrderInput {
  const lines = Array.isArray(body.lineItems) ? (body.lineItems as Record<string, unknown>[]) : [];
  return {
    ...(body as unknown as NewOrderInput),
    lineItems: lines.map((line) => ({
      variantId: idFrom(line.variantId, "ProductVariant"),
      quantity: Number(line.quantity),
      ...(typeof line.price === "string" ? { price: line.price } : {}),
    })),
    customerId: body.customerId == null ? null : idFrom(body.customerId, "Customer"),
    ...(body.locationId != null ? { locationId: idFrom(body.locationId, "Location") } : {}),
  };
}

function productInput(body: Record<string, unknown>): NewProductInput {
  const variants = Array.isArray(body.variants) ? (body.variants as Record<string, unknown>[]) : [];
  return {
    ...(body as unknown as NewProductInput),
    ...(Array.isArray(body.collectionIds) ? { collectionIds: (body.collectionIds as unknown[]).map((id) => idFrom(id, "Collection")) } : {}),
    variants: variants.map((variant) => ({
      ...(variant as unknown as NewProductInput["variants"][number]),
      ...(Array.isArray(variant.levels)
        ? {
            levels: (variant.levels as Record<string, unknown>[]).map((level) => ({
              locationId: idFrom(level.locationId, "Location"),
              available: Number(level.available),
            })),
          }
        : {}),
    })),
  };
}

function productPatch(body: Record<string, unknown>): ProductPatch {
  return {
    ...(body as ProductPatch),
    ...(Array.isArray(body.variants)
      ? { variants: (body.variants as Record<string, unknown>[]).map((variant) => ({ ...(variant as object), id: idFrom(variant.id, "ProductVariant") })) }
      : {}),
  };
}

function lineRequests(body: Record<string, unknown>): { lineItemId: number; quantity: number; restock?: boolean }[] | undefined {
  if (!Array.isArray(body.lines)) return undefined;
  return (body.lines as Record<string, unknown>[]).map((line) => ({
    lineItemId: idFrom(line.lineItemId, "LineItem"),
    quantity: Number(line.quantity),
    ...(typeof line.restock === "boolean" ? { restock: line.restock } : {}),
  }));
}

export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const seed = options.seed ?? (options.seedFile ? readSeedFile(options.seedFile) : undefined);
  if (!seed) throw new Error("startEmulator needs a seed or a seedFile");
  const baseClock = options.clock ?? Date.now;
  let offset = 0;
  const clock: Clock = () => baseClock() + offset;
  const store = new Store({ seed, clock });
  const api = new AdminApi(store, { throttle: options.throttle, bulk: options.bulk });
  const { seed: webhookSeed, enabled: webhooksEnabled, ...knobs } = options.webhooks ?? {};
  const webhooks = new WebhookSender({
    ...knobs,
    ...(webhookSeed !== undefined ? { seed: webhookSeed } : {}),
    appUrl: options.appUrl,
    apiSecret: options.apiSecret,
    shopDomain: () => store.shop.myshopifyDomain,
  });
  if (webhooksEnabled !== false) store.on((event) => webhooks.enqueue(event));

  const graphqlPath = `/admin/api/${API_VERSION}/graphql.json`;

  const control = async (method: string, path: string, body: () => Promise<Record<string, unknown>>, response: ServerResponse): Promise<void> => {
    const parts = path.split("/").filter(Boolean); // ["__emulator", ...]
    const [, area, id, action] = parts;
    const route = `${method} ${area ?? ""}${id !== undefined ? "/:id" : ""}${action !== undefined ? `/${action}` : ""}`;
    switch (route) {
      case "GET health":
        return json(response, 200, { ok: true, apiVersion: API_VERSION, shop: store.shop.myshopifyDomain, now: new Date(clock()).toISOString() });
      case "POST reset": {
        const options = await body();
        store.reset();
        api.reset();
        webhooks.resetStats();
        if (typeof options.webhookSeed === "number") webhooks.reseed(options.webhookSeed);
        return json(response, 200, { ok: true });
      }
      case "POST seed": {
        const payload = await body();
        const next = typeof payload.path === "string" ? readSeedFile(payload.path) : (payload as unknown as SeedFile);
        store.loadSeed(next);
        api.reset();
        return json(response, 200, { ok: true });
      }
      case "GET state":
        return json(response, 200, store.dump());
      case "GET webhooks":
        return json(response, 200, { config: webhooks.config, stats: webhooks.stats() });
      case "POST webhooks":
        return json(response, 200, { config: webhooks.configure((await body()) as Partial<WebhookKnobs>) });
      case "POST webhooks/:id":
        if (id === "flush") {
          await webhooks.flush();
          return json(response, 200, { stats: webhooks.stats() });
        }
        if (id === "send") {
          // A caller-made event (compliance topics, topics the store does not model): sent as given.
          const payload = await body();
          if (typeof payload.topic !== "string" || !/^[a-z_]+\/[a-z_]+$/.test(payload.topic)) {
            throw new HttpError(400, 'Body must be { "topic": "<area>/<event>", "payload": { … } }');
          }
          store.emit(payload.topic, payload.payload ?? {});
          return json(response, 202, { ok: true });
        }
        break;
      case "GET webhooks/:id":
        if (id === "log") return json(response, 200, { attempts: webhooks.log() });
        break;
      case "GET throttle":
        return json(response, 200, api.bucket.status());
      case "POST throttle":
        api.bucket.configure((await body()) as ThrottleConfig & { currentlyAvailable?: number });
        return json(response, 200, api.bucket.status());
      case "POST clock": {
        const payload = await body();
        const advance = Number(payload.advanceMs);
        if (!Number.isFinite(advance) || advance < 0) throw new HttpError(400, "advanceMs must be a number >= 0");
        offset += advance;
        return json(response, 200, { now: new Date(clock()).toISOString() });
      }
      case "POST orders": {
        const order = store.createOrder(orderInput(await body()));
        return json(response, 201, { id: `gid://shopify/Order/${order.id}`, name: order.name, lineItemIds: order.lineItems.map((l) => `gid://shopify/LineItem/${l.id}`) });
      }
      case "POST orders/:id/paid":
        store.markOrderPaid(idFrom(id, "Order"));
        return json(response, 200, { ok: true });
      case "POST orders/:id/fulfill": {
        const lines = lineRequests(await body());
        const order = store.fulfillOrder(idFrom(id, "Order"), lines);
        return json(response, 200, { displayFulfillmentStatus: order.fulfillmentStatus });
      }
      case "POST orders/:id/cancel": {
        const payload = await body();
        store.cancelOrder(idFrom(id, "Order"), {
          ...(typeof payload.reason === "string" ? { reason: payload.reason as never } : {}),
          ...(typeof payload.restock === "boolean" ? { restock: payload.restock } : {}),
          ...(typeof payload.refund === "boolean" ? { refund: payload.refund } : {}),
        });
        return json(response, 200, { ok: true });
      }
      case "POST orders/:id/refund": {
        const payload = await body();
        const refund = store.refundOrder(idFrom(id, "Order"), {
          lines: lineRequests(payload) ?? [],
          ...(typeof payload.shipping === "string" ? { shipping: payload.shipping } : {}),
          ...(typeof payload.note === "string" ? { note: payload.note } : {}),
        });
        return json(response, 201, { id: `gid://shopify/Refund/${refund.id}` });
      }
      case "POST products": {
        const product = store.createProduct(productInput(await body()));
        return json(response, 201, { id: `gid://shopify/Product/${product.id}`, variantIds: product.variantIds.map((v) => `gid://shopify/ProductVariant/${v}`) });
      }
      case "PATCH products/:id":
        store.updateProduct(idFrom(id, "Product"), productPatch(await body()));
        return json(response, 200, { ok: true });
      case "DELETE products/:id":
        store.deleteProduct(idFrom(id, "Product"));
        return json(response, 200, { ok: true });
      case "PATCH inventory-items/:id":
        store.updateInventoryItem(idFrom(id, "InventoryItem"), (await body()) as never);
        return json(response, 200, { ok: true });
      case "POST locations": {
        const location = store.createLocation((await body()) as never);
        return json(response, 201, { id: `gid://shopify/Location/${location.id}` });
      }
      case "PATCH locations/:id":
        store.updateLocation(idFrom(id, "Location"), (await body()) as never);
        return json(response, 200, { ok: true });
      case "POST customers": {
        const customer = store.createCustomer((await body()) as CustomerPatch);
        return json(response, 201, { id: `gid://shopify/Customer/${customer.id}` });
      }
      case "PATCH customers/:id":
        store.updateCustomer(idFrom(id, "Customer"), (await body()) as CustomerPatch);
        return json(response, 200, { ok: true });
      case "POST app/:id":
        if (id === "uninstall") {
          store.uninstallApp();
          return json(response, 200, { ok: true });
        }
        break;
      case "GET bulk/:id": {
        const match = /^(\d+)\.jsonl$/.exec(id ?? "");
        const file = match ? api.bulk.filePath(Number(match[1])) : null;
        if (!file || !existsSync(file)) throw new HttpError(404, "No such bulk operation result");
        response.writeHead(200, { "Content-Type": "application/jsonl" });
        createReadStream(file).pipe(response);
        return;
      }
    }
    throw new HttpError(404, `No control endpoint ${method} ${path}`);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://emulator");
      const method = request.method ?? "GET";
      try {
        if (url.pathname.startsWith("/__emulator/")) {
          await control(method, url.pathname, async () => parseJson(await readBody(request)), response);
          return;
        }
        if (url.pathname !== graphqlPath) {
          // Another API version (or any other path) is not served.
          json(response, 404, { errors: "Not Found" });
          return;
        }
        if (method !== "POST") {
          json(response, 405, { errors: "Method Not Allowed" });
          return;
        }
        if (request.headers["x-shopify-access-token"] !== options.accessToken) {
          json(response, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
          return;
        }
        const text = await readBody(request);
        const type = String(request.headers["content-type"] ?? "");
        let payload: Record<string, unknown>;
        if (type.includes("application/graphql")) payload = { query: text };
        else {
          try {
            payload = parseJson(text);
          } catch {
            json(response, 400, { errors: "Body is not valid JSON" });
            return;
          }
        }
        const result = api.handle(payload);
        json(response, result.status, result.body, { "X-Shopify-API-Version": API_VERSION, "X-Request-Id": randomUUID() });
      } catch (error) {
        if (error instanceof HttpError) json(response, error.status, { error: error.message });
        else if (error instanceof StoreError) json(response, 422, { error: error.message });
        else json(response, 500, { error: (error as Error).message });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  api.bulk.baseUrl = url;

  return {
    url,
    graphqlUrl: `${url}${graphqlPath}`,
    store,
    api,
    webhooks,
    advanceClock: (ms: number) => {
      offset += ms;
    },
    close: async () => {
      webhooks.close();
      await api.bulk.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
