/**
 * The event log is vacuumed as a queue (migration 20261127013000): its storage parameters are
 * set on the migrated test database (PGlite, and PostgreSQL in CI's second pass).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

describe("WebhookEvent's autovacuum settings", () => {
  it("vacuums and analyzes after every 5,000 changed rows, without the cost-based delay", async () => {
    const rows = await db.prisma.$queryRaw<{ option: string }[]>`
      SELECT unnest(c.reloptions) AS option FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relname = 'WebhookEvent' AND n.nspname = current_schema()`;
    expect(rows.map((r) => r.option).sort()).toEqual([
      "autovacuum_analyze_scale_factor=0",
      "autovacuum_analyze_threshold=5000",
      "autovacuum_vacuum_cost_delay=0",
      "autovacuum_vacuum_scale_factor=0",
      "autovacuum_vacuum_threshold=5000",
    ]);
  });
});
