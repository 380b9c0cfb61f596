/** The Returns queue's SLA clock, the charts' figures (weeks in the shop's zone, rates, reasons) and the policy's SLA field. */
import { describe, expect, it } from "vitest";
import { lastWeeks, reasonBreakdown, returnRates, weekOf } from "~/domain/returns/analytics";
import { DEFAULT_POLICY, readPolicy, slaOf } from "~/domain/returns/policy";
import { DEFAULT_SLA, durationLabel, readSlaForm, slaAge, slaCutoffs } from "~/domain/returns/sla";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-20T12:00:00Z");

describe("slaAge", () => {
  const sla = { decisionHours: 48, dueSoonPercent: 75 };
  it.each([
    [0, "within", "due in 2 d (SLA 48 h)"],
    [35.9, "within", "due in 12 h (SLA 48 h)"],
    [36, "due_soon", "due in 12 h (SLA 48 h)"],
    [48, "due_soon", "due in 0 min (SLA 48 h)"],
    [48.5, "breached", "breached 30 min ago (SLA 48 h)"],
    [24 * 5 + 48, "breached", "breached 5 d ago (SLA 48 h)"],
  ] as const)("a request %s h old is %s", (hours, state, label) => {
    const age = slaAge({ status: "requested", requestedAt: T0, now: T0 + hours * HOUR, sla });
    expect(age.state).toBe(state);
    expect(age.label).toBe(label);
    expect(age.dueAt).toBe(T0 + 48 * HOUR);
  });

  it.each(["approved", "in_transit", "received", "closed", "declined"])("a %s RMA is off the clock (age still shown)", (status) => {
    const age = slaAge({ status, requestedAt: T0, now: T0 + 100 * HOUR, sla });
    expect(age).toMatchObject({ state: null, dueAt: null, ageHours: 100, ageLabel: "4 d 4 h" });
  });

  it("the database cut-offs agree with slaAge at their edges", () => {
    const now = T0 + 1000 * HOUR;
    const { breachedBefore, dueSoonBefore } = slaCutoffs(now, sla);
    expect(slaAge({ status: "requested", requestedAt: breachedBefore - 1, now, sla }).state).toBe("breached");
    expect(slaAge({ status: "requested", requestedAt: breachedBefore, now, sla }).state).toBe("due_soon");
    expect(slaAge({ status: "requested", requestedAt: dueSoonBefore, now, sla }).state).toBe("due_soon");
    expect(slaAge({ status: "requested", requestedAt: dueSoonBefore + 1, now, sla }).state).toBe("within");
  });

  it("durationLabel", () => {
    expect([durationLabel(59_000), durationLabel(5 * HOUR), durationLabel(48 * HOUR), durationLabel(50 * HOUR)]).toEqual(["0 min", "5 h", "2 d", "2 d 2 h"]);
  });
});

describe("readSlaForm", () => {
  it("reads hours or days and the due-soon share", () => {
    expect(readSlaForm({ decision: "3", unit: "days", dueSoonPercent: "80" })).toEqual({ ok: true, sla: { decisionHours: 72, dueSoonPercent: 80 } });
    expect(readSlaForm({ decision: "12", unit: "hours", dueSoonPercent: "" })).toEqual({ ok: true, sla: { decisionHours: 12, dueSoonPercent: DEFAULT_SLA.dueSoonPercent } });
  });
  it.each([
    [{ decision: "", unit: "hours", dueSoonPercent: "75" }, "decision", /how long a request may wait/],
    [{ decision: "1.5", unit: "days", dueSoonPercent: "75" }, "decision", /"1.5" is not a whole number of days/],
    [{ decision: "0", unit: "hours", dueSoonPercent: "75" }, "decision", /at least 1 hour/],
    [{ decision: "91", unit: "days", dueSoonPercent: "75" }, "decision", /more than 90 days/],
    [{ decision: "5", unit: "weeks", dueSoonPercent: "75" }, "unit", /"weeks" is not hours or days/],
    [{ decision: "5", unit: "hours", dueSoonPercent: "100" }, "dueSoonPercent", /"100" is not a whole percentage from 1 to 99/],
  ] as const)("refuses %j on %s", (fields, field, message) => {
    const read = readSlaForm(fields);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.errors[field]).toMatch(message);
  });
});

