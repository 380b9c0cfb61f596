/**
 * The benchmark's databases: a throwaway PostgreSQL database
 * (`peakguard_bench_<pid>`, created and dropped by the run) or an in-memory PGlite,
 * both migrated with the committed migrations. The app's Prisma client and the
 * raw-SQL baseline share one connection pool (PostgreSQL) or the one PGlite
 * connection, so a comparison measures the app's layers, not a second network path.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { PreparingPool } from "../../app/services/inventory/atp.server";

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

export const DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export interface RawResult<T> {
  rows: T[];
}

export interface BenchDatabase {
  kind: "postgres" | "pglite";
  describe: string;
  prisma: PrismaClient;
  /** The raw-SQL path: the same pool (PostgreSQL) or connection (PGlite) Prisma uses. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<RawResult<T>>;
  /**
   * PostgreSQL: the same pg pool, for named (prepared) statements — what the app's ATP read
   * sends on PostgreSQL (levelAtps' `pool`). null on PGlite, where the app reads through Prisma.
   */
  pool: PreparingPool | null;
  /** Several statements, no parameters (seeding). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function migrationScripts(): string[] {
  return fs
    .readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
}

/** A fresh database on the server `serverUrl` points at; dropped by close(). */
export async function openPostgres(serverUrl: string = DEFAULT_POSTGRES_URL, poolSize = 10): Promise<BenchDatabase> {
  const name = `peakguard_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${serverUrl.replace(/\/\/[^@]*@/, "//")} is not reachable (${error instanceof Error ? error.message : String(error)}); pass --database-url or --no-postgres`);
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize });
  // An idle connection closed by the server (database dropped, server restart) is an error of the
  // query that next uses it, not a crash of the whole run.
  pool.on("error", (error) => console.error(`[bench:atp] idle connection to ${name}: ${error.message}`));
  try {
    for (const script of migrationScripts()) await pool.query(script);
  } catch (error) {
    await pool.end();
    await dropDatabase(serverUrl, name);
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    kind: "postgres",
    describe: `PostgreSQL ${url.host}/${name} (pool of ${poolSize})`,
    prisma,
    query: async <T,>(text: string, values: unknown[] = []) => ({ rows: (await pool.query(text, values)).rows as T[] }),
    pool,
    exec: async (sql) => {
      await pool.query(sql);
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await dropDatabase(serverUrl, name);
    },
  };
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

/** An in-memory PGlite (the embedded default's engine), migrated. */
export async function openPglite(): Promise<BenchDatabase> {
  const pglite = new PGlite();
  for (const script of migrationScripts()) await pglite.exec(script);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const query = async <T,>(text: string, values: unknown[] = []) => ({ rows: (await pglite.query<T>(text, values)).rows });
  return {
    kind: "pglite",
    describe: "PGlite in memory (the embedded default's engine)",
    prisma,
    query,
    pool: null,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      await pglite.close();
    },
  };
}
