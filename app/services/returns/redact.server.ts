/**
 * customers/redact for returns: the customer's own words (customerNote on
 * return lines) are the personal data an RMA holds. RMA numbers, SKUs,
 * quantities, reasons and decisions stay: they carry no personal data and the
 * shop needs them for its books.
 */
import type { Prisma } from "@prisma/client";
import type { ShopDb } from "../db/scoped.server";

export const REDACTED_NOTE = "[redacted]";

/** Scrubs customer notes from the RMAs of these orders; returns how many RMAs changed. */
export async function redactReturnNotes(db: ShopDb, orderIds: readonly string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const cases = await db.returnCase.findMany({ where: { orderId: { in: [...orderIds] } }, select: { id: true, lines: true } });
  let changed = 0;
  for (const row of cases) {
    const lines = Array.isArray(row.lines) ? (row.lines as Prisma.JsonObject[]) : [];
    if (!lines.some((line) => typeof line.customerNote === "string" && line.customerNote !== REDACTED_NOTE)) continue;
    const scrubbed = lines.map((line) => (typeof line.customerNote === "string" ? { ...line, customerNote: REDACTED_NOTE } : line));
    await db.returnCase.updateMany({ where: { id: row.id }, data: { lines: scrubbed } });
    changed++;
  }
  return changed;
}
