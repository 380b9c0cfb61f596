import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { GraphqlQueryError, HttpRequestError } from "@shopify/shopify-api";
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";

import { API_VERSION } from "../../../app/api-version";

import {
  AdminClient,
  AdminGraphQLError,
  AdminNetworkFailure,
  AdminPageLimitError,
  AdminResponseError,
  AdminThrottledError,
  AdminTransportError,
  AdminUserErrorsError,
  adminClientFromRemix,
  adminClientFromToken,
  adminEndpointFor,
  type AdminClientOptions,
  type RemixAdminGraphql,
  type VariablesArgument,
} from "../../../app/services/admin/client.server";
import type {
  InventoryAdjustQuantitiesMutation,
  MetafieldsSetMutation,
  ProductsPageQueryVariables,
  ShopInfoQuery,
  ShopInfoQueryVariables,
} from "../../../graphql/generated/admin.types";
import {
  InventoryAdjustQuantities,
  InventoryLevelsPage,
  MetafieldsSet,
  ProductsPage,
  ShopInfo,
} from "../../../graphql/operations";
import { cost, fakeClock, strictTransport, throttled, type ExpectedCall, type StrictTransport } from "./strict-transport";

const SHOP_DATA: ShopInfoQuery = {
  shop: {
    id: "gid://shopify/Shop/1",
    name: "Peak Outfitters",
    myshopifyDomain: "peak-outfitters.myshopify.com",
    ianaTimezone: "Europe/Dublin",
    currencyCode: "EUR",
    plan: { publicDisplayName: "Advanced", partnerDevelopment: false, shopifyPlus: false },
  },
};

const METAFIELD_INPUT = {
  metafields: [{ ownerId: "gid://shopify/Shop/1", namespace: "$app", key: "rules", type: "json", value: "{" }],
};

const ADJUST_INPUT = {
  idempotencyKey: "adjust-7f3c",
  input: {
    name: "available",
    reason: "correction",
    changes: [{ inventoryItemId: "gid://shopify/InventoryItem/1", locationId: "gid://shopify/Location/1", delta: -2, changeFromQuantity: null }],
  },
};

let active: StrictTransport | undefined;

function clientFor(expected: ExpectedCall[], options: AdminClientOptions = {}) {
  const clock = fakeClock();
  active = strictTransport(expected);
  const client = new AdminClient(active.transport, { sleep: clock.sleep, now: clock.now, ...options });
  return { client, clock, mock: active };
}

afterEach(() => {
  active?.assertDone();
  active = undefined;
});

describe("strict transport (the test double itself)", () => {
  it("rejects a call it does not expect and reports it", async () => {
    const mock = strictTransport([]);
    await expect(mock.transport(ShopInfo.source)).rejects.toThrow("unexpected Admin API call #1: ShopInfo");
    expect(() => mock.assertDone()).toThrow("unexpected calls");
  });

  it("reports expected calls that never came", () => {
    const mock = strictTransport([{ operation: ShopInfo, respond: { data: SHOP_DATA } }]);
    expect(() => mock.assertDone()).toThrow("expected calls that were never made");
  });
});

