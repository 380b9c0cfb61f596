/**
 * Money in integer minor units (cents). Shopify's Decimal strings ("12.50")
 * are parsed once, at the edge, with the currency's exponent; never compared
 * as strings and never held as floats.
 */

/** ISO 4217 currencies whose minor unit is not 2 digits. */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export function currencyExponent(currencyCode: string): number {
  return EXPONENTS[currencyCode.toUpperCase()] ?? 2;
}

export type ParseResult = { ok: true; minor: number } | { ok: false; message: string };

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * "12.5" USD → 1250; "1000" JPY → 1000. Extra fractional digits beyond the
 * currency's exponent must be zeros ("12.500" is fine, "12.505" is refused):
 * money is never silently rounded.
 */
export function parseMoney(value: string | number | null | undefined, currencyCode = "USD"): ParseResult {
  if (value === null || value === undefined || value === "") {
    return { ok: false, message: "amount is missing" };
  }
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, message: `"${text}" is not a decimal amount` };
  const [, sign, whole = "0", fraction = ""] = match;
  const exponent = currencyExponent(currencyCode);
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  const dropped = fraction.slice(exponent);
  if (/[1-9]/.test(dropped)) {
    return { ok: false, message: `"${text}" has more than ${exponent} decimal places for ${currencyCode}` };
  }
  const minor = Number(whole) * 10 ** exponent + Number(kept || "0");
  if (!Number.isSafeInteger(minor)) return { ok: false, message: `"${text}" is too large` };
  return { ok: true, minor: sign ? -minor : minor };
}

/** parseMoney for values Shopify guarantees; throws with the value named when it is not one. */
export function toMinor(value: string | number, currencyCode = "USD"): number {
  const parsed = parseMoney(value, currencyCode);
  if (!parsed.ok) throw new RangeError(`Money: ${parsed.message}`);
  return parsed.minor;
}

/** 1250 USD → "12.50" (Shopify's Decimal form). */
export function toDecimalString(minor: number, currencyCode = "USD"): string {
  const exponent = currencyExponent(currencyCode);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  if (exponent === 0) return `${sign}${abs}`;
  const unit = 10 ** exponent;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(exponent, "0")}`;
}

/**
 * Split `total` minor units across parts in proportion to `weights`
 * (largest-remainder method). The parts always sum to `total` exactly; ties in
 * the remainder go to the earlier part, so the result is deterministic.
 * All-zero weights split evenly.
 *
 * Written for QuickJS, where the discount Function runs it once per order-level
 * promotion over every cart line: no object per part and no comparator sort.
 * The remainders are sorted natively (Float64Array, numeric) only to find the
 * cut-off value; the parts above it get a unit, and those equal to it get one
 * in index order. That is exactly "remainder descending, then index", the
 * order the reference implementation sorts by (tests/domain-money.test.ts
 * checks the two agree on generated inputs).
 */
export function prorate(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError(`prorate: total ${total} is not an integer`);
  const n = weights.length;
  if (n === 0) {
    if (total !== 0) throw new RangeError(`prorate: cannot split ${total} across no parts`);
    return [];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || w === Infinity) throw new RangeError(`prorate: weight ${w} is not a non-negative number`);
    sum += w;
  }
  const even = sum === 0;
  const divisor = even ? n : sum;
  const negative = total < 0;
  const abs = negative ? -total : total;
  const parts: number[] = new Array(n);
  const remainders = new Float64Array(n);
  let left = abs;
  for (let i = 0; i < n; i++) {
    const exact = (even ? abs : abs * weights[i]!) / divisor;
    // exact % 1 is exactly exact - Math.floor(exact) for a non-negative finite number, without the call
    const r = exact % 1;
    const whole = exact - r;
    parts[i] = whole;
    remainders[i] = r;
    left -= whole;
  }
  if (left > 0) {
    // Every part gets `full` units; the first `rest` in (remainder desc, index asc) order one more:
    // those above the cut-off remainder, then those at it, in index order.
    const full = Math.floor(left / n);
    const rest = left - full * n;
    let cut = Infinity;
    let atCut = 0;
    if (rest > 0) {
      const sorted = remainders.slice().sort();
      const at = n - rest;
      cut = sorted[at]!;
      // positions above `at` hold values ≥ cut; those equal to it are ties that lose to the earlier index
      let tiesAbove = 0;
      for (let k = at + 1; k < n && sorted[k] === cut; k++) tiesAbove++;
      const above = n - at - 1 - tiesAbove;
      atCut = rest - above;
    }
    for (let i = 0; i < n; i++) {
      const r = remainders[i]!;
      if (r > cut || (r === cut && atCut-- > 0)) parts[i] = parts[i]! + full + 1;
      else if (full !== 0) parts[i] = parts[i]! + full;
    }
  }
  if (negative) for (let i = 0; i < n; i++) parts[i] = -parts[i]!;
  return parts;
}
