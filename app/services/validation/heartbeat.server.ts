/**
 * The checkout clock's heartbeat: once a minute, for every installed shop,
 * `beatCheckoutClock` rewrites the validation's shop-local time slots when
 * they are half used (it reads first and writes only when due; a shop without
 * a checkout validation costs one read). Without it, ATP rules see every
 * figure as stale once the slots of the last save run out, and the
 * merchant's fail-open / fail-closed choice applies (app/domain/validation/README.md).
 */
import type { PrismaClient } from "@prisma/client";
import { OfflineSessionMissingError } from "../admin/offline.server";
import { beatCheckoutClock } from "./clock.server";
import { startTimedPasses } from "../background-pass.server";

export const HEARTBEAT_MS = 60_000;

/** One beat over every installed shop; returns the shops whose clock was written. The one cross-shop read: the shop list. */
export async function beatAllCheckoutClocks(prisma: PrismaClient, now = new Date(), log: (m: string) => void = console.error): Promise<string[]> {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { shop: true } });
  const written: string[] = [];
  for (const { shop } of shops) {
    try {
      const result = await beatCheckoutClock(prisma, shop, now);
      if (result.written) written.push(shop);
    } catch (error) {
      if (error instanceof OfflineSessionMissingError) continue; // not installed with an offline token yet
      log(`[validation] clock heartbeat for ${shop} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return written;
}

declare global {
  var __peakguardCheckoutHeartbeat: NodeJS.Timeout | undefined;
}

/** Starts the process's heartbeat once (PEAKGUARD_CHECKOUT_HEARTBEAT=off disables it). */
export async function startCheckoutHeartbeat(): Promise<void> {
  if (process.env.PEAKGUARD_CHECKOUT_HEARTBEAT === "off" || globalThis.__peakguardCheckoutHeartbeat) return;
  const { default: prisma } = await import("../../db.server");
  globalThis.__peakguardCheckoutHeartbeat = startTimedPasses({ everyMs: HEARTBEAT_MS, pass: () => beatAllCheckoutClocks(prisma), failure: "[validation] clock heartbeat failed", runNow: true });
}