describe("AdminClient.request", () => {
  it("takes variables exactly when the operation has required ones", () => {
    expectTypeOf<VariablesArgument<ShopInfoQueryVariables>>().toEqualTypeOf<[variables?: ShopInfoQueryVariables]>();
    expectTypeOf<VariablesArgument<ProductsPageQueryVariables>>().toEqualTypeOf<[variables: ProductsPageQueryVariables]>();
  });

  it("returns the typed data and remembers the cost report", async () => {
    const { client, clock } = clientFor([
      { operation: ShopInfo, respond: { status: 200, data: SHOP_DATA, extensions: cost(2, 998) } },
    ]);

    const data = await client.request(ShopInfo);

    expectTypeOf(data).toEqualTypeOf<ShopInfoQuery>();
    expect(data.shop.myshopifyDomain).toBe("peak-outfitters.myshopify.com");
    expect(client.lastCost?.throttleStatus.currentlyAvailable).toBe(998);
    expect(clock.sleeps).toEqual([]);
  });

  it("sends the variables it is given", async () => {
    const { client } = clientFor([
      {
        operation: ProductsPage,
        variables: { first: 5, query: "tag:drop" },
        respond: { data: { products: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } },
      },
    ]);
    const data = await client.request(ProductsPage, { first: 5, query: "tag:drop" });
    expect(data.products.nodes).toEqual([]);
  });

  it("throws AdminGraphQLError listing each top-level error with its path and code", async () => {
    const { client } = clientFor([
      {
        operation: ShopInfo,
        respond: {
          status: 200,
          data: { shop: null },
          errors: [
            { message: "Access denied for plan field.", path: ["shop", "plan"], extensions: { code: "ACCESS_DENIED" } },
            { message: "Internal error", path: ["shop", "name"] },
          ],
        },
      },
    ]);

    const error = await client.request(ShopInfo).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminGraphQLError);
    const graphQLError = error as AdminGraphQLError;
    expect(graphQLError.message).toBe(
      "ShopInfo failed: Access denied for plan field. (at shop.plan) [ACCESS_DENIED]; Internal error (at shop.name)",
    );
    expect(graphQLError.codes).toEqual(["ACCESS_DENIED"]);
    expect(graphQLError.data).toEqual({ shop: null });
  });

  it("throws AdminResponseError when the answer has neither data nor errors", async () => {
    const { client } = clientFor([{ operation: ShopInfo, respond: { status: 200 } }]);
    await expect(client.request(ShopInfo)).rejects.toThrow(
      new AdminResponseError("ShopInfo", "ShopInfo: the response carried no data and no errors"),
    );
  });

  it("throws AdminTransportError on a 4xx without retrying", async () => {
    const { client } = clientFor([
      { operation: ShopInfo, respond: { status: 401, errors: [{ message: "[API] Invalid API key or access token" }] } },
    ]);
    const error = await client.request(ShopInfo).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminTransportError);
    expect((error as AdminTransportError).status).toBe(401);
    expect((error as Error).message).toBe("ShopInfo failed with HTTP 401: [API] Invalid API key or access token");
  });

  it("lets anything else a transport throws through untouched (a Remix redirect, say)", async () => {
    const redirect = new Response(null, { status: 302, headers: { Location: "/auth/login" } });
    const { client } = clientFor([{ operation: ShopInfo, respond: { throws: redirect } }]);
    await expect(client.request(ShopInfo)).rejects.toBe(redirect);
  });
});

