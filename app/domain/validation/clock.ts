/**
 * "Now" for checkout rules.
 *
 * A Function has no clock: its only notion of time is shop.localTime, whose
 * dateTimeAfter(dateTime:) answers "is it at or past this shop-local wall time?" for
 * arguments fixed in the input query. We make those arguments variables ($t0..$t11) that
 * the app writes to the Validation's "clock" metafield ([extensions.input.variables] in the
 * extension's toml), and write alongside it a "ticks" metafield the function reads, saying
 * which instant each slot holds:
 *
 *   clock (variables)  {"t0":"2026-11-27T09:55:00","t1":"2026-11-27T10:00:00", …, "t11":"…"}
 *   ticks              {"v":1,"slots":[["2026-11-27T09:55:00",1795791300],
 *                                      ["2026-11-27T10:00:00",null], …]}
 *
 * Slot i holds a shop-local wall time and, when it has one, the instant it is in UTC epoch
 * seconds (null for a time gate whose wall time the zone repeats or skips). Two kinds of slot:
 *   - gates: every time gate's opensAt / closesAt, verbatim: Shopify compares them exactly.
 *   - ticks: instants a step apart from just before "now" on, written by the app's clock
 *     heartbeat (app/services/validation/clock.server.ts) and again on every save.
 * From the answers the function knows now ∈ [L, U): L the latest slot answered true, U the
 * earliest answered false. A figure published at asOf with budget B is
 *   fresh  when asOf + B ≥ U   (now < U ≤ asOf + B),
 *   stale  when asOf + B ≤ L   (now ≥ L ≥ asOf + B),
 *   unknown otherwise, which the rules treat as stale: a figure can be judged stale up to
 *   one tick early, never fresh too late.
 * If the app stops refreshing, every tick is soon in the past, U is unknown, and every
 * figure is stale: the merchant's whenStale choice decides — a dead man's switch.
 *
 * Why UTC epoch seconds in ticks: ATP's asOf is UTC epoch seconds
 * (app/domain/inventory/atp-metafield.ts); comparing integers is exact across DST and costs
 * the function no date parsing (each JS operation is hundreds of Wasm instructions). The wall time given to Shopify is the UTC
 * instant converted to the shop's zone by the app (Intl; clock-admin.ts). DST edge: in the
 * hour the clocks go back, a wall time names two instants and we cannot know which one
 * Shopify compares against, so the app writes no tick inside that hour; for that hour U is
 * the first tick after it, so figures look stale for up to an hour (fail open or closed as
 * chosen), never fresh by mistake. When clocks go forward no wall time is ambiguous.
 *
 * Time gates are compared by Shopify in wall time, which is what the merchant typed; a
 * gate set inside the repeated hour opens at the first of the two (validate.ts warns).
 */
import { wallSeconds } from "../inventory/atp-metafield";
import type { Clock } from "./types";

export const CLOCK_SLOTS = 12;
/** The input-query variables metafield: only the keys t0..t11, each a DateTimeWithoutTimezone. */
export const CLOCK_METAFIELD = { namespace: "$app:peakguard", key: "clock", type: "json" } as const;
/** What each slot holds, for the function: {"v":1,"slots":[[local, utcEpochSeconds|null], …]}. */
export const TICKS_METAFIELD = { namespace: "$app:peakguard", key: "ticks", type: "json" } as const;
export const TICKS_VERSION = 1;

export type Slot = [local: string, utc: number | null];

/** "2026-11-27T10:00" → "2026-11-27T10:00:00"; null when it is not a wall time. Admin side (validation). */
export function canonicalWall(local: string): string | null {
  const w = wallSeconds(local);
  if (!w || w.rest !== "") return null;
  return local.length === 16 ? `${local}:00` : local.length === 19 ? local : null;
}

/**
 * Lenient reader of the ticks metafield: the slots it can read, null for the others; []
 * when the value is unusable. Never throws. Checks shapes only (a wall time is a
 * 19-character string): the app writes these with clock-admin.ts.
 */
