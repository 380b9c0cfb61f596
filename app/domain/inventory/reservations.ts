/**
 * Reservations: the state machine as a transition table, pure (pass `now`).
 *
 *   held ──authorize──▶ reserved ──commit──▶ committed
 *    │ ╰─extend─╮         │
 *    │◀─────────╯         ├──release──▶ released
 *    ├──release──▶ released
 *    └──expire───▶ expired ◀──expire──┘
 *
 * - held: a soft hold with a TTL, taken when a drop shopper reaches checkout. Local
 *   to Peakguard: counted in ATP (and so in what checkout sees through the ATP
 *   metafield), never written to Shopify — holds churn too fast for the rate limit.
 * - reserved: a hard reserve at payment authorization. Moved into Shopify's
 *   `reserved` quantity (inventoryMoveQuantities available → reserved) so every
 *   channel reading Shopify's `available` sees it.
 * - committed: the order is fulfilled; the units leave Shopify's `reserved` (moved
 *   back to available as the fulfilment takes them from on hand).
 * - released / expired: the units return to ATP (and to Shopify's available when
 *   they had been moved there).
 *
 * Anything not in the table is refused with a result naming the state and the event.
 */

export const RESERVATION_STATES = ["held", "reserved", "committed", "released", "expired"] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];
export const ACTIVE_STATES: readonly ReservationState[] = ["held", "reserved"];

export const RESERVATION_EVENTS = ["authorize", "extend", "release", "expire", "commit"] as const;
export type ReservationEvent = (typeof RESERVATION_EVENTS)[number];

export interface Transition {
  from: ReservationState;
  to: ReservationState;
  event: ReservationEvent;
}

export const TRANSITIONS: readonly Transition[] = [
  { from: "held", to: "reserved", event: "authorize" },
  { from: "held", to: "held", event: "extend" },
  { from: "held", to: "released", event: "release" },
  { from: "held", to: "expired", event: "expire" },
  { from: "reserved", to: "committed", event: "commit" },
  { from: "reserved", to: "released", event: "release" },
  { from: "reserved", to: "expired", event: "expire" },
];

/** TTLs in seconds: the default and the bounds a caller may ask for. */
export const TTL = {
  hold: { defaultS: 600, minS: 60, maxS: 1800 },
  /** Card authorizations are commonly valid 7 days; a reserve outliving its authorization is released. */
  reserve: { defaultS: 7 * 86_400, minS: 3600, maxS: 30 * 86_400 },
} as const;

export interface ReservationView {
  id: string;
  state: ReservationState;
  quantity: number;
  /** Units of this reservation currently moved into Shopify's `reserved` by us. */
  shopifyQuantity: number;
  expiresAt: number;
  sku: string | null;
  locationName: string;
}

export type TransitionResult =
  | { ok: true; to: ReservationState; expiresAt: number }
  | { ok: false; code: "transition_not_allowed" | "expired" | "not_expired" | "ttl_out_of_range"; message: string };

type Guard = (r: ReservationView, now: number, ttlS: number | undefined) => TransitionResult | null;

function describe(r: ReservationView): string {
  return `Reservation ${r.id} (${r.quantity} × SKU ${r.sku ?? "(no SKU)"} at ${r.locationName})`;
}

const notExpired: Guard = (r, now) =>
  now < r.expiresAt
    ? null
    : { ok: false, code: "expired", message: `${describe(r)} expired at ${new Date(r.expiresAt).toISOString()}` };

function ttlIn(kind: keyof typeof TTL, ttlS: number | undefined): number | TransitionResult {
  const bounds = TTL[kind];
  const value = ttlS ?? bounds.defaultS;
  if (!Number.isInteger(value) || value < bounds.minS || value > bounds.maxS) {
    return { ok: false, code: "ttl_out_of_range", message: `A ${kind} TTL must be a whole number of seconds from ${bounds.minS} to ${bounds.maxS}; got ${ttlS}` };
  }
  return value;
}

/** Guards keyed by "from>event": small, pure, no I/O. */
const GUARDS: Record<string, Guard> = {
  "held>authorize": notExpired,
  "held>extend": notExpired,
  "held>expire": (r, now) =>
    now >= r.expiresAt ? null : { ok: false, code: "not_expired", message: `${describe(r)} expires at ${new Date(r.expiresAt).toISOString()}, not yet` },
  "reserved>expire": (r, now) =>
    now >= r.expiresAt ? null : { ok: false, code: "not_expired", message: `${describe(r)} expires at ${new Date(r.expiresAt).toISOString()}, not yet` },
};

/** The new expiry a transition sets. */
function expiryAfter(r: ReservationView, event: ReservationEvent, now: number, ttlS: number | undefined): number | TransitionResult {
  if (event === "authorize") {
    const ttl = ttlIn("reserve", ttlS);
    return typeof ttl === "number" ? now + ttl * 1000 : ttl;
  }
  if (event === "extend") {
    const ttl = ttlIn("hold", ttlS);
    return typeof ttl === "number" ? now + ttl * 1000 : ttl;
  }
  return r.expiresAt;
}

export function transition(r: ReservationView, event: ReservationEvent, now: number, ttlS?: number): TransitionResult {
  const row = TRANSITIONS.find((t) => t.from === r.state && t.event === event);
  if (!row) {
    return { ok: false, code: "transition_not_allowed", message: `${describe(r)} is ${r.state}: "${event}" is not allowed from ${r.state}` };
  }
  const refusal = GUARDS[`${r.state}>${event}`]?.(r, now, ttlS);
  if (refusal) return refusal;
  const expiresAt = expiryAfter(r, event, now, ttlS);
  if (typeof expiresAt !== "number") return expiresAt;
  return { ok: true, to: row.to, expiresAt };
}

/** Expiry of a new hold, or a refusal when the TTL is out of bounds. */
export function holdExpiry(now: number, ttlS?: number): number | TransitionResult {
  const ttl = ttlIn("hold", ttlS);
  return typeof ttl === "number" ? now + ttl * 1000 : ttl;
}

export function isActive(state: ReservationState): boolean {
  return ACTIVE_STATES.includes(state);
}

/** Units of a reservation that Shopify's `available` does not reflect: what Peakguard itself must subtract. */
export function unreflected(state: ReservationState, quantity: number, shopifyQuantity: number): number {
  return isActive(state) ? quantity - shopifyQuantity : 0;
}

/** Change to the level's Peakguard holds when a reservation moves from one state to another. */
export function holdsDelta(from: ReservationState, to: ReservationState, quantity: number, shopifyQuantity: number): number {
  return unreflected(to, quantity, shopifyQuantity) - unreflected(from, quantity, shopifyQuantity);
}

/** Units that should sit in Shopify's `reserved` for this reservation. */
export function shopifyTarget(state: ReservationState, quantity: number): number {
  return state === "reserved" ? quantity : 0;
}

export const TERMINAL_STATES: readonly ReservationState[] = RESERVATION_STATES.filter(
  (s) => !TRANSITIONS.some((t) => t.from === s),
);
