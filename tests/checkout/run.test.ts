/**
 * simulateCheckout end to end: functions discovered, activated by the store's owners (or
 * forced), built bundles run in the QuickJS sandbox, outputs validated, operations applied,
 * figures against Shopify's limits.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { beforeAll, describe, expect, test } from "vitest";

import { buildFunction, listFunctionExtensions, loadFunctionExtension, type FunctionExtension } from "../../functions/build";
import { formatCheckout } from "../../emulator/checkout/format";
import { simulateCheckout } from "../../emulator/checkout/run";
import { StoreSnapshot } from "../../emulator/checkout/snapshot";
import { resolveCart } from "../../emulator/checkout/state";
import { shopperView } from "../../emulator/checkout/view";
import { AdminApi } from "../../emulator/graphql";
import { Store } from "../../emulator/store";
import { defaultSnapshot, exampleCart, exampleCarts, SEED } from "./helpers";

const ROOT = path.resolve(import.meta.dirname, "../..");
let floor: FunctionExtension;

beforeAll(async () => {
  floor = (await buildFunction(path.join(ROOT, "extensions/peakguard-floor"))).extension;
}, 120_000);

describe("the floor function", () => {
  test.each(exampleCarts().map((c) => c.name))("%s: the floor runs, its output validates and changes nothing", async (name) => {
    const snapshot = defaultSnapshot();
    const cart = exampleCart(name);
    const result = await simulateCheckout({ cart, snapshot, extensions: [floor], functions: ["peakguard-floor"] });
    expect(result.runs).toHaveLength(1);
    const run = result.runs[0];
    expect(run?.errors).toEqual([]);
    expect(run?.status).toBe("ok");
    expect(run?.output).toEqual({ operations: [] });
    expect(run?.owner).toEqual({ title: "peakguard-floor", gid: null, source: "forced" });
    expect(run?.instructions).toBeGreaterThan(10_000);
    expect(run?.inputBytes).toBe(Buffer.byteLength(JSON.stringify(run?.input)));
    expect(run?.limits?.violations).toEqual([]);
    // Nothing changed: the view equals the untouched cart's.
    const untouched = shopperView(resolveCart(snapshot, cart));
    expect(result.shopper).toEqual(untouched);
  });

  test("200 lines: the input's @scaleLimits list has 200 lines, within budget", async () => {
    const result = await simulateCheckout({ cart: exampleCart("large-200-lines"), snapshot: defaultSnapshot(), extensions: [floor], functions: ["peakguard-floor"] });
    const run = result.runs[0];
    expect(run?.cartLines).toBe(200);
    expect(run?.limits?.budget).toBe(11_000_000);
    expect(run?.limits?.violations).toEqual([]);
    expect(run?.inputBytes).toBeGreaterThan(30_000);
  });

  test("not activated in the store and not forced: skipped, with the reason", async () => {
    const result = await simulateCheckout({ cart: { ...exampleCart("small"), functions: [] }, snapshot: defaultSnapshot(), extensions: [floor] });
    expect(result.runs).toEqual([]);
    expect(result.skipped).toEqual([
      {
        extension: "peakguard-floor",
        target: "cart.lines.discounts.generate.run",
        reason: 'not activated: the store has no enabled discount for function peakguard-floor (force it with functions: ["peakguard-floor"])',
      },
    ]);
  });

  test("forcing a handle no extension has is refused", async () => {
    await expect(simulateCheckout({ cart: exampleCart("small"), snapshot: defaultSnapshot(), extensions: [floor], functions: ["nope"] })).rejects.toThrow(
      'functions: no function extension with handle "nope" (have: peakguard-floor)',
    );
  });

  test("an active discount in the store runs the floor once per discount; an expired one does not", async () => {
    let now = Date.parse("2026-11-27T14:30:00Z");
    const store = new Store({ seed: { ...SEED, functions: [{ id: "fn-floor", title: "Peakguard floor", apiType: "discount", handle: "peakguard-floor" }] }, clock: () => now });
    const api = new AdminApi(store);
    const create = (title: string, endsAt: string | null) =>
      api.handle({
        query: `mutation($d: DiscountAutomaticAppInput!) { discountAutomaticAppCreate(automaticAppDiscount: $d) { automaticAppDiscount { discountId } userErrors { field message } } }`,
        variables: { d: { title, functionHandle: "peakguard-floor", discountClasses: ["PRODUCT"], startsAt: "2026-01-01T00:00:00Z", endsAt } },
      }).body as { data?: { discountAutomaticAppCreate?: { userErrors: unknown[] } } };
    expect(create("BFCM floor", null).data?.discountAutomaticAppCreate?.userErrors).toEqual([]);
    now = Date.parse("2026-01-01T00:00:00Z");
    expect(create("Summer floor", "2026-08-31T00:00:00Z").data?.discountAutomaticAppCreate?.userErrors).toEqual([]);
    now = Date.parse("2026-11-27T14:30:00Z");
    const result = await simulateCheckout({ cart: { ...exampleCart("small"), functions: [] }, store, extensions: [floor] });
    expect(result.runs.map((r) => [r.owner.title, r.owner.source, r.status])).toEqual([["BFCM floor", "store", "ok"]]);
    expect(result.runs[0]?.owner.gid).toMatch(/^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/);
  });
});

/* ------------------------------------------- a hand-written payment function */

