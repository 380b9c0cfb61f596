/**
 * The ATP metafield: what the app publishes per variant so that Shopify Functions
 * (checkout validation, order routing) can see available-to-promise stock, which their
 * input does not carry. One definition for both issues (inventory writes it, validation
 * reads it); this file is the contract.
 *
 * WHERE   ProductVariant metafield, app-owned: namespace "$app:peakguard", key "atp", type json.
 *         A function reads it with
 *           merchandise { ... on ProductVariant { metafield(namespace: "$app:peakguard", key: "atp") { jsonValue } } }
 *         (order routing does). Checkout validation reads the validation's own copy of the
 *         figures its rules govern instead (CHECKOUT_ATP_METAFIELD, at the end of this file).
 *
 * VALUE   {"v":1,"asOf":1795791845,"total":12,"byLocation":{"70100000001":7,"70100000002":5}}
 *   v           1. A reader refuses any other version (null = no figure).
 *   asOf        when the app last confirmed the figure against Shopify, in UTC epoch
 *               SECONDS (an integer). Not an ISO string, on purpose: a Function has no
 *               clock, no Date worth using and no Intl, and each JS operation costs
 *               hundreds of Wasm instructions, so the function compares integers
 *               (app/domain/validation/clock.ts) and never parses a date. The admin shows
 *               it with formatUtc(). Confirming means: a reconcile that finds the same
 *               quantities still writes a new asOf. A figure not confirmed within a rule's
 *               staleness budget is stale.
 *   total       ATP summed over the locations that sell online: an integer ≥ 0. The app
 *               never publishes a negative figure (oversold = 0).
 *   byLocation  optional: location key → ATP (integer ≥ 0). The key is the location's
 *               numeric id (what app/domain/inventory/publish.ts writes; a function maps its
 *               input's location GIDs to it). Omit it when nothing reads it (a
 *               single-location shop): it is paid for on every cart line that carries it.
 *
 * SIZE    A function may read a metafield of at most 10,000 bytes, and every byte of input
 *         costs about 230 Wasm instructions in a JS function (input JSON.parse), on every
 *         cart line of that variant. {"v":1,"asOf":1795791845,"total":12} is 36 bytes;
 *         keep byLocation to the locations a function needs. serializeAtp() refuses
 *         values over 1,000 bytes.
 *
 * READERS AND WRITERS
 *   readAtp(json)          lenient, for functions: never throws; null when unusable.
 *   serializeAtp(figure)   strict, for the app: every problem named, canonical output.
 *   validateAtpValue(json) strict check of a stored value (what serializeAtp would refuse).
 *   atpAsOf(epochMs)       asOf for "confirmed now" (Date.now() on the app side).
 *   formatUtc / parseUtc   epoch seconds ↔ "YYYY-MM-DDTHH:MM:SSZ", pure (admin display, rule windows).
 */
import { readMetafieldJson, UNPARSABLE } from "../json";

export const ATP_METAFIELD = { namespace: "$app:peakguard", key: "atp", type: "json" } as const;
export const ATP_FORMAT_VERSION = 1;
/** serializeAtp refuses values larger than this (Shopify's function limit is 10,000). */
export const ATP_MAX_BYTES = 1_000;
/** Location keys: numeric location ids (lowercase letters and hyphens are accepted too). */
const LOCATION_KEY = /^[a-z0-9][a-z0-9-]{0,99}$/;

export interface AtpFigure {
  /** UTC epoch seconds. */
  asOf: number;
  total: number;
  byLocation?: Record<string, number>;
}

/** What a function gets from readAtp: asOf is null when it is not an integer (the figure is then stale). */
export interface AtpReading {
  asOf: number | null;
  total: number;
  /** The raw byLocation object, when there is one: read an entry with atpAt(). */
  byLocation: Record<string, unknown> | null;
}

/* ------------------------------------------------------------- instants --- */

const DIGIT0 = 48;

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - DIGIT0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Seconds since the epoch of a wall time "YYYY-MM-DDTHH:MM[:SS[.fff]]" read as if it were UTC,
 * and the rest of the string after it; null when it is not one.
 */
