/**
 * The promotions job: every 10 s, for each installed shop with promotion counters marked
 * (counters.server.ts), read the shop's promotion sets and publish the marked counters. A shop
 * with nothing marked costs one count query and no Admin API call.
 * PEAKGUARD_PROMOTION_JOBS=off keeps a process from running it; tests (VITEST) call
 * runPromotionCounterJob directly and never start the timer.
 */
import type { PrismaClient } from "@prisma/client";

import type { AdminClient } from "../admin/client.server";
import { OfflineSessionMissingError } from "../admin/offline.server";
import { forShop } from "../db/scoped.server";
import { adminClientFor } from "../inventory/jobs.server";
import { publishPromotionCounters, type PublishedPromotionCounters } from "./counters.server";
import { listPromotionSets } from "./promotions.server";
import { startTimedPasses } from "../background-pass.server";

export const PROMOTION_JOB_INTERVAL_MS = 10_000;

/** One shop: nothing to do (null) when no counter is marked, else what was published. */
export async function runPromotionCounterJob(prisma: PrismaClient, shop: string, client: () => Promise<AdminClient>): Promise<PublishedPromotionCounters | null> {
  const marked = await forShop(prisma, shop).promotionCounterDirty.count();
  if (marked === 0) return null;
  const admin = await client();
  return publishPromotionCounters(prisma, admin, shop, await listPromotionSets(admin));
}

/** One pass over every installed shop (the one cross-shop read: the shop list); a failing shop is logged and skipped. */
export async function runPromotionJobs(prisma: PrismaClient, log: (m: string) => void = console.error): Promise<void> {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { shop: true } });
  for (const { shop } of shops) {
    try {
      await runPromotionCounterJob(prisma, shop, () => adminClientFor(prisma, shop));
    } catch (error) {
      if (error instanceof OfflineSessionMissingError) continue; // not installed with an offline token yet
      log(`[promotions] counters for ${shop} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

declare global {
  var __peakguardPromotionJobs: NodeJS.Timeout | undefined;
}

/** Starts the process's promotions job once; overlapping passes are skipped. */
export async function startPromotionJobs(): Promise<void> {
  if (process.env.PEAKGUARD_PROMOTION_JOBS === "off" || process.env.VITEST || globalThis.__peakguardPromotionJobs) return;
  const { default: prisma } = await import("../../db.server");
  globalThis.__peakguardPromotionJobs = startTimedPasses({ everyMs: PROMOTION_JOB_INTERVAL_MS, pass: () => runPromotionJobs(prisma), failure: "[promotions] counters pass failed" });
}
