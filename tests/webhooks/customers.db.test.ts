/**
 * customers/create|update: the customer mirror's apply-if-newer rule (the same statement an
 * applied order's customer goes through), on the test database (PGlite, and PostgreSQL in CI's
 * second pass).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { contextFor, HANDLERS } from "~/services/webhooks/handlers.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { SHOP } from "./helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const customer = (updatedAt: string, fields: { email?: string; tags?: string }) => ({
  id: 7001,
  email: fields.email ?? "ana@example.com",
  phone: null,
  tags: fields.tags ?? "",
  updated_at: updatedAt,
});

const run = (topic: "customers/create" | "customers/update", body: unknown) => {
  const now = new Date("2026-11-27T01:00:00Z");
  return HANDLERS[topic](contextFor(db.prisma, SHOP, topic, body, now, now, `${topic}:${JSON.stringify(body)}`));
};

const stored = () => forShop(db.prisma, SHOP).customer.findFirst({ where: { id: "gid://shopify/Customer/7001" }, select: { email: true, tags: true, shopifyUpdatedAt: true } });

describe("customers/* webhooks", () => {
  it("create, then a newer update applies; an older or same-time update is stale and changes nothing", async () => {
    expect(await run("customers/create", customer("2026-11-27T00:00:00-05:00", { tags: "VIP, wholesale" }))).toBe("applied");
    expect(await stored()).toEqual({ email: "ana@example.com", tags: ["VIP", "wholesale"], shopifyUpdatedAt: new Date("2026-11-27T05:00:00Z") });

    expect(await run("customers/update", customer("2026-11-27T00:05:00-05:00", { email: "ana@new.example", tags: "VIP" }))).toBe("applied");
    expect(await run("customers/update", customer("2026-11-27T00:01:00-05:00", { email: "old@example.com" }))).toBe("stale");
    expect(await run("customers/update", customer("2026-11-27T00:05:00-05:00", { email: "tie@example.com" }))).toBe("stale");
    expect(await stored()).toEqual({ email: "ana@new.example", tags: ["VIP"], shopifyUpdatedAt: new Date("2026-11-27T05:05:00Z") });
  });

  it("an update delivered before its create inserts the customer; the late create is stale", async () => {
    expect(await run("customers/update", customer("2026-11-27T00:05:00-05:00", { email: "first@example.com" }))).toBe("applied");
    expect(await run("customers/create", customer("2026-11-27T00:00:00-05:00", {}))).toBe("stale");
    expect((await stored())?.email).toBe("first@example.com");
  });
});
