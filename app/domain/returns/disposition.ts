/**
 * Disposition rules: what staff decide for each returned unit (a grade) and
 * what Shopify records for it (a reverse fulfillment order disposition).
 *
 *   resell    → RESTOCKED at a chosen location (feeds ATP: a restock event)
 *   refurbish → PROCESSING_REQUIRED, re-graded later to resell or scrap
 *   scrap     → NOT_RESTOCKED
 *   missing   → MISSING (the parcel lacked the unit)
 *
 * A refurbished unit's regrade happens after Shopify's disposition: resell
 * puts it back in `available` (inventoryAdjustQuantities, reason "restock") and
 * records a restock event; scrap records that it is gone.
 */

export const GRADES = ["resell", "refurbish", "scrap", "missing"] as const;
export type Grade = (typeof GRADES)[number];

export type DispositionType = "RESTOCKED" | "PROCESSING_REQUIRED" | "NOT_RESTOCKED" | "MISSING";

export const DISPOSITION_OF: Record<Grade, DispositionType> = {
  resell: "RESTOCKED",
  refurbish: "PROCESSING_REQUIRED",
  scrap: "NOT_RESTOCKED",
  missing: "MISSING",
};

/** Grades that may follow a grade (refurbish is decided later). */
export const REGRADES: Partial<Record<Grade, readonly Grade[]>> = { refurbish: ["resell", "scrap"] };

/** Whether units of this grade come back into sellable stock (and so into ATP). */
export function feedsAtp(grade: Grade): boolean {
  return grade === "resell";
}

export interface GradedUnits {
  /** Shopify's ReverseFulfillmentOrderLineItem gid. */
  rfoLineItemId: string;
  /** The return line item, for messages. */
  label: string;
  /** Units of the line not disposed yet. */
  remaining: number;
  grades: { grade: Grade; quantity: number; locationId?: string | null }[];
}

export interface DisposeInput {
  reverseFulfillmentOrderLineItemId: string;
  quantity: number;
  dispositionType: DispositionType;
  locationId: string | null;
}

export type DispositionPlan = { ok: true; inputs: DisposeInput[] } | { ok: false; code: "no_location" | "too_many" | "bad_quantity"; message: string };

/** The dispositions for graded units; resell needs a location (the line's, else the policy's default). */
export function planDispositions(lines: readonly GradedUnits[], defaultLocationId: string | null): DispositionPlan {
  const inputs: DisposeInput[] = [];
  for (const line of lines) {
    let total = 0;
    for (const { grade, quantity, locationId } of line.grades) {
      if (!Number.isInteger(quantity) || quantity <= 0) return { ok: false, code: "bad_quantity", message: `${line.label}: ${quantity} ${grade} is not a positive number of units` };
      total += quantity;
      const location = grade === "resell" ? (locationId ?? defaultLocationId) : null;
      if (grade === "resell" && !location) {
        return { ok: false, code: "no_location", message: `${line.label}: ${quantity} unit(s) to resell need a restock location` };
      }
      inputs.push({ reverseFulfillmentOrderLineItemId: line.rfoLineItemId, quantity, dispositionType: DISPOSITION_OF[grade], locationId: location });
    }
    if (total > line.remaining) {
      return { ok: false, code: "too_many", message: `${line.label}: ${total} unit(s) graded, ${line.remaining} left to dispose` };
    }
  }
  return { ok: true, inputs };
}

export type RegradeCheck = { ok: true } | { ok: false; message: string };

export function checkRegrade(label: string, from: Grade, to: Grade, quantity: number, awaiting: number): RegradeCheck {
  const allowed = REGRADES[from] ?? [];
  if (!allowed.includes(to)) return { ok: false, message: `${label}: ${from} units cannot be re-graded to ${to}${allowed.length > 0 ? ` (only ${allowed.join(" or ")})` : " (final)"}` };
  if (!Number.isInteger(quantity) || quantity <= 0) return { ok: false, message: `${label}: ${quantity} is not a positive number of units` };
  if (quantity > awaiting) return { ok: false, message: `${label}: ${quantity} unit(s) to re-grade, ${awaiting} await a grade` };
  return { ok: true };
}
