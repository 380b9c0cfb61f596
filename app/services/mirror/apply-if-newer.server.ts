/**
 * Out-of-order protection for the local mirror. Shopify does not order
 * webhooks: an orders/updated may arrive before orders/create, or a retry of
 * an old payload after a newer one. A row is written only when the incoming
 * `updated_at` is strictly newer than the one stored; an older or equal one is
 * reported as "stale" and changes nothing. Same-second ties are left to the
 * reconcile job (Shopify's timestamps have one-second resolution).
 */
import { Prisma } from "@prisma/client";

export type ApplyOutcome = "applied" | "stale";

interface MirrorDelegate<TData> {
  updateMany(args: { where: Record<string, unknown>; data: TData }): Promise<{ count: number }>;
  create(args: { data: TData & { id: string; shopifyUpdatedAt: Date } }): Promise<unknown>;
  count(args: { where: { id: string } }): Promise<number>;
}

export async function applyIfNewer<TData extends Record<string, unknown>>(
  delegate: MirrorDelegate<TData>,
  id: string,
  updatedAt: Date,
  data: TData,
): Promise<ApplyOutcome> {
  const row = { ...data, shopifyUpdatedAt: updatedAt };
  const updated = await delegate.updateMany({ where: { id, shopifyUpdatedAt: { lt: updatedAt } }, data: row });
  if (updated.count > 0) return "applied";
  if ((await delegate.count({ where: { id } })) > 0) return "stale";
  try {
    await delegate.create({ data: { ...row, id } });
    return "applied";
  } catch (error) {
    // A concurrent delivery created the row first. (Inside a transaction on
    // PostgreSQL the transaction is now aborted and its commit fails: the
    // processor retries the event, which then finds the row and reports stale.)
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return "stale";
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
