import { lazy, Suspense, type ComponentProps } from "react";

import { ChartBoundary } from "../../ui/ChartBoundary";
import type MonthChartType from "./MonthChart";

// ECharts arrives in its own chunk, after the figures.
const MonthChart = lazy(() => import("./MonthChart"));

type Props = ComponentProps<typeof MonthChartType>;

export function LazyMonthChart(props: Props) {
  return (
    <ChartBoundary>
      <Suspense fallback={<div className="month-chart" aria-hidden="true" />}>
        <MonthChart {...props} />
      </Suspense>
    </ChartBoundary>
  );
}
