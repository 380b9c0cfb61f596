/**
 * The Peak scheduler: restores expired kill switches (and rewrites the metafield), and turns
 * the master promotion freeze on while a scheduled "promotions" freeze window is open (the
 * switch expires when the window closes, so the same expiry path turns it off).
 *
 * One tick every 30 s per process (`ensurePeakScheduler()`); the tick's queries are the one
 * deliberate cross-shop read, each shop then handled through its own scoped client and its
 * offline Admin client. Ticks never overlap. Expiry has a second net in the functions
 * themselves: the metafield carries each switch's shop-local expiry date (format.ts).
 *
 * START IT at server boot next to the webhook worker (app/entry.server.tsx):
 *     import { ensurePeakScheduler } from "./services/peak/scheduler.server";
 *     ensurePeakScheduler();
 * Until then the Peak page starts it on its first load and restores its own shop's expired
 * switches before it reads them.
 */
import type { PrismaClient } from "@prisma/client";
import { readTarget } from "~/domain/kill-switches/switches";
import type { AdminClient } from "../admin/client.server";
import { offlineAdminClient } from "../admin/offline.server";
import { forShop } from "../db/scoped.server";
import { killSwitch, restoreExpiredSwitches, type FlipDeps } from "../kill-switches/flip.server";
import type { CheckoutProbe } from "../kill-switches/probe.server";
import { readKillSwitchMetafield } from "../kill-switches/publish.server";

export const SCHEDULER_POLL_MS = 30_000;

/** The shop's IANA zone: the mirrored Shop row, else the Admin API. */
export async function shopTimeZone(prisma: PrismaClient, shop: string, admin: AdminClient): Promise<string> {
  const row = await forShop(prisma, shop).shop.findFirst({ select: { ianaTimezone: true } });
  return row?.ianaTimezone || (await readKillSwitchMetafield(admin)).timeZone;
}

export interface TickOptions {
  now?: Date;
  clientFor?: (shop: string) => Promise<AdminClient>;
  probeFor?: (shop: string) => CheckoutProbe | null;
  log?: (message: string) => void;
}

export interface TickReport {
  restored: number;
  freezesStarted: number;
  errors: string[];
}

export async function runPeakTick(prisma: PrismaClient, options: TickOptions = {}): Promise<TickReport> {
  const now = options.now ?? new Date();
  const report: TickReport = { restored: 0, freezesStarted: 0, errors: [] };
  const expired = await prisma.killSwitch.findMany({ where: { restoredAt: null, expiresAt: { lte: now } }, select: { shop: true }, distinct: ["shop"] });
  const windows = await prisma.freezeWindow.findMany({ where: { scope: "promotions", startsAt: { lte: now }, endsAt: { gt: now } }, orderBy: { endsAt: "desc" } });
  const shops = new Set([...expired.map((r) => r.shop), ...windows.map((w) => w.shop)]);
  for (const shop of shops) {
    try {
      const admin = await (options.clientFor ?? ((s) => offlineAdminClient(prisma, s)))(shop);
      const base: Omit<FlipDeps, "actor"> = { prisma, admin, shop, timeZone: await shopTimeZone(prisma, shop, admin), probe: options.probeFor?.(shop) ?? null, now: () => now };
      const { restored } = await restoreExpiredSwitches({ ...base, actor: "expiry" });
      report.restored += restored.length;
      const window = windows.find((w) => w.shop === shop);
      if (window) {
        const freezeOn = await forShop(prisma, shop).killSwitch.findFirst({ where: { kind: "freeze", restoredAt: null } });
        const target = readTarget("freeze", {});
        if (!freezeOn && target.ok) {
          const result = await killSwitch({ ...base, actor: "schedule" }, { target: target.target, reason: `promotion freeze window: ${window.reason}`, expiresAt: window.endsAt });
          if (result.ok) report.freezesStarted += 1;
          else report.errors.push(`${shop}: freeze window: ${result.message}`);
        }
      }
    } catch (error) {
      report.errors.push(`${shop}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (report.errors.length > 0) (options.log ?? console.error)(`[peak] scheduler: ${report.errors.join("; ")}`);
  return report;
}

export class PeakScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickReport> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: Omit<TickOptions, "now"> & { pollMs?: number; onError?: (error: unknown) => void } = {}
  ) {}

  start(): this {
    if (!this.timer) {
      this.timer = setInterval(() => void this.pass(), this.options.pollMs ?? SCHEDULER_POLL_MS);
      this.timer.unref();
      void this.pass();
    }
    return this;
  }

  /** A timed tick: a failure (the database unreachable, say) is logged and the next tick tries again, never an unhandled rejection that ends the server. */
  private pass(): Promise<void> {
    return this.tick().then(
      () => undefined,
      (error: unknown) => (this.options.onError ?? ((e) => console.error("[peak] scheduler tick failed", e)))(error),
    );
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One tick; a tick already running is joined, never doubled. */
  tick(): Promise<TickReport> {
    this.running ??= runPeakTick(this.prisma, this.options).finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

declare global {
  var __peakguardPeakScheduler: PeakScheduler | undefined;
}

/** The process's scheduler on the app's database, started on first call. */
export async function ensurePeakScheduler(): Promise<PeakScheduler> {
  if (!globalThis.__peakguardPeakScheduler) {
    const { default: prisma } = await import("../../db.server");
    globalThis.__peakguardPeakScheduler = new PeakScheduler(prisma).start();
  }
  return globalThis.__peakguardPeakScheduler;
}
