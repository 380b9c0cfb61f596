import { describe, expect, it } from "vitest";
import { restTime, zoneOffsetMinutes } from "../../emulator/ids";

describe("zone offsets (cached per zone and UTC quarter hour)", () => {
  it("changes at the exact second of a DST transition, read before and after in either order", () => {
    const springForward = Date.UTC(2026, 2, 8, 7, 0, 0); // 02:00 EST → 03:00 EDT
    expect(zoneOffsetMinutes(springForward - 1000, "America/New_York")).toBe(-300);
    expect(zoneOffsetMinutes(springForward, "America/New_York")).toBe(-240);
    const fallBack = Date.UTC(2026, 10, 1, 6, 0, 0); // 02:00 EDT → 01:00 EST
    expect(zoneOffsetMinutes(fallBack, "America/New_York")).toBe(-300);
    expect(zoneOffsetMinutes(fallBack - 1000, "America/New_York")).toBe(-240);
  });

  it("keeps zones apart and handles quarter-hour offsets and their transitions", () => {
    const at = Date.UTC(2026, 5, 1, 12, 7, 0);
    expect(zoneOffsetMinutes(at, "Asia/Kathmandu")).toBe(345);
    expect(zoneOffsetMinutes(at, "Europe/Paris")).toBe(120);
    expect(zoneOffsetMinutes(at, "UTC")).toBe(0);
    // Chatham leaves daylight time at 03:45 local (+13:45) on 2026-04-05 = 14:00 UTC on the 4th.
    const chatham = Date.UTC(2026, 3, 4, 14, 0, 0);
    expect(zoneOffsetMinutes(chatham - 1000, "Pacific/Chatham")).toBe(825);
    expect(zoneOffsetMinutes(chatham, "Pacific/Chatham")).toBe(765);
  });

  it("prints REST times with the offset of their instant", () => {
    expect(restTime(Date.UTC(2026, 10, 27, 9, 15, 30, 900), "America/New_York")).toBe("2026-11-27T04:15:30-05:00");
    expect(restTime(Date.UTC(2026, 6, 1, 0, 0, 0), "Asia/Kathmandu")).toBe("2026-07-01T05:45:00+05:45");
  });
});
