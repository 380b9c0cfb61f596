import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forShop, ShopScopeError } from "~/services/db/scoped.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const A = "shop-a.myshopify.com";
const B = "shop-b.myshopify.com";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const a = forShop(db.prisma, A);
  const b = forShop(db.prisma, B);
  const at = new Date("2026-11-01T00:00:00Z");
  await a.product.create({ data: { shop: A, id: "gid://shopify/Product/1", title: "A's hoodie", tags: [], shopifyUpdatedAt: at, source: "webhook" } });
  await b.product.create({ data: { shop: B, id: "gid://shopify/Product/1", title: "B's hoodie", tags: [], shopifyUpdatedAt: at, source: "webhook" } });
});
afterAll(() => db.close());

describe("shop scoping", () => {
  it("GIVEN two shops with the same product id WHEN each reads THEN each sees only its own row", async () => {
    const a = await forShop(db.prisma, A).product.findMany();
    const b = await forShop(db.prisma, B).product.findMany();
    expect(a.map((p) => p.title)).toEqual(["A's hoodie"]);
    expect(b.map((p) => p.title)).toEqual(["B's hoodie"]);
  });

  it("a unique lookup through shop B never returns shop A's row", async () => {
    const row = await forShop(db.prisma, B).product.findFirst({ where: { title: "A's hoodie" } });
    expect(row).toBeNull();
  });

  it("updates and deletes through shop B leave shop A's data alone", async () => {
    const b = forShop(db.prisma, B);
    const updated = await b.product.updateMany({ where: { id: "gid://shopify/Product/1" }, data: { title: "changed" } });
    expect(updated.count).toBe(1);
    await b.product.deleteMany({});
    const a = await forShop(db.prisma, A).product.findMany();
    expect(a.map((p) => p.title)).toEqual(["A's hoodie"]);
    expect(await db.prisma.product.count({ where: { shop: B } })).toBe(0);
  });

  it("counts and aggregates are scoped", async () => {
    expect(await forShop(db.prisma, A).product.count()).toBe(1);
    expect(await forShop(db.prisma, "shop-c.myshopify.com").product.count()).toBe(0);
  });

  it("refuses a write that names another shop", async () => {
    await expect(
      forShop(db.prisma, B).product.create({
        data: { shop: A, id: "gid://shopify/Product/2", title: "sneaky", tags: [], shopifyUpdatedAt: new Date(), source: "local" },
      }),
    ).rejects.toThrow(ShopScopeError);
    expect(await db.prisma.product.count({ where: { id: "gid://shopify/Product/2" } })).toBe(0);
  });

  it("refuses a scope that is not a shop domain", () => {
    expect(() => forShop(db.prisma, "evil.example.com")).toThrow(/not a shop domain/);
  });
});
