import type {
  CartDeliveryOptionsTransformRunInput,
  CartDeliveryOptionsTransformRunResult,
} from "../generated/api";
import { isDeliveryOptionKilled, parseKillSwitches } from "../../../app/domain/kill-switches/format";

const NO_CHANGES: CartDeliveryOptionsTransformRunResult = { operations: [] };

/** Shopify does not let a delivery customization touch local pickup or local delivery. */
const UNTOUCHABLE = new Set(["PICK_UP", "LOCAL"]);

/**
 * Hides the delivery options the shop's kill-switch metafield names (by handle, title and/or
 * delivery method type, optionally only in some markets, until the switch's expiry date).
 * Reads the metafield leniently: absent or unreadable kills nothing. Never throws.
 *
 * Defence in depth behind the admin's last-method guard: in a delivery group where every
 * option would be hidden, it hides none of that group's options (a group with no way to
 * deliver blocks the checkout).
 */
export function cartDeliveryOptionsTransformRun(
  input: CartDeliveryOptionsTransformRunInput
): CartDeliveryOptionsTransformRunResult {
  try {
    const ks = parseKillSwitches(input.shop?.killSwitches?.jsonValue);
    if (ks.ship.length === 0) return NO_CHANGES;
    const today = input.shop?.localTime?.date;
    const market = input.localization?.market?.handle;
    const hidden = new Set<string>();
    for (const group of input.cart?.deliveryGroups ?? []) {
      const options = group.deliveryOptions ?? [];
      const killed = options.filter(
        (option) => !UNTOUCHABLE.has(option.deliveryMethodType) && isDeliveryOptionKilled(ks, option, today, market)
      );
      if (killed.length === 0 || killed.length === options.length) continue;
      for (const option of killed) hidden.add(option.handle);
    }
    return { operations: [...hidden].map((handle) => ({ deliveryOptionHide: { deliveryOptionHandle: handle } })) };
  } catch {
    return NO_CHANGES;
  }
}
