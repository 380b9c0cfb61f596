import { describe, expect, it } from "vitest";
import {
  ATP_MAX_BYTES,
  atpAsOf,
  atpAt,
  formatUtc,
  parseUtc,
  readAtp,
  serializeAtp,
  validateAtpValue,
} from "~/domain/inventory/atp-metafield";

const AS_OF = 1795791845; // 2026-11-27T15:04:05Z

describe("instants", () => {
  it.each([
    ["2026-11-27T15:04:05Z", AS_OF],
    ["2026-11-27T10:04:05-05:00", AS_OF],
    ["2026-11-27T16:04:05+0100", AS_OF],
    ["2026-11-27T15:04:05.999Z", AS_OF],
    ["2026-11-27T15:04Z", AS_OF - 5],
    ["2024-02-29T00:00:00Z", 1709164800],
    ["1970-01-01T00:00:00Z", 0],
  ])("parseUtc(%s) = %i", (text, seconds) => {
    expect(parseUtc(text)).toBe(seconds);
  });

  it.each(["2026-11-27T15:04:05", "2026-02-29T00:00:00Z", "2026-11-27 15:04:05Z", "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "", 42, null])(
    "parseUtc(%j) is null",
    (text) => {
      expect(parseUtc(text)).toBeNull();
    },
  );

  it("formatUtc is parseUtc's inverse and matches Date", () => {
    for (const seconds of [0, AS_OF, 951782400 /* 2000-02-29 */, 4102444799]) {
      const text = formatUtc(seconds);
      expect(text).toBe(new Date(seconds * 1000).toISOString().replace(".000", ""));
      expect(parseUtc(text)).toBe(seconds);
    }
  });

  it("atpAsOf truncates milliseconds to seconds", () => {
    expect(atpAsOf(AS_OF * 1000 + 999)).toBe(AS_OF);
  });
});

describe("readAtp: the function's lenient reader", () => {
  it("reads the format", () => {
    expect(readAtp({ v: 1, asOf: AS_OF, total: 12, byLocation: { "70100000001": 7 } })).toEqual({
      asOf: AS_OF,
      total: 12,
      byLocation: { "70100000001": 7 },
    });
  });

  it("reads the metafield's value string too", () => {
    expect(readAtp(`{"v":1,"asOf":${AS_OF},"total":3}`)).toEqual({ asOf: AS_OF, total: 3, byLocation: null });
  });

  it.each([
    ["null", null],
    ["not JSON", "{v:1"],
    ["an array", [1]],
    ["another version", { v: 2, asOf: AS_OF, total: 1 }],
    ["no total", { v: 1, asOf: AS_OF }],
    ["a fractional total", { v: 1, asOf: AS_OF, total: 1.5 }],
    ["a string total", { v: 1, asOf: AS_OF, total: "3" }],
  ])("gives null for %s", (_name, value) => {
    expect(readAtp(value)).toBeNull();
  });

  it("reads a negative total as 0 (oversold) and an unreadable asOf as null (stale)", () => {
    expect(readAtp({ v: 1, asOf: "2026-11-27T15:04:05Z", total: -4 })).toEqual({ asOf: null, total: 0, byLocation: null });
  });

  it("reads one location's figure; missing, fractional or negative entries are handled", () => {
    const reading = readAtp({ v: 1, asOf: AS_OF, total: 5, byLocation: { a: 3, b: -2, c: 1.5 } })!;
    expect(atpAt(reading, "a")).toBe(3);
    expect(atpAt(reading, "b")).toBe(0);
    expect(atpAt(reading, "c")).toBeNull();
    expect(atpAt(reading, "zz")).toBeNull();
  });

  it("never throws on ordinary garbage", () => {
    for (const value of [undefined, 0, true, "", "null", "[]", {}, { v: 1 }, { v: 1, total: 1, byLocation: "x" }]) {
      expect(() => readAtp(value)).not.toThrow();
    }
  });
});

describe("serializeAtp: the app's strict writer", () => {
  it("writes the canonical value: fixed key order, sorted locations, no whitespace", () => {
    const written = serializeAtp({ asOf: AS_OF, total: 12, byLocation: { "70100000002": 5, "70100000001": 7 } });
    expect(written).toEqual({
      ok: true,
      value: `{"v":1,"asOf":${AS_OF},"total":12,"byLocation":{"70100000001":7,"70100000002":5}}`,
      bytes: 83,
    });
  });

  it("leaves byLocation out when not given (the single-location shop: 36 bytes a line)", () => {
    const written = serializeAtp({ asOf: AS_OF, total: 12 });
    expect(written.ok && written.value).toBe(`{"v":1,"asOf":${AS_OF},"total":12}`);
    expect(written.ok && written.bytes).toBe(36);
  });

  it.each([
    ["asOf in milliseconds", { asOf: AS_OF * 1000, total: 1 }, "asOf"],
    ["asOf as an ISO string", { asOf: "2026-11-27T15:04:05Z" as unknown as number, total: 1 }, "asOf"],
    ["a negative total", { asOf: AS_OF, total: -1 }, "total"],
    ["a fractional total", { asOf: AS_OF, total: 0.5 }, "total"],
    ["a negative location", { asOf: AS_OF, total: 1, byLocation: { "1": -1 } }, "byLocation.1"],
    ["a location key with spaces", { asOf: AS_OF, total: 1, byLocation: { "New York": 1 } }, "byLocation.New York"],
  ])("refuses %s, naming the field", (_name, figure, path) => {
    const written = serializeAtp(figure);
    expect(written.ok).toBe(false);
    if (!written.ok) expect(written.problems.map((p) => p.path)).toContain(path);
  });

  it(`refuses a value over ${ATP_MAX_BYTES} bytes`, () => {
    const byLocation = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`7010000000${String(i).padStart(2, "0")}`, 1]));
    const written = serializeAtp({ asOf: AS_OF, total: 80, byLocation });
    expect(written.ok).toBe(false);
  });

  it("what the writer writes, the validator accepts and the reader reads back", () => {
    const written = serializeAtp({ asOf: AS_OF, total: 9, byLocation: { "1": 4, "2": 5 } });
    if (!written.ok) throw new Error("must serialize");
    expect(validateAtpValue(written.value)).toEqual([]);
    expect(readAtp(written.value)).toEqual({ asOf: AS_OF, total: 9, byLocation: { "1": 4, "2": 5 } });
  });

  it("the validator names unknown fields and a wrong version", () => {
    expect(validateAtpValue({ v: 2, asOf: AS_OF, total: 1, extra: true }).map((p) => p.path)).toEqual(["v", "extra"]);
  });
});
