import { init, type EChartsType } from "echarts/core";
import { useEffect, useRef, type RefObject } from "react";

/**
 * An ECharts instance on the element of `ref` for the component's life, resized with it.
 * `chart.current` stays null where there is no canvas (an old browser, a test DOM): the
 * figures next to every chart have it all. Register the chart kinds (`use([...])`) first.
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
