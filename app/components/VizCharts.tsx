/**
 * Polaris Viz charts, rendered in the browser only: Polaris Viz reads
 * `window` while rendering (isTouchDevice), which fails on the server, so the
 * server (and the first client render, which must match it) draws a fixed-size
 * placeholder and the chart replaces it once hydrated. Each chart sits in a
 * container named by `data-chart`, sized explicitly (Polaris Viz fills its
 * parent). Needs PolarisVizProvider above it (app/routes/app.tsx).
 */
import { useEffect, useState, type ReactNode } from "react";
import { BarChart, LineChart } from "@shopify/polaris-viz";
import { Box, Text } from "@shopify/polaris";
import { alignStepSeries, shortUtcLabel, type TimedPoint } from "./chart-data";

/**
 * The provider's themes: Polaris Viz's Light theme with straight segments. A spline
 * between samples would draw ATP values that never existed (ATP holds until the next change).
 */
export const VIZ_THEMES = { Light: { line: { hasSpline: false } } };

export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export function ChartFrame({ name, label, height = 240, children }: { name: string; label: string; height?: number; children: () => ReactNode }) {
  const hydrated = useHydrated();
  return (
    <div data-chart={name} role="figure" aria-label={label} style={{ height, width: "100%", position: "relative" }}>
      {hydrated ? (
        children()
      ) : (
        <Box padding="400">
          <Text as="p" tone="subdued">
            Loading chart…
          </Text>
        </Box>
      )}
    </div>
  );
}

/** ATP over time, one step line per location, on one time axis (UTC labels), held until `until` (the page's now). */
export function AtpLineChart({ series, until }: { series: { name: string; points: TimedPoint[] }[]; until?: string }) {
  if (series.every((s) => s.points.length === 0)) {
    return (
      <Text as="p" tone="subdued">
        No ATP changes recorded for this SKU in the last 30 days.
      </Text>
    );
  }
  const aligned = alignStepSeries(series, { until });
  return (
    <BlockCaption caption={aligned.bucketed ? "Lowest ATP in each interval (times in UTC)" : "ATP after each change; it holds until the next (times in UTC)"}>
      <ChartFrame name="atp-history" label="ATP over time by location">
        {() => (
          <LineChart
            data={aligned.series}
            isAnimated={false}
            xAxisOptions={{ labelFormatter: (value) => shortUtcLabel(value === null ? null : String(value)) }}
            yAxisOptions={{ integersOnly: true }}
            tooltipOptions={{ titleFormatter: (value) => shortUtcLabel(value === null ? null : String(value)) }}
          />
        )}
      </ChartFrame>
    </BlockCaption>
  );
}

function BlockCaption({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <div>
      {children}
      <Text as="p" variant="bodySm" tone="subdued">
        {caption}
      </Text>
    </div>
  );
}

/** Units returned per reason (horizontal bars). */
export function ReturnReasonsChart({ reasons }: { reasons: { label: string; units: number }[] }) {
  if (reasons.length === 0) {
    return (
      <Text as="p" tone="subdued">
        No return requests in the last 12 weeks.
      </Text>
    );
  }
  return (
    <ChartFrame name="return-reasons" label="Units returned by reason" height={Math.max(100, 32 * reasons.length + 60)}>
      {() => <BarChart direction="horizontal" isAnimated={false} showLegend={false} data={[{ name: "Units", data: reasons.map((r) => ({ key: r.label, value: r.units })) }]} />}
    </ChartFrame>
  );
}

/** Return rate per week: the share of the week's orders that have a return (percent). */
export function ReturnRateChart({ weeks }: { weeks: { week: string; ratePercent: number | null; orders: number; returned: number }[] }) {
  return (
    <ChartFrame name="return-rate" label="Return rate by week">
      {() => (
        <LineChart
          isAnimated={false}
          showLegend={false}
          data={[{ name: "Return rate", data: weeks.map((w) => ({ key: w.week, value: w.ratePercent })) }]}
          xAxisOptions={{ labelFormatter: (value) => (value === null ? "" : `wk ${String(value).slice(5)}`) }}
          yAxisOptions={{ labelFormatter: (value) => (value === null ? "" : `${value}%`) }}
          tooltipOptions={{
            titleFormatter: (value) => `Week of ${String(value)}`,
            valueFormatter: (value) => (value === null ? "no orders" : `${value}%`),
          }}
        />
      )}
    </ChartFrame>
  );
}
