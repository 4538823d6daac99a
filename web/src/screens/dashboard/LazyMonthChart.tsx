import { Component, lazy, Suspense, type ComponentProps, type ReactNode } from "react";

import type MonthChartType from "./MonthChart";

// ECharts arrives in its own chunk, after the figures.
const MonthChart = lazy(() => import("./MonthChart"));

type Props = ComponentProps<typeof MonthChartType>;

/** A chart that failed to load (offline, a stale deploy) is left out; the figures stay. */
class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

export function LazyMonthChart(props: Props) {
  return (
    <ChartBoundary>
      <Suspense fallback={<div className="month-chart" aria-hidden="true" />}>
        <MonthChart {...props} />
      </Suspense>
    </ChartBoundary>
  );
}
