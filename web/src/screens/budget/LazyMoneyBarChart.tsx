import { lazy, Suspense, type ComponentProps } from "react";

import { ChartBoundary } from "../../ui/ChartBoundary";
import type MoneyBarChartType from "./MoneyBarChart";

// ECharts arrives in its own chunk, after the figures: the table is the source of truth.
const MoneyBarChart = lazy(() => import("./MoneyBarChart"));

type Props = ComponentProps<typeof MoneyBarChartType>;

export function LazyMoneyBarChart(props: Props) {
  return (
    <ChartBoundary>
      <Suspense fallback={<div className="money-chart" aria-hidden="true" />}>
        <MoneyBarChart {...props} />
      </Suspense>
    </ChartBoundary>
  );
}
