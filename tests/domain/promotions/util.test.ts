import { describe, expect, it } from "vitest";
import {
  civilFromDays,
  compileSkuPattern,
  daysFromCivil,
  formatMoney,
  globMatch,
  parseWallTime,
  skuMatches,
  skuPatternMatches,
  weekdayOf,
} from "~/domain/promotions/util";
import { prng } from "./fixtures";

describe("SKU globs (no RegExp)", () => {
  it.each([
    ["sku_giftcard_*", "sku_giftcard_50", true],
    ["sku_giftcard_*", "sku_giftcard_", true],
    ["sku_giftcard_*", "sku_giftcar", false],
    ["*", "", true],
    ["", "", true],
    ["", "a", false],
    ["?", "", false],
    ["?", "a", true],
    ["a*b", "aXbYb", true],
    ["a*b", "aXbY", false],
    ["a*b*c", "abxxbxc", true],
    ["**x", "x", true],
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["*-xl", "tee-red-xl", true],
  ])("%j matches %j: %s", (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it("the compiled form (native startsWith/endsWith/indexOf) agrees with globMatch", () => {
    const r = prng(7);
    const word = (alphabet: string, max: number) =>
      Array.from({ length: Math.floor(r() * (max + 1)) }, () => alphabet[Math.floor(r() * alphabet.length)]).join("");
    for (let n = 0; n < 5000; n++) {
      const pattern = word("ab*?", 6);
      const text = word("ab", 7);
      expect(skuPatternMatches(compileSkuPattern(pattern), text), `${pattern} ~ ${text}`).toBe(globMatch(pattern, text));
    }
  });

  it("is case-insensitive through skuMatches", () => {
    expect(skuMatches("SKU_GIFTCARD_*", "sku_giftcard_50")).toBe(true);
  });
});

describe("calendar arithmetic without Date", () => {
  it("round-trips days and knows weekdays", () => {
    for (let days = -800000; days <= 800000; days += 997) {
      const { y, m, d } = civilFromDays(days);
      expect(daysFromCivil(y, m, d)).toBe(days);
    }
    expect(weekdayOf({ y: 2026, m: 11, d: 27 })).toBe("fri");
    expect(weekdayOf({ y: 2000, m: 2, d: 29 })).toBe("tue");
  });

  it.each(["2026-02-29T10:00", "2026-13-01T00:00", "2026-11-27T24:00", "2026-11-27 10:00"])("refuses %s", (text) => {
    expect(parseWallTime(text)).toBeNull();
  });
});

describe("formatMoney (no Intl)", () => {
  it.each([
    [4210, "USD", "$42.10"],
    [1041200, "EUR", "€10,412.00"],
    [7500, "JPY", "¥7,500"],
    [-5, "USD", "-$0.05"],
    [1234, "SEK", "12.34 SEK"],
  ])("%i %s → %s", (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });
});
