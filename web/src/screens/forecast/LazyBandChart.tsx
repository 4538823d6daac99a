import { lazy, Suspense, type ComponentProps } from "react";

import { ChartBoundary } from "../../ui/ChartBoundary";
import type BandChartType from "./BandChart";

// ECharts arrives in its own chunk, after the figures: they are the source of truth.
const BandChart = lazy(() => import("./BandChart"));

export function LazyBandChart(props: ComponentProps<typeof BandChartType>) {
  const height = props.compact ? 44 : 280;
  return (
    <ChartBoundary>
      <Suspense fallback={<div className="band-chart" aria-hidden="true" style={{ height }} />}>
        <BandChart {...props} />
      </Suspense>
    </ChartBoundary>
  );
}
