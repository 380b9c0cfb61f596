/**
 * The promotions job: every 10 s, for each installed shop with promotion counters marked
 * (counters.server.ts), read the shop's promotion sets and publish the marked counters.
 * PEAKGUARD_PROMOTION_JOBS=off keeps a process from running it; tests (VITEST) call
 * runPromotionCounterJob directly and never start the timer.
 */
import type { PrismaClient } from "@prisma/client";

import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import { adminClientFor } from "../inventory/jobs.server";
import { publishPromotionCounters, type PublishedPromotionCounters } from "./counters.server";
import { listPromotionSets } from "./promotions.server";

export const PROMOTION_JOB_INTERVAL_MS = 10_000;

/** One shop: nothing to do (null) when no counter is marked, else what was published. */
export async function runPromotionCounterJob(prisma: PrismaClient, shop: string, client: () => Promise<AdminClient>): Promise<PublishedPromotionCounters | null> {
  const marked = await forShop(prisma, shop).promotionCounterDirty.count();
  if (marked === 0) return null;
  const admin = await client();
  return publishPromotionCounters(prisma, admin, shop, await listPromotionSets(admin));
}

export class PromotionJobs {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly prisma: PrismaClient, private readonly options: { intervalMs?: number } = {}) {}

  start(): this {
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? PROMOTION_JOB_INTERVAL_MS);
      this.timer.unref();
    }
    return this;
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
            await runPromotionCounterJob(this.prisma, shop, () => adminClientFor(this.prisma, shop));
          } catch (error) {
            console.error(`[promotions] counters for ${shop} failed`, error);
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
  var __peakguardPromotionJobs: PromotionJobs | undefined;
}

export async function startPromotionJobs(): Promise<PromotionJobs | null> {
  if (process.env.PEAKGUARD_PROMOTION_JOBS === "off" || process.env.VITEST) return null;
  if (!globalThis.__peakguardPromotionJobs) {
    const { default: prisma } = await import("../../db.server");
    globalThis.__peakguardPromotionJobs = new PromotionJobs(prisma).start();
  }
  return globalThis.__peakguardPromotionJobs;
}