/** A payment customization whose bundle is written by hand: hides the method its config names when a line has one of the tags in its input variables. */
async function paymentExtension(): Promise<FunctionExtension> {
  const dir = mkdtempSync(path.join(tmpdir(), "checkout-payment-"));
  mkdirSync(path.join(dir, "src"));
  mkdirSync(path.join(dir, "dist"));
  cpSync(path.join(ROOT, "extensions/payment-kill-switch/schema.graphql"), path.join(dir, "schema.graphql"));
  writeFileSync(
    path.join(dir, "shopify.extension.toml"),
    `api_version = "2026-10"
[[extensions]]
name = "Test payment rules"
handle = "test-payment-rules"
type = "function"
  [[extensions.targeting]]
  target = "cart.payment-methods.transform.run"
  input_query = "src/run.graphql"
  export = "cart-payment-methods-transform-run"
  [extensions.input.variables]
  namespace = "$app:test"
  key = "vars"
`,
  );
  writeFileSync(path.join(dir, "src/index.ts"), "export {};\n");
  writeFileSync(
    path.join(dir, "src/run.graphql"),
    `query Input($tags: [String!]!) {
  paymentMethods { id name }
  cart { lines { merchandise { __typename ... on ProductVariant { product { hasAnyTag(tags: $tags) } } } } }
  paymentCustomization { metafield(namespace: "$app:test", key: "config") { jsonValue } }
}
`,
  );
  writeFileSync(
    path.join(dir, "dist/function.js"),
    `export function cartPaymentMethodsTransformRun() {
  const input = ShopifyFunction.readInput();
  const config = (input.paymentCustomization.metafield && input.paymentCustomization.metafield.jsonValue) || {};
  if (config.throw) throw new Error("boom");
  const tagged = input.cart.lines.some((l) => l.merchandise.product && l.merchandise.product.hasAnyTag);
  const operations = [];
  for (const m of input.paymentMethods) if (tagged && m.name === config.hide) operations.push({ paymentMethodHide: { paymentMethodId: m.id } });
  if (config.invalid) operations.push({ paymentMethodHide: { id: m } });
  ShopifyFunction.writeOutput({ operations });
}
`.replace("{ id: m }", '{ id: "not-a-field" }'),
  );
  return loadFunctionExtension(dir);
}

