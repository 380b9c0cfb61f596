/** The editor's form ↔ the promotion set, and validator paths → the form's fields. */
import { describe, expect, it } from "vitest";

import { validatePromotionSet } from "~/domain/promotions/validate";
import { blankPromotion, errorsByField, formFromSet, setFromForm } from "~/services/promotions/form";

import { authoredSet, SHOP_ZONE, springSeedSet } from "../domain/promotions/seed-set";

const NONE = { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false };

describe("the editor's form", () => {
  it.each([
    ["the spring seed", springSeedSet()],
    ["the BFCM set (buy X get Y, caps, recurring hours, tags)", authoredSet()],
  ])("gives back %s unchanged after a round trip through its fields", (_label, authored) => {
    const v = validatePromotionSet(authored);
    if (!v.ok) throw new Error("seed");
    const again = validatePromotionSet(setFromForm(formFromSet(v.set, "T", NONE, SHOP_ZONE)).set);
    if (!again.ok) throw new Error(JSON.stringify(again.errors));
    expect(again.set).toEqual(v.set);
  });

  it("reads money as the shop currency's decimals, and passes what does not parse on for the validator to name", () => {
    const form = { ...formFromSet(validated(), "T", NONE, SHOP_ZONE) };
    form.promotions = [{ ...blankPromotion(0, SHOP_ZONE), minSubtotal: "49.99", maxDiscount: "ten", actionType: "fixed_off", amount: "5" }];
    const { set } = setFromForm(form);
    const p = (set.promotions as Record<string, Record<string, unknown>>[])[0]!;
    expect(p.conditions).toEqual({ minSubtotalCents: 4999 });
    expect(p.caps).toEqual({ maxDiscountCents: "ten" });
    expect(p.action).toEqual({ type: "fixed_off", amountCents: 500, appliesTo: "matching_lines" });
  });

  it("puts each validator error on the field that shows it, and the rest on the set", () => {
    expect(errorsByField([
      { path: "promotions[1].conditions.timeWindow.end", message: "must be after start" },
      { path: "promotions[1].conditions.timeWindow", message: "window slots" },
      { path: "promotions[0].action.get.percent", message: "0 < p ≤ 100" },
      { path: "promotions[0].action.get.anyOfCollections[0]", message: "not a GID" },
      { path: "promotions[0].caps.maxDiscountCents", message: "at least 1" },
      { path: "promotions[0].stacksWith[2]", message: "no promotion has id" },
      { path: "promotions[0].stacksWith[3]", message: "a promotion cannot list itself" },
      { path: "promotions[2]", message: "must be an object" },
      { path: "floor.minPercentOfSubtotal", message: "below 100" },
      { path: "promotions", message: "the set compiles to 12,000 bytes" },
    ])).toEqual({
      "promotions.1.windowEnd": "must be after start",
      "promotions.1.windowStart": "window slots",
      "promotions.0.getPercent": "0 < p ≤ 100",
      "promotions.0.getCollections": "not a GID",
      "promotions.0.maxDiscount": "at least 1",
      "promotions.0.stacksWith": "no promotion has id; a promotion cannot list itself",
      "promotions.2": "promotion: must be an object",
      floorPercent: "below 100",
      "": "promotions: the set compiles to 12,000 bytes",
    });
  });
});

function validated() {
  const v = validatePromotionSet(springSeedSet());
  if (!v.ok) throw new Error("seed");
  return v.set;
}
