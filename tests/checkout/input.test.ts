/**
 * The simulator's Function inputs: built by executing each extension's own input query
 * against its own schema.graphql, they must pass validateTestAssets — for every function
 * extension that exists, every target, every example cart. The check is shown to fail when
 * a resolver or an input is broken, and every field the simulator does not reproduce answers
 * "not simulated" (pinned per Function API below).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { listFunctionExtensions, type FunctionExtension, type FunctionTarget } from "../../functions/build";
import { buildFunctionInput, executableSchema, inputVariablesSource, targetInfo } from "../../emulator/checkout/input";
import { ownerFromOverride } from "../../emulator/checkout/run";
import type { FunctionOwner, StoreSnapshot } from "../../emulator/checkout/snapshot";
import { resolveCart } from "../../emulator/checkout/state";
import { cart, defaultSnapshot, everyFieldQuery, exampleCart, exampleCarts, sampleVariables } from "./helpers";

const extensions = await listFunctionExtensions();
const runTargets = extensions.flatMap((extension) =>
  extension.targets.filter((t) => targetInfo(t.target) !== null).map((target) => ({ extension, target, name: `${extension.name} ${target.target}` })),
);

/** An owner whose input-variables metafield (if the toml names one) holds sample values for every variable of the query. */
async function ownerWithVariables(snapshot: StoreSnapshot, extension: FunctionExtension, target: FunctionTarget): Promise<FunctionOwner> {
  const info = targetInfo(target.target);
  if (!info) throw new Error(`no API for ${target.target}`);
  const source = await inputVariablesSource(extension);
  const metafields = [];
  if (source) {
    const schema = await executableSchema(extension.schemaPath);
    const variables = sampleVariables(schema, readFileSync(target.inputQueryPath, "utf8"));
    metafields.push({ namespace: source.namespace, key: source.key, type: "json", value: JSON.stringify(variables) });
  }
  return ownerFromOverride(snapshot, extension.handle, info.ownerKind, { metafields });
}

describe("every extension's input query, on every example cart", () => {
  test("there are function extensions and example carts to check", () => {
    expect(runTargets.map((t) => t.extension.name)).toContain("peakguard-floor");
    expect(exampleCarts().map((c) => c.name)).toEqual(expect.arrayContaining(["small", "large-200-lines", "blocked-region", "pos"]));
  });

  const snapshot = defaultSnapshot();
  for (const { extension, target, name } of runTargets) {
    for (const { name: cartName, cart: cartFile } of exampleCarts()) {
      test(`${name} × ${cartName}: the input passes validateTestAssets`, async () => {
        const state = resolveCart(snapshot, cartFile);
        const owner = await ownerWithVariables(snapshot, extension, target);
        const built = await buildFunctionInput({ extension, target, state, owner });
        expect(built.errors).toEqual([]);
        expect(built.validationErrors).toEqual([]);
        expect(built.input).not.toBeNull();
      });
    }
  }
});

