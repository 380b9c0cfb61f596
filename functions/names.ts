/**
 * Export-name conversions, as the Shopify CLI does them: a toml `export` is kebab-case
 * (a Wasm component export, "cart-lines-discounts-generate-run"); the JS module exports
 * the camelCase name ("cartLinesDiscountsGenerateRun").
 */

/** "cart-lines-discounts-generate-run" → "cartLinesDiscountsGenerateRun"; camelCase input is returned unchanged. */
export function camelize(name: string): string {
  return name.replace(/[-_.]+([a-zA-Z0-9])/g, (_match, next: string) => next.toUpperCase());
}

/** "cartLinesDiscountsGenerateRun" → "cart-lines-discounts-generate-run". */
export function hyphenate(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[_.\s]+/g, "-")
    .toLowerCase();
}

/** "cart.lines.discounts.generate.run" → "cart_lines_discounts_generate_run" (the template's file stem). */
export function targetFileStem(target: string): string {
  return target.replace(/[.-]/g, "_");
}
