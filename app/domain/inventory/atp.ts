/**
 * Available-to-promise per SKU per location — pure, no clock (pass `now`).
 *
 *   ATP = on_hand − reserved − in_transit_out + in_transit_in − safety_stock
 *
 * Shopify keeps eight named quantities per inventory item per location. Each one
 * lands in exactly one ATP term (STATE_TO_TERM below; README "Inventory and ATP"
 * prints the same table). Shopify's invariant, which the emulator enforces too:
 *
 *   on_hand = available + committed + reserved + damaged + quality_control + safety_stock
 *
 * so with in_transit_out carved out of `committed` (see below) the formula reduces
 * to `available − peakguard holds + incoming`: the webhook's `available` alone keeps
 * ATP exact between full reads.
 *
 * Two terms have no Shopify quantity of their own:
 * - Peakguard's holds that Shopify cannot see yet (soft holds, and hard reserves
 *   not yet moved into Shopify's `reserved`) add to `reserved`.
 * - in_transit_out: units on transfers from this location that are ready to ship
 *   and not shipped. Shopify commits them at the origin when the transfer is
 *   marked ready to ship (help.shopify.com, Flow trigger "Inventory transfer ready
 *   to ship"), so they sit inside `committed`: we report them under in_transit_out
 *   and take them out of `committed`, so they are subtracted once, not twice.
 *   Once shipped they have left on_hand and are no longer in transit *out* here.
 *
 * A negative ATP is returned as computed and flagged (never clamped): `promisable`
 * is the part that may be sold, `max(0, atp)`.
 */

/** Shopify's named inventory quantities (2026-10). */
export const NAMED_QUANTITIES = [
  "available",
  "on_hand",
  "committed",
  "reserved",
  "incoming",
  "safety_stock",
  "damaged",
  "quality_control",
] as const;
export type NamedQuantity = (typeof NAMED_QUANTITIES)[number];
export type NamedQuantities = Record<NamedQuantity, number>;

export type AtpTerm = "on_hand" | "reserved" | "in_transit_out" | "in_transit_in" | "safety_stock";

export interface StateMapping {
  /** The ATP term the quantity feeds, or null when it is derived (not an input). */
  term: AtpTerm | null;
  sign: 1 | -1 | 0;
  why: string;
}

/** Shopify state → ATP term, explicitly. `sign` is the quantity's effect on ATP. */
export const STATE_TO_TERM: Readonly<Record<NamedQuantity | "peakguard_holds" | "transfers_ready_to_ship", StateMapping>> = {
  on_hand: { term: "on_hand", sign: 1, why: "physically at the location, whatever its state" },
  committed: { term: "reserved", sign: -1, why: "sold on an open order, not fulfilled yet (minus transfers ready to ship, see in_transit_out)" },
  reserved: { term: "reserved", sign: -1, why: "held in Shopify (draft orders, apps; Peakguard's hard reserves once moved there)" },
  damaged: { term: "reserved", sign: -1, why: "on hand but unsellable" },
  quality_control: { term: "reserved", sign: -1, why: "on hand, unsellable until inspected" },
  safety_stock: { term: "safety_stock", sign: -1, why: "kept back on purpose" },
  incoming: { term: "in_transit_in", sign: 1, why: "on its way to this location (transfers, shipments in transit)" },
  available: { term: null, sign: 0, why: "derived by Shopify: on_hand − committed − reserved − damaged − quality_control − safety_stock; used to derive on_hand when it is newer than the full read" },
  peakguard_holds: { term: "reserved", sign: -1, why: "Peakguard soft holds and hard reserves not yet moved into Shopify's reserved" },
  transfers_ready_to_ship: { term: "in_transit_out", sign: -1, why: "ready to ship from this location, not shipped; counted by Shopify in committed, reported here instead" },
};

export interface LevelInput {
  sku: string | null;
  locationName: string;
  quantities: NamedQuantities;
  /** Shopify's time of the `available` figure (ms since epoch). */
  availableAt: number;
  /** When the other named quantities were last read in full (ms), or null: only `available` is known. */
  breakdownAt: number | null;
  /** Peakguard holds not reflected in Shopify's `available`. */
  peakguardHolds: number;
  /** Units on ready-to-ship transfers from this location (mirrored transfers). */
  transfersReadyToShip: number;
  /** False: Shopify does not track this item — ATP is not meaningful. */
  tracked?: boolean;
}

export interface AtpTerms {
  onHand: number;
  reserved: number;
  inTransitOut: number;
  inTransitIn: number;
  safetyStock: number;
}

export interface ReservedParts {
  committed: number;
  shopifyReserved: number;
  damaged: number;
  qualityControl: number;
  peakguardHolds: number;
}

