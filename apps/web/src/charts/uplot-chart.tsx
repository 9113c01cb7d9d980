import { type ReactNode, useEffect, useRef } from 'react';
import uPlot from 'uplot';

/**
 * A uPlot chart in React. The plot is created once per `options` object (memoise it) and fed new
 * data with setData, so live updates redraw without rebuilding; it follows its container's width.
 * uPlot draws to a canvas, which a screen reader cannot read: the figure gets a label and a text
 * `summary` (latest value, range), and the chart itself is hidden from the accessibility tree.
 */
export interface UPlotChartProps {
  readonly options: Omit<uPlot.Options, 'width' | 'height'>;
  readonly data: uPlot.AlignedData;
  readonly height: number;
  readonly label: string;
  readonly summary?: ReactNode;
  readonly className?: string;
}

export function UPlotChart({ options, data, height, label, summary, className }: UPlotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const u = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height }, latestData.current, el);
    plot.current = u;
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (Math.abs(width - u.width) > 1) u.setSize({ width, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <figure className={`chart ${className ?? ''}`} aria-label={label}>
      <div ref={host} className="chart-canvas" aria-hidden="true" />
      {summary !== undefined && <figcaption className="chart-summary">{summary}</figcaption>}
    </figure>
  );
}