describe("a payment customization, end to end", () => {
  const owner = (config: Record<string, unknown>, tags: string[]) => ({
    "test-payment-rules": {
      title: "No COD for winter gear",
      metafields: [
        { namespace: "$app:test", key: "config", type: "json", value: JSON.stringify(config) },
        { namespace: "$app:test", key: "vars", type: "json", value: JSON.stringify({ tags }) },
      ],
    },
  });

  test.each([
    ["tagged cart: COD hidden", { hide: "Cash on Delivery (COD)" }, ["winter"], "ok", ["Cash on Delivery (COD)"], []],
    ["untagged: nothing hidden", { hide: "Cash on Delivery (COD)" }, ["no-such-tag"], "ok", [], []],
    ["an invalid output is refused and nothing applies", { hide: "Cash on Delivery (COD)", invalid: true }, ["winter"], "error", [], [/output: Field "paymentMethodId" of required type "ID!" was not provided/, /output: Field "id" is not defined/]],
    ["a function that throws applies nothing", { throw: true }, ["winter"], "error", [], [/run: Error: boom/]],
  ])("%s", async (_name, config, tags, status, hidden, errors) => {
    const extension = await paymentExtension();
    const result = await simulateCheckout({ cart: exampleCart("small"), snapshot: defaultSnapshot(), extensions: [extension], ownerOverrides: owner(config, tags) });
    const run = result.runs[0];
    expect(run?.variables).toEqual({ tags });
    expect(run?.status).toBe(status);
    for (const e of errors) expect(run?.errors.join("\n")).toMatch(e);
    expect(result.shopper.hiddenPaymentMethods.map((m) => m.name)).toEqual(hidden);
    if (hidden.length > 0) expect(result.shopper.hiddenPaymentMethods[0]?.hiddenBy).toBe("No COD for winter gear");
  });

  test("the store's payment customization is the owner when the function is activated there", async () => {
    const extension = await paymentExtension();
    const store = new Store({ seed: { ...SEED, functions: [{ id: "fn-pay", title: "Test payment rules", apiType: "payment_customization", handle: "test-payment-rules" }] } });
    const api = new AdminApi(store);
    const body = api.handle({
      query: `mutation($p: PaymentCustomizationInput!) { paymentCustomizationCreate(paymentCustomization: $p) { paymentCustomization { id } userErrors { field message } } }`,
      variables: {
        p: {
          title: "No COD for winter gear",
          functionHandle: "test-payment-rules",
          enabled: true,
          metafields: [
            { namespace: "$app:test", key: "config", type: "json", value: JSON.stringify({ hide: "Cash on Delivery (COD)" }) },
            { namespace: "$app:test", key: "vars", type: "json", value: JSON.stringify({ tags: ["winter"] }) },
          ],
        },
      },
    }).body as { data?: { paymentCustomizationCreate?: { userErrors: unknown[] } } };
    expect(body.data?.paymentCustomizationCreate?.userErrors).toEqual([]);
    const result = await simulateCheckout({ cart: exampleCart("small"), snapshot: StoreSnapshot.fromStore(store), extensions: [extension] });
    expect(result.runs.map((r) => [r.owner.source, r.status])).toEqual([["store", "ok"]]);
    expect(result.skipped).toEqual([{ extension: "peakguard-floor", target: "-", reason: "the cart file names function peakguard-floor, which is not among the extensions simulated" }]);
    expect(result.shopper.paymentMethods.map((m) => m.name)).not.toContain("Cash on Delivery (COD)");
    expect(formatCheckout(result)).toMatch(/hidden: Cash on Delivery \(COD\) \(PAYMENT_METHOD\) — No COD for winter gear/);
  });
});

test("every extension in the repository can take part (discovered, not hardcoded)", async () => {
  const all = await listFunctionExtensions();
  const handles = all.map((e) => e.handle);
  const result = await simulateCheckout({ cart: { ...exampleCart("small"), functions: [] }, snapshot: defaultSnapshot(), extensions: all });
  // Nothing is activated in the default seed: every run target is skipped, with a reason.
  expect(result.runs).toEqual([]);
  expect(new Set(result.skipped.map((s) => all.find((e) => e.name === s.extension)?.handle))).toEqual(new Set(handles));
});
