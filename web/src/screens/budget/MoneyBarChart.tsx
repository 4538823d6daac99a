import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

import { currencyDigits, formatMoney, fromMinor, toMinor, type MoneyValue } from "../../lib/money";
import { useEChart } from "../../ui/useEChart";

// Tree-shaken ECharts: only what these bar charts draw. This module is only ever loaded with
// React.lazy (by the budget screen and the household card), so ECharts is a chunk of its own,
// out of the first bundle, and the table next to a chart shows before it arrives.
use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface MoneySeries {
  name: string;
  color: string;
  /** One amount per category, in the chart's currency. */
  values: MoneyValue[];
}

/**
 * The one place a JS number is derived from money: a bar's length, in whole minor units
 * (exact integers: every amount the API allows is below 2^53), never a fraction of a euro.
 * Nothing shown to a person is computed from it — tooltips are formatMoney strings of the
 * API's decimals, and axis ticks go back through fromMinor.
 */
function barLength(money: MoneyValue): number {
  return Number(toMinor(money.amount, money.currency));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Horizontal grouped bars of amounts per category (envelopes, accounts). Decorative for
 * assistive technology beyond its summary: the table next to it is the source of truth.
 */
export default function MoneyBarChart({
  categories,
  series,
  currency,
  label,
}: {
  categories: string[];
  series: MoneySeries[];
  currency: string;
  /** The accessible name: what the chart shows, in a sentence. */
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useEChart(ref);
  const height = Math.max(140, categories.length * (series.length * 12 + 22) + 70);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const digits = currencyDigits(currency);
    const reduceMotion = typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    instance.resize({ height });
    instance.setOption(
      {
        animation: !reduceMotion,
        color: series.map((s) => s.color),
        legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { color: "#1c2427" } },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          confine: true,
          // Exact figures: the API's decimal strings through formatMoney, never the bar lengths.
          formatter: (params: unknown) => {
            const items = (Array.isArray(params) ? params : [params]) as { dataIndex: number; seriesIndex: number; marker: string }[];
            const index = items[0]?.dataIndex ?? 0;
            const rows = items.map((item) => {
              const s = series[item.seriesIndex];
              const money = s?.values[index];
              return `${item.marker}${escapeHtml(s?.name ?? "")}: <strong>${money ? escapeHtml(formatMoney(money)) : ""}</strong>`;
            });
            return [`<strong>${escapeHtml(categories[index] ?? "")}</strong>`, ...rows].join("<br/>");
          },
        },
        xAxis: {
          type: "value",
          // Fewer gridlines on a phone: every tick label is a full formatMoney string.
          splitNumber: (ref.current?.clientWidth ?? 800) < 560 ? 2 : 4,
          // Ticks at whole currency units (values are minor units).
          minInterval: 10 ** digits,
          // Gridline ticks, shown in the currency (rounded to its minor digits).
          axisLabel: {
            color: "#5d6b70",
            hideOverlap: true,
            formatter: (value: number) =>
              formatMoney({ amount: fromMinor(BigInt(Math.round(value)), currency), currency }),
          },
        },
        yAxis: {
          type: "category",
          inverse: true,
          data: categories,
          axisTick: { show: false },
          axisLabel: { color: "#1c2427", width: 110, overflow: "truncate" },
        },
        series: series.map((s) => ({
          type: "bar",
          name: s.name,
          data: s.values.map(barLength),
          barMaxWidth: 14,
          barGap: "15%",
          emphasis: { focus: "series" },
        })),
      },
      { notMerge: true },
    );
  }, [categories, series, currency, height]);

  return <div ref={ref} className="money-chart" role="img" aria-label={label} style={{ height }} />;
}
