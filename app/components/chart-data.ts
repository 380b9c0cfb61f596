/**
 * Shaping figures for Polaris Viz charts (pure: no React, no I/O). Polaris
 * Viz line charts read every series by position on one shared x axis, so
 * series sampled at different times are first aligned on the union of their
 * times.
 */

export interface VizPoint {
  key: string;
  value: number | null;
}

export interface VizSeries {
  name: string;
  data: VizPoint[];
}

export interface TimedPoint {
  at: string;
  atp: number;
}

/** More x positions than this are bucketed (a chart of 5,000 points draws nothing a person can read). */
export const MAX_POINTS = 120;

/**
 * Step series (a value holds until the next sample) on one shared axis: the
 * union of all sample times, each series carrying its last value forward and
 * null before its first sample. Beyond `maxPoints` times, the range is cut
 * into `maxPoints` equal intervals and each series shows its LOWEST value in
 * each interval (for ATP the dip is what matters: a dip below zero is an
 * oversell), keyed by the interval's end. `until` (the page's "now"), when later
 * than every sample, ends the axis there: each value holds until then.
 */
export function alignStepSeries(
  series: readonly { name: string; points: readonly TimedPoint[] }[],
  options: { maxPoints?: number; until?: string } = {},
): { series: VizSeries[]; bucketed: boolean } {
  const maxPoints = options.maxPoints ?? MAX_POINTS;
  const parsed = series.map((s) => ({
    name: s.name,
    points: s.points.map((p) => ({ t: Date.parse(p.at), v: p.atp })).filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t),
  }));
  const times = [...new Set(parsed.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  if (times.length === 0) return { series: parsed.map((s) => ({ name: s.name, data: [] })), bucketed: false };
  const until = options.until ? Date.parse(options.until) : NaN;
  if (Number.isFinite(until) && until > (times[times.length - 1] as number)) times.push(until);

  if (times.length <= maxPoints) {
    return {
      bucketed: false,
      series: parsed.map((s) => {
        let index = 0;
        let current: number | null = null;
        const data = times.map((t) => {
          while (index < s.points.length && (s.points[index] as { t: number }).t <= t) current = (s.points[index++] as { v: number }).v;
          return { key: new Date(t).toISOString(), value: current };
        });
        return { name: s.name, data };
      }),
    };
  }

  const first = times[0] as number;
  const last = times[times.length - 1] as number;
  const width = (last - first) / maxPoints;
  const ends = Array.from({ length: maxPoints }, (_, i) => (i === maxPoints - 1 ? last : first + width * (i + 1)));
  return {
    bucketed: true,
    series: parsed.map((s) => {
      let index = 0;
      let current: number | null = null;
      const data = ends.map((end) => {
        // The value held entering the interval counts too: it holds until the first change in it.
        let low: number | null = current;
        while (index < s.points.length && (s.points[index] as { t: number }).t <= end) {
          current = (s.points[index++] as { v: number }).v;
          low = low === null ? current : Math.min(low, current);
        }
        return { key: new Date(Math.round(end)).toISOString(), value: low };
      });
      return { name: s.name, data };
    }),
  };
}

/** "Nov 26, 14:05" in UTC, for axis labels (the page says the zone). */
export function shortUtcLabel(value: string | number | null): string {
  if (value === null) return "";
  const at = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(at)) return String(value);
  const d = new Date(at);
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  return `${month} ${d.getUTCDate()}, ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}