describe("the check can fail", () => {
  const floor = extensions.find((e) => e.handle === "peakguard-floor") as FunctionExtension;
  const target = floor.targets[0] as FunctionTarget;
  const snapshot = defaultSnapshot();
  const owner = ownerFromOverride(snapshot, floor.handle, "discount", { metafields: [] });
  const state = resolveCart(snapshot, exampleCart("small"));

  test("the floor's input from the small cart is the shape Shopify sends", async () => {
    const built = await buildFunctionInput({ extension: floor, target, state, owner });
    expect(built.input).toEqual({
      cart: {
        lines: [
          { id: "gid://shopify/CartLine/1", quantity: 1, cost: { subtotalAmount: { amount: "249.0" } }, merchandise: { __typename: "ProductVariant", id: "gid://shopify/ProductVariant/8200000000002", sku: "PG-JKT-M" } },
          { id: "gid://shopify/CartLine/2", quantity: 2, cost: { subtotalAmount: { amount: "179.98" } }, merchandise: { __typename: "ProductVariant", id: "gid://shopify/ProductVariant/8200000000007", sku: "PG-MERINO-01" } },
          { id: "gid://shopify/CartLine/3", quantity: 1, cost: { subtotalAmount: { amount: "34.0" } }, merchandise: { __typename: "ProductVariant", id: "gid://shopify/ProductVariant/8200000000008", sku: "PG-BOTTLE-75" } },
        ],
      },
    });
  });

  test.each([
    ["a line without its id", (input: Record<string, unknown>) => { delete ((input.cart as { lines: Record<string, unknown>[] }).lines[0] as Record<string, unknown>).id; return input; }, /Missing expected fixture data for `id`/],
    ["a quantity as a string", (input: Record<string, unknown>) => { ((input.cart as { lines: Record<string, unknown>[] }).lines[1] as Record<string, unknown>).quantity = "2"; return input; }, /Int cannot represent/],
    ["lines as an object", (input: Record<string, unknown>) => { (input.cart as Record<string, unknown>).lines = {}; return input; }, /Expected array/],
  ])("a broken input (%s) fails validation", async (_name, transformInput, message) => {
    const built = await buildFunctionInput({ extension: floor, target, state, owner, transformInput });
    expect(built.validationErrors.join("\n")).toMatch(message);
  });

  test("a broken resolver fails: a Decimal as a number, a quantity that is not an Int", async () => {
    const decimal = await buildFunctionInput({ extension: floor, target, state, owner, overrides: { MoneyV2: { amount: () => 249 } } });
    expect(decimal.errors.join("\n")).toMatch(/Decimal must be a Decimal string like "12.5", got 249/);
    expect(decimal.input).toBeNull();
    const quantity = await buildFunctionInput({ extension: floor, target, state, owner, overrides: { CartLine: { quantity: () => 1.5 } } });
    expect(quantity.errors.join("\n")).toMatch(/Int cannot represent non-integer value: 1.5/);
  });

  test("a query selecting a field the schema does not have is refused before it runs", async () => {
    const built = await buildFunctionInput({ extension: floor, target, state, owner, querySource: "query { cart { lines { id price } } }" });
    expect(built.errors).toEqual(['input query: Cannot query field "price" on type "CartLine".']);
  });
});

/* -------------------------------------------------- every field of every API */

const API_TARGETS = {
  discount: "cart.lines.discounts.generate.run",
  "cart-checkout-validation": "cart.validations.generate.run",
  "payment-customization": "cart.payment-methods.transform.run",
  "delivery-customization": "cart.delivery-options.transform.run",
  "order-routing-location-rules": "cart.fulfillment-groups.location-rankings.generate.run",
  "fulfillment-constraints": "cart.fulfillment-constraints.generate.run",
} as const;

/** What every API's input cannot give (tax, duties, B2B, discount applications, network, metaobjects…). */
const COMMON_NOT_SIMULATED = [
  "Cart.billingAddress",
  "Cart.discountApplications",
  "Cart.localizedFields",
  "Cart.poNumber",
  "CartCost.totalDutyAmount",
  "CartCost.totalTaxAmount",
  "CartDeliveryGroup.discountAllocations",
  "CartLine.discountAllocations",
  "Market.regions",
  "Shop.metaobject",
];
const NOT_SIMULATED: Record<keyof typeof API_TARGETS, string[]> = {
  discount: [...COMMON_NOT_SIMULATED, "Input.fetchResult"],
  "cart-checkout-validation": [...COMMON_NOT_SIMULATED, "Input.fetchResult"],
  "payment-customization": COMMON_NOT_SIMULATED,
  "delivery-customization": COMMON_NOT_SIMULATED,
  "order-routing-location-rules": [...COMMON_NOT_SIMULATED, "LocationAddress.formatted"],
  "fulfillment-constraints": COMMON_NOT_SIMULATED,
};

const SHARED_FUNCTIONS = path.resolve(import.meta.dirname, "../../../shared/shopify/functions");
const tmp = mkdtempSync(path.join(tmpdir(), "checkout-schemas-"));

/** A schema-only extension for an API: Shopify's SDL, with empty input types given a field (graphql-js and the test helpers refuse empty ones). */
function apiExtension(api: string): FunctionExtension {
  const sdl = readFileSync(path.join(SHARED_FUNCTIONS, api, "schema.graphql"), "utf8").replace(/^input (\w+)$/gm, "input $1 {\n  _unused: Boolean\n}");
  const schemaPath = path.join(tmp, `${api}.graphql`);
  writeFileSync(schemaPath, sdl);
  return { name: api, directory: path.join(tmp, api), handle: api, schemaPath, targets: [] } as unknown as FunctionExtension;
}

