/**
 * ADMIN SIDE ONLY — NOT FOR FUNCTIONS.
 *
 * Converts wall times in IANA zones to UTC and back with Intl.DateTimeFormat,
 * which needs the tz database: Node and browsers have it, the Javy/QuickJS
 * sandbox a Function runs in does not. evaluate.ts and parse.ts never import
 * this file; the admin uses it to compile windows before saving a set
 * (validatePromotionSet does), to build the clock for preview and replay
 * (clockAt), and to write the shop.localTime arguments a Function needs
 * (localTimeChecks).
 *
 * DST, decided (the same rule as Temporal's and java.time's "compatible"):
 * - a wall time that does not exist (spring forward, Europe/Berlin
 *   2026-03-29 02:30) moves FORWARD by the gap: 03:30 CEST = 01:30Z;
 * - a wall time that happens twice (fall back, Europe/Berlin 2026-10-25
 *   02:30) means the FIRST (earlier) one: 02:30 CEST = 00:30Z.
 * Both are reported as notes so the admin can show them; "earlier", "later"
 * and "reject" are available to callers that want another answer.
 */
import type { PromotionSet, ShopClock, TimeWindow } from "./types";
import { formatUtc, formatWall, parseClockTime, parseUtc, parseWallTime, wallSeconds } from "./util";

export type Disambiguation = "compatible" | "earlier" | "later" | "reject";

export type ZoneInfo = { ok: true; kind: "fixed"; offsetMinutes: number } | { ok: true; kind: "iana"; name: string } | { ok: false; message: string };

const FIXED = /^([+-])(\d{2}):(\d{2})$/;

