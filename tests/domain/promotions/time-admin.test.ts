import { describe, expect, it } from "vitest";
import { evaluate } from "~/domain/promotions/evaluate";
import {
  clockAt,
  compileTimeWindow,
  localTimeChecks,
  offsetMinutesAt,
  parseZone,
  utcToZoned,
  zonedToUtc,
} from "~/domain/promotions/time-admin";
import { cart, line, promo, promoSet } from "./fixtures";

describe("zonedToUtc: wall time in a zone → UTC instant", () => {
  it.each([
    ["winter in Berlin (UTC+1)", "2026-11-27T00:00", "Europe/Berlin", "2026-11-26T23:00:00Z"],
    ["summer in Berlin (UTC+2)", "2026-07-01T12:00", "Europe/Berlin", "2026-07-01T10:00:00Z"],
    ["seconds kept", "2026-07-01T12:00:30", "Europe/Berlin", "2026-07-01T10:00:30Z"],
    ["fixed +05:30", "2026-11-27T00:00", "+05:30", "2026-11-26T18:30:00Z"],
    ["fixed -03:00", "2026-11-27T00:00", "-03:00", "2026-11-27T03:00:00Z"],
    ["Z", "2026-11-27T00:00", "Z", "2026-11-27T00:00:00Z"],
    ["across a year end", "2027-01-01T00:30", "Asia/Tokyo", "2026-12-31T15:30:00Z"],
  ])("%s", (_name, wall, zone, utc) => {
    expect(zonedToUtc(wall, zone)).toMatchObject({ ok: true, utc, kind: "exact" });
  });

  describe("DST edges (decided: a missing time moves forward by the gap; a repeated time means the first)", () => {
    it.each([
      ["Berlin 2026-03-29 02:30 does not exist → 03:30 CEST", "2026-03-29T02:30", "Europe/Berlin", "compatible", "2026-03-29T01:30:00Z", "gap"],
      ["…or 01:30 CET when asked for the earlier", "2026-03-29T02:30", "Europe/Berlin", "earlier", "2026-03-29T00:30:00Z", "gap"],
      ["Berlin 2026-10-25 02:30 happens twice → the first (CEST)", "2026-10-25T02:30", "Europe/Berlin", "compatible", "2026-10-25T00:30:00Z", "overlap"],
      ["…or the second (CET) when asked for the later", "2026-10-25T02:30", "Europe/Berlin", "later", "2026-10-25T01:30:00Z", "overlap"],
      ["the minute before the Berlin gap is exact", "2026-03-29T01:59", "Europe/Berlin", "compatible", "2026-03-29T00:59:00Z", "exact"],
      ["the first minute after the Berlin gap is exact", "2026-03-29T03:00", "Europe/Berlin", "compatible", "2026-03-29T01:00:00Z", "exact"],
      ["New York 2026-03-08 02:30 does not exist → 03:30 EDT", "2026-03-08T02:30", "America/New_York", "compatible", "2026-03-08T07:30:00Z", "gap"],
      ["New York 2026-11-01 01:30 happens twice → EDT", "2026-11-01T01:30", "America/New_York", "compatible", "2026-11-01T05:30:00Z", "overlap"],
      ["Lord Howe's 30-minute gap", "2026-10-04T02:15", "Australia/Lord_Howe", "compatible", "2026-10-03T15:45:00Z", "gap"],
    ] as const)("%s", (_name, wall, zone, disambiguation, utc, kind) => {
      const result = zonedToUtc(wall, zone, disambiguation);
      expect(result).toMatchObject({ ok: true, utc, kind });
      if (result.ok && kind !== "exact") expect(result.note).toMatch(kind === "gap" ? /does not exist in .*clocks go forward/ : /happens twice in .*clocks go back/);
    });

    it.each([
      ["2026-03-29T02:30", "2026-03-29T02:30 does not exist in Europe/Berlin (clocks go forward)"],
      ["2026-10-25T02:30", "2026-10-25T02:30 happens twice in Europe/Berlin (clocks go back); give a UTC offset instead"],
    ])("reject refuses %s", (wall, message) => {
      expect(zonedToUtc(wall, "Europe/Berlin", "reject")).toEqual({ ok: false, message });
    });
  });

  it.each([
    ["2026-02-30T10:00", "Europe/Berlin", /"2026-02-30T10:00" is not a date-time/],
    ["2026-11-27", "Europe/Berlin", /is not a date-time like 2026-11-27T18:00/],
    ["2026-11-27T10:00", "Europe/Berln", /"Europe\/Berln" is not a time zone this system knows/],
    ["2026-11-27T10:00", "+15:00", /not a UTC offset between -14:00 and \+14:00/],
  ])("refuses %s in %s, naming the problem", (wall, zone, message) => {
    const result = zonedToUtc(wall, zone);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe("UTC → shop time", () => {
  it("gives the wall time and offset on both sides of the Berlin fall-back", () => {
    expect(utcToZoned("2026-10-25T00:30:00Z", "Europe/Berlin")).toEqual({ wall: "2026-10-25T02:30:00", offsetMinutes: 120 });
    expect(utcToZoned("2026-10-25T01:30:00Z", "Europe/Berlin")).toEqual({ wall: "2026-10-25T02:30:00", offsetMinutes: 60 });
    expect(offsetMinutesAt("America/St_Johns", Date.UTC(2026, 0, 1) / 1000)).toBe(-210);
    expect(parseZone("UTC")).toEqual({ ok: true, kind: "fixed", offsetMinutes: 0 });
  });

  it("builds the clock evaluate() takes, and the same instant gives the same answer in any shop zone", () => {
    const set = promoSet([promo("w", {
      conditions: { timeWindow: { start: "2026-11-27T00:00", end: "2026-11-28T00:00", zone: "Europe/Berlin", startUtc: "2026-11-26T23:00:00Z", endUtc: "2026-11-27T23:00:00Z" } },
    })]);
    for (const zone of ["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"]) {
      const open = evaluate(set, cart([line("a", 1000)], { now: clockAt("2026-11-26T23:00:00Z", zone) }));
      const closed = evaluate(set, cart([line("a", 1000)], { now: clockAt("2026-11-26T22:59:59Z", zone) }));
      expect([open.explanations[0]!.status, closed.explanations[0]!.status], zone).toEqual(["applied", "outside_window"]);
    }
    expect(clockAt("2026-11-26T23:00:00Z", "America/Los_Angeles")).toEqual({ shopLocal: "2026-11-26T15:00:00", utcOffsetMinutes: -480 });
  });
});

describe("compileTimeWindow", () => {
  it("compiles to UTC and passes DST notes on", () => {
    const result = compileTimeWindow({ start: "2026-03-29T02:30", end: "2026-03-30T00:00", zone: "Europe/Berlin" });
    expect(result).toMatchObject({ ok: true, window: { startUtc: "2026-03-29T01:30:00Z", endUtc: "2026-03-29T22:00:00Z" } });
    if (result.ok) expect(result.notes).toEqual([expect.stringMatching(/^start: 2026-03-29T02:30 does not exist in Europe\/Berlin/)]);
  });

  it("refuses an end that is not after the start (compared as instants)", () => {
    // both bounds take the first of the repeated hour: 02:30 → 00:30Z, 02:10 → 00:10Z, so the end is earlier
    expect(compileTimeWindow({ start: "2026-10-25T02:30", end: "2026-10-25T02:10", zone: "Europe/Berlin" }))
      .toEqual({ ok: false, errors: [{ field: "end", message: "must be after start (2026-10-25T02:30), got 2026-10-25T02:10" }] });
  });
});

describe("localTimeChecks: the shop.localTime arguments a Function needs", () => {
  it("converts one-off windows into the shop's zone and recurring hours into times", () => {
    const set = promoSet([
      promo("w", { conditions: { timeWindow: { start: "2026-11-27T00:00", end: "2026-11-28T00:00", zone: "Europe/Berlin", startUtc: "2026-11-26T23:00:00Z", endUtc: "2026-11-27T23:00:00Z" } } }),
      promo("r", { conditions: { recurring: { from: "18:00", to: "24:00" } } }),
      promo("plain"),
      promo("off", { enabled: false, conditions: { recurring: { from: "18:00", to: "20:00" } } }),
    ]);
    expect(localTimeChecks(set, "America/New_York")).toEqual([
      { promotionId: "w", dateTimeBetween: { startDateTime: "2026-11-26T18:00:00", endDateTime: "2026-11-27T18:00:00" } },
      { promotionId: "r", timeBetween: { startTime: "18:00:00", endTime: "23:59:59" } },
    ]);
  });
});