describe("AdminClient throttling", () => {
  it("waits ceil((requested - available) / restoreRate) seconds after THROTTLED, then resends", async () => {
    // GIVEN a bucket with 50 points restoring 100/s and a query asking for 202
    const { client, clock } = clientFor([
      { operation: ShopInfo, respond: throttled(202, 50, 100) },
      { operation: ShopInfo, respond: { status: 200, data: SHOP_DATA, extensions: cost(202, 48, { restoreRate: 100 }) } },
    ]);

    // WHEN the request is throttled once
    const data = await client.request(ShopInfo);

    // THEN the client slept ceil(152 / 100) = 2 s and returned the second answer
    expect(clock.sleeps).toEqual([2_000]);
    expect(data.shop.name).toBe("Peak Outfitters");
  });

  it("waits at least one second even when the report says the points are there", async () => {
    const { client, clock } = clientFor([
      { operation: ShopInfo, respond: throttled(10, 40) },
      { operation: ShopInfo, respond: { data: SHOP_DATA } },
    ]);
    await client.request(ShopInfo);
    expect(clock.sleeps).toEqual([1_000]);
  });

  it("gives up with AdminThrottledError after maxRetries resends", async () => {
    const { client, clock } = clientFor(
      [
        { operation: ShopInfo, respond: throttled(300, 0) },
        { operation: ShopInfo, respond: throttled(300, 0) },
        { operation: ShopInfo, respond: throttled(300, 0) },
      ],
      { maxRetries: 2 },
    );

    const error = await client.request(ShopInfo).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminThrottledError);
    expect((error as AdminThrottledError).attempts).toBe(3);
    expect((error as Error).message).toBe(
      "ShopInfo still throttled after 3 attempts (requested cost 300, 0 of 1000 points available, restoring 50/s)",
    );
    // 300 points at 50/s: 6 s before each of the two resends, none after the last attempt
    expect(clock.sleeps).toEqual([6_000, 6_000]);
  });

  it("treats HTTP 429 as throttled and honours Retry-After", async () => {
    const { client, clock } = clientFor([
      { operation: ShopInfo, respond: { status: 429, retryAfterMs: 2_500 } },
      { operation: ShopInfo, respond: { status: 429 } },
      { operation: ShopInfo, respond: { status: 200, data: SHOP_DATA } },
    ]);
    await client.request(ShopInfo);
    expect(clock.sleeps).toEqual([2_500, 1_000]);
  });

  it("resends a throttled mutation: Shopify did not run it", async () => {
    const { client, clock } = clientFor([
      { operation: MetafieldsSet, variables: METAFIELD_INPUT, respond: throttled(10, 0, 100) },
      {
        operation: MetafieldsSet,
        variables: METAFIELD_INPUT,
        respond: { data: { metafieldsSet: { metafields: [], userErrors: [] } } },
      },
    ]);
    await client.mutate(MetafieldsSet, METAFIELD_INPUT, "metafieldsSet");
    expect(clock.sleeps).toEqual([1_000]);
  });

  it("holds the next request until the bucket should afford it", async () => {
    // GIVEN a first answer leaving 100 points, restoring 50/s, for a query costing 300
    const { client, clock } = clientFor([
      { operation: ShopInfo, respond: { data: SHOP_DATA, extensions: cost(300, 100) } },
      { operation: ShopInfo, respond: { data: SHOP_DATA, extensions: cost(300, 0) } },
    ]);
    await client.request(ShopInfo);
    expect(clock.sleeps).toEqual([]);

    // WHEN the same query is sent again one second later (bucket now ~150)
    clock.advance(1_000);
    await client.request(ShopInfo);

    // THEN it first waits (300 - 150) / 50 = 3 s
    expect(clock.sleeps).toEqual([3_000]);
  });

  it("estimates each operation by its own last cost", async () => {
    // GIVEN ProductsPage cost 500 and left 300 points (restoring 50/s)
    const emptyProducts = { products: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } };
    const { client, clock } = clientFor([
      { operation: ShopInfo, respond: { data: SHOP_DATA, extensions: cost(2, 800) } },
      { operation: ProductsPage, variables: { first: 5 }, respond: { data: emptyProducts, extensions: cost(500, 300) } },
      { operation: ShopInfo, respond: { data: SHOP_DATA, extensions: cost(2, 298) } },
      { operation: ProductsPage, variables: { first: 5 }, respond: { data: emptyProducts, extensions: cost(500, 0) } },
    ]);
    await client.request(ShopInfo);
    await client.request(ProductsPage, { first: 5 });

    // WHEN ShopInfo (2 points last time) goes next, it does not wait for ProductsPage's 500
    await client.request(ShopInfo);
    expect(clock.sleeps).toEqual([]);

    // AND WHEN ProductsPage goes again with ~298 available, it waits (500 - 298) / 50 s
    await client.request(ProductsPage, { first: 5 });
    expect(clock.sleeps).toEqual([4_040]);
  });

  it("waits for the reserve when the bucket is low", async () => {
    const { client, clock } = clientFor(
      [
        { operation: ShopInfo, respond: { data: SHOP_DATA, extensions: cost(10, 20) } },
        { operation: ShopInfo, respond: { data: SHOP_DATA } },
      ],
      { minAvailable: 100 },
    );
    await client.request(ShopInfo);
    await client.request(ShopInfo);
    // needs 10 + 100, has 20, restores 50/s: 1.8 s
    expect(clock.sleeps).toEqual([1_800]);
  });
});

