/**
 * Kill-switch rows ↔ the domain (app/domain/kill-switches/switches.ts), and the Peak settings
 * row with its defaults. Everything goes through a shop-scoped client.
 */
import type { KillSwitch, PeakSettings, Prisma } from "@prisma/client";
import { readCatalog, type ActiveSwitch, type MethodCatalog, type SwitchKind, type SwitchTarget } from "~/domain/kill-switches/switches";
import type { ShopDb } from "../db/scoped.server";

/** A shop-scoped client or a transaction of one. */
export type ScopedTx = Pick<ShopDb, "killSwitch" | "killSwitchAudit" | "peakSettings" | "freezeWindow" | "drillReport">;

export function toActiveSwitch(row: KillSwitch): ActiveSwitch {
  return {
    id: row.id,
    target: { kind: row.kind as SwitchKind, entry: (row.target ?? {}) as never } as SwitchTarget,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

export async function loadActiveSwitches(db: ScopedTx): Promise<ActiveSwitch[]> {
  const rows = await db.killSwitch.findMany({ where: { restoredAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toActiveSwitch);
}

/** The settings row, created with defaults (and an empty declaration) on first use. */
export async function loadSettings(db: ScopedTx, shop: string): Promise<PeakSettings> {
  return db.peakSettings.upsert({ where: { shop }, create: { shop, catalog: { markets: [] } }, update: {} });
}

/**
 * Takes the shop's flip lock for the rest of the transaction: a row lock on the settings
 * row, so two flips of one shop never plan against the same state (the last-method guard
 * would otherwise let two staff each hide "not the last" method at once).
 */
export async function lockSettings(db: ScopedTx, shop: string): Promise<PeakSettings> {
  await loadSettings(db, shop);
  return db.peakSettings.update({ where: { shop }, data: { updatedAt: new Date() } });
}

export function catalogOf(settings: Pick<PeakSettings, "catalog">): MethodCatalog {
  const read = readCatalog(settings.catalog);
  return read.ok ? read.catalog : { markets: [] };
}

export const asJson = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
