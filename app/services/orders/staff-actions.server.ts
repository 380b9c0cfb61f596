/**
 * Idempotent staff actions. Every admin action that changes something
 * (approve, decline, process, regrade, reconcile, run a compensation) carries
 * an idempotency key made when the form was rendered. The first request with a
 * key claims it and acts; any other request with the same key — a double click,
 * a resubmitted form, a retry after a timeout — acts never again and gets the
 * first one's answer (or "in progress" while it runs). A key reused for a
 * different action or different parameters is refused.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { ShopDb } from "../db/scoped.server";
import { isUniqueViolation } from "../mirror/apply-if-newer.server";

export type ActionOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };
export type StaffActionResult<T> = ActionOutcome<T> & { replayed: boolean };

export interface StaffActionRequest {
  key: string;
  /** approve | decline | process | regrade | reconcile | compensate … */
  action: string;
  /** What it acts on (an RMA id, an order id). */
  target: string;
  /** The parameters that must match on a replay. */
  params: unknown;
}

const KEY = /^[A-Za-z0-9_:.-]{8,128}$/;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function paramsDigest(params: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(params) ?? null)).digest("hex");
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function withIdempotency<T>(
  db: ShopDb,
  shop: string,
  request: StaffActionRequest,
  run: () => Promise<ActionOutcome<T>>,
): Promise<StaffActionResult<T>> {
  if (!KEY.test(request.key)) {
    return { ok: false, code: "bad_idempotency_key", message: `idempotency key ${JSON.stringify(request.key)} is not 8–128 letters, digits, _ : . or -`, replayed: false };
  }
  const digest = paramsDigest(request.params);
  try {
    await db.staffAction.create({
      data: { shop, key: request.key, action: request.action, target: request.target, paramsDigest: digest, status: "running" },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const prior = await db.staffAction.findFirst({ where: { key: request.key } });
    if (!prior) throw error;
    if (prior.action !== request.action || prior.target !== request.target || prior.paramsDigest !== digest) {
      return {
        ok: false,
        code: "idempotency_key_reused",
        message: `idempotency key ${request.key} was used for ${prior.action} on ${prior.target}${prior.paramsDigest !== digest ? " with other parameters" : ""}; a new action needs a new key`,
        replayed: true,
      };
    }
    if (prior.status === "running") {
      return { ok: false, code: "in_progress", message: `${request.action} on ${request.target} is already running under this key`, replayed: true };
    }
    return { ...(prior.result as unknown as ActionOutcome<T>), replayed: true };
  }
  let outcome: ActionOutcome<T>;
  try {
    outcome = await run();
  } catch (error) {
    outcome = { ok: false, code: "failed", message: errorMessage(error) };
  }
  await db.staffAction.updateMany({
    where: { key: request.key },
    data: { status: outcome.ok ? "done" : "failed", result: outcome as unknown as Prisma.InputJsonValue, finishedAt: new Date() },
  });
  return { ...outcome, replayed: false };
}
