/**
 * Product identifiers from a variant's barcode and its metafields: GTIN-8/12/13/14
 * (EAN-8, UPC-A, EAN-13, GTIN-14), UPC-E and ISBN-10/13, checked by their check
 * digit. Shopify owns the record: a bad identifier is REPORTED (with what is
 * wrong and what the check digit should be), never rejected or rewritten.
 * SKU is the identity; duplicate SKUs across variants are flagged.
 */

export type IdentifierKind = "GTIN-8" | "UPC-E" | "UPC-A" | "EAN-13" | "ISBN-13" | "GTIN-14" | "ISBN-10" | "other";

export interface IdentifierCheck {
  /** Where it came from: "barcode" or "metafield:<namespace>.<key>". */
  source: string;
  value: string;
  kind: IdentifierKind;
  /** null when the kind has no check digit to test ("other"). */
  valid: boolean | null;
  /** The GTIN-14 form of a valid GTIN (for comparing the same code written two ways). */
  gtin14: string | null;
  problem: string | null;
}

/** GS1 mod-10: weights 3,1,3,… from the rightmost data digit. */
export function gs1CheckDigit(dataDigits: string): number {
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i++) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** ISBN-10 mod-11 check character ("0"-"9" or "X"). */
export function isbn10CheckChar(nineDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nineDigits.charCodeAt(i) - 48) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? "X" : String(check);
}

/** UPC-E (8 digits, number system 0 or 1) → UPC-A, or null if it cannot be expanded. */
export function expandUpcE(upce: string): string | null {
  if (!/^[01]\d{7}$/.test(upce)) return null;
  const ns = upce[0]!;
  const d = upce.slice(1, 7);
  const check = upce[7]!;
  const last = d[5]!;
  let body: string;
  if (last <= "2") body = `${d.slice(0, 2)}${last}0000${d.slice(2, 5)}`;
  else if (last === "3") body = `${d.slice(0, 3)}00000${d.slice(3, 5)}`;
  else if (last === "4") body = `${d.slice(0, 4)}00000${d[4]}`;
  else body = `${d.slice(0, 5)}0000${last}`;
  return `${ns}${body}${check}`;
}

function gs1(value: string, kind: IdentifierKind, source: string): IdentifierCheck {
  const expected = gs1CheckDigit(value.slice(0, -1));
  const actual = value.charCodeAt(value.length - 1) - 48;
  const valid = expected === actual;
  return {
    source,
    value,
    kind,
    valid,
    gtin14: valid ? value.padStart(14, "0") : null,
    problem: valid ? null : `${kind} ${value}: check digit is ${actual}, should be ${expected}`,
  };
}

/** Classify and check one identifier. Spaces and hyphens are ignored (ISBNs are often written 978-3-16-148410-0). */
export function checkIdentifier(raw: string, source = "barcode"): IdentifierCheck {
  const value = raw.trim().replace(/[\s-]/g, "").toUpperCase();
  if (/^\d{9}[\dX]$/.test(value) && source.toLowerCase().includes("isbn")) return isbn10(value, source);
  if (!/^\d+$/.test(value)) {
    if (/^\d{9}X$/.test(value)) return isbn10(value, source);
    return { source, value: raw, kind: "other", valid: null, gtin14: null, problem: null };
  }
  switch (value.length) {
    case 8: {
      const asGtin8 = gs1(value, "GTIN-8", source);
      if (asGtin8.valid) return asGtin8;
      const upca = expandUpcE(value);
      if (upca && gs1CheckDigit(upca.slice(0, -1)) === upca.charCodeAt(11) - 48) {
        return { source, value, kind: "UPC-E", valid: true, gtin14: upca.padStart(14, "0"), problem: null };
      }
      return asGtin8;
    }
    case 10:
      return isbn10(value, source);
    case 12:
      return gs1(value, "UPC-A", source);
    case 13:
      return gs1(value, value.startsWith("978") || value.startsWith("979") ? "ISBN-13" : "EAN-13", source);
    case 14:
      return gs1(value, "GTIN-14", source);
    default:
      return {
        source,
        value,
        kind: "other",
        valid: null,
        gtin14: null,
        problem: value.length > 14 ? null : `${value} has ${value.length} digits: not a GTIN length (8, 12, 13 or 14)`,
      };
  }
}