describe("the policy's SLA", () => {
  it("a policy stored before the SLA existed is still readable; the default SLA applies and says so", () => {
    const { sla: _sla, ...older } = DEFAULT_POLICY;
    const read = readPolicy(JSON.parse(JSON.stringify(older)));
    expect(read.ok).toBe(true);
    if (read.ok) expect(slaOf(read.policy)).toEqual({ sla: DEFAULT_SLA, source: "default" });
    expect(slaOf({ ...DEFAULT_POLICY, sla: { decisionHours: 12, dueSoonPercent: 50 } })).toEqual({ sla: { decisionHours: 12, dueSoonPercent: 50 }, source: "policy" });
  });
  it("a stored SLA is checked like the rest of the policy", () => {
    expect(readPolicy({ ...DEFAULT_POLICY, sla: { decisionHours: 0, dueSoonPercent: 150 } })).toEqual({
      ok: false,
      errors: ["sla.decisionHours: not a whole number of hours ≥ 1", "sla.dueSoonPercent: not a whole percentage from 1 to 99"],
    });
  });
});

describe("weeks in the shop's time zone", () => {
  it.each([
    ["2026-11-23T10:00:00Z", "UTC", "2026-11-23"], // a Monday
    ["2026-11-29T23:30:00Z", "UTC", "2026-11-23"], // Sunday night
    ["2026-11-30T03:00:00Z", "America/Los_Angeles", "2026-11-23"], // still Sunday in LA
    ["2026-11-29T20:00:00Z", "Asia/Tokyo", "2026-11-30"], // already Monday in Tokyo
    ["2027-01-01T12:00:00Z", "UTC", "2026-12-28"], // across the year
  ])("%s in %s is the week of %s", (at, zone, week) => {
    expect(weekOf(Date.parse(at), zone)).toBe(week);
  });

  it("lastWeeks lists consecutive Mondays, oldest first, ending with the current week", () => {
    expect(lastWeeks(Date.parse("2026-11-25T12:00:00Z"), "UTC", 3)).toEqual(["2026-11-09", "2026-11-16", "2026-11-23"]);
  });

  it("names a zone Intl does not know", () => {
    expect(() => weekOf(0, "Mars/Olympus")).toThrow(/Mars\/Olympus/);
  });
});

describe("returnRates and reasonBreakdown", () => {
  it("rates are returned orders over orders per week, one decimal; a week without orders has no rate", () => {
    const weeks = ["2026-11-09", "2026-11-16", "2026-11-23"];
    const orders = [
      { orderId: "a", placedAt: Date.parse("2026-11-16T10:00:00Z") },
      { orderId: "b", placedAt: Date.parse("2026-11-17T10:00:00Z") },
      { orderId: "c", placedAt: Date.parse("2026-11-18T10:00:00Z") },
      { orderId: "d", placedAt: Date.parse("2026-11-24T10:00:00Z") },
      { orderId: "old", placedAt: Date.parse("2026-10-01T10:00:00Z") }, // outside the weeks: ignored
    ];
    const rates = returnRates({ weeks, timeZone: "UTC", orders, returnedOrderIds: new Set(["a", "old"]) });
    expect(rates).toEqual([
      { week: "2026-11-09", orders: 0, returned: 0, ratePercent: null },
      { week: "2026-11-16", orders: 3, returned: 1, ratePercent: 33.3 },
      { week: "2026-11-23", orders: 1, returned: 0, ratePercent: 0 },
    ]);
  });

  it("units per reason, most first; a return with two lines of one reason counts once in returns", () => {
    expect(
      reasonBreakdown([
        { lines: [{ reason: "SIZE_TOO_SMALL", quantity: 1 }, { reason: "SIZE_TOO_SMALL", quantity: 2 }] },
        { lines: [{ reason: "DEFECTIVE", quantity: 3 }] },
        { lines: [{ reason: "COLOR", quantity: 1 }, { reason: "DEFECTIVE", quantity: 1 }] },
      ]),
    ).toEqual([
      { reason: "DEFECTIVE", units: 4, returns: 2 },
      { reason: "SIZE_TOO_SMALL", units: 3, returns: 1 },
      { reason: "COLOR", units: 1, returns: 1 },
    ]);
  });
});