export function wallSeconds(s: string): { seconds: number; rest: string } | null {
  if (s.length < 16 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59) return null;
  let at = 16;
  let sec = 0;
  if (s.charCodeAt(at) === 58) {
    sec = digits(s, at + 1, 2);
    if (sec < 0 || sec > 59) return null;
    at += 3;
    if (s.charCodeAt(at) === 46) {
      at++;
      const start = at;
      while (at < s.length && s.charCodeAt(at) >= DIGIT0 && s.charCodeAt(at) <= DIGIT0 + 9) at++;
      if (at === start) return null;
    }
  }
  return { seconds: daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec, rest: s.slice(at) };
}

/**
 * An ISO 8601 instant with a zone ("…Z", "…+02:00", "…-0500") → epoch seconds (fraction
 * dropped); null when it is not one. No Date, no Intl: the same answer in QuickJS.
 */
export function parseUtc(s: unknown): number | null {
  if (typeof s !== "string") return null;
  const wall = wallSeconds(s);
  if (!wall) return null;
  const { rest } = wall;
  if (rest === "Z") return wall.seconds;
  const sign = rest.charCodeAt(0) === 43 ? 1 : rest.charCodeAt(0) === 45 ? -1 : 0;
  if (sign === 0) return null;
  const colon = rest.length === 6 && rest.charCodeAt(3) === 58;
  if (!colon && rest.length !== 5) return null;
  const oh = digits(rest, 1, 2);
  const om = digits(rest, colon ? 4 : 3, 2);
  if (oh < 0 || oh > 14 || om < 0 || om > 59) return null;
  return wall.seconds - sign * (oh * 3600 + om * 60);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Epoch seconds → canonical "YYYY-MM-DDTHH:MM:SSZ". */
export function formatUtc(epochSeconds: number): string {
  return `${formatWall(epochSeconds)}Z`;
}

/** Epoch seconds read as a wall time → "YYYY-MM-DDTHH:MM:SS" (no zone). */
export function formatWall(seconds: number): string {
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const rem = s - days * 86400;
  const [y, m, d] = civilFromDays(days);
  const hh = Math.floor(rem / 3600);
  const mm = Math.floor((rem % 3600) / 60);
  const ss = rem % 60;
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(d)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}`;
}

/** asOf for a figure confirmed at `epochMs` (Date.now() on the app side). */
export function atpAsOf(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}

/* --------------------------------------------------------------- reader --- */

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

/**
 * The function's reader. Takes the metafield's jsonValue (or its value string). Never throws.
 * null — no usable figure: not an object, another version, total missing or not an integer.
 * A negative total reads as 0 (oversold). An asOf that is not an integer reads as null,
 * which every staleness check treats as stale. Kept to a handful of operations: it runs
 * once per governed cart line inside the function.
 */
export function readAtp(json: unknown): AtpReading | null {
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return null;
  const raw = value as { v?: unknown; asOf?: unknown; total?: unknown; byLocation?: unknown } | null;
  if (!raw || typeof raw !== "object" || raw.v !== ATP_FORMAT_VERSION) return null;
  // `n % 1 === 0` rather than Number.isSafeInteger: a builtin call costs the function more (NaN and ±Infinity fail both).
  const total = raw.total;
  if (typeof total !== "number" || total % 1 !== 0) return null;
  const asOf = raw.asOf;
  const loc = raw.byLocation;
  return {
    asOf: typeof asOf === "number" && asOf % 1 === 0 ? asOf : null,
    total: total < 0 ? 0 : total,
    byLocation: loc && typeof loc === "object" ? (loc as Record<string, unknown>) : null,
  };
}

/** One location's figure from a reading: null when the location is not there or its entry is not an integer; negative reads as 0. */
export function atpAt(reading: AtpReading, location: string): number | null {
  const n = reading.byLocation ? reading.byLocation[location] : undefined;
  return isCount(n) ? (n < 0 ? 0 : n) : null;
}

/* --------------------------------------------------------------- writer --- */

export interface AtpProblem {
  /** "asOf", "total", "byLocation.70100000001", "" for the whole value. */
  path: string;
  message: string;
}

export type SerializedAtp = { ok: true; value: string; bytes: number } | { ok: false; problems: AtpProblem[] };

function checkFigure(figure: { asOf?: unknown; total?: unknown; byLocation?: unknown }): AtpProblem[] {
  const problems: AtpProblem[] = [];
  if (!isCount(figure.asOf) || figure.asOf < 946684800 || figure.asOf > 4102444800) {
    problems.push({ path: "asOf", message: `must be UTC epoch seconds between 2000 and 2100 (use atpAsOf(Date.now())), got ${JSON.stringify(figure.asOf)}` });
  }
  if (!isCount(figure.total) || figure.total < 0) {
    problems.push({ path: "total", message: `must be an integer ≥ 0, got ${JSON.stringify(figure.total)}` });
  }
  if (figure.byLocation !== undefined) {
    const loc = figure.byLocation;
    if (typeof loc !== "object" || loc === null || Array.isArray(loc)) {
      problems.push({ path: "byLocation", message: "must be an object of location key → integer" });
    } else {
      for (const [handle, n] of Object.entries(loc)) {
        if (!LOCATION_KEY.test(handle)) problems.push({ path: `byLocation.${handle}`, message: `"${handle}" is not a location key (a numeric location id)` });
        if (!isCount(n) || n < 0) problems.push({ path: `byLocation.${handle}`, message: `must be an integer ≥ 0, got ${JSON.stringify(n)}` });
      }
    }
  }
  return problems;
}

/**
 * The metafield value for a figure, or every problem with it. Output is canonical: keys in
 * the order v, asOf, total, byLocation; locations sorted; no whitespace.
 */
export function serializeAtp(figure: AtpFigure): SerializedAtp {
  const problems = checkFigure(figure);
  if (problems.length > 0) return { ok: false, problems };
  const out: Record<string, unknown> = { v: ATP_FORMAT_VERSION, asOf: figure.asOf, total: figure.total };
  if (figure.byLocation) {
    const sorted: Record<string, number> = {};
    for (const key of Object.keys(figure.byLocation).sort()) sorted[key] = figure.byLocation[key]!;
    out.byLocation = sorted;
  }
  const value = JSON.stringify(out);
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > ATP_MAX_BYTES) {
    return { ok: false, problems: [{ path: "", message: `${bytes} bytes, over ${ATP_MAX_BYTES}: publish fewer locations` }] };
  }
  return { ok: true, value, bytes };
}

/** Strict check of a stored value (a string or parsed JSON): [] when serializeAtp would write it as is. */
export function validateAtpValue(json: unknown): AtpProblem[] {
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return [{ path: "", message: "is not JSON" }];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [{ path: "", message: "must be a JSON object" }];
  const raw = value as Record<string, unknown>;
  const problems: AtpProblem[] = [];
  if (raw.v !== ATP_FORMAT_VERSION) problems.push({ path: "v", message: `must be ${ATP_FORMAT_VERSION}, got ${JSON.stringify(raw.v)}` });
  for (const key of Object.keys(raw)) {
    if (!["v", "asOf", "total", "byLocation"].includes(key)) problems.push({ path: key, message: "is not part of the format" });
  }
  return [...problems, ...checkFigure(raw)];
}

/* ------------------------------------------- the checkout validation's copy --- */

/**
 * The checkout validation's own copy of the figures its ATP rules need (issue 5): a json
 * metafield on the Validation (the function owner), not on the variants. Reading the
 * per-variant metafield above on every cart line made every line of a checkout ~45 bytes
 * longer (~3,200 Wasm instructions a line even when null, ~18,000 with a figure): this copy
 * puts the few SKUs a drop governs in one small value the function reads once.
 *
 * WHERE   Validation metafield, app-owned: namespace "$app:peakguard", key "atp_checkout",
 *         type json; the function reads `validation { stock: metafield(…) { jsonValue } }`.
 *
 * VALUE   {"v":1,"t":{"HD-BLK-M":121795791845},"l":{"70100000001":{"HD-BLK-M":71795791845}}}
 *   t      SKU → total × 10^10 + asOf: the same total and asOf as the variant's figure (the
 *          sum over online locations; asOf its oldest confirmation, UTC epoch seconds, below
 *          10^10 until the year 2286). One JSON number per SKU: the cheapest entry to parse,
 *          and read back with two arithmetic operators (`% 1e10`, `/ 1e10`) — no string
 *          call, each of which costs the function thousands of Wasm instructions. 12 units
 *          confirmed at 1795791845 is 121795791845. Totals are capped at CHECKOUT_ATP_MAX_TOTAL
 *          (an exact integer in a double); no order reaches that many units.
 *   l      optional: location key → (SKU → n × 10^10 + asOf), only for locations an ATP
 *          rule names.
 *   over   optional: true when the figures the rules govern did not fit in
 *          CHECKOUT_ATP_MAX_BYTES. Then no figure is carried and every ATP rule is
 *          unreadable at checkout (the rule set's failure mode decides): a rule is never
 *          silently loosened.
 * A SKU without an entry has no figure (stale for a rule that names it).
 */
export const CHECKOUT_ATP_METAFIELD = { namespace: "$app:peakguard", key: "atp_checkout", type: "json" } as const;
/** Under Shopify's 10,000 bytes per metafield a function reads; every byte costs the function ~230 instructions per run. */
export const CHECKOUT_ATP_MAX_BYTES = 9_000;
/** total × 10^10 + asOf stays an exact integer (≤ 2^53) up to this total. */
export const CHECKOUT_ATP_MAX_TOTAL = 900_000;
/** entry = total × CHECKOUT_ATP_ASOF_SPAN + asOf. */
export const CHECKOUT_ATP_ASOF_SPAN = 1e10;
const ASOF_SPAN = CHECKOUT_ATP_ASOF_SPAN;

export interface CheckoutAtpValue {
  v: 1;
  t: Record<string, number>;
  l?: Record<string, Record<string, number>>;
  over?: true;
}

/** One entry: total × 10^10 + asOf (total clamped to [0, CHECKOUT_ATP_MAX_TOTAL], as the variant's figure never carries a negative). */
export function compactFigure(total: number, asOf: number): number {
  const t = total < 0 ? 0 : total > CHECKOUT_ATP_MAX_TOTAL ? CHECKOUT_ATP_MAX_TOTAL : total;
  return t * ASOF_SPAN + asOf;
}

/**
 * The function's reader of one entry. Never throws. null: no usable figure (not a
 * non-negative integer). asOf null when it is 0 (no confirmation time: stale).
 */
export function readCompactFigure(entry: unknown): { total: number; asOf: number | null } | null {
  if (typeof entry !== "number" || entry % 1 !== 0 || entry < 0 || entry > Number.MAX_SAFE_INTEGER) return null;
  const asOf = entry % ASOF_SPAN;
  return { total: (entry - asOf) / ASOF_SPAN, asOf: asOf > 0 ? asOf : null };
}

/**
 * The app's writer: the value for these figures (SKUs sorted, canonical), or `over` when it
 * would not fit. `locations` are the location keys ATP rules name.
 */
export function serializeCheckoutAtp(
  figures: readonly { sku: string; asOf: number; total: number; byLocation?: Record<string, number> | null }[],
  locations: readonly string[] = [],
  maxBytes = CHECKOUT_ATP_MAX_BYTES,
): { value: string; bytes: number; over: boolean; skus: number } {
  const sorted = [...figures].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const t: Record<string, number> = {};
  for (const f of sorted) if (!(f.sku in t)) t[f.sku] = compactFigure(f.total, f.asOf);
  const out: CheckoutAtpValue = { v: 1, t };
  if (locations.length > 0) {
    const l: Record<string, Record<string, number>> = {};
    for (const loc of [...new Set(locations)].sort()) {
      const at: Record<string, number> = {};
      for (const f of sorted) {
        const n = f.byLocation ? f.byLocation[loc] : undefined;
        if (typeof n === "number" && !(f.sku in at)) at[f.sku] = compactFigure(n, f.asOf);
      }
      l[loc] = at;
    }
    out.l = l;
  }
  const value = JSON.stringify(out);
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > maxBytes) {
    const over = JSON.stringify({ v: 1, t: {}, over: true });
    return { value: over, bytes: over.length, over: true, skus: Object.keys(t).length };
  }
  return { value, bytes, over: false, skus: Object.keys(t).length };
}
