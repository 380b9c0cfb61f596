/**
 * The one Prisma client of the app, on the database DATABASE_URL names
 * (app/services/db/database-url.ts): embedded PGlite by default, PostgreSQL
 * in production. App code reaches shop data through `forShop(shop)`
 * (app/services/db/scoped.server.ts), which scopes every query by shop.
 */
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { PrismaPGlite } from "pglite-prisma-adapter";
import {
  PGLITE_PLACEHOLDER_URL,
  redact,
  resolveDatabaseTarget,
  type DatabaseTarget,
} from "./services/db/database-url";
import { lockPGliteDir } from "./services/db/pglite-lock.server";

export interface Database {
  prisma: PrismaClient;
  target: DatabaseTarget;
  describe: string;
  close(): Promise<void>;
}

export function openDatabase(target: DatabaseTarget = resolveDatabaseTarget(process.env.DATABASE_URL)): Database {
  if (target.kind === "postgres") {
    const schema = new URL(target.url).searchParams.get("schema") ?? undefined;
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: target.url }, schema ? { schema } : undefined),
    });
    return {
      prisma,
      target,
      describe: `PostgreSQL ${redact(target.url)}`,
      close: () => prisma.$disconnect(),
    };
  }
  // schema.prisma reads env("DATABASE_URL"); PGlite never dials it.
  if (!process.env.DATABASE_URL?.startsWith("postgres")) process.env.DATABASE_URL = PGLITE_PLACEHOLDER_URL;
  const release = target.dataDir ? lockPGliteDir(target.dataDir, "peakguard app") : () => {};
  const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    target,
    describe: target.dataDir ? `embedded PGlite at ${target.dataDir}` : "embedded PGlite in memory",
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      release();
    },
  };
}

declare global {
  // Survives Vite's module reloads in development: one client, one PGlite lock.
  var __peakguardDatabase: Database | undefined;
}

function database(): Database {
  if (!globalThis.__peakguardDatabase) {
    const opened = openDatabase();
    globalThis.__peakguardDatabase = opened;
    // Close the database (PGlite flushes and releases its lock) before exiting on a signal;
    // without this the embedded database keeps the server alive after SIGTERM.
    const shutdown = (signal: NodeJS.Signals) => {
      opened
        .close()
        .catch((error: unknown) => console.error(`[db] close on ${signal} failed`, error))
        .finally(() => process.exit(0));
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  }
  return globalThis.__peakguardDatabase;
}

/** The app's Prisma client, opened on first use. */
const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = database().prisma;
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
  // `"$queryRawUnsafe" in prisma` must answer as the client would (without this trap it asks the
  // empty target: the webhook receiver then took the Prisma client for a pg pool, 500 on PGlite).
  has(_target, property) {
    return Reflect.has(database().prisma, property);
  },
});

export default prisma;
