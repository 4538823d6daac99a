import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

import { currencyDigits, formatMoney, fromMinor } from "../../lib/money";
import { escapeHtml, reducedMotion, useEChart } from "../../ui/useEChart";
import { plotValue, type MonthPoint } from "./plot";

// Tree-shaken ECharts, loaded only with React.lazy (see LazyMonthChart): the figures above and
// below a chart show before it arrives.
use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface MonthSeries {
  name: string;
  color: string;
  kind: "line" | "bar";
  /** One point per month, in the chart's currency; a missing figure is a gap, never 0. */
  points: MonthPoint[];
}

/** Amounts per month (line or bars), in one currency. Its figures are also shown as text. */
export default function MonthChart({ months, series, currency, label }: { months: string[]; series: MonthSeries[]; currency: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useEChart(ref);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const digits = currencyDigits(currency);
    const reduceMotion = reducedMotion();
    const narrow = (ref.current?.clientWidth ?? 800) < 560;
    instance.resize();
    instance.setOption(
      {
        animation: !reduceMotion,
        color: series.map((s) => s.color),
        legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { color: "#1c2427" } },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        tooltip: {
          trigger: "axis",
          confine: true,
          // Exact figures: the API's decimal strings, never the plotted numbers.
          formatter: (params: unknown) => {
            const items = (Array.isArray(params) ? params : [params]) as { dataIndex: number; seriesIndex: number; marker: string }[];
            const index = items[0]?.dataIndex ?? 0;
            const rows = series.map((s) => {
              const point = s.points[index];
              const text = point?.money ? formatMoney(point.money) : `missing (no ${point?.missing.join(", ") ?? ""} rate)`;
              return `${escapeHtml(s.name)}: <strong>${escapeHtml(text)}</strong>`;
            });
            return [`<strong>${escapeHtml(months[index] ?? "")}</strong>`, ...rows].join("<br/>");
          },
        },
        xAxis: { type: "category", data: months, axisLabel: { color: "#5d6b70", hideOverlap: true }, axisTick: { alignWithLabel: true } },
        yAxis: {
          type: "value",
          splitNumber: narrow ? 3 : 4,
          minInterval: 10 ** digits, // values are minor units: ticks at whole currency units
          axisLabel: {
            color: "#5d6b70",
            formatter: (value: number) => formatMoney({ amount: fromMinor(BigInt(Math.round(value)), currency), currency }),
          },
        },
        series: series.map((s) =>
          s.kind === "line"
            ? { type: "line", name: s.name, data: s.points.map(plotValue), connectNulls: false, symbolSize: 7, lineStyle: { width: 2.5 } }
            : { type: "bar", name: s.name, data: s.points.map(plotValue), barMaxWidth: 18, barGap: "15%" },
        ),
      },
      { notMerge: true },
    );
  }, [months, series, currency]);

  return <div ref={ref} className="month-chart" role="img" aria-label={label} />;
}
