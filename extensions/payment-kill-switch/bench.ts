/**
 * The payment kill-switch function per number of payment methods offered ("lines" = methods:
 * the input selects no cart lines), with no switch, a typical peak state and the fullest
 * metafield the app writes (just under 10,000 bytes). Floor: the same input parsed, no work.
 */
import { defineBenchmarks } from "../../functions/bench-spec";
import { fullKillSwitches, typicalKillSwitches } from "../../app/domain/kill-switches/bench-states";
import type { KillSwitches } from "../../app/domain/kill-switches/format";

const NAMES = ["Shop Pay", "PayPal", "Klarna - Pay later in 3 installments", "Cash on Delivery (COD)", "Bank Deposit", "Apple Pay", "Google Pay"];
const SIZES = [1, 5, 10, 25];

function input(methods: number, ks: KillSwitches | null) {
  return {
    paymentMethods: Array.from({ length: methods }, (_, i) => ({
      id: `gid://shopify/PaymentCustomizationPaymentMethod/${i}`,
      name: i < NAMES.length ? NAMES[i]! : `Gateway ${i}`,
    })),
    localization: { market: { handle: "eu" } },
    shop: { localTime: { date: "2026-11-27" }, killSwitches: ks ? { jsonValue: ks } : null },
  };
}

export default defineBenchmarks([
  { target: "cart.payment-methods.transform.run", label: "no switches", sizes: SIZES, input: (n) => input(n, null) },
  { target: "cart.payment-methods.transform.run", label: "typical peak state", sizes: SIZES, input: (n) => input(n, typicalKillSwitches()) },
  { target: "cart.payment-methods.transform.run", label: "full metafield (~10 kB)", sizes: SIZES, input: (n) => input(n, fullKillSwitches()) },
]);
