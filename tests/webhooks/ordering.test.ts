/**
 * Which webhook events may run at the same time (app/services/webhooks/ordering.ts): one
 * resource's events in order, different resources concurrently up to the bound, events of no
 * known resource alone.
 */
import { describe, expect, it } from "vitest";
import { orderingKey, runOrdered } from "~/services/webhooks/ordering";

const SHOP = "peak-test.myshopify.com";

describe("orderingKey", () => {
  it.each([
    ["orders/create", { id: 42 }, `${SHOP}|order:42`],
    ["orders/paid", { id: "gid://shopify/Order/42" }, `${SHOP}|order:42`],
    ["refunds/create", { id: 9, order_id: 42 }, `${SHOP}|order:42`],
    ["disputes/update", { id: 3, order_id: 42 }, `${SHOP}|order:42`],
    ["returns/request", { id: 5, order: { id: "gid://shopify/Order/42" } }, `${SHOP}|order:42`],
    ["inventory_levels/update", { inventory_item_id: 7, location_id: 8 }, `${SHOP}|level:7:8`],
    ["inventory_items/update", { id: 7 }, `${SHOP}|inventory_items:7`],
    ["products/update", { id: 11 }, `${SHOP}|products:11`],
    ["customers/update", { id: 12 }, `${SHOP}|customers:12`],
  ])("%s %j → %s", (topic, payload, key) => {
    expect(orderingKey(SHOP, topic, payload)).toBe(key);
  });

  it.each([
    ["shop/redact", { shop_id: 1 }],
    ["customers/redact", { customer: { id: 1 } }],
    ["customers/data_request", { customer: { id: 1 } }],
    ["app/uninstalled", { id: 1 }],
    ["locations/update", { id: 1 }],
    ["inventory_transfers/updated", { id: 1 }],
    ["orders/create", {}],
    ["returns/request", { id: 5 }],
    ["inventory_levels/update", { inventory_item_id: 7 }],
    ["orders/create", "not an object"],
    ["orders/create", undefined],
  ])("%s %j has no resource key: it runs alone", (topic, payload) => {
    expect(orderingKey(SHOP, topic, payload)).toBeNull();
  });

  it("keys of two shops never collide", () => {
    expect(orderingKey("a.myshopify.com", "orders/create", { id: 1 })).not.toBe(orderingKey("b.myshopify.com", "orders/create", { id: 1 }));
  });
});

interface Item {
  name: string;
  key: string | null;
  ms: number;
}

/** Runs items, recording starts and ends, each taking its ms. */
async function trace(items: Item[], concurrency: number) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const inFlightAtStart = new Map<string, number>();
  await runOrdered(items, concurrency, async (item) => {
    inFlightAtStart.set(item.name, inFlight);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    log.push(`start ${item.name}`);
    await new Promise((resolve) => setTimeout(resolve, item.ms));
    log.push(`end ${item.name}`);
    inFlight -= 1;
  });
  return { log, maxInFlight, inFlightAtStart };
}

describe("runOrdered", () => {
  it("GIVEN events of two orders interleaved THEN each order's events run one after another in their order, the orders side by side", async () => {
    const items: Item[] = [
      { name: "a1", key: "order:a", ms: 30 },
      { name: "b1", key: "order:b", ms: 5 },
      { name: "a2", key: "order:a", ms: 5 },
      { name: "b2", key: "order:b", ms: 5 },
      { name: "a3", key: "order:a", ms: 1 },
    ];
    const { log, maxInFlight } = await trace(items, 4);
    const order = (prefix: string) => log.filter((l) => l.includes(` ${prefix}`));
    expect(order("a")).toEqual(["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
    expect(order("b")).toEqual(["start b1", "end b1", "start b2", "end b2"]);
    // b finished while a1 (slow) was still running: they ran concurrently.
    expect(log.indexOf("end b2")).toBeLessThan(log.indexOf("end a1"));
    expect(maxInFlight).toBe(2);
  });

  it("never runs more than the bound at once", async () => {
    const items: Item[] = Array.from({ length: 12 }, (_, i) => ({ name: `o${i}`, key: `order:${i}`, ms: 5 }));
    expect((await trace(items, 3)).maxInFlight).toBe(3);
    expect((await trace(items, 1)).maxInFlight).toBe(1);
  });

  it("an event without a key waits for everything before it, runs alone, and holds back what follows", async () => {
    const items: Item[] = [
      { name: "a1", key: "order:a", ms: 20 },
      { name: "b1", key: "order:b", ms: 5 },
      { name: "redact", key: null, ms: 10 },
      { name: "a2", key: "order:a", ms: 1 },
      { name: "c1", key: "order:c", ms: 1 },
    ];
    const { log, inFlightAtStart } = await trace(items, 8);
    expect(inFlightAtStart.get("redact")).toBe(0);
    expect(log.indexOf("start redact")).toBeGreaterThan(log.indexOf("end a1"));
    expect(log.indexOf("start redact")).toBeGreaterThan(log.indexOf("end b1"));
    expect(log.indexOf("start a2")).toBeGreaterThan(log.indexOf("end redact"));
    expect(log.indexOf("start c1")).toBeGreaterThan(log.indexOf("end redact"));
  });

  it("a failing item does not stop the others; the failure is passed on at the end", async () => {
    const ran: string[] = [];
    const run = runOrdered([{ key: "x" }, { key: "x" }, { key: "y" }].map((item, i) => ({ ...item, i })), 2, async (item) => {
      ran.push(`${item.key}${item.i}`);
      if (item.i === 0) throw new Error("boom");
    });
    await expect(run).rejects.toThrow("boom");
    expect(ran.sort()).toEqual(["x0", "x1", "y2"]);
  });
});
