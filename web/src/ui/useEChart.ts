import { init, type EChartsType } from "echarts/core";
import { useEffect, useRef, type RefObject } from "react";

/**
 * An ECharts instance on `ref`'s element for the component's life, resized with it; null where
 * there is no canvas (an old browser, a test DOM): the figures next to a chart have it all.
 * Import only from modules loaded with React.lazy, so ECharts stays out of the first bundle.
 */
export function useEChart(ref: RefObject<HTMLDivElement | null>): RefObject<EChartsType | null> {
  const chart = useRef<EChartsType | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    try {
      chart.current = init(element, undefined, { renderer: "canvas" });
    } catch {
      chart.current = null;
      return;
    }
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => chart.current?.resize());
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [ref]);
  return chart;
}

/** Text for an ECharts tooltip, which takes HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether the person asked for less motion (no chart animations then). */
export function reducedMotion(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}
