/** The cart file: every problem named by its field; defaults filled in once; store references checked. */
import { describe, expect, test } from "vitest";

import { CartFileError, DEFAULT_PAYMENT_METHODS, parseCartFile } from "../../emulator/checkout/cart";
import { CartResolveError, resolveCart } from "../../emulator/checkout/state";
import { cart, defaultSnapshot } from "./helpers";

const problemsOf = (raw: unknown): string[] => {
  try {
    parseCartFile(raw, "cart.json");
  } catch (error) {
    if (error instanceof CartFileError) return error.problems;
    throw error;
  }
  return [];
};

describe("parseCartFile", () => {
  test.each([
    ["not an object", [], ["the cart must be a JSON object, got an array"]],
    ["no lines", {}, ["lines: must be an array of cart lines, got nothing"]],
    ["both variantId and sku", { lines: [{ variantId: 1, sku: "A", quantity: 1 }] }, ["lines[0]: needs exactly one of variantId or sku"]],
    ["a zero quantity", { lines: [{ sku: "A", quantity: 0 }] }, ["lines[0].quantity: must be a positive integer, got number 0"]],
    ["a product gid as variantId", { lines: [{ variantId: "gid://shopify/Product/1", quantity: 1 }] }, ['lines[0].variantId: must be a variant id (a number or gid://shopify/ProductVariant/<n>), got string "gid://shopify/Product/1"']],
    ["an attribute that is not a string", { lines: [{ sku: "A", quantity: 1, attributes: { n: 1 } }] }, ["lines[0].attributes.n: must be a string, got number 1"]],
    ["a lowercase country", { lines: [], address: { countryCode: "us" } }, ['address.countryCode: "us" must be an ISO 3166-1 alpha-2 code like US']],
    ["a typo in a field name", { lines: [], adress: {} }, [expect.stringMatching(/^adress: unknown field/)]],
    ["authenticated without a customer", { lines: [], buyer: { email: "a@b.c", isAuthenticated: true } }, ["buyer.isAuthenticated: is true but no customerId is given (an authenticated buyer is a customer)"]],
    ["a negative delivery cost", { lines: [], deliveryOptions: [{ handle: "x", title: "X", costCents: -1 }] }, ["deliveryOptions[0].costCents: must be a non-negative integer (minor units), got number -1"]],
    ["an unknown journey step", { lines: [], buyerJourneyStep: "PAYMENT" }, ['buyerJourneyStep: must be one of CART_INTERACTION, CHECKOUT_INTERACTION, CHECKOUT_COMPLETION, got string "PAYMENT"']],
    ["a zoned `now`", { lines: [], now: "2026-11-27T09:30:00Z" }, ['now: "2026-11-27T09:30:00Z" must be a shop-local time like 2026-11-27T09:30:00 (no zone)']],
    ["a zero-decimal currency", { lines: [], presentmentCurrency: "JPY", presentmentCurrencyRate: "150" }, ["presentmentCurrency: JPY has 0 minor-unit digits; the simulator handles two-decimal currencies only"]],
    ["the same code twice", { lines: [], discountCodes: ["BFCM", "bfcm"] }, ['discountCodes[1]: "bfcm" is entered twice (codes are case-insensitive)']],
    ["owner metafield JSON that does not parse", { lines: [], functionOwners: { x: { metafields: [{ namespace: "n", key: "k", type: "json", value: "{" }] } } }, [expect.stringMatching(/^functionOwners\.x\.metafields\[0\]\.value: is not valid JSON/)]],
  ])("%s", (_name, raw, problems) => {
    expect(problemsOf(raw)).toEqual(problems);
  });

  test("every problem at once, in one error naming the file", () => {
    expect(() => parseCartFile({ lines: [{ quantity: 0 }], language: "english" }, "carts/x.json")).toThrow(
      /^carts\/x\.json: \n {2}lines\[0\]: needs exactly one of variantId or sku\n {2}lines\[0\]\.quantity: .*\n {2}language: "english" must be a LanguageCode/,
    );
  });

  test("defaults", () => {
    const parsed = parseCartFile({ lines: [{ sku: "A", quantity: 1 }], buyer: { customerId: "gid://shopify/Customer/7" } });
    expect(parsed).toMatchObject({
      buyer: { customerId: 7, email: null, phone: null, isAuthenticated: true },
      language: "EN",
      buyerJourneyStep: "CHECKOUT_COMPLETION",
      deliveryOptions: null,
      paymentMethods: DEFAULT_PAYMENT_METHODS,
      functions: [],
    });
  });
});

describe("resolveCart", () => {
  const snapshot = defaultSnapshot();
  const problemsOf = (overrides: Record<string, unknown>): string[] => {
    try {
      resolveCart(snapshot, cart(overrides));
    } catch (error) {
      if (error instanceof CartResolveError) return error.problems;
      throw error;
    }
    return [];
  };
  test.each([
    ["an unknown SKU", { lines: [{ sku: "NOPE", quantity: 1 }] }, ["lines[0].sku: no variant with SKU NOPE in the store"]],
    ["an unknown variant", { lines: [{ variantId: 42, quantity: 1 }] }, ["lines[0].variantId: no variant 42 in the store"]],
    ["a line Shopify would merge", { lines: [{ sku: "PG-JKT-M", quantity: 1 }, { variantId: 8200000000002, quantity: 2 }] }, ["lines[1]: same variant (PG-JKT-M) and attributes as lines[0]; Shopify merges such lines into one: add the quantities"]],
    ["an unknown customer", { buyer: { customerId: 1 } }, ["buyer.customerId: no customer 1 in the store"]],
    ["a selected option not offered", { address: { countryCode: "US" }, selectedDeliveryOption: "drone" }, ['selectedDeliveryOption: "drone" is not one of the delivery options (standard, express, local-delivery, pick-up)']],
    ["another currency without a rate", { presentmentCurrency: "EUR" }, ["presentmentCurrencyRate: required when presentmentCurrency (EUR) is not the shop's currency (USD)"]],
    ["a POS cart with an address", { retailLocationId: 70100000003, address: { countryCode: "IE" } }, ["retailLocationId: a POS cart is handed over at the counter; it takes no address or deliveryOptions"]],
    ["another shop's cart", { shop: "other.myshopify.com" }, ["shop: the cart is for other.myshopify.com, the store is peakguard-demo.myshopify.com"]],
  ])("%s", (_name, overrides, problems) => {
    expect(problemsOf(overrides)).toEqual(problems);
  });

  test("a presentment currency converts prices at the rate; a POS cart has no delivery groups", () => {
    const state = resolveCart(snapshot, cart({ presentmentCurrency: "EUR", presentmentCurrencyRate: "0.92", retailLocationId: 70100000003 }));
    expect(state.lines[0]?.unitCents).toBe(22908);
    expect(state.rate).toBe("0.92");
    expect(state.deliveryGroups).toEqual([]);
    expect(state.fulfillmentGroups).toEqual([]);
  });

  test("no address: a delivery group with no options; an address: the default table", () => {
    expect(resolveCart(snapshot, cart()).deliveryGroups[0]?.options).toEqual([]);
    expect(resolveCart(snapshot, cart({ address: { countryCode: "US" } })).deliveryGroups[0]?.options.map((o) => o.handle)).toEqual(["standard", "express", "local-delivery", "pick-up"]);
  });
});
