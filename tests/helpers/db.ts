/**
 * A fresh, migrated database per test file, on the embedded default (PGlite in
 * memory) or, when TEST_DATABASE_URL names a PostgreSQL database (CI's second
 * pass), in a throwaway schema of that database, dropped at the end.
 * Migrations are the committed ones in prisma/migrations, applied in order.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

const MIGRATIONS = path.resolve(__dirname, "../../prisma/migrations");

export function migrationScripts(): string[] {
  return fs
    .readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
}

export interface TestDatabase {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** Empties every table (between tests of one file). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const TRUNCATE_ALL = `DO $$ DECLARE t text; BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'
  LOOP EXECUTE format('TRUNCATE TABLE %I CASCADE', t); END LOOP; END $$;`;

// initdb + migrations once per worker process; each database starts from that snapshot.
let migratedSnapshot: Promise<Blob | File> | null = null;
function snapshot(): Promise<Blob | File> {
  migratedSnapshot ??= (async () => {
    const template = new PGlite();
    for (const script of migrationScripts()) await template.exec(script);
    const dump = await template.dumpDataDir("none");
    await template.close();
    return dump;
  })();
  return migratedSnapshot;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return createPostgresSchema(url);
  const pglite = new PGlite({ loadDataDir: await snapshot() });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: "pglite",
    async reset() {
      await pglite.exec(TRUNCATE_ALL);
    },
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function createPostgresSchema(url: string): Promise<TestDatabase> {
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(`SET search_path TO "${schema}"`);
  for (const script of migrationScripts()) {
    await admin.query(script.replace(/CREATE SCHEMA IF NOT EXISTS "public";/g, ""));
  }
  await admin.end();
  const connectionString = `${url}${url.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }, { schema }) });
  return {
    prisma,
    kind: "postgres",
    async reset() {
      await prisma.$executeRawUnsafe(TRUNCATE_ALL);
    },
    async close() {
      await prisma.$disconnect();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP SCHEMA "${schema}" CASCADE`);
      await dropper.end();
    },
  };
}
