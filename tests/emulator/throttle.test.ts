/**
 * Calculated query cost, the single-query limit and the leaky bucket.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { harness, IDS } from "./helpers";

describe("requested and actual query cost", () => {
  it.each([
    ["scalars on an object: 1", `{ shop { id name currencyCode } }`, 1],
    ["nested object: 1 each", `{ shop { id plan { publicDisplayName } } }`, 2],
    ["connection: 2 + first x node", `{ products(first: 10) { edges { node { id title } } } }`, 12],
    ["nodes and edges price the node once", `{ products(first: 10) { nodes { id } edges { cursor node { id } } pageInfo { hasNextPage } } }`, 12],
    ["objects inside nodes multiply", `{ products(first: 10) { nodes { id variants(first: 5) { nodes { id inventoryItem { id } } } } } }`, 2 + 10 * (1 + 2 + 5 * 2)],
    ["last counts like first", `{ orders(last: 3) { nodes { id customer { id } } } }`, 2 + 3 * 2],
    ["a mutation field: 10", `mutation { metafieldsSet(metafields: []) { userErrors { field } } }`, 10],
    ["interface: the most expensive possible selection", `{ node(id: "${IDS.jacket}") { id ... on Product { variants(first: 3) { nodes { id } } } ... on Location { name } } }`, 1 + 2 + 3],
  ])("%s", (_label, query, expected) => {
    const body = harness().gql(query);
    expect(body.extensions?.cost?.requestedQueryCost).toBe(expected);
  });

  it("actual cost counts what came back and the difference is refunded", () => {
    const h = harness();
    const body = h.gql(`{ products(first: 50) { nodes { id } } }`);
    expect(body.extensions?.cost).toEqual({
      requestedQueryCost: 52,
      actualQueryCost: 7,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1993, restoreRate: 100 },
    });
  });

  it("a query over 1,000 points is refused before it runs (MAX_COST_EXCEEDED)", () => {
    const h = harness();
    const body = h.gql(`{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }`);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions).toEqual({ code: "MAX_COST_EXCEEDED", cost: 2 + 250 * (1 + 2 + 250), maxCost: 1000 });
    expect(body.extensions?.cost?.actualQueryCost).toBeNull();
    expect(body.extensions?.cost?.throttleStatus.currentlyAvailable).toBe(2000);
  });

  it("the app's ProductsPage document costs 2 + first x 203: first 5 is over the limit, 4 is not", () => {
    const source = readFileSync(fileURLToPath(new URL("../../graphql/admin/ProductsPage.graphql", import.meta.url)), "utf8");
    const h = harness();
    expect(h.gql(source, { first: 5 }).errors?.[0]?.extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", cost: 1017 });
    expect(h.gql(source, { first: 4 }).extensions?.cost?.requestedQueryCost).toBe(814);
  });
});

describe("the leaky bucket", () => {
  const EXPENSIVE = `{ products(first: 99) { nodes { id } } }`; // requests 101 points

  it("a burst beyond the bucket is THROTTLED with extensions.cost, and succeeds after the bucket refills", () => {
    const h = harness({ throttle: { maximumAvailable: 300, restoreRate: 50 } });
    // Each call requests 101 and spends 7 (five products come back): the bucket drains slowly...
    const first = h.gql(EXPENSIVE);
    expect(first.extensions?.cost?.throttleStatus.currentlyAvailable).toBe(293);
    // ...so use a mutation-heavy burst that spends what it requests.
    const burst = Array.from({ length: 40 }, (_, i) =>
      h.gql(`mutation { metafieldsSet(metafields: [{ ownerId: "${IDS.shop}", namespace: "custom", key: "burst_${i}", type: "json", value: "{}" }]) { userErrors { code } } }`),
    );
    const throttled = burst.filter((body) => body.errors?.[0]?.extensions?.code === "THROTTLED");
    expect(burst.length - throttled.length).toBe(29); // 293 points / 10 per mutation
    const refusal = throttled[0]!;
    expect(refusal).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: {
        cost: { requestedQueryCost: 10, actualQueryCost: null, throttleStatus: { maximumAvailable: 300, currentlyAvailable: 3, restoreRate: 50 } },
      },
    });
    // A throttled request did not run: the 30th key was not written. (This read requests 2 and
    // spends 1: shop 1, the null metafield 0; 2 points are left.)
    expect(h.gql(`{ shop { metafield(namespace: "custom", key: "burst_29") { id } } }`).data?.shop.metafield).toBeNull();

    h.clock.advance(100); // +5 points: 7 available, still short of 10
    expect(h.gql(`mutation { metafieldsSet(metafields: []) { userErrors { code } } }`).errors?.[0]?.extensions?.code).toBe("THROTTLED");
    h.clock.advance(1000); // +50 points: 57
    const after = h.gql(`mutation { metafieldsSet(metafields: []) { userErrors { code } } }`);
    expect(after.errors).toBeUndefined();
    expect(after.extensions?.cost?.throttleStatus.currentlyAvailable).toBe(47);
  });

  it("never fills beyond maximumAvailable", () => {
    const h = harness({ throttle: { maximumAvailable: 1000, restoreRate: 50 } });
    h.gql(EXPENSIVE);
    h.clock.advance(3_600_000);
    expect(h.gql(`{ shop { id } }`).extensions?.cost?.throttleStatus).toEqual({ maximumAvailable: 1000, currentlyAvailable: 999, restoreRate: 50 });
  });
});
