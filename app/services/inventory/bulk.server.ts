/**
 * The bulk reconcile: the whole catalog and every inventory level, read with
 * one bulkOperationRunQuery and applied from its JSONL — streamed line by line,
 * never loaded whole, written in batches of 2,000 lines (bulk-apply.server.ts)
 * under the same guards as the webhooks' writers (source "reconcile"), so a
 * reconcile never overwrites a newer webhook.
 *
 *   start      LocationsPage (small) → BulkSync row "running" → bulkOperationRunQuery
 *   finish     bulk_operations/finish webhook (or a poll that sees COMPLETED, should
 *              the webhook be lost) → claim the sync → stream the file → "completed"
 *   progress   objectCount while Shopify runs the query; bytes read / file size while
 *              applying: the admin's progress bar (progressOf)
 *
 * One apply at a time per sync: it is claimed with a lease (lockedUntil), renewed
 * at every progress update, so a crashed apply is taken over once the lease expires.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { BulkOperationRunQuery, BulkOperationStatus, LocationsPage } from "../../../graphql/operations";
import type { AdminClient } from "../admin/client.server";
import { forShop, type ShopDb } from "../db/scoped.server";
import { classifyLine, BULK_CATALOG_QUERY } from "./bulk-query";
import { streamJsonl } from "./jsonl.server";
import { BulkApplier, type BatchOutcome } from "./bulk-apply.server";
import { locationFromGraphQL, writeLocation } from "./mirror.server";

export const APPLY_LEASE_MS = 5 * 60_000;
export const ACTIVE_SYNC_STATUSES = ["starting", "running", "downloading"];

export type BulkSyncRow = Prisma.BulkSyncGetPayload<object>;

export interface StartResult {
  ok: boolean;
  sync: BulkSyncRow | null;
  message: string;
}

/** Reads every location (a small list) into the mirror. */
export async function reconcileLocations(db: ShopDb, shop: string, client: AdminClient): Promise<number> {
  let count = 0;
  for await (const node of client.paginate(LocationsPage, { first: 50, includeInactive: true }, (d) => d.locations)) {
    await writeLocation(db, shop, locationFromGraphQL(node), "reconcile");
    count += 1;
  }
  return count;
}

export async function startBulkReconcile(db: ShopDb, shop: string, client: AdminClient, now: Date): Promise<StartResult> {
  const running = await db.bulkSync.findFirst({ where: { status: { in: ACTIVE_SYNC_STATUSES } }, orderBy: { startedAt: "desc" } });
  if (running && (running.lockedUntil === null || running.lockedUntil > now)) {
    return { ok: false, sync: running, message: `A reconcile started at ${running.startedAt.toISOString()} is still ${running.status}` };
  }
  await reconcileLocations(db, shop, client);
  const sync = await db.bulkSync.create({ data: { shop, status: "starting", startedAt: now, lockedUntil: new Date(now.getTime() + APPLY_LEASE_MS) } });
  try {
    const payload = await client.mutate(BulkOperationRunQuery, { query: BULK_CATALOG_QUERY }, "bulkOperationRunQuery");
    const operationId = payload.bulkOperation?.id ?? null;
    const updated = await db.bulkSync.update({
      where: { shop_id: { shop, id: sync.id } },
      data: { status: "running", bulkOperationId: operationId, lockedUntil: null },
    });
    return { ok: true, sync: updated, message: `Bulk operation ${operationId} started` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = await db.bulkSync.update({ where: { shop_id: { shop, id: sync.id } }, data: { status: "failed", error: message.slice(0, 2000), finishedAt: now, lockedUntil: null } });
    return { ok: false, sync: failed, message };
  }
}

/** Claims a sync for applying; null when another apply holds it or it is done. */
async function claim(db: ShopDb, syncId: string, now: Date): Promise<boolean> {
  const { count } = await db.bulkSync.updateMany({
    where: {
      id: syncId,
      OR: [{ status: "running" }, { status: "downloading", OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] }],
    },
    data: { status: "downloading", lockedUntil: new Date(now.getTime() + APPLY_LEASE_MS) },
  });
  return count > 0;
}

export interface ApplyOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  progressEvery?: number;
  /** Lines written per batch (bulk-apply.server.ts). */
  batchLines?: number;
}

export interface ApplyReport {
  lines: number;
  bytes: number;
  applied: number;
  stale: number;
  skipped: number;
}

