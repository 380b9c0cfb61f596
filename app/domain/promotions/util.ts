/**
 * Small pure helpers shared by evaluate.ts, parse.ts and the admin side.
 * Safe inside a Function: no Intl, no Date.now(), no Node.
 */
import { currencyExponent, toDecimalString } from "../money";
import type { LineFilter, Promotion, Weekday } from "./types";
import { WEEKDAYS } from "./types";

/** Code-unit order: the same on every engine (no localeCompare, which needs ICU). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Evaluation order: priority ascending (lower first), then id. */
export function byPriorityThenId(a: Pick<Promotion, "priority" | "id">, b: Pick<Promotion, "priority" | "id">): number {
  return a.priority - b.priority || compareStrings(a.id, b.id);
}

/** Mutual rule: a and b stack only if each lists the other (or "*"). */
export function allows(a: Promotion, b: Promotion): boolean {
  return a.stacksWith.includes("*") || a.stacksWith.includes(b.id);
}
export function stacks(a: Promotion, b: Promotion): boolean {
  return allows(a, b) && allows(b, a);
}

import { globMatch } from "../glob";

export { globMatch };

/**
 * A lower-cased SKU pattern split at its `*`s, so the common shapes
 * ("sku_giftcard_*", "*-sample", "*gift*") are tested with native
 * startsWith/endsWith/indexOf; a pattern with `?` uses globMatch.
 */
export interface SkuPattern {
  glob: string;
  parts: string[] | null;
}

export function compileSkuPattern(pattern: string): SkuPattern {
  const glob = pattern.toLowerCase();
  return { glob, parts: glob.indexOf("?") === -1 ? glob.split("*") : null };
}

export function skuPatternMatches(p: SkuPattern, sku: string): boolean {
  const parts = p.parts;
  if (parts === null) return globMatch(p.glob, sku);
  if (parts.length === 1) return sku === parts[0];
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (sku.length < first.length + last.length || !sku.startsWith(first) || !sku.endsWith(last)) return false;
  let at = first.length;
  const end = sku.length - last.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const part = parts[k]!;
    if (part === "") continue;
    const found = sku.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Case-insensitive SKU pattern test. */
export function skuMatches(pattern: string, sku: string): boolean {
  return skuPatternMatches(compileSkuPattern(pattern), sku.toLowerCase());
}

export function filterIsEmpty(filter: LineFilter | undefined): boolean {
  return !filter || ((filter.anyOfProducts?.length ?? 0) === 0 && (filter.anyOfCollections?.length ?? 0) === 0);
}

export function matchesFilter(
  filter: LineFilter,
  productId: string | undefined,
  collectionIds: readonly string[] | undefined,
): boolean {
  const products = filter.anyOfProducts;
  if (productId !== undefined && products !== undefined) {
    for (let i = 0; i < products.length; i++) if (products[i] === productId) return true;
  }
  const wanted = filter.anyOfCollections;
  if (wanted !== undefined && collectionIds !== undefined) {
    for (let i = 0; i < collectionIds.length; i++) {
      const c = collectionIds[i];
      for (let k = 0; k < wanted.length; k++) if (wanted[k] === c) return true;
    }
  }
  return false;
}

/* ------------------------------------------------------------- numbers --- */

/** Percent (≤ 2 decimals) as integer basis points: 12.5 → 1250. */
export function basisPoints(percent: number): number {
  return Math.round(percent * 100);
}

/** round-half-up(amount × bp / 10000), exact in integers. */
export function percentOfRounded(amount: number, bp: number): number {
  return Math.floor((amount * bp * 2 + 10000) / 20000);
}

/** floor(amount × bp / 10000). */
export function percentOfFloor(amount: number, bp: number): number {
  return Math.floor((amount * bp) / 10000);
}

/** ceil(amount × bp / 10000). */
export function percentOfCeil(amount: number, bp: number): number {
  return Math.floor((amount * bp + 9999) / 10000);
}

/* --------------------------------------------------------------- money --- */

const SYMBOLS: Record<string, string> = {
  USD: "$", CAD: "CA$", AUD: "A$", NZD: "NZ$", EUR: "€", GBP: "£", JPY: "¥", INR: "₹", CHF: "CHF ",
};

/** 4210 USD → "$42.10"; 1041200 EUR → "€10,412.00"; unknown currencies → "12.00 SEK". No Intl. */
export function formatMoney(minor: number, currencyCode: string): string {
  const text = toDecimalString(minor, currencyCode);
  const negative = text.startsWith("-");
  const unsigned = negative ? text.slice(1) : text;
  const [whole = "0", fraction] = unsigned.split(".");
  const grouped = groupThousands(whole);
  const number = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  const symbol = SYMBOLS[currencyCode.toUpperCase()];
  const body = symbol ? `${symbol}${number}` : `${number} ${currencyCode.toUpperCase()}`;
  return negative ? `-${body}` : body;
}

export function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}

