/**
 * Relay pagination and the `query:` search subset.
 */
import { describe, expect, it } from "vitest";

import { harness } from "./helpers";

const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $reverse: Boolean, $query: String) {
  products(first: $first, after: $after, last: $last, before: $before, reverse: $reverse, query: $query, sortKey: ID) {
    edges { cursor node { id title } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

type Page = {
  edges: { cursor: string; node: { id: string; title: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};

describe("connections", () => {
  it("first/after walks every product once, in id order, with exact pageInfo", () => {
    const h = harness();
    const seen: string[] = [];
    const pages: Page["pageInfo"][] = [];
    let after: string | null = null;
    for (;;) {
      const body = h.gql(PAGE, { first: 2, after });
      expect(body.errors).toBeUndefined();
      const page = body.data?.products as Page;
      expect(page.nodes.map((n) => n.id)).toEqual(page.edges.map((e) => e.node.id));
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      seen.push(...page.nodes.map((n) => n.id));
      pages.push(page.pageInfo);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort()).toEqual(seen);
    expect(pages.map((p) => [p.hasPreviousPage, p.hasNextPage])).toEqual([
      [false, true],
      [true, true],
      [true, false],
    ]);
  });

  it("last/before walks backwards to the same items", () => {
    const h = harness();
    const all = (h.gql(PAGE, { first: 250 }).data?.products as Page).nodes.map((n) => n.id);
    const tail = h.gql(PAGE, { last: 2 }).data?.products as Page;
    expect(tail.nodes.map((n) => n.id)).toEqual(all.slice(-2));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = h.gql(PAGE, { last: 2, before: tail.pageInfo.startCursor }).data?.products as Page;
    expect(before.nodes.map((n) => n.id)).toEqual(all.slice(1, 3));
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it("reverse flips the order", () => {
    const h = harness();
    const forward = (h.gql(PAGE, { first: 5 }).data?.products as Page).nodes.map((n) => n.id);
    const backward = (h.gql(PAGE, { first: 5, reverse: true }).data?.products as Page).nodes.map((n) => n.id);
    expect(backward).toEqual([...forward].reverse());
  });

  it("a cursor keeps its place when items before it change (keyset pagination)", () => {
    const h = harness();
    const first = h.gql(PAGE, { first: 2 }).data?.products as Page;
    h.store.deleteProduct(Number(first.nodes[0]?.id.split("/").pop()));
    const next = h.gql(PAGE, { first: 2, after: first.pageInfo.endCursor }).data?.products as Page;
    expect(next.nodes.map((n) => n.id)).toEqual(["gid://shopify/Product/8100000000003", "gid://shopify/Product/8100000000004"]);
  });

  it("requires first or last, and at most 250", () => {
    const h = harness();
    const none = h.gql(`{ products { nodes { id } } }`);
    expect(none.errors?.[0]?.message).toBe("you must provide one of first or last");
    expect(none.errors?.[0]?.path).toEqual(["products"]);
    expect(none.extensions?.cost?.requestedQueryCost).toBe(2);
    const tooMany = h.gql(`{ products(first: 251) { nodes { id } } }`);
    expect(tooMany.errors?.[0]?.message).toContain("between 0 and 250");
  });

  it("rejects a cursor that is not one", () => {
    const body = harness().gql(PAGE, { first: 2, after: "not-a-cursor" });
    expect(body.errors?.[0]?.message).toBe("Invalid cursor: not-a-cursor");
  });
});

describe("query: search syntax", () => {
  it("sku: matches any variant's SKU, with a trailing * as a prefix", () => {
    const h = harness();
    const titles = (query: string): string[] => (h.gql(PAGE, { first: 10, query }).data?.products as Page).edges.map((e) => e.node.title);
    expect(titles("sku:PG-BOOT-10")).toEqual(["Trailhead Hiking Boot"]);
    expect(titles("sku:PG-JKT*")).toEqual(["Summit Down Jacket"]);
    expect(titles("tag:winter -sku:PG-JKT-S")).toEqual(["Merino Base Layer"]);
  });

  it("updated_at:> keeps what changed after a time (shop time zone for bare dates)", () => {
    const h = harness();
    h.clock.advance(60_000);
    h.store.updateProduct(8100000000004, { title: "Insulated Water Bottle 750 ml" });
    const since = "2026-11-27T12:00:30Z";
    const body = h.gql(PAGE, { first: 10, query: `updated_at:>'${since}'` });
    expect((body.data?.products as Page).edges.map((e) => e.node.title)).toEqual(["Insulated Water Bottle 750 ml"]);
    expect((h.gql(PAGE, { first: 10, query: "updated_at:>2026-11-28" }).data?.products as Page).edges).toEqual([]);
  });

  it("variants, orders and inventory levels filter too", () => {
    const h = harness();
    const variants = h.gql(`{ productVariants(first: 10, query: "sku:PG-MERINO-01") { nodes { sku product { title } } } }`);
    expect(variants.data?.productVariants.nodes).toEqual([{ sku: "PG-MERINO-01", product: { title: "Merino Base Layer" } }]);
    const orders = h.gql(`{ orders(first: 10, query: "financial_status:pending", sortKey: UPDATED_AT) { nodes { name displayFinancialStatus } } }`);
    expect(orders.data?.orders.nodes).toEqual([{ name: "#1003", displayFinancialStatus: "PENDING" }]);
    const levels = h.gql(`{ inventoryItem(id: "gid://shopify/InventoryItem/8300000000001") {
      inventoryLevels(first: 5, query: "location_id:70100000002") { nodes { location { name } } } } }`);
    expect(levels.data?.inventoryItem.inventoryLevels.nodes).toEqual([{ location: { name: "Chicago Fulfillment Center" } }]);
  });

  it("an unknown search field is ignored with Shopify's warning under extensions.search", () => {
    const h = harness();
    const body = h.gql(PAGE, { first: 10, query: "sku:PG-BOOT-10 colour:red" });
    expect((body.data?.products as Page).edges).toHaveLength(1);
    expect(body.extensions?.search).toEqual([
      { path: ["products"], query: "sku:PG-BOOT-10 colour:red", warnings: [{ field: "colour", message: "Invalid search field for this query." }] },
    ]);
  });

  it("OR and free text are not emulated rather than guessed", () => {
    const h = harness();
    expect(h.gql(PAGE, { first: 10, query: "sku:A OR sku:B" }).errors?.[0]?.message).toContain("not emulated");
    expect(h.gql(PAGE, { first: 10, query: "jacket" }).errors?.[0]?.message).toContain("not emulated: free-text search term");
  });
});
