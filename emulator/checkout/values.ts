/**
 * Small value helpers for the checkout simulator: money in integer minor units (Decimal
 * strings only at the edges), the shop's wall clock, and Shopify's `LocalTime` semantics.
 */
import { decimalString, zoneOffsetMinutes } from "../ids";

/** The GraphQL error for a field or behaviour the simulator does not reproduce. */
export const NOT_SIMULATED = "not simulated";

/** Cents → the Decimal a Function input carries for MoneyV2.amount ("59.98", "120.0"), as the emulator prints it. */
export function centsToDecimal(cents: number): string {
  return decimalString(cents);
}

/**
 * A Decimal string from a Function's output → integer minor units, rounded half away from
 * zero. Refuses anything that is not a plain decimal number (a number, "1e3", "12,50").
 */
export function decimalToCents(value: unknown): number {
  if (typeof value !== "string" || !/^-?\d+(\.\d+)?$/.test(value.trim())) {
    throw new Error(`not a Decimal string: ${JSON.stringify(value)}`);
  }
  const [whole = "0", fraction = ""] = value.trim().replace(/^-/, "").split(".");
  const digits = fraction.padEnd(3, "0");
  let cents = Number(whole) * 100 + Number(digits.slice(0, 2));
  if (Number(digits[2]) >= 5) cents += 1;
  return value.trim().startsWith("-") ? -cents : cents;
}

/** A Decimal string → a JS number (for percentages). Refuses what decimalToCents refuses. */
export function decimalNumber(value: unknown): number {
  if (typeof value !== "string" || !/^-?\d+(\.\d+)?$/.test(value.trim())) {
    throw new Error(`not a Decimal string: ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** `percentage`% of `cents`, rounded half up (to the cent). */
export function percentOfCents(cents: number, percentage: number): number {
  return Math.round((cents * percentage) / 100);
}

/** Cents converted at a presentment rate (Decimal string), rounded half up. */
export function convertCents(cents: number, rate: string): number {
  return Math.round(cents * Number(rate));
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
/** "$1,234.50" / "€12.00": what the shopper reads. */
export function formatMoney(cents: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    moneyFormats.set(currency, format);
  }
  return format.format(cents / 100);
}

/** The shop's wall time at instant `ms` ("2026-11-27T09:30:00"), for shop.localTime. */
export function shopWallTime(ms: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(ms, timeZone);
  return new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
}

/* ------------------------------------------------------------------ LocalTime */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** Why a LocalTime argument is refused (the message of the GraphQL error). */
export class LocalTimeArgumentError extends Error {}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function clock(hour: string, minute: string, second: string | undefined, fraction: string | undefined, what: string): string {
  const h = Number(hour);
  const m = Number(minute);
  const s = Number(second ?? "0");
  if (h > 23 || m > 59 || s > 59) throw new LocalTimeArgumentError(`${what} has no such time of day`);
  return `${hour}:${minute}:${second ?? "00"}.${(fraction ?? "").padEnd(9, "0")}`;
}

/**
 * A DateTimeWithoutTimezone ("2026-11-27T09:30:00", seconds and fraction optional) as a
 * fixed-width string that compares correctly with `<`.
 */
export function normalizeDateTime(value: unknown): string {
  const match = typeof value === "string" ? DATE_TIME.exec(value) : null;
  if (!match) throw new LocalTimeArgumentError(`${JSON.stringify(value)} is not a DateTimeWithoutTimezone like "2026-11-27T09:30:00"`);
  const [, y, mo, d, h, mi, s, f] = match as unknown as [string, string, string, string, string, string, string | undefined, string | undefined];
  const month = Number(mo);
  if (month < 1 || month > 12 || Number(d) < 1 || Number(d) > daysInMonth(Number(y), month)) {
    throw new LocalTimeArgumentError(`${JSON.stringify(value)} is not a calendar date`);
  }
  return `${y}-${mo}-${d}T${clock(h, mi, s, f, JSON.stringify(value))}`;
}

/** A TimeWithoutTimezone ("09:30:00", seconds and fraction optional), fixed width. */
export function normalizeTime(value: unknown): string {
  const match = typeof value === "string" ? TIME.exec(value) : null;
  if (!match) throw new LocalTimeArgumentError(`${JSON.stringify(value)} is not a TimeWithoutTimezone like "09:30:00"`);
  const [, h, mi, s, f] = match as unknown as [string, string, string, string | undefined, string | undefined];
  return clock(h, mi, s, f, JSON.stringify(value));
}

/**
 * Shopify's LocalTime for a shop whose wall clock reads `nowWall`. Semantics, from the
 * schema's descriptions:
 * - `date`: the shop-local date.
 * - `dateTimeAfter(x)`, `timeAfter(x)`: now is AT or past x (inclusive).
 * - `dateTimeBefore(x)`, `timeBefore(x)`: now is before x (exclusive). (The schema's text for
 *   `timeBefore` is a copy of `timeAfter`'s, "at or past"; we read the name, as every app does.)
 * - `dateTimeBetween(start, end)`, `timeBetween(start, end)`: after(start) AND before(end),
 *   i.e. start ≤ now < end; an empty interval (start = end) is false.
 * - `timeBetween` with start > end (a window across midnight) is undocumented: it answers
 *   "not simulated" rather than a guess. `dateTimeBetween` with start > end is simply false.
 */
export interface LocalTimeAnswers {
  date: string;
  dateTimeAfter(dateTime: unknown): boolean;
  dateTimeBefore(dateTime: unknown): boolean;
  dateTimeBetween(startDateTime: unknown, endDateTime: unknown): boolean;
  timeAfter(time: unknown): boolean;
  timeBefore(time: unknown): boolean;
  timeBetween(startTime: unknown, endTime: unknown): boolean;
}

export class LocalTimeNotSimulated extends Error {}

export function localTime(nowWall: string): LocalTimeAnswers {
  const now = normalizeDateTime(nowWall);
  const nowTime = now.slice(11);
  return {
    date: now.slice(0, 10),
    dateTimeAfter: (x) => now >= normalizeDateTime(x),
    dateTimeBefore: (x) => now < normalizeDateTime(x),
    dateTimeBetween: (start, end) => {
      const s = normalizeDateTime(start);
      const e = normalizeDateTime(end);
      return s <= now && now < e;
    },
    timeAfter: (x) => nowTime >= normalizeTime(x),
    timeBefore: (x) => nowTime < normalizeTime(x),
    timeBetween: (start, end) => {
      const s = normalizeTime(start);
      const e = normalizeTime(end);
      if (s > e) {
        throw new LocalTimeNotSimulated(
          `LocalTime.timeBetween with startTime ${String(start)} after endTime ${String(end)} (a window across midnight: Shopify does not document the answer)`,
        );
      }
      return s <= nowTime && nowTime < e;
    },
  };
}

/** A shop-local wall time ("2026-11-27T09:30:00") → epoch ms (the earlier instant in a repeated hour). */
export function wallToUtcMs(wall: string, timeZone: string): number {
  const guess = Date.parse(`${normalizeDateTime(wall).slice(0, 23)}Z`);
  const first = guess - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return guess - zoneOffsetMinutes(first, timeZone) * 60_000;
}