/** "32" / "12.5" / "33.33": a percent for a message, at most 2 decimals, no trailing zeros. */
export function formatPercent(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * Shop-currency minor units → presentment minor units, rounded half up.
 * 5000 USD cents at rate 150 into JPY → 7500.
 */
export function toPresentment(shopMinor: number, shopCurrency: string, presentmentCurrency: string, rate: number): number {
  if (rate === 1 && shopCurrency === presentmentCurrency) return shopMinor;
  const shift = currencyExponent(presentmentCurrency) - currencyExponent(shopCurrency);
  return Math.round(shopMinor * rate * 10 ** shift);
}

/* ----------------------------------------------------------- calendar --- */
// Civil-date arithmetic (Howard Hinnant's days_from_civil), so no Date or Intl is needed.

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

export interface WallTime {
  y: number; m: number; d: number; hh: number; mm: number; ss: number;
}

/** "2026-11-27T18:30[:00]" or "2026-11-27" → fields, or null when it is not a real date/time. */
export function parseWallTime(text: string): WallTime | null {
  const match = LOCAL.exec(text);
  if (!match) return null;
  const [y, m, d, hh, mm, ss] = match.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59) return null;
  const back = civilFromDays(daysFromCivil(y, m, d));
  if (back.m !== m || back.d !== d) return null;
  return { y, m, d, hh, mm, ss };
}

/** Seconds since the epoch, reading the wall time as if it were UTC. */
export function wallSeconds(w: WallTime): number {
  return daysFromCivil(w.y, w.m, w.d) * 86400 + w.hh * 3600 + w.mm * 60 + w.ss;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Epoch seconds → "2026-11-26T23:00:00Z". */
export function formatUtc(seconds: number): string {
  return `${formatWall(seconds)}Z`;
}

/** Epoch seconds read as a wall time → "2026-11-26T23:00:00". */
export function formatWall(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const { y, m, d } = civilFromDays(days);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}

/** "2026-11-26T23:00:00Z" → epoch seconds, or null. */
export function parseUtc(text: string): number | null {
  const match = UTC.exec(text);
  if (!match) return null;
  const wall = parseWallTime(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`);
  return wall ? wallSeconds(wall) : null;
}

/** Weekday of a civil date. 1970-01-01 was a Thursday. */
export function weekdayOf(w: Pick<WallTime, "y" | "m" | "d">): Weekday {
  const days = daysFromCivil(w.y, w.m, w.d);
  const index = (((days + 3) % 7) + 7) % 7; // 0 = Monday
  return WEEKDAYS[index]!;
}

/** "HH:MM" → minutes after midnight (24:00 → 1440), or null. */
export function parseClockTime(text: string, allowEndOfDay: boolean): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hh = Number(match[1]);
  const mm = Number(match[2]);
  if (allowEndOfDay && hh === 24 && mm === 0) return 1440;
  if (hh > 23 || mm > 59) return null;
  return hh * 60 + mm;
}
