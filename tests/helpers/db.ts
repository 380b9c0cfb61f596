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
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return createPostgresSchema(url);
  const pglite = new PGlite();
  for (const script of migrationScripts()) await pglite.exec(script);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: "pglite",
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
    async close() {
      await prisma.$disconnect();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP SCHEMA "${schema}" CASCADE`);
      await dropper.end();
    },
  };
}
