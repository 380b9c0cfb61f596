/**
 * Idempotency for mutating reservation calls. Every call carries a key; the first
 * call with a key runs and its answer (success or refusal) is stored in the same
 * transaction as its effects; any later call with that key gets the stored answer
 * back (`replayed: true`), without running again. The same key with a different
 * request (another operation or other arguments) is refused, naming both.
 *
 * Concurrency: two calls with one key race on the primary key (shop, key). On
 * PostgreSQL the second insert waits for the first transaction and then fails
 * with a unique violation (P2002): its transaction is rolled back and it replays
 * the first answer. On PGlite transactions run one at a time.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { ShopDb } from "../db/scoped.server";
import { isUniqueViolation } from "../mirror/apply-if-newer.server";

export type ShopTx = Parameters<Extract<Parameters<ShopDb["$transaction"]>[0], (tx: never) => unknown>>[0];

export interface ApiAnswer<TBody = unknown> {
  status: number;
  body: TBody;
}

export interface IdempotentAnswer<TBody = unknown> extends ApiAnswer<TBody> {
  replayed: boolean;
}

/**
 * A drop queues many short transactions on the pool (PostgreSQL) or the one
 * connection (PGlite): wait for a slot longer than Prisma's 2 s default.
 */
export const TX_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;

const KEY = /^[\x21-\x7e]{8,200}$/;

export function checkIdempotencyKey(key: unknown): { ok: true; key: string } | { ok: false; message: string } {
  if (typeof key !== "string" || !KEY.test(key)) {
    return { ok: false, message: "An Idempotency-Key of 8 to 200 printable ASCII characters (no spaces) is required on every mutating reservation call" };
  }
  return { ok: true, key };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

export function requestHash(operation: string, request: unknown): string {
  return createHash("sha256").update(operation).update("\n").update(JSON.stringify(canonical(request))).digest("hex");
}

function replay(row: { operation: string; requestHash: string; status: number; response: Prisma.JsonValue }, key: string, operation: string, hash: string): IdempotentAnswer {
  if (row.operation !== operation || row.requestHash !== hash) {
    return {
      status: 422,
      replayed: false,
      body: {
        error: {
          code: "idempotency_key_reused",
          message: `Idempotency key ${key} was first used for a different ${row.operation === operation ? `${operation} request` : `operation (${row.operation}, not ${operation})`}; use a new key for a new request`,
        },
      },
    };
  }
  // Stored as JSON text (a jsonb string) so a replay is byte-identical: jsonb would reorder an object's keys.
  return { status: row.status, body: typeof row.response === "string" ? (JSON.parse(row.response) as unknown) : row.response, replayed: true };
}

/**
 * Runs `run` once per (shop, key): inside one transaction with the log row, so the
 * effects and the stored answer commit together or not at all.
 */
export async function idempotent(
  db: ShopDb,
  shop: string,
  key: string,
  operation: string,
  request: unknown,
  run: (tx: ShopTx) => Promise<ApiAnswer & { reservationId?: string | null }>,
): Promise<IdempotentAnswer> {
  const hash = requestHash(operation, request);
  const prior = await db.reservationRequest.findFirst({ where: { idempotencyKey: key } });
  if (prior) return replay(prior, key, operation, hash);
  try {
    return await db.$transaction(async (tx) => {
      await tx.reservationRequest.create({ data: { shop, idempotencyKey: key, operation, requestHash: hash, status: 0, response: {} } });
      const answer = await run(tx);
      await tx.reservationRequest.updateMany({
        where: { idempotencyKey: key },
        data: { status: answer.status, response: JSON.stringify(answer.body), reservationId: answer.reservationId ?? null },
      });
      return { status: answer.status, body: answer.body, replayed: false };
    }, TX_OPTIONS);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const row = await db.reservationRequest.findFirst({ where: { idempotencyKey: key } });
    if (!row) throw error;
    return replay(row, key, operation, hash);
  }
}
