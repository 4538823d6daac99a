import { lazy, Suspense, type ComponentProps } from "react";

import { ChartBoundary } from "../../ui/ChartBoundary";
import type SankeyChartType from "./SankeyChart";

// ECharts arrives in its own chunk, after the figures: the table of flows is the source of truth.
const SankeyChart = lazy(() => import("./SankeyChart"));

type Props = ComponentProps<typeof SankeyChartType>;

export function LazySankeyChart(props: Props) {
  return (
    <ChartBoundary>
      <Suspense fallback={<div className="sankey-chart" aria-hidden="true" style={{ height: 280 }} />}>
        <SankeyChart {...props} />
      </Suspense>
    </ChartBoundary>
  );
}