describe("AdminClient failures", () => {
  it("resends a query after 5xx and network failures with exponential backoff", async () => {
    const { client, clock } = clientFor([
      { operation: ShopInfo, respond: { status: 502 } },
      { operation: ShopInfo, respond: { throws: new AdminNetworkFailure(new Error("socket hang up")) } },
      { operation: ShopInfo, respond: { status: 200, data: SHOP_DATA } },
    ]);
    await client.request(ShopInfo);
    expect(clock.sleeps).toEqual([500, 1_000]);
  });

  it("gives up on a query after maxRetries resends", async () => {
    const { client, clock } = clientFor(
      [
        { operation: ShopInfo, respond: { status: 503 } },
        { operation: ShopInfo, respond: { status: 503 } },
      ],
      { maxRetries: 1 },
    );
    const error = await client.request(ShopInfo).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminTransportError);
    expect((error as AdminTransportError).mayHaveApplied).toBe(false);
    expect((error as Error).message).toBe("ShopInfo failed with HTTP 503 after 2 attempts");
    expect(clock.sleeps).toEqual([500]);
  });

  it("never resends a mutation without @idempotent after a 5xx", async () => {
    const { client, clock } = clientFor([{ operation: MetafieldsSet, variables: METAFIELD_INPUT, respond: { status: 502 } }]);

    const error = await client.mutate(MetafieldsSet, METAFIELD_INPUT, "metafieldsSet").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminTransportError);
    expect((error as AdminTransportError).mayHaveApplied).toBe(true);
    expect((error as Error).message).toContain("MetafieldsSet failed with HTTP 502; not resent");
    expect(clock.sleeps).toEqual([]);
  });

  it("never resends a mutation without @idempotent after a network failure", async () => {
    const { client } = clientFor([
      {
        operation: MetafieldsSet,
        variables: METAFIELD_INPUT,
        respond: { throws: new AdminNetworkFailure(new Error("ECONNRESET")) },
      },
    ]);
    const error = await client.mutate(MetafieldsSet, METAFIELD_INPUT, "metafieldsSet").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminTransportError);
    expect((error as AdminTransportError).status).toBeUndefined();
    expect((error as Error).message).toContain("MetafieldsSet failed with network failure");
    expect((error as Error).cause).toBeInstanceOf(AdminNetworkFailure);
  });

  it("resends an @idempotent mutation with the same key after a network failure", async () => {
    const payload: InventoryAdjustQuantitiesMutation = {
      inventoryAdjustQuantities: { inventoryAdjustmentGroup: null, userErrors: [] },
    };
    const { client, clock } = clientFor([
      {
        operation: InventoryAdjustQuantities,
        variables: ADJUST_INPUT,
        respond: { throws: new AdminNetworkFailure(new Error("ETIMEDOUT")) },
      },
      { operation: InventoryAdjustQuantities, variables: ADJUST_INPUT, respond: { data: payload } },
    ]);
    await client.mutate(InventoryAdjustQuantities, ADJUST_INPUT, "inventoryAdjustQuantities");
    expect(clock.sleeps).toEqual([500]);
  });
});

describe("AdminClient.mutate", () => {
  it("throws AdminUserErrorsError naming each field path and message", async () => {
    const { client } = clientFor([
      {
        operation: MetafieldsSet,
        variables: METAFIELD_INPUT,
        respond: {
          data: {
            metafieldsSet: {
              metafields: null,
              userErrors: [
                { field: ["metafields", "0", "value"], message: "Value must be valid JSON", code: "INVALID_VALUE", elementIndex: null },
                { field: null, message: "Too many metafields", code: null, elementIndex: null },
              ],
            },
          } satisfies MetafieldsSetMutation,
        },
      },
    ]);

    const error = await client.mutate(MetafieldsSet, METAFIELD_INPUT, "metafieldsSet").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminUserErrorsError);
    const userErrorsError = error as AdminUserErrorsError;
    expect(userErrorsError.message).toBe(
      "metafieldsSet: metafields.0.value: Value must be valid JSON; metafieldsSet: Too many metafields",
    );
    expect(userErrorsError.payloadKey).toBe("metafieldsSet");
    expect(userErrorsError.userErrors).toEqual([
      { field: ["metafields", "0", "value"], message: "Value must be valid JSON", code: "INVALID_VALUE" },
      { field: null, message: "Too many metafields" },
    ]);
  });

  it("returns the typed payload when userErrors is empty", async () => {
    const metafield = {
      id: "gid://shopify/Metafield/9",
      namespace: "$app",
      key: "rules",
      type: "json",
      value: "{}",
      compareDigest: "abc",
      updatedAt: "2026-11-27T10:00:00Z",
    };
    const { client } = clientFor([
      {
        operation: MetafieldsSet,
        variables: METAFIELD_INPUT,
        respond: { data: { metafieldsSet: { metafields: [metafield], userErrors: [] } } },
      },
    ]);

    const payload = await client.mutate(MetafieldsSet, METAFIELD_INPUT, "metafieldsSet");

    expectTypeOf(payload).toEqualTypeOf<NonNullable<MetafieldsSetMutation["metafieldsSet"]>>();
    expect(payload.metafields).toEqual([metafield]);
  });

  it("throws AdminResponseError when the payload is null", async () => {
    const { client } = clientFor([
      { operation: MetafieldsSet, variables: METAFIELD_INPUT, respond: { data: { metafieldsSet: null } } },
    ]);
    await expect(client.mutate(MetafieldsSet, METAFIELD_INPUT, "metafieldsSet")).rejects.toThrow(
      "MetafieldsSet: metafieldsSet returned no payload",
    );
  });
});