export function readSlots(json: unknown): (Slot | null)[] {
  const raw = json as { v?: unknown; slots?: unknown } | null;
  if (!raw || typeof raw !== "object" || raw.v !== TICKS_VERSION || !Array.isArray(raw.slots)) return [];
  return raw.slots.map((slot: unknown): Slot | null => {
    if (!Array.isArray(slot) || typeof slot[0] !== "string" || slot[0].length !== 19) return null;
    return typeof slot[1] === "number" && Number.isSafeInteger(slot[1]) ? (slot as Slot) : [slot[0], null];
  });
}

/**
 * The function's clock from the ticks metafield as it arrives (its jsonValue) and Shopify's
 * answers (input.shop.localTime.t0 … t11). Never throws: an unusable value gives a clock
 * that can tell nothing.
 */
export function ticksClock(json: unknown, answers: readonly unknown[]): Clock {
  const raw = json as { v?: unknown; slots?: unknown } | null;
  return slotClock(raw && typeof raw === "object" && raw.v === TICKS_VERSION && Array.isArray(raw.slots) ? (raw.slots as unknown[]) : [], answers);
}

/**
 * The function's clock: slots (as readSlots reads them, or raw from the metafield: each is
 * checked here, as readSlots would) and Shopify's answers for them. A slot without a
 * boolean answer, or that is not [19-character wall time, epoch seconds | null], is ignored.
 * One pass, no Map and no copy: the function pays for every JS operation, and a gate looks
 * its wall time up in these dozen slots at most twice.
 */
export function slotClock(slots: readonly unknown[], answers: readonly unknown[]): Clock {
  let low: number | null = null; // latest instant known to be ≤ now
  let high: number | null = null; // earliest instant known to be > now
  let lowWall = "";
  let highWall = "";
  const n = slots.length;
  for (let i = 0; i < n; i++) {
    const after = answers[i];
    if (after !== true && after !== false) continue;
    const slot = slots[i] as unknown[] | null;
    if (!Array.isArray(slot)) continue;
    const local = slot[0];
    if (typeof local !== "string" || local.length !== 19) continue;
    const u = slot[1];
    const utc = typeof u === "number" && u % 1 === 0 ? u : null;
    if (after) {
      if (local > lowWall) lowWall = local;
      if (utc !== null && (low === null || utc > low)) low = utc;
    } else {
      if (highWall === "" || local < highWall) highWall = local;
      if (utc !== null && (high === null || utc < high)) high = utc;
    }
  }
  return {
    atOrAfter(local) {
      for (let i = 0; i < n; i++) {
        const slot = slots[i] as unknown[] | null;
        // local is a 19-character wall time (the rules check it): equal to it is a usable slot.
        if (slot != null && slot[0] === local) {
          const after = answers[i];
          if (after === true || after === false) return after;
        }
      }
      // Wall-time bracket from other slots: exact except inside a repeated hour, where no tick is written.
      if (lowWall !== "" && lowWall >= local) return true;
      if (highWall !== "" && highWall <= local) return false;
      return null;
    },
    freshUntil(asOf, budgetSeconds) {
      if (high !== null && asOf + budgetSeconds >= high) return true;
      if (low !== null && asOf + budgetSeconds <= low) return false;
      return null;
    },
    freshSince(budgetSeconds) {
      return high === null ? null : high - budgetSeconds;
    },
  };
}

/** The admin's clock: the exact instant, as shop-local wall time and UTC epoch seconds. */
export function exactClock(nowLocal: string, nowUtc: number): Clock {
  const wall = canonicalWall(nowLocal);
  if (wall === null) throw new RangeError(`exactClock: "${nowLocal}" is not a wall time like 2026-11-27T10:00:00`);
  return {
    atOrAfter(local) {
      const target = canonicalWall(local);
      return target === null ? null : wall >= target;
    },
    freshUntil(asOf, budgetSeconds) {
      return nowUtc < asOf + budgetSeconds;
    },
    freshSince(budgetSeconds) {
      // Integer seconds: nowUtc < asOf + b ⟺ asOf ≥ nowUtc − b + 1 (asOf is an integer).
      return nowUtc - budgetSeconds + 1;
    },
  };
}