function isbn10(value: string, source: string): IdentifierCheck {
  const expected = isbn10CheckChar(value.slice(0, 9));
  const valid = value[9] === expected;
  const isbn13 = `978${value.slice(0, 9)}`;
  return {
    source,
    value,
    kind: "ISBN-10",
    valid,
    gtin14: valid ? `${isbn13}${gs1CheckDigit(isbn13)}`.padStart(14, "0") : null,
    problem: valid ? null : `ISBN-10 ${value}: check character is ${value[9]}, should be ${expected}`,
  };
}

export interface CatalogVariant {
  variantId: string;
  sku: string | null;
  barcode: string | null;
  /** Identifier metafields: "namespace.key" → value. */
  identifierMetafields?: Record<string, string>;
  title?: string;
}

export type CatalogIssueCode = "duplicate_sku" | "missing_sku" | "invalid_identifier" | "identifier_conflict";

export interface CatalogIssue {
  code: CatalogIssueCode;
  severity: "critical" | "warning" | "info";
  sku: string | null;
  variantIds: string[];
  message: string;
}

/** Every identifier of a variant, checked. */
export function identifiersOf(variant: CatalogVariant): IdentifierCheck[] {
  const checks: IdentifierCheck[] = [];
  if (variant.barcode) checks.push(checkIdentifier(variant.barcode, "barcode"));
  for (const [key, value] of Object.entries(variant.identifierMetafields ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (value.trim() !== "") checks.push(checkIdentifier(value, `metafield:${key}`));
  }
  return checks;
}

/**
 * Catalog report: duplicate SKUs (a SKU names one thing, so holds and ATP by SKU
 * would be ambiguous), variants without a SKU, identifiers failing their check
 * digit, and a barcode that disagrees with an identifier metafield. Sorted by
 * severity, then SKU.
 */
export function catalogIssues(variants: readonly CatalogVariant[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const bySku = new Map<string, string[]>();
  for (const variant of variants) {
    const sku = variant.sku?.trim() ?? "";
    if (sku === "") {
      issues.push({ code: "missing_sku", severity: "warning", sku: null, variantIds: [variant.variantId], message: `Variant ${variant.variantId}${variant.title ? ` (${variant.title})` : ""} has no SKU: it has no ATP by SKU` });
      continue;
    }
    const list = bySku.get(sku) ?? [];
    list.push(variant.variantId);
    bySku.set(sku, list);

    const checks = identifiersOf(variant);
    for (const check of checks) {
      if (check.valid === false) {
        issues.push({ code: "invalid_identifier", severity: "warning", sku, variantIds: [variant.variantId], message: `SKU ${sku}: ${check.source} ${check.problem}` });
      }
    }
    const distinct = new Set(checks.map((c) => c.gtin14).filter((g): g is string => g !== null));
    if (distinct.size > 1) {
      issues.push({
        code: "identifier_conflict",
        severity: "warning",
        sku,
        variantIds: [variant.variantId],
        message: `SKU ${sku}: identifiers disagree (${checks.filter((c) => c.gtin14).map((c) => `${c.source} ${c.value}`).join(", ")})`,
      });
    }
  }
  for (const [sku, ids] of bySku) {
    if (ids.length > 1) {
      issues.push({
        code: "duplicate_sku",
        severity: "critical",
        sku,
        variantIds: [...ids].sort(),
        message: `SKU ${sku} is on ${ids.length} variants (${[...ids].sort().join(", ")}): holds and ATP by this SKU are refused until it is unique`,
      });
    }
  }
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return issues.sort((a, b) => rank[a.severity] - rank[b.severity] || (a.sku ?? "").localeCompare(b.sku ?? "") || a.code.localeCompare(b.code));
}
