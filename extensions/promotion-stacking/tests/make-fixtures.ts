/**
 * Writes tests/fixtures/*.json: inputs built by ./inputs.ts (the admin's own compiler, the
 * simulator's shop.localTime answers), outputs from running the function in Node. The fixtures
 * test (tests/functions/fixtures.test.ts) then validates each against schema.graphql and the
 * input query and runs it in the QuickJS sandbox, so Node and QuickJS must agree; the amounts
 * themselves are checked by hand in tests/promotions/function.test.ts.
 *
 *   npx tsx extensions/promotion-stacking/tests/make-fixtures.ts
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { FREE_SHIPPING, SPRING } from "../../../tests/domain/promotions/seed-set";
import { cartDeliveryOptionsDiscountsGenerateRun } from "../src/cart_delivery_options_discounts_generate_run";
import { cartLinesDiscountsGenerateRun } from "../src/cart_lines_discounts_generate_run";
import { benchInput, functionInput } from "./inputs";
import { SHIPPING, springOptions } from "./spring";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const LINES = { target: "cart.lines.discounts.generate.run", export: "cart-lines-discounts-generate-run" };
const DELIVERY = { target: "cart.delivery-options.discounts.generate.run", export: "cart-delivery-options-discounts-generate-run" };

interface Case {
  name: string;
  target: typeof LINES | typeof DELIVERY;
  input: Record<string, unknown>;
}

const cases: Case[] = [
  { name: "spring-sale-us-web", target: LINES, input: functionInput(springOptions()) },
  { name: "spring-sale-free-shipping", target: DELIVERY, input: functionInput(springOptions({ delivery: SHIPPING, selected: "standard" })) },
  { name: "spring-sale-ended-in-shop-time", target: LINES, input: functionInput(springOptions({ now: "2026-03-16T01:00:00" })) },
  { name: "spring-sale-not-in-france", target: LINES, input: functionInput(springOptions({ country: "FR" })) },
  { name: "empty-cart", target: LINES, input: functionInput(springOptions({ lines: [] })) },
  { name: "no-promotions-metafield", target: LINES, input: functionInput(springOptions({ config: null })) },
  { name: "malformed-promotions-metafield", target: LINES, input: functionInput({ ...springOptions(), rawPromotions: { v: 1, c: "USD", p: "not a list" } }) },
  { name: "unreadable-promotion-dropped", target: LINES, input: functionInput({ ...springOptions(), rawPromotions: { v: 1, c: "USD", n: 2, p: [{ i: SPRING, p: 10, k: [0, 7], a: { t: "%", v: 15 } }] } }) },
  { name: "killed-promotion-skipped", target: LINES, input: functionInput(springOptions({ killSwitches: { v: 1, rev: 4, promo: [{ id: SPRING }] } })) },
  { name: "master-freeze-no-free-shipping", target: DELIVERY, input: functionInput(springOptions({ delivery: SHIPPING, selected: "standard", killSwitches: { v: 1, rev: 5, freeze: { until: "2026-03-31" } } })) },
  { name: "killed-free-shipping-only", target: DELIVERY, input: functionInput(springOptions({ delivery: SHIPPING, selected: "standard", killSwitches: { v: 1, rev: 6, promo: [{ id: FREE_SHIPPING }] } })) },
  { name: "bfcm-calendar-stacked-12-lines", target: LINES, input: benchInput(12, 50) },
];

for (const c of cases) {
  const output = c.target === LINES
    ? cartLinesDiscountsGenerateRun(c.input as never)
    : cartDeliveryOptionsDiscountsGenerateRun(c.input as never);
  const fixture = { payload: { export: c.target.export, target: c.target.target, input: c.input, output } };
  await writeFile(path.join(DIR, `${c.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`${c.name}: ${JSON.stringify(output).slice(0, 160)}`);
}
