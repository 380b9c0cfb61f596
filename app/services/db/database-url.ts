/**
 * Which database Peakguard talks to, chosen by DATABASE_URL:
 *
 *   unset or "pglite:<dir>"         embedded PostgreSQL (PGlite, Wasm) persisted in <dir>
 *                                   (default ./data/pglite): no server, no native download
 *   "pglite:memory"                 embedded, in memory (tests, throwaway runs)
 *   "postgres://…" / "postgresql://…" a real PostgreSQL server (production, CI's second pass)
 *
 * Anything else is refused with an error that names the value.
 */
import path from "node:path";

export const DEFAULT_PGLITE_DIR = "./data/pglite";
/** Prisma's datasource needs a postgresql:// URL even when it is never dialled. */
export const PGLITE_PLACEHOLDER_URL = "postgresql://pglite@localhost/embedded?schema=public";

export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string | null /* null = in memory */ }
  | { kind: "postgres"; url: string };

export class DatabaseUrlError extends Error {
  override name = "DatabaseUrlError";
}

export function resolveDatabaseTarget(
  raw: string | undefined,
  cwd: string = process.cwd(),
): DatabaseTarget {
  const value = raw?.trim() ?? "";
  if (value === "" || value === PGLITE_PLACEHOLDER_URL) {
    return { kind: "pglite", dataDir: path.resolve(cwd, DEFAULT_PGLITE_DIR) };
  }
  if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
    try {
      new URL(value);
    } catch {
      throw new DatabaseUrlError(`DATABASE_URL is not a valid PostgreSQL URL: "${redact(value)}"`);
    }
    return { kind: "postgres", url: value };
  }
  if (value.startsWith("pglite:")) {
    const rest = value.slice("pglite:".length).replace(/^\/\//, "");
    if (rest === "memory" || rest === "memory://") return { kind: "pglite", dataDir: null };
    if (rest === "") throw new DatabaseUrlError('DATABASE_URL "pglite:" needs a directory, e.g. pglite:./data/pglite');
    return { kind: "pglite", dataDir: path.resolve(cwd, rest) };
  }
  throw new DatabaseUrlError(
    `DATABASE_URL "${redact(value)}" is not supported: use pglite:<dir>, pglite:memory or postgresql://…`,
  );
}

/** Hide a password before a URL reaches a log or an error message. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
