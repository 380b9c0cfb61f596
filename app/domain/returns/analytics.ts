/**
 * What the Returns page charts: units returned per reason, and the return
 * rate per week — the share of the orders placed in a week (shop time zone,
 * weeks from Monday) that have a return so far. Recent weeks read low: their
 * returns are still to come. Pure: times in epoch ms.
 */
import type { ReturnReason } from "./policy";

const DAY = 86_400_000;

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The shop-local calendar date of an instant, as days since 1970-01-01 (throws RangeError naming an unknown zone). */
function localDay(at: number, timeZone: string): number {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      throw new RangeError(`"${timeZone}" is not an IANA time zone`);
    }
    dateFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / DAY;
}

/** The Monday (shop-local date, "2026-11-23") of the week `at` falls in. */
export function weekOf(at: number, timeZone: string): string {
  const day = localDay(at, timeZone);
  const weekday = (new Date(day * DAY).getUTCDay() + 6) % 7; // Monday 0
  return new Date((day - weekday) * DAY).toISOString().slice(0, 10);
}

/** The last `count` weeks up to the one `now` is in, oldest first. */
export function lastWeeks(now: number, timeZone: string, count: number): string[] {
  const current = Date.parse(`${weekOf(now, timeZone)}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * 7 * DAY).toISOString().slice(0, 10));
}

export interface WeekRate {
  week: string;
  orders: number;
  /** Orders of that week with at least one return. */
  returned: number;
  /** returned / orders, in percent with one decimal; null when no orders were placed. */
  ratePercent: number | null;
}

export function returnRates(input: { weeks: readonly string[]; timeZone: string; orders: readonly { orderId: string; placedAt: number }[]; returnedOrderIds: ReadonlySet<string> }): WeekRate[] {
  const rows = new Map(input.weeks.map((week) => [week, { week, orders: 0, returned: 0 }]));
  for (const order of input.orders) {
    const row = rows.get(weekOf(order.placedAt, input.timeZone));
    if (!row) continue;
    row.orders += 1;
    if (input.returnedOrderIds.has(order.orderId)) row.returned += 1;
  }
  return [...rows.values()].map((row) => ({ ...row, ratePercent: row.orders === 0 ? null : Math.round((row.returned * 1000) / row.orders) / 10 }));
}

export interface ReasonCount {
  reason: ReturnReason | string;
  units: number;
  returns: number;
}

/** Units and returns per reason, most units first (ties: reason name). */
export function reasonBreakdown(returns: readonly { lines: readonly { reason: string; quantity: number }[] }[]): ReasonCount[] {
  const byReason = new Map<string, ReasonCount>();
  for (const ret of returns) {
    const seen = new Set<string>();
    for (const line of ret.lines) {
      const row = byReason.get(line.reason) ?? { reason: line.reason, units: 0, returns: 0 };
      row.units += line.quantity;
      if (!seen.has(line.reason)) {
        row.returns += 1;
        seen.add(line.reason);
      }
      byReason.set(line.reason, row);
    }
  }
  return [...byReason.values()].sort((a, b) => b.units - a.units || a.reason.localeCompare(b.reason));
}

/** "SIZE_TOO_SMALL" → "size too small" */
export const reasonLabel = (reason: string): string => reason.toLowerCase().replace(/_/g, " ");
