import { SankeyChart as EChartsSankey } from "echarts/charts";
import { TooltipComponent } from "echarts/components";
import { use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useMemo, useRef } from "react";

import { formatMoney, toMinor, type MoneyValue } from "../../lib/money";
import { escapeHtml, reducedMotion, useEChart } from "../../ui/useEChart";
import { depths, KIND_COLORS, nodeTotals, tallestColumn, throughput, type Diagram } from "./sankey";

// Tree-shaken ECharts: only the Sankey series and its tooltip. Loaded with React.lazy only, so
// the chart library is a chunk of its own and the table of flows shows before it arrives.
use([EChartsSankey, TooltipComponent, CanvasRenderer]);

/**
 * The one place a JS number is derived from money: a link's width, in whole minor units (exact
 * integers: every amount the API allows is below 2^53). Labels and tooltips show the API's
 * decimal strings (and exact bigint sums of them) through formatMoney.
 */
function width(money: MoneyValue): number {
  return Number(toMinor(money.amount, money.currency));
}

/** A Sankey diagram of money; decorative beyond its name: the table next to it has every figure. */
export default function SankeyChart({ diagram, currency, label }: { diagram: Diagram; currency: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useEChart(ref);
  // Room for each node's two-line label in the fullest column (tiny links get no height of their own).
  const height = Math.max(280, Math.min(1100, tallestColumn(diagram) * 62 + 40));
  const totals = useMemo(() => nodeTotals(diagram, currency), [diagram, currency]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const reduceMotion = reducedMotion();
    const column = depths(diagram);
    const last = Math.max(0, ...column);
    const nodes = diagram.nodes.map((node, i) => {
      const through = throughput(totals[i]!, currency);
      return {
        name: node.id,
        depth: column[i],
        itemStyle: { color: KIND_COLORS[node.kind] },
        // The last column's labels sit left of their nodes, inside the chart.
        label: {
          position: column[i] === last && last > 0 ? "left" : "right",
          formatter: `{name|${node.label.replace(/[{}|]/g, " ")}}\n{amount|${formatMoney(through)}}`,
        },
      };
    });
    instance.resize({ height });
    instance.setOption(
      {
        animation: !reduceMotion,
        tooltip: {
          trigger: "item",
          confine: true,
          // Exact figures: the API's decimal strings and their bigint sums, never link widths.
          formatter: (params: unknown) => {
            const item = params as { dataType?: string; dataIndex: number };
            if (item.dataType === "edge") {
              const link = diagram.links[item.dataIndex];
              if (!link) return "";
              const from = diagram.nodes[link.source]?.label ?? "";
              const to = diagram.nodes[link.target]?.label ?? "";
              return `${escapeHtml(from)} → ${escapeHtml(to)}<br/><strong>${escapeHtml(formatMoney(link.value))}</strong>`;
            }
            const node = diagram.nodes[item.dataIndex];
            const total = totals[item.dataIndex];
            if (!node || !total) return "";
            const rows = [`<strong>${escapeHtml(node.label)}</strong>`];
            if (toMinor(total.inflow.amount, currency) > 0n) rows.push(`In: ${escapeHtml(formatMoney(total.inflow))}`);
            if (toMinor(total.outflow.amount, currency) > 0n) rows.push(`Out: ${escapeHtml(formatMoney(total.outflow))}`);
            return rows.join("<br/>");
          },
        },
        series: [
          {
            type: "sankey",
            left: 8,
            right: 16,
            top: 12,
            bottom: 12,
            nodeWidth: 14,
            nodeGap: 30,
            layoutIterations: 48,
            draggable: false,
            emphasis: { focus: "adjacency" },
            data: nodes,
            links: diagram.links.map((link) => ({
              source: diagram.nodes[link.source]?.id,
              target: diagram.nodes[link.target]?.id,
              value: width(link.value),
            })),
            lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.32 },
            label: {
              color: "#1c2427",
              fontSize: 12,
              width: 130,
              overflow: "truncate",
              rich: { name: { fontWeight: 600, fontSize: 12, lineHeight: 15 }, amount: { color: "#5d6b70", fontSize: 11, lineHeight: 14 } },
            },
          },
        ],
      },
      { notMerge: true },
    );
  }, [diagram, currency, totals, height]);

  // Narrow screens scroll the diagram sideways: squeezed, its labels would overlap.
  return (
    <>
      <p className="muted sankey-hint">Scroll sideways to see the whole diagram.</p>
      <div className="sankey-scroll">
        <div ref={ref} className="sankey-chart" role="img" aria-label={label} style={{ height }} />
      </div>
    </>
  );
}
