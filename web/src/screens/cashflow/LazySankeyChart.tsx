import { Component, lazy, Suspense, type ComponentProps, type ReactNode } from "react";

import type SankeyChartType from "./SankeyChart";

// ECharts arrives in its own chunk, after the figures: the table of flows is the source of truth.
const SankeyChart = lazy(() => import("./SankeyChart"));

type Props = ComponentProps<typeof SankeyChartType>;

/** A chart that failed to load (offline, a stale deploy) is left out; the table has every figure. */
class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

export function LazySankeyChart(props: Props) {
  return (
    <ChartBoundary>
      <Suspense fallback={<div className="sankey-chart" aria-hidden="true" style={{ height: 280 }} />}>
        <SankeyChart {...props} />
      </Suspense>
    </ChartBoundary>
  );
}
