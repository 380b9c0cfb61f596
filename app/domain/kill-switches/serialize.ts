/**
 * Admin side of the kill-switch metafield (format.ts): the canonical serialisation the app
 * writes, and the size check against Shopify's 10,000-byte limit for a metafield a function
 * reads. Not for function bundles (they only parse).
 */
import { utf8Length } from "../promotions/validate";
import { KILL_SWITCH_MAX_BYTES, type KillSwitches } from "./format";

/**
 * The value the app writes: empty lists and absent fields are left out (every byte costs the
 * functions ~230 instructions), keys in a fixed order so the same state is the same string.
 */
export function serializeKillSwitches(ks: KillSwitches): string {
  const out: Record<string, unknown> = { v: ks.v, rev: ks.rev };
  if (ks.pay.length > 0) out.pay = ks.pay.map((s) => pick(s, ["name", "mk", "until"]));
  if (ks.ship.length > 0) out.ship = ks.ship.map((s) => pick(s, ["handle", "title", "type", "mk", "until"]));
  if (ks.promo.length > 0) out.promo = ks.promo.map((s) => pick(s, ["id", "until"]));
  if (ks.freeze) out.freeze = pick(ks.freeze, ["until"]);
  if (ks.region.length > 0) out.region = ks.region.map((s) => pick(s, ["cc", "mk", "msg", "until"]));
  return JSON.stringify(out);
}

function pick<T extends object>(value: T, keys: readonly (keyof T & string)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = value[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}

export type KillSwitchSize =
  | { ok: true; json: string; bytes: number; limit: number }
  | { ok: false; json: string; bytes: number; limit: number; code: "TOO_LARGE"; message: string };

/** Serialise and check the size. A refusal names the size, the limit and what to do. */
export function checkedKillSwitchValue(ks: KillSwitches): KillSwitchSize {
  const json = serializeKillSwitches(ks);
  const bytes = utf8Length(json);
  const limit = KILL_SWITCH_MAX_BYTES;
  if (bytes <= limit) return { ok: true, json, bytes, limit };
  return {
    ok: false,
    json,
    bytes,
    limit,
    code: "TOO_LARGE",
    message: `the kill-switch metafield would be ${bytes} bytes; Shopify lets a function read at most ${limit} — restore a switch or shorten the shopper messages (${bytes - limit} bytes over)`,
  };
}