/** "+02:00" / "-05:30" / "Z" / "UTC" are fixed offsets; anything else must be an IANA name Intl knows. */
export function parseZone(zone: string): ZoneInfo {
  if (zone === "Z" || zone === "UTC") return { ok: true, kind: "fixed", offsetMinutes: 0 };
  const fixed = FIXED.exec(zone);
  if (fixed) {
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3]);
    if (hours > 14 || minutes > 59) return { ok: false, message: `"${zone}" is not a UTC offset between -14:00 and +14:00` };
    return { ok: true, kind: "fixed", offsetMinutes: (fixed[1] === "-" ? -1 : 1) * (hours * 60 + minutes) };
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return { ok: false, message: `"${zone}" is neither an IANA time zone nor an offset like +02:00` };
  try {
    formatter(zone);
    return { ok: true, kind: "iana", name: zone };
  } catch {
    return { ok: false, message: `"${zone}" is not a time zone this system knows (expected an IANA name like Europe/Berlin, or an offset like +02:00)` };
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's UTC offset in minutes at an instant (epoch seconds). */
export function offsetMinutesAt(zone: string, epochSeconds: number): number {
  const info = parseZone(zone);
  if (!info.ok) throw new RangeError(`offsetMinutesAt: ${info.message}`);
  if (info.kind === "fixed") return info.offsetMinutes;
  const parts: Record<string, number> = {};
  for (const part of formatter(info.name).formatToParts(new Date(epochSeconds * 1000))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = wallSeconds({
    y: parts.year!, m: parts.month!, d: parts.day!,
    hh: parts.hour === 24 ? 0 : parts.hour!, mm: parts.minute!, ss: parts.second!,
  });
  return Math.round((wall - epochSeconds) / 60);
}

export type ZonedToUtc =
  | { ok: true; epochSeconds: number; utc: string; kind: "exact" | "gap" | "overlap"; note?: string }
  | { ok: false; message: string };

/** A wall time ("2026-11-27T18:00[:00]") in `zone` → the UTC instant, with DST gaps and overlaps resolved as documented above. */
export function zonedToUtc(wall: string, zone: string, disambiguation: Disambiguation = "compatible"): ZonedToUtc {
  const w = parseWallTime(wall);
  if (!w || !wall.includes("T")) return { ok: false, message: `"${wall}" is not a date-time like 2026-11-27T18:00` };
  const info = parseZone(zone);
  if (!info.ok) return { ok: false, message: info.message };
  const local = wallSeconds(w);
  const done = (epochSeconds: number, kind: "exact" | "gap" | "overlap", note?: string): ZonedToUtc =>
    ({ ok: true, epochSeconds, utc: formatUtc(epochSeconds), kind, ...(note ? { note } : {}) });
  if (info.kind === "fixed") return done(local - info.offsetMinutes * 60, "exact");

  // The offsets a day either side bracket any single transition near `local`.
  const before = offsetMinutesAt(zone, local - 86400);
  const after = offsetMinutesAt(zone, local + 86400);
  const candidates = [...new Set([local - before * 60, local - after * 60])]
    .filter((t) => offsetMinutesAt(zone, t) * 60 === local - t)
    .sort((a, b) => a - b);

  if (candidates.length === 1) return done(candidates[0]!, "exact");
  if (candidates.length === 2) {
    const [first, second] = candidates as [number, number];
    if (disambiguation === "reject") return { ok: false, message: `${wall} happens twice in ${zone} (clocks go back); give a UTC offset instead` };
    const pick = disambiguation === "later" ? second : first;
    const which = pick === first ? "first" : "second";
    return done(pick, "overlap", `${wall} happens twice in ${zone} (clocks go back); using the ${which}, ${formatUtc(pick)}`);
  }
  // No candidate: the wall time falls in a gap.
  if (disambiguation === "reject") return { ok: false, message: `${wall} does not exist in ${zone} (clocks go forward)` };
  const pick = disambiguation === "earlier" ? local - after * 60 : local - before * 60;
  const shown = formatWall(pick + offsetMinutesAt(zone, pick) * 60);
  return done(pick, "gap", `${wall} does not exist in ${zone} (clocks go forward); using ${shown} local, ${formatUtc(pick)}`);
}

/** A UTC instant → the wall time in `zone` and the offset there. */
export function utcToZoned(instant: string | number, zone: string): { wall: string; offsetMinutes: number } {
  const seconds = typeof instant === "number" ? instant : parseUtc(instant);
  if (seconds === null) throw new RangeError(`utcToZoned: "${String(instant)}" is not a UTC instant like 2026-11-26T23:00:00Z`);
  const offsetMinutes = offsetMinutesAt(zone, seconds);
  return { wall: formatWall(seconds + offsetMinutes * 60), offsetMinutes };
}

/** The clock evaluate() takes for an instant (an order's processed_at, "now" in a preview), in the shop's zone. */
export function clockAt(instantUtc: string | number, shopZone: string): Extract<ShopClock, { shopLocal: string }> {
  const { wall, offsetMinutes } = utcToZoned(instantUtc, shopZone);
  return { shopLocal: wall, utcOffsetMinutes: offsetMinutes };
}

export type CompiledWindow =
  | { ok: true; window: TimeWindow; notes: string[] }
  | { ok: false; errors: { field: "start" | "end" | "zone"; message: string }[] };

/** Authoring form → TimeWindow with startUtc/endUtc. End must be after start. */
export function compileTimeWindow(input: { start: string; end: string; zone: string }): CompiledWindow {
  const errors: { field: "start" | "end" | "zone"; message: string }[] = [];
  const zone = parseZone(input.zone);
  if (!zone.ok) errors.push({ field: "zone", message: zone.message });
  const start = zone.ok ? zonedToUtc(input.start, input.zone) : null;
  const end = zone.ok ? zonedToUtc(input.end, input.zone) : null;
  if (start && !start.ok) errors.push({ field: "start", message: start.message });
  if (end && !end.ok) errors.push({ field: "end", message: end.message });
  if (!start?.ok || !end?.ok || errors.length > 0) return { ok: false, errors };
  if (end.epochSeconds <= start.epochSeconds) {
    return { ok: false, errors: [{ field: "end", message: `must be after start (${input.start}), got ${input.end}` }] };
  }
  const notes = [start.note && `start: ${start.note}`, end.note && `end: ${end.note}`].filter((n): n is string => Boolean(n));
  return {
    ok: true,
    window: { start: input.start, end: input.end, zone: input.zone, startUtc: start.utc, endUtc: end.utc },
    notes,
  };
}

export interface LocalTimeCheck {
  promotionId: string;
  /** Arguments for shop.localTime.dateTimeBetween (shop-local, DateTimeWithoutTimezone). */
  dateTimeBetween?: { startDateTime: string; endDateTime: string };
  /** Arguments for shop.localTime.timeBetween (TimeWithoutTimezone); "24:00" becomes "23:59:59". */
  timeBetween?: { startTime: string; endTime: string };
}

/**
 * What a Function must ask shop.localTime for each enabled promotion with a
 * window; it passes evaluate() `now: { shopDate, windowsOpen: { [id]: all
 * answers true } }`. The one-off window is converted to the shop's zone here,
 * at write time: rewrite these when the shop changes its time zone. (In the
 * hour a fall-back repeats, a shop-local bound is ambiguous; Shopify decides.)
 */
export function localTimeChecks(set: PromotionSet, shopZone: string): LocalTimeCheck[] {
  const checks: LocalTimeCheck[] = [];
  for (const p of set.promotions) {
    const { timeWindow, recurring } = p.conditions;
    if (!p.enabled || (!timeWindow && !recurring)) continue;
    const check: LocalTimeCheck = { promotionId: p.id };
    if (timeWindow) {
      check.dateTimeBetween = {
        startDateTime: utcToZoned(timeWindow.startUtc, shopZone).wall,
        endDateTime: utcToZoned(timeWindow.endUtc, shopZone).wall,
      };
    }
    if (recurring) {
      const to = parseClockTime(recurring.to, true) === 1440 ? "23:59:59" : `${recurring.to}:00`;
      check.timeBetween = { startTime: `${recurring.from}:00`, endTime: to };
    }
    checks.push(check);
  }
  return checks;
}
