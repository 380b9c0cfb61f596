/**
 * isUniqueViolation on the real error shapes: a second row with the same key written through
 * Prisma's model API (P2002) and through a raw statement (P2010 carrying the driver adapter's
 * error), on the test database (PGlite, and PostgreSQL in CI's second pass); other errors are not.
 */
import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isUniqueViolation } from "~/services/mirror/apply-if-newer.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const SHOP = "unique-violation.myshopify.com";
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the statement to fail");
}

describe("isUniqueViolation", () => {
  it("recognises a duplicate key from the model API and from a raw statement alike", async () => {
    await db.prisma.shop.create({ data: { shop: SHOP } });
    const viaModel = await thrown(() => db.prisma.shop.create({ data: { shop: SHOP } }));
    const viaRaw = await thrown(() => db.prisma.$executeRaw(Prisma.sql`INSERT INTO "Shop" ("shop", "updatedAt") VALUES (${SHOP}, now())`));
    expect((viaModel as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
    expect((viaRaw as Prisma.PrismaClientKnownRequestError).code).toBe("P2010");
    expect(isUniqueViolation(viaModel)).toBe(true);
    expect(isUniqueViolation(viaRaw)).toBe(true);
  });

  it("is false for other database errors and for anything else", async () => {
    const missingTable = await thrown(() => db.prisma.$executeRaw(Prisma.sql`INSERT INTO "NoSuchTable" ("id") VALUES (1)`));
    const notNull = await thrown(() => db.prisma.$executeRaw(Prisma.sql`INSERT INTO "Shop" ("shop", "updatedAt") VALUES (NULL, now())`));
    expect(isUniqueViolation(missingTable)).toBe(false);
    expect(isUniqueViolation(notNull)).toBe(false);
    expect(isUniqueViolation(new Error("duplicate key value violates unique constraint"))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
