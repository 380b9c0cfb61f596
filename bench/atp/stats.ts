/** Timing and memory helpers for bench:atp. */

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Percentiles (nearest rank) of durations in milliseconds. */
export function latency(samples: readonly number[]): Latency {
  if (samples.length === 0) return { n: 0, p50: Number.NaN, p99: Number.NaN, mean: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { n: sorted.length, p50: rank(50), p99: rank(99), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length, max: sorted[sorted.length - 1]! };
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The emulator's seeded PRNG (mulberry32): the same run picks the same SKUs. */
export { prng } from "../../emulator/ids";

export interface MemorySample {
  at: number;
  rss: number;
  heapUsed: number;
}

export interface MemoryReport {
  samples: number;
  start: { rss: number; heapUsed: number };
  peak: { rss: number; heapUsed: number };
  end: { rss: number; heapUsed: number };
}

/** Samples RSS and heap every `everyMs` until stopped. */
export function sampleMemory(everyMs = 250): { stop(): MemoryReport } {
  const samples: MemorySample[] = [];
  const take = () => {
    const m = process.memoryUsage();
    samples.push({ at: Date.now(), rss: m.rss, heapUsed: m.heapUsed });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const first = samples[0]!;
      const last = samples[samples.length - 1]!;
      return {
        samples: samples.length,
        start: { rss: first.rss, heapUsed: first.heapUsed },
        peak: { rss: Math.max(...samples.map((s) => s.rss)), heapUsed: Math.max(...samples.map((s) => s.heapUsed)) },
        end: { rss: last.rss, heapUsed: last.heapUsed },
      };
    },
  };
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
