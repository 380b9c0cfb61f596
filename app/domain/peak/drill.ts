/**
 * The peak drill's numbers: percentiles, the loss check, and the verdict against the targets.
 * Pure: the drill (bench/drill, scripts/drill.ts) measures, this judges, the Peak page shows.
 */

export interface Summary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1]! };
}

export interface LossCheck {
  /** Distinct events the store emitted (after subscription filtering). */
  emitted: number;
  /** Of those, how many the app's event log holds. */
  logged: number;
  /**
   * Events missing from the log for good: acknowledged (2xx) yet never stored, or given up
   * by the sender (dead) — by event id. Empty is the only passing answer.
   */
  lost: string[];
  /** Events missing from the log that the sender was still retrying when the drill stopped waiting. */
  undelivered: string[];
  /** Events the store emitted that the sender never attempted (no id to look up): counted as lost. */
  neverAttempted: number;
}

export interface DeliveryRecord {
  eventId: string;
  /** Some attempt was answered 2xx (the sender considers the event delivered). */
  acknowledged: boolean;
}

/**
 * Loss = events the emulator emitted minus events in the app's log, by event id. An event
 * acknowledged but not stored is lost; one never acknowledged is lost once the sender has
 * finished with it (dead), and "undelivered" while the sender still retries. An event the
 * emulator counted but never tried to deliver has no id: it counts as lost too.
 */
export function lossCheck(
  deliveries: Iterable<DeliveryRecord>,
  loggedIds: Iterable<string>,
  options: { emittedCount?: number; senderFinished?: boolean } = {}
): LossCheck {
  const acknowledged = new Map<string, boolean>();
  for (const d of deliveries) acknowledged.set(d.eventId, (acknowledged.get(d.eventId) ?? false) || d.acknowledged);
  const logged = new Set(loggedIds);
  const missing = [...acknowledged.keys()].filter((id) => !logged.has(id)).sort();
  const finished = options.senderFinished ?? true;
  const lost = missing.filter((id) => acknowledged.get(id) || finished);
  const undelivered = missing.filter((id) => !acknowledged.get(id) && !finished);
  const neverAttempted = Math.max(0, (options.emittedCount ?? acknowledged.size) - acknowledged.size);
  return { emitted: acknowledged.size + neverAttempted, logged: acknowledged.size - missing.length, lost, undelivered, neverAttempted };
}

export interface DrillTargets {
  /** Orders per minute the drill must sustain (1.5 × the configured peak). */
  ordersPerMinute: number;
  ackP99Ms: number;
  lagP99Ms: number;
  lost: number;
}

/** The target on one 2-core machine. */
export const DEFAULT_TARGETS: DrillTargets = { ordersPerMinute: 3_000, ackP99Ms: 50, lagP99Ms: 2_000, lost: 0 };

export interface DrillResults {
  durationMs: number;
  orders: { created: number; cancelled: number; returned: number; refunded: number; inventoryUpdates: number };
  /** Orders per minute actually created. */
  ordersPerMinute: number;
  webhooks: {
    /** Distinct events emitted (after subscription filtering). */
    events: number;
    /** Delivery attempts (duplicates and retries included). */
    attempts: number;
    duplicates: number;
    /** Attempts answered other than 2xx, by status ("503", "500", "timeout"). */
    refused: Record<string, number>;
    dead: number;
    byTopic: Record<string, number>;
  };
  /** HTTP acknowledgement of webhook deliveries (2xx answers), ms. */
  ack: Summary;
  /** WebhookEvent receivedAt → processedAt, ms. */
  lag: Summary;
  /** Events still unprocessed when the drill stopped waiting, and dead-lettered ones. */
  processing: { processed: number; unprocessed: number; dead: number; errors: Record<string, number> };
  loss: LossCheck;
  atp: Summary & { note: string | null };
  checkout: { function: string; wallMs: Summary; instructions: Summary; inputBytes: Summary; errors: number; note?: string }[];
  backpressure: { cap: number | null; refusals: number; note: string };
  notes: string[];
}

export interface Verdict {
  name: string;
  ok: boolean;
  actual: string;
  target: string;
}

const ms = (v: number | null) => (v === null ? "n/a" : `${Math.round(v * 10) / 10} ms`);

/** Each check against the targets; the drill passes only if every one does. */
export function judge(results: DrillResults, targets: DrillTargets): { passed: boolean; verdicts: Verdict[] } {
  const verdicts: Verdict[] = [
    {
      name: "throughput",
      ok: results.ordersPerMinute >= targets.ordersPerMinute * 0.98,
      actual: `${Math.round(results.ordersPerMinute)} orders/min`,
      target: `≥ ${targets.ordersPerMinute} orders/min`,
    },
    { name: "ack p99", ok: results.ack.p99 !== null && results.ack.p99 <= targets.ackP99Ms, actual: ms(results.ack.p99), target: `≤ ${targets.ackP99Ms} ms` },
    { name: "processing lag p99", ok: results.lag.p99 !== null && results.lag.p99 <= targets.lagP99Ms, actual: ms(results.lag.p99), target: `≤ ${targets.lagP99Ms} ms` },
    {
      name: "events lost",
      ok: results.loss.lost.length + results.loss.neverAttempted <= targets.lost,
      actual: String(results.loss.lost.length + results.loss.neverAttempted),
      target: String(targets.lost),
    },
    {
      name: "drained at the end",
      ok: results.processing.unprocessed === 0 && results.processing.dead === 0 && results.loss.undelivered.length === 0,
      actual: `${results.loss.undelivered.length} undelivered, ${results.processing.unprocessed} unprocessed, ${results.processing.dead} dead`,
      target: "0",
    },
  ];
  return { passed: verdicts.every((v) => v.ok), verdicts };
}
