/**
 * The checkout function as plain TypeScript (extensions/checkout-validation): what it
 * returns for its fixtures, that it never throws on ordinary or malformed input, and that
 * testing-mode rules are logged, not returned. The built bundle runs the same fixtures in
 * the QuickJS sandbox in tests/functions/fixtures.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { afterEach, describe, expect, it, vi } from "vitest";

import { cartValidationsGenerateRun } from "../../extensions/checkout-validation/src/cart_validations_generate_run";
import { LanguageCode, type CartValidationsGenerateRunInput } from "../../extensions/checkout-validation/generated/api";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../extensions/checkout-validation/tests/fixtures");
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(FIXTURES, f), "utf8")).payload] as const);

const base = (fixtures.find(([f]) => f === "max-per-order-one-over-en.json")?.[1].input ?? null) as CartValidationsGenerateRunInput;
const clone = (): CartValidationsGenerateRunInput => JSON.parse(JSON.stringify(base));

afterEach(() => vi.restoreAllMocks());

describe("fixtures, in Node", () => {
  it("there is a fixture for each situation the issue names", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtures)("%s", (_file, payload) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(cartValidationsGenerateRun(payload.input)).toEqual(payload.output);
  });
});

describe("never throws on ordinary input", () => {
  const variants: [string, (input: CartValidationsGenerateRunInput) => void][] = [
    ["rules metafield null", (i) => (i.validation.rules = null)],
    ["rules as a string that is not JSON", (i) => (i.validation.rules = { jsonValue: "{nope" })],
    ["rules a number", (i) => (i.validation.rules = { jsonValue: 42 })],
    ["rules list with junk", (i) => (i.validation.rules = { jsonValue: { schemaVersion: 1, rules: [null, 3, "x", { id: 5 }] } })],
    ["ticks missing", (i) => (i.validation.ticks = null)],
    ["ticks junk", (i) => (i.validation.ticks = { jsonValue: { v: 1, slots: "x" } })],
    ["no lines", (i) => (i.cart.lines = [])],
    ["custom product lines", (i) => (i.cart.lines = [{ q: 1, m: {} }])],
    ["a line with a null sku", (i) => (i.cart.lines = [{ q: 3, m: { s: null } }])],
    ["ATP copy not JSON", (i) => (i.validation.stock = { jsonValue: "[[" })],
    ["ATP copy junk entries", (i) => (i.validation.stock = { jsonValue: { v: 1, t: { "HD-BLK-M": -5, "HD-BLK-L": "x@y", "CAP-1": 1.5 }, l: [] } })],
    ["ATP copy another version", (i) => (i.validation.stock = { jsonValue: { v: 2, t: "x" } })],
    ["customer limits junk", (i) => (i.cart.buyerIdentity = { customer: { limits: { jsonValue: [1, 2] } } })],
    ["no buyer identity", (i) => (i.cart.buyerIdentity = null)],
    ["odd amount and rate", (i) => ((i.cart.cost.subtotalAmount.amount = "abc"), (i.presentmentCurrencyRate = "0"))],
    ["null delivery address", (i) => (i.cart.deliveryGroups = [{ deliveryAddress: null }])],
    ["kill switches not JSON", (i) => (i.shop.k = { jsonValue: "{nope" })],
    ["kill switches junk regions", (i) => (i.shop.k = { jsonValue: { v: 1, region: [null, 7, { cc: 5 }, { mk: [] }, { cc: "FR", msg: "x", until: 3 }] } })],
    ["kill switches with a market but no localTime date", (i) => ((i.shop.k = { jsonValue: { v: 1, region: [{ mk: "eu" }] } }), (i.shop.localTime.date = ""))],
  ];

  it.each(variants)("%s", (_name, change) => {
    const input = clone();
    change(input);
    expect(() => cartValidationsGenerateRun(input)).not.toThrow();
  });

  it("a malformed set written to fail closed answers with one 'try again' error, in the shopper's language", () => {
    const input = clone();
    input.localization.language.isoCode = LanguageCode.De;
    input.validation.rules = { jsonValue: { schemaVersion: 7, failureMode: "closed" } };
    expect(cartValidationsGenerateRun(input)).toEqual({
      operations: [{ validationAdd: { errors: [{ target: "$.cart", message: "Der Checkout ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in ein paar Minuten erneut." }] } }],
    });
  });
});

describe("testing mode", () => {
  it("logs what it would block (Shopify's function run log) and returns no errors", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const payload = fixtures.find(([f]) => f === "testing-mode-reports-without-blocking.json")![1];
    expect(cartValidationsGenerateRun(payload.input)).toEqual({ operations: [] });
    expect(log).toHaveBeenCalledWith(
      "peakguard testing: rule hoodie-2 would block $.cart.lines[0].quantity: You can buy at most 2 of Hoodie — Black / M per order. Please reduce the quantity.",
    );
  });
});
