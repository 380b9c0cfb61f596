/**
 * The apply step on hand-built operations, table-driven: what the shopper sees after
 * product → order → shipping discounts, validation errors, payment and delivery
 * customizations and location rankings. Cart: checkout/carts/small.json —
 *   line 1  Summit Down Jacket / Medium   1 × $249.00
 *   line 2  Merino Base Layer             2 × $89.99 = $179.98
 *   line 3  Insulated Water Bottle        1 × $34.00
 *   subtotal $462.98; Standard shipping $6.95 selected.
 */
import { describe, expect, test } from "vitest";

import {
  applyDeliveryCustomization,
  applyDiscounts,
  applyLocationRankings,
  applyPaymentCustomization,
  applyValidation,
  DELIVERY_DISCOUNT_TARGET,
  LINES_DISCOUNT_TARGET,
  type DiscountRunOutput,
} from "../../emulator/checkout/apply";
import { NO_COMBINATIONS, type FunctionOwner } from "../../emulator/checkout/snapshot";
import { resolveCart, type CheckoutState } from "../../emulator/checkout/state";
import { shopperView } from "../../emulator/checkout/view";
import { defaultSnapshot, exampleCart } from "./helpers";

const L1 = "gid://shopify/CartLine/1";
const L2 = "gid://shopify/CartLine/2";
const L3 = "gid://shopify/CartLine/3";
const GROUP = "gid://shopify/CartDeliveryGroup/1";

const snapshot = defaultSnapshot();
const freshState = (): CheckoutState => resolveCart(snapshot, exampleCart("small"));

function owner(title: string, options: Partial<FunctionOwner> = {}): FunctionOwner {
  return {
    kind: "discount",
    gid: `gid://shopify/DiscountAutomaticNode/${title.length}${title.charCodeAt(0)}`,
    title,
    source: "store",
    enabled: true,
    metafields: [],
    discountClasses: ["PRODUCT", "ORDER", "SHIPPING"],
    combinesWith: { ...NO_COMBINATIONS },
    triggeringDiscountCode: null,
    blockOnFailure: false,
    ...options,
  };
}
const ALL_COMBINE = { productDiscounts: true, orderDiscounts: true, shippingDiscounts: true };

const pct = (value: string) => ({ percentage: { value } });
const fixed = (amount: string, appliesToEachItem?: boolean) => ({ fixedAmount: { amount, ...(appliesToEachItem === undefined ? {} : { appliesToEachItem }) } });
const line = (id: string, quantity?: number) => ({ cartLine: { id, ...(quantity ? { quantity } : {}) } });
const product = (selectionStrategy: string, candidates: unknown[]) => ({ productDiscountsAdd: { selectionStrategy, candidates } });
const order = (selectionStrategy: string, candidates: unknown[]) => ({ orderDiscountsAdd: { selectionStrategy, candidates } });
const delivery = (candidates: unknown[]) => ({ deliveryDiscountsAdd: { selectionStrategy: "ALL", candidates } });
const subtotalTarget = (excludedCartLineIds: string[] = []) => [{ orderSubtotal: { excludedCartLineIds } }];
const lines = (o: FunctionOwner, ...operations: unknown[]): DiscountRunOutput => ({ owner: o, target: LINES_DISCOUNT_TARGET, operations: operations as Record<string, unknown>[] });
const shipping = (o: FunctionOwner, ...operations: unknown[]): DiscountRunOutput => ({ owner: o, target: DELIVERY_DISCOUNT_TARGET, operations: operations as Record<string, unknown>[] });

const A = owner("Winter sale");
const B = owner("Bundle deal");
const A_COMBINES = owner("Winter sale", { combinesWith: ALL_COMBINE });
const B_COMBINES = owner("Bundle deal", { combinesWith: ALL_COMBINE });
const ORDER_ONLY = owner("Order only", { discountClasses: ["ORDER"] });

interface Expected {
  /** Line totals after product discounts, cents, lines 1..3. */
  lines: [number, number, number];
  orderDiscount?: number;
  shipping?: number;
  total: number;
  notes?: RegExp[];
}

