import type {
  CartPaymentMethodsTransformRunInput,
  CartPaymentMethodsTransformRunResult,
} from "../generated/api";
import { isPaymentMethodKilled, parseKillSwitches } from "../../../app/domain/kill-switches/format";

const NO_CHANGES: CartPaymentMethodsTransformRunResult = { operations: [] };

/**
 * Hides the payment methods the shop's kill-switch metafield names (by name, optionally only in
 * some markets, until the switch's expiry date). Reads the metafield leniently: absent or
 * unreadable kills nothing. Never throws.
 *
 * Defence in depth behind the admin's last-method guard: if every method offered in this
 * checkout would be hidden, it hides none (a checkout with no way to pay sells nothing; the
 * admin refuses such a flip for the methods the merchant declared, this covers the rest).
 */
export function cartPaymentMethodsTransformRun(
  input: CartPaymentMethodsTransformRunInput
): CartPaymentMethodsTransformRunResult {
  try {
    const ks = parseKillSwitches(input.shop?.killSwitches?.jsonValue);
    const methods = input.paymentMethods ?? [];
    if (ks.pay.length === 0 || methods.length === 0) return NO_CHANGES;
    const today = input.shop?.localTime?.date;
    const market = input.localization?.market?.handle;
    const hidden = methods.filter((method) => isPaymentMethodKilled(ks, method.name, today, market));
    if (hidden.length === 0 || hidden.length === methods.length) return NO_CHANGES;
    return { operations: hidden.map((method) => ({ paymentMethodHide: { paymentMethodId: method.id } })) };
  } catch {
    return NO_CHANGES;
  }
}
