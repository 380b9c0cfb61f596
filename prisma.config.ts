/**
 * Prisma CLI configuration (Prisma 6.19, WASM schema engine: no native
 * download). The database comes from DATABASE_URL — see
 * app/services/db/database-url.ts. Prisma loads no .env file itself when this
 * file exists.
 */
import { defineConfig } from "prisma/config";
import { cliAdapterFor } from "./prisma/cli-adapters";
import { PGLITE_PLACEHOLDER_URL, resolveDatabaseTarget } from "./app/services/db/database-url";

const target = resolveDatabaseTarget(process.env.DATABASE_URL);
if (target.kind === "pglite") {
  // schema.prisma reads env("DATABASE_URL"); it is never dialled for PGlite.
  process.env.DATABASE_URL = PGLITE_PLACEHOLDER_URL;
}

// PGlite and the WASM schema engine leave timers created from Wasm that keep
// the CLI alive after it is done (`migrate status` never exits). Unref those.
for (const name of ["setTimeout", "setInterval"] as const) {
  const original = globalThis[name] as (...args: unknown[]) => NodeJS.Timeout;
  (globalThis as Record<string, unknown>)[name] = (...args: unknown[]) => {
    const timer = original(...args);
    if (new Error().stack?.includes("wasm")) timer?.unref?.();
    return timer;
  };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return cliAdapterFor(target);
  },
});
