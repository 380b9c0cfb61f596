/**
 * The promotions Admin documents (graphql/admin/Discount*.graphql, ShopifyFunctionsDiscount)
 * validate against the pinned schema and run on the store emulator with these variables, the
 * shape the schema promises, no userErrors. (tests/emulator/conformance.test.ts keeps the list
 * for every document; these are the entries it needs for ours.)
 */
import { readFileSync } from "node:fs";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema } from "../../emulator/schema";
import { appFunctions } from "../../emulator/seed/generate";
import { harness, IDS, SEED, shapeProblems, type Harness } from "../emulator/helpers";

const schema = adminSchema();
const METAFIELDS = [
  { namespace: "$app:peakguard", key: "promotions", type: "json", value: '{"v":1,"c":"USD","p":[]}' },
  { namespace: "$app:peakguard", key: "promotion_set", type: "json", value: '{"schemaVersion":1,"currencyCode":"USD","floor":{"minPercentOfSubtotal":0,"allowFreeOrder":false},"promotions":[]}' },
  { namespace: "$app:peakguard", key: "promotion_vars", type: "json", value: '{"c":[],"t":[]}' },
];
function discount(h: Harness): string {
  const body = h.gql(`mutation($d: DiscountAutomaticAppInput!) { discountAutomaticAppCreate(automaticAppDiscount: $d) { automaticAppDiscount { discountId } userErrors { message } } }`, {
    d: { functionHandle: "promotion-stacking", title: "Conformance promotions", discountClasses: ["PRODUCT", "ORDER", "SHIPPING"], metafields: METAFIELDS },
  }).data?.discountAutomaticAppCreate;
  expect(body.userErrors).toEqual([]);
  return body.automaticAppDiscount.discountId;
}
const VARIABLES: Record<string, (h: Harness) => Record<string, unknown>> = {
  "ShopifyFunctionsDiscount.graphql": () => ({}),
  "DiscountProductCollections.graphql": () => ({ ids: [IDS.jacket, "gid://shopify/Product/1"] }),
  "DiscountAutomaticAppCreate.graphql": () => ({
    automaticAppDiscount: { functionHandle: "promotion-stacking", title: "Peakguard promotions", discountClasses: ["PRODUCT", "ORDER", "SHIPPING"],
      combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false }, metafields: METAFIELDS },
  }),
  "DiscountAutomaticAppUpdate.graphql": (h) => ({ id: discount(h), automaticAppDiscount: { title: "Peakguard promotions (edited)", discountClasses: ["PRODUCT"], combinesWith: { orderDiscounts: true }, metafields: METAFIELDS } }),
  "DiscountPromotionSet.graphql": (h) => ({ id: discount(h) }),
  "DiscountPromotionsList.graphql": (h) => { discount(h); return { first: 50 }; },
};
describe("the promotions documents against the emulator", () => {
  it.each(Object.keys(VARIABLES))("%s", (name) => {
    const h = harness({ seed: { ...SEED, functions: appFunctions() } });
    const source = readFileSync(`graphql/admin/${name}`, "utf8");
    expect(validate(schema, parse(source))).toEqual([]);
    const body = h.gql(source, VARIABLES[name]!(h));
    expect(body.errors).toBeUndefined();
    for (const payload of Object.values((body.data ?? {}) as Record<string, { userErrors?: unknown } | null>)) if (payload && "userErrors" in payload) expect(payload.userErrors).toEqual([]);
    expect(shapeProblems(schema, source, body.data)).toEqual([]);
    expect(body.extensions?.cost?.requestedQueryCost).toBeGreaterThan(0);
  });
});
