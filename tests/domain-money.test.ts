import { describe, expect, it } from "vitest";
import { parseMoney, prorate, toDecimalString, toMinor } from "~/domain/money";

describe("parseMoney", () => {
  it.each([
    ["12.50", "USD", 1250],
    ["12.5", "USD", 1250],
    ["0", "USD", 0],
    ["12.500", "USD", 1250],
    ["1000", "JPY", 1000],
    ["1.234", "KWD", 1234],
    ["-3.10", "EUR", -310],
  ])("%s %s → %i", (text, currency, minor) => {
    expect(parseMoney(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ["12.505", "USD", /more than 2 decimal places/],
    ["abc", "USD", /not a decimal amount/],
    ["", "USD", /missing/],
    ["1.5", "JPY", /more than 0 decimal places/],
  ])("refuses %s %s naming the problem", (text, currency, message) => {
    const result = parseMoney(text, currency);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("round-trips through the Decimal form", () => {
    for (const minor of [0, 1, 99, 100, 123456, -5]) {
      expect(toMinor(toDecimalString(minor, "USD"), "USD")).toBe(minor);
    }
    expect(toDecimalString(1000, "JPY")).toBe("1000");
  });
});

describe("prorate (largest remainder)", () => {
  it("splits 100 across three equal parts as 34/33/33", () => {
    expect(prorate(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });

  it("follows the weights", () => {
    expect(prorate(1000, [2500, 7500])).toEqual([250, 750]);
  });

  it("splits evenly when every weight is zero", () => {
    expect(prorate(5, [0, 0])).toEqual([3, 2]);
  });

  it("always sums to the total (invariant over many random cases)", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const total = Math.floor(random() * 100000) - 20000;
      const weights = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * 5000));
      const parts = prorate(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts).toHaveLength(weights.length);
      parts.forEach((p) => expect(Number.isInteger(p)).toBe(true));
    }
  });

  it("refuses a negative weight and a non-integer total", () => {
    expect(() => prorate(10, [1, -1])).toThrow(/weight -1/);
    expect(() => prorate(1.5, [1])).toThrow(/not an integer/);
    expect(() => prorate(10, [1, Number.NaN])).toThrow(/weight NaN/);
    expect(() => prorate(10, [1, Infinity])).toThrow(/weight Infinity/);
    expect(() => prorate(3, [])).toThrow(/no parts/);
    expect(prorate(0, [])).toEqual([]);
  });

  /** The implementation prorate replaced (an object per part, sorted by remainder then index): the reference. */
  function referenceProrate(total: number, weights: readonly number[]): number[] {
    if (weights.length === 0) return [];
    const sum = weights.reduce((a, b) => a + b, 0);
    const effective = sum === 0 ? weights.map(() => 1) : weights;
    const effectiveSum = sum === 0 ? weights.length : sum;
    const sign = total < 0 ? -1 : 1;
    const abs = Math.abs(total);
    const exact = effective.map((w) => (abs * w) / effectiveSum);
    const parts = exact.map((x) => Math.floor(x));
    let left = abs - parts.reduce((a, b) => a + b, 0);
    const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
    for (let k = 0; left > 0; k = (k + 1) % order.length, left--) {
      const index = order[k]!.i;
      parts[index] = parts[index]! + 1;
    }
    return parts.map((p) => p * sign);
  }

  it("gives exactly what the reference implementation gives (generated weights, ties, zeros, negatives, 250 parts)", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const shapes: (() => number[])[] = [
      () => Array.from({ length: 1 + Math.floor(random() * 250) }, () => 1 + Math.floor(random() * 20000)),
      // many equal weights: ties in the remainder everywhere
      () => Array.from({ length: 1 + Math.floor(random() * 60) }, () => 1 + Math.floor(random() * 3)),
      // zeros among the weights, and all zeros
      () => Array.from({ length: 1 + Math.floor(random() * 30) }, () => (random() < 0.5 ? 0 : Math.floor(random() * 900))),
      () => Array.from({ length: 1 + Math.floor(random() * 30) }, () => 0),
      // fractional weights
      () => Array.from({ length: 1 + Math.floor(random() * 40) }, () => random() * 100),
    ];
    for (let n = 0; n < 3000; n++) {
      const weights = shapes[n % shapes.length]!();
      const total = Math.floor(random() * 2_000_000) - 500_000;
      expect(prorate(total, weights), `prorate(${total}, [${weights.join(", ")}])`).toEqual(referenceProrate(total, weights));
    }
  });

  it("keeps the order-independent invariants: parts sum to the total and differ from the exact share by less than one unit", () => {
    let seed = 99;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const weights = Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 10000));
      const total = Math.floor(random() * 100000);
      const sum = weights.reduce((a, b) => a + b, 0);
      const parts = prorate(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      parts.forEach((p, i) => {
        const share = sum === 0 ? total / weights.length : (total * weights[i]!) / sum;
        expect(Math.abs(p - share)).toBeLessThan(1);
      });
    }
  });
});
