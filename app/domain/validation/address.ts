/**
 * Address tests for region rules: postal-code patterns and PO-box detection. Pure and
 * small enough for a Function (one RegExp, compiled once at module load).
 */

/** Case-insensitive comparison form of a postal code: upper case, spaces removed. */
export function normalizePostalCode(zip: string): string {
  let out = "";
  for (let i = 0; i < zip.length; i++) {
    const c = zip[i]!;
    if (c !== " " && c !== "\u00a0") out += c;
  }
  return out.toUpperCase();
}

export { globMatch } from "../glob";

/**
 * A postal-code rule entry: "GB:BT*" (that country only) or "BT*" (any country).
 * Returns the country (or null) and the normalized glob.
 */
export function splitPostalPattern(entry: string): { country: string | null; glob: string } {
  const colon = entry.indexOf(":");
  if (colon === 2) return { country: entry.slice(0, 2).toUpperCase(), glob: normalizePostalCode(entry.slice(3)) };
  return { country: null, glob: normalizePostalCode(entry) };
}

/**
 * Phrases that mean a post-office box, in English, French, German, Spanish, Portuguese,
 * Italian, Dutch and Nordic usage: "PO Box 12", "P.O. Box", "Post Office Box", "GPO Box",
 * "Locked Bag", "Private Bag", "Postfach", "Boîte postale", "BP 12", "Case postale",
 * "Apartado postal", "Caixa postal", "Casella postale", "Postbus", "Postboks", "Box 12".
 * One RegExp: QuickJS compiles it once, much cheaper than the same test written in code.
 * Conservative: "Box Hill Road" is not a PO box, "Box 12" is.
 */
const PO_BOX =
  /(?:^|[^a-z0-9])(?:p\.?\s*o\.?\s*box|post\s*office\s*box|gpo\s*box|(?:locked|private|po)\s*bag|postfach|bo[iî]te\s*postale|b\.?\s*p\.?\s*\d|case\s*postale|apartado\s*(?:postal|de\s*correos)|caixa\s*postal|casella\s*postale|postbus|postboks|postbox|box\s*\d)/i;

/** True when an address line names a PO box. */
export function isPoBox(line: string | null | undefined): boolean {
  return !!line && PO_BOX.test(line);
}
