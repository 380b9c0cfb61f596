/**
 * The checkout function's clock heartbeat (see app/domain/validation/clock.ts): rewrites
 * the validation's "clock" and "ticks" metafields before their ticks run out, so the
 * function can tell how old a published ATP figure is and whether a drop is open.
 *
 * Run it every minute or so per shop with checkout rules (refreshCheckoutClock decides
 * whether a write is due: half-way through the current plan). If it stops, ATP figures
 * soon read as stale everywhere and each ATP rule's whenStale choice applies — a dead
 * man's switch, by design. Saving the rules writes a fresh plan too.
 *
 * A write names the ticks' compareDigest from the read: if a save wrote a newer plan in
 * between, Shopify refuses ours and the newer one stays.
 */
import type { PrismaClient } from "@prisma/client";

import { MetafieldsSet } from "../../../graphql/operations";
import { planClock } from "../../domain/validation/clock-admin";
import { CLOCK_METAFIELD, readSlots, TICKS_METAFIELD } from "../../domain/validation/clock";
import { AdminUserErrorsError, type AdminClient } from "../admin/client.server";
import { offlineAdminClient } from "../admin/offline.server";
import { forShop } from "../db/scoped.server";
import { loadCheckoutRules } from "./rules.server";
import { publishCheckoutStock, type StockPublication } from "./stock.server";

export interface ClockStatus {
  /** UTC epoch seconds of the last tick written, null when there is none. */
  coversUntil: number | null;
  /** When the next plan is due (half-way through the current one). */
  refreshAt: number | null;
}

/** What the stored ticks cover: the last and the half-way tick instants. */
export function clockStatus(ticksValue: string | null | undefined): ClockStatus {
  let json: unknown = null;
  try {
    json = ticksValue ? JSON.parse(ticksValue) : null;
  } catch {
    json = null;
  }
  const instants = readSlots(json)
    .map((slot) => slot?.[1] ?? null)
    .filter((utc): utc is number => utc !== null)
    .sort((a, b) => a - b);
  if (instants.length === 0) return { coversUntil: null, refreshAt: null };
  const first = instants[0]!;
  const last = instants[instants.length - 1]!;
  return { coversUntil: last, refreshAt: first + Math.floor((last - first) / 2) };
}

export type ClockRefresh =
  | { written: true; coversUntil: number; notes: string[] }
  | { written: false; reason: "no_validation" | "not_due" | "superseded" | "rules_unreadable" };

export async function refreshCheckoutClock(
  admin: AdminClient,
  options: { zone: string; currencyCode: string; now: Date; force?: boolean },
): Promise<ClockRefresh> {
  const rules = await loadCheckoutRules(admin, { currencyCode: options.currencyCode, zone: options.zone });
  if (!rules.validation) return { written: false, reason: "no_validation" };
  if (rules.problems.length > 0) return { written: false, reason: "rules_unreadable" };
  const now = Math.floor(options.now.getTime() / 1000);
  const status = clockStatus(rules.ticks?.value);
  if (!options.force && status.refreshAt !== null && now < status.refreshAt) return { written: false, reason: "not_due" };
  const plan = planClock(rules.set, now, options.zone);
  const ownerId = rules.validation.id;
  try {
    await admin.mutate(
      MetafieldsSet,
      {
        metafields: [
          { ownerId, ...CLOCK_METAFIELD, value: JSON.stringify(plan.variables) },
          { ownerId, ...TICKS_METAFIELD, value: JSON.stringify(plan.ticks), compareDigest: rules.ticks?.compareDigest ?? null },
        ],
      },
      "metafieldsSet",
    );
  } catch (error) {
    if (error instanceof AdminUserErrorsError && error.userErrors.some((e) => e.code === "STALE_OBJECT")) return { written: false, reason: "superseded" };
    throw error;
  }
  return { written: true, coversUntil: plan.coversUntil, notes: plan.notes };
}

/**
 * One beat for a shop, outside a request (a timer or job): the offline Admin client, the
 * shop's zone and currency. It also refreshes the validation's ATP copy (stock.server.ts):
 * re-confirmed figures move their asOf forward there within a minute.
 */
export async function beatCheckoutClock(
  prisma: PrismaClient,
  shop: string,
  now = new Date(),
): Promise<ClockRefresh & { stock?: StockPublication | { error: string } }> {
  const row = await forShop(prisma, shop).shop.findFirst({ select: { ianaTimezone: true, currencyCode: true } });
  const admin = await offlineAdminClient(prisma, shop);
  const zone = row?.ianaTimezone ?? "UTC";
  const currencyCode = row?.currencyCode ?? "USD";
  const clock = await refreshCheckoutClock(admin, { zone, currencyCode, now });
  if (!clock.written && (clock.reason === "no_validation" || clock.reason === "rules_unreadable")) return clock;
  let stock: StockPublication | { error: string };
  try {
    stock = await publishCheckoutStock(prisma, shop, admin, { zone, currencyCode });
  } catch (error) {
    stock = { error: error instanceof Error ? error.message : String(error) };
  }
  return { ...clock, stock };
}
