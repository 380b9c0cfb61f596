/**
 * Small value helpers shared by the emulator: Shopify global ids, timestamps,
 * Decimal strings and a seeded PRNG. Pure functions, no I/O.
 */

/** `gid://shopify/Product/123` for ("Product", 123). */
export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

export interface ParsedGid {
  type: string;
  id: number;
  /** Query-string parameters of the gid, e.g. `inventory_item_id` on an InventoryLevel id. */
  params: Record<string, string>;
}

/**
 * Parses `gid://shopify/<Type>/<numeric id>[?k=v&...]`. Returns null for anything
 * else (a non-Shopify gid, a non-numeric id, a plain number).
 */
export function parseGid(value: unknown): ParsedGid | null {
  if (typeof value !== "string") return null;
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/.exec(value);
  if (!match) return null;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id)) return null;
  const params: Record<string, string> = {};
  if (match[3]) {
    for (const pair of match[3].split("&")) {
      const [key, raw] = pair.split("=");
      if (key) params[key] = decodeURIComponent(raw ?? "");
    }
  }
  return { type: match[1] as string, id, params };
}

/** The numeric id of a gid of the expected type, or null. */
export function idOf(value: unknown, type: string): number | null {
  const parsed = parseGid(value);
  return parsed && parsed.type === type ? parsed.id : null;
}

/**
 * Shopify's DateTime scalar: ISO-8601 in UTC, second precision, `Z` suffix
 * (e.g. `2026-11-27T09:15:00Z`).
 */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * A timestamp as REST payloads (webhooks) print it: local time of the shop's
 * time zone with its offset, e.g. `2026-11-27T04:15:00-05:00`.
 */
export function restTime(ms: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(ms, timeZone);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${local}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
/** Offsets by zone and UTC quarter hour: today's zones change offset only on quarter hours. */
const QUARTER_HOUR = 15 * 60_000;
const zoneOffsets = new Map<string, number>();

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (e.g. -300 for New York in winter). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const key = `${timeZone} ${Math.floor(ms / QUARTER_HOUR)}`;
  const known = zoneOffsets.get(key);
  if (known !== undefined) return known;
  if (zoneOffsets.size >= 10_000) zoneOffsets.clear();
  const offset = computeZoneOffset(ms, timeZone);
  zoneOffsets.set(key, offset);
  return offset;
}

function computeZoneOffset(ms: number, timeZone: string): number {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    zoneFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? "0");
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** Midnight of calendar day `yyyy-mm-dd` in `timeZone`, as epoch ms. */
export function zonedMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle DST edges: the offset at the guess, then at the corrected instant.
  const first = guess - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return guess - zoneOffsetMinutes(first, timeZone) * 60_000;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * Parses a Decimal string ("19.99", "5", "-0.5") into integer cents. Throws on
 * anything that is not a plain decimal with at most two fraction digits: the
 * emulator's money is in a two-decimal currency.
 */
export function toCents(value: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new Error(`Not a two-decimal amount: "${value}"`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -cents : cents;
}

/** Cents as the Admin GraphQL `Money` scalar prints a price: two decimals ("19.90"). */
export function moneyString(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${pad2(abs % 100)}`;
}

/**
 * Cents as the Admin GraphQL `Decimal` scalar prints an amount (MoneyV2.amount):
 * trailing zeros dropped but one fraction digit kept ("19.9", "20.0").
 */
export function decimalString(cents: number): string {
  const two = moneyString(cents);
  return two.endsWith("0") ? two.slice(0, -1) : two;
}

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4-shaped UUID drawn from `random` (deterministic when `random` is seeded). */
export function uuidFrom(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON.stringify with object keys sorted, for hashing request parameters. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