describe("AdminClient.paginate", () => {
  function productsPage(ids: string[], endCursor: string | null, hasNextPage: boolean) {
    return {
      data: {
        products: {
          nodes: ids.map((id) => ({ id })),
          pageInfo: { hasNextPage, endCursor },
        },
      },
    };
  }

  it("follows endCursor across three pages and yields every node in order", async () => {
    const { client } = clientFor([
      { operation: ProductsPage, variables: { first: 2, query: "status:active", after: null }, respond: productsPage(["p1", "p2"], "c1", true) },
      { operation: ProductsPage, variables: { first: 2, query: "status:active", after: "c1" }, respond: productsPage(["p3", "p4"], "c2", true) },
      { operation: ProductsPage, variables: { first: 2, query: "status:active", after: "c2" }, respond: productsPage(["p5"], "c3", false) },
    ]);

    const ids: string[] = [];
    for await (const product of client.paginate(ProductsPage, { first: 2, query: "status:active" }, (data) => data.products)) {
      ids.push(product.id);
    }

    expect(ids).toEqual(["p1", "p2", "p3", "p4", "p5"]);
  });

  it("reads edges when the connection selects edges", async () => {
    const { client } = clientFor([
      {
        operation: ProductsPage,
        variables: { first: 1, after: null },
        respond: { data: { edges: [{ node: { id: "p1" } }], pageInfo: { hasNextPage: false, endCursor: null } } },
      },
    ]);
    const nodes: unknown[] = [];
    const pick = (data: unknown) => data as { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    for await (const node of client.paginate(ProductsPage, { first: 1 }, pick)) nodes.push(node);
    expect(nodes).toEqual([{ id: "p1" }]);
  });

  it("ends quietly when pick finds no connection (the location is gone)", async () => {
    const { client } = clientFor([
      {
        operation: InventoryLevelsPage,
        variables: { locationId: "gid://shopify/Location/404", first: 50, after: null },
        respond: { data: { location: null } },
      },
    ]);
    const levels: unknown[] = [];
    for await (const level of client.paginate(
      InventoryLevelsPage,
      { locationId: "gid://shopify/Location/404", first: 50 },
      (data) => data.location?.inventoryLevels,
    )) {
      levels.push(level);
    }
    expect(levels).toEqual([]);
  });

  it("stops with AdminPageLimitError at maxPages", async () => {
    const { client } = clientFor([
      { operation: ProductsPage, variables: { first: 1, after: null }, respond: productsPage(["p1"], "c1", true) },
      { operation: ProductsPage, variables: { first: 1, after: "c1" }, respond: productsPage(["p2"], "c2", true) },
    ]);
    const ids: string[] = [];
    const run = async () => {
      for await (const product of client.paginate(ProductsPage, { first: 1 }, (data) => data.products, { maxPages: 2 })) {
        ids.push(product.id);
      }
    };
    await expect(run()).rejects.toBeInstanceOf(AdminPageLimitError);
    expect(ids).toEqual(["p1", "p2"]);
  });

  it("refuses a next page without a new cursor instead of looping", async () => {
    const { client } = clientFor([
      { operation: ProductsPage, variables: { first: 1, after: null }, respond: productsPage(["p1"], null, true) },
    ]);
    const run = async () => {
      for await (const product of client.paginate(ProductsPage, { first: 1 }, (data) => data.products)) void product;
    };
    await expect(run()).rejects.toThrow("ProductsPage: page 1 has hasNextPage but no endCursor");
  });
});

interface RecordedRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface CannedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** A local HTTP server answering from a queue; a request beyond the queue gets a 599 and is recorded. */
async function startAdminServer(answers: CannedAnswer[]) {
  const queue = [...answers];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: request.method, url: request.url, headers: request.headers, body: JSON.parse(text) as unknown });
      const answer = queue.shift() ?? { status: 599, body: "unexpected request" };
      response.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    remaining: () => queue.length,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

