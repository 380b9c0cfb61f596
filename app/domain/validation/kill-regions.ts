/**
 * Peak region kill switches at checkout (issue 8): the shop's kill-switch metafield
 * (`$app:peakguard.kill_switches`, format and matching rules in ../kill-switches/format.ts)
 * names countries and markets checkout must not take orders for. The checkout-validation
 * function blocks them here, before and independently of the merchant's checkout rules: a
 * missing or unreadable rule set does not lift a kill switch, and a kill switch has no
 * testing mode.
 *
 * - Steps: like address rules, only at checkout (CHECKOUT_INTERACTION, CHECKOUT_COMPLETION,
 *   or no step): on the cart page there is no address yet, and an error there would stop
 *   the shopper from editing the cart.
 * - Each delivery group with an address is checked with its country and the checkout's
 *   market; the error targets that group's `deliveryAddress.countryCode` (the field the
 *   shopper changes). With no address yet, a market switch (no country) still blocks, on
 *   `$.cart`.
 * - Expiry: `today` is `shop.localTime.date`; a switch is ignored once today is after its
 *   `until` (the safety net behind the app's expiry job).
 * - Message: the switch's own message in the shopper's language when the merchant wrote one,
 *   else ours in en / fr / de (messages.ts), naming the country.
 * - Never throws on a malformed or missing metafield: nothing is killed.
 */
import { findRegionKill, parseRegionKillSwitches, regionMessageIn, type RegionKill } from "../kill-switches/format";
import { CART_TARGET } from "./evaluate";
import { message, pickLanguage } from "./messages";
import type { BuyerJourneyStep, DeliveryAddressInput, ValidationMessage } from "./types";

/** What the kill-switch check reads from the function input. */
export interface RegionKillInput {
  buyerJourney: { step?: BuyerJourneyStep | null };
  localization: { language: { isoCode: string } };
  cart: { deliveryGroups: { deliveryAddress?: Pick<DeliveryAddressInput, "countryCode"> | null }[] };
}

export interface RegionKillError extends ValidationMessage {
  /** What matched, for the admin and the receipt: "FR", "market eu", "FR in eu". */
  region: string;
}

function describe(sw: RegionKill): string {
  return sw.cc && sw.mk ? `${sw.cc} in ${sw.mk}` : sw.cc ? sw.cc : `market ${sw.mk ?? "?"}`;
}

function wording(sw: RegionKill, isoCode: string, country: string | null): string {
  const own = regionMessageIn(sw, isoCode);
  if (own) return own;
  const lang = pickLanguage(isoCode);
  return country ? message(lang, "regionPaused", { country }) : message(lang, "marketPaused", {});
}

/**
 * Whether some region switch in the raw metafield value could match this checkout: its
 * country among the delivery addresses' (or no country), its market this one (or none).
 * false lets the function skip reading the metafield in full — a busy day's value names
 * payment, delivery and promotion switches too, and a region switch for a country this
 * cart does not ship to. Conservative: whatever it cannot tell (a string value, an entry
 * that is not an object) counts as "could", and parseRegionKillSwitches / findRegionKill
 * decide as before.
 */
function couldMatch(raw: unknown, groups: RegionKillInput["cart"]["deliveryGroups"], market: string | null | undefined): boolean {
  if (typeof raw !== "object" || raw === null) return raw !== null && raw !== undefined;
  const region = (raw as { region?: unknown }).region;
  if (!Array.isArray(region)) return false;
  for (let k = 0; k < region.length; k++) {
    const entry = region[k] as { cc?: unknown; mk?: unknown } | null;
    if (typeof entry !== "object" || entry === null) return true;
    const mk = entry.mk;
    if (typeof mk === "string" && mk !== "" && mk !== market) continue;
    const cc = entry.cc;
    if (typeof cc !== "string" || cc === "") return true;
    const upper = cc.toUpperCase();
    for (let i = 0; i < groups.length; i++) {
      const country = groups[i]!.deliveryAddress?.countryCode;
      if (typeof country === "string" && country.toUpperCase() === upper) return true;
    }
  }
  return false;
}

/**
 * The errors the region kill switches add to this checkout: one per delivery group whose
 * destination is killed, or one on the cart for a killed market with no address yet.
 * `killSwitches` is the metafield's jsonValue (or value); `market` the checkout's market
 * handle; `today` the shop-local date.
 */
export function regionKillErrors(
  killSwitches: unknown,
  input: RegionKillInput,
  market: string | null | undefined,
  today: string | null | undefined
): RegionKillError[] {
  if (input.buyerJourney.step === "CART_INTERACTION") return [];
  const groups = input.cart.deliveryGroups;
  if (!couldMatch(killSwitches, groups, market)) return [];
  const ks = parseRegionKillSwitches(killSwitches);
  if (ks.region.length === 0) return [];
  const isoCode = input.localization.language.isoCode;
  const errors: RegionKillError[] = [];
  let addressed = false;
  for (let i = 0; i < groups.length; i++) {
    const address = groups[i]!.deliveryAddress;
    if (!address) continue;
    addressed = true;
    const country = typeof address.countryCode === "string" && address.countryCode !== "" ? address.countryCode.toUpperCase() : null;
    const sw = findRegionKill(ks, country, market, today);
    if (sw) errors.push({ target: `$.cart.deliveryGroups[${i}].deliveryAddress.countryCode`, message: wording(sw, isoCode, country), region: describe(sw) });
  }
  if (!addressed) {
    const sw = findRegionKill(ks, null, market, today);
    if (sw) errors.push({ target: CART_TARGET, message: wording(sw, isoCode, null), region: describe(sw) });
  }
  return errors;
}
