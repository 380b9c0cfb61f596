/**
 * ADMIN SIDE ONLY — NOT FOR FUNCTIONS (uses Intl through promotions/time-admin).
 *
 * Plans the clock slots the function reads (clock.ts): which shop-local wall times go into
 * the "clock" metafield (the input-query variables $t0..$t11) and what the "ticks"
 * metafield says about them. Written on every save of the rules and by the heartbeat
 * (app/services/validation/clock.server.ts) before the ticks run out.
 *
 *   gates  every distinct opensAt / closesAt of the time gates that are not off (≤ 4;
 *          validate.ts refuses more), verbatim, with their UTC instant when the zone has
 *          exactly one (null inside a DST gap or a repeated hour).
 *   ticks  the other slots: instants `step` apart from the last step boundary at or before
 *          now. step = the smallest ATP staleness budget / 4, between 30 s and 15 min
 *          (5 min without ATP rules). A tick whose wall time the zone repeats (the hour the
 *          clocks go back) is skipped: Shopify could compare it against either instant.
 *
 * How long a plan lasts: until its last tick; the heartbeat rewrites it at `refreshAt`,
 * half-way, so a missed beat or two costs nothing. Precision: a figure can be judged stale
 * up to one step early (clock.ts), never fresh too late.
 */
import { utcToZoned, zonedToUtc } from "../promotions/time-admin";
import { CLOCK_SLOTS, TICKS_VERSION, type Slot } from "./clock";
import type { RuleSet } from "./types";

export const MAX_GATE_SLOTS = 4;
export const MIN_TICK_SECONDS = 30;
export const MAX_TICK_SECONDS = 900;
export const DEFAULT_TICK_SECONDS = 300;

export interface ClockPlan {
  /** The "clock" metafield value: exactly t0..t11. */
  variables: Record<string, string>;
  /** The "ticks" metafield value. */
  ticks: { v: typeof TICKS_VERSION; slots: Slot[] };
  stepSeconds: number;
  /** UTC epoch seconds of the last tick: after it the function cannot tell whether a figure is fresh. */
  coversUntil: number;
  /** UTC epoch seconds at which the heartbeat should write a new plan. */
  refreshAt: number;
  notes: string[];
}

/** Distinct gate wall times of the time gates that are not off, sorted. */
export function gateTimes(set: RuleSet): string[] {
  const times = new Set<string>();
  for (const rule of set.rules) {
    if (rule.kind !== "timeGate" || rule.mode === "off") continue;
    times.add(rule.opensAt);
    if (rule.closesAt) times.add(rule.closesAt);
  }
  return [...times].sort();
}

export function tickSeconds(set: RuleSet): number {
  let budget = Number.POSITIVE_INFINITY;
  for (const rule of set.rules) if (rule.kind === "atp" && rule.mode !== "off") budget = Math.min(budget, rule.staleAfterSeconds);
  if (!Number.isFinite(budget)) return DEFAULT_TICK_SECONDS;
  return Math.min(MAX_TICK_SECONDS, Math.max(MIN_TICK_SECONDS, Math.floor(budget / 4)));
}

function wallOf(epochSeconds: number, zone: string): string {
  return utcToZoned(epochSeconds, zone).wall;
}

export function planClock(set: RuleSet, nowEpochSeconds: number, zone: string): ClockPlan {
  const notes: string[] = [];
  const slots: Slot[] = [];
  const gates = gateTimes(set);
  if (gates.length > MAX_GATE_SLOTS) {
    throw new RangeError(`planClock: ${gates.length} distinct gate times, at most ${MAX_GATE_SLOTS} (validate the set first)`);
  }
  for (const local of gates) {
    const utc = zonedToUtc(local, zone);
    if (utc.ok && utc.kind === "exact") slots.push([local, utc.epochSeconds]);
    else {
      slots.push([local, null]);
      notes.push(`gate ${local}: ${utc.ok ? (utc.note ?? utc.kind) : utc.message}; Shopify compares the wall time as written`);
    }
  }
  const step = tickSeconds(set);
  let at = Math.floor(nowEpochSeconds / step) * step;
  let skipped = 0;
  while (slots.length < CLOCK_SLOTS) {
    const local = wallOf(at, zone);
    const back = zonedToUtc(local, zone);
    if (back.ok && back.kind === "exact" && back.epochSeconds === at) slots.push([local, at]);
    else skipped++;
    at += step;
  }
  if (skipped > 0) notes.push(`${skipped} tick(s) skipped: their wall time happens twice in ${zone} (clocks go back)`);
  const ticks = slots.filter((s) => s[1] !== null && !gates.includes(s[0])).map((s) => s[1] as number);
  const first = ticks[0] ?? nowEpochSeconds;
  const last = ticks[ticks.length - 1] ?? nowEpochSeconds;
  const variables: Record<string, string> = {};
  slots.forEach(([local], i) => {
    variables[`t${i}`] = local;
  });
  return {
    variables,
    ticks: { v: TICKS_VERSION, slots },
    stepSeconds: step,
    coversUntil: last,
    refreshAt: first + Math.floor((last - first) / 2),
    notes,
  };
}
