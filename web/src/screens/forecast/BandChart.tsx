import { LineChart } from "echarts/charts";
import { GridComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

import { currencyDigits, formatMoney, fromMinor, toMinor, type MoneyValue } from "../../lib/money";
import { escapeHtml, reducedMotion, useEChart } from "../../ui/useEChart";

// Tree-shaken ECharts (as the budget's bar charts): a line with its band, as two stacked
// areas (the low end, invisible, and the band's width on top). Only ever loaded lazily.
use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface BandPoint {
  label: string;
  value: MoneyValue;
  low: MoneyValue;
  high: MoneyValue;
}

/**
 * The one place a JS number is derived from money: a point's height in whole minor units
 * (exact integers below 2^53). Tooltips and axis labels go back through formatMoney.
 */
function height(money: MoneyValue): number {
  return Number(toMinor(money.amount, money.currency));
}

const LINE = "#1f7a5c";
const BAND = "rgba(31, 122, 92, 0.16)";

/**
 * A value over time with its band. `compact`: a sparkline (no axes, no tooltip). Decorative
 * for assistive technology beyond its label: the figures next to it are the source of truth.
 */
export default function BandChart({
  points,
  currency,
  label,
  compact = false,
  zeroLine = false,
}: {
  points: BandPoint[];
  currency: string;
  label: string;
  compact?: boolean;
  /** Draw the zero line (a balance that may go below zero). */
  zeroLine?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useEChart(ref);
  const chartHeight = compact ? 44 : 280;


  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const digits = currencyDigits(currency);
    const reduceMotion = reducedMotion();
    const lows = points.map((p) => height(p.low));
    const widths = points.map((p) => height(p.high) - height(p.low));
    instance.resize({ height: chartHeight });
    instance.setOption(
      {
        animation: !reduceMotion && !compact,
        grid: compact ? { left: 2, right: 2, top: 4, bottom: 4 } : { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: compact
          ? { show: false }
          : {
              trigger: "axis",
              confine: true,
              // Exact figures: the API's decimal strings, never the plotted heights.
              formatter: (params: unknown) => {
                const items = (Array.isArray(params) ? params : [params]) as { dataIndex: number }[];
                const point = points[items[0]?.dataIndex ?? 0];
                if (!point) return "";
                return [
                  `<strong>${escapeHtml(point.label)}</strong>`,
                  `Expected: <strong>${escapeHtml(formatMoney(point.value))}</strong>`,
                  `Band: ${escapeHtml(formatMoney(point.low))} – ${escapeHtml(formatMoney(point.high))}`,
                ].join("<br/>");
              },
            },
        xAxis: {
          type: "category",
          show: !compact,
          boundaryGap: false,
          data: points.map((p) => p.label),
          axisLabel: { color: "#5d6b70", hideOverlap: true },
          axisTick: { show: false },
        },
        yAxis: {
          type: "value",
          show: !compact,
          scale: true,
          splitNumber: 4,
          minInterval: 10 ** digits,
          axisLabel: {
            color: "#5d6b70",
            hideOverlap: true,
            formatter: (value: number) => formatMoney({ amount: fromMinor(BigInt(Math.round(value)), currency), currency }),
          },
        },
        series: [
          { type: "line", name: "low", data: lows, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, silent: true },
          {
            type: "line",
            name: "band",
            data: widths,
            stack: "band",
            symbol: "none",
            lineStyle: { opacity: 0 },
            areaStyle: { color: BAND },
            silent: true,
          },
          {
            type: "line",
            name: "expected",
            data: points.map((p) => height(p.value)),
            symbol: compact ? "none" : "circle",
            showSymbol: false,
            lineStyle: { color: LINE, width: compact ? 1.5 : 2.5 },
            itemStyle: { color: LINE },
            ...(zeroLine
              ? { markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { color: "#c0392b", type: "dashed" }, data: [{ yAxis: 0 }] } }
              : {}),
          },
        ],
      },
      { notMerge: true },
    );
  }, [points, currency, compact, zeroLine, chartHeight]);

  return (
    <div
      ref={ref}
      className={compact ? "band-chart band-chart-compact" : "band-chart"}
      role="img"
      aria-label={label}
      style={{ height: chartHeight }}
    />
  );
}
