/**
 * What a discount Function imports (parse.ts + evaluate.ts) bundled as the
 * Shopify CLI does (esbuild, esm, es2022) and run in QuickJS — the engine Javy
 * embeds — must give exactly what Node gives, and carry nothing the sandbox
 * lacks or the admin-only files need (Intl, Date, RegExp construction).
 */
import path from "node:path";
import RELEASE_SYNC from "@jitl/quickjs-wasmfile-release-sync";
import { build } from "esbuild";
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "~/domain/promotions/evaluate";
import { parsePromotionSet } from "~/domain/promotions/parse";
import type { CartContext } from "~/domain/promotions/types";
import { serializePromotionSet, validatePromotionSet } from "~/domain/promotions/validate";
import { authoredSet, MUG, SALE, SHIRTS } from "./seed-set";

const DIR = path.resolve(__dirname, "../../../app/domain/promotions");

async function bundle(format: "esm" | "iife", minify = false): Promise<string> {
  const result = await build({
    stdin: {
      contents: `export { parsePromotionSet } from "./parse"; export { evaluate } from "./evaluate"; export { readWireSet } from "./wire";`,
      resolveDir: DIR,
      loader: "ts",
    },
    bundle: true,
    format,
    globalName: format === "iife" ? "engine" : undefined,
    target: "es2022",
    minify,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

describe("the Function's bundle (parse + evaluate + the wire reader)", () => {
  let esm = "";
  beforeAll(async () => {
    esm = await bundle("esm");
  });

  it("carries no admin-only code and nothing the sandbox lacks", () => {
    expect(esm).not.toMatch(/\bIntl\b/);
    expect(esm).not.toMatch(/\bDate\b/);
    expect(esm).not.toMatch(/new RegExp|localeCompare/);
    expect(esm).not.toMatch(/time-admin|validate\.ts|analyze\.ts|compile\.ts|zonedToUtc|validatePromotionSet|compileForFunction/);
  });

  it("stays small (minified, what Javy would compile)", async () => {
    // every kB is ~600k instructions of start-up in our QuickJS proxy (bench/functions);
    // 34.5 kB since evaluate names each line's line-level promotions (lineLevelMask) for the messages
    expect((await bundle("esm", true)).length).toBeLessThan(34_500);
    const functionImports = await build({
      stdin: { contents: `export { evaluate } from "./evaluate"; export { readWireSet } from "./wire";`, resolveDir: DIR, loader: "ts" },
      bundle: true, format: "esm", target: "es2022", minify: true, write: false, logLevel: "silent",
    });
    expect(functionImports.outputFiles[0]!.text.length).toBeLessThan(31_000);
  });

  it("gives in QuickJS exactly what it gives in Node", async () => {
    const validated = validatePromotionSet(authoredSet());
    if (!validated.ok) throw new Error("seed must validate");
    const setJson = serializePromotionSet(validated.set);
    const carts: CartContext[] = [
      { lines: [], customer: null },
      {
        lines: [
          { id: "l1", quantity: 3, subtotalCents: 12000, productId: "gid://shopify/Product/1", sku: "TEE-1", collectionIds: [SHIRTS, SALE] },
          { id: "l2", quantity: 1, subtotalCents: 2500, productId: MUG, sku: "MUG-1", collectionIds: [] },
          { id: "l3", quantity: 1, subtotalCents: 5000, productId: "gid://shopify/Product/9", sku: "sku_giftcard_50", collectionIds: [SALE] },
        ],
        customer: { id: "gid://shopify/Customer/1", numberOfOrders: 0, tags: ["VIP"] },
        countryCode: "US",
        now: { shopDate: "2026-11-27", windowsOpen: { "bfcm-20": true, "happy-hour": true } },
        customerUses: {},
        budgetUsed: { "bfcm-20": 120000 },
        deliveryOptions: [{ handle: "standard", costCents: 695, selected: true }],
      },
    ];

    const iife = await bundle("iife");
    const quickjs = await newQuickJSWASMModuleFromVariant(RELEASE_SYNC);
    const vm = quickjs.newContext();
    try {
      const loaded = vm.evalCode(`${iife};
        globalThis.run = (setJson, cartJson, reasons) =>
          JSON.stringify(engine.evaluate(engine.parsePromotionSet(setJson), JSON.parse(cartJson), { reasons }));`);
      if (loaded.error) throw new Error(JSON.stringify(vm.dump(loaded.error)));
      loaded.value.dispose();
      for (const cart of carts) {
        for (const reasons of [true, false]) {
          const call = vm.evalCode(`run(${JSON.stringify(setJson)}, ${JSON.stringify(JSON.stringify(cart))}, ${reasons})`);
          if (call.error) throw new Error(JSON.stringify(vm.dump(call.error)));
          const inQuickJS = JSON.parse(vm.getString(call.value));
          call.value.dispose();
          expect(inQuickJS).toEqual(JSON.parse(JSON.stringify(evaluate(parsePromotionSet(setJson)!, cart, { reasons }))));
        }
      }
      // the second cart really exercises the engine
      const sample = evaluate(parsePromotionSet(setJson)!, carts[1]!);
      expect(sample.totalDiscountCents).toBeGreaterThan(0);
      expect(sample.explanations.filter((e) => e.amountCents > 0).length).toBeGreaterThan(1);
    } finally {
      vm.dispose();
    }
  });
});
