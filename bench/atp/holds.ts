/**
 * Reservation throughput: soft holds of 1 unit by SKU (what a drop shopper's
 * checkout sends), each with its own idempotency key and a 10-minute TTL, issued
 * by `concurrency` clients at once through the real service (hold(): idempotency
 * log, SKU → item, the conditional UPDATE, the reservation row, the stored answer,
 * one statement when the hold can be taken). Baseline: that statement sent raw
 * on the same pool with the same concurrency.
 */
import { randomBytes } from "node:crypto";
import { forShop } from "../../app/services/db/scoped.server";
import { hold, holdStatement, newReservationId } from "../../app/services/reservations/reservations.server";
import { requestHash } from "../../app/services/reservations/idempotency.server";
import type { BenchDatabase } from "./db";
import { skuOf, type SeedSpec } from "./seed";
import { latency, nowMs, prng, type Latency } from "./stats";

export interface HoldRun {
  label: string;
  holds: number;
  succeeded: number;
  refused: number;
  seconds: number;
  holdsPerSecond: number;
  latency: Latency;
}

export interface HoldReport {
  concurrency: number;
  service: HoldRun;
  raw: HoldRun;
  /** Holds the service reported as taken that are not in the database (should be 0). */
  missing: number;
  /** Levels whose ATP went negative (should be 0). */
  negativeLevels: number;
}

export interface HoldOptions {
  holds: number;
  concurrency: number;
  seed?: number;
}

async function run(label: string, options: HoldOptions, one: (n: number) => Promise<boolean>): Promise<HoldRun> {
  const times: number[] = [];
  let next = 0;
  let succeeded = 0;
  const t0 = nowMs();
  const worker = async () => {
    for (;;) {
      const n = next;
      next += 1;
      if (n >= options.holds) return;
      const s = nowMs();
      if (await one(n)) succeeded += 1;
      times.push(nowMs() - s);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (nowMs() - t0) / 1000;
  return { label, holds: options.holds, succeeded, refused: options.holds - succeeded, seconds, holdsPerSecond: options.holds / seconds, latency: latency(times) };
}

export async function benchHolds(db: BenchDatabase, spec: SeedSpec, options: HoldOptions): Promise<HoldReport> {
  const random = prng(options.seed ?? 7);
  const skus = Array.from({ length: options.holds }, () => skuOf(1 + Math.floor(random() * spec.variants)));
  const runId = randomBytes(4).toString("hex");
  const shop = spec.shop;

  // Warm the pool and Prisma's statement path (not counted).
  await run("warm-up", { ...options, holds: Math.min(50, options.holds) }, (n) =>
    hold(forShop(db.prisma, shop), shop, `bench-warm-${runId}-${n}`, { sku: skus[n]!, quantity: 1, ttlSeconds: 600 }, { now: new Date() }).then((a) => a.status === 201),
  );

  const service = await run("service hold()", options, async (n) => {
    const answer = await hold(forShop(db.prisma, shop), shop, `bench-hold-${runId}-${n}`, { sku: skus[n]!, quantity: 1, ttlSeconds: 600 }, { now: new Date() });
    return answer.status === 201;
  });

  const raw = await run("raw SQL, same statements", options, (n) => rawHold(db, shop, `bench-raw-${runId}-${n}`, skus[n]!));

  const taken = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Reservation" WHERE "shop" = $1 AND "state" = 'held' AND "reference" IS NULL AND "id" IN (SELECT "reservationId" FROM "ReservationRequest" WHERE "shop" = $1 AND "idempotencyKey" LIKE $2)`, [shop, `bench-hold-${runId}-%`]);
  const negative = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "InventoryLevel" WHERE "shop" = $1 AND "available" - "peakguardHolds" + "incoming" < 0 AND "peakguardHolds" > 0 AND "changedAt" > $2::timestamp`, [shop, "2026-11-27 05:00:00"]);
  return {
    concurrency: options.concurrency,
    service,
    raw,
    missing: service.succeeded - Number(taken.rows[0]?.n ?? 0),
    negativeLevels: Number(negative.rows[0]?.n ?? 0),
  };
}

/** One hold as the service's statement (holdStatement: the same text and values), sent raw on the same pool. */
async function rawHold(db: BenchDatabase, shop: string, key: string, sku: string): Promise<boolean> {
  const now = new Date();
  const statement = holdStatement({
    shop,
    key,
    requestHash: requestHash("hold", { sku, quantity: 1, ttlSeconds: 600 }),
    sku,
    variantId: null,
    locationId: null,
    quantity: 1,
    id: newReservationId(),
    now,
    expiresAt: new Date(now.getTime() + 600_000),
    reference: null,
  });
  const { rows } = await db.query<{ answer: string }>(statement.text, statement.values);
  return rows.length === 1;
}
