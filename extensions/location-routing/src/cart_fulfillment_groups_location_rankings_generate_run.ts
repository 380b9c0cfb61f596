import type { CartFulfillmentGroupsLocationRankingsGenerateRunInput as Input, CartFulfillmentGroupsLocationRankingsGenerateRunResult } from "../generated/api";
import { readAtp } from "../../../app/domain/inventory/atp-metafield";
import { numericId, parseRoutingConfig } from "../../../app/domain/routing/config";
import { latLng } from "../../../app/domain/routing/geo";
import { rankGroup, type RoutingLine, type RoutingLocation } from "../../../app/domain/routing/rank";

/**
 * The figure's byLocation, or null when the figure is unusable or has none. The fast path
 * accepts exactly what readAtp accepts (v 1, an integer total; tests/domain/routing checks
 * the two agree) without allocating a reading per cart line; anything else goes to readAtp.
 */
export function byLocationOf(json: unknown): Readonly<Record<string, unknown>> | null {
  if (json && typeof json === "object") {
    const f = json as { v?: unknown; total?: unknown; byLocation?: unknown };
    if (f.v !== 1 || typeof f.total !== "number" || !Number.isSafeInteger(f.total)) return null;
    return f.byLocation && typeof f.byLocation === "object" ? (f.byLocation as Record<string, unknown>) : null;
  }
  const reading = readAtp(json);
  return reading ? reading.byLocation : null;
}

/**
 * Past this many cart lines the ranking would not fit the 11M-instruction budget (bench: ~75k
 * instructions a line with a published figure, ~46k of them parsing the input), so the function
 * returns at once and Shopify's own routing applies. Drop carts are far smaller.
 */
export const MAX_RANKED_LINES = 120;

const NO_CHANGES: CartFulfillmentGroupsLocationRankingsGenerateRunResult = { operations: [] };

/**
 * Reads its config (shop metafield $app:peakguard.routing) leniently, ranks each fulfillment
 * group with the domain's rankGroup (only locations whose published ATP covers the group),
 * and maps the rankings to operations. A group it cannot rank (ATP not published, nothing in
 * stock) gets no operation: Shopify's own routing applies, as it does for a cart of more than
 * MAX_RANKED_LINES lines. Never throws: any unexpected input ends in no operations.
 */
export function cartFulfillmentGroupsLocationRankingsGenerateRun(input: Input): CartFulfillmentGroupsLocationRankingsGenerateRunResult {
  try {
    let lineCount = 0;
    for (const group of input.fulfillmentGroups) lineCount += group.c.length;
    if (lineCount > MAX_RANKED_LINES) return NO_CHANGES;
    const config = parseRoutingConfig(input.shop.r?.j);
    const locations: RoutingLocation[] = input.locations.map((l) => {
      const at = latLng(l.a.y, l.a.x);
      return { handle: l.h, key: numericId(l.i), lat: at ? at.lat : null, lng: at ? at.lng : null };
    });
    const operations: CartFulfillmentGroupsLocationRankingsGenerateRunResult["operations"] = [];
    for (const group of input.fulfillmentGroups) {
      // byLocation is handed over as it is (a location missing from it does not sell online:
      // it has nothing to promise); a figure without byLocation is unknown per location.
      const lines: RoutingLine[] = group.c.map((line) => ({ quantity: line.q, atp: byLocationOf("a" in line.m ? line.m.a?.j : null) }));
      const address = group.d ? latLng(group.d.y, group.d.x) : null;
      const ranking = rankGroup({ handle: group.h, locationHandles: group.l, address, lines }, locations, config);
      if (ranking.ranked.length === 0) continue;
      operations.push({
        fulfillmentGroupLocationRankingAdd: {
          fulfillmentGroupHandle: group.h,
          rankings: ranking.ranked.map((locationHandle, rank) => ({ locationHandle, rank })),
        },
      });
    }
    return { operations };
  } catch {
    return NO_CHANGES;
  }
}
