/**
 * shop.localTime at its edges (inclusive "after", exclusive "before", half-open "between",
 * windows across midnight refused as not simulated), through the executed input query too;
 * and the money helpers at the edges of Decimal strings.
 */
import { describe, expect, test } from "vitest";

import { listFunctionExtensions, type FunctionExtension, type FunctionTarget } from "../../functions/build";
import { buildFunctionInput } from "../../emulator/checkout/input";
import { ownerFromOverride } from "../../emulator/checkout/run";
import { resolveCart } from "../../emulator/checkout/state";
import { decimalToCents, localTime, shopWallTime, wallToUtcMs } from "../../emulator/checkout/values";
import { cart, defaultSnapshot } from "./helpers";

const NOW = "2026-11-27T09:30:00";

describe("LocalTime", () => {
  const t = localTime(NOW);
  test.each([
    ["date", () => t.date, "2026-11-27"],
    ["dateTimeAfter(now) is true (at counts)", () => t.dateTimeAfter(NOW), true],
    ["dateTimeAfter(a second later)", () => t.dateTimeAfter("2026-11-27T09:30:01"), false],
    ["dateTimeAfter(minutes only, same instant)", () => t.dateTimeAfter("2026-11-27T09:30"), true],
    ["dateTimeBefore(now) is false", () => t.dateTimeBefore(NOW), false],
    ["dateTimeBefore(a millisecond later)", () => t.dateTimeBefore("2026-11-27T09:30:00.001"), true],
    ["dateTimeBetween(now, later): start included", () => t.dateTimeBetween(NOW, "2026-11-28T00:00:00"), true],
    ["dateTimeBetween(earlier, now): end excluded", () => t.dateTimeBetween("2026-11-27T00:00:00", NOW), false],
    ["dateTimeBetween(now, now) is empty", () => t.dateTimeBetween(NOW, NOW), false],
    ["dateTimeBetween with start after end", () => t.dateTimeBetween("2026-11-28T00:00:00", "2026-11-27T00:00:00"), false],
    ["timeAfter(09:30:00)", () => t.timeAfter("09:30:00"), true],
    ["timeAfter(09:30:01)", () => t.timeAfter("09:30:01"), false],
    ["timeBefore(09:30:00)", () => t.timeBefore("09:30:00"), false],
    ["timeBefore(09:30:00.5)", () => t.timeBefore("09:30:00.5"), true],
    ["timeBetween(09:30, 17:00)", () => t.timeBetween("09:30:00", "17:00:00"), true],
    ["timeBetween(00:00, 09:30)", () => t.timeBetween("00:00:00", "09:30:00"), false],
    ["timeBetween(00:00:00, 23:59:59)", () => t.timeBetween("00:00:00", "23:59:59"), true],
  ])("%s", (_name, answer, expected) => {
    expect(answer()).toBe(expected);
  });

  test.each([
    ["timeBetween across midnight", () => t.timeBetween("22:00:00", "02:00:00"), /not document/],
    ["a time of day that does not exist", () => t.timeAfter("24:00:00"), /no such time of day/],
    ["a date that does not exist", () => t.dateTimeAfter("2026-02-29T00:00:00"), /not a calendar date/],
    ["a zone in a DateTimeWithoutTimezone", () => t.dateTimeAfter("2026-11-27T09:30:00Z"), /not a DateTimeWithoutTimezone/],
  ])("%s is refused", (_name, answer, message) => {
    expect(answer).toThrow(message);
  });

  test("the shop's wall clock: New York in winter is UTC−5, and back", () => {
    expect(shopWallTime(Date.parse("2026-11-27T14:30:00Z"), "America/New_York")).toBe("2026-11-27T09:30:00");
    expect(new Date(wallToUtcMs("2026-11-27T09:30:00", "America/New_York")).toISOString()).toBe("2026-11-27T14:30:00.000Z");
    expect(new Date(wallToUtcMs("2026-07-01T09:30:00", "America/New_York")).toISOString()).toBe("2026-07-01T13:30:00.000Z");
  });
});

describe("LocalTime through the input query", () => {
  test("answers and errors reach the function input as Shopify would send them", async () => {
    const floor = (await listFunctionExtensions()).find((e) => e.handle === "peakguard-floor") as FunctionExtension;
    const snapshot = defaultSnapshot();
    const state = resolveCart(snapshot, cart({ now: NOW }));
    const owner = ownerFromOverride(snapshot, floor.handle, "discount", { metafields: [] });
    const target = floor.targets[0] as FunctionTarget;
    const ok = await buildFunctionInput({
      extension: floor,
      target,
      state,
      owner,
      querySource: `query { shop { localTime { date open: timeBetween(startTime: "09:30:00", endTime: "17:00:00") early: timeBefore(time: "09:30:00") drop: dateTimeAfter(dateTime: "2026-11-27T09:30:00") } } }`,
    });
    expect(ok.errors).toEqual([]);
    expect(ok.validationErrors).toEqual([]);
    expect(ok.input).toEqual({ shop: { localTime: { date: "2026-11-27", open: true, early: false, drop: true } } });
    const midnight = await buildFunctionInput({ extension: floor, target, state, owner, querySource: `query { shop { localTime { timeBetween(startTime: "22:00:00", endTime: "02:00:00") } } }` });
    expect(midnight.errors[0]).toMatch(/^not simulated: LocalTime.timeBetween with startTime 22:00:00 after endTime 02:00:00/);
  });

  test("without `now` in the cart, the store clock in the shop's zone", () => {
    const snapshot = defaultSnapshot();
    expect(resolveCart(snapshot, cart(), { clock: () => Date.parse("2026-11-27T04:59:59Z") }).nowWall).toBe("2026-11-26T23:59:59");
  });
});

describe("Decimal strings ↔ minor units", () => {
  test.each([
    ["12.5", 1250],
    ["12.50", 1250],
    ["0.005", 1],
    ["0.004", 0],
    ["100", 10000],
    ["-3.25", -325],
  ])("%s → %i cents", (value, cents) => {
    expect(decimalToCents(value)).toBe(cents);
  });
  test.each([[12.5], ["1e3"], ["12,50"], [""]])("%j is not a Decimal", (value) => {
    expect(() => decimalToCents(value)).toThrow(/not a Decimal string/);
  });
});
