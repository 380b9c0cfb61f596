/**
 * What the shopper would see, read off the final checkout state: lines with original and
 * discounted prices, discounts with their titles, subtotal / shipping / total, validation
 * errors, the payment methods and delivery options left after customizations, and the
 * location ranking per fulfillment group. Money is integer minor units plus the formatted
 * string; taxes and duties are not simulated (total = subtotal − order discounts + shipping).
 */
import { locationHandle } from "./snapshot";
import {
  effectiveSelection,
  lineAfterProductCents,
  lineFinalCents,
  lineSubtotalCents,
  optionCostCents,
  totals,
  type CheckoutState,
} from "./state";
import { formatMoney } from "./values";

export interface Money {
  cents: number;
  formatted: string;
}

export interface ShopperLine {
  id: string;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  unitPrice: Money;
  /** Before any discount. */
  originalTotal: Money;
  /** After product discounts: the price the line shows. */
  discountedTotal: Money;
  /** After product and order discounts (the line's share of the order). */
  finalTotal: Money;
  discounts: { title: string; discountClass: string; amount: Money; code: string | null }[];
}

export interface ShopperDeliveryOption {
  handle: string;
  title: string;
  originalTitle: string;
  type: string;
  cost: Money;
  discountedCost: Money;
  discounts: { title: string; amount: Money }[];
  selected: boolean;
  renamedBy: string | null;
}

export interface ShopperView {
  currency: string;
  lines: ShopperLine[];
  /** Lines before discounts. */
  linesTotal: Money;
  /** After product discounts. */
  subtotal: Money;
  orderDiscounts: { title: string; amount: Money; code: string | null }[];
  shipping: { option: string | null; original: Money; cost: Money; discounts: { title: string; amount: Money }[] } | null;
  total: Money;
  totalSavings: Money;
  discountCodes: { code: string; status: string; message: string | null }[];
  validationErrors: { target: string; message: string; by: string }[];
  /** True when a validation error stands or a blockOnFailure validation failed. */
  checkoutBlocked: boolean;
  blockedBy: string[];
  deliveryGroups: { id: string; options: ShopperDeliveryOption[]; hidden: { handle: string; title: string; hiddenBy: string }[] }[];
  paymentMethods: { id: string; name: string; originalName: string; placements: string[]; renamedBy: string | null }[];
  hiddenPaymentMethods: { id: string; name: string; placements: string[]; hiddenBy: string }[];
  paymentTerms: { terms: unknown; by: string }[];
  orderReviews: { reason: string; by: string }[];
  fulfillment: {
    handle: string;
    inventoryLocations: { handle: string; name: string }[];
    ranking: { rank: number; handle: string; name: string; by: string }[] | null;
  }[];
  fulfillmentConstraints: { operation: string; detail: unknown; by: string }[];
  notes: string[];
}

export function shopperView(state: CheckoutState): ShopperView {
  const m = (cents: number): Money => ({ cents, formatted: formatMoney(cents, state.currency) });
  const t = totals(state);

  const orderDiscounts = new Map<string, { title: string; cents: number; code: string | null }>();
  for (const line of state.lines) {
    for (const a of line.orderAllocations) {
      const key = `${a.ownerKey}|${a.title}`;
      const entry = orderDiscounts.get(key) ?? { title: a.title, cents: 0, code: a.code };
      entry.cents += a.cents;
      orderDiscounts.set(key, entry);
    }
  }

  const locationsByHandle = new Map([...state.snapshot.locations.values()].map((l) => [locationHandle(l), l]));
  const nameOf = (handle: string): string => locationsByHandle.get(handle)?.name ?? handle;

  let shipping: ShopperView["shipping"] = null;
  if (state.deliveryGroups.length > 0) {
    const selections = state.deliveryGroups.map(effectiveSelection).filter((o) => o !== null);
    shipping = {
      option: selections.length > 0 ? selections.map((o) => o.title).join(" + ") : null,
      original: m(t.shippingOriginalCents),
      cost: m(t.shippingCents),
      discounts: selections.flatMap((o) => o.discounts.map((d) => ({ title: d.title, amount: m(d.cents) }))),
    };
  }

  return {
    currency: state.currency,
    lines: state.lines.map((line) => ({
      id: line.id,
      title: line.product.title,
      variantTitle: line.variant.title === "Default Title" ? null : line.variant.title,
      sku: line.variant.sku,
      quantity: line.quantity,
      unitPrice: m(line.unitCents),
      originalTotal: m(lineSubtotalCents(line)),
      discountedTotal: m(lineAfterProductCents(line)),
      finalTotal: m(lineFinalCents(line)),
      discounts: [...line.productAllocations, ...line.orderAllocations].map((a) => ({ title: a.title, discountClass: a.discountClass, amount: m(a.cents), code: a.code })),
    })),
    linesTotal: m(t.linesCents),
    subtotal: m(t.subtotalCents),
    orderDiscounts: [...orderDiscounts.values()].map((d) => ({ title: d.title, amount: m(d.cents), code: d.code })),
    shipping,
    total: m(t.totalCents),
    totalSavings: m(t.linesCents - t.subtotalCents + t.orderDiscountCents + t.shippingOriginalCents - t.shippingCents),
    discountCodes: state.discountCodes.map((c) => ({ code: c.code, status: c.status, message: c.message })),
    validationErrors: state.validationErrors.map((e) => ({ target: e.target, message: e.message, by: e.by })),
    checkoutBlocked: state.validationErrors.length > 0 || state.blockedBy.length > 0,
    blockedBy: [...new Set([...state.validationErrors.map((e) => e.by), ...state.blockedBy])],
    deliveryGroups: state.deliveryGroups.map((group) => {
      const selected = effectiveSelection(group);
      return {
        id: group.id,
        options: group.options
          .filter((o) => o.hiddenBy === null)
          .map((o) => ({
            handle: o.handle,
            title: o.title,
            originalTitle: o.originalTitle,
            type: o.type,
            cost: m(o.costCents),
            discountedCost: m(optionCostCents(o)),
            discounts: o.discounts.map((d) => ({ title: d.title, amount: m(d.cents) })),
            selected: o === selected,
            renamedBy: o.renamedBy,
          })),
        hidden: group.options.filter((o) => o.hiddenBy !== null).map((o) => ({ handle: o.handle, title: o.originalTitle, hiddenBy: o.hiddenBy as string })),
      };
    }),
    paymentMethods: state.paymentMethods
      .filter((p) => p.hiddenPlacements.length < p.placements.length)
      .map((p) => ({ id: p.id, name: p.name, originalName: p.originalName, placements: p.placements.filter((x) => !p.hiddenPlacements.includes(x)), renamedBy: p.renamedBy })),
    hiddenPaymentMethods: state.paymentMethods
      .filter((p) => p.hiddenPlacements.length > 0)
      .map((p) => ({ id: p.id, name: p.originalName, placements: [...p.hiddenPlacements], hiddenBy: p.hiddenBy ?? "" })),
    paymentTerms: state.paymentTerms,
    orderReviews: state.orderReviews,
    fulfillment: state.fulfillmentGroups.map((g) => ({
      handle: g.handle,
      inventoryLocations: g.inventoryLocationHandles.map((h) => ({ handle: h, name: nameOf(h) })),
      ranking: g.rankings?.map((r) => ({ rank: r.rank, handle: r.locationHandle, name: nameOf(r.locationHandle), by: r.by })) ?? null,
    })),
    fulfillmentConstraints: state.fulfillmentConstraints,
    notes: [...state.notes],
  };
}