/** Streams the finished operation's JSONL into the mirror. */
export async function applyBulkResult(prisma: PrismaClient, shop: string, client: AdminClient, syncId: string, options: ApplyOptions = {}): Promise<ApplyReport | null> {
  const db = forShop(prisma, shop);
  const clock = options.now ?? (() => new Date());
  if (!(await claim(db, syncId, clock()))) return null;
  const sync = await db.bulkSync.findFirst({ where: { id: syncId } });
  const report: ApplyReport = { lines: 0, bytes: 0, applied: 0, stale: 0, skipped: 0 };
  const fail = async (message: string) => {
    await db.bulkSync.updateMany({ where: { id: syncId }, data: { status: "failed", error: message.slice(0, 2000), finishedAt: clock(), lockedUntil: null } });
  };
  try {
    if (!sync?.bulkOperationId) throw new Error(`Reconcile ${syncId} has no bulk operation id`);
    const { bulkOperation } = await client.request(BulkOperationStatus, { id: sync.bulkOperationId });
    if (!bulkOperation) throw new Error(`Bulk operation ${sync.bulkOperationId} is unknown to Shopify`);
    if (bulkOperation.status !== "COMPLETED") {
      await fail(`Bulk operation ${bulkOperation.id} ended ${bulkOperation.status}${bulkOperation.errorCode ? ` (${bulkOperation.errorCode})` : ""}`);
      return null;
    }
    const fileSize = bulkOperation.fileSize ? BigInt(bulkOperation.fileSize) : 0n;
    await db.bulkSync.updateMany({ where: { id: syncId }, data: { objectCount: Number(bulkOperation.objectCount), fileSize } });
    if (!bulkOperation.url) {
      // An operation that found nothing writes no file.
      await db.bulkSync.updateMany({ where: { id: syncId }, data: { status: "completed", finishedAt: clock(), lockedUntil: null } });
      return report;
    }
    const currency = (await db.shop.findFirst({ select: { currencyCode: true } }))?.currencyCode ?? "USD";
    const response = await (options.fetch ?? fetch)(bulkOperation.url);
    if (!response.ok || !response.body) throw new Error(`Downloading the bulk result answered HTTP ${response.status}`);

    // One batch is written while the next is read and parsed; batches commit in file order.
    const applier = new BulkApplier(db, shop, currency, options.batchLines);
    let inFlight: Promise<BatchOutcome> | null = null;
    const settle = async () => {
      if (!inFlight) return;
      const writing = inFlight;
      inFlight = null;
      const outcome = await writing;
      report.applied += outcome.applied;
      report.stale += outcome.stale;
      report.skipped += outcome.skipped;
    };
    const startFlush = async () => {
      await settle();
      inFlight = applier.flush(clock());
      // Its failure is raised by the next settle(); until then it must not count as unhandled.
      inFlight.catch(() => undefined);
    };
    const progress = await streamJsonl(
      response.body,
      async (value) => {
        const line = classifyLine(value);
        if (line.kind === "unknown") report.skipped += 1;
        else if (applier.add(line)) await startFlush();
      },
      {
        progressEvery: options.progressEvery ?? 5000,
        onProgress: async ({ bytes, lines }) => {
          // applied/stale count the batches written so far (one may still be in flight).
          report.bytes = bytes;
          report.lines = lines;
          await db.bulkSync.updateMany({
            where: { id: syncId },
            data: { bytesRead: BigInt(bytes), lines, applied: report.applied, stale: report.stale, lockedUntil: new Date(clock().getTime() + APPLY_LEASE_MS) },
          });
        },
      },
    );
    await startFlush();
    await settle();
    report.bytes = progress.bytes;
    report.lines = progress.lines;
    await db.bulkSync.updateMany({ where: { id: syncId }, data: { status: "completed", finishedAt: clock(), lockedUntil: null, applied: report.applied, stale: report.stale } });
    return report;
  } catch (error) {
    await fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    throw error;
  }
}

/** bulk_operations/finish payload: the operation's id and status. */
export function bulkFinishOf(payload: unknown): { id: string | null; status: string | null; errorCode: string | null } {
  const body = payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {};
  const id = typeof body.admin_graphql_api_id === "string" ? body.admin_graphql_api_id : null;
  return {
    id,
    status: typeof body.status === "string" ? body.status.toUpperCase() : null,
    errorCode: typeof body.error_code === "string" ? body.error_code : null,
  };
}

/** The reconcile's progress for the admin: 0–50 % while Shopify runs the query, 50–100 % while applying. */
export function progressOf(sync: Pick<BulkSyncRow, "status" | "objectCount" | "fileSize" | "bytesRead">, expectedObjects: number): number {
  switch (sync.status) {
    case "completed":
      return 100;
    case "starting":
      return 0;
    case "running":
      return Math.min(50, Math.round((50 * sync.objectCount) / Math.max(1, expectedObjects)));
    case "downloading": {
      const size = Number(sync.fileSize ?? 0n);
      return size > 0 ? 50 + Math.min(50, Math.round((50 * Number(sync.bytesRead)) / size)) : 50;
    }
    default:
      return 0;
  }
}

/**
 * While Shopify runs the query: read its status (objectCount for the progress bar).
 * A COMPLETED operation whose webhook has not been processed is applied from here.
 */
export async function pollBulk(prisma: PrismaClient, shop: string, client: AdminClient, syncId: string, options: ApplyOptions = {}): Promise<BulkSyncRow | null> {
  const db = forShop(prisma, shop);
  const sync = await db.bulkSync.findFirst({ where: { id: syncId } });
  if (!sync?.bulkOperationId || sync.status !== "running") return sync;
  const { bulkOperation } = await client.request(BulkOperationStatus, { id: sync.bulkOperationId });
  if (!bulkOperation) return sync;
  await db.bulkSync.updateMany({ where: { id: syncId, status: "running" }, data: { objectCount: Number(bulkOperation.objectCount) } });
  if (bulkOperation.status === "COMPLETED") await applyBulkResult(prisma, shop, client, syncId, options);
  else if (["FAILED", "CANCELED", "EXPIRED"].includes(bulkOperation.status)) {
    await db.bulkSync.updateMany({
      where: { id: syncId, status: "running" },
      data: { status: "failed", error: `Bulk operation ended ${bulkOperation.status}${bulkOperation.errorCode ? ` (${bulkOperation.errorCode})` : ""}`, finishedAt: new Date() },
    });
  }
  return db.bulkSync.findFirst({ where: { id: syncId } });
}
