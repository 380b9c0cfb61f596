/**
 * The drill's checkout sampler's setup (bench/drill/checkout-setup.ts) and one sample per
 * function: every checkout function the drill measures runs, with status ok, on the store the
 * app would have for a drop — the discount gives the drop cart a discount, the validation's
 * rules pass it and refuse a cart over the drop's per-order limit.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import { checkoutWith, setupDropStore, type DropStore } from "../../bench/drill/checkout-setup";
import type { SeedFile } from "../../emulator/model";
import { buildFunction, listFunctionExtensions, type FunctionExtension } from "../../functions/build";

const ROOT = path.resolve(import.meta.dirname, "../..");
const seed = JSON.parse(readFileSync(path.join(ROOT, "emulator/seed/default.json"), "utf8")) as SeedFile;
/** What scripts/drill.ts asks the sampler to measure. */
const MEASURED = ["payment-kill-switch", "delivery-kill-switch", "promotion-stacking", "checkout-validation", "location-routing"];

let drop: DropStore;
const extensions = new Map<string, FunctionExtension>();

beforeAll(async () => {
  drop = await setupDropStore(seed);
  for (const extension of await listFunctionExtensions()) {
    if (!MEASURED.includes(extension.handle)) continue;
    await buildFunction(extension);
    extensions.set(extension.handle, extension);
  }
}, 120_000);

function extension(handle: string): FunctionExtension {
  const found = extensions.get(handle);
  if (!found) throw new Error(`no extension ${handle}`);
  return found;
}

describe("drill checkout sampler", () => {
  it("runs every measured function with status ok on the drop cart", async () => {
    expect([...extensions.keys()].sort()).toEqual([...MEASURED].sort());
    for (const handle of MEASURED) {
      const result = await checkoutWith(drop.store, drop.cart, extension(handle));
      expect(result.skipped.map((s) => s.reason), handle).toEqual([]);
      expect(result.runs.length, handle).toBeGreaterThan(0);
      for (const run of result.runs) {
        expect({ handle, target: run.target, status: run.status, errors: run.errors }).toEqual({ handle, target: run.target, status: "ok", errors: [] });
        expect(run.instructions).toBeGreaterThan(0);
      }
    }
  }, 120_000);

  it("the promotion discount, created through discountAutomaticAppCreate, discounts the drop cart", async () => {
    const result = await checkoutWith(drop.store, drop.cart, extension("promotion-stacking"));
    expect(result.runs.map((r) => r.owner.gid)).toEqual([drop.discountId, drop.discountId]);
    const lines = result.runs.find((r) => r.target === "cart.lines.discounts.generate.run")!;
    const operations = (lines.output as { operations: Record<string, unknown>[] }).operations;
    expect(operations.some((o) => "orderDiscountsAdd" in o || "productDiscountsAdd" in o)).toBe(true);
    expect(result.shopper.orderDiscounts.length).toBeGreaterThan(0);
    expect(result.shopper.totalSavings.cents).toBeGreaterThan(0);
  }, 60_000);

  it("the validation's drop rules pass the drop cart and refuse one over the per-order limit", async () => {
    const ok = await checkoutWith(drop.store, drop.cart, extension("checkout-validation"));
    expect(ok.runs[0]!.owner.gid).toBe(drop.validationId);
    expect(ok.runs[0]!.output).toEqual({ operations: [] });
    expect(ok.shopper.checkoutBlocked).toBe(false);
    // ATP copy and rules were read from the validation's own metafields.
    expect(ok.runs[0]!.metafieldReads.map((m) => m.key).sort()).toEqual(expect.arrayContaining(["atp_checkout", "rules"]));

    const over = { ...drop.cart, lines: [{ sku: drop.dropSkus[0]!, quantity: 3 }] };
    const refused = await checkoutWith(drop.store, over, extension("checkout-validation"));
    expect(refused.runs[0]!.status).toBe("ok");
    expect(JSON.stringify(refused.runs[0]!.output)).toMatch(/validationAdd/);
    expect(refused.shopper.checkoutBlocked).toBe(true);
    expect(refused.shopper.validationErrors.length).toBeGreaterThan(0);
  }, 60_000);
});
