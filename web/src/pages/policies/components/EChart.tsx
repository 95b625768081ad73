import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type CSSProperties } from 'react';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type EChartOption = echarts.EChartsCoreOption;

// Browser tests (navigator.webdriver) and "reduce motion" get charts without animation.
const still = (typeof navigator !== 'undefined' && navigator.webdriver) || (typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches);

/** A small React wrapper around one ECharts instance: created on mount, option replaced on change, resized with its box. */
export function EChart({ option, style, testId }: { option: EChartOption; style?: CSSProperties; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current);
    chart.current = c;
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => c.resize()) : null;
    ro?.observe(box.current);
    return () => {
      ro?.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ animation: !still, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={box} style={{ width: '100%', height: 300, ...style }} data-testid={testId} />;
}
