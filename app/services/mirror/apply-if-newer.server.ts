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

/** The three calls applyIfNewer makes on a (shop-scoped) model delegate. */
export interface MirrorDelegate {
  updateMany(args: { where: object; data: object }): Promise<{ count: number }>;
  create(args: { data: object }): Promise<unknown>;
  count(args: { where: object }): Promise<number>;
}

/**
 * Prisma's delegates are generic over their argument types, which TypeScript
 * cannot match against MirrorDelegate; the rows built by the mirror modules are
 * typed against Prisma's own input types where they are written.
 */
export function mirrorDelegate(delegate: unknown): MirrorDelegate {
  return delegate as MirrorDelegate;
}

export async function applyIfNewer<TData extends Record<string, unknown>>(
  delegate: MirrorDelegate,
  key: { shop: string; id: string },
  updatedAt: Date,
  data: TData,
): Promise<ApplyOutcome> {
  const row = { ...data, shopifyUpdatedAt: updatedAt };
  const updated = await delegate.updateMany({ where: { ...key, shopifyUpdatedAt: { lt: updatedAt } }, data: row });
  if (updated.count > 0) return "applied";
  if ((await delegate.count({ where: key })) > 0) return "stale";
  try {
    await delegate.create({ data: { ...row, ...key } });
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
