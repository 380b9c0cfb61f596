/** Shaping series for Polaris Viz (app/components/chart-data.ts): one shared axis, step values, bucketing that keeps dips. */
import { describe, expect, it } from "vitest";
import { alignStepSeries, shortUtcLabel } from "~/components/chart-data";

describe("alignStepSeries", () => {
  it("puts every series on the union of the sample times, carrying each value forward, null before its first sample", () => {
    const { series, bucketed } = alignStepSeries([
      { name: "Brooklyn", points: [{ at: "2026-11-20T10:00:00Z", atp: 9 }, { at: "2026-11-20T12:00:00Z", atp: 7 }] },
      { name: "Dublin", points: [{ at: "2026-11-20T11:00:00Z", atp: 3 }] },
    ]);
    expect(bucketed).toBe(false);
    expect(series).toEqual([
      {
        name: "Brooklyn",
        data: [
          { key: "2026-11-20T10:00:00.000Z", value: 9 },
          { key: "2026-11-20T11:00:00.000Z", value: 9 },
          { key: "2026-11-20T12:00:00.000Z", value: 7 },
        ],
      },
      {
        name: "Dublin",
        data: [
          { key: "2026-11-20T10:00:00.000Z", value: null },
          { key: "2026-11-20T11:00:00.000Z", value: 3 },
          { key: "2026-11-20T12:00:00.000Z", value: 3 },
        ],
      },
    ]);
  });

  it("beyond maxPoints, buckets keep each interval's lowest value, so a dip below zero stays visible", () => {
    const start = Date.parse("2026-11-01T00:00:00Z");
    const points = Array.from({ length: 1000 }, (_, i) => ({ at: new Date(start + i * 60_000).toISOString(), atp: i === 501 ? -4 : 10 }));
    const { series, bucketed } = alignStepSeries([{ name: "Brooklyn", points }], { maxPoints: 10 });
    expect(bucketed).toBe(true);
    expect(series[0]?.data).toHaveLength(10);
    expect(Math.min(...(series[0]?.data.map((d) => d.value ?? Infinity) ?? []))).toBe(-4);
    expect(series[0]?.data.filter((d) => d.value === -4)).toHaveLength(1);
    expect(series[0]?.data.at(-1)?.key).toBe(new Date(start + 999 * 60_000).toISOString());
  });

  it("until (the page's now) ends the axis: each value holds until then; an earlier until changes nothing", () => {
    const one = [{ name: "Brooklyn", points: [{ at: "2026-11-20T10:00:00Z", atp: 4 }] }];
    expect(alignStepSeries(one, { until: "2026-11-26T10:00:00Z" }).series[0]?.data).toEqual([
      { key: "2026-11-20T10:00:00.000Z", value: 4 },
      { key: "2026-11-26T10:00:00.000Z", value: 4 },
    ]);
    expect(alignStepSeries(one, { until: "2026-11-19T10:00:00Z" }).series[0]?.data).toHaveLength(1);
  });

  it("no samples: empty series, nothing invented", () => {
    expect(alignStepSeries([{ name: "Brooklyn", points: [] }])).toEqual({ series: [{ name: "Brooklyn", data: [] }], bucketed: false });
  });

  it("shortUtcLabel", () => {
    expect(shortUtcLabel("2026-11-26T09:05:00.000Z")).toBe("Nov 26, 09:05");
    expect(shortUtcLabel(null)).toBe("");
    expect(shortUtcLabel("not a date")).toBe("not a date");
  });
});