describe("adminEndpointFor", () => {
  it("builds the Shopify endpoint from the shop and API_VERSION", () => {
    expect(adminEndpointFor("peak-outfitters.myshopify.com", {})).toBe(
      `https://peak-outfitters.myshopify.com/admin/api/${API_VERSION}/graphql.json`,
    );
  });

  it("sends to PEAKGUARD_ADMIN_API_URL when set (the local store emulator)", () => {
    expect(adminEndpointFor("peak-outfitters.myshopify.com", { PEAKGUARD_ADMIN_API_URL: "http://127.0.0.1:4010/" })).toBe(
      `http://127.0.0.1:4010/admin/api/${API_VERSION}/graphql.json`,
    );
  });

  it("refuses to send a token to a host that is not a myshopify.com shop", () => {
    expect(() => adminEndpointFor("evil.example.com/steal?", {})).toThrow(
      'Shop "evil.example.com/steal?" is not a *.myshopify.com domain',
    );
  });
});

describe("adminClientFromToken", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("posts to the configured endpoint with the access token and returns extensions", async () => {
    const extensions = cost(2, 998, { restoreRate: 100 });
    const server = await startAdminServer([{ status: 200, body: JSON.stringify({ data: SHOP_DATA, extensions }) }]);
    try {
      // GIVEN the emulator's base URL in the environment
      vi.stubEnv("PEAKGUARD_ADMIN_API_URL", server.baseUrl);
      const client = adminClientFromToken({ shop: "peak-outfitters.myshopify.com", accessToken: "shpat_test_123" });

      // WHEN a query is sent
      const result = await client.requestWithExtensions(ShopInfo);

      // THEN it reached /admin/api/<version>/graphql.json with the token, query and variables
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request?.method).toBe("POST");
      expect(request?.url).toBe(`/admin/api/${API_VERSION}/graphql.json`);
      expect(request?.headers["x-shopify-access-token"]).toBe("shpat_test_123");
      expect(request?.body).toMatchObject({ query: ShopInfo.source, operationName: "ShopInfo" });
      // AND the data and the cost extensions came back
      expect(result.data).toEqual(SHOP_DATA);
      expect(result.extensions).toEqual(extensions);
      expect(result.cost?.throttleStatus.restoreRate).toBe(100);
      expect(client.lastCost).toEqual(extensions.cost);
    } finally {
      await server.close();
    }
  });

  it("retries THROTTLED over HTTP and 429 with Retry-After, then returns data", async () => {
    const server = await startAdminServer([
      {
        status: 200,
        body: JSON.stringify({
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
          extensions: cost(120, 20, { restoreRate: 50, actualQueryCost: null }),
        }),
      },
      { status: 429, body: JSON.stringify({ errors: "Exceeded 2 calls per second for api client." }), headers: { "Retry-After": "2.0" } },
      { status: 200, body: JSON.stringify({ data: SHOP_DATA }) },
    ]);
    try {
      const clock = fakeClock();
      const client = adminClientFromToken({
        shop: "peak-outfitters.myshopify.com",
        accessToken: "shpat_test_123",
        endpoint: `${server.baseUrl}/admin/api/${API_VERSION}/graphql.json`,
        sleep: clock.sleep,
        now: clock.now,
      });

      const data = await client.request(ShopInfo);

      expect(data).toEqual(SHOP_DATA);
      expect(server.requests).toHaveLength(3);
      // (120 - 20) / 50 = 2 s, then Retry-After 2.0 s
      expect(clock.sleeps).toEqual([2_000, 2_000]);
    } finally {
      await server.close();
    }
  });

  it("reports a 401 with Shopify's message, without retrying", async () => {
    const server = await startAdminServer([
      { status: 401, body: JSON.stringify({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }) },
    ]);
    try {
      const client = adminClientFromToken({
        shop: "peak-outfitters.myshopify.com",
        accessToken: "expired",
        endpoint: `${server.baseUrl}/admin/api/${API_VERSION}/graphql.json`,
      });
      const error = await client.request(ShopInfo).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AdminTransportError);
      expect((error as AdminTransportError).status).toBe(401);
      expect(server.remaining()).toBe(0);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("turns a refused connection into a network failure and retries queries", async () => {
    const server = await startAdminServer([]);
    const endpoint = `${server.baseUrl}/admin/api/${API_VERSION}/graphql.json`;
    await server.close();
    const clock = fakeClock();
    const client = adminClientFromToken({
      shop: "peak-outfitters.myshopify.com",
      accessToken: "shpat_test_123",
      endpoint,
      sleep: clock.sleep,
      now: clock.now,
      maxRetries: 2,
    });
    const error = await client.request(ShopInfo).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminTransportError);
    expect((error as Error).cause).toBeInstanceOf(AdminNetworkFailure);
    expect(clock.sleeps).toEqual([500, 1_000]);
  });
});

