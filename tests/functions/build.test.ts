/**
 * functions/build.ts builds like the Shopify CLI, and every function extension is laid out
 * like Shopify's JS templates, on our one API version.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";

import { API_VERSION } from "../../app/api-version";
import {
  bundle,
  CLI_ESBUILD_OPTIONS,
  entrypointContents,
  FUNCTION_CODEGEN_CONFIG,
  listFunctionExtensions,
  typegen,
} from "../../functions/build";
import { camelize, hyphenate, targetFileStem } from "../../functions/names";

const extensions = await listFunctionExtensions();
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false
  );

describe("CLI parity", () => {
  it("generates the CLI's entry module for the toml exports", () => {
    // Same text as the CLI's ExportJavyBuilder.entrypointContents for ["foo-bar"].
    expect(entrypointContents(["foo-bar"])).toBe(
      '\nimport __runFunction from "@shopify/shopify_function/run"\n\n' +
        'import { fooBar as runFooBar } from "user-function"\n' +
        "export function fooBar() { return __runFunction(runFooBar) }"
    );
  });

  it("bundles with the CLI's esbuild options", () => {
    expect(CLI_ESBUILD_OPTIONS).toMatchObject({ bundle: true, format: "esm", target: "es2022" });
  });

  it("maps export and target names as the templates do", () => {
    expect(camelize("cart-lines-discounts-generate-run")).toBe("cartLinesDiscountsGenerateRun");
    expect(camelize("cartLinesDiscountsGenerateRun")).toBe("cartLinesDiscountsGenerateRun");
    expect(hyphenate("cartValidationsGenerateRun")).toBe("cart-validations-generate-run");
    expect(targetFileStem("cart.delivery-options.discounts.generate.run")).toBe(
      "cart_delivery_options_discounts_generate_run"
    );
  });
});

describe.each(extensions.map((e) => [e.name, e] as const))("extension %s", (_name, ext) => {
  it("uses API_VERSION and keeps the template's [extensions.build] so `shopify app function build` works", async () => {
    const toml = parseToml(await readFile(path.join(ext.directory, "shopify.extension.toml"), "utf8"));
    expect(toml.api_version).toBe(API_VERSION);
    expect(ext.buildConfig).toEqual({ command: "", path: "dist/function.wasm" });
  });

  it("is laid out like Shopify's JS function templates", async () => {
    expect(path.relative(ext.directory, ext.entryPath)).toBe(path.join("src", "index.ts"));
    expect(await exists(ext.schemaPath)).toBe(true);
    for (const target of ext.targets) {
      const stem = targetFileStem(target.target);
      expect(path.relative(ext.directory, target.inputQueryPath)).toBe(path.join("src", `${stem}.graphql`));
      expect(await exists(path.join(ext.directory, "src", `${stem}.ts`))).toBe(true);
      expect(target.export).toBe(hyphenate(camelize(stem)));
    }
  });

  it("pins @shopify/shopify_function 2.0.1 and carries the standard codegen config", async () => {
    const pkg = JSON.parse(await readFile(path.join(ext.directory, "package.json"), "utf8"));
    expect(pkg.name).toBe(ext.handle);
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies).toEqual({ "@shopify/shopify_function": "2.0.1" });
    expect(pkg.codegen).toEqual(FUNCTION_CODEGEN_CONFIG);
  });

  it("has a committed generated/api.ts that typegen reproduces", { timeout: 30_000 }, async () => {
    const files = await typegen(ext, { write: false });
    expect(files.map((f) => path.relative(ext.directory, f.path))).toEqual([path.join("generated", "api.ts")]);
    expect(files[0]!.changed, "generated/api.ts is stale: run `npx tsx functions/build.ts` and commit it").toBe(false);
  });

  it("bundles to an ES module exporting one JS function per toml export", async () => {
    const { source } = await bundle(ext, { write: false });
    const exported = /export\s*\{([^}]*)\}/.exec(source)?.[1] ?? "";
    const names = exported.split(",").map((part) =>
      part
        .trim()
        .split(/\s+as\s+/)
        .pop()
    );
    expect(names.sort()).toEqual(ext.targets.map((t) => t.jsExport).sort());
    expect(source).toContain("ShopifyFunction.readInput()");
  });
});