export type AtpFlagCode =
  | "negative"
  | "on_hand_derived"
  | "breakdown_mismatch"
  | "transit_exceeds_committed"
  | "untracked"
  | "negative_quantity";

export interface AtpFlag {
  code: AtpFlagCode;
  severity: "critical" | "warning" | "info";
  message: string;
}

export interface AtpResult {
  atp: number;
  /** max(0, atp): what may be promised. */
  promisable: number;
  terms: AtpTerms;
  reservedParts: ReservedParts;
  flags: AtpFlag[];
  /** The oldest figure the result depends on (ms): the staleness of this ATP. */
  asOf: number;
}

function label(input: LevelInput): string {
  return `SKU ${input.sku ?? "(no SKU)"} at ${input.locationName}`;
}

/** ATP of one level, with its terms, the parts of `reserved` and flags. */
export function computeAtp(input: LevelInput): AtpResult {
  const q = input.quantities;
  const flags: AtpFlag[] = [];
  const who = label(input);

  for (const name of NAMED_QUANTITIES) {
    if (name !== "available" && q[name] < 0) {
      flags.push({ code: "negative_quantity", severity: "warning", message: `${who}: Shopify reports ${name} ${q[name]}` });
    }
  }

  const derivedOnHand = q.available + q.committed + q.reserved + q.damaged + q.quality_control + q.safety_stock;
  let onHand = q.on_hand;
  const breakdownStale = input.breakdownAt === null || input.availableAt > input.breakdownAt;
  if (breakdownStale) {
    onHand = derivedOnHand;
    flags.push({
      code: "on_hand_derived",
      severity: "info",
      message:
        input.breakdownAt === null
          ? `${who}: only "available" is known; on_hand derived from it`
          : `${who}: "available" is newer than the last full read; on_hand derived from it`,
    });
  } else if (q.on_hand !== derivedOnHand) {
    flags.push({
      code: "breakdown_mismatch",
      severity: "warning",
      message: `${who}: on_hand ${q.on_hand} ≠ available + committed + reserved + damaged + quality_control + safety_stock = ${derivedOnHand}`,
    });
  }

  let inTransitOut = Math.max(0, input.transfersReadyToShip);
  if (inTransitOut > q.committed) {
    flags.push({
      code: "transit_exceeds_committed",
      severity: "warning",
      message: `${who}: ${inTransitOut} on transfers ready to ship but Shopify commits only ${q.committed}; in_transit_out capped at ${Math.max(0, q.committed)}`,
    });
    inTransitOut = Math.max(0, q.committed);
  }

  const reservedParts: ReservedParts = {
    committed: q.committed - inTransitOut,
    shopifyReserved: q.reserved,
    damaged: q.damaged,
    qualityControl: q.quality_control,
    peakguardHolds: input.peakguardHolds,
  };
  const terms: AtpTerms = {
    onHand,
    reserved:
      reservedParts.committed +
      reservedParts.shopifyReserved +
      reservedParts.damaged +
      reservedParts.qualityControl +
      reservedParts.peakguardHolds,
    inTransitOut,
    inTransitIn: q.incoming,
    safetyStock: q.safety_stock,
  };
  const atp = atpFromTerms(terms);

  if (input.tracked === false) {
    flags.push({ code: "untracked", severity: "info", message: `${who}: Shopify does not track this item; ATP is informational` });
  }
  if (atp < 0) {
    flags.push({
      code: "negative",
      severity: "critical",
      message:
        `${who} has ATP ${atp}: on hand ${terms.onHand} − reserved ${terms.reserved} − in transit out ${terms.inTransitOut}` +
        ` + in transit in ${terms.inTransitIn} − safety stock ${terms.safetyStock}`,
    });
  }

  const asOf = input.breakdownAt === null ? input.availableAt : Math.min(input.availableAt, input.breakdownAt);
  return { atp, promisable: Math.max(0, atp), terms, reservedParts, flags, asOf };
}

/** The formula itself. */
export function atpFromTerms(t: AtpTerms): number {
  return t.onHand - t.reserved - t.inTransitOut + t.inTransitIn - t.safetyStock;
}

/**
 * What a conditional hold checks in SQL, equal to computeAtp(...).atp under Shopify's
 * invariant: available − peakguard holds + incoming. (in_transit_out is inside
 * `committed`, so already out of `available`.) Kept here so the SQL and the domain
 * are tested against each other.
 */
export function atpFromAvailable(available: number, incoming: number, peakguardHolds: number): number {
  return available - peakguardHolds + incoming;
}

/** A SKU's ATP summed over locations, negative locations counted as 0 (they cannot lend to others). */
export function totalPromisable(results: readonly Pick<AtpResult, "promisable">[]): number {
  return results.reduce((sum, r) => sum + r.promisable, 0);
}
