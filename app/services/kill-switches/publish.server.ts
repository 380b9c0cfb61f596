/**
 * Writes the kill-switch shop metafield from the active switches and confirms it.
 *
 * The rows (KillSwitch, restoredAt null) are the truth; the metafield is derived. A publish:
 *   1. reads the metafield (its compareDigest) and the shop's time zone;
 *   2. builds the state from the switches still active at `now` (an expired switch the expiry
 *      job has not restored yet is never republished), with the next revision number;
 *   3. writes it with metafieldsSet + compareDigest (a value changed since step 1 is never
 *      overwritten blindly: on STALE_OBJECT it starts again, once);
 *   4. reads it back and compares byte for byte.
 * The result is the first half of the propagation receipt; the second half (a simulated
 * checkout honouring it) is probe.server.ts.
 */
import { KILL_SWITCH_KEY, KILL_SWITCH_NAMESPACE, KILL_SWITCH_TYPE, parseKillSwitches } from "~/domain/kill-switches/format";
import { checkedKillSwitchValue } from "~/domain/kill-switches/serialize";
import { toKillSwitches } from "~/domain/kill-switches/switches";
import { MetafieldsSet, ShopMetafield } from "../../../graphql/operations";
import { AdminUserErrorsError, type AdminClient } from "../admin/client.server";
import { loadActiveSwitches, loadSettings, type ScopedTx } from "./repository.server";

export interface PublishReceipt {
  ok: boolean;
  rev: number;
  bytes: number;
  at: string;
  /** The write: the metafield's id and updatedAt as Shopify answered, or the error. */
  write: { ok: true; metafieldId: string; updatedAt: string } | { ok: false; error: string };
  /** Read back after the write: same bytes, and the revision the functions will see. */
  readBack: { ok: boolean; rev: number | null; compareDigest: string | null; detail: string };
  /** Switches in the written state, by list. */
  counts: { pay: number; ship: number; promo: number; freeze: boolean; region: number };
}

export interface ShopMetafieldState {
  shopId: string;
  timeZone: string;
  value: string | null;
  compareDigest: string | null;
}

export async function readKillSwitchMetafield(admin: AdminClient): Promise<ShopMetafieldState> {
  const { shop } = await admin.request(ShopMetafield, { namespace: KILL_SWITCH_NAMESPACE, key: KILL_SWITCH_KEY });
  return {
    shopId: shop.id,
    timeZone: shop.ianaTimezone || "UTC",
    value: shop.metafield?.value ?? null,
    compareDigest: shop.metafield?.compareDigest ?? null,
  };
}

const isStale = (error: unknown) =>
  error instanceof AdminUserErrorsError && error.userErrors.some((e) => e.code === "STALE_OBJECT" || /compareDigest/.test(e.field?.join(".") ?? ""));

export async function publishKillSwitches(db: ScopedTx, shop: string, admin: AdminClient, now: Date = new Date()): Promise<PublishReceipt> {
  for (let attempt = 1; ; attempt++) {
    const current = await readKillSwitchMetafield(admin);
    const active = (await loadActiveSwitches(db)).filter((s) => !s.expiresAt || s.expiresAt.getTime() > now.getTime());
    await loadSettings(db, shop);
    const { metafieldRev: rev } = await db.peakSettings.update({ where: { shop }, data: { metafieldRev: { increment: 1 } } });
    const state = toKillSwitches(active, rev, current.timeZone);
    const value = checkedKillSwitchValue(state);
    const counts = { pay: state.pay.length, ship: state.ship.length, promo: state.promo.length, freeze: state.freeze !== null, region: state.region.length };
    const base = { rev, bytes: value.bytes, at: now.toISOString(), counts };
    if (!value.ok) {
      return { ...base, ok: false, write: { ok: false, error: value.message }, readBack: { ok: false, rev: null, compareDigest: current.compareDigest, detail: "not written" } };
    }
    let written;
    try {
      written = await admin.mutate(
        MetafieldsSet,
        { metafields: [{ ownerId: current.shopId, namespace: KILL_SWITCH_NAMESPACE, key: KILL_SWITCH_KEY, type: KILL_SWITCH_TYPE, value: value.json, compareDigest: current.compareDigest }] },
        "metafieldsSet"
      );
    } catch (error) {
      if (attempt === 1 && isStale(error)) continue;
      const message = error instanceof Error ? error.message : String(error);
      return { ...base, ok: false, write: { ok: false, error: message }, readBack: { ok: false, rev: null, compareDigest: current.compareDigest, detail: "not written" } };
    }
    const metafield = written.metafields?.[0];
    const back = await readKillSwitchMetafield(admin);
    const same = back.value === value.json;
    const backRev = back.value === null ? null : parseKillSwitches(back.value).rev;
    const readBack = {
      ok: same,
      rev: backRev,
      compareDigest: back.compareDigest,
      detail: same
        ? `read back ${value.bytes} bytes, identical (rev ${rev})`
        : back.value === null
          ? "read back: the metafield is absent"
          : `read back differs: rev ${backRev ?? "?"} (another write landed in between?)`,
    };
    return {
      ...base,
      ok: same,
      write: { ok: true, metafieldId: metafield?.id ?? "", updatedAt: metafield?.updatedAt ? String(metafield.updatedAt) : "" },
      readBack,
    };
  }
}
