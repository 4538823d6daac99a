import { Component, lazy, Suspense, type ComponentProps, type ReactNode } from "react";

import type MoneyBarChartType from "./MoneyBarChart";

// ECharts arrives in its own chunk, after the figures: the table is the source of truth.
const MoneyBarChart = lazy(() => import("./MoneyBarChart"));

type Props = ComponentProps<typeof MoneyBarChartType>;

/** A chart that failed to load (offline, a stale deploy) is left out; the table has every figure. */
export class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

export function LazyMoneyBarChart(props: Props) {
  return (
    <ChartBoundary>
      <Suspense fallback={<div className="money-chart" aria-hidden="true" />}>
        <MoneyBarChart {...props} />
      </Suspense>
    </ChartBoundary>
  );
}