describe("adminClientFromRemix", () => {
  /** A strict stand-in for the Remix `admin`: one scripted behaviour per call. */
  function remixAdmin(script: ((query: string, variables: unknown) => Promise<Response>)[]) {
    const queue = [...script];
    const calls: { query: string; variables: unknown }[] = [];
    const admin = {
      graphql: async (query: string, options?: { variables?: unknown }) => {
        calls.push({ query, variables: options?.variables });
        const next = queue.shift();
        if (!next) throw new Error(`unexpected admin.graphql call #${calls.length}`);
        return next(query, options?.variables);
      },
    } as unknown as RemixAdminGraphql;
    return { admin, calls, remaining: () => queue.length };
  }

  /** What @shopify/shopify-api throws for GraphQL errors on HTTP 200 (THROTTLED included). */
  function graphqlQueryError(errors: unknown[], extensions?: unknown) {
    return new GraphqlQueryError({
      message: errors.length > 0 ? "Throttled" : "GraphQL operation failed",
      response: { status: 200 },
      body: {
        errors: { networkStatusCode: 200, message: "GraphQL Client: An error occurred", graphQLErrors: errors },
        ...(extensions ? { extensions } : {}),
      },
    });
  }

  it("reads data and extensions from the Response and passes variables", async () => {
    const extensions = cost(3, 997);
    const { admin, calls } = remixAdmin([
      async () => new Response(JSON.stringify({ data: { products: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } }, extensions })),
    ]);
    const client = adminClientFromRemix(admin);

    const result = await client.requestWithExtensions(ProductsPage, { first: 5 });

    expect(calls).toEqual([{ query: ProductsPage.source, variables: { first: 5 } }]);
    expect(result.data.products.nodes).toEqual([]);
    expect(result.cost).toEqual(extensions.cost);
  });

  it("retries after a thrown GraphqlQueryError carrying THROTTLED", async () => {
    const clock = fakeClock();
    const { admin, remaining } = remixAdmin([
      async () => {
        throw graphqlQueryError(
          [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
          cost(250, 50, { restoreRate: 100, actualQueryCost: null }),
        );
      },
      async () => new Response(JSON.stringify({ data: SHOP_DATA })),
    ]);
    const client = adminClientFromRemix(admin, { sleep: clock.sleep, now: clock.now });

    const data = await client.request(ShopInfo);

    expect(data).toEqual(SHOP_DATA);
    expect(clock.sleeps).toEqual([2_000]);
    expect(remaining()).toBe(0);
  });

  it("turns other GraphQL errors into AdminGraphQLError", async () => {
    const { admin } = remixAdmin([
      async () => {
        throw graphqlQueryError([{ message: "Field 'nope' doesn't exist on type 'Shop'", path: ["query ShopInfo", "shop", "nope"] }]);
      },
    ]);
    const error = await adminClientFromRemix(admin).request(ShopInfo).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminGraphQLError);
    expect((error as Error).message).toBe("ShopInfo failed: Field 'nope' doesn't exist on type 'Shop' (at query ShopInfo.shop.nope)");
  });

  it("retries a thrown 429 Response and a network HttpRequestError for a query", async () => {
    const clock = fakeClock();
    const { admin } = remixAdmin([
      async () => {
        throw new Response(JSON.stringify({ errors: { networkStatusCode: 429 } }), { status: 429 });
      },
      async () => {
        throw new HttpRequestError("Http request error, no response available: fetch failed");
      },
      async () => new Response(JSON.stringify({ data: SHOP_DATA })),
    ]);
    const client = adminClientFromRemix(admin, { sleep: clock.sleep, now: clock.now });
    await client.request(ShopInfo);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });

  it("rethrows a thrown 401 Response untouched so Remix can re-authenticate", async () => {
    const unauthorized = new Response("", { status: 401 });
    const { admin } = remixAdmin([
      async () => {
        throw unauthorized;
      },
    ]);
    await expect(adminClientFromRemix(admin).request(ShopInfo)).rejects.toBe(unauthorized);
  });
});
