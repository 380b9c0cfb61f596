/**
 * Out-of-order protection for the local mirror. Shopify does not order
 * webhooks: an orders/updated may arrive before orders/create, or a retry of
 * an old payload after a newer one. A row is written only when the incoming
 * `updated_at` is strictly newer than the one stored; an older or equal one is
 * reported as "stale" and changes nothing. Same-second ties are left to the
 * reconcile job (Shopify's REST timestamps have one-second resolution).
 *
 * Inventory levels do not use this: their `available` is a counter a drop moves
 * several times a second, it is ATP, and a same-second update dropped until the
 * reconcile is an oversell — so writeAvailable (inventory/mirror.server.ts) breaks
 * the tie by X-Shopify-Triggered-At (the later-triggered event of a second wins).
 * The records written here keep the strict rule, because a same-second tie costs
 * no decision:
 * - orders: what the app decides on (paid, cancelled, fulfilled, refunded,
 *   reservations to authorize or release) comes from the order state machine
 *   (domain/orders), not from the Order row: every event is recorded once per
 *   (order, event key), its fact merged with equal times applying (facts.ts), and
 *   the state moves only along ORDER_TRANSITIONS rows — a stale Order row loses no
 *   transition. The Order row and its lines are a display copy (the order page);
 *   a same-second snapshot it skipped is corrected by the next update or reconcile.
 * - products, customers, locations, inventory items: edited by people, rarely
 *   twice in one second; the reconcile corrects a skipped same-second edit.
 * - transfers and shipments: the levels they move are re-read in full by their
 *   handlers, but the units on a transfer ready to ship (in_transit_out) come from
 *   the transfer row. Two events of one transfer in one second (an API flow adding
 *   items and marking it ready at once) keep the first processed until the next
 *   event or reconcile: the remaining exposure, not fixed here.
 * Adopting the tie-break here would need a trigger-time column per table and the
 * handlers' occurredAt passed through (the transfers first, if that exposure shows).
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
    if (isUniqueViolation(error)) return "stale";
    throw error;
  }
}

/**
 * A unique violation: P2002 from Prisma's model API, or PostgreSQL's 23505 raised by a raw
 * statement ($queryRaw / $executeRaw), which Prisma reports as P2010 with the driver adapter's
 * error (kind UniqueConstraintViolation, original code 23505; the message names the code too).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  if (error.code !== "P2010") return false;
  const cause = (error.meta as { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505" || /\b23505\b/.test(error.message);
}
