/**
 * The inventory area's background work, in the app's process:
 *   every PUBLISH_INTERVAL_MS, per installed shop —
 *     1. expire due reservations (TTL sweeper),
 *     2. move hard reserves into / out of Shopify's reserved quantity,
 *     3. publish changed ATP to the variant metafields (staleness budget: publish.server.ts),
 *     4. start a bulk reconcile when the last one finished more than RECONCILE_EVERY_MS ago
 *        (figures must be re-confirmed for checkout to trust them), or poll a running one,
 *     5. account for restocked returns (RestockEvent, written by the returns area): Shopify's
 *        available already holds the units, so the level is read again now rather than
 *        waiting for its webhook, and the event is marked consumed,
 *     6. drop ATP history older than HISTORY_DAYS.
 * A shop's failure is logged and does not stop the others. Started with the
 * server (startInventoryJobs) and, should the entry point not call it, on first
 * use of the Inventory page or the reservations API.
 */
import type { PrismaClient } from "@prisma/client";
import type { AdminClient } from "../admin/client.server";
import { offlineAdminClient } from "../admin/offline.server";
import { forShop } from "../db/scoped.server";
import { expireDue } from "../reservations/reservations.server";
import { readLevel, syncPending } from "../reservations/shopify-sync.server";
import { applyBulkResult, pollBulk, startBulkReconcile } from "./bulk.server";
import { writeLevelRead } from "./mirror.server";
import { PUBLISH_INTERVAL_MS, publishAtp } from "./publish.server";

export const RECONCILE_EVERY_MS = 6 * 60 * 60_000;
export const HISTORY_DAYS = 30;

type ClientFactory = (prisma: PrismaClient, shop: string) => Promise<AdminClient>;
let clientFactory: ClientFactory = (prisma, shop) => offlineAdminClient(prisma, shop);

/** The Admin client jobs and webhook handlers use (the shop's offline session). */
export function adminClientFor(prisma: PrismaClient, shop: string): Promise<AdminClient> {
  return clientFactory(prisma, shop);
}

/** Tests point jobs at the emulator; returns the previous factory. */
export function setAdminClientFactory(factory: ClientFactory): ClientFactory {
  const previous = clientFactory;
  clientFactory = factory;
  return previous;
}

const background = new Set<Promise<unknown>>();

/** Applies a finished bulk operation outside the webhook worker (it can take minutes). */
export function startBackgroundApply(prisma: PrismaClient, shop: string, syncId: string): void {
  const run = (async () => {
    const client = await adminClientFor(prisma, shop);
    await applyBulkResult(prisma, shop, client, syncId);
  })()
    .catch((error: unknown) => console.error(`[inventory] applying reconcile ${syncId} of ${shop} failed`, error))
    .finally(() => background.delete(run));
  background.add(run);
}

/** Resolves when every background apply has finished (tests). */
export async function whenBackgroundIdle(): Promise<void> {
  while (background.size > 0) await Promise.all([...background]);
}

/** Re-reads the levels returned units went back to, then marks their RestockEvents consumed. */
export async function consumeRestocks(prisma: PrismaClient, shop: string, client: AdminClient, now: Date, limit = 50): Promise<number> {
  const db = forShop(prisma, shop);
  const events = await db.restockEvent.findMany({ where: { consumedAt: null }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }], take: limit });
  const done = new Set<string>();
  for (const event of events) {
    const itemId =
      event.inventoryItemId ??
      (event.variantId ? (await db.variant.findFirst({ where: { id: event.variantId }, select: { inventoryItemId: true } }))?.inventoryItemId : null) ??
      null;
    const key = `${itemId} ${event.locationId}`;
    if (itemId && !done.has(key)) {
      const read = await readLevel(client, itemId, event.locationId);
      if (read) await writeLevelRead(db, shop, read, "local", now);
      done.add(key);
    }
    await db.restockEvent.updateMany({ where: { id: event.id, consumedAt: null }, data: { consumedAt: now } });
  }
  return events.length;
}

export interface ShopJobReport {
  expired: number;
  restocks: number;
  shopify: Record<string, number>;
  published: number;
  reconcile: string | null;
}

export async function runShopJobs(prisma: PrismaClient, shop: string, client: AdminClient, now: Date): Promise<ShopJobReport> {
  const db = forShop(prisma, shop);
  const expired = await expireDue(db, shop, now);
  const shopify = await syncPending(db, shop, client, now);
  const restocks = await consumeRestocks(prisma, shop, client, now);
  const published = await publishAtp(prisma, shop, client, now);
  let reconcile: string | null = null;
  const last = await db.bulkSync.findFirst({ orderBy: { startedAt: "desc" } });
  if (last?.status === "running") {
    await pollBulk(prisma, shop, client, last.id);
    reconcile = `polled ${last.id}`;
  } else if (!last || (last.finishedAt ?? last.startedAt).getTime() + RECONCILE_EVERY_MS <= now.getTime()) {
    reconcile = (await startBulkReconcile(db, shop, client, now)).message;
  }
  await db.atpSample.deleteMany({ where: { at: { lt: new Date(now.getTime() - HISTORY_DAYS * 86_400_000) } } });
  return { expired: expired.length, restocks, shopify, published: published.written, reconcile };
}

export class InventoryJobs {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: { intervalMs?: number; now?: () => Date; onError?: (shop: string, error: unknown) => void; onPassError?: (error: unknown) => void } = {},
  ) {}

  start(): this {
    if (!this.timer) {
      // A failed pass (the shop list unreadable: the database unreachable, say) is logged and the
      // next one tries again — never an unhandled rejection that ends the server.
      this.timer = setInterval(() => void this.tick().catch((error: unknown) => (this.options.onPassError ?? ((e) => console.error("[inventory] jobs pass failed", e)))(error)), this.options.intervalMs ?? PUBLISH_INTERVAL_MS);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over every installed shop; overlapping ticks are skipped. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        // The one deliberate cross-shop read: the list of shops to work for.
        const shops = await this.prisma.shop.findMany({ where: { uninstalledAt: null }, select: { shop: true } });
        for (const { shop } of shops) {
          try {
            const client = await adminClientFor(this.prisma, shop);
            await runShopJobs(this.prisma, shop, client, (this.options.now ?? (() => new Date()))());
          } catch (error) {
            (this.options.onError ?? ((s, e) => console.error(`[inventory] jobs for ${s} failed`, e)))(shop, error);
          }
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}

declare global {
  var __peakguardInventoryJobs: InventoryJobs | undefined;
}

/**
 * Starts the process's inventory jobs once (idempotent). PEAKGUARD_INVENTORY_JOBS=off keeps
 * this process from running them (like PEAKGUARD_WEBHOOK_WORKER); tests (VITEST) drive the
 * jobs explicitly and never start the timer.
 */
export async function startInventoryJobs(): Promise<InventoryJobs | null> {
  if (process.env.PEAKGUARD_INVENTORY_JOBS === "off" || process.env.VITEST) return null;
  if (!globalThis.__peakguardInventoryJobs) {
    const { default: prisma } = await import("../../db.server");
    globalThis.__peakguardInventoryJobs = new InventoryJobs(prisma).start();
  }
  return globalThis.__peakguardInventoryJobs;
}
