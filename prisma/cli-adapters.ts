/**
 * Driver adapters for the Prisma CLI only (migrate deploy/status/diff/reset,
 * db push), loaded by prisma.config.ts. Runtime code uses app/db.server.ts.
 *
 * Prisma 6.19's WASM schema engine reaches the database through a
 * migration-aware driver adapter. The stock adapters need these fixes
 * (../shared/docs/TOOLCHAIN.md, each seen failing without it):
 *
 * PGlite (pglite-prisma-adapter):
 *  - the data directory must exist before PGlite opens it;
 *  - multi-statement migrations arrive through executeRaw with no arguments and
 *    fail as a prepared statement (P3006): send those to db.exec();
 *  - executeScript must await db.exec(), or a failing migration is reported as applied;
 *  - the shadow database is an in-memory PGlite, closed with the adapter.
 * PostgreSQL (@prisma/adapter-pg):
 *  - catalog columns of type `name` (oid 19) and `"char"` (oid 18) cannot be
 *    deserialized: read them as text;
 *  - the shadow database name is ignored when a connection string is passed,
 *    and the database is dropped while still connected: use separate
 *    connection fields, end the pool first, then drop.
 */
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import type { DatabaseTarget } from "../app/services/db/database-url";
import { lockPGliteDir } from "../app/services/db/pglite-lock.server";

type Adapter = Awaited<ReturnType<PrismaPGlite["connect"]>>;
type Factory = ConstructorParameters<typeof PrismaPGlite> extends never ? never : PrismaPGlite;

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

function patchPGliteAdapter(adapter: Adapter, db: PGlite, onDispose: () => Promise<void>): Adapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length === 0) {
      await db.exec(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  adapter.executeScript = async (script: string) => {
    await db.exec(script);
  };
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await onDispose();
  };
  return adapter;
}

export function pgliteCliAdapter(dataDir: string | null): Factory {
  let main: PGlite | null = null;
  let release: (() => void) | null = null;
  const open = async () => {
    if (!main) {
      if (dataDir) {
        fs.mkdirSync(dataDir, { recursive: true });
        release = lockPGliteDir(dataDir, "prisma CLI");
      }
      main = dataDir ? new PGlite(dataDir) : new PGlite();
      await main.waitReady;
    }
    return main;
  };
  const factory = {
    provider: "postgres" as const,
    adapterName: "pglite-prisma-adapter (peakguard CLI)",
    async connect() {
      const db = await open();
      const adapter = await new PrismaPGlite(db).connect();
      return patchPGliteAdapter(adapter, db, async () => {
        if (main) {
          const closing = main;
          main = null;
          await closing.close();
        }
        release?.();
        release = null;
      });
    },
    async connectToShadowDb() {
      const shadow = new PGlite();
      await shadow.waitReady;
      const adapter = await new PrismaPGlite(shadow).connect();
      return patchPGliteAdapter(adapter, shadow, async () => {
        await shadow.close();
      });
    },
  };
  return factory as unknown as Factory;
}

function poolConfig(url: string, database?: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname) || "127.0.0.1",
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: database ?? (decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined),
    max: 4,
    // The CLI must exit once it is done: idle connections may not hold it open.
    allowExitOnIdle: true,
    idleTimeoutMillis: 500,
  };
}

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function retypeCatalogColumns<R>(result: R): R {
  for (const field of (result as QueryResultLike).fields ?? []) {
    if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
  }
  return result;
}

type Queryable = { query: (...args: unknown[]) => unknown };

function wrapQuery(target: Queryable): void {
  const original = target.query.bind(target);
  target.query = (...args: unknown[]) => {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (error: unknown, result: unknown) =>
        (callback as (e: unknown, r: unknown) => void)(error, result && retypeCatalogColumns(result));
    }
    const out = original(...args);
    return out instanceof Promise ? out.then(retypeCatalogColumns) : out;
  };
}

/** A pool whose clients report catalog `name` / `"char"` columns as text. */
function catalogSafePool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("connect", (client) => wrapQuery(client as unknown as Queryable));
  return pool;
}

export function postgresCliAdapter(url: string): PrismaPg {
  const schema = new URL(url).searchParams.get("schema") ?? undefined;
  const options = schema ? { schema } : undefined;
  const mainPool = catalogSafePool(poolConfig(url));
  const base = new PrismaPg(mainPool, { ...options, disposeExternalPool: true });
  const factory = Object.create(base) as PrismaPg;
  factory.connectToShadowDb = async () => {
    const shadowName = `peakguard_shadow_${process.pid}_${Date.now()}`;
    const admin = new pg.Client(poolConfig(url));
    await admin.connect();
    await admin.query(`CREATE DATABASE "${shadowName}"`);
    await admin.end();
    const shadowPool = catalogSafePool(poolConfig(url, shadowName));
    const shadow = await new PrismaPg(shadowPool, options).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await shadowPool.end();
      const dropper = new pg.Client(poolConfig(url));
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${shadowName}"`);
      await dropper.end();
    };
    return shadow;
  };
  return factory;
}

export function cliAdapterFor(target: DatabaseTarget) {
  return target.kind === "pglite" ? pgliteCliAdapter(target.dataDir) : postgresCliAdapter(target.url);
}

