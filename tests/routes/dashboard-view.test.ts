/** The dashboard's pure parts: which clock times are shown in, and reading the Retry form. */
import { describe, expect, it } from "vitest";
import { dashboardClock, formatInstant, readRetryForm } from "~/services/dashboard.server";

function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

describe("dashboardClock", () => {
  it("uses the shop's time zone when it is known", () => {
    expect(dashboardClock("America/Toronto")).toEqual({
      timeZone: "America/Toronto",
      label: "Times in America/Toronto, the shop's time zone",
    });
  });

  it("falls back to UTC, and says so, when the shop's zone is not synced", () => {
    expect(dashboardClock(null)).toEqual({ timeZone: "UTC", label: "Times in UTC: the shop's time zone is not synced yet" });
  });

  it("falls back to UTC, naming the value, when the zone is not a real IANA zone", () => {
    const clock = dashboardClock("Mars/Olympus_Mons");
    expect(clock.timeZone).toBe("UTC");
    expect(clock.label).toContain('"Mars/Olympus_Mons"');
  });
});

describe("formatInstant", () => {
  const at = new Date("2026-11-27T05:30:00Z");

  it("shows the same instant in the shop's zone, with the zone's name", () => {
    expect(formatInstant(at, "UTC")).toBe("Nov 27, 2026, 05:30:00 UTC");
    expect(formatInstant(at, "America/Toronto")).toBe("Nov 27, 2026, 00:30:00 EST");
    expect(formatInstant(at, "Asia/Tokyo")).toBe("Nov 27, 2026, 14:30:00 GMT+9");
  });
});

describe("readRetryForm", () => {
  const id = "3f1c2a9e-8b1d-4c3e-9f2a-1b2c3d4e5f60";

  it("accepts intent=retry with a UUID event id", () => {
    expect(readRetryForm(form({ intent: "retry", eventId: id }))).toEqual({ ok: true, eventId: id });
  });

  it.each([
    ["a missing event id", { intent: "retry" }, "eventId"],
    ["an empty event id", { intent: "retry", eventId: "  " }, "eventId"],
    ["an event id that is not a UUID", { intent: "retry", eventId: "1 OR 1=1" }, "eventId"],
    ["an event id sent as a file", { intent: "retry", eventId: new Blob([id]) }, "eventId"],
    ["a missing intent", { eventId: id }, "intent"],
    ["an unknown intent", { intent: "delete", eventId: id }, "intent"],
  ])("refuses %s with a field error", (_name, fields, field) => {
    const result = readRetryForm(form(fields));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors)).toEqual([field]);
  });
});
