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
  });
});
