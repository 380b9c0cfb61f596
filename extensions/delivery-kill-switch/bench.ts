/**
 * The delivery kill-switch function per number of delivery options in each of 2 delivery groups
 * ("lines" = options per group: the input selects no cart lines), with no switch, a typical
 * peak state and the fullest metafield the app writes (just under 10,000 bytes).
 */
import { defineBenchmarks } from "../../functions/bench-spec";
import { fullKillSwitches, typicalKillSwitches } from "../../app/domain/kill-switches/bench-states";
import type { KillSwitches } from "../../app/domain/kill-switches/format";

const SIZES = [1, 5, 10, 25];
const KINDS = ["SHIPPING", "SHIPPING", "PICKUP_POINT", "SHIPPING", "PICK_UP"] as const;

function option(group: number, i: number) {
  const title = i === 1 ? "Express Overnight" : i === 3 ? "DHL Express Worldwide" : `Standard ${group}-${i}`;
  return { handle: `${title.toLowerCase().replace(/\s+/g, "-")}-${group}${i}`, title, deliveryMethodType: KINDS[i % KINDS.length]! };
}

function input(options: number, ks: KillSwitches | null) {
  return {
    cart: {
      deliveryGroups: [0, 1].map((g) => ({ deliveryOptions: Array.from({ length: options }, (_, i) => option(g, i)) })),
    },
    localization: { market: { handle: "eu" } },
    shop: { localTime: { date: "2026-11-27" }, killSwitches: ks ? { jsonValue: ks } : null },
  };
}

export default defineBenchmarks([
  { target: "cart.delivery-options.transform.run", label: "no switches", sizes: SIZES, input: (n) => input(n, null) },
  { target: "cart.delivery-options.transform.run", label: "typical peak state", sizes: SIZES, input: (n) => input(n, typicalKillSwitches()) },
  { target: "cart.delivery-options.transform.run", label: "full metafield (~10 kB)", sizes: SIZES, input: (n) => input(n, fullKillSwitches()) },
]);