describe.each(Object.keys(API_TARGETS) as (keyof typeof API_TARGETS)[])("%s: every field of the schema", (api) => {
  const target: FunctionTarget = { target: API_TARGETS[api], export: "run", jsExport: "run", inputQueryPath: "" };
  const extension = apiExtension(api);
  const snapshot = defaultSnapshot();
  const info = targetInfo(target.target);
  const owner = ownerFromOverride(snapshot, api, info?.ownerKind ?? "discount", {
    metafields: [{ namespace: "custom", key: "drop_date", type: "date", value: "2026-11-27" }],
  });

  test("unresolved fields answer 'not simulated'; everything else is a valid input", async () => {
    const schema = await executableSchema(extension.schemaPath);
    const state = resolveCart(snapshot, exampleCart("small"));
    const excluded = new Set<string>();
    // Null propagation hides errors below a failed non-null field: peel them off one round at a time.
    for (let round = 0; round < 20; round++) {
      const built = await buildFunctionInput({ extension, target, state, owner, querySource: everyFieldQuery(schema, excluded) });
      if (built.errors.length === 0) {
        expect(built.validationErrors).toEqual([]);
        expect(JSON.stringify(built.input).length).toBeGreaterThan(5000);
        break;
      }
      for (const error of built.errors) {
        const match = /^not simulated: (\w+\.\w+) \(at /.exec(error);
        expect(match, error).not.toBeNull();
        excluded.add((match as RegExpExecArray)[1] as string);
      }
    }
    expect([...excluded].sort()).toEqual([...NOT_SIMULATED[api]].sort());
  });
});

describe("fields that depend on what the cart file gives", () => {
  const floor = extensions.find((e) => e.handle === "peakguard-floor") as FunctionExtension;
  const target = floor.targets[0] as FunctionTarget;
  const snapshot = defaultSnapshot();
  const owner = ownerFromOverride(snapshot, floor.handle, "discount", { metafields: [] });

  test.each([
    ["a market without an id", { market: "us", country: "US" }, "{ localization { market { id } } }", "not simulated: Market.id (at localization.market.id)"],
    ["no market at all", { country: "US" }, "{ localization { market { handle } } }", "not simulated: Market (the cart file names no market) (at localization.market)"],
    ["no address and no country", {}, "{ localization { country { isoCode } } }", "not simulated: Localization.country (the cart file has no address and no country) (at localization.country)"],
  ])("%s → not simulated", async (_name, overrides, query, message) => {
    const built = await buildFunctionInput({ extension: floor, target, state: resolveCart(snapshot, cart(overrides)), owner, querySource: `query ${query}` });
    expect(built.errors).toEqual([message]);
  });

  test("input-query variables come from the owner's JSON metafield named in the toml", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "checkout-vars-"));
    writeFileSync(path.join(dir, "shopify.extension.toml"), '[[extensions]]\ntype = "function"\n[extensions.input.variables]\nnamespace = "$app:peakguard"\nkey = "vars"\n');
    const extension = { ...floor, directory: dir };
    const query = "query Q($tags: [String!]!) { cart { lines { merchandise { ... on ProductVariant { product { hasAnyTag(tags: $tags) } } } } } }";
    const withVars = ownerFromOverride(snapshot, floor.handle, "discount", {
      metafields: [{ namespace: "$app:peakguard", key: "vars", type: "json", value: JSON.stringify({ tags: ["WINTER"] }) }],
    });
    const state = resolveCart(snapshot, cart());
    const built = await buildFunctionInput({ extension, target, state, owner: withVars, querySource: query });
    expect(built.variables).toEqual({ tags: ["WINTER"] });
    expect(built.errors).toEqual([]);
    expect(built.input).toEqual({ cart: { lines: [{ merchandise: { product: { hasAnyTag: true } } }] } });
    const without = await buildFunctionInput({ extension, target, state, owner, querySource: query });
    expect(without.errors).toEqual(['Variable "$tags" of required type "[String!]!" was not provided.']);
  });
});
