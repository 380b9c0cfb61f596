/**
 * Shopify's Admin API rate limit is a leaky bucket of cost points per app and shop
 * (`extensions.cost.throttleStatus` on every response). These helpers compute how
 * long to wait: after a THROTTLED answer, and before a request the bucket probably
 * cannot afford yet. Pure arithmetic; the clock is passed in.
 */
import type { AdminQueryCost, ThrottleStatus } from "./transport.server";

/** Shortest wait before resending a throttled request: one restore tick. */
export const MIN_THROTTLE_WAIT_MS = 1_000;

/**
 * How long to wait before resending a throttled request:
 * ceil((requestedQueryCost - currentlyAvailable) / restoreRate) seconds, at least
 * {@link MIN_THROTTLE_WAIT_MS}, and at least the server's `Retry-After` if it sent one.
 * Without a cost report (a bare HTTP 429) the minimum applies.
 */
export function throttledRetryDelayMs(cost: AdminQueryCost | undefined, retryAfterMs?: number): number {
  let waitMs = MIN_THROTTLE_WAIT_MS;
  if (cost && cost.throttleStatus.restoreRate > 0) {
    const deficit = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
    waitMs = Math.max(waitMs, Math.ceil(deficit / cost.throttleStatus.restoreRate) * 1_000);
  }
  return Math.max(waitMs, retryAfterMs ?? 0);
}

/** Exponential backoff for 5xx and network failures: 500 ms, 1 s, 2 s, 4 s, then 8 s. */
export function failureBackoffMs(retryIndex: number): number {
  return Math.min(8_000, 500 * 2 ** retryIndex);
}

/**
 * Remembers the last reported bucket state and each operation's requested cost, and
 * says how long to hold the next request so it does not arrive at an empty bucket.
 * One budget per shop: pass the same instance to every AdminClient that talks to
 * that shop from one process (a sync job running several clients, for example).
 */
export class ThrottleBudget {
  private last: { status: ThrottleStatus; at: number; requestedQueryCost: number } | undefined;
  private readonly costByOperation = new Map<string, number>();

  /** Records the cost report of a response received at `at` (ms). */
  observe(operationName: string, cost: AdminQueryCost, at: number): void {
    this.last = { status: cost.throttleStatus, at, requestedQueryCost: cost.requestedQueryCost };
    this.costByOperation.set(operationName, cost.requestedQueryCost);
  }

  /** Points the bucket probably holds at `now`, or undefined before any report. */
  estimatedAvailable(now: number): number | undefined {
    if (!this.last) return undefined;
    const { maximumAvailable, currentlyAvailable, restoreRate } = this.last.status;
    const elapsedSeconds = Math.max(0, now - this.last.at) / 1_000;
    return Math.min(maximumAvailable, currentlyAvailable + restoreRate * elapsedSeconds);
  }

  /**
   * Milliseconds to wait before sending `operationName` at `now` so that the bucket
   * holds its expected cost plus `reserve` points (capped at the bucket size). The
   * expected cost is what this operation requested last time, else what the last
   * request of any operation requested. Zero when there is no report yet.
   */
  delayBeforeMs(operationName: string, now: number, reserve = 0): number {
    const available = this.estimatedAvailable(now);
    if (available === undefined || !this.last) return 0;
    const { maximumAvailable, restoreRate } = this.last.status;
    const expectedCost = this.costByOperation.get(operationName) ?? this.last.requestedQueryCost;
    const needed = Math.min(maximumAvailable, expectedCost + Math.max(0, reserve));
    if (available >= needed || restoreRate <= 0) return 0;
    return Math.ceil(((needed - available) / restoreRate) * 1_000);
  }
}