const DISCOUNT_CASES: [string, DiscountRunOutput[], Expected][] = [
  ["no operations: nothing changes", [lines(A)], { lines: [24900, 17998, 3400], total: 46298 + 695 }],
  ["10% off line 1", [lines(A, product("FIRST", [{ targets: [line(L1)], value: pct("10") }]))], { lines: [22410, 17998, 3400], total: 43808 + 695 }],
  ["$5 off each item of line 2 (2 units)", [lines(A, product("FIRST", [{ targets: [line(L2)], value: fixed("5.00", true) }]))], { lines: [24900, 16998, 3400], total: 45298 + 695 }],
  [
    "$20 once across lines 1 and 3 (largest remainder: 1760 + 240)",
    [lines(A, product("FIRST", [{ targets: [line(L1), line(L3)], value: fixed("20") }]))],
    { lines: [23140, 17998, 3160], total: 44298 + 695 },
  ],
  ["50% off one of line 2's two units", [lines(A, product("FIRST", [{ targets: [line(L2, 1)], value: pct("50") }]))], { lines: [24900, 13498, 3400], total: 41798 + 695 }],
  [
    "FIRST takes the first candidate",
    [lines(A, product("FIRST", [{ targets: [line(L1)], value: pct("10") }, { targets: [line(L1)], value: fixed("30") }]))],
    { lines: [22410, 17998, 3400], total: 43808 + 695 },
  ],
  [
    "MAXIMUM takes the biggest reduction",
    [lines(A, product("MAXIMUM", [{ targets: [line(L1)], value: pct("10") }, { targets: [line(L1)], value: fixed("30") }]))],
    { lines: [21900, 17998, 3400], total: 43298 + 695 },
  ],
  [
    "ALL applies both, the second on what the first left",
    [lines(A, product("ALL", [{ targets: [line(L1)], value: pct("10") }, { targets: [line(L1)], value: fixed("30") }]))],
    { lines: [19410, 17998, 3400], total: 40808 + 695 },
  ],
  [
    "an unmet prerequisite skips the candidate",
    [lines(A, product("FIRST", [{ targets: [line(L1)], value: pct("50"), prerequisites: [line(L2, 3)] }, { targets: [line(L1)], value: pct("10") }]))],
    { lines: [22410, 17998, 3400], total: 43808 + 695 },
  ],
  [
    "a candidate bound to an entered code applies; one bound to another code does not",
    [lines(A, product("ALL", [{ targets: [line(L3)], value: pct("100"), associatedDiscountCode: { code: "bfcm26" } }, { targets: [line(L1)], value: pct("100"), associatedDiscountCode: { code: "OTHER" } }]))],
    { lines: [24900, 17998, 0], total: 42898 + 695 },
  ],
  [
    "a rejected code's candidate does not apply",
    [lines(A, { enteredDiscountCodesReject: { codes: [{ code: "BFCM26" }], message: "Not today" } }, product("FIRST", [{ targets: [line(L3)], value: pct("100"), associatedDiscountCode: { code: "BFCM26" } }]))],
    { lines: [24900, 17998, 3400], total: 46298 + 695 },
  ],
  [
    "product → order: 10% order discount on the subtotal after product discounts",
    [lines(A, product("FIRST", [{ targets: [line(L1)], value: pct("10") }]), order("FIRST", [{ targets: subtotalTarget(), value: pct("10") }]))],
    { lines: [22410, 17998, 3400], orderDiscount: 4381, total: 43808 - 4381 + 695 },
  ],
  [
    "an order discount excluding line 3",
    [lines(A, order("FIRST", [{ targets: subtotalTarget([L3]), value: pct("10") }]))],
    { lines: [24900, 17998, 3400], orderDiscount: 4290, total: 46298 - 4290 + 695 },
  ],
  [
    "order FIRST skips a candidate whose minimum subtotal is not met",
    [lines(A, order("FIRST", [{ targets: subtotalTarget(), value: pct("20"), conditions: [{ orderMinimumSubtotal: { excludedCartLineIds: [], minimumAmount: "500.00" } }] }, { targets: subtotalTarget(), value: pct("5") }]))],
    { lines: [24900, 17998, 3400], orderDiscount: 2315, total: 46298 - 2315 + 695 },
  ],
  [
    "order MAXIMUM: $50 beats 10% ($46.30)",
    [lines(A, order("MAXIMUM", [{ targets: subtotalTarget(), value: pct("10") }, { targets: subtotalTarget(), value: fixed("50") }]))],
    { lines: [24900, 17998, 3400], orderDiscount: 5000, total: 46298 - 5000 + 695 },
  ],
  ["free Standard shipping", [shipping(A, delivery([{ targets: [{ deliveryOption: { handle: "standard" } }], value: pct("100") }]))], { lines: [24900, 17998, 3400], shipping: 0, total: 46298 }],
  ["$2 off the whole delivery group", [shipping(A, delivery([{ targets: [{ deliveryGroup: { id: GROUP } }], value: fixed("2.00") }]))], { lines: [24900, 17998, 3400], shipping: 495, total: 46298 + 495 }],
  [
    "product → order → shipping from one discount: each on what the one before left",
    [
      lines(A, order("FIRST", [{ targets: subtotalTarget(), value: fixed("100") }]), product("FIRST", [{ targets: [line(L1)], value: pct("10") }])),
      shipping(A, delivery([{ targets: [{ deliveryOption: { handle: "standard" } }], value: pct("50") }])),
    ],
    { lines: [22410, 17998, 3400], orderDiscount: 10000, shipping: 347, total: 43808 - 10000 + 347 },
  ],
  [
    "two product discounts that do not combine: the larger stays on the line",
    [lines(A, product("FIRST", [{ targets: [line(L1)], value: pct("10") }])), lines(B, product("FIRST", [{ targets: [line(L1)], value: pct("20") }]))],
    { lines: [19920, 17998, 3400], total: 41318 + 695, notes: [/Bundle deal: does not combine with Winter sale .* the larger discount \(Bundle deal\) replaces it/] },
  ],
  [
    "two product discounts that combine: both apply",
    [lines(A_COMBINES, product("FIRST", [{ targets: [line(L1)], value: pct("10") }])), lines(B_COMBINES, product("FIRST", [{ targets: [line(L1)], value: pct("20") }]))],
    { lines: [17928, 17998, 3400], total: 39326 + 695 },
  ],
  [
    "an order discount that does not combine with an applied product discount is skipped, and says so",
    [lines(A, product("FIRST", [{ targets: [line(L1)], value: pct("10") }])), lines(B, order("FIRST", [{ targets: subtotalTarget(), value: pct("10") }]))],
    { lines: [22410, 17998, 3400], total: 43808 + 695, notes: [/Bundle deal: order discount skipped: it does not combine with Winter sale.*not simulated/] },
  ],
  [
    "a discount without the PRODUCT class cannot return product discounts",
    [lines(ORDER_ONLY, product("FIRST", [{ targets: [line(L1)], value: pct("10") }]))],
    { lines: [24900, 17998, 3400], total: 46298 + 695, notes: [/Order only: productDiscountsAdd ignored: the discount's classes are ORDER, not PRODUCT/] },
  ],
];

describe("discounts: product → order → shipping", () => {
  test.each(DISCOUNT_CASES)("%s", (_name, runs, expected) => {
    const state = freshState();
    applyDiscounts(state, runs);
    const view = shopperView(state);
    expect(view.lines.map((l) => l.discountedTotal.cents)).toEqual(expected.lines);
    expect(view.subtotal.cents).toBe(expected.lines.reduce((a, b) => a + b, 0));
    expect(view.orderDiscounts.reduce((a, d) => a + d.amount.cents, 0)).toBe(expected.orderDiscount ?? 0);
    expect(view.shipping?.cost.cents).toBe(expected.shipping ?? 695);
    expect(view.total.cents).toBe(expected.total);
    for (const note of expected.notes ?? []) expect(view.notes.join("\n")).toMatch(note);
    if (!expected.notes) expect(view.notes).toEqual([]);
    // Invariants: order allocations add up to the order discounts; no line below zero.
    expect(view.lines.every((l) => l.finalTotal.cents >= 0)).toBe(true);
    expect(view.lines.reduce((a, l) => a + l.discountedTotal.cents - l.finalTotal.cents, 0)).toBe(expected.orderDiscount ?? 0);
  });

  test("allocations carry the candidate's message, else the discount's title, and the code", () => {
    const state = freshState();
    applyDiscounts(state, [
      lines(A, product("ALL", [{ targets: [line(L1)], value: pct("10"), message: "10% off jackets" }, { targets: [line(L3)], value: fixed("4"), associatedDiscountCode: { code: "BFCM26" } }]), { enteredDiscountCodesAccept: { codes: [{ code: "BFCM26" }] } }),
    ]);
    const view = shopperView(state);
    expect(view.lines[0]?.discounts).toEqual([{ title: "10% off jackets", discountClass: "PRODUCT", amount: { cents: 2490, formatted: "$24.90" }, code: null }]);
    expect(view.lines[2]?.discounts).toEqual([{ title: "Winter sale", discountClass: "PRODUCT", amount: { cents: 400, formatted: "$4.00" }, code: "BFCM26" }]);
    expect(view.discountCodes).toEqual([{ code: "BFCM26", status: "accepted", message: null }]);
    expect(view.totalSavings.cents).toBe(2890);
  });
});

describe("validation errors", () => {
  test("validationAdd errors reach the shopper with their target, and block checkout", () => {
    const state = freshState();
    const rules = owner("Drop rules", { kind: "validation" });
    applyValidation(state, rules, [
      { validationAdd: { errors: [{ message: "Limit 1 jacket per customer", target: "$.cart.lines[0].quantity" }, { message: "We do not ship to PO boxes", target: "$.cart.deliveryGroups[0].deliveryAddress.address1" }] } },
    ]);
    const view = shopperView(state);
    expect(view.validationErrors).toEqual([
      { target: "$.cart.lines[0].quantity", message: "Limit 1 jacket per customer", by: "Drop rules" },
      { target: "$.cart.deliveryGroups[0].deliveryAddress.address1", message: "We do not ship to PO boxes", by: "Drop rules" },
    ]);
    expect(view.checkoutBlocked).toBe(true);
    expect(view.blockedBy).toEqual(["Drop rules"]);
  });

  test("no errors: checkout can complete", () => {
    const state = freshState();
    applyValidation(state, owner("Drop rules", { kind: "validation" }), [{ validationAdd: { errors: [] } }]);
    expect(shopperView(state).checkoutBlocked).toBe(false);
  });
});

const PM = (n: number) => `gid://shopify/PaymentCustomizationPaymentMethod/${n}`;

describe("payment customizations", () => {
  test.each([
    ["hide Cash on Delivery", [{ paymentMethodHide: { paymentMethodId: PM(4) } }], ["Shop Pay", "PayPal", "(for testing) Bogus Gateway", "Bank Deposit"], ["Cash on Delivery (COD)"]],
    ["rename Bank Deposit", [{ paymentMethodRename: { paymentMethodId: PM(5), name: "Bank transfer (3 days)" } }], ["Shop Pay", "PayPal", "(for testing) Bogus Gateway", "Cash on Delivery (COD)", "Bank transfer (3 days)"], []],
    ["move Bank Deposit first", [{ paymentMethodMove: { paymentMethodId: PM(5), index: 0 } }], ["Bank Deposit", "Shop Pay", "PayPal", "(for testing) Bogus Gateway", "Cash on Delivery (COD)"], []],
    ["hide Shop Pay only as an express button: still offered", [{ paymentMethodHide: { paymentMethodId: PM(1), placements: ["ACCELERATED_CHECKOUT"] } }], ["Shop Pay", "PayPal", "(for testing) Bogus Gateway", "Cash on Delivery (COD)", "Bank Deposit"], ["Shop Pay"]],
    ["an unknown method is ignored", [{ paymentMethodHide: { paymentMethodId: PM(99) } }], ["Shop Pay", "PayPal", "(for testing) Bogus Gateway", "Cash on Delivery (COD)", "Bank Deposit"], []],
  ])("%s", (_name, operations, visible, hidden) => {
    const state = freshState();
    applyPaymentCustomization(state, owner("Peak kill switch", { kind: "paymentCustomization" }), operations);
    const view = shopperView(state);
    expect(view.paymentMethods.map((p) => p.name)).toEqual(visible);
    expect(view.hiddenPaymentMethods.map((p) => p.name)).toEqual(hidden);
  });

  test("a partly hidden method lists the placements left", () => {
    const state = freshState();
    applyPaymentCustomization(state, owner("Peak kill switch", { kind: "paymentCustomization" }), [{ paymentMethodHide: { paymentMethodId: PM(1), placements: ["ACCELERATED_CHECKOUT"] } }]);
    expect(shopperView(state).paymentMethods[0]).toMatchObject({ name: "Shop Pay", placements: ["PAYMENT_METHOD"] });
  });
});

describe("delivery customizations", () => {
  test.each([
    ["hide Express", [{ deliveryOptionHide: { deliveryOptionHandle: "express" } }], ["Standard", "Local delivery", "Pick up in store"], "Standard", []],
    ["rename Standard", [{ deliveryOptionRename: { deliveryOptionHandle: "standard", title: "Standard (BFCM: 5–8 days)" } }], ["Standard (BFCM: 5–8 days)", "Express", "Local delivery", "Pick up in store"], "Standard (BFCM: 5–8 days)", []],
    ["move Express first", [{ deliveryOptionMove: { deliveryOptionHandle: "express", index: 0 } }], ["Express", "Standard", "Local delivery", "Pick up in store"], "Standard", []],
    ["hide the selected option: checkout preselects the first one left", [{ deliveryOptionHide: { deliveryOptionHandle: "standard" } }], ["Express", "Local delivery", "Pick up in store"], "Express", []],
    ["pick-up and local delivery cannot be touched", [{ deliveryOptionHide: { deliveryOptionHandle: "pick-up" } }, { deliveryOptionRename: { deliveryOptionHandle: "local-delivery", title: "x" } }], ["Standard", "Express", "Local delivery", "Pick up in store"], "Standard", [/pick-up ignored: .*PICK_UP/, /local-delivery ignored: .*LOCAL/]],
  ])("%s", (_name, operations, visible, selected, notes) => {
    const state = freshState();
    applyDeliveryCustomization(state, owner("Peak kill switch", { kind: "deliveryCustomization" }), operations);
    const view = shopperView(state);
    const group = view.deliveryGroups[0];
    expect(group?.options.map((o) => o.title)).toEqual(visible);
    expect(group?.options.find((o) => o.selected)?.title).toBe(selected);
    expect(view.shipping?.option).toBe(selected);
    for (const note of notes) expect(view.notes.join("\n")).toMatch(note);
  });
});

describe("location rankings", () => {
  test("fulfillmentGroupLocationRankingAdd orders the group's locations by rank; others are ignored with a note", () => {
    const state = freshState();
    expect(state.fulfillmentGroups[0]?.inventoryLocationHandles).toEqual(["brooklyn-warehouse", "chicago-fulfillment-center"]);
    applyLocationRankings(state, owner("Closest first", { kind: "locationRule" }), [
      {
        fulfillmentGroupLocationRankingAdd: {
          fulfillmentGroupHandle: "fulfillment-group-1",
          rankings: [
            { locationHandle: "brooklyn-warehouse", rank: 2 },
            { locationHandle: "dublin-grafton-street-store", rank: 0 },
            { locationHandle: "chicago-fulfillment-center", rank: 1 },
          ],
        },
      },
    ]);
    const view = shopperView(state);
    expect(view.fulfillment[0]?.ranking).toEqual([
      { rank: 1, handle: "chicago-fulfillment-center", name: "Chicago Fulfillment Center", by: "Closest first" },
      { rank: 2, handle: "brooklyn-warehouse", name: "Brooklyn Warehouse", by: "Closest first" },
    ]);
    expect(view.notes.join("\n")).toMatch(/dublin-grafton-street-store .* not one of its inventory locations/);
  });
});
