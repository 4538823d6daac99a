import { init, type EChartsType } from "echarts/core";
import { useEffect, useRef, type RefObject } from "react";

// Imported only by chart modules that are themselves loaded lazily: ECharts stays out of the
// first bundle.

/**
 * An ECharts instance on the element, resized with it and disposed with the component (null
 * where there is no canvas, e.g. a test DOM: the table still has it all). The caller registers
 * the chart types it draws with `use([...])` (tree-shaken `echarts/core`).
 */
export function useEChart(element: RefObject<HTMLDivElement | null>): RefObject<EChartsType | null> {
  const chart = useRef<EChartsType | null>(null);
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    try {
      chart.current = init(target, undefined, { renderer: "canvas" });
    } catch {
      chart.current = null;
      return;
    }
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => chart.current?.resize());
    observer?.observe(target);
    return () => {
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [element]);
  return chart;
}
