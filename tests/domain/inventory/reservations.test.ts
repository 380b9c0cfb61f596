import { describe, expect, it } from "vitest";
import {
  ACTIVE_STATES,
  RESERVATION_EVENTS,
  RESERVATION_STATES,
  TERMINAL_STATES,
  TRANSITIONS,
  TTL,
  holdExpiry,
  holdsDelta,
  shopifyTarget,
  transition,
  unreflected,
  type ReservationState,
  type ReservationView,
} from "~/domain/inventory/reservations";

const NOW = Date.parse("2026-11-27T05:00:00Z");
const view = (state: ReservationState, extra: Partial<ReservationView> = {}): ReservationView => ({
  id: "rsv_abc",
  state,
  quantity: 2,
  shopifyQuantity: 0,
  expiresAt: NOW + 600_000,
  sku: "DROP-1",
  locationName: "Brooklyn Warehouse",
  ...extra,
});

describe("the transition table", () => {
  it.each(TRANSITIONS.map((t) => [t.from, t.event, t.to] as const))("%s --%s--> %s", (from, event, to) => {
    const expiresAt = event === "expire" ? NOW - 1 : NOW + 600_000;
    const result = transition(view(from, { expiresAt }), event, NOW);
    expect(result).toMatchObject({ ok: true, to });
  });

  it("refuses every (state, event) not in the table, naming the state and the event", () => {
    for (const state of RESERVATION_STATES) {
      for (const event of RESERVATION_EVENTS) {
        if (TRANSITIONS.some((t) => t.from === state && t.event === event)) continue;
        const result = transition(view(state, { expiresAt: NOW - 1 }), event, NOW);
        expect(result).toEqual({
          ok: false,
          code: "transition_not_allowed",
          message: `Reservation rsv_abc (2 × SKU DROP-1 at Brooklyn Warehouse) is ${state}: "${event}" is not allowed from ${state}`,
        });
      }
    }
  });

  it("released, expired and committed are terminal", () => {
    expect([...TERMINAL_STATES].sort()).toEqual(["committed", "expired", "released"]);
  });

  it("no state outside the table is reachable from held by any event sequence", () => {
    const reached = new Set<ReservationState>(["held"]);
    let frontier: ReservationState[] = ["held"];
    while (frontier.length > 0) {
      const next: ReservationState[] = [];
      for (const state of frontier) {
        for (const event of RESERVATION_EVENTS) {
          for (const expiresAt of [NOW - 1, NOW + 1000]) {
            const r = transition(view(state, { expiresAt }), event, NOW);
            if (r.ok && !reached.has(r.to)) {
              reached.add(r.to);
              next.push(r.to);
            }
          }
        }
      }
      frontier = next;
    }
    expect([...reached].sort()).toEqual([...RESERVATION_STATES].sort());
  });
});

describe("TTL", () => {
  it("a hold lasts 10 minutes by default, bounded 60 s – 30 min", () => {
    expect(holdExpiry(NOW)).toBe(NOW + 600_000);
    expect(holdExpiry(NOW, 60)).toBe(NOW + 60_000);
    expect(holdExpiry(NOW, 59)).toMatchObject({ ok: false, code: "ttl_out_of_range" });
    expect(holdExpiry(NOW, TTL.hold.maxS + 1)).toMatchObject({ ok: false, code: "ttl_out_of_range" });
  });

  it("authorize sets the reserve TTL (7 days by default)", () => {
    expect(transition(view("held"), "authorize", NOW)).toEqual({ ok: true, to: "reserved", expiresAt: NOW + 7 * 86_400_000 });
  });

  it("an expired hold cannot be authorized or extended; it can expire", () => {
    const past = view("held", { expiresAt: NOW });
    expect(transition(past, "authorize", NOW)).toMatchObject({ ok: false, code: "expired" });
    expect(transition(past, "extend", NOW)).toMatchObject({ ok: false, code: "expired" });
    expect(transition(past, "expire", NOW)).toMatchObject({ ok: true, to: "expired" });
  });

  it("expire before the expiry is refused", () => {
    expect(transition(view("reserved"), "expire", NOW)).toMatchObject({ ok: false, code: "not_expired" });
  });
});

describe("holds bookkeeping: ATP never negative after release", () => {
  it("unreflected units are the active quantity not yet in Shopify's reserved", () => {
    expect(unreflected("held", 3, 0)).toBe(3);
    expect(unreflected("reserved", 3, 3)).toBe(0);
    expect(unreflected("released", 3, 3)).toBe(0);
    expect(ACTIVE_STATES).toEqual(["held", "reserved"]);
  });

  it.each([
    ["held", "released", 0, -2],
    ["held", "reserved", 0, 0],
    ["reserved", "released", 0, -2],
    ["reserved", "released", 2, 0],
    ["reserved", "committed", 2, 0],
    ["reserved", "expired", 0, -2],
  ] as const)("%s → %s with %i in Shopify moves holds by %i", (from, to, inShopify, delta) => {
    expect(holdsDelta(from, to, 2, inShopify)).toBe(delta);
  });

  it("every path from a hold back to a terminal state returns exactly what it took", () => {
    const paths: ReservationState[][] = [
      ["held", "released"],
      ["held", "expired"],
      ["held", "reserved", "released"],
      ["held", "reserved", "committed"],
      ["held", "reserved", "expired"],
    ];
    for (const path of paths) {
      for (const pushedAt of [-1, 1]) {
        // holds start at the hold's quantity; the Shopify push (if any) happens after step `pushedAt`
        let holds = 2;
        let inShopify = 0;
        for (let i = 1; i < path.length; i++) {
          holds += holdsDelta(path[i - 1]!, path[i]!, 2, inShopify);
          if (i === pushedAt && path[i] === "reserved") {
            holds -= 2; // moved into Shopify's reserved: Shopify's available now carries it
            inShopify = 2;
          }
          expect(holds).toBeGreaterThanOrEqual(0);
        }
        expect(holds).toBe(0);
      }
    }
  });

  it("Shopify holds the units only while reserved", () => {
    expect(RESERVATION_STATES.map((s) => shopifyTarget(s, 4))).toEqual([0, 4, 0, 0, 0]);
  });
});
