import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLEANUP_DELAY_MS, PURGED_TABLES, runDueCleanups } from "~/services/compliance.server";
import { forShop } from "~/services/db/scoped.server";
import { recordInstall } from "~/services/shops.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { deliverAndProcess, OTHER_SHOP, orderPayload, SHOP } from "./helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(async () => {
  await db.reset();
  // Two shops, each with the same customer's orders mirrored and a session.
  for (const shop of [SHOP, OTHER_SHOP]) {
    await deliverAndProcess(db.prisma, { shop, topic: "orders/create", body: orderPayload({ id: 1 }) });
    await deliverAndProcess(db.prisma, { shop, topic: "orders/create", body: orderPayload({ id: 2 }) });
    await deliverAndProcess(db.prisma, {
      shop,
      topic: "orders/create",
      body: orderPayload({ id: 3, email: "bob@example.com", phone: null, customer: { id: 88, email: "bob@example.com", updated_at: "2026-11-20T09:00:00Z" } }),
    });
    await db.prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "tok" } });
  }
});
afterAll(() => db.close());

const redactPayload = { shop_domain: SHOP, customer: { id: 77, email: "ada@example.com", phone: "+15550001111" }, orders_to_redact: [1, 2] };

describe("customers/data_request", () => {
  it("exports the customer and their orders, only from this shop", async () => {
    await deliverAndProcess(db.prisma, {
      topic: "customers/data_request",
      body: { shop_domain: SHOP, customer: { id: 77, email: "ada@example.com" }, orders_requested: [1, 2], data_request: { id: 9999 } },
    });
    const requests = await forShop(db.prisma, SHOP).dataRequest.findMany();
    expect(requests).toHaveLength(1);
    const exported = requests[0]!.export as { customer: { email: string }; orders: { id: string; lines: unknown[] }[] };
    expect(exported.customer.email).toBe("ada@example.com");
    expect(exported.orders.map((o) => o.id)).toEqual(["gid://shopify/Order/1", "gid://shopify/Order/2"]);
    expect(exported.orders[0]!.lines).toHaveLength(2);
    expect(requests[0]!.dataRequestId).toBe("9999");
    expect(await forShop(db.prisma, OTHER_SHOP).dataRequest.count()).toBe(0);
  });
});

describe("customers/redact", () => {
  it("removes the customer's personal data from the mirror and the event log, and nothing else", async () => {
    await deliverAndProcess(db.prisma, { topic: "customers/redact", body: redactPayload });
    const scoped = forShop(db.prisma, SHOP);
    expect(await scoped.customer.findFirst({ where: { id: "gid://shopify/Customer/77" } })).toBeNull();
    const orders = await scoped.order.findMany({ orderBy: { id: "asc" } });
    const ada = orders.filter((o) => o.id !== "gid://shopify/Order/3");
    for (const o of ada) expect([o.email, o.phone, o.customerId, o.redactedAt !== null]).toEqual([null, null, null, true]);
    // Bob's order and customer stay.
    expect(orders.find((o) => o.id === "gid://shopify/Order/3")?.email).toBe("bob@example.com");
    expect(await scoped.customer.count({ where: { id: "gid://shopify/Customer/88" } })).toBe(1);
    // No stored payload still names Ada.
    const payloads = await scoped.webhookEvent.findMany({ select: { rawBody: true, topic: true } });
    for (const p of payloads) expect(p.rawBody).not.toContain("ada@example.com");
    expect(payloads.filter((p) => p.rawBody.includes("bob@example.com"))).not.toHaveLength(0);
    // The other shop's copy of Ada is untouched.
    expect(await forShop(db.prisma, OTHER_SHOP).order.count({ where: { email: "ada@example.com" } })).toBe(2);
  });
});

describe("shop/redact", () => {
  it("deletes every row of the shop in every table, and only that shop's", async () => {
    await deliverAndProcess(db.prisma, { topic: "shop/redact", body: { shop_id: 1, shop_domain: SHOP } });
    const models = Prisma.dmmf.datamodel.models.map((m) => m.name.charAt(0).toLowerCase() + m.name.slice(1));
    expect([...PURGED_TABLES].sort()).toEqual([...models].sort());
    for (const model of models) {
      const delegate = db.prisma[model as "order"] as unknown as { count(a: object): Promise<number> };
      expect(await delegate.count({ where: { shop: SHOP } }), model).toBe(0);
    }
    expect(await db.prisma.order.count({ where: { shop: OTHER_SHOP } })).toBe(3);
    expect(await db.prisma.session.count({ where: { shop: OTHER_SHOP } })).toBe(1);
  });
});

describe("app/uninstalled", () => {
  it("removes the sessions at once and purges the data when the cleanup falls due", async () => {
    const now = new Date(Date.now() + 1000);
    await deliverAndProcess(db.prisma, { topic: "app/uninstalled", body: { id: 1, domain: SHOP } }, () => now);
    expect(await db.prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    const cleanup = await db.prisma.shopCleanup.findUnique({ where: { shop: SHOP } });
    expect(cleanup?.scheduledFor.getTime()).toBe(now.getTime() + CLEANUP_DELAY_MS);
    expect(await runDueCleanups(db.prisma, new Date(now.getTime() + CLEANUP_DELAY_MS - 1))).toEqual([]);
    expect(await db.prisma.order.count({ where: { shop: SHOP } })).toBe(3);
    expect(await runDueCleanups(db.prisma, new Date(now.getTime() + CLEANUP_DELAY_MS))).toEqual([SHOP]);
    expect(await db.prisma.order.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.prisma.order.count({ where: { shop: OTHER_SHOP } })).toBe(3);
  });

  it("a reinstall before the cleanup cancels it", async () => {
    const now = new Date(Date.now() + 1000);
    await deliverAndProcess(db.prisma, { topic: "app/uninstalled", body: { id: 1, domain: SHOP } }, () => now);
    await recordInstall(db.prisma, SHOP, "read_products");
    expect(await runDueCleanups(db.prisma, new Date(now.getTime() + CLEANUP_DELAY_MS))).toEqual([]);
    expect(await db.prisma.order.count({ where: { shop: SHOP } })).toBe(3);
  });
});
