/**
 * SKU patterns of a rule: exact SKUs, or prefixes written with a trailing "*" ("HD-*").
 * Compiled once per rule into a Set and a prefix list, so a cart line costs one Set lookup
 * and a few startsWith calls, not a pattern match per pattern.
 */
export type SkuMatcher = (sku: string) => boolean;

export function skuMatcher(patterns: readonly string[]): SkuMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    if (p.endsWith("*")) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  if (prefixes.length === 0) return (sku) => exact.has(sku);
  return (sku) => {
    if (exact.has(sku)) return true;
    for (const prefix of prefixes) if (sku.startsWith(prefix)) return true;
    return false;
  };
}
