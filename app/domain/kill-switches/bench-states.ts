/**
 * Kill-switch states for benchmarks and the Peak page's headroom figures: a typical peak-day
 * state and the largest state the app lets through (just under the 10,000-byte limit).
 * Deterministic. Admin/bench side only.
 */
import { EMPTY_KILL_SWITCHES, KILL_SWITCH_MAX_BYTES, type KillSwitches } from "./format";
import { utf8Length } from "../promotions/validate";
import { serializeKillSwitches } from "./serialize";

/** What a busy peak day looks like: a few methods and options off, two promotions, one region. */
export function typicalKillSwitches(): KillSwitches {
  return {
    ...EMPTY_KILL_SWITCHES,
    rev: 42,
    pay: [{ name: "Cash on Delivery (COD)" }, { name: "Klarna*", mk: ["eu"], until: "2026-11-29" }, { name: "Bank Deposit" }],
    ship: [{ handle: "express-overnight" }, { title: "DHL Express*", mk: ["uk", "eu"] }, { type: "PICKUP_POINT", until: "2026-11-28" }],
    promo: [{ id: "bf-20-off" }, { id: "happy-hour", until: "2026-11-28" }],
    region: [{ cc: "FR", msg: { en: "We can't ship to France today.", fr: "Nous ne livrons pas la France aujourd'hui." } }],
  };
}

/**
 * The largest state the app would write: the typical state plus region switches with long
 * messages until the next one would cross KILL_SWITCH_MAX_BYTES.
 */
export function fullKillSwitches(): KillSwitches {
  const ks = typicalKillSwitches();
  const region = [...ks.region];
  for (let i = 0; ; i++) {
    const next = { cc: `Z${String.fromCharCode(65 + (i % 26))}`, mk: `market-${i}`, msg: { en: `Checkout to this market is paused for maintenance (${i}).`.padEnd(150, ".") } };
    const candidate = { ...ks, region: [...region, next] };
    if (utf8Length(serializeKillSwitches(candidate)) > KILL_SWITCH_MAX_BYTES) break;
    region.push(next);
  }
  return { ...ks, region };
}
